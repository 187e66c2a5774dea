package reports_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// The hand-computed fixture. Every figure the tests expect is worked out
// from these rows in the comments of reports_test.go. Dates are UTC as
// stored; periods are counted on WIB (UTC+7) days.
//
// Besides these, the shared fixtures hold two draft activities and two
// draft outreach logs (VillageA, VillageB; March and April 2025), case
// figures of 2024, the RAD indicators P.1.1 and K.6.1 and two achievements.
var fixtureActivities = []map[string]any{
	{"id": "act2025a1000001", "village": tt.VillageA, "start_date": "2025-01-15 10:00:00.000Z", "status": "approved", "type": "sosialisasi",
		"topics": []string{"modus_tppo", "migrasi_aman"}, "funding_source": "dana_desa", "male_child": 5, "female_child": 6, "male_adult": 7,
		"female_adult": 8, "disabled": 1, "budget": 1000000, "venue": "Balai desa", "outcome_summary": "Warga paham modus", "target_groups": []string{"orang_tua"},
		"end_date": "2025-01-15 12:00:00.000Z", "submitted_at": "2025-01-16 00:00:00.000Z", "reviewed_at": "2025-01-16 05:30:00.000Z"},
	{"id": "act2025a2000002", "village": tt.VillageA2, "start_date": "2025-02-20 03:00:00.000Z", "status": "approved", "type": "penyuluhan",
		"topics": []string{"perkawinan_anak"}, "funding_source": "apbd_kabkota", "male_adult": 10, "female_adult": 20, "budget": 2500000,
		"submitted_at": "2025-02-20 03:00:00.000Z", "reviewed_at": "2025-02-23 04:00:00.000Z"},
	{"id": "act2025b3000003", "village": tt.VillageB, "start_date": "2025-04-10 00:00:00.000Z", "status": "approved", "type": "sosialisasi",
		"topics": []string{"modus_tppo"}, "male_child": 1, "female_child": 1, "male_adult": 1, "female_adult": 1, "venue": "Aula kecamatan",
		"submitted_at": "2025-04-10 00:00:00.000Z", "reviewed_at": "2025-04-20 00:00:00.000Z"},
	{"id": "act2025a4000004", "village": tt.VillageA, "start_date": "2025-05-05 02:00:00.000Z", "status": "submitted", "type": "pelatihan",
		"topics": []string{"hak_pmi"}, "funding_source": "swadaya", "male_child": 2, "female_child": 2, "male_adult": 2, "female_adult": 2,
		"budget": 300000, "venue": "Balai desa", "submitted_at": "2025-05-06 00:00:00.000Z"},
	// 2025-01-01 01:00 WIB: January 2025, not 2024
	{"id": "act2025a5000005", "village": tt.VillageA, "start_date": "2024-12-31 18:00:00.000Z", "status": "approved", "type": "kampanye_kie",
		"male_adult": 4, "submitted_at": "2025-01-02 00:00:00.000Z", "reviewed_at": "2025-01-02 00:00:00.000Z"},
	// 2025-04-01 00:30 WIB: the second quarter
	{"id": "act2025a6000006", "village": tt.VillageA, "start_date": "2025-03-31 17:30:00.000Z", "status": "approved", "type": "sosialisasi",
		"topics": []string{"migrasi_aman"}, "funding_source": "mitra_lsm", "female_child": 10, "budget": 100, "venue": "Masjid",
		"submitted_at": "2025-03-31 17:30:00.000Z", "reviewed_at": "2025-04-02 17:30:00.000Z"},
	{"id": "act2025a7000007", "village": tt.VillageA2, "start_date": "2025-07-01 02:00:00.000Z", "status": "returned", "type": "sosialisasi",
		"male_adult": 3, "review_note": "Lengkapi peserta", "submitted_at": "2025-07-02 00:00:00.000Z", "reviewed_at": "2025-07-03 00:00:00.000Z"},
	{"id": "act2026b8000008", "village": tt.VillageB, "start_date": "2026-01-05 02:00:00.000Z", "status": "approved", "type": "sosialisasi",
		"male_adult": 9, "submitted_at": "2026-01-05 02:00:00.000Z", "reviewed_at": "2026-01-06 02:00:00.000Z"},
}

