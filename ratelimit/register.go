package ratelimit

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/internal/wiring"
)

// Register wraps PocketBase's rate limiter (switched on with Defaults by a
// migration): a request over a limit gets a bilingual 429 with
// Retry-After, wherever the limit was checked (the global middleware, a
// route's own, or a record handler's).
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.ratelimit.answer", Priority: wiring.ServeBind, Func: func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "jangkau.ratelimit.answer",
			Priority: apis.DefaultRateLimitMiddlewarePriority - 1,
			Func: func(e *core.RequestEvent) error {
				err := e.Next()
				var ae *router.ApiError
				if !errors.As(err, &ae) || ae.Status != http.StatusTooManyRequests {
					return err
				}
				refusal, wait := Refusal(ae)
				e.Response.Header().Set("Retry-After", strconv.FormatInt(wait, 10))
				return refusal
			},
		})
		return se.Next()
	}})
}
