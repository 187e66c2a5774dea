package accounts_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"jangkau/access"
	"jangkau/accounts"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/notify"
)

func login(t *testing.T, srv *tt.Server, email, password string) tt.Response {
	t.Helper()
	return srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]any{"identity": email, "password": password})
}

type auditLine struct {
	User    string `db:"user"`
	Changes string `db:"changes"`
}

func userAudit(t *testing.T, srv *tt.Server, id string) []auditLine {
	t.Helper()
	var out []auditLine
	if err := srv.App.DB().NewQuery(`SELECT user, changes FROM audit_log WHERE action = 'update' AND target_collection = 'users'
		AND record = {:id} ORDER BY rowid`).Bind(dbx.Params{"id": id}).All(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A verifier resets the password of an officer without e-mail access: the
// officer signs in with the one-time password, can do nothing but change
// it, and works normally afterwards; both steps are in the audit trail.
func TestManagerResetThenChangeAtNextSignIn(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.UserID(tt.OfficerA)
	oldToken := tt.Token(t, srv.App, tt.OfficerA)

	res := srv.Do(t, http.MethodPost, "/api/accounts/"+officer+"/reset-password", tt.Token(t, srv.App, tt.VerifierA), nil)
	if res.Status != 200 {
		t.Fatalf("reset: %d %s", res.Status, res.Body)
	}
	pw, _ := res.JSON()["password"].(string)
	if len(pw) != 14 || strings.Count(pw, "-") != 2 {
		t.Fatalf("one-time password %q", pw)
	}
	// the officer's sessions ended with the old password
	// (an invalid token is a guest to PocketBase: a route that needs a session tells)
	if r := srv.Do(t, http.MethodGet, "/api/notify/notices", oldToken, nil); r.Status != 401 {
		t.Errorf("old session still works: %d", r.Status)
	}
	if r := login(t, srv, tt.OfficerA, tt.Password); r.Status != 400 {
		t.Errorf("old password still signs in: %d", r.Status)
	}
	in := login(t, srv, tt.OfficerA, pw)
	if in.Status != 200 {
		t.Fatalf("one-time password refused: %d %s", in.Status, in.Body)
	}
	tok, _ := in.JSON()["token"].(string)
	rec, _ := in.JSON()["record"].(map[string]any)
	if rec[accounts.FieldMustChange] != true {
		t.Errorf("the sign-in does not tell the app to ask for a new password: %v", rec)
	}
	// every API but the change of password refuses it
	for _, p := range []string{"/api/collections/activities/records", "/api/sync/pull?cursor=0", "/api/notify/notices", "/api/collections/users/records/" + officer} {
		r := srv.Do(t, http.MethodGet, p, tok, nil)
		if r.Status != 403 || r.FieldError("password") != accounts.CodeMustChange {
			t.Errorf("GET %s before the change: %d %s", p, r.Status, r.Body)
		}
	}
	if r := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+officer, tok, map[string]any{"name": "x"}); r.Status != 403 {
		t.Errorf("PATCH own account before the change: %d", r.Status)
	}
	if r := srv.Do(t, http.MethodPost, "/api/collections/users/auth-refresh", tok, nil); r.Status != 200 {
		t.Errorf("auth-refresh (tells the app the flag): %d %s", r.Status, r.Body)
	}
	// bad changes name their field
	bad := []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"oldPassword": "wrong", "password": "kata-sandi-baru-1", "passwordConfirm": "kata-sandi-baru-1"}, "oldPassword"},
		{map[string]any{"oldPassword": pw, "password": "pendek", "passwordConfirm": "pendek"}, "password"},
		{map[string]any{"oldPassword": pw, "password": "kata-sandi-baru-1", "passwordConfirm": "kata-sandi-baru-2"}, "passwordConfirm"},
		{map[string]any{"oldPassword": pw, "password": pw, "passwordConfirm": pw}, "password"},
	}
	for _, b := range bad {
		r := srv.Do(t, http.MethodPost, accounts.ChangePasswordPath, tok, b.body)
		if r.Status != 400 || r.FieldError(b.field) == "" || !strings.Contains(string(r.Body), " / ") {
			t.Errorf("%v: %d %s (want a bilingual error on %s)", b.body, r.Status, r.Body, b.field)
		}
	}
	ch := srv.Do(t, http.MethodPost, accounts.ChangePasswordPath, tok, map[string]any{"oldPassword": pw, "password": "kata-sandi-baru-1", "passwordConfirm": "kata-sandi-baru-1"})
	if ch.Status != 200 {
		t.Fatalf("change: %d %s", ch.Status, ch.Body)
	}
	newTok, _ := ch.JSON()["token"].(string)
	if r := srv.Do(t, http.MethodGet, "/api/collections/activities/records", newTok, nil); r.Status != 200 {
		t.Errorf("after the change, the new session: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, http.MethodGet, "/api/notify/notices", tok, nil); r.Status != 401 {
		t.Error("the one-time session survived the change")
	}
	if r := login(t, srv, tt.OfficerA, "kata-sandi-baru-1"); r.Status != 200 {
		t.Errorf("new password: %d", r.Status)
	}
	// audit: the reset by the verifier, the change by the officer
	lines := userAudit(t, srv, officer)
	if len(lines) != 2 || lines[0].User != tt.UserID(tt.VerifierA) || !strings.Contains(lines[0].Changes, `"must_change_password":[false,true]`) ||
		lines[1].User != officer || !strings.Contains(lines[1].Changes, `"must_change_password":[true,false]`) || !strings.Contains(lines[1].Changes, "password_changed") {
		t.Errorf("audit trail: %+v", lines)
	}
	for _, l := range lines {
		if strings.Contains(l.Changes, pw) || strings.Contains(l.Changes, "kata-sandi-baru-1") {
			t.Errorf("a password in the audit trail: %s", l.Changes)
		}
	}
	// in-app notices: reset, then changed
	notify.Wait()
	var kinds []string
	if err := srv.App.DB().NewQuery("SELECT title_en FROM notices WHERE user = {:u} AND kind = 'password' ORDER BY rowid").
		Bind(dbx.Params{"u": officer}).Column(&kinds); err != nil {
		t.Fatal(err)
	}
	if strings.Join(kinds, "|") != "Your password was reset|Your password was changed" {
		t.Errorf("notices: %v", kinds)
	}
}

