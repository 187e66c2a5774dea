package hooks_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"jangkau/apierr"
	"jangkau/hooks"
	tt "jangkau/internal/testapp"
)

// Accounts behind tokens are kept between requests (hooks/authcache.go);
// a change of the account still counts from its very next request.
func TestKeptAccountsFollowEveryChange(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	get := func() int { return srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0&limit=1", tok, nil).Status }
	for i := 0; i < 3; i++ { // kept from the first
		if s := get(); s != 200 {
			t.Fatalf("pull %d: %d", i, s)
		}
	}
	save := func(change func(user *core.Record)) { // a fresh copy each time
		user, err := srv.App.FindAuthRecordByEmail("users", tt.OfficerA)
		if err != nil {
			t.Fatal(err)
		}
		change(user)
		if err := srv.App.Save(user); err != nil {
			t.Fatal(err)
		}
	}
	save(func(u *core.Record) { u.Set("deactivated", true) })
	if s := get(); s != http.StatusUnauthorized {
		t.Fatalf("deactivated account: %d, want 401", s)
	}
	save(func(u *core.Record) { u.Set("deactivated", false) })
	if s := get(); s != 200 {
		t.Fatalf("reactivated account: %d", s)
	}
	// a new password ends every token issued before it
	save(func(u *core.Record) { u.SetPassword("another-password-123") })
	if s := get(); s != http.StatusUnauthorized {
		t.Fatalf("token from before the password change: %d, want 401", s)
	}
}

// findAuthRecord repeats PocketBase's token check to tell an unreadable
// account from an invalid token: it must accept and refuse exactly the
// tokens PocketBase does (an upgrade that changes them fails here).
func TestFindAuthRecordAgreesWithPocketBase(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	user, err := app.FindAuthRecordByEmail("users", tt.OfficerA)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(claims jwt.MapClaims, secret string, d time.Duration) string {
		tok, err := security.NewJWT(claims, secret, d)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	secret := user.TokenKey() + user.Collection().AuthToken.Secret
	claims := func(typ, coll, id string) jwt.MapClaims {
		return jwt.MapClaims{core.TokenClaimId: id, core.TokenClaimCollectionId: coll, core.TokenClaimType: typ, core.TokenClaimRefreshable: true}
	}
	valid, _ := user.NewAuthToken()
	super := tt.Token(t, app, tt.SuperuserEmail)
	file, _ := user.NewFileToken()
	activities, err := app.FindCollectionByNameOrId("activities")
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{
		"valid":              valid,
		"superuser":          super,
		"static":             sign(claims(core.TokenTypeAuth, user.Collection().Id, user.Id), secret, time.Hour),
		"file token":         file,
		"expired":            sign(claims(core.TokenTypeAuth, user.Collection().Id, user.Id), secret, -time.Minute),
		"wrong secret":       sign(claims(core.TokenTypeAuth, user.Collection().Id, user.Id), secret+"x", time.Hour),
		"unknown account":    sign(claims(core.TokenTypeAuth, user.Collection().Id, "nobodyhere12345"), secret, time.Hour),
		"unknown collection": sign(claims(core.TokenTypeAuth, "pbc_nothing", user.Id), secret, time.Hour),
		"not auth":           sign(claims(core.TokenTypeAuth, activities.Id, user.Id), secret, time.Hour),
		"no id":              sign(claims(core.TokenTypeAuth, user.Collection().Id, ""), secret, time.Hour),
		"by name":            sign(claims(core.TokenTypeAuth, "users", user.Id), secret, time.Hour),
		"garbage":            "not.a.token",
	}
	for name, tok := range tokens {
		want, wantErr := app.FindAuthRecordByToken(tok, core.TokenTypeAuth)
		got, err := hooks.FindAuthRecord(app, tok)
		if err != nil {
			t.Fatalf("%s: read error %v", name, err)
		}
		if (wantErr == nil) != (got != nil) || (got != nil && got.Id != want.Id) {
			t.Errorf("%s: PocketBase %v (%v), findAuthRecord %v", name, want, wantErr, got)
		}
	}
	if got, _ := hooks.FindAuthRecord(app, valid); got == nil || got.Id != user.Id {
		t.Fatalf("valid token: %v", got)
	}
}

// A valid token whose account cannot be read (the database failing or
// overloaded) is answered 503 with Retry-After, not 401, which would sign
// the phone's user out; a token that is not valid stays a 401 meanwhile.
func TestUnreadableAccountIsUnavailableNotUnauthorized(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA) // never used before: not kept
	user, err := srv.App.FindAuthRecordByEmail("users", tt.OfficerA)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := security.NewJWT(jwt.MapClaims{core.TokenClaimId: user.Id, core.TokenClaimCollectionId: user.Collection().Id,
		core.TokenClaimType: core.TokenTypeAuth}, user.TokenKey()+user.Collection().AuthToken.Secret, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	get := func(token string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/sync/pull?cursor=0&limit=1", nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct {
			Data map[string]struct{ Code string } `json:"data"`
		}
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res, body.Data["token"].Code
	}
	// the accounts' table out of reach: every read of an account fails
	if _, err := srv.App.NonconcurrentDB().NewQuery("ALTER TABLE users RENAME TO users_away").Execute(); err != nil {
		t.Fatal(err)
	}
	res, code := get(tok)
	if res.StatusCode != http.StatusServiceUnavailable || code != apierr.CodeAuthUnavailable || res.Header.Get("Retry-After") != "5" {
		t.Fatalf("unreadable account: %d %q Retry-After %q, want 503 %s 5", res.StatusCode, code, res.Header.Get("Retry-After"), apierr.CodeAuthUnavailable)
	}
	for name, bad := range map[string]string{"expired": expired, "garbage": "not.a.token"} {
		if res, _ := get(bad); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s token with the accounts unreadable: %d, want 401", name, res.StatusCode)
		}
	}
	if _, err := srv.App.NonconcurrentDB().NewQuery("ALTER TABLE users_away RENAME TO users").Execute(); err != nil {
		t.Fatal(err)
	}
	if res, _ := get(tok); res.StatusCode != http.StatusOK {
		t.Fatalf("account readable again: %d", res.StatusCode)
	}
	for name, bad := range map[string]string{"expired": expired, "garbage": "not.a.token"} {
		if res, _ := get(bad); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s token: %d, want 401", name, res.StatusCode)
		}
	}
}
