package hooks_test

import (
	"net/http"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// An achievement of 0 can be entered; a missing value is refused with a
// field error that says so.
func TestAchievementValueZeroIsAValue(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.VerifierA)
	url := "/api/collections/" + catalog.RadAchievements + "/records"
	body := func(id string, value any, send bool) map[string]any {
		b := map[string]any{"id": id, "indicator": tt.IndicatorID, "area": tt.RegencyA, "year": 2026, "period_type": "year"}
		if send {
			b["value"] = value
		}
		return b
	}
	if res := srv.Do(t, http.MethodPost, url, tok, body("achievementzero", 0, true)); res.Status != 200 {
		t.Fatalf("value 0: %d %s", res.Status, res.Body)
	}
	rec, err := srv.App.FindRecordById(catalog.RadAchievements, "achievementzero")
	if err != nil || rec.GetFloat("value") != 0 {
		t.Fatalf("stored: %v %v", rec, err)
	}
	res := srv.Do(t, http.MethodPost, url, tok, body("achievementnone", nil, false))
	if res.Status != 400 || res.FieldError("value") != "value_required" {
		t.Fatalf("missing value: %d %s", res.Status, res.Body)
	}
	if _, err := srv.App.FindRecordById(catalog.RadAchievements, "achievementnone"); err == nil {
		t.Fatal("an achievement without a value was stored")
	}
	if res := srv.Do(t, http.MethodPost, url, tok, body("achievementneg1", -1, true)); res.Status != 400 {
		t.Fatalf("negative value: %d %s", res.Status, res.Body)
	}
	// updating an achievement to 0 works too
	if res := srv.Do(t, http.MethodPatch, url+"/"+tt.AchievementA, tok, map[string]any{"value": 0}); res.Status != 200 {
		t.Fatalf("update to 0: %d %s", res.Status, res.Body)
	}
}
