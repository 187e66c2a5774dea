package records

import (
	"slices"
	"sync"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/access"
	"jangkau/catalog"
	"jangkau/internal/wiring"
	"jangkau/privacy"
)

var errValueMissing = validation.NewError("value_required",
	"Nilai capaian wajib diisi (0 boleh). / The achievement value is required (0 is allowed).")

var errEmptyID = validation.NewError("empty_id",
	"Id kosong: kirim id buatan ponsel (15-36 karakter A-Z a-z 0-9 _ -) atau jangan kirim id sama sekali. / "+
		"Empty id: send the phone's id (15-36 characters A-Z a-z 0-9 _ -) or leave the id out.")

// Register binds the server-filled fields and checks of records to app:
// on every path (REST, batch, sync, admin UI, Go code) the scope derived
// from the village or area and the privacy guard on free text, evidence
// links checked, dates in order; on REST and batch, who may write which
// village or area with which values (the policy table), and date fields
// given values of their type (the sync pushes check theirs as they decode).
func Register(app core.App) {
	for _, c := range theModelChecks() {
		run := func(e *core.RecordEvent) error {
			if !wiring.CheckedAhead(e) {
				if errs := c.check(e.App, e.Record); len(errs) > 0 {
					return errs
				}
			}
			return e.Next()
		}
		app.OnRecordCreate(c.collections...).Bind(&hook.Handler[*core.RecordEvent]{Id: c.id, Priority: wiring.ModelCheck, Func: run})
		app.OnRecordUpdate(c.collections...).Bind(&hook.Handler[*core.RecordEvent]{Id: c.id, Priority: wiring.ModelCheck, Func: run})
	}

	// Request hooks (REST and batch): who may write which village or area.
	request := func(id string, fn func(*core.RecordRequestEvent) error) *hook.Handler[*core.RecordRequestEvent] {
		return &hook.Handler[*core.RecordRequestEvent]{Id: id, Priority: wiring.RequestCheck, Func: fn}
	}
	// A field given a value its type would turn into something else (a
	// date that is not one, a number that is text), in any collection:
	// refused before PocketBase's cast stores no date, or 0.
	app.OnRecordCreateRequest().Bind(request("jangkau.records.values", checkBodyValues))
	app.OnRecordUpdateRequest().Bind(request("jangkau.records.values", checkBodyValues))
	// An id the client chose is stored, shown and synced to every phone:
	// one that carries a NIK or a phone number is refused (any collection).
	app.OnRecordCreateRequest().Bind(request("jangkau.records.privacyId", checkClientID))
	app.OnRecordCreateRequest(VillageCollections...).Bind(request("jangkau.records.emptyId", func(e *core.RecordRequestEvent) error {
		// An id sent empty is a client bug (a phone that lost its local id),
		// not a request for a server id: refuse it rather than risk a duplicate.
		if info, err := e.RequestInfo(); err == nil {
			if v, ok := info.Body["id"]; ok && v == "" {
				return e.BadRequestError("Failed to create the record.", validation.Errors{"id": errEmptyID})
			}
		}
		return e.Next()
	}))
	app.OnRecordCreateRequest(VillageCollections...).Bind(request("jangkau.records.village", prepared("Failed to create the record.", PrepareVillageCreate)))
	app.OnRecordUpdateRequest(VillageCollections...).Bind(request("jangkau.records.village", prepared("Failed to update the record.", PrepareVillageUpdate)))
	app.OnRecordCreateRequest(FigureCollections...).Bind(request("jangkau.records.figure", prepared("Failed to create the record.", PrepareFigureWrite)))
	// An achievement must state its value; 0 is a value (the field is not
	// Required, which in PocketBase would refuse 0).
	app.OnRecordCreateRequest(catalog.RadAchievements).Bind(request("jangkau.records.achievementValue", func(e *core.RecordRequestEvent) error {
		if info, err := e.RequestInfo(); err == nil {
			if v, ok := info.Body["value"]; !ok || v == nil || v == "" {
				return e.BadRequestError("Failed to create the record.", validation.Errors{"value": errValueMissing})
			}
		}
		return e.Next()
	}))
	app.OnRecordUpdateRequest(FigureCollections...).Bind(request("jangkau.records.figure", prepared("Failed to update the record.", PrepareFigureWrite)))

	// What the secretariat may change on an area: the policy table.
	app.OnRecordUpdateRequest(catalog.Areas).Bind(request("jangkau.records.areaFields", func(e *core.RecordRequestEvent) error {
		if errs := access.CheckFields(access.ActorOf(e.Auth), e.Record); errs != nil {
			return e.BadRequestError("Failed to update the area.", errs)
		}
		return e.Next()
	}))
}

