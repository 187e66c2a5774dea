package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"

	"jangkau/areas"
	"jangkau/catalog"
)

// Traffic-light thresholds of RAD indicators, on achieved / expected, where
// expected is the yearly target, pro rata of the days gone by in the current
// year (a whole target for past years).
const (
	LightGreenAt  = 1.00 // on or ahead of target
	LightYellowAt = 0.75 // at least three quarters of the way
)

// Traffic lights.
const (
	LightGreen  = "green"
	LightYellow = "yellow"
	LightRed    = "red"
	LightGrey   = "grey" // no target for the year, or the year has not begun
)

// RadRow is an indicator's standing in one area.
type RadRow struct {
	Area      AreaRef  `json:"area"`
	Target    *float64 `json:"target"`    // the year's target for the area
	Expected  *float64 `json:"expected"`  // the target pro rata of the year gone by
	Achieved  *float64 `json:"achieved"`  // null: nothing entered (manual indicators)
	TargetPct *float64 `json:"targetPct"` // achieved / target, in %
	PacePct   *float64 `json:"pacePct"`   // achieved / expected, in %
	Light     string   `json:"light"`
	Manual    *float64 `json:"manualReported,omitempty"` // a hand-entered value beside an automatic one
	Evidence  []string `json:"evidence,omitempty"`
	Partial   bool     `json:"partial,omitempty"` // manual value summed from sub-year periods
}

// RadIndicator is one indicator with its standing.
type RadIndicator struct {
	ID          string     `json:"id"`
	Code        string     `json:"code"`
	RadPeriod   string     `json:"rad_period"`
	Cluster     string     `json:"cluster"`
	Program     string     `json:"program"`
	Activity    string     `json:"activity"`
	Description string     `json:"description"`
	Unit        string     `json:"unit"`
	Level       string     `json:"level"`
	LeadAgency  string     `json:"lead_agency"`
	Baseline    float64    `json:"baseline"`
	Counting    string     `json:"counting"`
	AutoRule    string     `json:"auto_rule"`
	Rule        *RadRule   `json:"rule"` // how an automatic indicator computes itself (null: manual)
	Direction   string     `json:"direction"`
	Budget      *RadBudget `json:"budget"` // the year's allocation and realisation, null when none was entered
	Total       RadRow     `json:"total"`
	Regencies   []RadRow   `json:"regencies,omitempty"`
}

// RadCluster groups the indicators of one task-force cluster.
type RadCluster struct {
	Cluster    string         `json:"cluster"`
	Indicators []RadIndicator `json:"indicators"`
	Lights     map[string]int `json:"lights"`
}

// RadThresholds document the traffic light in the answer.
type RadThresholds struct {
	GreenAt      float64 `json:"greenAt"`
	YellowAt     float64 `json:"yellowAt"`
	YearFraction float64 `json:"yearFraction"`
	Note         string  `json:"note"`
}

// RadReport is report 3: RAD indicators against their yearly targets.
type RadReport struct {
	Header
	Year       int            `json:"year"`
	AsOf       string         `json:"asOf"`
	Thresholds RadThresholds  `json:"thresholds"`
	Clusters   []RadCluster   `json:"clusters"`
	Lights     map[string]int `json:"lights"`
	// Plan: with ?plan=2022-2026, every indicator of that plan in each of
	// its years and over the whole plan (the five-year summary).
	Plan *RadPlan `json:"plan,omitempty"`
}

type radIndicatorRow struct {
	ID          string  `db:"id"`
	Code        string  `db:"code"`
	RadPeriod   string  `db:"rad_period"`
	Cluster     string  `db:"cluster"`
	Program     string  `db:"program"`
	Activity    string  `db:"activity"`
	Description string  `db:"description"`
	Unit        string  `db:"unit"`
	Level       string  `db:"level"`
	LeadAgency  string  `db:"lead_agency"`
	Baseline    float64 `db:"baseline"`
	Targets     string  `db:"targets"`
	Counting    string  `db:"counting"`
	AutoRule    string  `db:"auto_rule"`
	Rule        string  `db:"rule"`
	Direction   string  `db:"direction"`
	Budgets     string  `db:"budgets"`
}

