package devices_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

// The refresh tokens of docs/devices.md against an attacker (issue 12,
// item 3): the retry window runs from the token's first use and never
// moves, and one token gives one new pair however many requests race.

func TestSecurityRefreshRetryWindowDoesNotSlide(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	start := time.Now().UTC()
	setClock(srv.App, start)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	first := phoneFrom(t, p.refresh(t, srv)) // first use of p's token: the window opens
	// replayed every 12 seconds, as the probe did
	for _, after := range []time.Duration{12 * time.Second, 24 * time.Second} {
		setClock(srv.App, start.Add(after))
		again := phoneFrom(t, p.refresh(t, srv))
		if again.Refresh != first.Refresh || again.Token != first.Token {
			t.Fatalf("replay after %s minted another pair", after)
		}
	}
	if gen := device(t, srv.App, p.Device).GetInt("refresh_gen"); gen != 2 {
		t.Fatalf("retries moved the generation to %d", gen)
	}
	setClock(srv.App, start.Add(36*time.Second))
	wantRefused(t, "replay 36 s after the first use", p.refresh(t, srv), 401, "refreshToken", devices.CodeRefreshReused)
	if dev := device(t, srv.App, p.Device); dev.GetString("revoked_reason") != devices.ReasonRefreshReuse {
		t.Fatalf("device not revoked after the window: %v", dev.FieldsData())
	}
	wantRefused(t, "the pair of the window after the revocation", first.refresh(t, srv), 401, "refreshToken", devices.CodeDeviceRevoked)
}

// TestSecurityConcurrentRefreshOnePair sends the same refresh token eight
// times at once, over real HTTP, several rounds: every answer is the same
// pair (or a refusal), the lineage moves one generation a round, and the
// device stays enrolled.
func TestSecurityConcurrentRefreshOnePair(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	const parallel = 8
	for round := 1; round <= 4; round++ {
		var wg sync.WaitGroup
		answers := make([]tt.Response, parallel)
		gate := make(chan struct{})
		for i := range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				answers[i] = p.refresh(t, srv)
			}()
		}
		close(gate)
		wg.Wait()
		pairs := map[string]bool{}
		var next *phone
		for _, res := range answers {
			if res.Status != 200 {
				// a refusal is allowed, but it must not be a revocation
				if res.Status == 401 && res.FieldError("refreshToken") == devices.CodeRefreshReused {
					t.Fatalf("round %d: a racing refresh revoked the device: %s", round, res.Body)
				}
				continue
			}
			next = phoneFrom(t, res)
			pairs[next.Refresh+" "+next.Token] = true
		}
		if len(pairs) != 1 {
			t.Fatalf("round %d: %d parallel refreshes of one token gave %d different pairs", round, parallel, len(pairs))
		}
		dev := device(t, srv.App, p.Device)
		if gen := dev.GetInt("refresh_gen"); gen != round+1 {
			t.Fatalf("round %d: generation %d, want %d", round, gen, round+1)
		}
		if !dev.GetDateTime("revoked_at").IsZero() {
			t.Fatalf("round %d: device revoked", round)
		}
		if res := srv.Do(t, http.MethodGet, activitiesURL, next.Token, nil); res.Status != 200 {
			t.Fatalf("round %d: the pair does not work: %d %s", round, res.Status, res.Body)
		}
		p = next
	}
}

