package hooks

import (
	"net/http"
	"strconv"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/privacy"
	"jangkau/records"
)

// clientTimeHeader is the header in which a client states its own clock;
// the audit trail keeps it beside the server's time.
const clientTimeHeader = "X-Client-Time"

// registerInput checks what people and clients send that the record hooks
// of registerRecords do not: the text of accounts, devices and areas (the
// privacy guard), evidence links, and the X-Client-Time header, on every
// path and before anything is written.
func registerInput(app core.App) {
	guarded := make([]string, 0, len(privacy.GuardedFields))
	for name := range privacy.GuardedFields {
		guarded = append(guarded, name)
	}
	app.OnRecordCreate(guarded...).BindFunc(guard(nil))
	app.OnRecordUpdate(guarded...).BindFunc(guard(nil))

	links := func(e *core.RecordEvent) error {
		if errs := records.CheckEvidenceLinks(e.Record); errs != nil {
			return errs
		}
		return e.Next()
	}
	app.OnRecordCreate(catalog.RadAchievements).BindFunc(links)
	app.OnRecordUpdate(catalog.RadAchievements).BindFunc(links)

	// A batch runs its requests without the router's middlewares, each
	// with headers of its own: they are checked here, before the batch.
	app.OnBatchRequest().BindFunc(func(e *core.BatchRequestEvent) error {
		for i, r := range e.Batch {
			for k, v := range r.Headers {
				if http.CanonicalHeaderKey(k) != clientTimeHeader {
					continue
				}
				if err := audit.CheckClientTime(v); err != nil {
					return e.BadRequestError("Failed to read the submitted batch data.", validation.Errors{
						"requests": validation.Errors{strconv.Itoa(i): validation.Errors{"headers": validation.Errors{clientTimeHeader: err}}}})
				}
			}
		}
		return e.Next()
	})
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "jangkauClientTime",
		Func: func(e *core.ServeEvent) error {
			e.Router.BindFunc(checkClientTimeHeader)
			return e.Next()
		},
	})
}

// checkClientTimeHeader refuses a request whose X-Client-Time is not a
// timestamp (or is sent twice), on every route.
func checkClientTimeHeader(e *core.RequestEvent) error {
	values := e.Request.Header.Values(clientTimeHeader)
	if len(values) == 0 {
		return e.Next()
	}
	err := audit.CheckClientTime(values[0])
	if err == nil && len(values) > 1 {
		err = audit.ErrClientTime
	}
	if err != nil {
		return e.BadRequestError("Failed to read the request headers.", validation.Errors{clientTimeHeader: err})
	}
	return e.Next()
}
