package apierr_test

import (
	"net/http"
	"strings"
	"testing"

	tt "jangkau/internal/testapp"
)

func TestMain(m *testing.M) { tt.Main(m) }

// leaks are what a decoder's or PocketBase's own message says that a person
// must never read: Go types, the decoder's words, a template not filled in.
var leaks = []string{"json: ", "cannot unmarshal", "Go value", "Go struct", "invalid character", "{{.", "e+07"}

// refused checks a refusal over HTTP: the status, the code on the field,
// both messages bilingual, and none of leaks.
func refused(t *testing.T, label string, res tt.Response, status int, field, code string) map[string]any {
	t.Helper()
	if res.Status != status || res.FieldError(field) != code {
		t.Fatalf("%s: %d %s, want %d with data.%s.code %s", label, res.Status, res.Body, status, field, code)
	}
	body := res.JSON()
	fe := body["data"].(map[string]any)[field].(map[string]any)
	for _, msg := range []string{body["message"].(string), fe["message"].(string)} {
		if !strings.Contains(msg, " / ") {
			t.Errorf("%s: message %q is not \"Bahasa Indonesia / English\"", label, msg)
		}
	}
	for _, leak := range leaks {
		if strings.Contains(string(res.Body), leak) {
			t.Errorf("%s: the answer says %q: %s", label, leak, res.Body)
		}
	}
	return fe
}

// A body PocketBase cannot read is refused on the field "body" with
// invalid_json and where it stops being JSON, on the record API, sign-in and
// /api/batch (PocketBase alone says "Something went wrong while processing
// your request." and names no field); a body of the wrong shape too.
func TestUnreadableBodyNamesTheBody(t *testing.T) {
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	const create = "/api/collections/activities/records"
	before, _ := srv.App.CountRecords("activities")

	fe := refused(t, "malformed", srv.Do(t, http.MethodPost, create, officer, `{"village": "18.01.04.2001", "title": bad}`), 400, "body", "invalid_json")
	if msg := fe["message"].(string); !strings.Contains(msg, "karakter ke-") || !strings.Contains(msg, "at character") {
		t.Errorf("malformed: %q, want where it stops being JSON", msg)
	}
	refused(t, "list body", srv.Do(t, http.MethodPost, create, officer, `[{"title": "x"}]`), 400, "body", "invalid_json")
	refused(t, "text body", srv.Do(t, http.MethodPatch, create+"/"+tt.ActivityA, officer, `"x"`), 400, "body", "invalid_json")
	refused(t, "sign-in malformed", srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", `{"identity": `), 400, "body", "invalid_json")
	refused(t, "sign-in password a number", srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": tt.OfficerA, "password": 123}), 400, "body", "invalid_json")
	refused(t, "batch malformed", srv.Do(t, http.MethodPost, "/api/batch", officer, `{"requests": [`), 400, "body", "invalid_json")
	refused(t, "batch wrong shape", srv.Do(t, http.MethodPost, "/api/batch", officer, map[string]any{"requests": "x"}), 400, "body", "invalid_json")

	if after, _ := srv.App.CountRecords("activities"); after != before {
		t.Errorf("activities %d -> %d: a refused body saved something", before, after)
	}
	// a body that reads still gets its fields' own errors
	if res := srv.Do(t, http.MethodPost, create, officer, `{}`); res.Status != 400 || res.FieldError("body") != "" {
		t.Errorf("empty object: %d %s, want its fields named, not the body", res.Status, res.Body)
	}
}

// PocketBase's field messages that come filled in and without their
// parameters (a password too short), or with a number in exponent form (a
// count over its maximum), read whole in both languages.
func TestFieldMessagesCarryTheirNumbers(t *testing.T) {
	srv := tt.NewServer(t)
	secretariat := tt.Token(t, srv.App, tt.Secretariat)
	fe := refused(t, "short password", srv.Do(t, http.MethodPost, "/api/collections/users/records", secretariat, map[string]any{
		"email": "baru@test.jangkau.id", "password": "pendek", "passwordConfirm": "pendek", "role": "village_officer", "area": tt.VillageA,
	}), 400, "password", "validation_min_text_constraint")
	if msg := fe["message"].(string); !strings.HasPrefix(msg, "Paling sedikit 8 karakter / ") {
		t.Errorf("short password: %q", msg)
	}

	a := tt.Activity(tt.VillageA)
	a["male_child"] = 1e12
	fe = refused(t, "count too big", srv.Do(t, http.MethodPost, "/api/collections/activities/records", tt.Token(t, srv.App, tt.OfficerA), a), 400, "male_child", "validation_max_number_constraint")
	if msg := fe["message"].(string); !strings.HasPrefix(msg, "Harus 10000000 atau kurang / ") || !strings.HasSuffix(msg, "10000000.") {
		t.Errorf("count too big: %q", msg)
	}
}
