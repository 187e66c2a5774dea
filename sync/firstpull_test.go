package sync_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	gosync "sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
	"jangkau/txbatch"
)

// firstPulls returns, for a WatermelonDB download of whole tables, the
// answer read by the pull itself (a phone that does not accept gzip) and
// the one sent from the kept snapshot (one that does), uncompressed.
func firstPulls(t *testing.T, srv *tt.Server, tok, path string) (read, kept []byte) {
	t.Helper()
	st, enc, plain := rawGet(t, srv, path, tok, "identity")
	if st != 200 || enc != "" {
		t.Fatalf("%s without gzip: %d %q %s", path, st, enc, plain)
	}
	st, enc, zipped := rawGet(t, srv, path, tok, "gzip")
	if st != 200 || enc != "gzip" {
		t.Fatalf("%s with gzip: %d %q", path, st, enc)
	}
	return plain, gunzip(t, zipped)
}

// syncing are the fixture accounts that may sync, one per kind of scope
// and more (the others get 403 on both paths, checked too).
func syncAccounts(t *testing.T, srv *tt.Server) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, u := range tt.FixtureUsers {
		tok := tt.Token(t, srv.App, u.Email)
		st, _, _ := rawGet(t, srv, "/api/sync/watermelon?last_pulled_at=null", tok, "gzip")
		st2, _, _ := rawGet(t, srv, "/api/sync/watermelon?last_pulled_at=null", tok, "identity")
		if st != st2 {
			t.Fatalf("%s: %d with gzip, %d without", u.Email, st, st2)
		}
		if st == 200 {
			out[u.Email] = tok
		}
	}
	if len(out) < 4 {
		t.Fatalf("only %d accounts sync", len(out))
	}
	return out
}

// checkSame pulls whole tables as every syncing account, through the kept
// snapshot and read by the pull itself, and fails on any difference;
// contains, per account, lists what the answer must (or, prefixed with
// "!", must not) hold.
func checkSame(t *testing.T, srv *tt.Server, accounts map[string]string, step string, contains map[string][]string) {
	t.Helper()
	for email, tok := range accounts {
		for _, q := range []string{"/api/sync/watermelon?last_pulled_at=null", "/api/sync/watermelon?last_pulled_at=0&tables=activities,areas",
			"/api/sync/watermelon?last_pulled_at=null&tables=vocabularies", "/api/sync/pull?cursor=0&limit=5000", "/api/sync/pull",
			"/api/sync/pull?cursor=0&limit=7&collections=activities,areas"} {
			read, kept := firstPulls(t, srv, tok, q)
			if !bytes.Equal(read, kept) {
				t.Fatalf("%s, %s, %s: the kept answer differs from the pull's own read:\nread %.400s\nkept %.400s", step, email, q, read, kept)
			}
			if q != "/api/sync/watermelon?last_pulled_at=null" { // native pages carry tombstones, and may end early
				continue
			}
			for _, s := range contains[email] {
				want := s[0] != '!'
				if !want {
					s = s[1:]
				}
				if bytes.Contains(kept, []byte(s)) != want {
					t.Errorf("%s, %s: %q present %v, want %v", step, email, s, !want, want)
				}
			}
		}
	}
}

