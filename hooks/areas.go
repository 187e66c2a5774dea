package hooks

import (
	"errors"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/records"
)

// errAreaNeverDeleted is returned for any delete of an area, on every path.
//
//lint:ignore ST1005 a bilingual sentence for people, until model-hook errors get the one error shape (issue 14)
var errAreaNeverDeleted = errors.New("Wilayah tidak pernah dihapus, hanya dinonaktifkan. / Areas are never deleted, only deactivated.")

var errAreaFieldLocked = validation.NewError("locked_field",
	"Kode, nama dan induk wilayah mengikuti Kepmendagri dan hanya berubah lewat impor. / An area's code, name and parent follow the official decree and change only by import.")

// areaEditableFields are what the secretariat may change on an area.
var areaEditableFields = map[string]bool{"local_term": true, "active": true, "updated": true}

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

	app.OnRecordUpdateRequest(catalog.Areas).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		orig := e.Record.Original()
		for _, f := range e.Record.Collection().Fields {
			name := f.GetName()
			if !areaEditableFields[name] && e.Record.GetString(name) != orig.GetString(name) {
				return e.BadRequestError("Failed to update the area.", validation.Errors{name: errAreaFieldLocked})
			}
		}
		return e.Next()
	})
}
