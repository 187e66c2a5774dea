// Package programs keeps the village programmes (DRPPA, PATBM, Desmigratif,
// perdes...) with their history: each row of village_programs holds from
// valid_from to valid_to (empty: still holds), so a past period's report
// shows the state then, and a DRPPA row carries its self-assessment as
// structured fields (catalog.DrppaIndicators). Its checks run in the record
// model hooks, so REST, batch and the three sync protocols all get them.
package programs

import (
	"encoding/json"
	"reflect"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/apierr"
	"jangkau/catalog"
	"jangkau/internal/wiring"
	"jangkau/records"
)

// WIB is the time zone a programme's days are counted in (Lampung).
var WIB = time.FixedZone("WIB", 7*3600)

// The field errors of a programme write, each a stable code.
var (
	errToBeforeFrom = apierr.Field("valid_to_before_from", apierr.Text(
		"Tanggal berlaku sampai tidak boleh sebelum tanggal berlaku sejak.",
		"The valid-to date cannot be before the valid-from date."))
	errOverlap = apierr.Field("programme_period_overlap", apierr.Text(
		"Desa ini sudah punya program yang sama pada periode itu: akhiri dulu yang lama (isi tanggal berlaku sampai).",
		"This village already has the same programme in that period: end the earlier one first (fill in its valid-to date)."))
	errDrppaOnly = apierr.Field("drppa_only", apierr.Text(
		"Indikator DRPPA hanya diisi untuk program DRPPA.",
		"DRPPA indicators are filled in for the DRPPA programme only."))
	errAnswerRequired = apierr.Field("drppa_answer_required", apierr.Text(
		"Penilaian DRPPA bertanggal: jawab indikator ini (terpenuhi atau belum).",
		"A dated DRPPA assessment: answer this indicator (met or not yet)."))
	errAssessedOnRequired = apierr.Field("drppa_assessed_on_required", apierr.Text(
		"Isi tanggal penilaian DRPPA bila ada indikator yang diisi.",
		"Give the DRPPA assessment's date when any indicator is filled in."))
	errLegacy = apierr.Field("drppa_assessment_read_only", apierr.Text(
		"Penilaian DRPPA lama (teks bebas) hanya dapat dibaca atau dikosongkan; isi formulir indikator.",
		"The earlier free-form DRPPA assessment can only be read or cleared; fill in the indicator form."))
)

// Register binds the programme checks to app, after the records' scope and
// privacy checks (hooks.Register binds this package later, at the same
// priority), on every path.
func Register(app core.App) {
	check := func(e *core.RecordEvent) error {
		if errs := Check(e.App, e.Record); errs != nil {
			return errs
		}
		return e.Next()
	}
	h := &hook.Handler[*core.RecordEvent]{Id: "jangkau.programs.check", Priority: wiring.ModelCheck, Func: check}
	app.OnRecordCreate(catalog.VillagePrograms).Bind(h)
	app.OnRecordUpdate(catalog.VillagePrograms).Bind(h)
}

// validOrder keeps a programme's valid_to on or after its valid_from, as
// the records hooks keep the other date pairs (records.DateOrders).
var validOrder = records.DateOrder{Collection: catalog.VillagePrograms, First: "valid_from", Then: "valid_to", Err: errToBeforeFrom}