var fixtureOutreach = []map[string]any{
	{"id": "out2025a1000001", "village": tt.VillageA, "date": "2025-02-01 01:00:00.000Z", "status": "approved", "outreach_type": "home_visit",
		"target_category": "calon_pmi", "male_adult": 2, "female_adult": 1, "topics": []string{"migrasi_aman"},
		"risk_signals": []string{"broker_sponsor", "document_problem"}, "action_taken": "referred", "referred_to": []string{"bp3mi", "polres_polsek"},
		"follow_up_date": "2025-02-04 01:00:00.000Z", "submitted_at": "2025-02-01 02:00:00.000Z", "reviewed_at": "2025-02-01 04:00:00.000Z"},
	{"id": "out2025a2000002", "village": tt.VillageA2, "date": "2025-03-15 01:00:00.000Z", "status": "approved", "outreach_type": "migration_service_post",
		"target_category": "keluarga_pmi", "female_adult": 5, "action_taken": "information_given"},
	{"id": "out2025b3000003", "village": tt.VillageB, "date": "2025-05-20 01:00:00.000Z", "status": "approved", "outreach_type": "risky_location_monitoring",
		"target_category": "umum", "male_adult": 3, "risk_signals": []string{"non_procedural_job_offer"}, "action_taken": "monitored"},
	{"id": "out2025a4000004", "village": tt.VillageA, "date": "2025-06-01 01:00:00.000Z", "status": "approved", "outreach_type": "home_visit",
		"target_category": "calon_pmi", "male_child": 1, "risk_signals": []string{"planned_child_marriage"}, "action_taken": "referred",
		"referred_to": []string{"uptd_ppa"}, "follow_up_date": "2025-06-11 01:00:00.000Z"},
	{"id": "out2025a5000005", "village": tt.VillageA, "date": "2025-08-01 01:00:00.000Z", "status": "submitted", "outreach_type": "home_visit",
		"female_adult": 2, "risk_signals": []string{"broker_sponsor"}, "action_taken": "none_needed"},
}

var fixturePrograms = []map[string]any{
	{"id": "prg2025a3000003", "village": tt.VillageA, "program": "drppa", "status": "aktif", "legal_basis_number": "SK Kades 12/2024", "legal_basis_date": "2024-06-01 00:00:00.000Z"},
	{"id": "prg2025a4000004", "village": tt.VillageA2, "program": "patbm", "status": "tidak_aktif"},
	{"id": "prg2025a5000005", "village": tt.VillageA2, "program": "perdes_tppo", "status": "aktif", "legal_basis_number": "Perdes 3/2025"},
}

var fixtureCases = []map[string]any{
	with(map[string]any{"area": tt.RegencyA, "year": 2025, "period_type": "quarter", "period_index": 1, "case_count": 2,
		"cases_served": 2, "figure_status": "final", "source": "simfoni_ppa", "exploitation_types": map[string]any{"sexual_exploitation": 1, "forced_labour": 1}}, victims(1, 0, 0, 1)),
	with(map[string]any{"area": tt.RegencyA, "year": 2025, "period_type": "quarter", "period_index": 2, "case_count": 7,
		"cases_served": 6, "figure_status": "provisional", "source": "simfoni_ppa", "exploitation_types": map[string]any{"forced_labour": 7}}, victims(3, 0, 4, 0)),
	with(map[string]any{"area": tt.RegencyB, "year": 2025, "period_type": "year", "case_count": 12,
		"cases_served": 5, "figure_status": "final", "source": "polda"}, victims(0, 6, 0, 6)),
	with(map[string]any{"area": tt.RegencyB, "year": 2025, "period_type": "year", "case_count": 1,
		"cases_served": 1, "figure_status": "final", "source": "simfoni_ppa"}, victims(0, 0, 1, 0)),
	with(map[string]any{"area": "18.03", "year": 2025, "period_type": "year", "case_count": 20,
		"cases_served": 18, "figure_status": "final", "source": "simfoni_ppa", "exploitation_types": map[string]any{"sexual_exploitation": 8, "forced_labour": 12}}, victims(5, 0, 8, 7)),
}