// Resets follow the policy table: within the caller's scope only, never
// one's own account, never by a client
// setting the flag itself.
func TestResetScope(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	// every caller x every account, against the policy table (one app per
	// caller: a reset ends the sessions of the account it resets)
	for _, c := range tt.FixtureUsers {
		csrv := tt.NewServer(t)
		caller, err := csrv.App.FindAuthRecordByEmail(catalog.Users, c.Email)
		if err != nil {
			t.Fatal(err)
		}
		tok := tt.Token(t, csrv.App, c.Email)
		for _, u := range tt.FixtureUsers {
			target, _ := csrv.App.FindAuthRecordByEmail(catalog.Users, u.Email)
			r := csrv.Do(t, http.MethodPost, "/api/accounts/"+target.Id+"/reset-password", tok, nil)
			want := 200
			switch v := access.CheckManaged(access.ActorOf(caller), target); {
			case target.Id == caller.Id:
				want = 400 // itself: change, not reset
			case v == access.ManageNotInArea || !access.AccountInArea(access.ActorOf(caller), target):
				want = 404 // outside its area, whatever its role: as if absent
			case v != access.ManageOK:
				want = 403
			}
			if r.Status != want {
				t.Errorf("%s resets %s: %d %s (table: %d)", c.Email, u.Email, r.Status, r.Body, want)
			}
		}
	}
	if r := srv.Do(t, http.MethodPost, "/api/accounts/nosuchuser0001/reset-password", tt.Token(t, srv.App, tt.Secretariat), nil); r.Status != 404 {
		t.Errorf("unknown account: %d", r.Status)
	}
	// a verifier naming the secretariat's account (a role it does not
	// manage, outside its regency) gets the unknown id's answer: nothing
	// tells that the id exists
	unknown := srv.Do(t, http.MethodPost, "/api/accounts/nosuchuser0001/reset-password", tt.Token(t, srv.App, tt.VerifierA), nil)
	other := srv.Do(t, http.MethodPost, "/api/accounts/"+tt.UserID(tt.Secretariat)+"/reset-password", tt.Token(t, srv.App, tt.VerifierA), nil)
	if unknown.Status != 404 || other.Status != unknown.Status || string(other.Body) != string(unknown.Body) {
		t.Errorf("an existing account outside the area: %d %s; an unknown id: %d %s", other.Status, other.Body, unknown.Status, unknown.Body)
	}
	if r := srv.Do(t, http.MethodPost, "/api/accounts/"+tt.UserID(tt.OfficerA)+"/reset-password", "", nil); r.Status != 401 {
		t.Errorf("anonymous: %d", r.Status)
	}
	// the flag is the server's: neither the user nor its manager clears or sets it by PATCH
	for _, who := range []string{tt.OfficerA, tt.VerifierA} {
		r := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, who), map[string]any{accounts.FieldMustChange: true})
		if r.Status != 400 || r.FieldError(accounts.FieldMustChange) != "server_owned" {
			t.Errorf("%s sets the flag by PATCH: %d %s", who, r.Status, r.Body)
		}
	}
}

