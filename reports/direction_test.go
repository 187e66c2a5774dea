package reports_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/reports"
)

// The traffic light of an indicator where lower is better, by hand: at or
// under the expected value green, up to a third over (10 / 0.75 = 13.33)
// yellow, beyond red; a target of 0 is green only at 0.
func TestLightWhereLowerIsBetter(t *testing.T) {
	t.Parallel()
	n := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		achieved, expected *float64
		want               string
	}{
		{n(8), n(10), reports.LightGreen}, {n(10), n(10), reports.LightGreen}, {n(13), n(10), reports.LightYellow},
		{n(13.4), n(10), reports.LightRed}, {n(0), n(0), reports.LightGreen}, {n(1), n(0), reports.LightRed},
		{nil, n(10), reports.LightGrey}, {n(3), nil, reports.LightGrey},
	} {
		if got := reports.LightFor(catalog.DirectionLower, c.achieved, c.expected); got != c.want {
			t.Errorf("lower, %v of %v: %s, want %s", valueOf(c.achieved), valueOf(c.expected), got, c.want)
		}
	}
	if got := reports.LightFor(catalog.DirectionHigher, n(8), n(10)); got != reports.LightYellow {
		t.Errorf("higher, 8 of 10: %s", got)
	}
	if got := reports.LightFor("", n(7), n(10)); got != reports.LightRed {
		t.Errorf("no direction (higher), 7 of 10: %s", got)
	}
}

