package ratelimit_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"jangkau/hooks"
	tt "jangkau/internal/testapp"
	"jangkau/ratelimit"
)

// rule returns the default rule of label.
func rule(t *testing.T, label string, audience ...string) core.RateLimitRule {
	t.Helper()
	for _, r := range ratelimit.Defaults {
		if r.Label == label && (len(audience) == 0 || r.Audience == audience[0]) {
			return r
		}
	}
	t.Fatalf("no default rule %q", label)
	return core.RateLimitRule{}
}

// post sends a JSON POST and returns the answer with its headers.
func post(t *testing.T, srv *tt.Server, path, token string, body any) (tt.Response, http.Header) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return tt.Response{Status: res.StatusCode, Body: b}, res.Header
}

// wantLimited sends the request limit+1 times: the first limit answer
// anything but 429, the next is a bilingual 429 with Retry-After.
func wantLimited(t *testing.T, what string, limit int, send func(i int) (tt.Response, http.Header)) {
	t.Helper()
	for i := range limit {
		if res, _ := send(i); res.Status == 429 {
			t.Fatalf("%s: 429 already at request %d of %d", what, i+1, limit)
		}
	}
	res, h := send(limit)
	if res.Status != 429 || res.FieldError("request") != ratelimit.Code {
		t.Fatalf("%s: request %d: want 429 %s, got %d %s", what, limit+1, ratelimit.Code, res.Status, res.Body)
	}
	if msg, _ := res.JSON()["message"].(string); !strings.Contains(msg, " / ") {
		t.Errorf("%s: message not bilingual: %q", what, msg)
	}
	if h.Get("Retry-After") == "" {
		t.Errorf("%s: no Retry-After", what)
	}
}

// TestSecurityRateLimitsAreOnByDefault: a new installation has PocketBase's
// limiter switched on with Jangkau's rules, which the admin UI's Settings
// show (GET /api/settings).
func TestSecurityRateLimitsAreOnByDefault(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	res := srv.Do(t, http.MethodGet, "/api/settings", tt.Token(t, srv.App, tt.SuperuserEmail), nil)
	var s struct {
		RateLimits core.RateLimitsConfig `json:"rateLimits"`
	}
	if err := json.Unmarshal(res.Body, &s); err != nil || res.Status != 200 {
		t.Fatalf("settings: %d %s", res.Status, res.Body)
	}
	if !s.RateLimits.Enabled || !slices.Equal(s.RateLimits.Rules, ratelimit.Defaults) {
		t.Fatalf("rate limits as served: %+v", s.RateLimits)
	}
}

