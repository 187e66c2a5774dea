package devices_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"jangkau/catalog"
	"jangkau/devices"
	"jangkau/hooks"
	tt "jangkau/internal/testapp"
)

// serveWithProbe serves a fresh app with one extra custom route that shows
// what a handler sees: the auth record and devices.FromRequest.
func serveWithProbe(t *testing.T) *tt.Server {
	t.Helper()
	app := tt.New(t)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/probe", func(e *core.RequestEvent) error {
			auth := ""
			if e.Auth != nil {
				auth = e.Auth.Id
			}
			return e.JSON(200, map[string]any{"auth": auth, "device": devices.FromRequest(e)})
		})
		return se.Next()
	})
	return tt.Serve(t, app)
}

func ids(res tt.Response) []string {
	items, _ := res.JSON()["items"].([]any)
	var out []string
	for _, it := range items {
		out = append(out, str(it.(map[string]any)["id"]))
	}
	slices.Sort(out)
	return out
}

func TestDeviceTokenIsTheUserWithTheDevice(t *testing.T) {
	t.Parallel()
	srv := serveWithProbe(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	userTok := tt.Token(t, srv.App, tt.OfficerA)

	// a custom route sees the user as e.Auth and the device beside it
	res := srv.Do(t, http.MethodGet, "/api/probe", p.Token, nil)
	if b := res.JSON(); b["auth"] != tt.UserID(tt.OfficerA) || b["device"] != p.Device {
		t.Fatalf("probe with device token: %s", res.Body)
	}
	res = srv.Do(t, http.MethodGet, "/api/probe", "Bearer "+p.Token, nil)
	if b := res.JSON(); b["device"] != p.Device {
		t.Fatalf("Bearer prefix: %s", res.Body)
	}
	res = srv.Do(t, http.MethodGet, "/api/probe", userTok, nil)
	if b := res.JSON(); b["auth"] != tt.UserID(tt.OfficerA) || b["device"] != "" {
		t.Fatalf("probe with user token: %s", res.Body)
	}

	// exactly the user's scope on every collection, for reading ...
	for _, col := range []string{catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms, catalog.CaseAggregates, catalog.Users, catalog.Devices} {
		url := "/api/collections/" + col + "/records?perPage=500"
		byDevice, byUser := srv.Do(t, http.MethodGet, url, p.Token, nil), srv.Do(t, http.MethodGet, url, userTok, nil)
		if byDevice.Status != byUser.Status || !slices.Equal(ids(byDevice), ids(byUser)) {
			t.Errorf("%s: device %d %v, user %d %v", col, byDevice.Status, ids(byDevice), byUser.Status, ids(byUser))
		}
	}
	if got := ids(srv.Do(t, http.MethodGet, activitiesURL, p.Token, nil)); !slices.Equal(got, []string{tt.ActivityA}) {
		t.Errorf("officer A's device sees %v", got)
	}
	// ... and for writing: the server derives the author from the device's user
	body := tt.Activity(tt.VillageA)
	body["id"] = "devicewrite00001"
	if res := srv.Do(t, http.MethodPost, activitiesURL, p.Token, body); res.Status != 200 {
		t.Fatalf("create by device: %d %s", res.Status, res.Body)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, "devicewrite00001")
	if rec.GetString("created_by") != tt.UserID(tt.OfficerA) {
		t.Errorf("created_by %q", rec.GetString("created_by"))
	}
	outside := tt.Activity(tt.VillageB)
	outside["id"] = "devicewrite00002"
	if res := srv.Do(t, http.MethodPost, activitiesURL, p.Token, outside); res.Status != 400 || res.FieldError("village") != "not_your_area" {
		t.Errorf("device wrote outside the user's village: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodGet, activitiesURL+"/"+tt.ActivityB, p.Token, nil); res.Status != 404 {
		t.Errorf("device viewed another village's record: %d", res.Status)
	}
	// batch runs as the user too
	batch := map[string]any{"requests": []any{map[string]any{"method": "POST", "url": activitiesURL,
		"body": map[string]any{"id": "devicebatch00001", "village": tt.VillageA, "title": "Sosialisasi", "start_date": "2025-03-10 08:00:00.000Z",
			"type": "sosialisasi", "mode": "luring", "venue": "Balai desa", "status": "draft"}}}}
	if res := srv.Do(t, http.MethodPost, "/api/batch", p.Token, batch); res.Status != 200 {
		t.Errorf("batch by device: %d %s", res.Status, res.Body)
	}
}

func TestDeviceTokenMisuse(t *testing.T) {
	t.Parallel()
	srv := serveWithProbe(t)
	b := mustEnroll(t, srv, tt.VerifierA, tt.OfficerA2)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	parts := strings.Split(p.Token, ".")
	_, claims := jwtParts(t, p.Token)
	claims["sub"] = tt.UserID(tt.Secretariat)
	kid, key := signingKey(t, srv, "access")
	refreshKid, refreshKey := signingKey(t, srv, "refresh")
	mc := func(over map[string]any) jwt.MapClaims {
		_, c := jwtParts(t, p.Token)
		m := jwt.MapClaims(c)
		for k, v := range over {
			m[k] = v
		}
		return m
	}
	bad := []struct{ name, token, code string }{
		{"refresh token as access token", p.Refresh, devices.CodeTokenInvalid},
		{"enrollment code as access token", str(b["code"]), devices.CodeTokenInvalid},
		{"escalated subject", parts[0] + "." + b64json(t, claims) + "." + parts[2], devices.CodeTokenInvalid},
		{"alg none", b64json(t, map[string]any{"alg": "none", "typ": "JWT"}) + "." + parts[1] + ".", devices.CodeTokenInvalid},
		{"unknown alg", b64json(t, map[string]any{"alg": "XX999", "typ": "JWT"}) + "." + parts[1] + "." + parts[2], devices.CodeTokenInvalid},
		{"RS256 header", b64json(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": kid}) + "." + parts[1] + "." + parts[2], devices.CodeTokenInvalid},
		{"HS512 with the real key", signWith(t, jwt.SigningMethodHS512, kid, key, mc(nil)), devices.CodeTokenInvalid},
		{"refresh key", signWith(t, jwt.SigningMethodHS256, refreshKid, refreshKey, mc(nil)), devices.CodeTokenInvalid},
		{"real key, other user's device", signWith(t, jwt.SigningMethodHS256, kid, key, mc(map[string]any{"sub": tt.UserID(tt.Secretariat)})), devices.CodeTokenInvalid},
		{"real key, unknown device", signWith(t, jwt.SigningMethodHS256, kid, key, mc(map[string]any{"dev": "nosuchdevice001"})), devices.CodeTokenInvalid},
		{"expired", signWith(t, jwt.SigningMethodHS256, kid, key, mc(map[string]any{"exp": time.Now().Add(-time.Second).Unix()})), devices.CodeTokenExpired},
	}
	for _, c := range bad {
		// refused outright, not served as an anonymous (empty) answer
		wantRefused(t, c.name, srv.Do(t, http.MethodGet, activitiesURL, c.token, nil), 401, "token", c.code)
		wantRefused(t, c.name+" (custom route)", srv.Do(t, http.MethodGet, "/api/probe", c.token, nil), 401, "token", c.code)
	}
	// a device token cannot be swapped for a plain user token
	wantRefused(t, "auth-refresh", srv.Do(t, http.MethodPost, "/api/collections/users/auth-refresh", p.Token, nil), 403, "token", devices.CodeDeviceToken)
	// PocketBase's own tokens are untouched by the device middleware
	if res := srv.Do(t, http.MethodPost, "/api/collections/users/auth-refresh", tt.Token(t, srv.App, tt.OfficerA), nil); res.Status != 200 {
		t.Errorf("user auth-refresh: %d %s", res.Status, res.Body)
	}
}

func TestRefreshRotates(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	start := time.Now().UTC().Truncate(time.Second)
	setClock(srv.App, start)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	if exp := str(p.Body["tokenExpiresAt"]); !strings.HasPrefix(exp, start.Add(time.Hour).Format("2006-01-02 15:04:05")) {
		t.Errorf("token expiry %q", exp)
	}
	if exp := str(p.Body["refreshExpiresAt"]); !strings.HasPrefix(exp, start.Add(120*24*time.Hour).Format("2006-01-02 15:04:05")) {
		t.Errorf("refresh expiry %q", exp)
	}
	setClock(srv.App, start.Add(time.Minute))
	next := phoneFrom(t, p.refresh(t, srv))
	if next.Device != p.Device || next.Refresh == p.Refresh || next.Token == p.Token {
		t.Fatalf("refresh did not rotate: %+v", next)
	}
	if res := srv.Do(t, http.MethodGet, activitiesURL, next.Token, nil); res.Status != 200 {
		t.Fatalf("new token: %d", res.Status)
	}
	if gen := device(t, srv.App, p.Device).GetInt("refresh_gen"); gen != 2 {
		t.Errorf("generation %d", gen)
	}
	// an expired access token sent along does not block the refresh
	setClock(srv.App, start.Add(3*time.Hour))
	res := srv.Do(t, http.MethodPost, refreshURL, next.Token, map[string]any{"refreshToken": next.Refresh})
	if res.Status != 200 {
		t.Fatalf("refresh with a stale Authorization header: %d %s", res.Status, res.Body)
	}
	for _, c := range []struct{ name, token string }{{"empty", ""}, {"garbage", "abc"}, {"access token", next.Token}} {
		wantRefused(t, c.name, srv.Do(t, http.MethodPost, refreshURL, "", map[string]any{"refreshToken": c.token}), 401, "refreshToken", devices.CodeRefreshInvalid)
	}
	if dev := device(t, srv.App, p.Device); dev.GetString("revoked_at") != "" {
		t.Errorf("invalid refresh tokens revoked the device")
	}
}

func TestRefreshTokenReuseRevokesTheDevice(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	start := time.Now().UTC()
	setClock(srv.App, start)
	p1 := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	other := newPhone(t, srv, tt.VerifierA, tt.OfficerA) // the user's second phone
	setClock(srv.App, start.Add(time.Hour))
	p2 := phoneFrom(t, p1.refresh(t, srv))
	setClock(srv.App, start.Add(2*time.Hour))
	p3 := phoneFrom(t, p2.refresh(t, srv))

	// a thief replays the first refresh token
	wantRefused(t, "reused refresh token", p1.refresh(t, srv), 401, "refreshToken", devices.CodeRefreshReused)
	dev := device(t, srv.App, p1.Device)
	if dev.GetDateTime("revoked_at").IsZero() || dev.GetString("revoked_reason") != devices.ReasonRefreshReuse {
		t.Fatalf("device not revoked: %v", dev.FieldsData())
	}
	// every credential of the device is dead now, the newest included
	wantRefused(t, "newest refresh after theft", p3.refresh(t, srv), 401, "refreshToken", devices.CodeDeviceRevoked)
	wantRefused(t, "newest token after theft", srv.Do(t, http.MethodGet, activitiesURL, p3.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	// the user's other phone is not affected
	other = phoneFrom(t, other.refresh(t, srv))
	if res := srv.Do(t, http.MethodGet, activitiesURL, other.Token, nil); res.Status != 200 {
		t.Errorf("other phone: %d %s", res.Status, res.Body)
	}
}

func TestRefreshRetryGrace(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	start := time.Now().UTC()
	setClock(srv.App, start)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	setClock(srv.App, start.Add(time.Hour))
	lost := phoneFrom(t, p.refresh(t, srv)) // the answer never reaches the phone
	// the phone retries within the grace and gets the very pair it lost
	setClock(srv.App, start.Add(time.Hour+devices.RefreshRetryGrace))
	retried := phoneFrom(t, p.refresh(t, srv))
	if retried.Refresh != lost.Refresh || retried.Token != lost.Token {
		t.Fatalf("a retry made a second pair")
	}
	if res := srv.Do(t, http.MethodGet, activitiesURL, retried.Token, nil); res.Status != 200 {
		t.Fatalf("after retry: %d", res.Status)
	}
	// once the new pair is used, the old token is a stale copy even
	// within the grace: whoever presents it is treated as a thief
	phoneFrom(t, retried.refresh(t, srv))
	wantRefused(t, "the old token after the new pair was used", p.refresh(t, srv), 401, "refreshToken", devices.CodeRefreshReused)

	// and outside the grace, the previous token revokes at once
	q := newPhone(t, srv, tt.VerifierA, tt.OfficerA2)
	setClock(srv.App, start.Add(2*time.Hour))
	phoneFrom(t, q.refresh(t, srv))
	setClock(srv.App, start.Add(2*time.Hour+devices.RefreshRetryGrace+time.Second))
	wantRefused(t, "previous token after the grace", q.refresh(t, srv), 401, "refreshToken", devices.CodeRefreshReused)
}

func TestForgedRefreshTokenChangesNothing(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	_, c := jwtParts(t, p.Refresh)
	c["gen"] = 0
	kid, _ := signingKey(t, srv, "refresh")
	foreign := []byte("0123456789abcdef0123456789abcdef0123456789abcdef")
	for name, tok := range map[string]string{
		"foreign key, old generation": signWith(t, jwt.SigningMethodHS256, kid, foreign, jwt.MapClaims(c)),
		"tampered generation":         strings.Split(p.Refresh, ".")[0] + "." + b64json(t, c) + "." + strings.Split(p.Refresh, ".")[2],
	} {
		wantRefused(t, name, srv.Do(t, http.MethodPost, refreshURL, "", map[string]any{"refreshToken": tok}), 401, "refreshToken", devices.CodeRefreshInvalid)
	}
	if dev := device(t, srv.App, p.Device); !dev.GetDateTime("revoked_at").IsZero() || dev.GetInt("refresh_gen") != 1 {
		t.Fatalf("forged tokens changed the device: %v", dev.FieldsData())
	}
	phoneFrom(t, p.refresh(t, srv))
}

// TestOfflineFor90Days is the phone of a village officer that activates,
// syncs (REST and the sync endpoints), lies in a drawer for 90 days,
// refreshes and syncs again without a password, and after 120 days without
// use needs a new enrollment.
func TestOfflineFor90Days(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	day := 24 * time.Hour
	start := time.Now().UTC()
	setClock(srv.App, start)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	write := func(id string, tok string) tt.Response {
		body := tt.Activity(tt.VillageA)
		body["id"] = id
		return srv.Do(t, http.MethodPost, activitiesURL, tok, body)
	}
	syncPush := func(id string, tok string) tt.Response {
		return srv.Do(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"queueLength": 0, "mutations": []any{
			map[string]any{"mutationId": id, "collection": "activities", "id": id, "op": "upsert", "data": syncActivity(id)}}})
	}
	if res := srv.Do(t, http.MethodGet, activitiesURL, p.Token, nil); res.Status != 200 {
		t.Fatalf("day 0 pull: %d", res.Status)
	}
	if res := write("offlinephone0001", p.Token); res.Status != 200 {
		t.Fatalf("day 0 push: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0", p.Token, nil); res.Status != 200 {
		t.Fatalf("day 0 sync pull: %d %s", res.Status, res.Body)
	}
	if res := syncPush("offlinesyncpush1", p.Token); res.Status != 200 || !strings.Contains(string(res.Body), `"applied"`) {
		t.Fatalf("day 0 sync push: %d %s", res.Status, res.Body)
	}

	setClock(srv.App, start.Add(90*day))
	wantRefused(t, "day 90 old token", srv.Do(t, http.MethodGet, activitiesURL, p.Token, nil), 401, "token", devices.CodeTokenExpired)
	old := p.Token
	p = phoneFrom(t, p.refresh(t, srv))
	if res := srv.Do(t, http.MethodGet, activitiesURL, p.Token, nil); res.Status != 200 || len(ids(res)) != 3 {
		t.Fatalf("day 90 pull: %d %s", res.Status, res.Body)
	}
	if res := write("offlinephone0002", p.Token); res.Status != 200 {
		t.Fatalf("day 90 push: %d %s", res.Status, res.Body)
	}
	wantRefused(t, "day 90 old token on sync", syncPush("offlinesyncpush0", old), 401, "token", devices.CodeTokenExpired)
	if res := srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0", p.Token, nil); res.Status != 200 || !strings.Contains(string(res.Body), "offlinesyncpush1") {
		t.Fatalf("day 90 sync pull: %d %s", res.Status, res.Body)
	}
	if res := syncPush("offlinesyncpush2", p.Token); res.Status != 200 || !strings.Contains(string(res.Body), `"applied"`) {
		t.Fatalf("day 90 sync push: %d %s", res.Status, res.Body)
	}
	// the window slides: 119 days after that refresh still works ...
	setClock(srv.App, start.Add((90+119)*day))
	p = phoneFrom(t, p.refresh(t, srv))
	// ... 121 days without any use does not
	setClock(srv.App, start.Add((90+119+121)*day))
	wantRefused(t, "after 121 days", p.refresh(t, srv), 401, "refreshToken", devices.CodeRefreshExpired)
	if dev := device(t, srv.App, p.Device); !dev.GetDateTime("revoked_at").IsZero() {
		t.Errorf("an expired refresh token revoked the device")
	}
}

// TestKeysSurviveRestart serves a second app on a copy of the first one's
// data: the credentials issued before the "restart" keep working.
func TestKeysSurviveRestart(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	pending := mustEnroll(t, srv, tt.VerifierA, tt.OfficerA2)
	app2, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: srv.App.DataDir(), EncryptionEnv: "pb_test_env"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app2.Cleanup)
	hooks.Register(app2)
	srv2 := tt.Serve(t, app2)
	if res := srv2.Do(t, http.MethodGet, activitiesURL, p.Token, nil); res.Status != 200 {
		t.Fatalf("token after restart: %d %s", res.Status, res.Body)
	}
	phoneFrom(t, p.refresh(t, srv2))
	phoneFrom(t, activate(t, srv2, str(pending["code"])))
}

// TestKeysAreGeneratedPerInstallation migrates a brand-new data dir: it
// gets its own random keys, one per purpose, none shared with another
// installation (here: the test template).
func TestKeysAreGeneratedPerInstallation(t *testing.T) {
	t.Parallel()
	tmpl := tt.NewServer(t)
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ClearBootstrap() })
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, purpose := range []string{"enrollment", "access", "refresh"} {
		rec, err := app.FindFirstRecordByData(catalog.DeviceKeys, "purpose", purpose)
		if err != nil {
			t.Fatalf("%s key: %v", purpose, err)
		}
		old, _ := tmpl.App.FindFirstRecordByData(catalog.DeviceKeys, "purpose", purpose)
		for _, s := range []string{rec.GetString("secret"), old.GetString("secret")} {
			if len(s) < 64 || seen[s] {
				t.Errorf("%s key short or shared", purpose)
			}
			seen[s] = true
		}
	}
}

// TestKeyRotation follows docs/devices.md: a new active key signs from the
// next request on, the old one verifies until its row is deleted.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	old := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	oldKid, _ := signingKey(t, srv, "access")
	col, _ := srv.App.FindCollectionByNameOrId(catalog.DeviceKeys)
	k := core.NewRecord(col)
	k.Set("purpose", "access")
	k.Set("secret", "bmV3LWFjY2Vzcy1rZXktZm9yLXJvdGF0aW9uLXRlc3QtMDEyMzQ1Njc4OQ")
	k.Set("active", true)
	if err := srv.App.Save(k); err != nil {
		t.Fatal(err)
	}
	fresh := newPhone(t, srv, tt.VerifierA, tt.OfficerA2)
	if h, _ := jwtParts(t, fresh.Token); h["kid"] != k.Id {
		t.Fatalf("new token signed with %v, want the new key %s", h["kid"], k.Id)
	}
	for _, p := range []*phone{old, fresh} {
		if res := srv.Do(t, http.MethodGet, activitiesURL, p.Token, nil); res.Status != 200 {
			t.Errorf("during rotation: %d", res.Status)
		}
	}
	oldKey, _ := srv.App.FindRecordById(catalog.DeviceKeys, oldKid)
	if err := srv.App.Delete(oldKey); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, "token of a deleted key", srv.Do(t, http.MethodGet, activitiesURL, old.Token, nil), 401, "token", devices.CodeTokenInvalid)
	if res := srv.Do(t, http.MethodGet, activitiesURL, fresh.Token, nil); res.Status != 200 {
		t.Errorf("new key: %d", res.Status)
	}
	// the old phone renews (the refresh key did not change) and is signed anew
	renewed := phoneFrom(t, old.refresh(t, srv))
	if res := srv.Do(t, http.MethodGet, activitiesURL, renewed.Token, nil); res.Status != 200 {
		t.Errorf("renewed: %d", res.Status)
	}
}
