package reports

import (
	"slices"
	"strings"
	"sync"

	"github.com/pocketbase/dbx"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/programs"
)

// Paths a rule is evaluated by (RuleValue.Path).
const (
	RulePathStats   = "stats"   // the stats tables (one dimension, or none)
	RulePathRecords = "records" // the records, through the rule's covering index
)

// RuleValue is a rule's value in each regency of the scope and in the
// whole scope, for one year, from approved records.
type RuleValue struct {
	ByRegency map[string]float64
	Total     float64
	Path      string
}

// at is the value in a regency (nil when the rule was not computed).
func (v RuleValue) at(regency string) *float64 {
	if x, ok := v.ByRegency[regency]; ok {
		return f64(x)
	}
	return nil
}

// total is the value in the whole scope (nil when the rule was not
// computed).
func (v RuleValue) total() *float64 {
	if v.ByRegency == nil {
		return nil
	}
	return f64(v.Total)
}

// statsDims are the dimensions one stats query per source reads for every
// rule the tables can answer.
var statsDims = map[string][]string{
	catalog.RuleSourceActivities: {DimAll, DimType, DimTopic, DimFunding, DimLevel, DimCluster},
	catalog.RuleSourceOutreach:   {DimAll, DimType, DimTopic, DimTarget, DimRisk, DimAction, DimReferral, DimFlag},
}

