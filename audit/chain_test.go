package audit_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
	"jangkau/txbatch"
)

// liveCount counts the live entries matching where.
func liveCount(t *testing.T, app core.App, where string, params dbx.Params) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM audit_log WHERE " + where).Bind(params).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// someTraffic makes entries of every kind through the real API: a create,
// an update, reads (list, view, history) and a sign-in.
func someTraffic(t *testing.T, srv *tt.Server) {
	t.Helper()
	officer := tt.Token(t, srv.App, tt.OfficerA)
	res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", officer, tt.Activity(tt.VillageA))
	if res.Status != http.StatusOK {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	id, _ := res.JSON()["id"].(string)
	if res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+id, officer, map[string]any{"title": "Judul baru"}); res.Status != http.StatusOK {
		t.Fatalf("update: %d %s", res.Status, res.Body)
	}
	for range 3 {
		srv.Do(t, http.MethodGet, "/api/collections/activities/records/"+tt.ActivityA, officer, nil)
	}
	srv.Do(t, http.MethodGet, "/api/collections/activities/records", officer, nil)
	srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]any{"identity": tt.OfficerA, "password": tt.Password})
}

func verifyOK(t *testing.T, app core.App) audit.VerifyResult {
	t.Helper()
	res, err := audit.Verify(app)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("chain broken: %v", res.Problems)
	}
	return res
}

func TestEveryEntryIsChained(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	someTraffic(t, srv)
	res := verifyOK(t, srv.App)
	total := liveCount(t, srv.App, "1=1", nil)
	if res.Entries != total || total < 6 || res.HeadSeq != int64(total) || len(res.HeadHash) != 64 {
		t.Fatalf("verify: %+v, live entries %d", res, total)
	}
	if n := liveCount(t, srv.App, "seq <= 0 OR hash = '' OR (seq > 1 AND prev_hash = '')", nil); n != 0 {
		t.Fatalf("%d entries without their chain", n)
	}
}

func TestVerifyFindsChangedDeletedAndInsertedEntries(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	someTraffic(t, srv)
	app := srv.App
	head := verifyOK(t, app).HeadSeq
	exec := func(q string) {
		t.Helper()
		if _, err := app.NonconcurrentDB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	// someone with the database file changes what an entry says
	exec("UPDATE audit_log SET note = 'nothing happened' WHERE seq = 2")
	res, _ := audit.Verify(app)
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "entry 2 ") || !strings.Contains(res.Problems[0], "does not match its hash") {
		t.Fatalf("changed entry: %v", res.Problems)
	}
	// ... removes one
	exec("DELETE FROM audit_log WHERE seq = 4")
	res, _ = audit.Verify(app)
	if !strings.Contains(strings.Join(res.Problems, "\n"), "entries 4 to 4 are missing") {
		t.Fatalf("deleted entry: %v", res.Problems)
	}
	// ... or adds one without the server
	exec("INSERT INTO audit_log (id, action, note, seq) VALUES ('forgedentry0001', 'login', 'x', 0)")
	res, _ = audit.Verify(app)
	if !strings.Contains(strings.Join(res.Problems, "\n"), "1 live entries have no number") {
		t.Fatalf("inserted entry: %v", res.Problems)
	}
	if res.HeadSeq != head {
		t.Fatalf("head %d, want %d", res.HeadSeq, head)
	}
}

