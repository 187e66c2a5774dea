package devices_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"jangkau/apierr"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

// A valid device token whose device or account cannot be read (the
// database failing or overloaded) is answered 503 with Retry-After, not
// 401, which would make the phone sign its user out; a refresh likewise.
// A token that is not valid stays a 401 meanwhile.
func TestUnreadableDeviceIsUnavailableNotUnauthorized(t *testing.T) {
	t.Parallel()
	srv := serveWithProbe(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	kid, key := signingKey(t, srv, "access")
	_, c := jwtParts(t, p.Token)
	claims := jwt.MapClaims(c)
	claims["exp"] = time.Now().Add(-time.Second).Unix()
	expired := signWith(t, jwt.SigningMethodHS256, kid, key, claims)
	parts := strings.Split(p.Token, ".")
	forged := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))

	do := func(method, path, token string, body string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	rename := func(from, to string) {
		if _, err := srv.App.NonconcurrentDB().NewQuery("ALTER TABLE " + from + " RENAME TO " + to).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	rename("devices", "devices_away")
	for _, r := range []struct{ what, method, path, token, body string }{
		{"pull", http.MethodGet, "/api/sync/pull?cursor=0&limit=1", p.Token, ""},
		{"custom route", http.MethodGet, "/api/probe", p.Token, ""},
		{"refresh", http.MethodPost, "/api/devices/refresh", "", `{"refreshToken":"` + p.Refresh + `"}`},
	} {
		res := do(r.method, r.path, r.token, r.body)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" {
			t.Errorf("%s with the devices unreadable: %d Retry-After %q, want 503 and 5", r.what, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	wantRefused(t, "unreadable", srv.Do(t, http.MethodGet, activitiesURL, p.Token, nil), http.StatusServiceUnavailable, "token", apierr.CodeAuthUnavailable)
	wantRefused(t, "expired, devices unreadable", srv.Do(t, http.MethodGet, activitiesURL, expired, nil), 401, "token", devices.CodeTokenExpired)
	wantRefused(t, "forged, devices unreadable", srv.Do(t, http.MethodGet, activitiesURL, forged, nil), 401, "token", devices.CodeTokenInvalid)
	rename("devices_away", "devices")
	if res := srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0&limit=1", p.Token, nil); res.Status != http.StatusOK {
		t.Fatalf("devices readable again: %d %s", res.Status, res.Body)
	}
	wantRefused(t, "expired", srv.Do(t, http.MethodGet, activitiesURL, expired, nil), 401, "token", devices.CodeTokenExpired)
	wantRefused(t, "forged", srv.Do(t, http.MethodGet, activitiesURL, forged, nil), 401, "token", devices.CodeTokenInvalid)
}
