// Package records prepares writes of Jangkau's domain records the same way on
// every path: the REST and batch hooks and the sync endpoints call these
// functions, so scope, authorship and review rules cannot drift apart.
package records

import (
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/internal/recfield"
	"jangkau/media"
	"jangkau/review"
)

// VillageCollections carry a village and the district and regency derived from it.
var VillageCollections = []string{catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms}

// FigureCollections carry an area of regency or province level.
var FigureCollections = []string{catalog.CaseAggregates, catalog.RadAchievements}

// IsReviewed reports whether rec goes through the review status machine.
func IsReviewed(rec *core.Record) bool {
	n := rec.Collection().Name
	return n == catalog.Activities || n == catalog.OutreachLogs
}

// ServerFields are never taken from a client on update.
var ServerFields = []string{"created_by", "client_created_at", "district", "regency"}

// ReviewStamps are set by the review machine, never by a client.
var ReviewStamps = []string{"reviewed_by", "reviewed_at", "submitted_at"}

var (
	errUnknownArea = validation.NewError("unknown_area",
		"Kode wilayah tidak dikenal. / Unknown area code.")
	errNotVillage = validation.NewError("wrong_area_level",
		"Harus desa/kelurahan, bukan wilayah tingkat lain. / Must be a village, not an area of another level.")
	errInactiveArea = validation.NewError("inactive_area",
		"Wilayah ini sudah tidak aktif (kode diganti). / This area is no longer active (its code was replaced).")
	errNotRegencyOrProvince = validation.NewError("wrong_area_level",
		"Angka agregat hanya untuk kabupaten/kota atau provinsi. / Aggregate figures are for a regency or the province only.")
	errCreateRole = validation.NewError("forbidden_role",
		"Peran Anda tidak boleh membuat catatan ini. / Your role may not create this record.")
)

// ErrUnknownArea is the field error for an area code that does not exist.
var ErrUnknownArea = errUnknownArea

// CanCreate reports whether the actor's role may create records of the
// collection (the policy table's create grant), for paths that build
// records themselves (sync).
func CanCreate(a access.Actor, collection string) bool {
	return access.Can(a, collection, access.Create)
}

// PrepareVillageCreate checks and completes a new village-level record
// written by the actor: scope, author, review state.
func PrepareVillageCreate(a access.Actor, rec *core.Record) validation.Errors {
	if !CanCreate(a, rec.Collection().Name) {
		return validation.Errors{"village": errCreateRole}
	}
	if rec.Collection().Name == catalog.Activities && recfield.String(rec, "cluster") == "" && access.HasCluster(a.Role) {
		// a task-force member's activity is its cluster's
		recfield.Set(rec, "cluster", a.Cluster)
	}
	if rec.Collection().Name == catalog.Activities {
		if errs := PlaceActivity(rec); errs != nil {
			return errs
		}
	}
	if errs := access.CheckWrite(a, rec); errs != nil {
		return errs
	}
	if !a.Superuser {
		setIfField(rec, "created_by", a.ID)
		setIfField(rec, "updated_by", a.ID)
	}
	if IsReviewed(rec) {
		if !a.Superuser {
			for _, f := range ReviewStamps {
				recfield.Set(rec, f, "")
			}
		}
		return review.Check(a, rec)
	}
	return nil
}

// PrepareVillageUpdate checks and completes an update of a village-level
// record by the actor: scope, server-owned fields, reviewer limits, review state.
func PrepareVillageUpdate(a access.Actor, rec *core.Record) validation.Errors {
	if rec.Collection().Name == catalog.Activities {
		if errs := PlaceActivity(rec); errs != nil {
			return errs
		}
	}
	if errs := access.CheckWrite(a, rec); errs != nil {
		return errs
	}
	if !a.Superuser {
		Keep(rec, ServerFields...)
		if IsReviewed(rec) {
			Keep(rec, ReviewStamps...)
		}
		access.KeepFields(a, rec)
	}
	// Photos sync after the data: the village (the records' author) may
	// still deliver the photos it announced while the record is under
	// review or approved.
	if IsReviewed(rec) && !a.Superuser && access.Can(a, rec.Collection().Name, access.Create) && isLocked(rec) {
		if ok, errs := media.CheckPhotoCompletion(rec, access.ChangedFields(rec)); ok || errs != nil {
			return errs
		}
	}
	if errs := access.CheckFields(a, rec); errs != nil {
		return errs
	}
	if IsReviewed(rec) {
		if errs := review.Check(a, rec); errs != nil {
			return errs
		}
	}
	if rec.Collection().Name == catalog.VillagePrograms && !a.Superuser {
		recfield.Set(rec, "updated_by", a.ID)
	}
	return nil
}

