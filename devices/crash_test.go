package devices_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"jangkau/internal/crashpoint"
	tt "jangkau/internal/testapp"
)

// An activation whose answer was lost (the server killed right after the
// commit) and that the phone sends again, with the same code and client
// id, gets the credentials of that activation: they work, and renew. (It
// got 409 code_used: the phone was enrolled with credentials it never
// received, and needed a new code.) Another install with the same code is
// still refused.
func TestActivationSentAgainAfterACrash(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	srv := tt.Serve(t, app)
	enr := srv.Do(t, http.MethodPost, "/api/devices/enrollments", tt.Token(t, app, tt.VerifierA), map[string]any{"user": tt.UserID(tt.OfficerA)})
	code, _ := enr.JSON()["code"].(string)
	if enr.Status != 200 || code == "" {
		t.Fatalf("enroll: %d %s", enr.Status, enr.Body)
	}
	if err := os.WriteFile(filepath.Join(app.DataDir(), "crash-code"), []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	tt.RunKilled(t, app, "TestActivationCrashChild", crashpoint.AfterCommit)

	again := srv.Do(t, http.MethodPost, "/api/devices/activate", "", activation(code, "install-1"))
	refresh, _ := again.JSON()["refreshToken"].(string)
	if again.Status != 200 || refresh == "" {
		t.Fatalf("the activation sent again: %d %s", again.Status, again.Body)
	}
	if r := srv.Do(t, http.MethodPost, "/api/devices/refresh", "", map[string]any{"refreshToken": refresh}); r.Status != 200 {
		t.Errorf("the credentials of the activation sent again do not renew: %d %s", r.Status, r.Body)
	}
	var enrolled int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM devices WHERE enrolled = 1").Row(&enrolled)
	if enrolled != 1 {
		t.Errorf("%d devices enrolled, want 1", enrolled)
	}
	if r := srv.Do(t, http.MethodPost, "/api/devices/activate", "", activation(code, "install-2")); r.Status != http.StatusConflict {
		t.Errorf("the code from another install: %d %s", r.Status, r.Body)
	}
	// once the phone renewed, the activation is not handed out again
	if r := srv.Do(t, http.MethodPost, "/api/devices/activate", "", activation(code, "install-1")); r.Status != http.StatusConflict {
		t.Errorf("the activation sent after a renewal: %d %s", r.Status, r.Body)
	}
}

func activation(code, clientID string) map[string]any {
	return map[string]any{"code": code, "clientId": clientID, "name": "HP Desa", "platform": "android", "appVersion": "1.4.0"}
}

func TestActivationCrashChild(t *testing.T) {
	app, srv := tt.CrashChild(t)
	code, err := os.ReadFile(filepath.Join(app.DataDir(), "crash-code"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Do(t, http.MethodPost, "/api/devices/activate", "", activation(string(code), "install-1"))
	t.Fatal("not killed")
}