func valueOf(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// In the report: a province indicator "fewer child marriages", target 10
// for 2025, 12 reported for the year: 12 <= 13.33, yellow; the same figure
// where more is better would be green.
func TestRadReportFollowsDirection(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	for _, f := range []map[string]any{
		{"id": "raddirection001", "code": "L.1", "direction": "lower",
			"budgets": map[string]any{"2025": map[string]any{"allocation": 200000000, "realisation": 150000000}}},
		{"id": "raddirection002", "code": "L.2", "direction": "higher"},
	} {
		f["rad_period"], f["cluster"], f["level"], f["counting"], f["active"] = "2022-2026", "prevention", "province", "manual", true
		f["description"], f["unit"], f["targets"] = "Perkawinan anak", "kasus", map[string]any{"2025": 10}
		saveRecord(t, srv, catalog.RadIndicators, f)
		saveRecord(t, srv, catalog.RadAchievements, map[string]any{"indicator": f["id"], "area": tt.Province, "year": 2025,
			"period_type": "year", "value": 12})
	}
	var r reports.RadReport
	get(t, srv, tt.Secretariat, url("rad", "year=2025&asOf=2025-12-31"), &r)
	lights := map[string]string{}
	budgets := map[string]*reports.RadBudget{}
	for _, c := range r.Clusters {
		for _, i := range c.Indicators {
			lights[i.Code] = i.Direction + ":" + i.Total.Light
			budgets[i.Code] = i.Budget
		}
	}
	if b := budgets["L.1"]; b == nil || b.Allocation != 200000000 || b.Realisation != 150000000 || b.RealisationPct == nil || *b.RealisationPct != 75 {
		t.Errorf("L.1 budget 2025: %+v", b)
	}
	if budgets["L.2"] != nil {
		t.Errorf("L.2 has no budget: %+v", budgets["L.2"])
	}
	eq(t, "L.1", lights["L.1"], "lower:"+reports.LightYellow)
	eq(t, "L.2", lights["L.2"], "higher:"+reports.LightGreen)
}

// Budgets are per year of the indicator's plan, allocation and
// realisation of at least 0: anything else is refused with the field named.
func TestBudgetsAreChecked(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	for name, b := range map[string]any{
		"a year outside 2022-2026": map[string]any{"2030": map[string]any{"allocation": 1}},
		"a negative realisation":   map[string]any{"2025": map[string]any{"allocation": 10, "realisation": -1}},
		"an unknown key":           map[string]any{"2025": map[string]any{"spent": 10}},
		"not per year":             []any{1, 2},
	} {
		res := srv.Do(t, http.MethodPatch, "/api/collections/rad_indicators/records/"+tt.IndicatorID, sec, map[string]any{"budgets": b})
		if res.Status != 400 || res.FieldError("budgets") != "invalid_budget" {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
	res := srv.Do(t, http.MethodPatch, "/api/collections/rad_indicators/records/"+tt.IndicatorID, sec,
		map[string]any{"budgets": map[string]any{"2024": map[string]any{"allocation": 5e7, "realisation": 0}}})
	if res.Status != 200 {
		t.Errorf("a valid budget: %d %s", res.Status, res.Body)
	}
}

// The whole plan (?plan=2022-2026): an indicator where lower is better,
// targets 10 in 2024 and 2025, 8 and 12 reported, budgets 100/100 and
// 200/150 million. By hand, as of 2025-12-31: 2024 green (8 <= 10), 2025
// yellow (12 <= 13.3); 2022, 2023 and 2026 have no target (grey); over the
// plan target 20, expected 20, achieved 20: green; budget 300 of which 250
// realised (83.3%).
func TestRadPlanFiveYearSummary(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": "radplanlower001", "code": "L.5", "direction": "lower",
		"rad_period": "2022-2026", "cluster": "prevention", "level": "province", "counting": "manual", "active": true,
		"description": "Perkawinan anak", "unit": "kasus", "targets": map[string]any{"2024": 10, "2025": 10},
		"budgets": map[string]any{"2024": map[string]any{"allocation": 1e8, "realisation": 1e8}, "2025": map[string]any{"allocation": 2e8, "realisation": 1.5e8}}})
	for y, v := range map[int]int{2024: 8, 2025: 12} {
		saveRecord(t, srv, catalog.RadAchievements, map[string]any{"indicator": "radplanlower001", "area": tt.Province, "year": y, "period_type": "year", "value": v})
	}
	var r reports.RadReport
	get(t, srv, tt.Secretariat, url("rad", "year=2025&asOf=2025-12-31&plan=2022-2026"), &r)
	if r.Plan == nil {
		t.Fatal("no plan")
	}
	var ind *reports.RadPlanIndicator
	for i := range r.Plan.Indicators {
		if r.Plan.Indicators[i].Code == "L.5" {
			ind = &r.Plan.Indicators[i]
		}
	}
	if ind == nil || len(ind.Years) != 5 {
		t.Fatalf("L.5 over the plan: %+v", ind)
	}
	lights := ""
	for _, y := range ind.Years {
		lights += y.Light + " "
	}
	eq(t, "lights 2022-2026", lights, "grey grey green yellow grey ")
	s := ind.Summary
	eq(t, "target", valueOf(s.Target), any(20.0))
	eq(t, "expected", valueOf(s.Expected), any(20.0))
	eq(t, "achieved", valueOf(s.Achieved), any(20.0))
	eq(t, "light", s.Light, reports.LightGreen)
	eq(t, "allocation", s.Allocation, 3e8)
	eq(t, "realisation", s.Realisation, 2.5e8)
	eq(t, "realised %", valueOf(s.RealisationPct), any(83.3))
	if res := srv.Do(t, "GET", url("rad", "year=2025&plan=2026-2022"), tt.Token(t, srv.App, tt.Secretariat), nil); res.Status != 400 {
		t.Errorf("a backwards plan: %d", res.Status)
	}
	body := download(t, srv, tt.Secretariat, "report_rad.csv", "year=2025&asOf=2025-12-31&plan=2022-2026&table=rad_plan", 200)
	if !strings.Contains(string(body), `"L.5","Perkawinan anak","kasus","2022-2026","20","20","20","Hijau: sesuai target","300000000","250000000"`) {
		t.Errorf("the export has no five-year table: %.400s", body)
	}
}

// A past year reprints with the definition the indicator had at its end:
// the 2025 report keeps the target 10 and the direction "higher" of the
// version in force on 31 December 2025, though the indicator was changed
// in 2026 to a target of 20 where lower is better. Each save stores a
// version; a save that changes nothing of the definition stores none.
func TestPastReportUsesTheDefinitionOfItsTime(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": "radversioned001", "code": "V.1", "direction": "higher",
		"rad_period": "2022-2026", "cluster": "prevention", "level": "province", "counting": "manual", "active": true,
		"description": "Sosialisasi", "unit": "kegiatan", "targets": map[string]any{"2025": 10}})
	saveRecord(t, srv, catalog.RadAchievements, map[string]any{"indicator": "radversioned001", "area": tt.Province, "year": 2025, "period_type": "year", "value": 12})
	// The history as it would have been written: the first version took
	// effect in January 2025.
	if _, err := srv.App.DB().NewQuery(`UPDATE rad_indicator_versions SET valid_from = '2025-01-10 00:00:00.000Z' WHERE indicator = 'radversioned001'`).Execute(); err != nil {
		t.Fatal(err)
	}
	rec, err := srv.App.FindRecordById(catalog.RadIndicators, "radversioned001")
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("budgets", map[string]any{"2025": map[string]any{"allocation": 5}}) // not definition: no version
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	rec.Set("targets", map[string]any{"2025": 20})
	rec.Set("direction", "lower")
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := srv.App.DB().NewQuery(`SELECT COUNT(*) FROM rad_indicator_versions WHERE indicator = 'radversioned001'`).Row(&n); err != nil || n != 2 {
		t.Fatalf("versions: %d %v", n, err)
	}
	standing := func(query string) (string, string) {
		var r reports.RadReport
		get(t, srv, tt.Secretariat, url("rad", query), &r)
		for _, c := range r.Clusters {
			for _, i := range c.Indicators {
				if i.Code == "V.1" {
					return i.Direction, fmt.Sprint(valueOf(i.Total.Target)) + " " + i.Total.Light
				}
			}
		}
		return "", ""
	}
	// Reprinted now (2026 and later): the 2025 definition.
	dir, got := standing("year=2025")
	eq(t, "2025 reprinted: direction", dir, "higher")
	eq(t, "2025 reprinted: target and light", got, "10 "+reports.LightGreen)
	// As of a day of 2025: the same.
	dir, got = standing("year=2025&asOf=2025-12-31")
	eq(t, "2025 as of 31 December: direction", dir, "higher")
	eq(t, "2025 as of 31 December: target and light", got, "10 "+reports.LightGreen)
	// The running year: today's definition.
	dir, _ = standing("year=2026")
	eq(t, "2026: direction", dir, "lower")
}
