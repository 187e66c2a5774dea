package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/records"
)

func registerUsers(app core.App) {
	// Model hooks run on every path: the regency is derived, and the area
	// must be of the level the role works at.
	deriveUser := func(e *core.RecordEvent) error {
		if errs := deriveUserRegency(e.App, e.Record); errs != nil {
			return errs
		}
		return e.Next()
	}
	app.OnRecordCreate(catalog.Users).BindFunc(deriveUser)
	app.OnRecordUpdate(catalog.Users).BindFunc(deriveUser)

	checkManager := func(e *core.RecordRequestEvent) error {
		if errs := access.CheckUserWrite(access.ActorOf(e.Auth), e.Record); errs != nil {
			return e.BadRequestError("Failed to save the account.", errs)
		}
		return e.Next()
	}
	app.OnRecordCreateRequest(catalog.Users).BindFunc(checkManager)
	app.OnRecordUpdateRequest(catalog.Users).BindFunc(checkManager)
}

var errUserAreaLevel = validation.NewError("wrong_area_level",
	"Wilayah harus sesuai peran: desa/kelurahan untuk operator desa, kabupaten/kota untuk verifikator, provinsi untuk sekretariat dan anggota GT. / "+
		"The area must match the role: a village for a village officer, a regency for a verifier, the province for the secretariat and task-force members.")

func deriveUserRegency(app core.App, rec *core.Record) validation.Errors {
	role := rec.GetString("role")
	area, err := app.FindRecordById(catalog.Areas, rec.GetString("area"))
	if err != nil {
		return validation.Errors{"area": records.ErrUnknownArea}
	}
	if want, ok := catalog.RoleAreaLevel[role]; ok && area.GetString("level") != want {
		return validation.Errors{"area": errUserAreaLevel}
	}
	rec.Set("regency", areas.RegencyOf(area.Id))
	if !access.HasCluster(role) {
		rec.Set("cluster", "")
	}
	return nil
}
