package accounts_test

import (
	"net/http"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// A token PocketBase does not accept (expired, or of an account whose
// sessions were ended) is refused on the record API and /api/batch with 401
// token auth_required and a bilingual message: read as no sign-in it gave
// an empty list (200) and a create's "Failed to create record." (400), and
// the app kept its dead session. Signing in with a stale token still in
// the header works, and nothing is written.
func TestStaleTokenIsRefusedNotReadAsNoSignIn(t *testing.T) {
	srv := tt.NewServer(t)
	stale := tt.Token(t, srv.App, tt.OfficerA)
	user, err := srv.App.FindAuthRecordByEmail(catalog.Users, tt.OfficerA)
	if err != nil {
		t.Fatal(err)
	}
	user.RefreshTokenKey() // every session of the account ends
	if err := srv.App.Save(user); err != nil {
		t.Fatal(err)
	}
	before, _ := srv.App.CountRecords(catalog.Activities)
	const records = "/api/collections/activities/records"
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, records, nil},
		{http.MethodGet, records + "/" + tt.ActivityA, nil},
		{http.MethodPost, records, tt.Activity(tt.VillageA)},
		{http.MethodPatch, records + "/" + tt.ActivityA, map[string]any{"title": "Diubah"}},
		{http.MethodPost, "/api/batch", map[string]any{"requests": []any{map[string]any{"method": "POST", "url": records, "body": tt.Activity(tt.VillageA)}}}},
	} {
		for _, token := range []string{stale, "not-a-token"} {
			res := srv.Do(t, c.method, c.path, token, c.body)
			if res.Status != http.StatusUnauthorized || res.FieldError("token") != "auth_required" {
				t.Errorf("%s %s: %d %s, want 401 token auth_required", c.method, c.path, res.Status, res.Body)
				continue
			}
			if msg := res.JSON()["message"].(string); !strings.HasPrefix(msg, "Token tidak sah atau sudah berakhir") || !strings.Contains(msg, " / ") {
				t.Errorf("%s %s: %q", c.method, c.path, msg)
			}
		}
	}
	if after, _ := srv.App.CountRecords(catalog.Activities); after != before {
		t.Errorf("activities %d -> %d", before, after)
	}
	if rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA); rec.GetString("title") == "Diubah" {
		t.Error("a stale token changed a record")
	}
	// sign-in with the stale token still in the header (the web SDK sends it)
	res := srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", stale, map[string]any{"identity": tt.OfficerA, "password": tt.Password})
	if res.Status != http.StatusOK {
		t.Fatalf("sign-in with a stale header: %d %s", res.Status, res.Body)
	}
	// and the new session reads
	if res := srv.Do(t, http.MethodGet, records, res.JSON()["token"].(string), nil); res.Status != http.StatusOK {
		t.Errorf("new session: %d %s", res.Status, res.Body)
	}
	// no token at all is PocketBase's guest, as before
	if res := srv.Do(t, http.MethodGet, "/api/collections/areas/records?perPage=1", "", nil); res.Status == http.StatusUnauthorized {
		t.Errorf("guest: %d %s", res.Status, res.Body)
	}
}
