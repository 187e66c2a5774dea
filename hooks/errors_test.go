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

// Every refusal reaches a person in both languages, PocketBase's own
// included (its general messages and its field validators write English
// only), and a 401 names the field it is about: the sign-in token.
func TestPocketBasesOwnRefusalsAreBilingual(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	bilingual := func(what, msg string) {
		t.Helper()
		if parts := strings.Split(msg, " / "); len(parts) != 2 || parts[0] == "" || parts[1] == "" || parts[0] == parts[1] {
			t.Errorf("%s: %q is not \"Bahasa Indonesia / English\"", what, msg)
		}
	}
	fieldMessage := func(res tt.Response, field string) string {
		data, _ := res.JSON()["data"].(map[string]any)
		fe, _ := data[field].(map[string]any)
		msg, _ := fe["message"].(string)
		return msg
	}

	// no token, a garbage token: 401 on PocketBase's routes and Jangkau's
	for _, path := range []string{"/api/reports/activities?year=2025", "/api/accounts", "/api/audit/activities/" + tt.ActivityA, "/api/collections/users/auth-refresh"} {
		for _, token := range []string{"", "garbage.token.value"} {
			method := http.MethodGet
			if strings.HasSuffix(path, "auth-refresh") {
				method = http.MethodPost
			}
			res := srv.Do(t, method, path, token, nil)
			if res.Status != http.StatusUnauthorized || res.FieldError("token") != "auth_required" {
				t.Errorf("%s with token %q: %d %s, want 401 with data.token.code auth_required", path, token, res.Status, res.Body)
				continue
			}
			bilingual(path+" message", res.JSON()["message"].(string))
			bilingual(path+" token", fieldMessage(res, "token"))
		}
	}

	// PocketBase's 404 of a record that does not exist
	res := srv.Do(t, http.MethodGet, "/api/collections/activities/records/noSuchRecord001", officer, nil)
	if res.Status != http.StatusNotFound {
		t.Fatalf("missing record: %d %s", res.Status, res.Body)
	}
	bilingual("404", res.JSON()["message"].(string))

	// a refusal of the request as a whole names the field that stands for
	// it: id for a record not found, role for what the role may not do,
	// request for a bare 400 (docs/api.md, Errors)
	wholes := []struct {
		what, method, path, body, field, code string
		status                                int
	}{
		{"missing record", http.MethodGet, "/api/collections/activities/records/noSuchRecord001", "", "id", "not_found", http.StatusNotFound},
		{"unknown collection", http.MethodGet, "/api/collections/no_such/records", "", "id", "not_found", http.StatusNotFound},
		{"superusers only", http.MethodGet, "/api/collections/_superusers/records", "", "role", "forbidden_role", http.StatusForbidden},
		{"broken JSON body", http.MethodPost, "/api/collections/activities/records", `{"title": `, "body", "invalid_json", http.StatusBadRequest},
	}
	for _, c := range wholes {
		var body any
		if c.body != "" {
			body = c.body
		}
		res := srv.Do(t, c.method, c.path, officer, body)
		if res.Status != c.status || res.FieldError(c.field) != c.code {
			t.Errorf("%s: %d %s, want %d with data.%s.code %s", c.what, res.Status, res.Body, c.status, c.field, c.code)
			continue
		}
		bilingual(c.what+" "+c.field, fieldMessage(res, c.field))
	}

	// PocketBase's field validators, on REST with their parameters
	long := tt.Activity(tt.VillageA)
	long["title"] = strings.Repeat("a", 301)
	res = srv.Do(t, http.MethodPost, "/api/collections/activities/records", officer, long)
	if res.Status != http.StatusBadRequest || res.FieldError("title") != "validation_max_text_constraint" {
		t.Fatalf("long title: %d %s", res.Status, res.Body)
	}
	bilingual("400", res.JSON()["message"].(string))
	if msg := fieldMessage(res, "title"); !strings.HasPrefix(msg, "Paling banyak 300 karakter / ") {
		t.Errorf("title: %q, want the limit in Bahasa Indonesia first", msg)
	}

	// and inside a batch's failed request
	res = srv.Do(t, http.MethodPost, "/api/batch", officer, map[string]any{"requests": []any{
		map[string]any{"method": "POST", "url": "/api/collections/activities/records", "body": long}}})
	if res.Status != http.StatusBadRequest {
		t.Fatalf("batch: %d %s", res.Status, res.Body)
	}
	bilingual("batch", res.JSON()["message"].(string))
	failed := res.JSON()["data"].(map[string]any)["requests"].(map[string]any)["0"].(map[string]any)
	bilingual("batch request", failed["message"].(string))
	inner := failed["response"].(map[string]any)
	bilingual("batch response", inner["message"].(string))
	title := inner["data"].(map[string]any)["title"].(map[string]any)
	if msg, _ := title["message"].(string); !strings.HasPrefix(msg, "Paling banyak 300 karakter / ") {
		t.Errorf("batch title: %q", msg)
	}

	// a body that is no JSON object names the body
	res = srv.Do(t, http.MethodPost, "/api/accounts/password", officer, `[]`)
	if res.Status != http.StatusBadRequest || res.FieldError("body") != "invalid_json" {
		t.Errorf("password body: %d %s, want 400 with data.body.code invalid_json", res.Status, res.Body)
	}
}
