package audit

import (
	"net/http"
	"strconv"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/apierr"
	"jangkau/internal/wiring"
	"jangkau/records"
	"jangkau/txbatch"
)

// errAuditAppendOnly refuses any save or delete of an entry, on every path.
var errAuditAppendOnly = apierr.Forbidden("id", codeAuditProtected, apierr.Text(
	"Jejak audit hanya bisa ditambah, tidak bisa diubah atau dihapus.",
	"The audit trail is append-only: entries cannot be changed or deleted."))

// clientTimeHeader is the header in which a client states its own clock;
// the audit trail keeps it beside the server's time.
const clientTimeHeader = "X-Client-Time"

// Register binds the audit trail to app: an entry for every write of an
// audited record (in the write's transaction), for every sign-in and for
// every read through PocketBase's own routes; the trail append-only and
// its collection unchangeable; the X-Client-Time header checked on every
// route; and GET /api/audit/{collection}/{id}.
func Register(app core.App) {
	setActor := func(e *core.RecordRequestEvent) error {
		SetActor(e.Record, ActorFromRequest(e.RequestEvent))
		return e.Next()
	}
	app.OnRecordCreateRequest(Audited...).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "jangkau.audit.actor", Priority: wiring.RequestActor, Func: setActor})
	app.OnRecordUpdateRequest(Audited...).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "jangkau.audit.actor", Priority: wiring.RequestActor, Func: setActor})
	app.OnRecordDeleteRequest(Audited...).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "jangkau.audit.actor", Priority: wiring.RequestActor, Func: setActor})
	app.OnRecordCreateExecute(Audited...).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.audit.write", Priority: wiring.ExecAudit, Func: auditWrite(ActionCreate)})
	app.OnRecordUpdateExecute(Audited...).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.audit.write", Priority: wiring.ExecAudit, Func: auditWrite(ActionUpdate)})
	app.OnRecordDeleteExecute(Audited...).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.audit.write", Priority: wiring.ExecAudit, Func: auditWrite(ActionDelete)})

	// Append-only on every path, superusers included.
	// Entries are inserted by Write alone; no record save makes one.
	refuse := func(e *core.RecordEvent) error { return errAuditAppendOnly }
	app.OnRecordCreate(Collection).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.audit.appendOnly", Priority: wiring.ModelCheck, Func: refuse})
	app.OnRecordUpdate(Collection).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.audit.appendOnly", Priority: wiring.ModelCheck, Func: refuse})
	app.OnRecordDelete(Collection).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.audit.appendOnly", Priority: wiring.ModelCheck, Func: refuse})

	// What PocketBase's request log keeps of a URL: no typed values.
	bindRequestLogRedaction(app)

	// Sign-ins are recorded too.
	app.OnRecordAuthRequest().Bind(&hook.Handler[*core.RecordAuthRequestEvent]{Id: "jangkau.audit.signIn", Func: func(e *core.RecordAuthRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		a := ActorOfAuth(e.Record)
		if a == (Actor{}) {
			return nil
		}
		if err := Write(e.App, Entry{Actor: a, Action: ActionLogin, Collection: e.Record.Collection().Name,
			RecordID: e.Record.Id, Note: e.AuthMethod}); err != nil {
			e.App.Logger().Error("login not audited", "error", err)
		}
		return nil
	}})

	registerReads(app)
	registerSchemaGuard(app)
	registerClientTime(app)
	RegisterArchiver(app) // old entries to archive files, daily

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.audit.routes", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		e.Router.GET("/api/audit/{collection}/{id}", recordHistory).Bind(apis.RequireAuth())
		return e.Next()
	}})
}

// auditWrite records a write of an audited record in the write's own
// transaction: no change without its entry, no entry without its change.
func auditWrite(action string) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		changes := Diff(e.Record, action)
		if action == ActionUpdate && len(changes) == 0 {
			return e.Next() // a save that changed nothing is not a change
		}
		return wiring.InTx(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			note := ""
			if records.IsReviewed(e.Record) && action == ActionUpdate {
				if _, ok := changes["status"]; ok {
					note = e.Record.GetString("review_note")
				}
			}
			return Write(txbatch.Of(e.Context, tx), Entry{ // the push's batch, when a push saves
				Actor: ActorOf(e.Record), Action: action, Collection: e.Record.Collection().Name,
				RecordID: e.Record.Id, Changes: changes, Note: note,
			})
		})
	}
}

// registerClientTime refuses a bad X-Client-Time (the clock the entries
// keep beside the server's) on every route and in every request of a
// batch, before anything is written.
func registerClientTime(app core.App) {
	// A batch runs its requests without the router's middlewares, each
	// with headers of its own: they are checked here, before the batch.
	app.OnBatchRequest().Bind(&hook.Handler[*core.BatchRequestEvent]{Id: "jangkau.audit.clientTime", Func: func(e *core.BatchRequestEvent) error {
		for i, r := range e.Batch {
			for k, v := range r.Headers {
				if http.CanonicalHeaderKey(k) != clientTimeHeader {
					continue
				}
				if err := CheckClientTime(v); err != nil {
					return e.BadRequestError("Failed to read the submitted batch data.", validation.Errors{
						"requests": validation.Errors{strconv.Itoa(i): validation.Errors{"headers": validation.Errors{clientTimeHeader: err}}}})
				}
			}
		}
		return e.Next()
	}})
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.audit.clientTime", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		e.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "jangkau.audit.clientTime", Priority: wiring.MiddlewareClientTime, Func: checkClientTimeHeader})
		return e.Next()
	}})
}

// checkClientTimeHeader refuses a request whose X-Client-Time is not a
// timestamp (or is sent twice), on every route.
func checkClientTimeHeader(e *core.RequestEvent) error {
	values := e.Request.Header.Values(clientTimeHeader)
	if len(values) == 0 {
		return e.Next()
	}
	err := CheckClientTime(values[0])
	if err == nil && len(values) > 1 {
		err = ErrClientTime
	}
	if err != nil {
		return e.BadRequestError("Failed to read the request headers.", validation.Errors{clientTimeHeader: err})
	}
	return e.Next()
}
