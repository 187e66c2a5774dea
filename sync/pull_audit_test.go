package sync_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
)

// enrolledPhone enrolls and activates a phone of officer A and returns its
// device token and device id.
func enrolledPhone(t *testing.T, srv *tt.Server) (token, device string) {
	t.Helper()
	return phoneOf(t, srv, tt.VerifierA, tt.OfficerA)
}

func pulls(t *testing.T, srv *tt.Server) []tt.AuditEntry {
	t.Helper()
	return tt.AuditEntries(t, srv.App, audit.ActionSyncPull)
}

func TestNativePullsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	phone, device := enrolledPhone(t, srv)
	res := srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0&limit=50", phone, nil)
	var p pullPage
	if res.Status != 200 || json.Unmarshal(res.Body, &p) != nil {
		t.Fatalf("pull: %d %s", res.Status, res.Body)
	}
	if !p.HasMore {
		t.Fatal("want a first page with more to come")
	}
	records := map[string]float64{}
	for _, c := range p.Changes {
		if !c.Deleted {
			records[c.Collection]++
		}
	}
	entries := pulls(t, srv)
	if len(entries) != 1 {
		t.Fatalf("%d sync_pull entries after one page, want 1", len(entries))
	}
	e := entries[0]
	if e.User != tt.UserID(tt.OfficerA) || e.Device != device || e.Collection != "" || e.Record != "" {
		t.Errorf("entry %+v", e)
	}
	note := e.NoteJSON(t)
	if note["protocol"] != "native" || note["records"] != float64(len(p.Changes)) || note["deleted"] != 0.0 ||
		note["from"] != 0.0 || note["to"] != float64(p.Cursor) || note["hasMore"] != true {
		t.Errorf("note %v for %d changes up to %d", note, len(p.Changes), p.Cursor)
	}
	if got, _ := json.Marshal(note["collections"]); string(got) != mustJSON(t, records) {
		t.Errorf("per collection %s, want %s", got, mustJSON(t, records))
	}

	// the rest of the scope, then a pull that is up to date: that one sends
	// nothing and leaves nothing
	_, cursor, _ := pullAll(t, srv, phone, p.Cursor)
	n := len(pulls(t, srv))
	if n < 2 {
		t.Fatalf("%d entries after the whole scope", n)
	}
	if q := pull(t, srv, phone, cursor, ""); len(q.Changes) != 0 {
		t.Fatalf("up-to-date pull got %d changes", len(q.Changes))
	}
	if got := len(pulls(t, srv)); got != n {
		t.Errorf("an empty pull left %d entries", got-n)
	}

	// refused pulls are not pulls
	for _, r := range []struct {
		tok, query string
		want       int
	}{
		{phone, "cursor=-1", 400},
		{phone, "collections=users", 400},
		{"", "cursor=0", 401},
	} {
		if res := srv.Do(t, http.MethodGet, "/api/sync/pull?"+r.query, r.tok, nil); res.Status != r.want {
			t.Errorf("%s: %d, want %d", r.query, res.Status, r.want)
		}
	}
	if got := len(pulls(t, srv)); got != n {
		t.Errorf("refused pulls left %d entries", got-n)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestWatermelonPullsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	first := wmPull(t, srv, officer, "null")
	sent := 0
	for _, table := range first.Changes {
		sent += len(table["updated"])
	}
	entries := pulls(t, srv)
	if len(entries) != 1 {
		t.Fatalf("%d sync_pull entries after a first download, want 1", len(entries))
	}
	note := entries[0].NoteJSON(t)
	if entries[0].User != tt.UserID(tt.OfficerA) || note["protocol"] != "watermelon" || note["records"] != float64(sent) ||
		note["deleted"] != 0.0 || note["from"] != 0.0 || note["to"] != float64(first.Timestamp) {
		t.Errorf("entry %+v note %v, want %d records up to %d", entries[0], note, sent, first.Timestamp)
	}

	// one change and one delete since: counted before the answer streams
	if res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, officer, map[string]any{"venue": "Aula desa"}); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	draft := tt.Activity(tt.VillageA)
	draft["id"] = "wmauditdraft0001"
	if res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", officer, draft); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodDelete, "/api/collections/activities/records/wmauditdraft0001", officer, nil); res.Status != 204 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	next := wmPull(t, srv, officer, fmt.Sprint(first.Timestamp))
	if len(next.Changes["activities"]["updated"]) != 1 || len(next.Changes["activities"]["deleted"]) != 1 {
		t.Fatalf("incremental pull: %v", next.Changes["activities"])
	}
	entries = pulls(t, srv)
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2", len(entries))
	}
	note = entries[1].NoteJSON(t)
	if note["records"] != 1.0 || note["deleted"] != 1.0 || note["from"] != float64(first.Timestamp) || note["to"] != float64(next.Timestamp) {
		t.Errorf("incremental note %v", note)
	}

	// up to date: nothing sent, nothing recorded; a bad request neither
	wmPull(t, srv, officer, fmt.Sprint(next.Timestamp))
	if res := srv.Do(t, http.MethodGet, "/api/sync/watermelon?tables=users", officer, nil); res.Status != 400 {
		t.Errorf("unknown table: %d", res.Status)
	}
	if n := len(pulls(t, srv)); n != 2 {
		t.Errorf("%d entries after an empty and a refused pull, want 2", n)
	}
}

func TestRxPullsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.VerifierA)
	var page struct {
		Documents  []map[string]any `json:"documents"`
		Checkpoint json.RawMessage  `json:"checkpoint"`
	}
	res := srv.Do(t, http.MethodGet, "/api/sync/rxdb/activities/pull?limit=10", tok, nil)
	if res.Status != 200 || json.Unmarshal(res.Body, &page) != nil {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	entries := pulls(t, srv)
	if len(entries) != 1 {
		t.Fatalf("%d sync_pull entries, want 1", len(entries))
	}
	note := entries[0].NoteJSON(t)
	to, _ := note["to"].(map[string]any)
	if entries[0].Collection != "activities" || entries[0].User != tt.UserID(tt.VerifierA) || note["protocol"] != "rxdb" ||
		note["records"] != float64(len(page.Documents)) || len(page.Documents) == 0 || to["scope"] != "regency:"+tt.RegencyA {
		t.Errorf("entry %+v note %v for %d documents", entries[0], note, len(page.Documents))
	}

	// the next pull from that checkpoint sends nothing and leaves nothing
	res = srv.Do(t, http.MethodGet, "/api/sync/rxdb/activities/pull?checkpoint="+url.QueryEscape(string(page.Checkpoint)), tok, nil)
	if res.Status != 200 || json.Unmarshal(res.Body, &page) != nil || len(page.Documents) != 0 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	for _, path := range []string{"/api/sync/rxdb/users/pull", "/api/sync/rxdb/activities/pull?checkpoint=nonsense"} {
		if res := srv.Do(t, http.MethodGet, path, tok, nil); res.Status != 400 {
			t.Errorf("%s: %d", path, res.Status)
		}
	}
	if n := len(pulls(t, srv)); n != 1 {
		t.Errorf("%d entries after an empty and refused pulls, want 1", n)
	}
}
