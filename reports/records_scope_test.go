package reports_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// TestVillageActivityListHoldsWhatTheReaderMayView: report 1 of a village
// lists its activities by id and title. The counts cover the village for
// every reports role, but the list names records, so it holds only those
// the reader may view through the record API: the province agency officer
// (prevention) reads its own cluster's activities, never a law-enforcement
// one (it got both, and the annual report too, before the list was
// checked); the task-force member and the secretariat read every one.
func TestVillageActivityListHoldsWhatTheReaderMayView(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	for id, cluster := range map[string]string{"reclistprevent1": "prevention", "reclistlawenf01": "law_enforcement"} {
		f := tt.Activity(tt.VillageA)
		f["id"] = id
		f["cluster"] = cluster
		f["status"] = catalog.StatusApproved
		saveRecord(t, srv, catalog.Activities, f)
	}
	listed := func(email, path string) []string {
		t.Helper()
		res := srv.Do(t, http.MethodGet, path, tt.Token(t, srv.App, email), nil)
		if res.Status != http.StatusOK {
			t.Fatalf("%s %s: %d %s", email, path, res.Status, res.Body)
		}
		var answer struct {
			Records    []struct{ ID string } `json:"records"`
			Activities struct {
				Records []struct{ ID string } `json:"records"`
			} `json:"activities"`
		}
		if err := json.Unmarshal(res.Body, &answer); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range append(answer.Records, answer.Activities.Records...) {
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		return ids
	}
	report := "/api/reports/activities?year=2025&area=" + tt.VillageA
	for _, c := range []struct {
		email string
		want  []string
	}{
		{tt.AgencyOfficer, []string{"reclistprevent1"}},
		{tt.Taskforce, []string{"reclistlawenf01", "reclistprevent1"}},
		{tt.Secretariat, []string{"reclistlawenf01", "reclistprevent1"}},
	} {
		if got := listed(c.email, report); !slices.Equal(got, c.want) {
			t.Errorf("%s: report 1 of the village lists %v, want %v", c.email, got, c.want)
		}
		// REST agrees: the law-enforcement activity is out of the agency officer's view
		res := srv.Do(t, http.MethodGet, "/api/collections/activities/records/reclistlawenf01", tt.Token(t, srv.App, c.email), nil)
		if visible := res.Status == http.StatusOK; visible != slices.Contains(c.want, "reclistlawenf01") {
			t.Errorf("%s: REST view of the law-enforcement activity answers %d", c.email, res.Status)
		}
	}
	if got := listed(tt.AgencyOfficer, "/api/reports/annual?year=2025&area="+tt.VillageA); slices.Contains(got, "reclistlawenf01") {
		t.Errorf("the agency officer's annual report of the village lists %v", got)
	}
}