// rule reads the indicator's rule: its own, or for a definition stored
// before rules existed, the one of its counting rule. nil for a manual
// indicator or one without a rule.
func (ind radIndicatorRow) rule() *RadRule {
	if ind.Counting != "auto" {
		return nil
	}
	if r, ok, errs := ParseRule(ind.Rule); ok && errs == nil {
		return &r
	}
	if r, ok := radPresets[ind.AutoRule]; ok {
		return &r
	}
	return nil
}

type achievementRow struct {
	Indicator string  `db:"indicator"`
	Area      string  `db:"area"`
	Type      string  `db:"period_type"`
	Index     int     `db:"period_index"`
	Value     float64 `db:"value"`
	Evidence  string  `db:"evidence_links"`
	Updated   string  `db:"updated"`
}

// yearFraction is how much of year has gone by at now (WIB): 1 for past
// years, 0 for future ones.
func yearFraction(year int, now time.Time) float64 {
	now = now.In(WIB)
	switch {
	case year < now.Year():
		return 1
	case year > now.Year():
		return 0
	}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, WIB)
	end := start.AddDate(1, 0, 0)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, WIB).AddDate(0, 0, 1) // today counts
	return day.Sub(start).Hours() / end.Sub(start).Hours()
}

// LightFor returns the traffic light of achieved against expected for an
// indicator of direction (catalog.RadDirections; "" is higher). Lower is
// better: green at or under the expected value, yellow up to a third over
// it (the mirror of the 75% threshold), red beyond; with an expected value
// of 0 (a target of none), green only at 0.
func LightFor(direction string, achieved, expected *float64) string {
	if direction != catalog.DirectionLower {
		return Light(achieved, expected)
	}
	if achieved == nil || expected == nil || *expected < 0 {
		return LightGrey
	}
	switch {
	case *achieved <= *expected:
		return LightGreen
	case *expected > 0 && *achieved <= *expected/LightYellowAt:
		return LightYellow
	}
	return LightRed
}

// Light returns the traffic light of achieved against expected, where
// more is better.
func Light(achieved, expected *float64) string {
	if achieved == nil || expected == nil || *expected <= 0 {
		return LightGrey
	}
	r := *achieved / *expected
	switch {
	case r >= LightGreenAt:
		return LightGreen
	case r >= LightYellowAt:
		return LightYellow
	}
	return LightRed
}

// targetFor reads the target of year for area from an indicator's targets:
// {"2025": 10} (the same for every area of the indicator's level), or
// {"2025": {"*": 10, "18.01": 12, "18": 150}} (per area, "*" for the rest).
func targetFor(targets string, year int, area string) (float64, bool) {
	var all map[string]json.RawMessage
	if json.Unmarshal([]byte(targets), &all) != nil {
		return 0, false
	}
	raw, ok := all[strconv.Itoa(year)]
	if !ok {
		return 0, false
	}
	var n float64
	if json.Unmarshal(raw, &n) == nil {
		return n, true
	}
	var per map[string]float64
	if json.Unmarshal(raw, &per) != nil {
		return 0, false
	}
	if v, ok := per[area]; ok {
		return v, true
	}
	if v, ok := per["*"]; ok {
		return v, true
	}
	return 0, false
}

func radPeriodCovers(period string, year int) bool {
	var a, b int
	if _, err := fmt.Sscanf(period, "%d-%d", &a, &b); err != nil {
		return false
	}
	return year >= a && year <= b
}

