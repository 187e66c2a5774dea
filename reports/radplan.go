package reports

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// RadPlanYear is an indicator's standing in one year of the plan.
type RadPlanYear struct {
	Year     int        `json:"year"`
	Target   *float64   `json:"target"`
	Expected *float64   `json:"expected"`
	Achieved *float64   `json:"achieved"`
	Light    string     `json:"light"`
	Budget   *RadBudget `json:"budget"`
}

// RadPlanSummary is an indicator over the whole plan (Laporan Lima
// Tahunan): targets, expected values and achievements summed over the
// years (for a share: the last year with a value), and the budget summed.
type RadPlanSummary struct {
	Target         *float64 `json:"target"`
	Expected       *float64 `json:"expected"`
	Achieved       *float64 `json:"achieved"`
	TargetPct      *float64 `json:"targetPct"`
	Light          string   `json:"light"`
	Allocation     float64  `json:"allocation"`
	Realisation    float64  `json:"realisation"`
	RealisationPct *float64 `json:"realisationPct"`
}

// RadPlanIndicator is one indicator across the plan.
type RadPlanIndicator struct {
	ID          string         `json:"id"`
	Code        string         `json:"code"`
	Cluster     string         `json:"cluster"`
	Description string         `json:"description"`
	Unit        string         `json:"unit"`
	Direction   string         `json:"direction"`
	Years       []RadPlanYear  `json:"years"`
	Summary     RadPlanSummary `json:"summary"`
}

// RadPlan is the RAD report over every year of a plan (?plan=2022-2026).
type RadPlan struct {
	Period     string             `json:"period"`
	Years      []int              `json:"years"`
	Indicators []RadPlanIndicator `json:"indicators"`
}

var planPattern = regexp.MustCompile(`^([0-9]{4})-([0-9]{4})$`)

// ParsePlan reads a plan period "2022-2026" (at most 10 years).
func ParsePlan(s string) (from, to int, ok bool) {
	m := planPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	from, _ = strconv.Atoi(m[1])
	to, _ = strconv.Atoi(m[2])
	return from, to, from <= to && to-from < 10
}

// radPlan computes the standing of every indicator of the plan in each of
// its years (the year's RAD report, as it stands at o's date) and sums it.
func radPlan(o Options, plan string) (*RadPlan, error) {
	from, to, _ := ParsePlan(plan)
	p := &RadPlan{Period: plan}
	byID := map[string]*RadPlanIndicator{}
	var order []string
	for y := from; y <= to; y++ {
		p.Years = append(p.Years, y)
		yo := o
		yo.Plan, yo.Period = "", YearPeriod(y)
		r, err := Rad(yo)
		if err != nil {
			return nil, err
		}
		for _, c := range r.Clusters {
			for _, ind := range c.Indicators {
				if ind.RadPeriod != plan {
					continue
				}
				pi := byID[ind.ID]
				if pi == nil {
					desc := ind.Description
					if desc == "" {
						desc = ind.Activity
					}
					pi = &RadPlanIndicator{ID: ind.ID, Code: ind.Code, Cluster: ind.Cluster, Description: desc, Unit: ind.Unit, Direction: ind.Direction}
					byID[ind.ID] = pi
					order = append(order, ind.ID)
				}
				pi.Years = append(pi.Years, RadPlanYear{Year: y, Target: ind.Total.Target, Expected: ind.Total.Expected,
					Achieved: ind.Total.Achieved, Light: ind.Total.Light, Budget: ind.Budget})
				ratio := (ind.Rule != nil && ind.Rule.Ratio()) || strings.Contains(ind.Unit, "%")
				sumPlanYear(&pi.Summary, pi.Years[len(pi.Years)-1], ratio)
			}
		}
	}
	for _, id := range order {
		pi := byID[id]
		s := &pi.Summary
		if s.Achieved != nil && s.Target != nil && *s.Target > 0 {
			s.TargetPct = f64(round1(*s.Achieved / *s.Target * 100))
		}
		s.Light = LightFor(pi.Direction, s.Achieved, s.Expected)
		if s.Allocation > 0 {
			s.RealisationPct = f64(round1(s.Realisation / s.Allocation * 100))
		}
		p.Indicators = append(p.Indicators, *pi)
	}
	return p, nil
}

// sumPlanYear adds one year to the summary: counts add up; a share keeps
// the latest year's value and target.
func sumPlanYear(s *RadPlanSummary, y RadPlanYear, ratio bool) {
	add := func(acc **float64, v *float64) {
		if v == nil {
			return
		}
		if *acc == nil || ratio {
			*acc = f64(*v)
			return
		}
		*acc = f64(round1(**acc + *v))
	}
	add(&s.Target, y.Target)
	add(&s.Expected, y.Expected)
	add(&s.Achieved, y.Achieved)
	if y.Budget != nil {
		s.Allocation += y.Budget.Allocation
		s.Realisation += y.Budget.Realisation
	}
}

// planTable lays the plan out: one line per indicator and year, and its
// five-year line.
func (p *RadPlan) planTable(lang string) Table {
	cols := []string{T(lang, "Klaster", "Cluster"), T(lang, "Kode", "Code"), T(lang, "Uraian", "Description"), T(lang, "Satuan", "Unit"),
		T(lang, "Tahun", "Year"), T(lang, "Target", "Target"), T(lang, "Target pro rata", "Expected to date"), T(lang, "Capaian", "Achieved"),
		T(lang, "Lampu", "Light"), T(lang, "Anggaran: alokasi", "Budget: allocation"), T(lang, "Anggaran: realisasi", "Budget: realisation")}
	t := Table{Name: "rad_plan", Title: fmt.Sprintf("%s %s", T(lang, "Laporan lima tahunan RAD", "RAD five-year report"), p.Period), Columns: cols}
	num := func(v *float64) any {
		if v == nil {
			return ""
		}
		return *v
	}
	for _, ind := range p.Indicators {
		head := []any{LabelOf("cluster", ind.Cluster, lang), ind.Code, ind.Description, ind.Unit}
		for _, y := range ind.Years {
			var alloc, real any = "", ""
			if y.Budget != nil {
				alloc, real = y.Budget.Allocation, y.Budget.Realisation
			}
			t.Rows = append(t.Rows, append(append([]any{}, head...), y.Year, num(y.Target), num(y.Expected), num(y.Achieved), LabelOf("light", y.Light, lang), alloc, real))
		}
		s := ind.Summary
		t.Rows = append(t.Rows, append(append([]any{}, head...), p.Period, num(s.Target), num(s.Expected), num(s.Achieved), LabelOf("light", s.Light, lang), s.Allocation, s.Realisation))
	}
	return t
}
