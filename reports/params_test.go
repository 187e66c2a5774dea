package reports_test

import (
	"net/http"
	"strings"
	"testing"

	tt "jangkau/internal/testapp"
)

// A report or export parameter outside its choices is refused naming it
// (invalid_value, bilingual), never read as its default: includeSubmitted
// "maybe" counted only approved records, lang "fr" answered in Indonesian.
func TestReportParametersOutsideTheirChoicesAreRefused(t *testing.T) {
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.Secretariat)
	for _, c := range []struct{ path, field string }{
		{"/api/reports/coverage?includeSubmitted=maybe", "includeSubmitted"},
		{"/api/reports/activities?lang=fr", "lang"},
		{"/api/exports/activities.csv?year=2025&lang=EN", "lang"},
	} {
		res := srv.Do(t, http.MethodGet, c.path, tok, nil)
		if res.Status != http.StatusBadRequest || res.FieldError(c.field) != "invalid_value" {
			t.Errorf("%s: %d %s, want 400 %s invalid_value", c.path, res.Status, res.Body, c.field)
			continue
		}
		if msg := res.JSON()["message"].(string); !strings.Contains(msg, " / ") {
			t.Errorf("%s: %q not bilingual", c.path, msg)
		}
	}
	for _, ok := range []string{"includeSubmitted=1", "includeSubmitted=true", "includeSubmitted=0", "lang=en", "lang=id"} {
		if res := srv.Do(t, http.MethodGet, "/api/reports/coverage?year=2025&"+ok, tok, nil); res.Status != http.StatusOK {
			t.Errorf("%s: %d %s", ok, res.Status, res.Body)
		}
	}
}
