package records_test

import (
	"net/http"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// A value PocketBase would cast into something else is refused on its
// field with invalid_type and a bilingual message, on REST create and
// update and inside /api/batch, and nothing is saved: "abc" or true in a
// count (stored as 0 or 1), a list in a text. What a form sends (numbers as
// text) and PocketBase's own checks (a negative count) are unchanged.
func TestWritesRefuseValuesOfTheWrongKind(t *testing.T) {
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	const create = "/api/collections/activities/records"
	before, _ := srv.App.CountRecords(catalog.Activities)

	for _, probe := range []struct {
		field string
		value any
	}{
		{"male_child", "abc"}, {"male_child", true}, {"female_adult", []any{3}}, {"budget", map[string]any{"n": 1}},
		{"male_child", "NaN"}, {"venue", []any{"Balai desa"}}, {"outcome_summary", map[string]any{"x": "y"}},
	} {
		a := tt.Activity(tt.VillageA)
		a[probe.field] = probe.value
		res := srv.Do(t, http.MethodPost, create, officer, a)
		if res.Status != http.StatusBadRequest || res.FieldError(probe.field) != "invalid_type" {
			t.Errorf("%s=%v: %d %s, want 400 %s invalid_type", probe.field, probe.value, res.Status, res.Body, probe.field)
			continue
		}
		msg := res.JSON()["data"].(map[string]any)[probe.field].(map[string]any)["message"].(string)
		if !strings.Contains(msg, " / ") || !strings.Contains(msg, probe.field) {
			t.Errorf("%s: %q, want bilingual naming the field", probe.field, msg)
		}
	}

	// an update: the stored count is kept
	res := srv.Do(t, http.MethodPatch, create+"/"+tt.ActivityA, officer, map[string]any{"male_child": "tiga"})
	if res.Status != http.StatusBadRequest || res.FieldError("male_child") != "invalid_type" {
		t.Errorf("update: %d %s", res.Status, res.Body)
	}
	if rec, err := srv.App.FindRecordById(catalog.Activities, tt.ActivityA); err != nil || rec.GetInt("male_child") != 3 {
		t.Errorf("update refused yet male_child is %v (%v), want 3", rec.Get("male_child"), err)
	}

	// inside a batch: the whole batch is refused, the good request with it
	good, bad := tt.Activity(tt.VillageA), tt.Activity(tt.VillageA)
	bad["female_child"] = "empat"
	res = srv.Do(t, http.MethodPost, "/api/batch", officer, map[string]any{"requests": []any{
		map[string]any{"method": "POST", "url": create, "body": good},
		map[string]any{"method": "POST", "url": create, "body": bad}}})
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `"invalid_type"`) {
		t.Errorf("batch: %d %s", res.Status, res.Body)
	}
	if after, _ := srv.App.CountRecords(catalog.Activities); after != before {
		t.Fatalf("activities %d -> %d: a refused write saved something", before, after)
	}

	// numbers as text (a form) are read as numbers; PocketBase's own checks stay
	a := tt.Activity(tt.VillageA)
	a["male_child"], a["budget"] = "12", " 2500000 "
	if res := srv.Do(t, http.MethodPost, create, officer, a); res.Status != http.StatusOK || res.JSON()["male_child"] != 12.0 {
		t.Errorf("numbers as text: %d %s", res.Status, res.Body)
	}
	a["male_child"] = -1
	if res := srv.Do(t, http.MethodPost, create, officer, a); res.FieldError("male_child") != "validation_min_number_constraint" {
		t.Errorf("negative: %d %s", res.Status, res.Body)
	}
}
