package devices_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

// hintStream opens one of the sync SSE endpoints and collects its data lines.
type hintStream struct {
	status int
	body   []byte
	data   chan string
	closed chan struct{}
}

func openHints(t *testing.T, srv *tt.Server, path, token string) *hintStream {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	h := &hintStream{status: res.StatusCode, data: make(chan string, 20), closed: make(chan struct{})}
	if res.StatusCode != 200 {
		var sb strings.Builder
		_, _ = bufio.NewReader(res.Body).WriteTo(&sb)
		res.Body.Close()
		h.body = []byte(sb.String())
		close(h.closed)
		return h
	}
	t.Cleanup(func() { res.Body.Close() })
	go func() {
		defer close(h.closed)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data: ") {
				h.data <- strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return h
}

func (h *hintStream) first(t *testing.T) string {
	t.Helper()
	select {
	case d := <-h.data:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no first event")
	}
	return ""
}

func (h *hintStream) waitClosed() bool {
	select {
	case <-h.closed:
		return true
	case <-time.After(10 * time.Second):
		return false
	}
}

func syncActivity(id string) map[string]any {
	d := tt.Activity(tt.VillageA)
	d["id"] = id
	return d
}

// TestDeviceTokenSyncs: a phone syncs with its device token on every sync
// protocol, with its user's scope, and the sync records it as that device.
func TestDeviceTokenSyncs(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)

	res := srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0&limit=5000&appVersion=1.4.1&queueLength=3", p.Token, nil)
	if res.Status != 200 {
		t.Fatalf("native pull: %d %s", res.Status, res.Body)
	}
	var page struct {
		Cursor  int64 `json:"cursor"`
		Changes []struct {
			Collection, ID string
		} `json:"changes"`
	}
	if err := json.Unmarshal(res.Body, &page); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range page.Changes {
		got[c.Collection+"/"+c.ID] = true
	}
	if !got["activities/"+tt.ActivityA] || got["activities/"+tt.ActivityB] || page.Cursor == 0 {
		t.Errorf("device pull scope: %v (cursor %d)", got, page.Cursor)
	}
	dev := device(t, srv.App, p.Device)
	if dev.GetDateTime("last_pull").IsZero() || dev.GetInt("last_cursor") != int(page.Cursor) || dev.GetInt("queue_length") != 3 || dev.GetString("app_version") != "1.4.1" {
		t.Errorf("sync health not recorded on the enrolled device: %v", dev.FieldsData())
	}
	if n := count(t, srv.App, catalog.Devices, ""); n != 1 {
		t.Errorf("the sync made %d device records for one phone", n)
	}

	// a push needs no clientId with a device token: the device is the client
	push := map[string]any{"queueLength": 0, "mutations": []any{map[string]any{
		"mutationId": "m1", "collection": "activities", "id": "devicesyncpush01", "op": "upsert", "data": syncActivity("devicesyncpush01")}}}
	res = srv.Do(t, http.MethodPost, "/api/sync/push", p.Token, push)
	if res.Status != 200 || !strings.Contains(string(res.Body), `"applied"`) {
		t.Fatalf("native push: %d %s", res.Status, res.Body)
	}
	rec, err := srv.App.FindRecordById(catalog.Activities, "devicesyncpush01")
	if err != nil || rec.GetString("created_by") != tt.UserID(tt.OfficerA) {
		t.Fatalf("pushed record: %v", err)
	}
	if dev := device(t, srv.App, p.Device); dev.GetDateTime("last_push").IsZero() || dev.GetInt("queue_length") != 0 {
		t.Errorf("push not recorded on the device: %v", dev.FieldsData())
	}
	// the same mutation again is a replay for this device
	if res = srv.Do(t, http.MethodPost, "/api/sync/push", p.Token, push); res.Status != 200 || !strings.Contains(string(res.Body), `"replayed":true`) {
		t.Errorf("replay: %d %s", res.Status, res.Body)
	}

	if res = srv.Do(t, http.MethodGet, "/api/sync/watermelon?last_pulled_at=null&schema_version=1", p.Token, nil); res.Status != 200 || !strings.Contains(string(res.Body), tt.ActivityA) || strings.Contains(string(res.Body), tt.ActivityB) {
		t.Errorf("watermelon pull: %d %s", res.Status, res.Body)
	}
	wm := map[string]any{"activities": map[string]any{"created": []any{syncActivity("devicewmelon0001")}, "updated": []any{}, "deleted": []any{}}}
	if res = srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", page.Cursor+2), p.Token, wm); res.Status != 200 {
		t.Errorf("watermelon push: %d %s", res.Status, res.Body)
	}
	if res = srv.Do(t, http.MethodGet, "/api/sync/rxdb/activities/pull?limit=100", p.Token, nil); res.Status != 200 || !strings.Contains(string(res.Body), tt.ActivityA) || strings.Contains(string(res.Body), tt.ActivityB) {
		t.Errorf("rxdb pull: %d %s", res.Status, res.Body)
	}
	rx := []any{map[string]any{"newDocumentState": syncActivity("devicerxdbpush01")}}
	if res = srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push", p.Token, rx); res.Status != 200 || strings.TrimSpace(string(res.Body)) != "[]" {
		t.Errorf("rxdb push: %d %s", res.Status, res.Body)
	}
	for _, id := range []string{"devicewmelon0001", "devicerxdbpush01"} {
		if rec, err := srv.App.FindRecordById(catalog.Activities, id); err != nil || rec.GetString("created_by") != tt.UserID(tt.OfficerA) {
			t.Errorf("%s: %v", id, err)
		}
	}
	if ev := openHints(t, srv, "/api/sync/rxdb/activities/pull_stream", p.Token).first(t); ev != `"RESYNC"` {
		t.Errorf("rxdb stream: %s", ev)
	}
	if ev := openHints(t, srv, "/api/sync/stream", p.Token).first(t); !strings.HasPrefix(ev, `{"cursor":`) {
		t.Errorf("native stream: %s", ev)
	}
}

