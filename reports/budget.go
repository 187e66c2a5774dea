package reports

import (
	"encoding/json"
	"strconv"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// RadBudget is an indicator's money for one year, in rupiah.
type RadBudget struct {
	Allocation     float64  `json:"allocation"`
	Realisation    float64  `json:"realisation"`
	RealisationPct *float64 `json:"realisationPct"` // realisation / allocation, in %
}

var errBudget = validation.NewError("invalid_budget",
	`Anggaran per tahun rencana: {"2025": {"allocation": angka >= 0, "realisation": angka >= 0}}. / `+
		`Budget per plan year: {"2025": {"allocation": number >= 0, "realisation": number >= 0}}.`)

// CheckBudgets refuses budgets that are not, per year of the indicator's
// plan, an allocation and a realisation of at least 0.
func CheckBudgets(rec *core.Record) validation.Errors {
	raw := rec.GetString("budgets")
	if raw == "" || raw == "null" {
		return nil
	}
	var all map[string]map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &all) != nil {
		return validation.Errors{"budgets": errBudget}
	}
	for y, b := range all {
		year, err := strconv.Atoi(y)
		if err != nil || !radPeriodCovers(rec.GetString("rad_period"), year) {
			return validation.Errors{"budgets": errBudget}
		}
		for k, v := range b {
			var n float64
			if (k != "allocation" && k != "realisation") || json.Unmarshal(v, &n) != nil || n < 0 {
				return validation.Errors{"budgets": errBudget}
			}
		}
	}
	return nil
}

// budgetFor reads the budget of year from an indicator's budgets (nil when
// none was entered).
func budgetFor(budgets string, year int) *RadBudget {
	var all map[string]struct {
		Allocation  *float64 `json:"allocation"`
		Realisation *float64 `json:"realisation"`
	}
	if json.Unmarshal([]byte(budgets), &all) != nil {
		return nil
	}
	b, ok := all[strconv.Itoa(year)]
	if !ok || (b.Allocation == nil && b.Realisation == nil) {
		return nil
	}
	out := &RadBudget{}
	if b.Allocation != nil {
		out.Allocation = *b.Allocation
	}
	if b.Realisation != nil {
		out.Realisation = *b.Realisation
	}
	if out.Allocation > 0 {
		out.RealisationPct = f64(round1(out.Realisation / out.Allocation * 100))
	}
	return out
}
