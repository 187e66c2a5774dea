package hooks

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/media"
)

// registerMedia processes photos on every path that saves an activity or an
// outreach log. It is bound after registerRecords, so the scope derivation
// and the privacy guard have passed before any photo is decoded.
//
// It also gives the Go runtime a soft memory limit (unless GOMEMLIMIT is
// set): the decode limit bounds what is live, the memory limit stops the
// GC from letting the heap double on top of it.
func registerMedia(app core.App) {
	media.LimitMemory()
	p := media.For(app)
	save := func(e *core.RecordEvent) error {
		return p.Save(e.Context, e.App, e.Record, e.Next)
	}
	app.OnRecordCreate(media.Collections...).BindFunc(save)
	app.OnRecordUpdate(media.Collections...).BindFunc(save)

	// An upload refused because the decode queue is full answers 503: say
	// when to come back. (Inside a batch the 503 is the failed request's
	// answer within the batch's 400.)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "jangkauRetryAfter",
		Func: func(e *core.ServeEvent) error {
			e.Router.BindFunc(func(re *core.RequestEvent) error {
				err := re.Next()
				var apiErr *router.ApiError
				if errors.As(err, &apiErr) && apiErr.Status == http.StatusServiceUnavailable {
					re.Response.Header().Set("Retry-After", strconv.Itoa(int(media.RetryAfter.Seconds())))
				}
				return err
			})
			return e.Next()
		},
	})
}