func TestArchiveKeepsTheChainAndAggregatesReads(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	someTraffic(t, srv)
	app := srv.App
	before := verifyOK(t, app)
	views := liveCount(t, app, "action = 'view' AND record = {:r}", dbx.Params{"r": tt.ActivityA})
	if views != 3 {
		t.Fatalf("%d views of %s, want 3", views, tt.ActivityA)
	}
	writes := liveCount(t, app, "action IN ('create', 'update', 'login')", nil)

	// 200 days later: the reads (older than 182 days) leave, one entry per
	// user, record, action and day takes their place; the writes stay.
	r := audit.Retention{ArchiveAfter: 730 * 24 * time.Hour, ReadsAfter: 182 * 24 * time.Hour}
	res, err := audit.Archive(app, r, time.Now().Add(200*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Archived < 4 || len(res.Files) != 1 || res.Aggregated < 2 {
		t.Fatalf("archive run: %+v", res)
	}
	agg := liveCount(t, app, "action = 'view' AND record = {:r}", dbx.Params{"r": tt.ActivityA})
	var note string
	_ = app.DB().NewQuery("SELECT note FROM audit_log WHERE action = 'view' AND record = {:r}").Bind(dbx.Params{"r": tt.ActivityA}).Row(&note)
	if agg != 1 || !strings.Contains(note, `"aggregated":3`) {
		t.Fatalf("aggregated views of %s: %d entries, note %s", tt.ActivityA, agg, note)
	}
	if n := liveCount(t, app, "action IN ('create', 'update', 'login')", nil); n != writes {
		t.Fatalf("writes in the live table: %d, want %d", n, writes)
	}
	after := verifyOK(t, app)
	if after.Entries != before.Entries+res.Aggregated || after.Archived != res.Archived {
		t.Fatalf("verify after archiving: %+v (before %+v, run %+v)", after, before, res)
	}

	// the archived views are still found, with where they are
	var found []string
	err = audit.Search(app, audit.Query{Record: tt.ActivityA, Action: audit.ActionView}, func(s *audit.Stored, source string) error {
		found = append(found, source)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 4 || found[0] != res.Files[0] || found[3] != "live" {
		t.Fatalf("search: %v", found)
	}

	// 800 days later everything is archived; aggregated entries are
	// never aggregated again; the chain still verifies end to end.
	res2, err := audit.Archive(app, r, time.Now().Add(800*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n := liveCount(t, app, "1=1", nil); n != res2.Aggregated {
		t.Fatalf("%d live entries left, want only the %d new aggregates", n, res2.Aggregated)
	}
	final := verifyOK(t, app)
	if final.Entries != after.Entries+res2.Aggregated || final.HeadSeq != after.HeadSeq+int64(res2.Aggregated) || final.Archived != final.Entries-res2.Aggregated {
		t.Fatalf("final verify %+v", final)
	}
	// archives are not records: PocketBase's file route does not serve them
	if res := srv.Do(t, http.MethodGet, "/api/files/"+res.Files[0], "", nil); res.Status == http.StatusOK {
		t.Fatalf("archive served over HTTP: %d", res.Status)
	}
}

func TestEntriesStayAppendOnlyForEveryoneButTheArchiver(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	someTraffic(t, srv)
	var id string
	if err := srv.App.DB().NewQuery("SELECT id FROM audit_log ORDER BY seq DESC LIMIT 1").Row(&id); err != nil {
		t.Fatal(err)
	}
	root := tt.Token(t, srv.App, tt.SuperuserEmail)
	if res := srv.Do(t, http.MethodDelete, "/api/collections/audit_log/records/"+id, root, nil); res.Status < 400 {
		t.Fatalf("a superuser deleted an entry: %d", res.Status)
	}
	if res := srv.Do(t, http.MethodPost, "/api/sql", root, map[string]any{"query": "DELETE FROM audit_log WHERE id = '" + id + "'"}); res.Status < 400 && res.Status != 404 {
		t.Fatalf("raw SQL delete: %d %s", res.Status, res.Body)
	}
	verifyOK(t, srv.App)
}

func TestTheMigrationChainsEntriesWrittenBeforeIt(t *testing.T) {
	t.Parallel()
	// The database of an older server: the system migrations and every
	// Jangkau migration before the chain's, none after (the later ones are
	// not all reversible, so the test builds the older database rather than
	// undoing the newer ones).
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ClearBootstrap() })
	var older core.MigrationsList
	for _, m := range core.AppMigrations.Items() {
		if m.File < "1765200000" {
			older.Register(m.Up, m.Down, m.File)
		}
	}
	for _, list := range []core.MigrationsList{core.SystemMigrations, older} {
		if _, err := core.NewMigrationsRunner(app, list).Up(); err != nil {
			t.Fatal(err)
		}
	}
	runner := core.NewMigrationsRunner(app, core.AppMigrations)
	for i := range 5 { // entries of an older server: no chain columns
		if _, err := app.NonconcurrentDB().NewQuery(`INSERT INTO audit_log (id, action, target_collection, record, changes, note, server_time, created)
			VALUES ({:id}, 'login', 'users', 'u1', 'null', '', '2024-01-0' || {:d} || ' 10:00:00.000Z', '2024-01-0' || {:d} || ' 10:00:00.000Z')`).
			Bind(dbx.Params{"id": "oldentry0000000" + string(rune('a'+i)), "d": i + 1}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := runner.Up(); err != nil {
		t.Fatal(err)
	}
	res := verifyOK(t, app)
	var firstOld int64
	_ = app.DB().NewQuery("SELECT seq FROM audit_log WHERE id = 'oldentry0000000a'").Row(&firstOld)
	if firstOld < 1 || res.Entries != liveCount(t, app, "1=1", nil) {
		t.Fatalf("old entries not chained: seq %d, verify %+v", firstOld, res)
	}
}

// Entries written in shared transactions (group commit) chain onto each
// other from a tail read once per transaction; an entry written in the same
// transaction without the batch takes the number the tail expected, and the
// next batched entry must read the tail again instead of failing or forking
// the chain. A rolled-back group leaves no gap: its entries are written
// again, alone, after it.
func TestEntriesOfSharedTransactionsStayChained(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	before := liveCount(t, app, "1=1", nil)
	entry := func(note string) audit.Entry {
		return audit.Entry{Action: audit.ActionView, Collection: "activities", RecordID: "r" + note, Note: note}
	}
	// mixed: batch, plain transaction, batch again
	err := txbatch.Run(app, func(tx core.App) error {
		if err := audit.Write(tx, entry("a")); err != nil {
			return err
		}
		if err := audit.Write(tx.(*txbatch.Batch).App, entry("b")); err != nil {
			return err
		}
		return audit.Write(tx, entry("c"))
	})
	if err != nil {
		t.Fatal(err)
	}
	// more entries than one INSERT writes (they are written in rows of
	// 64, 32, ... at the batch's end), plain ones among them
	err = txbatch.Run(app, func(tx core.App) error {
		for i := range 101 {
			w := tx
			if i%30 == 29 {
				w = tx.(*txbatch.Batch).App
			}
			if err := audit.Write(w, entry(fmt.Sprint("m", i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before += 101
	// many at once, sharing transactions; every fifth fails after writing
	// its entry, so its group is rolled back and run again one by one
	var wg sync.WaitGroup
	failed := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failed <- txbatch.Run(app, func(tx core.App) error {
				if err := audit.Write(tx, entry(fmt.Sprint("g", i))); err != nil {
					return err
				}
				if i%5 == 0 {
					return errors.New("refused")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	close(failed)
	refused := 0
	for err := range failed {
		if err != nil {
			refused++
		}
	}
	if refused != 8 {
		t.Fatalf("%d of 40 runs failed, want 8", refused)
	}
	res := verifyOK(t, app)
	total := liveCount(t, app, "1=1", nil)
	if total != before+3+32 || res.HeadSeq != int64(total) {
		t.Fatalf("%d entries (before %d), head %d: want %d", total, before, res.HeadSeq, before+35)
	}
	for _, note := range []string{"a", "b", "c", "g1", "g39"} {
		if n := liveCount(t, app, "note = {:n}", dbx.Params{"n": note}); n != 1 {
			t.Fatalf("entry %q stored %d times", note, n)
		}
	}
	if n := liveCount(t, app, "note = 'g5'", nil); n != 0 {
		t.Fatalf("the refused run's entry was kept")
	}
}

// An INSERT of many entries that fails halfway (it is OR FAIL: the rows
// before the failing one stay until the transaction ends) leaves nothing
// behind: the error fails the whole transaction, which rolls back.
func TestAFlushThatFailsHalfwayLeavesNoEntry(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	if _, err := app.DB().NewQuery(`CREATE TRIGGER refuse_boom BEFORE INSERT ON audit_log WHEN NEW.note LIKE '%boom%'
		BEGIN SELECT RAISE(FAIL, 'boom refused'); END`).Execute(); err != nil {
		t.Fatal(err)
	}
	before := liveCount(t, app, "1=1", nil)
	err := txbatch.Run(app, func(tx core.App) error {
		for i := range 40 {
			note := fmt.Sprint("n", i)
			if i == 30 {
				note = "boom"
			}
			if err := audit.Write(tx, audit.Entry{Action: audit.ActionView, Collection: "activities", RecordID: "r" + note, Note: note}); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "boom refused") {
		t.Fatalf("the failing entry's error: %v", err)
	}
	if after := liveCount(t, app, "1=1", nil); after != before {
		t.Fatalf("%d entries before, %d after a failed flush", before, after)
	}
	verifyOK(t, app)
}
