package commands_test

import (
	"net/http"
	"testing"

	"jangkau/commands"
	tt "jangkau/internal/testapp"
)

func TestDemoAccountsCanSignIn(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	for i := 0; i < 2; i++ { // running make demo twice is harmless
		if err := commands.SeedDemo(srv.App); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range commands.DemoAccounts {
		res := srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "",
			map[string]any{"identity": a.Email, "password": commands.DemoPassword})
		if res.Status != 200 {
			t.Fatalf("%s: %d %s", a.Email, res.Status, res.Body)
		}
		rec := res.JSON()["record"].(map[string]any)
		if rec["role"] != a.Role || rec["area"] != a.Area {
			t.Errorf("%s: role %v area %v", a.Email, rec["role"], rec["area"])
		}
	}
	res := srv.Do(t, http.MethodPost, "/api/collections/_superusers/auth-with-password", "",
		map[string]any{"identity": commands.DemoSuperuser, "password": commands.DemoPassword})
	if res.Status != 200 {
		t.Fatalf("superuser: %d %s", res.Status, res.Body)
	}
	// the village officer sees the 2,896 areas
	tok := tt.Token(t, srv.App, commands.DemoAccounts[0].Email)
	list := srv.Do(t, http.MethodGet, "/api/collections/areas/records?perPage=1", tok, nil)
	if n, _ := list.JSON()["totalItems"].(float64); n != 2896 {
		t.Errorf("areas visible: %v", n)
	}
}
