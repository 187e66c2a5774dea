package dbconn_test

import (
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations" // the system tables Bootstrap reads

	"jangkau/internal/dbconn"
)

// pocketBaseVersion is the PocketBase whose internals Connect relies on:
// DefaultDBConnect's connection string (Pragmas) and the order in which
// BaseApp opens the read and write pools. After an upgrade, read
// core/db_connect.go and core/base.go (initDataDB, initAuxDB) again, then
// change this.
const pocketBaseVersion = "v0.40.4"

func TestPinnedPocketBase(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info")
	}
	for _, m := range info.Deps {
		if m.Path == "github.com/pocketbase/pocketbase" {
			if m.Version != pocketBaseVersion {
				t.Fatalf("PocketBase %s, dbconn was checked against %s: re-read core/db_connect.go and BaseApp.initDataDB/initAuxDB, "+
					"then update dbconn.Pragmas and pocketBaseVersion", m.Version, pocketBaseVersion)
			}
			return
		}
	}
	t.Fatal("PocketBase is not a dependency")
}

// The write pool opens with the same settings as PocketBase's own
// connections (the read pool's), its page cache apart.
func TestSameConnectionsAsPocketBase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.db")
	theirs, err := core.DefaultDBConnect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Close()
	ours, err := dbx.Open("sqlite", path+dbconn.Pragmas)
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close()
	for _, p := range []string{"busy_timeout", "journal_mode", "journal_size_limit", "synchronous", "foreign_keys", "temp_store",
		"cache_size", "locking_mode", "auto_vacuum", "mmap_size", "cell_size_check", "recursive_triggers", "secure_delete",
		"query_only", "trusted_schema", "automatic_index", "wal_autocheckpoint", "defer_foreign_keys", "ignore_check_constraints"} {
		var a, b string
		if err := theirs.NewQuery("PRAGMA " + p).Row(&a); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if err := ours.NewQuery("PRAGMA " + p).Row(&b); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if a != b {
			t.Errorf("PRAGMA %s: PocketBase %q, dbconn %q", p, a, b)
		}
	}
}

// The app's write connection keeps a page cache of WriteCacheKiB, its read
// connections PocketBase's 32 MB; and so again after the app reloads its
// databases.
func TestWritePoolPageCache(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir(), DBConnect: dbconn.Connect()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ClearBootstrap() })
	for stage := range 2 {
		var write, read int
		if err := app.NonconcurrentDB().NewQuery("PRAGMA cache_size").Row(&write); err != nil {
			t.Fatal(err)
		}
		if err := app.ConcurrentDB().NewQuery("PRAGMA cache_size").Row(&read); err != nil {
			t.Fatal(err)
		}
		if write != -dbconn.WriteCacheKiB || read != -32000 {
			t.Errorf("stage %d: page cache of the write pool %d, of the read pool %d; want %d and -32000", stage, write, read, -dbconn.WriteCacheKiB)
		}
		if err := app.ClearBootstrap(); err != nil {
			t.Fatal(err)
		}
		if err := app.Bootstrap(); err != nil {
			t.Fatal(err)
		}
	}
}

// Transactions of the write pool (RunInTransaction, AuxRunInTransaction)
// hold the write lock from their first statement; those of the read pool
// do not; and so again after the app reloads its databases.
func TestWritePoolBeginsImmediate(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir(), DBConnect: dbconn.Connect()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ClearBootstrap() })
	check := func(stage string) {
		for _, db := range []struct {
			file       string
			write      func(func(tx core.App) error) error
			concurrent dbx.Builder
		}{
			{"data.db", app.RunInTransaction, app.ConcurrentDB()},
			{"auxiliary.db", app.AuxRunInTransaction, app.AuxConcurrentDB()},
		} {
			other, err := dbx.Open("sqlite", filepath.Join(app.DataDir(), db.file)+"?_pragma=busy_timeout(0)")
			if err != nil {
				t.Fatal(err)
			}
			// another process's writer: BEGIN IMMEDIATE fails at once while someone holds the write lock
			otherWrites := func() error {
				tx, err := other.Begin()
				if err != nil {
					return err
				}
				if _, err := tx.NewQuery("BEGIN IMMEDIATE").Execute(); err != nil && !strings.Contains(err.Error(), "within a transaction") {
					_ = tx.Rollback()
					return err
				}
				return tx.Rollback()
			}
			err = db.write(func(tx core.App) error {
				if err := otherWrites(); err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") {
					t.Errorf("%s, %s: a write transaction that has not written yet let another writer in (%v)", stage, db.file, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			tx, err := db.concurrent.(*dbx.DB).Begin()
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := tx.NewQuery("SELECT COUNT(*) FROM sqlite_master").Row(&n); err != nil {
				t.Fatal(err)
			}
			if err := otherWrites(); err != nil {
				t.Errorf("%s, %s: a read pool transaction holds the write lock: %v", stage, db.file, err)
			}
			_ = tx.Rollback()
			other.Close()
		}
	}
	check("first start")
	if err := app.ClearBootstrap(); err != nil {
		t.Fatal(err)
	}
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	check("after a reload")
}
