package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
	"jangkau/privacy"
	"jangkau/records"
)

var errValueMissing = validation.NewError("value_required",
	"Nilai capaian wajib diisi (0 boleh). / The achievement value is required (0 is allowed).")

var errEmptyID = validation.NewError("empty_id",
	"Id kosong: kirim id buatan ponsel (15-36 karakter A-Z a-z 0-9 _ -) atau jangan kirim id sama sekali. / "+
		"Empty id: send the phone's id (15-36 characters A-Z a-z 0-9 _ -) or leave the id out.")

// guard runs a derivation and the privacy check before a record is saved.
func guard(derive func(core.App, *core.Record) validation.Errors) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		errs := validation.Errors{}
		if derive != nil {
			for k, v := range derive(e.App, e.Record) {
				errs[k] = v
			}
		}
		for k, v := range privacy.CheckRecord(e.Record) {
			errs[k] = v
		}
		if len(errs) > 0 {
			return errs
		}
		return e.Next()
	}
}

// prepared turns a records.Prepare* function into a request hook.
func prepared(message string, prepare func(access.Actor, *core.Record) validation.Errors) func(e *core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		if errs := prepare(access.ActorOf(e.Auth), e.Record); errs != nil {
			return e.BadRequestError(message, errs)
		}
		return e.Next()
	}
}

func registerRecords(app core.App) {
	// Model hooks: every path (REST, batch, sync, admin UI, Go code).
	app.OnRecordCreate(records.VillageCollections...).BindFunc(guard(records.DeriveVillageScope))
	app.OnRecordUpdate(records.VillageCollections...).BindFunc(guard(records.DeriveVillageScope))
	app.OnRecordCreate(records.FigureCollections...).BindFunc(guard(records.DeriveFigureScope))
	app.OnRecordUpdate(records.FigureCollections...).BindFunc(guard(records.DeriveFigureScope))
	app.OnRecordCreate(catalog.RadIndicators).BindFunc(guard(nil))
	app.OnRecordUpdate(catalog.RadIndicators).BindFunc(guard(nil))

	// Request hooks (REST and batch): who may write which village or area.
	app.OnRecordCreateRequest(records.VillageCollections...).BindFunc(func(e *core.RecordRequestEvent) error {
		// An id sent empty is a client bug (a phone that lost its local id),
		// not a request for a server id: refuse it rather than risk a duplicate.
		if info, err := e.RequestInfo(); err == nil {
			if v, ok := info.Body["id"]; ok && v == "" {
				return e.BadRequestError("Failed to create the record.", validation.Errors{"id": errEmptyID})
			}
		}
		return e.Next()
	})
	app.OnRecordCreateRequest(records.VillageCollections...).BindFunc(prepared("Failed to create the record.", records.PrepareVillageCreate))
	app.OnRecordUpdateRequest(records.VillageCollections...).BindFunc(prepared("Failed to update the record.", records.PrepareVillageUpdate))
	app.OnRecordCreateRequest(records.FigureCollections...).BindFunc(prepared("Failed to create the record.", records.PrepareFigureWrite))
	// An achievement must state its value; 0 is a value (the field is not
	// Required, which in PocketBase would refuse 0).
	app.OnRecordCreateRequest(catalog.RadAchievements).BindFunc(func(e *core.RecordRequestEvent) error {
		if info, err := e.RequestInfo(); err == nil {
			if v, ok := info.Body["value"]; !ok || v == nil || v == "" {
				return e.BadRequestError("Failed to create the record.", validation.Errors{"value": errValueMissing})
			}
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest(records.FigureCollections...).BindFunc(prepared("Failed to update the record.", records.PrepareFigureWrite))
}
