package devices_test

import (
	"net/http"
	"testing"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

func revoke(t *testing.T, srv *tt.Server, by, deviceID string) tt.Response {
	t.Helper()
	return srv.Do(t, http.MethodPost, "/api/devices/"+deviceID+"/revoke", tt.Token(t, srv.App, by), nil)
}

// TestLostPhoneRevokedMidSession: a phone is syncing and listening on
// realtime; its officer reports it lost; the verifier revokes it; the very
// next request on every path is refused and the realtime stream ends. What
// the phone synced stays, and the officer's new phone keeps working.
func TestLostPhoneRevokedMidSession(t *testing.T) {
	t.Parallel()
	srv := serveWithProbe(t)
	lost := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	spare := newPhone(t, srv, tt.VerifierA, tt.OfficerA)

	body := tt.Activity(tt.VillageA)
	body["id"] = "lostphonerecord1"
	if res := srv.Do(t, http.MethodPost, activitiesURL, lost.Token, body); res.Status != 200 {
		t.Fatalf("sync before loss: %d %s", res.Status, res.Body)
	}
	rt := tt.ConnectRealtime(t, srv)
	if res := rt.Subscribe(t, lost.Token, "activities"); res.Status != 204 {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}
	spareRT := tt.ConnectRealtime(t, srv)
	if res := spareRT.Subscribe(t, spare.Token, "activities"); res.Status != 204 {
		t.Fatalf("subscribe spare: %d %s", res.Status, res.Body)
	}
	// the session is live: an update reaches the phone
	if res := srv.Do(t, http.MethodPatch, activitiesURL+"/lostphonerecord1", lost.Token, map[string]any{"venue": "Aula desa"}); res.Status != 200 {
		t.Fatalf("update: %d %s", res.Status, res.Body)
	}
	if ev := rt.Next(t); ev["record"].(map[string]any)["id"] != "lostphonerecord1" {
		t.Fatalf("event %v", ev)
	}
	spareRT.Next(t)

	// who may not revoke it, changing nothing
	for _, who := range []string{tt.OfficerA, tt.OfficerA2, tt.OfficerB, tt.Taskforce} {
		wantRefused(t, who+" revoking", revoke(t, srv, who, lost.Device), 403, "user", devices.CodeForbiddenRole)
	}
	// another regency's verifier gets an unknown device's answer, byte for byte
	elsewhere, unknown := revoke(t, srv, tt.VerifierB, lost.Device), revoke(t, srv, tt.VerifierB, "nosuchdevice001")
	wantRefused(t, "other regency's verifier", elsewhere, 404, "id", devices.CodeNotFound)
	if string(elsewhere.Body) != string(unknown.Body) {
		t.Errorf("another regency's device answers %s, an unknown one %s", elsewhere.Body, unknown.Body)
	}
	wantRefused(t, "anonymous", srv.Do(t, http.MethodPost, "/api/devices/"+lost.Device+"/revoke", "", nil), 401, "token", "auth_required")
	wantRefused(t, "unknown device", revoke(t, srv, tt.VerifierA, "nosuchdevice001"), 404, "id", devices.CodeNotFound)
	if res := srv.Do(t, http.MethodGet, "/api/probe", lost.Token, nil); res.Status != 200 {
		t.Fatalf("refused revocations changed something: %d %s", res.Status, res.Body)
	}

	res := revoke(t, srv, tt.VerifierA, lost.Device)
	if res.Status != 200 || res.JSON()["state"] != devices.StateRevoked || res.JSON()["revokedBy"] != tt.UserID(tt.VerifierA) {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}

	// realtime: the open stream is closed by the server ...
	if !rt.WaitClosed() {
		t.Fatal("the revoked phone's realtime stream is still open")
	}
	// ... and a new one cannot be authorized
	rt2 := tt.ConnectRealtime(t, srv)
	wantRefused(t, "realtime subscribe", rt2.Subscribe(t, lost.Token, "activities"), 401, "token", devices.CodeDeviceRevoked)

	// REST, batch, a custom route, refresh: all refused with the same words
	wantRefused(t, "REST list", srv.Do(t, http.MethodGet, activitiesURL, lost.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	wantRefused(t, "REST view", srv.Do(t, http.MethodGet, activitiesURL+"/lostphonerecord1", lost.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	body["id"] = "lostphonerecord2"
	wantRefused(t, "REST create", srv.Do(t, http.MethodPost, activitiesURL, lost.Token, body), 401, "token", devices.CodeDeviceRevoked)
	wantRefused(t, "batch", srv.Do(t, http.MethodPost, "/api/batch", lost.Token, map[string]any{"requests": []any{
		map[string]any{"method": "POST", "url": activitiesURL, "body": body}}}), 401, "token", devices.CodeDeviceRevoked)
	wantRefused(t, "custom route", srv.Do(t, http.MethodGet, "/api/probe", lost.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	wantRefused(t, "fleet", srv.Do(t, http.MethodGet, "/api/devices", lost.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	wantRefused(t, "refresh", lost.refresh(t, srv), 401, "refreshToken", devices.CodeDeviceRevoked)
	res = srv.Do(t, http.MethodGet, activitiesURL, lost.Token, nil)
	if msg := res.JSON()["message"]; msg != "Perangkat ini telah dicabut. / This device has been revoked." {
		t.Errorf("message %q", msg)
	}
	if _, err := srv.App.FindRecordById(catalog.Activities, "lostphonerecord2"); err == nil {
		t.Error("a revoked phone wrote a record")
	}

	// the synced record stays; the device record keeps its history
	if _, err := srv.App.FindRecordById(catalog.Activities, "lostphonerecord1"); err != nil {
		t.Errorf("synced record lost: %v", err)
	}
	dev := device(t, srv.App, lost.Device)
	if dev.GetString("revoked_by") != tt.UserID(tt.VerifierA) || dev.GetString("revoked_reason") != devices.ReasonRevoked || dev.GetString("refresh_hash") != "" {
		t.Errorf("device after revoke: %v", dev.FieldsData())
	}
	// revoking again changes nothing
	when := dev.GetString("revoked_at")
	if res := revoke(t, srv, tt.Secretariat, lost.Device); res.Status != 200 || device(t, srv.App, lost.Device).GetString("revoked_at") != when {
		t.Errorf("second revoke: %d %s", res.Status, res.Body)
	}

	// the officer's other phone is untouched, realtime included
	if res := srv.Do(t, http.MethodGet, activitiesURL, spare.Token, nil); res.Status != 200 {
		t.Errorf("spare phone: %d", res.Status)
	}
	body["id"] = "sparephonerecord"
	if res := srv.Do(t, http.MethodPost, activitiesURL, spare.Token, body); res.Status != 200 {
		t.Errorf("spare phone write: %d %s", res.Status, res.Body)
	}
	if ev := spareRT.Next(t); ev["record"].(map[string]any)["id"] != "sparephonerecord" {
		t.Errorf("spare phone event %v", ev)
	}
}

func TestWhoMayRevoke(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	cases := []struct {
		by, owner, enroller string
	}{
		{tt.VerifierA, tt.OfficerA2, tt.VerifierA},
		{tt.Secretariat, tt.OfficerB, tt.VerifierB},
		{tt.Secretariat, tt.VerifierA, tt.Secretariat},
		{tt.SuperuserEmail, tt.OfficerA, tt.VerifierA},
	}
	for _, c := range cases {
		p := newPhone(t, srv, c.enroller, c.owner)
		if res := revoke(t, srv, c.by, p.Device); res.Status != 200 {
			t.Errorf("%s revoking %s's phone: %d %s", c.by, c.owner, res.Status, res.Body)
		}
	}
	dev := newPhone(t, srv, tt.Secretariat, tt.VerifierB)
	// verifier B's account is outside verifier A's regency: as if unknown
	wantRefused(t, "verifier revoking another regency's verifier", revoke(t, srv, tt.VerifierA, dev.Device), 404, "id", devices.CodeNotFound)
	wantRefused(t, "verifier revoking itself", revoke(t, srv, tt.VerifierB, dev.Device), 403, "user", devices.CodeForbiddenRole)
	if rec := device(t, srv.App, dev.Device); !rec.GetDateTime("revoked_at").IsZero() {
		t.Error("refused revocation revoked")
	}
	su := device(t, srv.App, newPhone(t, srv, tt.VerifierA, tt.OfficerA).Device)
	revoke(t, srv, tt.SuperuserEmail, su.Id)
	if su = device(t, srv.App, su.Id); su.GetString("revoked_by_superuser") == "" || su.GetString("revoked_by") != "" {
		t.Errorf("superuser revocation not recorded: %v", su.FieldsData())
	}
}

// TestDeactivatedUserLosesAllDevices: the verifier deactivates an officer;
// each of its phones is refused at once, revoked for good (reactivating the
// account does not bring them back) and its realtime streams end.
func TestDeactivatedUserLosesAllDevices(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p1 := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	p2 := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	neighbour := newPhone(t, srv, tt.VerifierA, tt.OfficerA2)
	rt := tt.ConnectRealtime(t, srv)
	if res := rt.Subscribe(t, p1.Token, "activities"); res.Status != 204 {
		t.Fatalf("subscribe: %d", res.Status)
	}
	plain := tt.ConnectRealtime(t, srv)
	if res := plain.Subscribe(t, tt.Token(t, srv.App, tt.OfficerA), "activities"); res.Status != 204 {
		t.Fatalf("subscribe: %d", res.Status)
	}
	res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.VerifierA), map[string]any{"deactivated": true})
	if res.Status != 200 {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}
	for i, p := range []*phone{p1, p2} {
		wantRefused(t, "device token", srv.Do(t, http.MethodGet, activitiesURL, p.Token, nil), 401, "token", devices.CodeUserDeactivated)
		wantRefused(t, "refresh", p.refresh(t, srv), 401, "refreshToken", devices.CodeUserDeactivated)
		if dev := device(t, srv.App, p.Device); dev.GetString("revoked_reason") != devices.ReasonUserDeactivated {
			t.Errorf("phone %d: %v", i, dev.FieldsData())
		}
	}
	if !rt.WaitClosed() || !plain.WaitClosed() {
		t.Fatal("a deactivated user's realtime stream is still open")
	}
	if res := srv.Do(t, http.MethodGet, activitiesURL, neighbour.Token, nil); res.Status != 200 {
		t.Errorf("another officer's phone: %d", res.Status)
	}
	// reactivation does not revive the phones: they need a new enrollment
	res = srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.VerifierA), map[string]any{"deactivated": false})
	if res.Status != 200 {
		t.Fatalf("reactivate: %d %s", res.Status, res.Body)
	}
	wantRefused(t, "after reactivation", srv.Do(t, http.MethodGet, activitiesURL, p1.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	newPhone(t, srv, tt.VerifierA, tt.OfficerA)
}

// TestDeactivationInGoCodeRevokesToo: the model hook covers every path,
// not only the REST API (admin UI, console commands, Go code).
func TestDeactivationInGoCodeRevokesToo(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	u, _ := srv.App.FindRecordById(catalog.Users, tt.UserID(tt.OfficerA))
	u.Set("deactivated", true)
	if err := srv.App.Save(u); err != nil {
		t.Fatal(err)
	}
	if dev := device(t, srv.App, p.Device); dev.GetDateTime("revoked_at").IsZero() {
		t.Error("not revoked")
	}
}

// TestReenrollingTheSameInstall: an app that was reinstalled (same client
// id) enrolls again; the old credentials of that install are revoked as
// replaced, and an unenrolled record that sync made for it is taken over.
func TestReenrollingTheSameInstall(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	if err := devices.Touch(srv.App, mustUser(t, srv, tt.OfficerA), devices.Contact{ClientID: "install-0001", AppVersion: "1.3.0"}); err != nil {
		t.Fatal(err)
	}
	seen, err := srv.App.FindFirstRecordByData(catalog.Devices, "client_id", "install-0001")
	if err != nil {
		t.Fatal(err)
	}
	act := func() *phone {
		code := str(mustEnroll(t, srv, tt.VerifierA, tt.OfficerA)["code"])
		return phoneFrom(t, srv.Do(t, http.MethodPost, activateURL, "", map[string]any{"code": code, "name": "HP", "clientId": "install-0001", "appVersion": "1.4.0"}))
	}
	first := act()
	if first.Device != seen.Id {
		t.Errorf("sync's record %s not taken over by %s", seen.Id, first.Device)
	}
	second := act()
	if second.Device == first.Device {
		t.Fatal("same device")
	}
	old := device(t, srv.App, first.Device)
	if old.GetString("revoked_reason") != devices.ReasonReplaced || old.GetString("client_id") != "" {
		t.Errorf("old install: %v", old.FieldsData())
	}
	wantRefused(t, "replaced install", srv.Do(t, http.MethodGet, activitiesURL, first.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	if res := srv.Do(t, http.MethodGet, activitiesURL, second.Token, nil); res.Status != 200 {
		t.Errorf("new install: %d", res.Status)
	}
}