// PrepareFigureWrite checks and completes a create or update of an aggregate
// figure (case figures, RAD achievements) by the actor.
func PrepareFigureWrite(a access.Actor, rec *core.Record) validation.Errors {
	if errs := access.CheckWrite(a, rec); errs != nil {
		return errs
	}
	if a.Superuser {
		return nil
	}
	if rec.IsNew() {
		recfield.Set(rec, "created_by", a.ID)
		return nil
	}
	Keep(rec, "created_by")
	access.KeepFields(a, rec)
	return access.CheckFields(a, rec)
}

// isLocked reports whether rec was under review or approved when read.
func isLocked(rec *core.Record) bool {
	s := rec.Original().GetString("status")
	return recfield.String(rec, "status") == s && (s == catalog.StatusSubmitted || s == catalog.StatusApproved)
}

func setIfField(rec *core.Record, field string, v any) {
	if rec.Collection().Fields.GetByName(field) != nil {
		recfield.Set(rec, field, v)
	}
}

// Keep puts back the last saved value of each named field the collection has.
func Keep(rec *core.Record, fields ...string) {
	orig := rec.Original()
	for _, f := range fields {
		if rec.Collection().Fields.GetByName(f) != nil {
			recfield.Set(rec, f, orig.Get(f))
		}
	}
}

// DeriveVillageScope checks that the record's village is an active village
// and sets the district and regency from its code: they are never taken
// from the client. It runs on every save. Activities, recorded at every
// level, are placed by DeriveActivityScope.
func DeriveVillageScope(app core.App, rec *core.Record) validation.Errors {
	if rec.Collection().Name == catalog.Activities {
		return DeriveActivityScope(app, rec)
	}
	code := recfield.String(rec, "village")
	area, ok := lookupArea(app, code)
	if !ok {
		return validation.Errors{"village": errUnknownArea}
	}
	if area.Level != catalog.LevelVillage {
		return validation.Errors{"village": errNotVillage}
	}
	if !area.Active && (rec.IsNew() || rec.Original().GetString("village") != code) {
		return validation.Errors{"village": errInactiveArea}
	}
	if IsReviewed(rec) && recfield.String(rec, "status") == "" {
		recfield.Set(rec, "status", catalog.StatusDraft)
	}
	if errs := checkHomeVisitPhotos(rec); errs != nil {
		return errs
	}
	recfield.Set(rec, "district", areas.DistrictOf(code))
	recfield.Set(rec, "regency", areas.RegencyOf(code))
	return nil
}

// DeriveFigureScope checks that an aggregate figure is for a regency or the
// province, and sets its regency (empty for the province).
func DeriveFigureScope(app core.App, rec *core.Record) validation.Errors {
	area, err := app.FindRecordById(catalog.Areas, recfield.String(rec, "area"))
	if err != nil {
		return validation.Errors{"area": errUnknownArea}
	}
	level := area.GetString("level")
	if level != catalog.LevelRegency && level != catalog.LevelProvince {
		return validation.Errors{"area": errNotRegencyOrProvince}
	}
	recfield.Set(rec, "regency", areas.RegencyOf(area.Id))
	return nil
}

var (
	errAreaRequired = validation.NewError("validation_required",
		"Wilayah kegiatan wajib diisi (desa/kelurahan, kecamatan, kabupaten/kota atau provinsi). / The activity's area is required (a village, district, regency or the province).")
	errVillageNotArea = validation.NewError("wrong_area_level",
		"Kegiatan desa mencatat desanya di village dan area yang sama; kegiatan tingkat lain tidak punya desa. / A village activity names the same village in village and area; an activity of another level has no village.")
	errLevelMismatch = validation.NewError("wrong_area_level",
		"Tingkat tidak sesuai dengan wilayah kegiatan. / The level does not match the activity's area.")
)

