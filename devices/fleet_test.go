package devices_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

func fleet(t *testing.T, srv *tt.Server, who, query string) tt.Response {
	t.Helper()
	return srv.Do(t, http.MethodGet, "/api/devices"+query, tt.Token(t, srv.App, who), nil)
}

func fleetIDs(t *testing.T, res tt.Response) []string {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("fleet: %d %s", res.Status, res.Body)
	}
	return ids(res)
}

func sorted(s ...string) []string { slices.Sort(s); return s }

func setSync(t *testing.T, app core.App, id string, pull, push time.Time) {
	t.Helper()
	dev := device(t, app, id)
	if !pull.IsZero() {
		dev.Set("last_pull", pull)
	}
	if !push.IsZero() {
		dev.Set("last_push", push)
	}
	if err := app.Save(dev); err != nil {
		t.Fatal(err)
	}
}

func TestFleetList(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	day := 24 * time.Hour
	now := time.Now().UTC()
	setClock(srv.App, now.Add(-30*day)) // every phone enrolled a month ago
	a := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	a2 := newPhone(t, srv, tt.VerifierA, tt.OfficerA2)
	b := newPhone(t, srv, tt.VerifierB, tt.OfficerB)
	v := newPhone(t, srv, tt.Secretariat, tt.VerifierA)
	revoked := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	setClock(srv.App, now)
	if res := revoke(t, srv, tt.VerifierA, revoked.Device); res.Status != 200 {
		t.Fatal(res.Status)
	}
	// a synced yesterday (push), a2 ten days ago (pull), b never; v today
	setSync(t, srv.App, a.Device, now.Add(-5*day), now.Add(-1*day))
	setSync(t, srv.App, a2.Device, now.Add(-10*day), time.Time{})
	setSync(t, srv.App, v.Device, now, now)
	dev := device(t, srv.App, a.Device)
	dev.Set("queue_length", 7)
	dev.Set("app_version", "1.5.0")
	_ = srv.App.Save(dev)
	// an unenrolled install seen by sync with a plain user token
	if err := devices.Touch(srv.App, mustUser(t, srv, tt.OfficerB), devices.Contact{ClientID: "browser-0001", Pull: true}); err != nil {
		t.Fatal(err)
	}

	all := fleetIDs(t, fleet(t, srv, tt.Secretariat, ""))
	if len(all) != 6 {
		t.Fatalf("secretariat sees %d devices", len(all))
	}
	if got := fleetIDs(t, fleet(t, srv, tt.VerifierA, "")); !slices.Equal(got, sorted(a.Device, a2.Device, revoked.Device, v.Device)) {
		t.Errorf("verifier A sees %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.VerifierB, "")); len(got) != 2 || !slices.Contains(got, b.Device) {
		t.Errorf("verifier B sees %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.OfficerA, "")); !slices.Equal(got, sorted(a.Device, revoked.Device)) {
		t.Errorf("officer A sees %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.Taskforce, "")); len(got) != 0 {
		t.Errorf("task force sees %v", got)
	}
	if res := srv.Do(t, http.MethodGet, "/api/devices", "", nil); res.Status != 401 {
		t.Errorf("anonymous: %d", res.Status)
	}
	// the device token sees what its user sees
	a = phoneFrom(t, a.refresh(t, srv))
	if got := fleetIDs(t, srv.Do(t, http.MethodGet, "/api/devices", a.Token, nil)); !slices.Equal(got, sorted(a.Device, revoked.Device)) {
		t.Errorf("officer A's phone sees %v", got)
	}

	// stale: not revoked and no sync for N days (never synced counts from enrollment)
	if got := fleetIDs(t, fleet(t, srv, tt.Secretariat, "?stale=7")); !slices.Equal(got, sorted(a2.Device, b.Device)) {
		t.Errorf("stale=7: %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.VerifierA, "?stale=7")); !slices.Equal(got, []string{a2.Device}) {
		t.Errorf("verifier A stale=7: %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.Secretariat, "?stale=20")); !slices.Equal(got, []string{b.Device}) {
		t.Errorf("stale=20: %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.Secretariat, "?state=revoked")); !slices.Equal(got, []string{revoked.Device}) {
		t.Errorf("revoked: %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.Secretariat, "?state=unenrolled")); len(got) != 1 {
		t.Errorf("unenrolled: %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.Secretariat, "?regency=18.02&state=active")); !slices.Equal(got, []string{b.Device}) {
		t.Errorf("regency filter: %v", got)
	}
	if got := fleetIDs(t, fleet(t, srv, tt.VerifierA, "?regency=18.02")); len(got) != 0 {
		t.Errorf("a verifier's regency filter widened its scope: %v", got)
	}

	// what a row says
	res := fleet(t, srv, tt.VerifierA, "?user="+tt.UserID(tt.OfficerA)+"&state=active")
	items := res.JSON()["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("%s", res.Body)
	}
	row := items[0].(map[string]any)
	want := map[string]any{
		"id": a.Device, "state": "active", "appVersion": "1.5.0", "queueLength": 7.0, "daysSinceSync": 1.0,
		"userEmail": tt.OfficerA, "area": tt.VillageA, "areaName": "Hajimena", "districtName": "Natar", "regencyName": "Kabupaten Lampung Selatan",
	}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("%s = %v, want %v", k, row[k], v)
		}
	}
	if str(row["lastSync"]) != str(row["lastPush"]) || str(row["lastSync"]) == "" {
		t.Errorf("lastSync %v lastPush %v", row["lastSync"], row["lastPush"])
	}
	for _, secret := range []string{"refresh_hash", "refreshHash", "refresh_gen"} {
		if _, ok := row[secret]; ok {
			t.Errorf("%s exposed", secret)
		}
	}

	// paging
	res = fleet(t, srv, tt.Secretariat, "?perPage=2&page=2")
	if b := res.JSON(); b["totalItems"] != 6.0 || b["totalPages"] != 3.0 || len(b["items"].([]any)) != 2 {
		t.Errorf("paging: %s", res.Body)
	}
	// bad filters are named
	for q, field := range map[string]string{"?stale=abc": "stale", "?stale=0": "stale", "?state=lost": "state", "?perPage=-1": "perPage", "?page=x": "page"} {
		wantRefused(t, q, fleet(t, srv, tt.Secretariat, q), 400, field, devices.CodeInvalidValue)
	}
}

// TestDeviceRecordsHideCredentials: the devices collection is readable
// through the record API by the same scope; the refresh lineage is not.
func TestDeviceRecordsHideCredentials(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	for _, who := range []string{tt.OfficerA, tt.VerifierA, tt.Secretariat} {
		res := srv.Do(t, http.MethodGet, "/api/collections/devices/records/"+p.Device, tt.Token(t, srv.App, who), nil)
		if res.Status != 200 {
			t.Fatalf("%s: %d", who, res.Status)
		}
		if _, ok := res.JSON()["refresh_hash"]; ok {
			t.Errorf("%s sees the refresh hash", who)
		}
	}
	for _, col := range []string{"device_keys", "device_enrollments"} {
		for _, who := range []string{tt.OfficerA, tt.VerifierA, tt.Secretariat} {
			res := srv.Do(t, http.MethodGet, "/api/collections/"+col+"/records", tt.Token(t, srv.App, who), nil)
			if res.Status != 403 {
				t.Errorf("%s lists %s: %d %s", who, col, res.Status, res.Body)
			}
		}
	}
	// and nobody writes devices through the record API
	res := srv.Do(t, http.MethodPatch, "/api/collections/devices/records/"+p.Device, tt.Token(t, srv.App, tt.VerifierA), map[string]any{"revoked_at": ""})
	if res.Status < 400 {
		t.Errorf("record API update: %d", res.Status)
	}
}
