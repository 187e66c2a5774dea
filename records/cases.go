package records

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/apierr"
)

// Case figures (issue 15) count as the national reporting does: victims in
// total, by sex and by age band; cases by scope, law and stage. The
// breakdowns are JSON objects {code: count} whose codes vocab.Check checks
// against the vocabularies; CheckCaseFigures checks the counts and that they
// add up, on every path (a model hook: REST, batch, Go code; case figures
// are not carried by sync).

// CaseBreakdowns are the JSON fields of case figures counted by category.
var CaseBreakdowns = []string{"victims_by_sex", "victims_by_age", "cases_by_scope", "cases_by_law", "cases_by_stage",
	"exploitation_types", "services"}

// LegacyVictimFields are the victims by sex and child/adult of figures
// entered before issue 15: kept as they were (migration 1765700000 moved
// them into the breakdowns), never written again.
var LegacyVictimFields = []string{"victims_female_child", "victims_male_child", "victims_female_adult", "victims_male_adult"}

// Error codes of case figures.
const (
	CodeNotCount      = "invalid_count"
	CodeSumMismatch   = "total_mismatch"
	CodeOverTotal     = "exceeds_total"
	CodeLegacyField   = "legacy_field"
	CodeVictimsNoCase = "victims_without_cases"
)

// caseErr is a field error of case figures: a code and a bilingual message.
func caseErr(code, id, en string) validation.Error { return apierr.Field(code, apierr.Text(id, en)) }

// CheckCaseFigures checks a case figure's counts: every breakdown a JSON
// object of whole numbers from 0; victims by sex and victims by age band
// each add up to the victims' total; victims with disability, repatriated
// and with restitution requested at most the total; restitution granted at
// most requested; cases by scope, law and stage and cases served at most the
// case count; each service at most the victims; no victims without a case;
// the legacy child/adult columns unchanged. Each error names its field.
// web/console/pages/caseform.js shows the same checks while the user types.
func CheckCaseFigures(rec *core.Record) validation.Errors {
	errs := validation.Errors{}
	sums := map[string]int{}
	for _, f := range CaseBreakdowns {
		counts, ok := countsOf(rec.Get(f))
		if !ok {
			errs[f] = caseErr(CodeNotCount,
				"Harus berupa daftar jumlah {kode: bilangan bulat 0 atau lebih}.",
				"Must be counts {code: whole number from 0}.")
			continue
		}
		for _, n := range counts {
			sums[f] += n
		}
	}
	for _, f := range LegacyVictimFields {
		was := 0
		if !rec.IsNew() {
			was = rec.Original().GetInt(f)
		}
		if rec.GetInt(f) != was {
			errs[f] = caseErr(CodeLegacyField,
				"Kolom lama ini tidak diisi lagi: isi korban menurut jenis kelamin (victims_by_sex) dan kelompok umur (victims_by_age).",
				"This old column is no longer written: give victims by sex (victims_by_sex) and by age band (victims_by_age).")
		}
	}
	cases, victims := rec.GetInt("case_count"), rec.GetInt("victims_total")
	mismatch := func(field, id, en string) {
		if _, bad := errs[field]; !bad && sums[field] != victims {
			errs[field] = caseErr(CodeSumMismatch,
				fmt.Sprintf("Jumlah korban menurut %s (%d) harus sama dengan total korban (%d).", id, sums[field], victims),
				fmt.Sprintf("Victims by %s (%d) must add up to the total of victims (%d).", en, sums[field], victims))
		}
	}
	mismatch("victims_by_sex", "jenis kelamin", "sex")
	mismatch("victims_by_age", "kelompok umur", "age band")
	atMost := func(field string, n, limit int, id, en string) {
		if _, bad := errs[field]; !bad && n > limit {
			errs[field] = caseErr(CodeOverTotal,
				fmt.Sprintf("%d melebihi %s (%d).", n, id, limit),
				fmt.Sprintf("%d is more than %s (%d).", n, en, limit))
		}
	}
	const totalID, totalEN = "total korban", "the total of victims"
	const casesID, casesEN = "jumlah kasus", "the number of cases"
	atMost("victims_disabled", rec.GetInt("victims_disabled"), victims, totalID, totalEN)
	atMost("victims_repatriated", rec.GetInt("victims_repatriated"), victims, totalID, totalEN)
	atMost("restitution_requested", rec.GetInt("restitution_requested"), victims, totalID, totalEN)
	atMost("restitution_granted", rec.GetInt("restitution_granted"), rec.GetInt("restitution_requested"),
		"restitusi yang diajukan", "restitution requested")
	atMost("cases_served", rec.GetInt("cases_served"), cases, casesID, casesEN)
	atMost("cases_by_scope", sums["cases_by_scope"], cases, casesID, casesEN)
	atMost("cases_by_law", sums["cases_by_law"], cases, casesID, casesEN)
	atMost("cases_by_stage", sums["cases_by_stage"], cases, casesID, casesEN)
	if services, ok := countsOf(rec.Get("services")); ok {
		keys := make([]string, 0, len(services))
		for k := range services {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if services[k] > victims {
				errs["services"] = caseErr(CodeOverTotal,
					fmt.Sprintf("Layanan %q: %d melebihi total korban (%d).", k, services[k], victims),
					fmt.Sprintf("Service %q: %d is more than the total of victims (%d).", k, services[k], victims))
				break
			}
		}
	}
	if _, bad := errs["victims_total"]; !bad && cases == 0 && victims > 0 {
		errs["victims_total"] = caseErr(CodeVictimsNoCase,
			"Ada korban tanpa kasus: isi jumlah kasus.", "Victims without any case: give the number of cases.")
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// countsOf reads a breakdown: a JSON object of whole numbers from 0 (empty
// or null: no counts). ok is false for anything else.
func countsOf(v any) (map[string]int, bool) {
	var raw []byte
	switch x := v.(type) {
	case nil:
		return nil, true
	case types.JSONRaw:
		raw = x
	case []byte:
		raw = x
	case string:
		raw = []byte(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, false
		}
		raw = b
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	out := make(map[string]int, len(m))
	for k, v := range m {
		n, ok := v.(float64)
		if !ok || n < 0 || n != math.Trunc(n) || n > 1e7 {
			return nil, false
		}
		out[k] = int(n)
	}
	return out, true
}