// TestRevokedDeviceOnEverySyncEndpoint: the open hint streams of a lost
// phone end when it is revoked, and each sync endpoint refuses it.
func TestRevokedDeviceOnEverySyncEndpoint(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	rxStream := openHints(t, srv, "/api/sync/rxdb/activities/pull_stream", p.Token)
	nativeStream := openHints(t, srv, "/api/sync/stream", p.Token)
	rxStream.first(t)
	nativeStream.first(t)
	if res := revoke(t, srv, tt.VerifierA, p.Device); res.Status != 200 {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	if !rxStream.waitClosed() || !nativeStream.waitClosed() {
		t.Fatal("a revoked phone's sync stream is still open")
	}
	before := count(t, srv.App, catalog.Activities, "")
	endpoints := []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/api/sync/pull?cursor=0", nil},
		{http.MethodPost, "/api/sync/push", map[string]any{"clientId": "x", "mutations": []any{map[string]any{
			"mutationId": "m1", "collection": "activities", "id": "revokedsyncpush1", "op": "upsert", "data": syncActivity("revokedsyncpush1")}}}},
		{http.MethodGet, "/api/sync/watermelon?last_pulled_at=null", nil},
		{http.MethodPost, "/api/sync/watermelon?last_pulled_at=1", map[string]any{"activities": map[string]any{"created": []any{syncActivity("revokedwmelon001")}, "updated": []any{}, "deleted": []any{}}}},
		{http.MethodGet, "/api/sync/rxdb/activities/pull", nil},
		{http.MethodPost, "/api/sync/rxdb/activities/push", []any{map[string]any{"newDocumentState": syncActivity("revokedrxdbpush1")}}},
		{http.MethodGet, "/api/sync/rxdb/activities/pull_stream", nil},
		{http.MethodGet, "/api/sync/stream", nil},
	}
	for _, ep := range endpoints {
		if ep.method == http.MethodGet && strings.Contains(ep.path, "stream") {
			h := openHints(t, srv, ep.path, p.Token)
			wantRefused(t, ep.path, tt.Response{Status: h.status, Body: h.body}, 401, "token", devices.CodeDeviceRevoked)
			continue
		}
		wantRefused(t, ep.method+" "+ep.path, srv.Do(t, ep.method, ep.path, p.Token, ep.body), 401, "token", devices.CodeDeviceRevoked)
	}
	if after := count(t, srv.App, catalog.Activities, ""); after != before {
		t.Errorf("a revoked phone wrote %d records through sync", after-before)
	}
}

