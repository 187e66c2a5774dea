package static

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/internal/wiring"
)

// Register serves files (the embedded web apps) at GET /{path...}, after
// every other route, unless something else already serves that path. An
// unknown /api/ path is a 404 in JSON, not the web app's index.html with
// 200 (which clients would mistake for an answer).
func Register(app core.App, files fs.FS) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.static.files", Priority: wiring.ServeStatic, Func: func(e *core.ServeEvent) error {
		if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
			serveFile := Handler(files) // gzip, ETags, immutable hashed bundles
			e.Router.GET("/{path...}", func(re *core.RequestEvent) error {
				if strings.HasPrefix(re.Request.URL.Path, "/api/") {
					return re.NotFoundError("", nil)
				}
				return serveFile(re)
			})
		}
		return e.Next()
	}})
}