// Changing one's own password needs the current one, and a password
// session (a phone's device token cannot).
func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.Secretariat)
	r := srv.Do(t, http.MethodPost, accounts.ChangePasswordPath, tok, map[string]any{"oldPassword": tt.Password, "password": "sekretariat-baru-2026", "passwordConfirm": "sekretariat-baru-2026"})
	if r.Status != 200 || r.JSON()["token"] == "" {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if login(t, srv, tt.Secretariat, "sekretariat-baru-2026").Status != 200 {
		t.Error("new password refused")
	}
	if r := srv.Do(t, http.MethodPost, accounts.ChangePasswordPath, "", map[string]any{}); r.Status != 401 {
		t.Errorf("anonymous change: %d", r.Status)
	}
}

// An account created with must_change_password (the console's default for
// a new account) changes the initial password at its first sign-in.
func TestInitialPasswordMustBeChanged(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	r := srv.Do(t, http.MethodPost, "/api/collections/users/records", tt.Token(t, srv.App, tt.VerifierA), map[string]any{
		"email": "baru@test.jangkau.id", "password": "sandi-awal-2026", "passwordConfirm": "sandi-awal-2026", "role": "village_officer",
		"area": tt.VillageA, "name": "Operator Baru", accounts.FieldMustChange: true})
	if r.Status != 200 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	in := login(t, srv, "baru@test.jangkau.id", "sandi-awal-2026")
	tok, _ := in.JSON()["token"].(string)
	if res := srv.Do(t, http.MethodGet, "/api/collections/activities/records", tok, nil); res.Status != 403 || res.FieldError("password") != accounts.CodeMustChange {
		t.Errorf("before the change: %d %s", res.Status, res.Body)
	}
	ch := srv.Do(t, http.MethodPost, accounts.ChangePasswordPath, tok, map[string]any{"oldPassword": "sandi-awal-2026", "password": "sandi sendiri 2026", "passwordConfirm": "sandi sendiri 2026"})
	newTok, _ := ch.JSON()["token"].(string)
	if res := srv.Do(t, http.MethodGet, "/api/collections/activities/records", newTok, nil); ch.Status != 200 || res.Status != 200 {
		t.Errorf("after the change: %d, then %d %s", ch.Status, res.Status, res.Body)
	}
}

// A password a manager sets through the REST API (PATCH without the old
// one, which the policy lets the secretariat and a verifier do for the
// accounts they manage) is a one-time password, as the reset route's:
// the officer must choose its own before anything else. The officer's own
// change (with oldPassword) clears the flag.
func TestPasswordSetByAManagerMustBeChanged(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.UserID(tt.OfficerA)
	set := "Manager-Set-Passw0rd"
	for _, manager := range []string{tt.VerifierA, tt.Secretariat} {
		res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+officer, tt.Token(t, srv.App, manager),
			map[string]any{"password": set, "passwordConfirm": set})
		if res.Status != 200 {
			t.Fatalf("%s sets the password: %d %s", manager, res.Status, res.Body)
		}
		in := login(t, srv, tt.OfficerA, set)
		if in.Status != 200 {
			t.Fatalf("the set password: %d %s", in.Status, in.Body)
		}
		if rec, _ := in.JSON()["record"].(map[string]any); rec[accounts.FieldMustChange] != true {
			t.Errorf("after %s set it, the sign-in does not ask for a new password: %v", manager, rec)
		}
		tok, _ := in.JSON()["token"].(string)
		if r := srv.Do(t, http.MethodGet, "/api/collections/activities/records", tok, nil); r.Status != 403 || r.FieldError("password") != accounts.CodeMustChange {
			t.Errorf("after %s set it, the officer works without changing it: %d %s", manager, r.Status, r.Body)
		}
		own := "Officer-Own-Passw0rd"
		r := srv.Do(t, http.MethodPost, accounts.ChangePasswordPath, tok, map[string]any{"oldPassword": set, "password": own, "passwordConfirm": own})
		if r.Status != 200 {
			t.Fatalf("the officer's change: %d %s", r.Status, r.Body)
		}
		if in := login(t, srv, tt.OfficerA, own); in.JSON()["record"].(map[string]any)[accounts.FieldMustChange] != false {
			t.Errorf("the officer's own password still must be changed")
		}
	}
}
