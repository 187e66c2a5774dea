package reports_test

import (
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/reports"
)

// Report 4 and the RAD rule villages_active_patbm evaluated as of the
// period asked, on a store of four programme rows in regency 18.04 (whose
// villages hold nothing else), counted by hand:
//
//	V1 patbm  rintisan     2024-03-01 .. 2024-12-31
//	V1 patbm  aktif        2025-01-01 .. (open)
//	V2 patbm  aktif        2023-01-01 .. 2025-06-30
//	V2 desmigratif tidak_aktif 2025-04-01 .. 2025-04-30
//	V1 drppa  aktif        2026-01-01 .. (open)
//
// A programme counts in a period when a row holds on one of its days, with
// the status of its latest such row.
func TestProgramsAsOfPeriod(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	var villages []struct {
		ID string `db:"id"`
	}
	if err := srv.App.DB().NewQuery(`SELECT id FROM areas WHERE level = 'village' AND id LIKE '18.04.%' AND active = 1 ORDER BY id LIMIT 2`).All(&villages); err != nil || len(villages) != 2 {
		t.Fatalf("villages of 18.04: %v %v", villages, err)
	}
	v1, v2 := villages[0].ID, villages[1].ID
	for _, r := range []map[string]any{
		{"village": v1, "program": "patbm", "status": "rintisan", "valid_from": "2024-03-01", "valid_to": "2024-12-31"},
		{"village": v1, "program": "patbm", "status": "aktif", "valid_from": "2025-01-01"},
		{"village": v2, "program": "patbm", "status": "aktif", "valid_from": "2023-01-01", "valid_to": "2025-06-30"},
		{"village": v2, "program": "desmigratif", "status": "tidak_aktif", "valid_from": "2025-04-01", "valid_to": "2025-04-30"},
		{"village": v1, "program": "drppa", "status": "aktif", "valid_from": "2026-01-01"},
	} {
		saveRecord(t, srv, catalog.VillagePrograms, r)
	}
	count := func(query, program string) reports.ProgramCount {
		t.Helper()
		var r reports.ProgramsReport
		get(t, srv, tt.Secretariat, url("programs", "area=18.04&"+query), &r)
		for _, c := range r.Totals.Programs {
			if c.Program == program {
				c.ActivePct = 0
				return c
			}
		}
		t.Fatalf("%s: no %s", query, program)
		return reports.ProgramCount{}
	}
	for _, c := range []struct {
		query, program string
		want           reports.ProgramCount
	}{
		{"year=2023", "patbm", reports.ProgramCount{Aktif: 1, Any: 1}},
		{"year=2024", "patbm", reports.ProgramCount{Rintisan: 1, Aktif: 1, Any: 2}},
		{"year=2025", "patbm", reports.ProgramCount{Aktif: 2, Any: 2}},
		{"period=month&year=2025&index=6", "patbm", reports.ProgramCount{Aktif: 2, Any: 2}}, // V2 ends on 30 June
		{"period=quarter&year=2025&index=3", "patbm", reports.ProgramCount{Aktif: 1, Any: 1}},
		{"year=2025", "desmigratif", reports.ProgramCount{TidakAktif: 1}},
		{"period=month&year=2025&index=4", "desmigratif", reports.ProgramCount{TidakAktif: 1}},
		{"period=month&year=2025&index=5", "desmigratif", reports.ProgramCount{}},
		{"year=2025", "drppa", reports.ProgramCount{}},
		{"year=2026", "drppa", reports.ProgramCount{Aktif: 1, Any: 1}},
		{"period=custom&from=2024-12-31&to=2024-12-31", "patbm", reports.ProgramCount{Rintisan: 1, Aktif: 1, Any: 2}},
		{"period=custom&from=2024-12-31&to=2025-01-01", "patbm", reports.ProgramCount{Aktif: 2, Any: 2}}, // V1's latest row: aktif
	} {
		c.want.Program = c.program
		eq(t, c.query+" "+c.program, count(c.query, c.program), c.want)
	}

	t.Run("the villages of a district as they stood", func(t *testing.T) {
		var d reports.ProgramsReport
		get(t, srv, tt.Secretariat, url("programs", "area="+v1[:8]+"&year=2024"), &d)
		found := false
		for _, v := range d.Villages {
			if v.Village.Code == v1 {
				found = true
				eq(t, "2024 V1 patbm", v.Programs["patbm"], reports.VillageProgram{Status: "rintisan", ValidFrom: "2024-03-01", ValidTo: "2024-12-31"})
				if _, ok := v.Programs["drppa"]; ok {
					t.Error("2024 shows the DRPPA of 2026")
				}
			}
		}
		if !found {
			t.Fatal("V1 not listed")
		}
		eq(t, "asOf", d.AsOf, "2024-12-31")
	})

	t.Run("RAD: villages with an active PATBM in the year", func(t *testing.T) {
		saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": "radpatbm0000001", "code": "P.9.9", "rad_period": "2022-2026",
			"cluster": "prevention", "level": "regency", "counting": "auto", "auto_rule": "villages_active_patbm", "unit": "desa", "active": true,
			"targets": map[string]any{"2024": 1, "2025": 1, "2026": 1}})
		for year, want := range map[string]float64{"2023": 1, "2024": 1, "2025": 2, "2026": 1} {
			var r reports.RadReport
			get(t, srv, tt.Secretariat, url("rad", "year="+year+"&asOf="+year+"-12-31&cluster=prevention"), &r)
			var got *float64
			for _, c := range r.Clusters {
				for _, i := range c.Indicators {
					if i.Code != "P.9.9" {
						continue
					}
					for _, row := range i.Regencies {
						if row.Area.Code == "18.04" {
							got = row.Achieved
						}
					}
				}
			}
			if got == nil || *got != want {
				t.Errorf("%s: 18.04 achieved %v, want %v", year, got, want)
			}
		}
	})
}
