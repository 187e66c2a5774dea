package devices_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
	"jangkau/ratelimit"
)

const (
	activitiesURL = "/api/collections/activities/records"
	enrollURL     = "/api/devices/enrollments"
	activateURL   = "/api/devices/activate"
	refreshURL    = "/api/devices/refresh"
)

// phone is an activated device as the app on it would keep it.
type phone struct {
	Device, Token, Refresh string
	Body                   map[string]any
}

func enroll(t *testing.T, srv *tt.Server, by, user string) tt.Response {
	t.Helper()
	return srv.Do(t, http.MethodPost, enrollURL, tt.Token(t, srv.App, by), map[string]any{"user": tt.UserID(user)})
}

// mustEnroll returns the enrollment answer of by for user.
func mustEnroll(t *testing.T, srv *tt.Server, by, user string) map[string]any {
	t.Helper()
	res := enroll(t, srv, by, user)
	if res.Status != 200 {
		t.Fatalf("enroll %s by %s: %d %s", user, by, res.Status, res.Body)
	}
	return res.JSON()
}

func activate(t *testing.T, srv *tt.Server, code string) tt.Response {
	t.Helper()
	return srv.Do(t, http.MethodPost, activateURL, "", map[string]any{"code": code, "name": "HP Desa", "platform": "android", "appVersion": "1.4.0"})
}

func phoneFrom(t *testing.T, res tt.Response) *phone {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("activate/refresh: %d %s", res.Status, res.Body)
	}
	b := res.JSON()
	dev, _ := b["device"].(map[string]any)
	p := &phone{Token: str(b["token"]), Refresh: str(b["refreshToken"]), Body: b}
	if dev != nil {
		p.Device = str(dev["id"])
	}
	if p.Token == "" || p.Refresh == "" || p.Device == "" {
		t.Fatalf("incomplete credentials: %s", res.Body)
	}
	return p
}

// newPhone enrolls (by the enroller) and activates a phone of user.
func newPhone(t *testing.T, srv *tt.Server, by, user string) *phone {
	t.Helper()
	return phoneFrom(t, activate(t, srv, str(mustEnroll(t, srv, by, user)["code"])))
}

func (p *phone) refresh(t *testing.T, srv *tt.Server) tt.Response {
	t.Helper()
	return srv.Do(t, http.MethodPost, refreshURL, "", map[string]any{"refreshToken": p.Refresh})
}

func str(v any) string { s, _ := v.(string); return s }

func count(t *testing.T, app core.App, col, filter string, params ...dbx.Params) int {
	t.Helper()
	recs, err := app.FindRecordsByFilter(col, filter, "", 0, 0, params...)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

func device(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	rec, err := app.FindRecordById(catalog.Devices, id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// wantRefused checks a refusal: status, the field it names and its code,
// and a bilingual message.
func wantRefused(t *testing.T, what string, res tt.Response, status int, field, code string) {
	t.Helper()
	if res.Status != status || res.FieldError(field) != code {
		t.Errorf("%s: want %d %s=%s, got %d %s", what, status, field, code, res.Status, res.Body)
		return
	}
	data, _ := res.JSON()["data"].(map[string]any)
	fe, _ := data[field].(map[string]any)
	if msg := str(fe["message"]); !strings.Contains(msg, " / ") {
		t.Errorf("%s: message not bilingual: %q", what, msg)
	} else if top := str(res.JSON()["message"]); top != msg {
		// the person sees the top message; it says the same as the field's
		t.Errorf("%s: top message %q differs from the field's %q", what, top, msg)
	}
}

// setClock stops the app's device clock at a fixed time (in the
// millisecond precision the database keeps).
func setClock(app core.App, at time.Time) {
	at = at.Truncate(time.Millisecond)
	devices.SetClock(app, func() time.Time { return at })
}

// jwtParts splits a token into its decoded header and claims.
func jwtParts(t *testing.T, token string) (map[string]any, map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	dec := func(s string) map[string]any {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	return dec(parts[0]), dec(parts[1])
}

func b64json(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

func mustUser(t *testing.T, srv *tt.Server, email string) *core.Record {
	t.Helper()
	u, err := srv.App.FindAuthRecordByEmail(catalog.Users, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// raiseLimits lifts the rate limits of app (they stay on) for a test or
// benchmark that activates or refreshes more often from 127.0.0.1 than the
// defaults allow a real address; the limiter's own tests are in package
// ratelimit.
func raiseLimits(t testing.TB, app core.App) {
	t.Helper()
	s := app.Settings()
	ratelimit.Raise(s, 1_000_000)
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
}