// TestDeactivationEndsPlainUserStreams: the request tracking also covers
// plain user tokens, so deactivating an account ends its sync streams.
func TestDeactivationEndsPlainUserStreams(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	h := openHints(t, srv, "/api/sync/stream", tt.Token(t, srv.App, tt.OfficerA))
	h.first(t)
	other := openHints(t, srv, "/api/sync/stream", tt.Token(t, srv.App, tt.OfficerA2))
	other.first(t)
	res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.VerifierA), map[string]any{"deactivated": true})
	if res.Status != 200 {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}
	if !h.waitClosed() {
		t.Fatal("the deactivated user's stream is still open")
	}
	select {
	case <-other.closed:
		t.Error("another user's stream was closed")
	default:
	}
}

// TestMoveEndsPlainUserStreams: a hint stream keeps the reach it was
// opened with, so an officer moved to another village loses its open
// streams (a phone's as its device is revoked, a password session's too)
// and hears no more of the old village; a new stream follows the new one.
func TestMoveEndsPlainUserStreams(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	h := openHints(t, srv, "/api/sync/stream", tt.Token(t, srv.App, tt.OfficerA))
	h.first(t)
	other := openHints(t, srv, "/api/sync/stream", tt.Token(t, srv.App, tt.OfficerA2))
	other.first(t)
	verifier := tt.Token(t, srv.App, tt.VerifierA)
	// an edit that changes no reach leaves the stream open
	if res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), verifier, map[string]any{"name": "Operator Desa A (baru)"}); res.Status != 200 {
		t.Fatalf("rename: %d %s", res.Status, res.Body)
	}
	d := tt.Activity(tt.VillageA)
	d["id"] = "renamedofficerr1"
	if res := srv.Do(t, http.MethodPost, activitiesURL, tt.Token(t, srv.App, tt.OfficerA), d); res.Status != 200 {
		t.Fatalf("write in A: %d %s", res.Status, res.Body)
	}
	select {
	case <-h.data:
	case <-time.After(10 * time.Second):
		t.Fatal("after a rename the stream heard nothing of its village")
	}
	res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), verifier, map[string]any{"area": tt.VillageA2})
	if res.Status != 200 {
		t.Fatalf("move: %d %s", res.Status, res.Body)
	}
	if !h.waitClosed() {
		t.Fatal("the moved user's stream is still open")
	}
	select {
	case <-other.closed:
		t.Error("another user's stream was closed")
	default:
	}
	// the new stream hears of a change in the village it moved to
	moved := openHints(t, srv, "/api/sync/stream", tt.Token(t, srv.App, tt.OfficerA))
	moved.first(t)
	d = tt.Activity(tt.VillageA2)
	d["id"] = "movedofficerrec1"
	if res := srv.Do(t, http.MethodPost, activitiesURL, tt.Token(t, srv.App, tt.OfficerA2), d); res.Status != 200 {
		t.Fatalf("write in A2: %d %s", res.Status, res.Body)
	}
	select {
	case <-moved.data:
	case <-time.After(10 * time.Second):
		t.Error("the moved officer's new stream heard nothing of its new village")
	}
}

// TestAuditNamesTheDevice: what a phone writes with its device token is
// audited as its user's, with the device beside it, on REST, batch and sync.
func TestAuditNamesTheDevice(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	if res := srv.Do(t, http.MethodPost, activitiesURL, p.Token, syncActivity("auditviarest0001")); res.Status != 200 {
		t.Fatalf("rest: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodPost, "/api/batch", p.Token, map[string]any{"requests": []any{
		map[string]any{"method": "POST", "url": activitiesURL, "body": syncActivity("auditviabatch001")}}}); res.Status != 200 {
		t.Fatalf("batch: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodPost, "/api/sync/push", p.Token, map[string]any{"mutations": []any{map[string]any{
		"mutationId": "a1", "collection": "activities", "id": "auditviasync0001", "op": "upsert", "data": syncActivity("auditviasync0001")}}}); res.Status != 200 {
		t.Fatalf("sync: %d %s", res.Status, res.Body)
	}
	for _, id := range []string{"auditviarest0001", "auditviabatch001", "auditviasync0001"} {
		recs, err := srv.App.FindRecordsByFilter("audit_log", "record = {:id}", "", 0, 0, dbx.Params{"id": id})
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s: no audit entry (%v)", id, err)
		}
		if recs[0].GetString("device") != p.Device || recs[0].GetString("user") != tt.UserID(tt.OfficerA) {
			t.Errorf("%s audited as user %q device %q", id, recs[0].GetString("user"), recs[0].GetString("device"))
		}
	}
}
