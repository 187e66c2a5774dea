package media

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/internal/wiring"
)

// PhotoCacheControl is the Cache-Control of every photo and thumbnail.
const PhotoCacheControl = "private, max-age=3600"

// Register processes photos on every path that saves an activity or an
// outreach log. Its handlers run after the checks of package records
// (wiring.ModelPhotos), so the scope derivation and the privacy guard have
// passed before any photo is decoded. A 503 (decode queue full) says when
// to come back.
//
// The process-wide memory limit the decode limit relies on is set by the
// program (LimitMemory, in main), not here.
func Register(app core.App) {
	p := For(app)
	save := &hook.Handler[*core.RecordEvent]{Id: "jangkau.media.photos", Priority: wiring.ModelPhotos, Func: func(e *core.RecordEvent) error {
		return p.Save(e.Context, e.App, e.Record, e.Next)
	}}
	app.OnRecordCreate(Collections...).Bind(save)
	app.OnRecordUpdate(Collections...).Bind(save)

	// A photo of a village's work may show the people at risk it reached:
	// no proxy or shared cache keeps one (PocketBase's own answer lets any
	// cache keep a file for 30 days), and the phone or browser that fetched
	// it keeps it an hour (photo names never change: a new photo is a new
	// name).
	app.OnFileDownloadRequest(Collections...).Bind(&hook.Handler[*core.FileDownloadRequestEvent]{Id: "jangkau.media.private", Priority: wiring.FilePrivate, Func: func(e *core.FileDownloadRequestEvent) error {
		e.Response.Header().Set("Cache-Control", PhotoCacheControl)
		return e.Next()
	}})

	// Photo files a killed server left without a row are removed at
	// start, before the server takes requests (Sweep).
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.media.sweep", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		if n, err := Sweep(e.App); err != nil {
			e.App.Logger().Error("photo sweep failed", "error", err, "removed", n)
		} else if n > 0 {
			e.App.Logger().Warn("photo files without a row removed", "removed", n)
		}
		return e.Next()
	}})

	// An upload refused because the decode queue is full answers 503: say
	// when to come back. (Inside a batch the 503 is the failed request's
	// answer within the batch's 400.)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.media.retryAfter", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		e.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "jangkau.media.retryAfter", Priority: wiring.MiddlewareRetryAfter, Func: func(re *core.RequestEvent) error {
			err := re.Next()
			var apiErr *router.ApiError
			// (a 503 that says when itself, e.g. an account not read, keeps its own)
			if errors.As(err, &apiErr) && apiErr.Status == http.StatusServiceUnavailable && re.Response.Header().Get("Retry-After") == "" {
				re.Response.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter.Seconds())))
			}
			return err
		}})
		return e.Next()
	}})
}
