package reports_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

var updateKept = flag.Bool("update-kept", false, "rewrite testdata/rad_fixed_rules.json from this code")

// keptFixture is the store the nine fixed rules are measured on: the
// report fixture, an active PATBM, and activities of a regency and of the
// province (counted at their own level).
func keptFixture(t *testing.T) *tt.Server {
	srv := seed(t)
	heldSince2024(t, srv)
	saveRecord(t, srv, catalog.VillagePrograms, map[string]any{"id": "prgkeptpatbm001", "village": tt.VillageB, "program": "drppa", "status": "aktif", "valid_from": "2024-01-01 00:00:00.000Z"})
	saveRecord(t, srv, catalog.VillagePrograms, map[string]any{"id": "prgkeptpatbm002", "village": tt.VillageA2, "program": "desmigratif", "status": "aktif", "valid_from": "2024-01-01 00:00:00.000Z"})
	for _, a := range []map[string]any{
		{"id": "actkeptregency1", "area": tt.RegencyA, "start_date": "2025-03-03 03:00:00.000Z", "type": "rapat_koordinasi", "male_adult": 12, "female_adult": 3},
		{"id": "actkeptprovince", "area": tt.Province, "start_date": "2025-09-03 03:00:00.000Z", "type": "sosialisasi", "female_child": 4, "male_child": 2},
		{"id": "actkept2024vill", "village": tt.VillageB, "start_date": "2024-06-03 03:00:00.000Z", "type": "sosialisasi", "female_adult": 5},
	} {
		a["status"], a["title"] = "approved", "Kegiatan "+a["id"].(string)
		saveRecord(t, srv, catalog.Activities, a)
	}
	for i, rule := range catalog.RadCountingRules {
		for _, level := range []string{catalog.LevelRegency, catalog.LevelProvince} {
			saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": fmt.Sprintf("radkept%s%05d", level[:3], i), "code": fmt.Sprintf("KEEP.%s.%d", level, i),
				"rad_period": "2022-2026", "cluster": "prevention", "level": level, "counting": "auto", "auto_rule": rule, "unit": "kegiatan",
				"active": true, "targets": map[string]any{"2024": 5, "2025": 5}})
		}
	}
	return srv
}

// keptValues reads every automatic value of the RAD report: per indicator
// code, area and year, as the province and as a regency see it.
func keptValues(t *testing.T, srv *tt.Server) map[string]any {
	out := map[string]any{}
	for _, year := range []int{2024, 2025} {
		for _, area := range []string{"", tt.RegencyA, tt.RegencyB} {
			var r struct {
				Clusters []struct {
					Indicators []struct {
						Code      string `json:"code"`
						Counting  string `json:"counting"`
						Total     radRowJSON
						Regencies []radRowJSON
					} `json:"indicators"`
				} `json:"clusters"`
			}
			q := fmt.Sprintf("year=%d", year)
			if area != "" {
				q += "&area=" + area
			}
			get(t, srv, tt.Secretariat, url("rad", q), &r)
			for _, c := range r.Clusters {
				for _, ind := range c.Indicators {
					if ind.Counting != "auto" {
						continue
					}
					for _, row := range append([]radRowJSON{ind.Total}, ind.Regencies...) {
						out[fmt.Sprintf("%d|view %s|%s|%s", year, area, ind.Code, row.Area.Code)] = row.Achieved
					}
				}
			}
		}
	}
	return out
}

type radRowJSON struct {
	Area struct {
		Code string `json:"code"`
	} `json:"area"`
	Achieved *float64 `json:"achieved"`
}

// The nine fixed rules of the first RAD engine keep their values: the
// figures below were written by that engine (before rule definitions) on
// the same store, and every indicator still counts the same.
func TestFixedRulesKeepTheirValues(t *testing.T) {
	t.Parallel()
	srv := keptFixture(t)
	got := keptValues(t, srv)
	const file = "testdata/rad_fixed_rules.json"
	if *updateKept {
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		raw, _ := json.MarshalIndent(got, "", " ")
		if err := os.WriteFile(file, append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	compare := func(when string, got map[string]any) {
		if len(got) != len(want) {
			t.Errorf("%s: %d values, want %d", when, len(got), len(want))
		}
		for k, w := range want {
			g, _ := json.Marshal(got[k])
			ww, _ := json.Marshal(w)
			if string(g) != string(ww) {
				t.Errorf("%s: %s: got %s, want %s", when, k, g, ww)
			}
		}
	}
	compare("saved with auto_rule", got)

	// Indicators stored before rules existed (no rule): the migration
	// gives each its rule, the one the hooks give, and the values stay.
	var before []struct {
		ID   string `db:"id"`
		Rule string `db:"rule"`
	}
	if err := srv.App.DB().NewQuery(`SELECT id, rule FROM rad_indicators WHERE counting = 'auto' ORDER BY id`).All(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.DB().NewQuery(`UPDATE rad_indicators SET rule = NULL`).Execute(); err != nil {
		t.Fatal(err)
	}
	ran := false
	for _, m := range core.AppMigrations.Items() {
		if strings.HasPrefix(m.File, "1765900000_") {
			if err := m.Up(srv.App); err != nil {
				t.Fatal(err)
			}
			ran = true
		}
	}
	if !ran {
		t.Fatal("migration 1765900000 not found")
	}
	for _, b := range before {
		var rule string
		if err := srv.App.DB().NewQuery(`SELECT COALESCE(rule, '') FROM rad_indicators WHERE id = {:id}`).Bind(dbx.Params{"id": b.ID}).Row(&rule); err != nil {
			t.Fatal(err)
		}
		var x, y any
		_ = json.Unmarshal([]byte(rule), &x)
		_ = json.Unmarshal([]byte(b.Rule), &y)
		if fmt.Sprint(x) != fmt.Sprint(y) || rule == "" {
			t.Errorf("%s: migrated rule %s, the hooks' %s", b.ID, rule, b.Rule)
		}
	}
	compare("migrated", keptValues(t, srv))
}
