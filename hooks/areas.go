package hooks

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
	"jangkau/records"
)

// errAreaNeverDeleted is returned for any delete of an area, on every path.
//
//lint:ignore ST1005 a bilingual sentence for people, until model-hook errors get the one error shape (issue 14)
var errAreaNeverDeleted = errors.New("Wilayah tidak pernah dihapus, hanya dinonaktifkan. / Areas are never deleted, only deactivated.")

func registerAreas(app core.App) {
	app.OnRecordDelete(catalog.Areas).BindFunc(func(e *core.RecordEvent) error {
		return errAreaNeverDeleted
	})

	forget := func(e *core.RecordEvent) error {
		records.ForgetAreas(e.App)
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess(catalog.Areas).BindFunc(forget)
	app.OnRecordAfterUpdateSuccess(catalog.Areas).BindFunc(forget)

	// What the secretariat may change on an area: the policy table.
	app.OnRecordUpdateRequest(catalog.Areas).BindFunc(func(e *core.RecordRequestEvent) error {
		if errs := access.CheckFields(access.ActorOf(e.Auth), e.Record); errs != nil {
			return e.BadRequestError("Failed to update the area.", errs)
		}
		return e.Next()
	})
}