// PlaceActivity sets an activity's area and level before any check reads
// them. The area names where it took place: a village (phones send it as
// village, and area follows), a district, a regency or the province; the
// level comes from the code's shape, and a level the client sent must
// match it. It needs no database: the request checks (scope, review) run
// before the save, and DeriveActivityScope checks the area exists.
func PlaceActivity(rec *core.Record) validation.Errors {
	village, code := recfield.String(rec, "village"), recfield.String(rec, "area")
	var orig *core.Record // the stored record: a copy, made only for an update
	if !rec.IsNew() {
		orig = rec.Original()
	}
	// a client that knows only village (the field app) moves area with it
	if village != "" && (code == "" || (orig != nil && code == orig.GetString("area") && village != orig.GetString("village"))) {
		code = village
	}
	if code == "" {
		if recfield.String(rec, "level") == catalog.LevelVillage {
			return validation.Errors{"village": errAreaRequired}
		}
		return validation.Errors{"area": errAreaRequired}
	}
	if village != "" && village != code {
		return validation.Errors{"village": errVillageNotArea}
	}
	level := areas.LevelOf(code)
	if village != "" && level != "" && level != catalog.LevelVillage {
		return validation.Errors{"village": errNotVillage}
	}
	if level == "" {
		return validation.Errors{areaField(rec): errUnknownArea}
	}
	if lv := recfield.String(rec, "level"); lv != "" && lv != level && (orig == nil || lv != orig.GetString("level")) {
		return validation.Errors{"level": errLevelMismatch}
	}
	recfield.Set(rec, "area", code)
	recfield.Set(rec, "level", level)
	if level == catalog.LevelVillage {
		recfield.Set(rec, "village", code)
	}
	return nil
}

// areaField is the field an activity's area errors are reported on: a
// village activity's phone sent village.
func areaField(rec *core.Record) string {
	if recfield.String(rec, "village") != "" {
		return "village"
	}
	return "area"
}

// DeriveActivityScope places an activity (PlaceActivity), checks that its
// area exists and is active, and sets its district and regency (empty
// above their levels). It runs on every save.
func DeriveActivityScope(app core.App, rec *core.Record) validation.Errors {
	if errs := PlaceActivity(rec); errs != nil {
		return errs
	}
	code := recfield.String(rec, "area")
	area, ok := lookupArea(app, code)
	if !ok {
		return validation.Errors{areaField(rec): errUnknownArea}
	}
	if !area.Active && (rec.IsNew() || rec.Original().GetString("area") != code) {
		return validation.Errors{areaField(rec): errInactiveArea}
	}
	if recfield.String(rec, "status") == "" {
		recfield.Set(rec, "status", catalog.StatusDraft)
	}
	recfield.Set(rec, "district", areas.DistrictOf(code))
	recfield.Set(rec, "regency", areas.RegencyOf(code))
	return nil
}

var (
	errHomeVisitPhotos = validation.NewError("photos_home_visit",
		"Kunjungan rumah tidak boleh berfoto: foto menunjukkan rumah dan wajah orang. / A home visit takes no photos: they would show homes and faces.")
)

// checkHomeVisitPhotos refuses photos on a home-visit outreach log (a
// route to homes and faces): an upload, an announcement of photos to come
// (photos_expected), or a log with photos made a home visit. Logs stored
// with photos before the rule are left as they are.
func checkHomeVisitPhotos(rec *core.Record) validation.Errors {
	if rec.Collection().Name != catalog.OutreachLogs || recfield.String(rec, "outreach_type") != "home_visit" {
		return nil
	}
	orig := rec.Original()
	becameVisit := rec.IsNew() || orig.GetString("outreach_type") != "home_visit"
	if len(rec.GetUnsavedFiles(media.FieldPhotos)) > 0 || (becameVisit && len(rec.GetStringSlice(media.FieldPhotos)) > 0) {
		return validation.Errors{media.FieldPhotos: errHomeVisitPhotos}
	}
	expected, _ := media.Expected(rec)
	if len(expected) > 0 {
		before, _ := media.Expected(orig)
		if becameVisit || !slices.Equal(expected, before) {
			return validation.Errors{media.FieldExpected: errHomeVisitPhotos}
		}
	}
	return nil
}