// given lists the filters of r that hold values, in a stable order.
func (r RadRule) given() []string {
	var out []string
	for name, v := range r.Filters {
		if len(v) > 0 {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func uniq(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// statsDim tells whether the stats tables answer r: a count or a sum under
// no filter or one filter of a dimension they keep (any values of a field
// holding one code; one value of a list field, since a record counts once
// per value), and the dimension and keys to add up.
func (r RadRule) statsDim() (dim string, keys []string, ok bool) {
	switch r.Measure {
	case "records", "participants", "participants_female", "participants_child", "budget":
	default:
		return "", nil, false
	}
	src, known := ruleSources[r.Source]
	g := r.given()
	if !known || statsDims[r.Source] == nil || len(g) > 1 {
		return "", nil, false
	}
	if len(g) == 0 {
		return DimAll, []string{""}, true
	}
	f := src.filters[g[0]]
	keys = uniq(r.Filters[g[0]])
	if f.dim == "" || (f.multi && len(keys) > 1) {
		return "", nil, false
	}
	if (f.counts || (f.dim == DimFlag && keys[0] == FlagReferred)) && r.Measure != "records" {
		return "", nil, false // these facts count records, not people
	}
	return f.dim, keys, true
}

func measureOf(measure string, m Measures) float64 {
	switch measure {
	case "participants":
		return float64(m.Participants())
	case "participants_female":
		return float64(m.FC + m.FA)
	case "participants_child":
		return float64(m.MC + m.FC)
	case "budget":
		return m.Budget
	}
	return float64(m.N)
}

// villageShare is the share, in %, of the villages of area in hit: over
// its active villages, and the deactivated ones that are hit.
func villageShare(dir *Directory, area string, hit map[string]bool) float64 {
	var villages, n int64
	for _, v := range dir.Villages(area) {
		if hit[v] {
			villages++
			n++
		} else if a, _ := dir.Get(v); a.Active {
			villages++
		}
	}
	return pct(n, villages)
}

func villageCount(dir *Directory, area string, hit map[string]bool) float64 {
	var n int64
	for _, v := range dir.Villages(area) {
		if hit[v] {
			n++
		}
	}
	return float64(n)
}

// EvalRule computes r for year over the approved records of scope (the
// province or a regency) and of each of regencies, in the stats tables when
// they hold the answer, else from the records.
func EvalRule(o Options, scope *Area, regencies []string, year int, r RadRule) (RuleValue, error) {
	p := YearPeriod(year)
	approved := []string{catalog.StatusApproved}
	self := scope.Level == catalog.LevelRegency
	out := RuleValue{ByRegency: map[string]float64{}, Path: RulePathStats}
	finish := func(value func(area string) float64) RuleValue {
		for _, reg := range regencies {
			out.ByRegency[reg] = value(reg)
		}
		out.Total = value(scope.Code)
		return out
	}
	src := ruleSources[r.Source]
	if dim, keys, ok := r.statsDim(); ok {
		rows, err := o.Engine.Stats(StatQuery{Collection: src.table, Area: scope, Self: self, Period: p, Statuses: approved, Dims: statsDims[r.Source]})
		if err != nil {
			return out, err
		}
		g := group(rows)
		total := g.total()
		return finish(func(area string) float64 {
			byDim := g[area]
			if area == scope.Code && !self {
				byDim = total
			}
			var m Measures
			for _, k := range keys {
				m.Add(byDim[dim][k])
			}
			return measureOf(r.Measure, m)
		}), nil
	}
	if r.Source != catalog.RuleSourceProgrammes && len(r.given()) == 0 {
		switch r.Measure {
		case "villages_reached", "villages_reached_pct":
			reached, err := o.Engine.Reached(src.table, scope, p, approved)
			if err != nil {
				return out, err
			}
			return finish(func(area string) float64 {
				if r.Measure == "villages_reached" {
					return villageCount(o.Dir, area, reached)
				}
				return villageShare(o.Dir, area, reached)
			}), nil
		case "agencies":
			rows, err := o.Engine.Stats(StatQuery{Collection: src.table, Area: scope, Self: self, Period: p, Statuses: approved, Dims: statsDims[r.Source]})
			if err != nil {
				return out, err
			}
			seen := map[string]map[string]bool{}
			for _, row := range rows {
				if row.Dim == DimReferral && row.N > 0 {
					for _, a := range []string{row.Area, scope.Code} {
						if seen[a] == nil {
							seen[a] = map[string]bool{}
						}
						seen[a][row.Key] = true
					}
				}
			}
			return finish(func(area string) float64 { return float64(len(seen[area])) }), nil
		}
	}
	out.Path = RulePathRecords
	if r.Source == catalog.RuleSourceProgrammes {
		hit, err := programmeVillages(o, scope, p, r)
		if err != nil {
			return out, err
		}
		return finish(func(area string) float64 {
			if r.Measure == "villages_pct" {
				return villageShare(o.Dir, area, hit)
			}
			return villageCount(o.Dir, area, hit)
		}), nil
	}
	if r.Measure == "agencies" {
		seen, err := ruleAgencies(o, scope, p, r)
		if err != nil {
			return out, err
		}
		return finish(func(area string) float64 { return float64(len(seen[area])) }), nil
	}
	sums, reached, err := ruleRecords(o, scope, p, r)
	if err != nil {
		return out, err
	}
	return finish(func(area string) float64 {
		switch r.Measure {
		case "villages_reached":
			return villageCount(o.Dir, area, reached)
		case "villages_reached_pct":
			return villageShare(o.Dir, area, reached)
		}
		return measureOf(r.Measure, sums[area])
	}), nil
}

// evalRules computes every rule of rules (by key) for a page of the RAD
// report, up to three at a time, or reads it kept (cachedRule).
func evalRules(o Options, scope *Area, year int, rules map[string]RadRule) (map[string]RuleValue, error) {
	out := make(map[string]RuleValue, len(rules))
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	slots := make(chan struct{}, 3)
	for key, r := range rules {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			v, err := cachedRule(o, scope, year, r)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			out[key] = v
		}()
	}
	wg.Wait()
	return out, firstErr
}

// ruleWhere is the WHERE clause of r's records: approved, in the period and
// the scope, passing every filter. A list field is matched by its quoted
// codes ("modus_tppo" inside ["modus_tppo","migrasi_aman"]).
func ruleWhere(src ruleSource, scope *Area, p Period, r RadRule, params dbx.Params) string {
	params["f"], params["t"] = storedTime(p.From), storedTime(p.To)
	where := []string{"status = 'approved'", src.date + " >= {:f}", src.date + " < {:t}", scopeWhere(scope, params)}
	for i, name := range r.given() {
		f := src.filters[name]
		values := uniq(r.Filters[name])
		prefix := "r" + string(rune('a'+i))
		if name == "flags" {
			var any []string
			for _, v := range values {
				switch v {
				case FlagRisk:
					any = append(any, "risk_signals NOT IN ('', '[]', 'null')")
				case FlagReferred:
					any = append(any, "(action_taken = 'referred' OR referred_to NOT IN ('', '[]', 'null'))")
				}
			}
			where = append(where, "("+strings.Join(any, " OR ")+")")
			continue
		}
		if !f.multi {
			where = append(where, inList(f.column, values, params, prefix))
			continue
		}
		var any []string
		for j, v := range values {
			k := prefix + string(rune('a'+j%26)) + strings.Repeat("x", j/26)
			params[k] = `"` + v + `"`
			any = append(any, "instr("+f.column+", {:"+k+"}) > 0")
		}
		where = append(where, "("+strings.Join(any, " OR ")+")")
	}
	return strings.Join(where, " AND ")
}

// ruleRecords sums r's records per regency and for the scope, and lists the
// villages they reached, through the source's covering index.
func ruleRecords(o Options, scope *Area, p Period, r RadRule) (map[string]Measures, map[string]bool, error) {
	src := ruleSources[r.Source]
	params := dbx.Params{}
	budget := "0"
	if r.Source == catalog.RuleSourceActivities {
		budget = "SUM(budget)"
	}
	var rows []struct {
		Regency string `db:"regency"`
		Village string `db:"village"`
		Measures
	}
	err := o.App.DB().NewQuery(`SELECT regency, village, COUNT(*) AS n, SUM(male_child) AS mc, SUM(female_child) AS fc, SUM(male_adult) AS ma,
		SUM(female_adult) AS fa, 0 AS dis, ` + budget + ` AS budget FROM ` + src.table + ` INDEXED BY ` + src.index + `
		WHERE ` + ruleWhere(src, scope, p, r, params) + ` GROUP BY regency, village`).Bind(params).All(&rows)
	if err != nil {
		return nil, nil, err
	}
	sums, reached := map[string]Measures{}, map[string]bool{}
	add := func(area string, m Measures) {
		x := sums[area]
		x.Add(m)
		sums[area] = x
	}
	for _, row := range rows {
		if row.Regency != "" && row.Regency != scope.Code {
			add(row.Regency, row.Measures)
		}
		add(scope.Code, row.Measures)
		if row.Village != "" {
			reached[row.Village] = true
		}
	}
	return sums, reached, nil
}

// ruleAgencies lists the distinct agencies r's outreach logs referred to,
// per regency and for the scope.
func ruleAgencies(o Options, scope *Area, p Period, r RadRule) (map[string]map[string]bool, error) {
	src := ruleSources[r.Source]
	params := dbx.Params{}
	var rows []struct {
		Regency string `db:"regency"`
		Agency  string `db:"agency"`
	}
	err := o.App.DB().NewQuery(`SELECT DISTINCT regency, j.value AS agency FROM ` + src.table + ` INDEXED BY ` + src.index + `,
		json_each(CASE WHEN referred_to IN ('', 'null') THEN '[]' ELSE referred_to END) j
		WHERE ` + ruleWhere(src, scope, p, r, params)).Bind(params).All(&rows)
	if err != nil {
		return nil, err
	}
	seen := map[string]map[string]bool{}
	for _, row := range rows {
		for _, a := range []string{row.Regency, scope.Code} {
			if seen[a] == nil {
				seen[a] = map[string]bool{}
			}
			seen[a][row.Agency] = true
		}
	}
	return seen, nil
}

// programmeVillages lists the villages of scope with a programme passing
// r's filters in period p: each village's programme is in the state the
// programmes report gives it for the period (programs.StatesSQLOf: the
// latest row held during it), and the filters apply to that state, so a
// programme ended in 2024 does not count in 2025.
func programmeVillages(o Options, scope *Area, p Period, r RadRule) (map[string]bool, error) {
	src := ruleSources[r.Source]
	params := dbx.Params{}
	where := []string{"1=1"}
	for i, name := range r.given() {
		where = append(where, inList(src.filters[name].column, uniq(r.Filters[name]), params, "p"+string(rune('a'+i))))
	}
	first, last := periodDays(p)
	states := programs.StatesSQLOf("id, village, program, status, valid_from", scopeWhere(scope, params), first, last, params)
	var villages []string
	if err := o.App.DB().NewQuery(`SELECT DISTINCT village FROM (` + states + `) WHERE ` + strings.Join(where, " AND ")).Bind(params).Column(&villages); err != nil {
		return nil, err
	}
	hit := map[string]bool{}
	for _, v := range villages {
		if areas.LevelOf(v) == catalog.LevelVillage {
			hit[v] = true
		}
	}
	return hit, nil
}
