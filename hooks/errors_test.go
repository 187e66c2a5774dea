package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"jangkau/areas"
	"jangkau/audit"
	tt "jangkau/internal/testapp"
)

// Refusals of model hooks reach the client in the one error shape: a
// bilingual message ("Bahasa Indonesia / English") and a code per field,
// not PocketBase's generic message (for a delete, one about relations).
func TestModelHookRefusalsReachTheClientInTheErrorShape(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	su := tt.Token(t, srv.App, tt.SuperuserEmail)
	cases := []struct {
		name, path, code string
		status           int
	}{
		{"area delete", "/api/collections/areas/records/" + tt.VillageA, areas.CodeNeverDeleted, http.StatusForbidden},
		{"audit entry delete", "/api/collections/audit_log/records/" + firstAuditID(t, srv), "audit_log_protected", http.StatusForbidden},
	}
	for _, c := range cases {
		res := srv.Do(t, http.MethodDelete, c.path, su, nil)
		msg, _ := res.JSON()["message"].(string)
		if res.Status != c.status || res.FieldError("id") != c.code {
			t.Errorf("%s: %d %s, want %d with data.id.code %s", c.name, res.Status, res.Body, c.status, c.code)
		}
		if parts := strings.Split(msg, " / "); len(parts) != 2 || strings.Contains(msg, "relation") {
			t.Errorf("%s: message %q is not one bilingual sentence pair", c.name, msg)
		}
	}
	if n, _ := srv.App.CountRecords(audit.Collection); n == 0 {
		t.Fatal("the trail is empty")
	}
}
