package areas

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/internal/wiring"
)

// errNeverDeleted is returned for any delete of an area, on every path.
//
//lint:ignore ST1005 a bilingual sentence for people, until model-hook errors get the one error shape (issue 14)
var errNeverDeleted = errors.New("Wilayah tidak pernah dihapus, hanya dinonaktifkan. / Areas are never deleted, only deactivated.")

// Register binds the areas to app: an area is never deleted, on any path
// (records, accounts and reports refer to its code forever), only
// deactivated; and the cached directory (Cached) is dropped after any
// area is created or changed.
func Register(app core.App) {
	app.OnRecordDelete(catalog.Areas).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.areas.neverDeleted", Priority: wiring.ModelCheck, Func: func(e *core.RecordEvent) error {
		return errNeverDeleted
	}})
	forget := &hook.Handler[*core.RecordEvent]{Id: "jangkau.areas.forget", Func: func(e *core.RecordEvent) error {
		Forget(e.App)
		return e.Next()
	}}
	app.OnRecordAfterCreateSuccess(catalog.Areas).Bind(forget)
	app.OnRecordAfterUpdateSuccess(catalog.Areas).Bind(forget)
}