// A kept WatermelonDB download or native first page is byte for byte what the pull would have
// read itself, for every account that syncs and after every kind of change
// that reaches a scope (a write in it, a move out of it, a delete, a
// vocabulary edit, a schema change, a restore's new epoch); a write
// outside a scope leaves that scope's kept answer in use.
func TestFirstPullFromTheKeptSnapshotIsTheSameAnswer(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	accounts := syncAccounts(t, srv)
	checkSame(t, srv, accounts, "fixtures", nil)
	hits, builds := sync.FirstPullStats(srv.App)
	if hits == 0 || builds == 0 {
		t.Fatalf("hits %d, builds %d: the kept answers were not used", hits, builds)
	}

	// a write in village A: officer A's and verifier A's scopes change
	officerA := accounts[tt.OfficerA]
	push(t, srv, officerA, "kept-1", upsert("k1", catalog.Activities, "keptsnapshot001", newActivity(tt.VillageA, map[string]any{"title": "Rapat desa kept snapshot"})))
	checkSame(t, srv, accounts, "write in village A", map[string][]string{
		tt.OfficerA: {"keptsnapshot001", "Rapat desa kept snapshot"}, tt.VerifierA: {"keptsnapshot001"},
		tt.OfficerB: {"!keptsnapshot001"}, tt.VerifierB: {"!keptsnapshot001"},
	})

	// a write in village B only: officer A's kept answer stays in use
	pullA := func() { firstPulls(t, srv, officerA, "/api/sync/watermelon?last_pulled_at=null") }
	pullA()
	h0, b0 := sync.FirstPullStats(srv.App)
	push(t, srv, accounts[tt.OfficerB], "kept-2", upsert("k2", catalog.Activities, "keptsnapshot002", newActivity(tt.VillageB, nil)))
	pullA()
	if h1, b1 := sync.FirstPullStats(srv.App); h1 != h0+1 || b1 != b0 {
		t.Errorf("after a write in another regency: %d hits, %d builds, want %d and %d", h1, b1, h0+1, b0)
	}

	// a move from village A to A2, then a delete
	moved, err := srv.App.FindRecordById(catalog.Activities, "keptsnapshot001")
	if err != nil {
		t.Fatal(err)
	}
	moved.Set("village", tt.VillageA2)
	if err := srv.App.Save(moved); err != nil {
		t.Fatal(err)
	}
	checkSame(t, srv, accounts, "move to A2", map[string][]string{tt.OfficerA: {"!keptsnapshot001"}, tt.OfficerA2: {"keptsnapshot001"}, tt.VerifierA: {"keptsnapshot001"}})
	if err := srv.App.Delete(moved); err != nil {
		t.Fatal(err)
	}
	checkSame(t, srv, accounts, "delete", map[string][]string{tt.OfficerA2: {"!keptsnapshot001"}, tt.VerifierA: {"!keptsnapshot001"}})

	// a vocabulary label, for everyone
	voc, err := srv.App.FindFirstRecordByFilter(catalog.Vocabularies, "kind = 'topics'")
	if err != nil {
		t.Fatal(err)
	}
	voc.Set("label_id", "Label baru kept snapshot")
	if err := srv.App.Save(voc); err != nil {
		t.Fatal(err)
	}
	all := map[string][]string{}
	for email := range accounts {
		all[email] = []string{"Label baru kept snapshot"}
	}
	checkSame(t, srv, accounts, "vocabulary label", all)

	// a new field of activities (no feed row: the schema is part of the key)
	col, err := srv.App.FindCollectionByNameOrId(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	col.Fields.Add(&core.TextField{Name: "kept_snapshot_field"})
	if err := srv.App.Save(col); err != nil {
		t.Fatal(err)
	}
	checkSame(t, srv, accounts, "new field", map[string][]string{tt.OfficerA: {`"kept_snapshot_field":""`}})

	// a restore's new epoch (no feed row either)
	if _, err := srv.App.DB().NewQuery(`UPDATE sync_counters SET value = value + 1 WHERE name = 'epoch'`).Execute(); err != nil {
		t.Fatal(err)
	}
	_, b2 := sync.FirstPullStats(srv.App)
	checkSame(t, srv, accounts, "new epoch", nil)
	if _, b3 := sync.FirstPullStats(srv.App); b3 == b2 {
		t.Error("a new epoch did not rebuild the kept answers")
	}
}

// Many phones of one scope asking at once: one builds the answer, the
// others wait for it; each gets the whole answer and its own audit entry.
func TestFirstPullsOfAScopeAtOnceBuildOnce(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	st, _, want := rawGet(t, srv, "/api/sync/watermelon?last_pulled_at=null", tok, "identity")
	if st != 200 {
		t.Fatalf("pull: %d", st)
	}
	before := len(tt.AuditEntries(t, srv.App, audit.ActionSyncPull))
	_, b0 := sync.FirstPullStats(srv.App)
	const phones = 24
	var wg gosync.WaitGroup
	errs := make(chan string, phones)
	for i := 0; i < phones; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, enc, body := rawGetNoFatal(srv, "/api/sync/watermelon?last_pulled_at=null", tok)
			if st != 200 || enc != "gzip" {
				errs <- fmt.Sprintf("status %d, encoding %q", st, enc)
				return
			}
			if got, err := gunzipNoFatal(body); err != nil || !bytes.Equal(got, want) {
				errs <- fmt.Sprintf("answer differs (%v)", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// the read without gzip built nothing; the kept answer was built once
	if _, b1 := sync.FirstPullStats(srv.App); b1-b0 != 1 {
		t.Errorf("%d builds for one scope, want 1", b1-b0)
	}
	if got := len(tt.AuditEntries(t, srv.App, audit.ActionSyncPull)) - before; got != phones {
		t.Errorf("%d audit entries for %d pulls", got, phones)
	}
}

// rawGetNoFatal is rawGet with gzip accepted, for goroutines (no t.Fatal).
func rawGetNoFatal(srv *tt.Server, path, token string) (int, string, []byte) {
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		return 0, err.Error(), nil
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return 0, err.Error(), nil
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err.Error(), nil
	}
	return res.StatusCode, res.Header.Get("Content-Encoding"), body
}

func gunzipNoFatal(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// Every statement a pull of a village or regency scope runs on the feed
// reads only an index that holds every column it needs (migration
// 1766100000): a scope's range is read without looking up each row in the
// table. (The province reads the whole feed through its sequence index.)
func TestFeedReadsUseCoveringIndexes(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	for _, scope := range []sync.Scope{{All: true}, {Regency: tt.RegencyA}, {Village: tt.VillageA, Regency: tt.RegencyA}} {
		queries, args := sync.FeedStatements(scope, [][]string{nil, {catalog.Activities}, {catalog.Areas, catalog.Vocabularies}})
		for i, q := range queries {
			rows, err := txbatch.Executor(app.ConcurrentDB()).QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args[i]...)
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				steps = append(steps, detail)
			}
			rows.Close()
			searches := 0
			for _, step := range steps {
				if !strings.Contains(step, "sync_changes") {
					continue
				}
				searches++
				if !strings.HasPrefix(step, "SEARCH") || !scope.All && !strings.Contains(step, "COVERING INDEX") {
					t.Errorf("%+v: %s\nplan step %q", scope, q, step)
				}
			}
			if searches == 0 {
				t.Errorf("no read of sync_changes in the plan of %s: %v", q, steps)
			}
		}
	}
}
