package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"

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
