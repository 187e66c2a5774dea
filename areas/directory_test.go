package areas_test

import (
	"net/http"
	"testing"

	"jangkau/areas"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// One area cache serves the record checks and the reports, and a change of
// an area reaches both at once: a village deactivated by the secretariat
// refuses new activities at once, and the reports show it inactive.
func TestAreaChangeReachesEveryReader(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	secretariat := tt.Token(t, srv.App, tt.Secretariat)
	// warm the cache through both readers
	if res := srv.Do(t, http.MethodGet, "/api/reports/coverage?area="+tt.VillageA, secretariat, nil); res.Status != 200 {
		t.Fatalf("report: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", tt.Token(t, srv.App, tt.OfficerA), tt.Activity(tt.VillageA)); res.Status != 200 {
		t.Fatalf("activity before: %d %s", res.Status, res.Body)
	}

	if res := srv.Do(t, http.MethodPatch, "/api/collections/areas/records/"+tt.VillageA, secretariat, map[string]any{"active": false}); res.Status != 200 {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}

	res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", tt.Token(t, srv.App, tt.OfficerA), tt.Activity(tt.VillageA))
	if res.Status != 400 || res.FieldError("village") != "inactive_area" {
		t.Fatalf("activity in a deactivated village: %d %s", res.Status, res.Body)
	}
	d, err := areas.Cached(srv.App)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := d.Get(tt.VillageA); !ok || a.Active || a.Level != catalog.LevelVillage {
		t.Fatalf("cached village after the change: %+v %v", a, ok)
	}
	res = srv.Do(t, http.MethodGet, "/api/reports/coverage?area="+tt.VillageA, secretariat, nil)
	area, _ := res.JSON()["area"].(map[string]any)
	if res.Status != 200 || area["active"] != false {
		t.Fatalf("report after the change: %d %s", res.Status, res.Body)
	}
}
