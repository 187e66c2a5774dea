package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/privacy"
	"jangkau/review"
)

// villageCollections carry a village and the district and regency derived from it.
var villageCollections = []string{catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms}

// figureCollections carry an area of regency or province level.
var figureCollections = []string{catalog.CaseAggregates, catalog.RadAchievements}

var (
	errUnknownArea = validation.NewError("unknown_area",
		"Kode wilayah tidak dikenal. / Unknown area code.")
	errNotVillage = validation.NewError("wrong_area_level",
		"Harus desa/kelurahan, bukan wilayah tingkat lain. / Must be a village, not an area of another level.")
	errInactiveArea = validation.NewError("inactive_area",
		"Wilayah ini sudah tidak aktif (kode diganti). / This area is no longer active (its code was replaced).")
	errEmptyID = validation.NewError("empty_id",
		"Id kosong: kirim id buatan ponsel (15-36 karakter A-Z a-z 0-9 _ -) atau jangan kirim id sama sekali. / "+
			"Empty id: send the phone's id (15-36 characters A-Z a-z 0-9 _ -) or leave the id out.")
	errNotRegencyOrProvince = validation.NewError("wrong_area_level",
		"Angka agregat hanya untuk kabupaten/kota atau provinsi. / Aggregate figures are for a regency or the province only.")
)

func registerRecords(app core.App) {
	guard := func(derive func(core.App, *core.Record) validation.Errors) func(e *core.RecordEvent) error {
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

	// Model hooks: every path (REST, batch, sync, admin UI, Go code).
	app.OnRecordCreate(villageCollections...).BindFunc(guard(deriveVillageScope))
	app.OnRecordUpdate(villageCollections...).BindFunc(guard(deriveVillageScope))
	app.OnRecordCreate(figureCollections...).BindFunc(guard(deriveFigureScope))
	app.OnRecordUpdate(figureCollections...).BindFunc(guard(deriveFigureScope))
	app.OnRecordCreate(catalog.RadIndicators).BindFunc(guard(nil))
	app.OnRecordUpdate(catalog.RadIndicators).BindFunc(guard(nil))

	// Request hooks: who may write which village or area; the server sets
	// the author itself.
	app.OnRecordCreateRequest(villageCollections...).BindFunc(func(e *core.RecordRequestEvent) error {
		actor := access.ActorOf(e.Auth)
		// An id sent empty is a client bug (a phone that lost its local id),
		// not a request for a server id: refuse it rather than risk a duplicate.
		if info, err := e.RequestInfo(); err == nil {
			if v, ok := info.Body["id"]; ok && v == "" {
				return e.BadRequestError("Failed to create the record.", validation.Errors{"id": errEmptyID})
			}
		}
		if errs := access.CheckVillageRecord(actor, e.Record); errs != nil {
			return e.BadRequestError("Failed to create the record.", errs)
		}
		stampAuthor(e.Record, actor)
		if isReviewed(e.Record) {
			if !actor.Superuser {
				for _, f := range reviewStamps {
					e.Record.Set(f, "")
				}
			}
			if errs := review.Check(actor, e.Record); errs != nil {
				return e.BadRequestError("Failed to create the record.", errs)
			}
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest(villageCollections...).BindFunc(func(e *core.RecordRequestEvent) error {
		actor := access.ActorOf(e.Auth)
		if errs := access.CheckVillageRecord(actor, e.Record); errs != nil {
			return e.BadRequestError("Failed to update the record.", errs)
		}
		if !actor.Superuser {
			keepServerFields(e.Record)
		}
		if isReviewed(e.Record) {
			if !actor.Superuser {
				keep(e.Record, reviewStamps...)
				if actor.Role == catalog.RoleVillageOfficer {
					keep(e.Record, "review_note")
				}
			}
			if errs := access.CheckReviewerEdit(actor, e.Record); errs != nil {
				return e.BadRequestError("Failed to update the record.", errs)
			}
			if errs := review.Check(actor, e.Record); errs != nil {
				return e.BadRequestError("Failed to update the record.", errs)
			}
		}
		if e.Record.Collection().Name == catalog.VillagePrograms && !actor.Superuser {
			e.Record.Set("updated_by", actor.ID)
		}
		return e.Next()
	})
	app.OnRecordCreateRequest(figureCollections...).BindFunc(func(e *core.RecordRequestEvent) error {
		actor := access.ActorOf(e.Auth)
		if errs := access.CheckAreaFigure(actor, e.Record); errs != nil {
			return e.BadRequestError("Failed to create the record.", errs)
		}
		if !actor.Superuser {
			e.Record.Set("created_by", actor.ID)
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest(figureCollections...).BindFunc(func(e *core.RecordRequestEvent) error {
		actor := access.ActorOf(e.Auth)
		if errs := access.CheckAreaFigure(actor, e.Record); errs != nil {
			return e.BadRequestError("Failed to update the record.", errs)
		}
		if !actor.Superuser {
			keepServerFields(e.Record)
		}
		return e.Next()
	})
}

// serverFields are never taken from a client on update.
var serverFields = []string{"created_by", "client_created_at"}

// reviewStamps are set by the review machine, never by a client.
var reviewStamps = []string{"reviewed_by", "reviewed_at", "submitted_at"}

func keepServerFields(rec *core.Record) { keep(rec, serverFields...) }

// keep puts back the last saved value of each named field the collection has.
func keep(rec *core.Record, fields ...string) {
	orig := rec.Original()
	for _, f := range fields {
		if rec.Collection().Fields.GetByName(f) != nil {
			rec.Set(f, orig.Get(f))
		}
	}
}

func isReviewed(rec *core.Record) bool {
	n := rec.Collection().Name
	return n == catalog.Activities || n == catalog.OutreachLogs
}

// stampAuthor records who created a record; superusers keep what they send.
func stampAuthor(rec *core.Record, actor access.Actor) {
	if actor.Superuser {
		return
	}
	if rec.Collection().Fields.GetByName("created_by") != nil {
		rec.Set("created_by", actor.ID)
	}
	if rec.Collection().Fields.GetByName("updated_by") != nil {
		rec.Set("updated_by", actor.ID)
	}
}

// deriveVillageScope checks that village is an active village and sets the
// district and regency from its code: they are never taken from the client.
func deriveVillageScope(app core.App, rec *core.Record) validation.Errors {
	code := rec.GetString("village")
	area, err := app.FindRecordById(catalog.Areas, code)
	if err != nil {
		return validation.Errors{"village": errUnknownArea}
	}
	if area.GetString("level") != catalog.LevelVillage {
		return validation.Errors{"village": errNotVillage}
	}
	if !area.GetBool("active") && (rec.IsNew() || rec.Original().GetString("village") != code) {
		return validation.Errors{"village": errInactiveArea}
	}
	if isReviewed(rec) && rec.GetString("status") == "" {
		rec.Set("status", catalog.StatusDraft)
	}
	rec.Set("district", areas.DistrictOf(code))
	rec.Set("regency", areas.RegencyOf(code))
	return nil
}

// deriveFigureScope checks that an aggregate figure is for a regency or the
// province, and sets its regency (empty for the province).
func deriveFigureScope(app core.App, rec *core.Record) validation.Errors {
	area, err := app.FindRecordById(catalog.Areas, rec.GetString("area"))
	if err != nil {
		return validation.Errors{"area": errUnknownArea}
	}
	level := area.GetString("level")
	if level != catalog.LevelRegency && level != catalog.LevelProvince {
		return validation.Errors{"area": errNotRegencyOrProvince}
	}
	rec.Set("regency", areas.RegencyOf(area.Id))
	return nil
}