// An enrollment code outlives no change of its account (issue 12, item 2):
// it is bound at issue to the role, area, regency, cluster and scope
// position, and refused (nothing written, the code not used up) once any
// of them changed or the account was deactivated, even if reactivated.
func TestSecurityEnrollmentCodeBoundToAccount(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	secretariat := tt.Token(t, srv.App, tt.Secretariat)
	patchUser := func(email string, body map[string]any) {
		t.Helper()
		if res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(email), secretariat, body); res.Status != 200 {
			t.Fatalf("patch %s: %d %s", email, res.Status, res.Body)
		}
	}
	cases := []struct {
		name, user string
		change     func()
		status     int
		code, says string
	}{
		{"officer made province secretariat", tt.OfficerA, func() {
			patchUser(tt.OfficerA, map[string]any{"role": "province_secretariat", "area": tt.Province})
		}, 409, devices.CodeAccountChanged, "role"},
		{"officer moved to another village", tt.OfficerA2, func() {
			patchUser(tt.OfficerA2, map[string]any{"area": tt.VillageA})
		}, 409, devices.CodeAccountChanged, "area"},
		{"task-force member moved to another cluster", tt.Taskforce, func() {
			patchUser(tt.Taskforce, map[string]any{"cluster": "prevention"})
		}, 409, devices.CodeAccountChanged, "cluster"},
		{"scope re-based (scope_seq moved alone)", tt.VerifierB, func() {
			u := mustUser(t, srv, tt.VerifierB)
			u.Set("scope_seq", u.GetInt("scope_seq")+1)
			if err := srv.App.Save(u); err != nil {
				t.Fatal(err)
			}
		}, 409, devices.CodeAccountChanged, "scope"},
		{"account deactivated", tt.OfficerB, func() {
			patchUser(tt.OfficerB, map[string]any{"deactivated": true})
		}, 403, devices.CodeUserDeactivated, "deactivated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := mustEnroll(t, srv, tt.Secretariat, c.user)
			c.change()
			devicesBefore := count(t, srv.App, "devices", "")
			for _, code := range []string{str(b["code"]), str(b["shortCode"])} {
				res := activate(t, srv, code)
				wantRefused(t, c.name, res, c.status, "code", c.code)
				if !strings.Contains(str(res.JSON()["message"]), c.says) {
					t.Errorf("%s: the message does not name the reason (%s): %s", c.name, c.says, res.Body)
				}
			}
			enr, err := srv.App.FindRecordById("device_enrollments", str(b["id"]))
			if err != nil || !enr.GetDateTime("used_at").IsZero() || count(t, srv.App, "devices", "") != devicesBefore {
				t.Errorf("%s: a refused activation wrote something", c.name)
			}
			// the QR image of the stale code is refused the same way
			status, _, _ := getRaw(t, srv, str(b["qr"]), secretariat)
			if status != c.status {
				t.Errorf("%s: QR of the stale code: %d", c.name, status)
			}
		})
	}

	// deactivated and reactivated: the code issued before stays void
	b := mustEnroll(t, srv, tt.VerifierA, tt.OfficerA2)
	patchUser(tt.OfficerA2, map[string]any{"deactivated": true})
	patchUser(tt.OfficerA2, map[string]any{"deactivated": false})
	wantRefused(t, "code of a reactivated account", activate(t, srv, str(b["code"])), 403, "code", devices.CodeUserDeactivated)
	// a code issued now works: the binding is to the account as it is
	newPhone(t, srv, tt.VerifierA, tt.OfficerA2)
}

// A device is enrolled for the reach its account had: a change of role,
// area or cluster revokes it on the next request (issue 12, item 2).
func TestSecurityDeviceRevokedWhenTheAccountChanges(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	other := newPhone(t, srv, tt.VerifierA, tt.OfficerA2)
	// a password session of the same user goes on with its new scope
	userTok := tt.Token(t, srv.App, tt.OfficerA)
	res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.Secretariat),
		map[string]any{"role": "province_secretariat", "area": tt.Province})
	if res.Status != 200 {
		t.Fatalf("promotion: %d %s", res.Status, res.Body)
	}
	wantRefused(t, "device of the promoted account", srv.Do(t, http.MethodGet, activitiesURL, p.Token, nil), 401, "token", devices.CodeDeviceRevoked)
	wantRefused(t, "its refresh token", p.refresh(t, srv), 401, "refreshToken", devices.CodeDeviceRevoked)
	if dev := device(t, srv.App, p.Device); dev.GetString("revoked_reason") != devices.ReasonAccountChanged {
		t.Errorf("revoked_reason %q", dev.GetString("revoked_reason"))
	}
	if res := srv.Do(t, http.MethodGet, activitiesURL, other.Token, nil); res.Status != 200 {
		t.Errorf("another user's phone: %d", res.Status)
	}
	if res := srv.Do(t, http.MethodGet, activitiesURL, userTok, nil); res.Status != 200 {
		t.Errorf("the user's password session: %d %s", res.Status, res.Body)
	}
}

// batchOf is an /api/batch body of one request.
func batchOf(method, url string, body map[string]any) map[string]any {
	return map[string]any{"requests": []any{map[string]any{"method": method, "url": url, "body": body}}}
}

