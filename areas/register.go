package areas

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/apierr"
	"jangkau/catalog"
	"jangkau/internal/wiring"
)

// CodeNeverDeleted is the code of the refusal of any delete of an area.
const CodeNeverDeleted = "area_never_deleted"

// errNeverDeleted is returned for any delete of an area, on every path;
// over REST it is the answer (not PocketBase's message about relations).
var errNeverDeleted = apierr.Forbidden("id", CodeNeverDeleted, apierr.Text(
	"Wilayah tidak pernah dihapus, hanya dinonaktifkan (kegiatan, akun dan laporan tetap merujuk kodenya).",
	"Areas are never deleted, only deactivated (records, accounts and reports keep referring to their code)."))

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
