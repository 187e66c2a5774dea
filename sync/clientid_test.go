package sync_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/privacy"
	"jangkau/sync"
)

// What a client says about itself is stored (devices.client_id and
// app_version, sync_mutations.client_id): a clientId or appVersion the
// privacy guard refuses is refused with a 400 naming it, on every sync
// route (the three pulls and the three pushes, query string or body),
// before anything is written: no device row, no remembered mutation, no
// record of the push, nothing in the feed.
func TestClientIDAndAppVersionAreGuardedOnEverySyncRoute(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	probes := []struct{ field, value, code string }{
		{"clientId", "081234567890", privacy.CodePhone},
		{"clientId", "1801234567890001", privacy.CodeNIK},
		{"clientId", "hp-0062-812-3456-7890", privacy.CodePhone},
		{"clientId", "paspor-C1234567", privacy.CodePassport},
		{"appVersion", "1.0 0812-3456-7890", privacy.CodePhone},
		{"appVersion", "18 01 23 45 67 89 00 01", privacy.CodeNIK},
	}
	count := func(sql string) int {
		t.Helper()
		var n int
		if err := srv.App.DB().NewQuery(sql).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	state := func() string {
		return fmt.Sprint(count("SELECT COUNT(*) FROM devices"), count("SELECT COUNT(*) FROM sync_mutations"),
			count("SELECT COUNT(*) FROM activities"), currentSeq(t, srv))
	}
	before := state()
	n := 0
	for _, p := range probes {
		n++
		id := fmt.Sprintf("clientGuard%05d", n)
		query := "clientId=install-ok&appVersion=1.2.0"
		if p.field == "clientId" {
			query = "clientId=" + url.QueryEscape(p.value) + "&appVersion=1.2.0"
		} else {
			query = "clientId=install-ok&appVersion=" + url.QueryEscape(p.value)
		}
		body := map[string]any{"clientId": "install-ok", "appVersion": "1.2.0",
			"mutations": []sync.Mutation{{MutationID: id, Collection: catalog.Activities, ID: id, Op: "upsert", Data: tt.Activity(tt.VillageA)}}}
		body[p.field] = p.value
		routes := []struct {
			name, method, path string
			body               any
		}{
			{"native pull", http.MethodGet, "/api/sync/pull?" + query, nil},
			{"native pull up to date", http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d&%s", currentSeq(t, srv), query), nil},
			{"native push", http.MethodPost, "/api/sync/push", body},
			{"watermelon pull", http.MethodGet, "/api/sync/watermelon?last_pulled_at=0&" + query, nil},
			{"watermelon push", http.MethodPost, "/api/sync/watermelon?last_pulled_at=0&" + query,
				wmChanges(catalog.Activities, []any{wmRecord(id, nil)}, nil, nil)},
			{"rxdb pull", http.MethodGet, "/api/sync/rxdb/activities/pull?" + query, nil},
			{"rxdb push", http.MethodPost, "/api/sync/rxdb/activities/push?" + query, []map[string]any{{"newDocumentState": rxDoc(id, nil)}}},
		}
		for _, r := range routes {
			res := srv.Do(t, r.method, r.path, tok, r.body)
			what := fmt.Sprintf("%s, %s %q", r.name, p.field, p.value)
			if res.Status != http.StatusBadRequest || res.FieldError(p.field) != p.code {
				t.Errorf("%s: %d %s", what, res.Status, res.Body)
				continue
			}
			data, _ := res.JSON()["data"].(map[string]any)
			fe, _ := data[p.field].(map[string]any)
			// the text guard's message for appVersion, the identifier's (naming it) for clientId
			want := [2]string{"Tidak boleh", " / Must not"}
			if p.field == "clientId" {
				want = [2]string{"clientId tidak boleh", " / clientId must not"}
			}
			if msg, _ := fe["message"].(string); !strings.Contains(msg, want[0]) || !strings.Contains(msg, want[1]) {
				t.Errorf("%s: not the guard's bilingual message: %q", what, msg)
			}
		}
		if after := state(); after != before {
			t.Fatalf("%s %q: written (devices, mutations, activities, feed: %s, was %s)", p.field, p.value, after, before)
		}
	}

	// ordinary ids pass, a random UUID among them (one in about 200 reads
	// as a number), and are stored
	for _, clientID := range []string{"pwa-Xy3kP9qLm2Vn8RtB4wZa", "hp-desa-hajimena-2025", "75339d31-1860-4527-9779-12ab5613c3e2"} {
		res := srv.Do(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"clientId": clientID, "appVersion": "1.2.0 (2025-03-10)", "mutations": []any{}})
		if res.Status != http.StatusOK {
			t.Errorf("clientId %q: %d %s", clientID, res.Status, res.Body)
		}
		if res := srv.Do(t, http.MethodGet, "/api/sync/pull?limit=1&clientId="+clientID, tok, nil); res.Status != http.StatusOK {
			t.Errorf("pull with clientId %q: %d %s", clientID, res.Status, res.Body)
		}
	}
	if n := count("SELECT COUNT(*) FROM devices WHERE client_id = '75339d31-1860-4527-9779-12ab5613c3e2'"); n != 1 {
		t.Errorf("the UUID install was not recorded: %d", n)
	}
}

// An app activating with an install id the guard refuses is refused too.
func TestActivationGuardsTheClientID(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	enr := srv.Do(t, http.MethodPost, "/api/devices/enrollments", tt.Token(t, srv.App, tt.VerifierA), map[string]any{"user": tt.UserID(tt.OfficerA)})
	code, _ := enr.JSON()["code"].(string)
	if code == "" {
		t.Fatalf("enrollment: %d %s", enr.Status, enr.Body)
	}
	res := srv.Do(t, http.MethodPost, "/api/devices/activate", "", map[string]any{"code": code, "name": "HP Desa", "platform": "android", "clientId": "081234567890"})
	if res.Status != http.StatusBadRequest || res.FieldError("clientId") != privacy.CodePhone {
		t.Errorf("activation with a phone number as clientId: %d %s", res.Status, res.Body)
	}
	var n int
	if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM devices WHERE client_id = '081234567890'").Row(&n); err != nil || n != 0 {
		t.Errorf("stored: %d %v", n, err)
	}
}