// TestSecurityDeviceTokenNeverTouchesAccounts: a phone's device token (here
// the secretariat's own phone, whose user manages every account) changes
// no password, email or other sign-in data, manages no account and enrolls
// or revokes no device, on REST and on /api/batch (issue 12, item 2).
func TestSecurityDeviceTokenNeverTouchesAccounts(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.SuperuserEmail, tt.Secretariat)
	self := "/api/collections/users/records/" + tt.UserID(tt.Secretariat)
	other := "/api/collections/users/records/" + tt.UserID(tt.OfficerA)
	newPw := "stolen-phone-pw-1"
	writes := []struct {
		name, method, url string
		body              map[string]any
		field             string
	}{
		{"own password without oldPassword", http.MethodPatch, self, map[string]any{"password": newPw, "passwordConfirm": newPw}, "password"},
		{"own password with oldPassword", http.MethodPatch, self, map[string]any{"password": newPw, "passwordConfirm": newPw, "oldPassword": tt.Password}, "password"},
		{"own email", http.MethodPatch, self, map[string]any{"email": "thief@example.com"}, "email"},
		{"own emailVisibility", http.MethodPatch, self, map[string]any{"emailVisibility": true}, "emailVisibility"},
		{"own verified", http.MethodPatch, self, map[string]any{"verified": false}, "verified"},
		// tokenKey is hidden: PocketBase drops it from a non-superuser body, and the write is refused as any other
		{"own tokenKey", http.MethodPatch, self, map[string]any{"tokenKey": "0123456789abcdef0123456789abcdef0123456789"}, "token"},
		{"own name", http.MethodPatch, self, map[string]any{"name": "Nama Lain"}, "token"},
		{"another user's password", http.MethodPatch, other, map[string]any{"password": newPw, "passwordConfirm": newPw}, "password"},
		{"another user's role", http.MethodPatch, other, map[string]any{"role": "province_secretariat", "area": tt.Province}, "token"},
		{"a new account", http.MethodPost, "/api/collections/users/records", map[string]any{"email": "new@test.jangkau.id", "password": newPw,
			"passwordConfirm": newPw, "name": "Baru", "role": "village_officer", "area": tt.VillageA}, "password"},
	}
	for _, w := range writes {
		wantRefused(t, w.name, srv.Do(t, w.method, w.url, p.Token, w.body), 403, w.field, devices.CodeDeviceToken)
		res := srv.Do(t, http.MethodPost, "/api/batch", p.Token, batchOf(w.method, w.url, w.body))
		if res.Status < 400 || res.Status >= 500 || !strings.Contains(string(res.Body), devices.CodeDeviceToken) {
			t.Errorf("%s (batch): %d %s", w.name, res.Status, res.Body)
		}
	}
	for _, email := range []string{tt.Secretariat, tt.OfficerA} {
		u := mustUser(t, srv, email)
		if !u.ValidatePassword(tt.Password) || u.GetString("name") == "Nama Lain" || u.GetString("role") != mustRole(email) {
			t.Errorf("%s was changed through a device token", email)
		}
	}
	if count(t, srv.App, "users", "email = 'new@test.jangkau.id'") != 0 {
		t.Errorf("a device token created an account")
	}

	// PocketBase's own account routes that a phone has no business with
	wantRefused(t, "auth-refresh", srv.Do(t, http.MethodPost, "/api/collections/users/auth-refresh", p.Token, nil), 403, "token", devices.CodeDeviceToken)
	wantRefused(t, "request-email-change", srv.Do(t, http.MethodPost, "/api/collections/users/request-email-change", p.Token,
		map[string]any{"newEmail": "thief@example.com"}), 403, "token", devices.CodeDeviceToken)

	// devices are enrolled and revoked in the console, never by a phone
	victim := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	wantRefused(t, "enroll with a device token", srv.Do(t, http.MethodPost, enrollURL, p.Token, map[string]any{"user": tt.UserID(tt.OfficerA)}), 403, "token", devices.CodeDeviceToken)
	wantRefused(t, "revoke with a device token", srv.Do(t, http.MethodPost, "/api/devices/"+victim.Device+"/revoke", p.Token, nil), 403, "token", devices.CodeDeviceToken)
	pending := mustEnroll(t, srv, tt.Secretariat, tt.OfficerA2)
	if status, _, _ := getRaw(t, srv, str(pending["qr"]), p.Token); status != 403 {
		t.Errorf("QR with a device token: %d", status)
	}
	ft := srv.Do(t, http.MethodPost, "/api/files/token", p.Token, nil)
	if status, _, _ := getRaw(t, srv, str(pending["qr"])+"?token="+str(ft.JSON()["token"]), ""); status != 403 {
		t.Errorf("QR with a device's file token: %d", status)
	}
	if res := srv.Do(t, http.MethodGet, activitiesURL, victim.Token, nil); res.Status != 200 {
		t.Errorf("the other phone was touched: %d", res.Status)
	}
}

func mustRole(email string) string {
	for _, u := range tt.FixtureUsers {
		if u.Email == email {
			return u.Role
		}
	}
	return ""
}