// TestSecurityGuessingMeets429 (issue 12, item 7): wrong user and superuser
// passwords, activation-code guesses, refresh-token guesses and a flood of
// sync requests from one address meet 429 after the default limits, and a
// right password or code gets no exception once the limit is reached.
func TestSecurityGuessingMeets429(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	login := func(col, email, password string) func(int) (tt.Response, http.Header) {
		return func(int) (tt.Response, http.Header) {
			return post(t, srv, "/api/collections/"+col+"/auth-with-password", "", map[string]any{"identity": email, "password": password})
		}
	}
	wantLimited(t, "wrong user passwords", rule(t, "users:authWithPassword").MaxRequests, login("users", tt.OfficerA, "wrong-password-1"))
	if res, _ := login("users", tt.OfficerA, tt.Password)(0); res.Status != 429 {
		t.Errorf("the right password within the window: %d", res.Status)
	}
	wantLimited(t, "wrong superuser passwords", rule(t, "_superusers:authWithPassword").MaxRequests, login("_superusers", tt.SuperuserEmail, "wrong-password-1"))

	wantLimited(t, "activation-code guesses", rule(t, "POST /api/devices/activate").MaxRequests, func(i int) (tt.Response, http.Header) {
		return post(t, srv, "/api/devices/activate", "", map[string]any{"code": "5B31-9FAF-" + string(rune('A'+i%20)) + "DZR", "name": "HP Desa"})
	})
	wantLimited(t, "refresh-token guesses", rule(t, "POST /api/devices/refresh").MaxRequests, func(int) (tt.Response, http.Header) {
		return post(t, srv, "/api/devices/refresh", "", map[string]any{"refreshToken": "eyJhbGciOiJIUzI1NiJ9.e30.x"})
	})
	verifier := tt.Token(t, srv.App, tt.VerifierA)
	wantLimited(t, "enrollments", rule(t, "POST /api/devices/enrollments").MaxRequests, func(int) (tt.Response, http.Header) {
		return post(t, srv, "/api/devices/enrollments", verifier, map[string]any{"user": tt.UserID(tt.OfficerA)})
	})
	wantLimited(t, "sync requests without a token", rule(t, "/api/sync/", core.RateLimitRuleAudienceGuest).MaxRequests, func(i int) (tt.Response, http.Header) {
		return post(t, srv, "/api/sync/push", "", map[string]any{"mutations": []any{}})
	})
	// The signed-in sync ceiling is high (a district behind one NAT must
	// pass); it is the same rule with its own label and audience: lowered
	// here through Settings, it limits a signed-in phone's loop.
	officer := tt.Token(t, srv.App, tt.OfficerA)
	lowered := srv.App.Settings().RateLimits
	for i := range lowered.Rules {
		if lowered.Rules[i].Label == "/api/sync/" && lowered.Rules[i].Audience == core.RateLimitRuleAudienceAuth {
			lowered.Rules[i].MaxRequests = 40
		}
	}
	if res := srv.Do(t, http.MethodPatch, "/api/settings", tt.Token(t, srv.App, tt.SuperuserEmail), map[string]any{"rateLimits": lowered}); res.Status != 200 {
		t.Fatalf("settings: %d %s", res.Status, res.Body)
	}
	wantLimited(t, "a signed-in phone's sync loop", 40, func(i int) (tt.Response, http.Header) {
		if i%2 == 0 {
			return post(t, srv, "/api/sync/push", officer, map[string]any{"mutations": []any{}})
		}
		return post(t, srv, "/api/sync/watermelon", officer, map[string]any{"changes": map[string]any{}, "lastPulledAt": 0})
	})

	// An operator's change of Settings applies at once (the admin UI
	// saves through the same route).
	su := tt.Token(t, srv.App, tt.SuperuserEmail)
	s := srv.App.Settings().RateLimits
	for i := range s.Rules {
		if s.Rules[i].Label == "POST /api/devices/refresh" {
			s.Rules[i].MaxRequests = 1000
		}
	}
	if res := srv.Do(t, http.MethodPatch, "/api/settings", su, map[string]any{"rateLimits": s}); res.Status != 200 {
		t.Fatalf("settings: %d %s", res.Status, res.Body)
	}
	if res, _ := post(t, srv, "/api/devices/refresh", "", map[string]any{"refreshToken": "x"}); res.Status != 401 {
		t.Errorf("after raising the limit: %d %s", res.Status, res.Body)
	}
}

// restart opens a copy of app's data dir as a new app and runs the
// migrations not yet applied, as starting the server does.
func restart(t *testing.T, app core.App, before func(core.App)) *tests.TestApp {
	t.Helper()
	app2, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: app.DataDir(), EncryptionEnv: "pb_test_env"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app2.Cleanup)
	hooks.Register(app2)
	if before != nil {
		before(app2)
	}
	if err := app2.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	return app2
}

// TestRateLimitDefaultsKeepTheOperatorsSettings: the defaults are set once;
// an operator's later edits survive restarts, and an installation whose
// operator had edited the limits before the upgrade keeps its switch and
// rules, gaining only the missing default rules.
func TestRateLimitDefaultsKeepTheOperatorsSettings(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	s := app.Settings()
	s.RateLimits.Enabled = false
	s.RateLimits.Rules = []core.RateLimitRule{{Label: "users:authWithPassword", MaxRequests: 3, Duration: 600}}
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	after := restart(t, app, nil).Settings().RateLimits
	if after.Enabled || len(after.Rules) != 1 || after.Rules[0].MaxRequests != 3 {
		t.Fatalf("a restart changed the operator's limits: %+v", after)
	}

	// the migration meeting edited settings (an upgrade): it runs again
	upgraded := restart(t, app, func(a core.App) {
		if _, err := a.DB().Delete("_migrations", dbx.HashExp{"file": "1764812100_rate_limits.go"}).Execute(); err != nil {
			t.Fatal(err)
		}
	}).Settings().RateLimits
	if upgraded.Enabled || upgraded.Rules[0].MaxRequests != 3 || len(upgraded.Rules) != len(ratelimit.Defaults) {
		t.Fatalf("upgrade over edited limits: %+v", upgraded)
	}
}
