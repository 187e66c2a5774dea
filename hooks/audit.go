package hooks

import (
	"database/sql"
	"errors"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/records"
	"jangkau/txbatch"
)

//lint:ignore ST1005 a bilingual sentence for people, until model-hook errors get the one error shape (issue 14)
var errAuditAppendOnly = errors.New("Jejak audit hanya bisa ditambah, tidak bisa diubah atau dihapus. / The audit trail is append-only: entries cannot be changed or deleted.")

// auditWrite records a write of an audited record in the write's own
// transaction: no change without its entry, no entry without its change.
func auditWrite(action string) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		changes := audit.Diff(e.Record, action)
		if action == audit.ActionUpdate && len(changes) == 0 {
			return e.Next() // a save that changed nothing is not a change
		}
		original := e.App
		err := e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			if err := e.Next(); err != nil {
				return err
			}
			note := ""
			if records.IsReviewed(e.Record) && action == audit.ActionUpdate {
				if _, ok := changes["status"]; ok {
					note = e.Record.GetString("review_note")
				}
			}
			return audit.Write(txbatch.Of(e.Context, tx), audit.Entry{
				Actor: audit.ActorOf(e.Record), Action: action, Collection: e.Record.Collection().Name,
				RecordID: e.Record.Id, Changes: changes, Note: note,
			})
		})
		e.App = original
		return err
	}
}

func registerAudit(app core.App) {
	setActor := func(e *core.RecordRequestEvent) error {
		audit.SetActor(e.Record, audit.ActorFromRequest(e.RequestEvent))
		return e.Next()
	}
	app.OnRecordCreateRequest(audit.Audited...).BindFunc(setActor)
	app.OnRecordUpdateRequest(audit.Audited...).BindFunc(setActor)
	app.OnRecordDeleteRequest(audit.Audited...).BindFunc(setActor)
	app.OnRecordCreateExecute(audit.Audited...).BindFunc(auditWrite(audit.ActionCreate))
	app.OnRecordUpdateExecute(audit.Audited...).BindFunc(auditWrite(audit.ActionUpdate))
	app.OnRecordDeleteExecute(audit.Audited...).BindFunc(auditWrite(audit.ActionDelete))

	// Append-only on every path, superusers included.
	// Entries are inserted by audit.Write alone; no record save makes one.
	app.OnRecordCreate(audit.Collection).BindFunc(func(e *core.RecordEvent) error { return errAuditAppendOnly })
	app.OnRecordUpdate(audit.Collection).BindFunc(func(e *core.RecordEvent) error { return errAuditAppendOnly })
	app.OnRecordDelete(audit.Collection).BindFunc(func(e *core.RecordEvent) error { return errAuditAppendOnly })

	// Sign-ins are recorded too.
	app.OnRecordAuthRequest().BindFunc(func(e *core.RecordAuthRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		a := audit.ActorOfAuth(e.Record)
		if a == (audit.Actor{}) {
			return nil
		}
		if err := audit.Write(e.App, audit.Entry{Actor: a, Action: audit.ActionLogin, Collection: e.Record.Collection().Name,
			RecordID: e.Record.Id, Note: e.AuthMethod}); err != nil {
			e.App.Logger().Error("login not audited", "error", err)
		}
		return nil
	})

	registerReads(app)
	registerAuditSchemaGuard(app)

	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.GET("/api/audit/{collection}/{id}", recordHistory).Bind(apis.RequireAuth())
		return e.Next()
	})
}

// recordHistory answers GET /api/audit/{collection}/{id}: the record's audit
// entries, oldest first, for whoever may read the record: its changes, and
// with ?reads=1 also who was shown it. The read is itself recorded, as a
// view with note audit.NoteHistory.
func recordHistory(e *core.RequestEvent) error {
	name := e.Request.PathValue("collection")
	if !audit.IsAudited(name) {
		return e.NotFoundError("Koleksi ini tidak diaudit. / This collection is not audited.", nil)
	}
	col, err := e.App.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return e.NotFoundError("", err)
	}
	id := e.Request.PathValue("id")
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("", err)
	}
	rec, err := e.App.FindRecordById(col, id)
	switch {
	case err == nil:
		if ok, err := e.App.CanAccessRecord(rec, info, col.ViewRule); err != nil || !ok {
			return e.NotFoundError("", nil)
		}
	case access.Can(access.ActorOf(e.Auth), catalog.AuditLog, access.List):
		// a deleted record's history: whoever may list the audit trail
	default:
		return e.NotFoundError("", nil)
	}
	// Reading a record's history is reading the record (its past values
	// are in the diffs): recorded first, so the answer lists this read too.
	if err := audit.Read(e, audit.Entry{Action: audit.ActionView, Collection: name, RecordID: id, Note: audit.NoteHistory}); err != nil {
		return err
	}
	var entries []struct {
		ID         string         `db:"id" json:"id"`
		User       string         `db:"user" json:"user"`
		Superuser  string         `db:"superuser" json:"superuser"`
		Device     string         `db:"device" json:"device"`
		Action     string         `db:"action" json:"action"`
		Changes    sql.NullString `db:"changes" json:"-"`
		Note       string         `db:"note" json:"note"`
		ClientTime string         `db:"client_time" json:"clientTime"`
		ServerTime string         `db:"server_time" json:"serverTime"`
		ChangesOut any            `db:"-" json:"changes"`
		UserName   string         `db:"user_name" json:"userName"`
	}
	err = e.App.DB().NewQuery(`SELECT a.id, a.user, a.superuser, a.device, a.action, a.changes, a.note, a.client_time, a.server_time,
		COALESCE(u.name, '') AS user_name
		FROM audit_log a LEFT JOIN users u ON u.id = a.user
		WHERE a.target_collection = {:c} AND a.record = {:id} AND ({:reads} OR a.action NOT IN ({:view}, {:list}, {:report}, {:pull}))
		ORDER BY a.server_time, a.rowid`).
		Bind(dbx.Params{"c": name, "id": id, "reads": e.Request.URL.Query().Get("reads") == "1",
			"view": audit.ActionView, "list": audit.ActionList, "report": audit.ActionReport, "pull": audit.ActionSyncPull}).All(&entries)
	if err != nil {
		return e.InternalServerError("", err)
	}
	for i := range entries {
		entries[i].ChangesOut = rawJSON(entries[i].Changes.String)
	}
	return e.JSON(http.StatusOK, map[string]any{"collection": name, "id": id, "entries": entries})
}

type rawJSON string

// MarshalJSON writes the stored JSON as it is.
func (r rawJSON) MarshalJSON() ([]byte, error) {
	if r == "" {
		return []byte("null"), nil
	}
	return []byte(r), nil
}