// TestSecurityOwnPasswordNeedsTheOldOne: with a plain user token, changing
// one's own password takes the current one, also for the secretariat
// (whom PocketBase's manage rule would let skip it); managing another
// account does not.
func TestSecurityOwnPasswordNeedsTheOldOne(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	newPw := "a-new-password-1"
	// (bcrypt makes each password check slow: few variants, two accounts)
	for _, email := range []string{tt.Secretariat, tt.OfficerA} {
		tok := tt.Token(t, srv.App, email)
		self := "/api/collections/users/records/" + tt.UserID(email)
		body := map[string]any{"password": newPw, "passwordConfirm": newPw}
		wantRefused(t, email+" without oldPassword", srv.Do(t, http.MethodPatch, self, tok, body), 400, "oldPassword", "validation_invalid_old_password")
		res := srv.Do(t, http.MethodPost, "/api/batch", tok, batchOf(http.MethodPatch, self, body))
		if res.Status != 400 || !strings.Contains(string(res.Body), "validation_invalid_old_password") {
			t.Errorf("%s without oldPassword (batch): %d %s", email, res.Status, res.Body)
		}
		body["oldPassword"] = "wrong-password-9"
		wantRefused(t, email+" with a wrong oldPassword", srv.Do(t, http.MethodPatch, self, tok, body), 400, "oldPassword", "validation_invalid_old_password")
		if !mustUser(t, srv, email).ValidatePassword(tt.Password) {
			t.Fatalf("%s: password changed without the old one", email)
		}
		res = srv.Do(t, http.MethodPatch, self, tok, map[string]any{"password": newPw, "passwordConfirm": newPw, "oldPassword": tt.Password})
		if res.Status != 200 || !mustUser(t, srv, email).ValidatePassword(newPw) {
			t.Errorf("%s with the right old password: %d %s", email, res.Status, res.Body)
		}
	}
	// the secretariat still resets another account's password
	res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerB), tt.Token(t, srv.App, tt.Secretariat),
		map[string]any{"password": newPw, "passwordConfirm": newPw})
	if res.Status != 200 || !mustUser(t, srv, tt.OfficerB).ValidatePassword(newPw) {
		t.Errorf("secretariat resetting a password: %d %s", res.Status, res.Body)
	}
}

// TestSecurityFileTokenDiesWithTheDevice: a file token minted with a
// device token downloads photos only while the device is enrolled and
// active (issue 12, item 10); a password session's file token is not
// affected, and the download's audit entry names the device.
func TestSecurityFileTokenDiesWithTheDevice(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	res := tt.UploadPhoto(t, srv, "activities", tt.ActivityA, p.Token, "photo.jpg", tt.JPEG(t, 64, 48))
	photos, _ := res.JSON()["photos"].([]any)
	if res.Status != 200 || len(photos) != 1 {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	file := "/api/files/activities/" + tt.ActivityA + "/" + str(photos[0]) + "?thumb=100x100&token="
	byDevice := str(srv.Do(t, http.MethodPost, "/api/files/token", p.Token, nil).JSON()["token"])
	byPassword := str(srv.Do(t, http.MethodPost, "/api/files/token", tt.Token(t, srv.App, tt.OfficerA), nil).JSON()["token"])
	if status, _, _ := getRaw(t, srv, file+byDevice, ""); status != 200 {
		t.Fatalf("device's file token while enrolled: %d", status)
	}
	var seen bool
	for _, e := range tt.AuditEntries(t, srv.App, "view") {
		seen = seen || (e.Record == tt.ActivityA && e.Device == p.Device)
	}
	if !seen {
		t.Errorf("the photo view by the device's file token does not name the device")
	}

	if res := revoke(t, srv, tt.VerifierA, p.Device); res.Status != 200 {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	status, _, body := getRaw(t, srv, file+byDevice, "")
	if status != 401 || !strings.Contains(string(body), devices.CodeDeviceRevoked) {
		t.Errorf("device's file token after the revocation: %d %s", status, body)
	}
	// the claim cannot be stripped: a token without it fails PocketBase's signature check
	parts := strings.Split(byDevice, ".")
	_, claims := jwtParts(t, byDevice)
	delete(claims, "jangkauDevice")
	if status, _, _ := getRaw(t, srv, file+parts[0]+"."+b64json(t, claims)+"."+parts[2], ""); status != 404 {
		t.Errorf("stripped device claim: %d", status)
	}
	if status, _, _ := getRaw(t, srv, file+byPassword, ""); status != 200 {
		t.Errorf("a password session's file token: %d", status)
	}
}