func f64(v float64) *float64 { return &v }

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// manualValue is the hand-entered achievement of an indicator in an area
// for the year: the yearly entry if there is one, else the entries of the
// coarsest sub-year period type (summed, or the latest one for shares).
func manualValue(list []achievementRow, ratio bool) (value float64, evidence []string, partial, ok bool) {
	for _, kind := range []string{PeriodYear, PeriodSemester, PeriodQuarter, PeriodMonth} {
		latest := map[int]achievementRow{}
		for _, a := range list {
			if a.Type == kind {
				if cur, seen := latest[a.Index]; !seen || a.Updated > cur.Updated {
					latest[a.Index] = a
				}
			}
		}
		if len(latest) == 0 {
			continue
		}
		idx := make([]int, 0, len(latest))
		for i := range latest {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		for _, i := range idx {
			a := latest[i]
			if ratio {
				value = a.Value
			} else {
				value += a.Value
			}
			var links []string
			if json.Unmarshal([]byte(a.Evidence), &links) == nil {
				evidence = append(evidence, links...)
			}
		}
		return value, evidence, kind != PeriodYear, true
	}
	return 0, nil, false, false
}

// Rad builds report 3 for the year of the period. A district or village
// asks for its regency: RAD indicators are set for the province and the
// regencies.
func Rad(o Options) (*RadReport, error) {
	year := o.Period.Year
	scope := o.Area
	if scope.Level == catalog.LevelDistrict || scope.Level == catalog.LevelVillage {
		scope, _ = o.Dir.Get(areas.RegencyOf(scope.Code))
	}
	so := o
	so.Area, so.Period = scope, YearPeriod(year)
	r := &RadReport{Header: so.header("rad", "Capaian RAD per klaster", "RAD achievement per cluster"), Year: year,
		AsOf: o.now().In(WIB).Format(time.DateOnly), Lights: map[string]int{}}
	r.Statuses = []string{catalog.StatusApproved}
	frac := yearFraction(year, o.now())
	r.Thresholds = RadThresholds{GreenAt: LightGreenAt, YellowAt: LightYellowAt, YearFraction: round1(frac*1000) / 1000,
		Note: "Hijau bila capaian >= 100% target pro rata tahun berjalan, kuning >= 75%, merah di bawahnya, abu-abu tanpa target. / " +
			"Green when achieved >= 100% of the target pro rata of the year gone by, yellow >= 75%, red below, grey without a target."}

	var all []radIndicatorRow
	if err := o.App.DB().NewQuery(`SELECT id, code, rad_period, cluster, program, activity, description, unit, level, lead_agency, baseline,
		COALESCE(targets, '') AS targets, counting, auto_rule, COALESCE(rule, '') AS rule, direction, COALESCE(budgets, '') AS budgets FROM rad_indicators
		WHERE active = TRUE ORDER BY code`).All(&all); err != nil {
		return nil, err
	}
	// A report of the past (a year that is over, or one asked as of an
	// earlier date) reprints with the definitions the indicators had then
	// (versions), not today's.
	cutoff := time.Date(year+1, 1, 1, 0, 0, 0, 0, WIB)
	if o.now().Before(cutoff) {
		cutoff = o.now()
	}
	if cutoff.Before(time.Now()) {
		defs, err := definitionsAt(o.App, cutoff.UTC().Format("2006-01-02 15:04:05.000Z"))
		if err != nil {
			return nil, err
		}
		for i, ind := range all {
			if d, ok := defs[ind.ID]; ok {
				d.Budgets = ind.Budgets
				all[i] = d
			}
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	}
	var inds []radIndicatorRow
	for _, ind := range all {
		if o.Cluster == "" || ind.Cluster == o.Cluster {
			inds = append(inds, ind)
		}
	}
	var achs []achievementRow
	if err := o.App.DB().NewQuery(`SELECT indicator, area, period_type, period_index, value, COALESCE(evidence_links, '') AS evidence_links, updated FROM rad_achievements
		WHERE year = {:y}`).Bind(dbx.Params{"y": year}).All(&achs); err != nil {
		return nil, err
	}
	achBy := map[[2]string][]achievementRow{}
	for _, a := range achs {
		achBy[[2]string{a.Indicator, a.Area}] = append(achBy[[2]string{a.Indicator, a.Area}], a)
	}
	regencies := []string{scope.Code}
	if scope.Level == catalog.LevelProvince {
		regencies = o.Dir.Children(scope.Code)
	}
	// each distinct rule is computed once (indicators may share one), a
	// few at a time (SQLite reads side by side); the rules the stats
	// tables answer share one query per source (the request's memo)
	rules := map[string]RadRule{}
	for _, ind := range inds {
		if r := ind.rule(); r != nil && radPeriodCovers(ind.RadPeriod, year) {
			rules[r.Key()] = *r
		}
	}
	ruleValues, err := evalRules(o, scope, year, rules)
	if err != nil {
		return nil, err
	}

	byCluster := map[string]*RadCluster{}
	for _, ind := range inds {
		if !radPeriodCovers(ind.RadPeriod, year) {
			continue
		}
		rule := ind.rule()
		ratio := (rule != nil && rule.Ratio()) || strings.Contains(ind.Unit, "%")
		var auto RuleValue
		if rule != nil {
			auto = ruleValues[rule.Key()]
		}
		standing := func(area string, autoVal *float64, target *float64) RadRow {
			row := RadRow{Area: o.Dir.Ref(area), Target: target}
			mv, ev, partial, hasManual := manualValue(achBy[[2]string{ind.ID, area}], ratio)
			if rule != nil {
				row.Achieved = autoVal
				if hasManual {
					row.Manual = f64(mv)
				}
			} else if hasManual {
				row.Achieved, row.Partial = f64(mv), partial
			}
			row.Evidence = ev
			if target != nil {
				row.Expected = f64(round1(*target * frac))
				if row.Achieved != nil && *target > 0 {
					row.TargetPct = f64(round1(*row.Achieved / *target * 100))
				}
				if row.Achieved != nil && *row.Expected > 0 {
					row.PacePct = f64(round1(*row.Achieved / *row.Expected * 100))
				}
			}
			row.Light = LightFor(ind.Direction, row.Achieved, row.Expected)
			return row
		}
		ri := RadIndicator{ID: ind.ID, Code: ind.Code, RadPeriod: ind.RadPeriod, Cluster: ind.Cluster, Program: ind.Program,
			Activity: ind.Activity, Description: ind.Description, Unit: ind.Unit, Level: ind.Level, LeadAgency: ind.LeadAgency,
			Baseline: ind.Baseline, Counting: ind.Counting, AutoRule: ind.AutoRule, Rule: rule, Direction: ind.Direction,
			Budget: budgetFor(ind.Budgets, year)}
		var sumTarget float64
		haveTargets := false
		if ind.Level == catalog.LevelRegency {
			for _, reg := range regencies {
				var target *float64
				if t, ok := targetFor(ind.Targets, year, reg); ok {
					target = f64(t)
					sumTarget += t
					haveTargets = true
				}
				row := standing(reg, auto.at(reg), target)
				if scope.Level == catalog.LevelProvince {
					ri.Regencies = append(ri.Regencies, row)
				} else {
					ri.Total = row
				}
			}
		}
		if scope.Level == catalog.LevelProvince {
			var target *float64
			if t, ok := targetFor(ind.Targets, year, scope.Code); ok && (ind.Level == catalog.LevelProvince || hasKey(ind.Targets, year, scope.Code)) {
				target = f64(t)
			} else if haveTargets {
				if ratio {
					t, _ := targetFor(ind.Targets, year, "*")
					target = f64(t)
				} else {
					target = f64(sumTarget)
				}
			}
			total := standing(scope.Code, auto.total(), target)
			if rule == nil && total.Achieved == nil && len(ri.Regencies) > 0 {
				// a regency-level manual indicator: the province is its regencies
				var sum float64
				var n int
				for _, rr := range ri.Regencies {
					if rr.Achieved != nil {
						sum += *rr.Achieved
						n++
					}
				}
				if n > 0 {
					if ratio {
						sum /= float64(n)
					}
					total.Achieved = f64(round1(sum))
					if target != nil && *target > 0 {
						total.TargetPct = f64(round1(sum / *target * 100))
					}
					if total.Expected != nil && *total.Expected > 0 {
						total.PacePct = f64(round1(sum / *total.Expected * 100))
					}
					total.Light = LightFor(ind.Direction, total.Achieved, total.Expected)
				}
			}
			ri.Total = total
		} else if ind.Level == catalog.LevelProvince {
			ri.Total = standing(scope.Code, auto.total(), nil) // a regency's share of a province indicator: no target
		}
		c := byCluster[ind.Cluster]
		if c == nil {
			c = &RadCluster{Cluster: ind.Cluster, Lights: map[string]int{}}
			byCluster[ind.Cluster] = c
		}
		c.Indicators = append(c.Indicators, ri)
		c.Lights[ri.Total.Light]++
		r.Lights[ri.Total.Light]++
	}
	r.Clusters = []RadCluster{}
	for _, cl := range catalog.CodesOf("clusters") {
		if c := byCluster[cl]; c != nil {
			r.Clusters = append(r.Clusters, *c)
		}
	}
	if o.Plan != "" {
		plan, err := radPlan(o, o.Plan)
		if err != nil {
			return nil, err
		}
		r.Plan = plan
	}
	return r, nil
}

func hasKey(targets string, year int, area string) bool {
	var all map[string]map[string]float64
	if json.Unmarshal([]byte(targets), &all) != nil {
		return false
	}
	_, ok := all[strconv.Itoa(year)][area]
	return ok
}

// budgetCell is the allocation (or realisation) of an indicator's year on
// its total line; the lines of its regencies leave it empty (the budget is
// the indicator's, not per area).
func budgetCell(b *RadBudget, row RadRow, ind RadIndicator, allocation bool) any {
	if b == nil || row.Area.Code != ind.Total.Area.Code {
		return ""
	}
	if allocation {
		return b.Allocation
	}
	return b.Realisation
}

// countingLabel names how an indicator is counted (the select field's
// values have no entry in catalog/labels.json).
func countingLabel(c, lang string) string {
	switch c {
	case "auto":
		return T(lang, "Otomatis", "Automatic")
	case "manual":
		return "Manual"
	}
	return c
}

// Tables lays report 3 out: one line per indicator and area.
func (r *RadReport) Tables(lang string) []Table {
	cols := []string{T(lang, "Klaster", "Cluster"), T(lang, "Kode", "Code"), T(lang, "Uraian", "Description"), T(lang, "Satuan", "Unit"),
		T(lang, "Tingkat", "Level"), T(lang, "Cara hitung", "Counting"), T(lang, "Aturan otomatis", "Automatic rule"),
		T(lang, "Arah", "Direction"), T(lang, "Kode wilayah", "Area code"), T(lang, "Wilayah", "Area"), T(lang, "Target", "Target"), T(lang, "Target pro rata", "Expected to date"),
		T(lang, "Capaian", "Achieved"), T(lang, "Capaian (% target)", "Achieved (% of target)"), T(lang, "Lampu", "Light"),
		T(lang, "Anggaran: alokasi", "Budget: allocation"), T(lang, "Anggaran: realisasi", "Budget: realisation")}
	t := Table{Name: "rad", Title: fmt.Sprintf("%s %d", T(lang, r.Title, r.TitleEN), r.Year), Columns: cols}
	num := func(v *float64) any {
		if v == nil {
			return ""
		}
		return *v
	}
	for _, c := range r.Clusters {
		for _, ind := range c.Indicators {
			rows := append([]RadRow{ind.Total}, ind.Regencies...)
			for _, row := range rows {
				desc := ind.Description
				if desc == "" {
					desc = ind.Activity
				}
				t.Rows = append(t.Rows, []any{LabelOf("cluster", c.Cluster, lang), ind.Code, desc, ind.Unit, catalog.LabelOf("area_levels", ind.Level, lang),
					countingLabel(ind.Counting, lang),
					catalog.LabelOf("rad_counting_rules", ind.AutoRule, lang), catalog.LabelOf("rad_directions", ind.Direction, lang),
					row.Area.Code, row.Area.Name, num(row.Target), num(row.Expected), num(row.Achieved), num(row.TargetPct), LabelOf("light", row.Light, lang),
					budgetCell(ind.Budget, row, ind, true), budgetCell(ind.Budget, row, ind, false)})
			}
		}
	}
	if r.Plan != nil {
		return []Table{t, r.Plan.planTable(lang)}
	}
	return []Table{t}
}