var fixtureIndicators = []map[string]any{
	{"id": "radindicator003", "code": "P.2.1", "rad_period": "2022-2026", "cluster": "prevention", "level": "province", "counting": "auto",
		"auto_rule": "participants_total", "unit": "orang", "active": true, "targets": map[string]any{"2025": 200}},
	{"id": "radindicator004", "code": "P.3.1", "rad_period": "2022-2026", "cluster": "prevention", "level": "regency", "counting": "auto",
		"auto_rule": "villages_reached_pct", "unit": "%", "active": true, "targets": map[string]any{"2025": map[string]any{"*": 0.3, "18.01": 0.5}}},
	{"id": "radindicator005", "code": "K.1.1", "rad_period": "2022-2026", "cluster": "coordination", "level": "regency", "counting": "manual",
		"unit": "dokumen", "active": true, "targets": map[string]any{"2025": 2}},
}

var fixtureAchievements = []map[string]any{
	{"indicator": "radindicator005", "area": tt.RegencyA, "year": 2025, "period_type": "quarter", "period_index": 1, "value": 1,
		"evidence_links": []string{"https://example.id/notulen-1"}},
	{"indicator": "radindicator005", "area": tt.RegencyA, "year": 2025, "period_type": "quarter", "period_index": 2, "value": 1},
}

// seed saves the fixture through the app (every model and execute hook
// runs, as on the REST path) and returns the server.
func seed(t *testing.T) *tt.Server {
	t.Helper()
	srv := tt.NewServer(t)
	save := func(col string, fields map[string]any) { saveRecord(t, srv, col, fields) }
	for _, f := range fixtureIndicators {
		save(catalog.RadIndicators, f)
	}
	for _, f := range fixtureActivities {
		f["title"] = "Kegiatan " + f["id"].(string)
		save(catalog.Activities, f)
	}
	for _, f := range fixtureOutreach {
		save(catalog.OutreachLogs, f)
	}
	for _, f := range fixturePrograms {
		save(catalog.VillagePrograms, f)
	}
	for _, f := range fixtureCases {
		save(catalog.CaseAggregates, f)
	}
	for _, f := range fixtureAchievements {
		save(catalog.RadAchievements, f)
	}
	return srv
}

// heldSince2024 dates the shared fixtures' PATBM programmes (ProgramA,
// ProgramB) from 1 January 2024: recorded without a date they hold from the
// day the test runs, and the RAD rules here count 2024 and 2025.
func heldSince2024(t *testing.T, srv *tt.Server) {
	t.Helper()
	for _, id := range []string{tt.ProgramA, tt.ProgramB} {
		rec, err := srv.App.FindRecordById(catalog.VillagePrograms, id)
		if err != nil {
			t.Fatal(err)
		}
		rec.Set("valid_from", "2024-01-01 00:00:00.000Z")
		if err := srv.App.Save(rec); err != nil {
			t.Fatal(err)
		}
	}
}

// saveRecord saves a record through the app, every model and execute hook
// running.
func saveRecord(t *testing.T, srv *tt.Server, col string, fields map[string]any) {
	t.Helper()
	c, err := srv.App.FindCollectionByNameOrId(col)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		if k == "id" {
			r.Id = v.(string)
			continue
		}
		r.Set(k, v)
	}
	if err := srv.App.Save(r); err != nil {
		t.Fatalf("%s %v: %v", col, fields["id"], err)
	}
}

// get fetches a report as a user and decodes it into out.
func get(t *testing.T, srv *tt.Server, who, path string, out any) tt.Response {
	t.Helper()
	res := srv.Do(t, http.MethodGet, path, tt.Token(t, srv.App, who), nil)
	if res.Status != 200 {
		t.Fatalf("GET %s as %s: %d %s", path, who, res.Status, res.Body)
	}
	if out != nil {
		if err := json.Unmarshal(res.Body, out); err != nil {
			t.Fatalf("decode %s: %v", path, err)
		}
	}
	return res
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func url(report string, query string) string {
	return fmt.Sprintf("/api/reports/%s?%s", report, query)
}
