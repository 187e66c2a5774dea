package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"jangkau/ratelimit"
)

// PocketBase's rate limiter on, with Jangkau's rules (ratelimit.Defaults,
// docs/security.md), once per installation: an operator's later edits in
// Settings > Rate limiting are never overwritten, and settings an operator
// had already edited only gain the missing rules. Going down leaves the
// settings as they are (they belong to the operator by then).
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		if !ratelimit.Apply(s) {
			return nil
		}
		return app.Save(s)
	}, nil)
}
