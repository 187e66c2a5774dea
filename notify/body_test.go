package notify_test

import (
	"net/http"
	"strings"
	"testing"

	tt "jangkau/internal/testapp"
)

// A notify route's body that is not the JSON it reads is refused on the
// field "body" (invalid_json) saying which member holds what, in both
// languages; a body that reads but lacks what the route needs names that
// field.
func TestNotifyBodiesSayWhatIsWrong(t *testing.T) {
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	for _, c := range []struct{ method, path, body, field, code, want string }{
		{http.MethodPut, "/api/notify/prefs", `{"off": "returned.push"}`, "body", "invalid_json", `"off" holds text where a list (array) is expected`},
		{http.MethodPost, "/api/notify/subscriptions", `{"endpoint": `, "body", "invalid_json", "cut off"},
		{http.MethodDelete, "/api/notify/subscriptions", `{"endpoint": 5}`, "body", "invalid_json", `"endpoint" holds a number`},
		{http.MethodPost, "/api/notify/notices/read", `{"ids": "x"}`, "body", "invalid_json", `"ids" holds text`},
		{http.MethodPost, "/api/notify/notices/read", `{}`, "ids", "required", ""},
		{http.MethodDelete, "/api/notify/subscriptions", `{}`, "endpoint", "required", ""},
	} {
		res := srv.Do(t, c.method, c.path, officer, c.body)
		if res.Status != http.StatusBadRequest || res.FieldError(c.field) != c.code {
			t.Errorf("%s %s %s: %d %s, want 400 %s %s", c.method, c.path, c.body, res.Status, res.Body, c.field, c.code)
			continue
		}
		if msg := res.JSON()["message"].(string); !strings.Contains(msg, " / ") || !strings.Contains(msg, c.want) {
			t.Errorf("%s %s: %q, want %q", c.method, c.path, msg, c.want)
		}
	}
}
