package devices_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

func revokeWipe(t *testing.T, srv *tt.Server, by, deviceID string) tt.Response {
	t.Helper()
	return srv.Do(t, http.MethodPost, "/api/devices/"+deviceID+"/revoke", tt.Token(t, srv.App, by), map[string]any{"wipe": true})
}

// pushOne sends one activity mutation over the native protocol.
func pushOne(t *testing.T, srv *tt.Server, token, mutationID, id string, base any, data map[string]any) tt.Response {
	t.Helper()
	return srv.Do(t, http.MethodPost, "/api/sync/push", token, map[string]any{"clientId": "pwa-wipe", "mutations": []any{map[string]any{
		"mutationId": mutationID, "collection": catalog.Activities, "id": id, "op": "upsert", "baseVersion": base,
		"clientTime": "2025-03-10T08:00:00Z", "data": data}}})
}

func firstResult(t *testing.T, res tt.Response) map[string]any {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("push: %d %s", res.Status, res.Body)
	}
	rs, _ := res.JSON()["results"].([]any)
	if len(rs) != 1 {
		t.Fatalf("push results: %s", res.Body)
	}
	return rs[0].(map[string]any)
}

// TestRevokeWithWipe: a verifier revokes a phone choosing wipe. The phone
// is told so on its next request (sync, stream, REST, refresh) and is
// shown nothing; it may still send what it holds (native push, photo
// uploads, a refreshed token to do it with) until it confirms the wipe,
// after which it may send nothing either. The choice is in the audit trail.
func TestRevokeWithWipe(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	synced := tt.Activity(tt.VillageA)
	synced["title"] = "Sudah di server sebelum dicabut"
	if r := firstResult(t, pushOne(t, srv, p.Token, "m-1", "wipephonerec001", nil, synced)); r["status"] != "applied" {
		t.Fatalf("first push: %v", r)
	}

	res := revokeWipe(t, srv, tt.VerifierA, p.Device)
	if res.Status != 200 || res.JSON()["wipe"] != true || res.JSON()["state"] != devices.StateRevoked {
		t.Fatalf("revoke with wipe: %d %s", res.Status, res.Body)
	}
	// the audit trail has the revocation with its choice, by the verifier
	entries, err := srv.App.FindRecordsByFilter("audit_log", "record = {:id} && action = 'update'", "-created", 0, 0, dbx.Params{"id": p.Device})
	if err != nil || len(entries) == 0 {
		t.Fatalf("no audit entry of the revocation: %v", err)
	}
	var changes map[string][2]any
	if err := json.Unmarshal([]byte(entries[0].GetString("changes")), &changes); err != nil {
		t.Fatal(err)
	}
	if changes["wipe"][1] != true || changes["revoked_reason"][1] != devices.ReasonRevoked || entries[0].GetString("user") != tt.UserID(tt.VerifierA) {
		t.Errorf("audit of the revocation: user %s changes %v", entries[0].GetString("user"), changes)
	}

	// told on every path, shown nothing
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/api/sync/pull?cursor=0&collections=activities"},
		{http.MethodGet, "/api/sync/stream"},
		{http.MethodGet, "/api/sync/watermelon?last_pulled_at=0"},
		{http.MethodPost, "/api/sync/watermelon"},
		{http.MethodPost, "/api/sync/rxdb/activities/push"},
		{http.MethodGet, activitiesURL},
		{http.MethodGet, activitiesURL + "/wipephonerec001"},
		{http.MethodPatch, activitiesURL + "/wipephonerec001"},
		{http.MethodGet, "/api/devices"},
	} {
		wantRefused(t, c.method+" "+c.path, srv.Do(t, c.method, c.path, p.Token, map[string]any{}), 401, "token", devices.CodeDeviceWipe)
	}

	// what it holds it may still send: a new record, and an edit that
	// conflicts, answered without the server's record
	unsent := tt.Activity(tt.VillageA)
	unsent["title"] = "Belum terkirim saat dicabut"
	res = pushOne(t, srv, p.Token, "m-2", "wipephonerec002", nil, unsent)
	if r := firstResult(t, res); r["status"] != "applied" {
		t.Errorf("push of the unsent record: %v", r)
	}
	if rec, err := srv.App.FindRecordById(catalog.Activities, "wipephonerec002"); err != nil || rec.GetString("title") != "Belum terkirim saat dicabut" {
		t.Errorf("the unsent record did not arrive: %v", err)
	}
	if _, ok := res.JSON()["cursor"]; ok || res.JSON()["wipe"] != true {
		t.Errorf("push answer of a phone being wiped: %s", res.Body)
	}
	edit := map[string]any{"title": "Diubah di ponsel"}
	res = pushOne(t, srv, p.Token, "m-3", "wipephonerec001", 99, edit)
	if r := firstResult(t, res); r["status"] != "conflict" || r["record"] != nil {
		t.Errorf("conflict answer of a phone being wiped: %s", res.Body)
	}
	if strings.Contains(string(res.Body), "Sudah di server") {
		t.Errorf("the push answer shows the server's record: %s", res.Body)
	}
	// a photo of its record lands; the answer is not the record
	res = tt.UploadPhoto(t, srv, catalog.Activities, "wipephonerec002", p.Token, "photo.jpg", tt.JPEG(t, 64, 48))
	if res.Status != 200 || string(res.Body) != `{"ok":true}` {
		t.Errorf("photo upload of a phone being wiped: %d %s", res.Status, res.Body)
	}
	if rec, _ := srv.App.FindRecordById(catalog.Activities, "wipephonerec002"); len(rec.GetStringSlice("photos")) != 1 {
		t.Errorf("the photo did not land: %v", rec.GetStringSlice("photos"))
	}

	// the refresh token still renews, to send with: no account in the answer
	res = p.refresh(t, srv)
	b := res.JSON()
	if res.Status != 200 || b["wipe"] != true || b["record"] != nil || b["device"] != nil || str(b["token"]) == "" {
		t.Fatalf("refresh of a phone being wiped: %d %s", res.Status, res.Body)
	}
	p.Token, p.Refresh = str(b["token"]), str(b["refreshToken"])
	wantRefused(t, "pull with the renewed token", srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0", p.Token, nil), 401, "token", devices.CodeDeviceWipe)
	if r := firstResult(t, pushOne(t, srv, p.Token, "m-4", "wipephonerec003", nil, tt.Activity(tt.VillageA))); r["status"] != "applied" {
		t.Errorf("push with the renewed token: %v", r)
	}

	// another account cannot confirm it; a working phone is not wiping
	other := newPhone(t, srv, tt.VerifierA, tt.OfficerA2)
	wantRefused(t, "confirm by a working phone", srv.Do(t, http.MethodPost, "/api/devices/wiped", other.Token, nil), 409, "token", "not_wiping")
	wantRefused(t, "confirm by a password session", srv.Do(t, http.MethodPost, "/api/devices/wiped", tt.Token(t, srv.App, tt.OfficerA), nil), 409, "token", "not_wiping")

	// the phone says it has sent everything and deletes its data
	if res := srv.Do(t, http.MethodPost, "/api/devices/wiped", p.Token, nil); res.Status != 200 || res.JSON()["wiped"] != true {
		t.Fatalf("confirm the wipe: %d %s", res.Status, res.Body)
	}
	if dev := device(t, srv.App, p.Device); dev.GetDateTime("wiped_at").IsZero() || dev.GetString("refresh_hash") != "" {
		t.Errorf("device after the wipe: %v", dev.FieldsData())
	}
	// from then on: nothing at all, still told to wipe
	wantRefused(t, "push after the wipe", pushOne(t, srv, p.Token, "m-5", "wipephonerec004", nil, tt.Activity(tt.VillageA)), 401, "token", devices.CodeDeviceWipe)
	wantRefused(t, "refresh after the wipe", p.refresh(t, srv), 401, "refreshToken", devices.CodeDeviceWipe)
	wantRefused(t, "confirm again", srv.Do(t, http.MethodPost, "/api/devices/wiped", p.Token, nil), 401, "token", devices.CodeDeviceWipe)
	if _, err := srv.App.FindRecordById(catalog.Activities, "wipephonerec004"); err == nil {
		t.Error("a wiped phone wrote a record")
	}
}