// modelCheck is a check the model hooks of its collections run on every
// create and update (REST, batch, sync, admin UI, Go code), before
// PocketBase's own validation.
type modelCheck struct {
	id          string
	collections []string
	check       func(core.App, *core.Record) validation.Errors
}

// modelChecks are the records' model checks, in the order they run: the
// scope derived from the village or area and the privacy guard on free
// text (accounts, devices and areas: the guard alone), case figures, dates
// in order (an end not before its start), evidence links.
func modelChecks() []modelCheck {
	guarded := make([]string, 0, len(privacy.GuardedFields))
	for name := range privacy.GuardedFields {
		guarded = append(guarded, name)
	}
	slices.Sort(guarded) // bound in a fixed order (hooks/testdata/order.golden)
	return []modelCheck{
		{"jangkau.records.villageScope", VillageCollections, guard(DeriveVillageScope)},
		{"jangkau.records.figureScope", FigureCollections, guard(DeriveFigureScope)},
		{"jangkau.records.caseFigures", []string{catalog.CaseAggregates}, func(_ core.App, rec *core.Record) validation.Errors { return CheckCaseFigures(rec) }},
		{"jangkau.records.indicatorText", []string{catalog.RadIndicators}, guard(nil)},
		{"jangkau.records.privacy", guarded, guard(nil)},
		{"jangkau.records.dateOrder", dateOrderCollections(), checkDateOrders},
		{"jangkau.records.links", []string{catalog.RadAchievements}, func(_ core.App, rec *core.Record) validation.Errors { return CheckEvidenceLinks(rec) }},
	}
}

// CheckAhead makes, on a record about to be created, the model checks its
// collection's hooks make (modelChecks): scope derived, privacy guard,
// dates in order... They read no table but the cached areas, so a caller
// may make them outside the write transaction and save the record with
// wiring.WithCheckedAhead. It returns the first failing check's errors.
func CheckAhead(app core.App, rec *core.Record) validation.Errors {
	name := rec.Collection().Name
	for _, c := range theModelChecks() {
		if slices.Contains(c.collections, name) {
			if errs := c.check(app, rec); len(errs) > 0 {
				return errs
			}
		}
	}
	return nil
}

// theModelChecks is modelChecks, made once.
var theModelChecks = sync.OnceValue(modelChecks)

// guard runs a derivation and the privacy check.
func guard(derive func(core.App, *core.Record) validation.Errors) func(core.App, *core.Record) validation.Errors {
	return func(app core.App, rec *core.Record) validation.Errors {
		errs := validation.Errors{}
		if derive != nil {
			for k, v := range derive(app, rec) {
				errs[k] = v
			}
		}
		for k, v := range privacy.CheckRecord(rec) {
			errs[k] = v
		}
		return errs
	}
}

// prepared turns a Prepare* function into a request hook.
func prepared(message string, prepare func(access.Actor, *core.Record) validation.Errors) func(e *core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		if errs := prepare(access.ActorOf(e.Auth), e.Record); errs != nil {
			return e.BadRequestError(message, errs)
		}
		return e.Next()
	}
}

// checkClientID refuses a create whose body names an id that carries what
// the privacy guard refuses (privacy.CheckID); ids the server makes are
// not checked.
func checkClientID(e *core.RecordRequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return e.Next()
	}
	if _, ok := info.Body["id"]; !ok {
		return e.Next()
	}
	if v := privacy.CheckID("id", e.Record.Id); v != nil {
		return e.BadRequestError("Failed to create the record.", validation.Errors{"id": v})
	}
	return e.Next()
}