// Check completes and checks a programme about to be saved: valid_from
// defaults to the day it was recorded (WIB), valid_to is not before it, no
// other row of the village's same programme overlaps it, the DRPPA fields
// are filled for a DRPPA row only and as a whole, and the earlier free-form
// assessment is only kept or cleared.
func Check(app core.App, rec *core.Record) validation.Errors {
	errs := validation.Errors{}
	if rec.GetDateTime("valid_from").IsZero() {
		day := time.Now().In(WIB)
		if c := rec.GetDateTime("created"); !rec.IsNew() && !c.IsZero() {
			day = c.Time().In(WIB)
		}
		rec.Set("valid_from", day.Format(time.DateOnly)+" 00:00:00.000Z")
	}
	from, to := records.Day(rec.GetDateTime("valid_from")), records.Day(rec.GetDateTime("valid_to"))
	if order := validOrder.Check(rec); order != nil {
		errs = order
	} else if overlaps(app, rec, from, to) {
		errs["valid_from"] = errOverlap
	}
	for k, v := range checkDrppa(rec) {
		errs[k] = v
	}
	if legacyChanged(rec) {
		errs[catalog.DrppaLegacy] = errLegacy
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// overlaps reports whether another row of the same village and programme
// holds on a day of [from, to] (to empty: open-ended).
func overlaps(app core.App, rec *core.Record, from, to string) bool {
	last := to
	if last == "" {
		last = "9999-12-31"
	}
	var n int
	err := app.DB().NewQuery(`SELECT COUNT(*) FROM village_programs WHERE village = {:v} AND program = {:p} AND id != {:id}
		AND (valid_from = '' OR substr(valid_from, 1, 10) <= {:last})
		AND (valid_to = '' OR substr(valid_to, 1, 10) >= {:from})`).
		Bind(map[string]any{"v": rec.GetString("village"), "p": rec.GetString("program"), "id": rec.Id, "last": last, "from": from}).Row(&n)
	return err == nil && n > 0
}

// checkDrppa checks the DRPPA indicator fields as one form.
func checkDrppa(rec *core.Record) validation.Errors {
	errs := validation.Errors{}
	assessed := !rec.GetDateTime(catalog.DrppaAssessedOn).IsZero()
	filled := assessed
	for _, ind := range catalog.DrppaIndicators {
		if ind.Percent && rec.GetFloat(ind.Field) != 0 || !ind.Percent && rec.GetString(ind.Field) != "" {
			filled = true
			if rec.GetString("program") != "drppa" {
				errs[ind.Field] = errDrppaOnly
			}
		}
	}
	if !filled {
		return nil
	}
	if rec.GetString("program") != "drppa" {
		if assessed {
			errs[catalog.DrppaAssessedOn] = errDrppaOnly
		}
		return errs
	}
	if !assessed {
		errs[catalog.DrppaAssessedOn] = errAssessedOnRequired
		return errs
	}
	for _, ind := range catalog.DrppaIndicators {
		if !ind.Percent && rec.GetString(ind.Field) == "" {
			errs[ind.Field] = errAnswerRequired
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// legacyChanged reports whether a write sets the earlier free-form
// assessment to something it did not hold (clearing it is allowed).
func legacyChanged(rec *core.Record) bool {
	now := legacyText(rec.Get(catalog.DrppaLegacy))
	if now == "" {
		return false
	}
	if rec.IsNew() {
		return true
	}
	was := legacyText(rec.Original().Get(catalog.DrppaLegacy))
	if now == was {
		return false
	}
	// the same JSON written another way (a phone sending the whole record back)
	var a, b any
	return json.Unmarshal([]byte(now), &a) != nil || json.Unmarshal([]byte(was), &b) != nil || !reflect.DeepEqual(a, b)
}

func legacyText(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
	case types.JSONRaw:
		s = x.String()
	case string:
		s = x
	default:
		raw, _ := types.ParseJSONRaw(v)
		s = raw.String()
	}
	if s == "null" || s == "{}" || s == `""` {
		return ""
	}
	return s
}

// HeldDuring is the SQL condition (on village_programs' own columns) of the
// rows holding on at least one day of [first, last] ("YYYY-MM-DD", both
// inclusive): valid_from on or before last (empty: since ever, rows written
// outside the app) and valid_to empty or on or after first. The state of a
// village's programme in a period is its latest such row (the greatest
// valid_from): the state at the period's end, or when the programme ended.
// params receives the two days.
func HeldDuring(first, last string, params map[string]any) string {
	params["heldFirst"], params["heldLast"] = first, last
	return `(valid_from = '' OR substr(valid_from, 1, 10) <= {:heldLast}) AND (valid_to = '' OR substr(valid_to, 1, 10) >= {:heldFirst})`
}

// StatesSQL selects, per village and programme, the state in [first, last]
// (HeldDuring's rule) of the rows matching where: the columns village,
// district, regency, program, status, legal_basis_number, legal_basis_date,
// valid_from, valid_to and the DRPPA fields.
func StatesSQL(where, first, last string, params map[string]any) string {
	return StatesSQLOf(StateColumns, where, first, last, params)
}

// StateColumns are the columns StatesSQL selects.
var StateColumns = "id, village, district, regency, program, status, legal_basis_number, legal_basis_date, valid_from, valid_to, " + DrppaColumns

// StatesSQLOf is StatesSQL selecting only cols (a comma-separated list of
// village_programs columns, including village, program and valid_from):
// counts over a whole province need no more than the place and the status.
func StatesSQLOf(cols, where, first, last string, params map[string]any) string {
	return `SELECT ` + cols + ` FROM (SELECT ` + cols + `, ROW_NUMBER() OVER (PARTITION BY village, program ORDER BY valid_from DESC, id DESC) AS state_rank
		FROM village_programs WHERE (` + where + `) AND ` + HeldDuring(first, last, params) + `) WHERE state_rank = 1`
}

// DrppaColumns lists the DRPPA fields as SQL columns.
var DrppaColumns = func() string {
	s := catalog.DrppaAssessedOn
	for _, ind := range catalog.DrppaIndicators {
		s += ", " + ind.Field
	}
	return s
}()