// TestRevokeWithoutWipe: a plain revocation (no body, or wipe false) lets
// the phone send nothing, as before.
func TestRevokeWithoutWipe(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	for _, body := range []any{nil, map[string]any{"wipe": false}} {
		p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
		res := srv.Do(t, http.MethodPost, "/api/devices/"+p.Device+"/revoke", tt.Token(t, srv.App, tt.VerifierA), body)
		if res.Status != 200 || res.JSON()["wipe"] != false {
			t.Fatalf("revoke %v: %d %s", body, res.Status, res.Body)
		}
		wantRefused(t, "push", pushOne(t, srv, p.Token, "m-1", "", nil, tt.Activity(tt.VillageA)), 401, "token", devices.CodeDeviceRevoked)
		wantRefused(t, "refresh", p.refresh(t, srv), 401, "refreshToken", devices.CodeDeviceRevoked)
		wantRefused(t, "confirm", srv.Do(t, http.MethodPost, "/api/devices/wiped", p.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	}
}

// TestWipeWindowEndsOnRefreshReuse: a refresh token used twice while the
// phone is being wiped (a copy of the phone) ends its sending at once.
func TestWipeWindowEndsOnRefreshReuse(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	if res := revokeWipe(t, srv, tt.VerifierA, p.Device); res.Status != 200 {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	old := p.Refresh
	next := phoneFrom2(t, p.refresh(t, srv))
	nextNext := phoneFrom2(t, srv.Do(t, http.MethodPost, refreshURL, "", map[string]any{"refreshToken": next.Refresh}))
	_ = nextNext
	// the first token again, after its successor was used: a copy
	res := srv.Do(t, http.MethodPost, refreshURL, "", map[string]any{"refreshToken": old})
	if res.Status != 401 {
		t.Fatalf("reused refresh token: %d %s", res.Status, res.Body)
	}
	wantRefused(t, "push after the reuse", pushOne(t, srv, next.Token, "m-1", "", nil, tt.Activity(tt.VillageA)), 401, "token", devices.CodeDeviceWipe)
}

// phoneFrom2 reads a refresh answer of a phone being wiped (no device).
func phoneFrom2(t *testing.T, res tt.Response) *phone {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("refresh: %d %s", res.Status, res.Body)
	}
	return &phone{Token: str(res.JSON()["token"]), Refresh: str(res.JSON()["refreshToken"]), Body: res.JSON()}
}
