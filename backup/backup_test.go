package backup_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	"jangkau/backup"
	tt "jangkau/internal/testapp"
)

func create(t *testing.T, srv *tt.Server, token string) string {
	t.Helper()
	res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", token, tt.Activity(tt.VillageA))
	if res.Status != http.StatusOK {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	return res.JSON()["id"].(string)
}

// open starts an app on a restored data directory (the migrations run, as
// in `jangkau serve`).
func open(t *testing.T, dir string) *core.BaseApp {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.ClearBootstrap() })
	return app
}

func TestRestoreDrill(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	kept := create(t, srv, officer)
	if res := tt.UploadPhoto(t, srv, "activities", kept, officer, "IMG_1.jpg", tt.JPEG(t, 320, 240)); res.Status != http.StatusOK {
		t.Fatalf("photo upload: %d %s", res.Status, res.Body)
	}

	zipPath := filepath.Join(t.TempDir(), "jangkau-backup.zip")
	res, err := backup.Create(srv.App, zipPath)
	if err != nil {
		t.Fatal(err)
	}
	if res.Files < 1 || res.Bytes < 10_000 || len(res.Databases) != 2 {
		t.Fatalf("backup: %+v", res)
	}
	lost := create(t, srv, officer) // after the backup: not in it

	// the disk is lost: restore into an empty place and start there
	dataDir := filepath.Join(t.TempDir(), "pb_data")
	if prev, err := backup.Restore(zipPath, dataDir); err != nil || prev != "" {
		t.Fatalf("restore: %q %v", prev, err)
	}
	app := open(t, dataDir)
	rec, err := app.FindRecordById("activities", kept)
	if err != nil {
		t.Fatalf("the record written before the backup is gone: %v", err)
	}
	photos := rec.GetStringSlice("photos")
	if len(photos) != 1 {
		t.Fatalf("photos of the restored record: %v", photos)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "storage", rec.Collection().Id, kept, photos[0])); err != nil {
		t.Fatalf("the photo file is not restored: %v", err)
	}
	if _, err := app.FindRecordById("activities", lost); err == nil {
		t.Fatal("a record written after the backup is in it")
	}
	v, err := audit.Verify(app)
	if err != nil || len(v.Problems) > 0 || v.Entries < 3 {
		t.Fatalf("audit chain after restore: %+v %v", v, err)
	}

	// restoring over existing data keeps the old data beside it
	prev, err := backup.Restore(zipPath, dataDir)
	if err != nil || !strings.HasPrefix(prev, dataDir+".before-restore-") {
		t.Fatalf("second restore: %q %v", prev, err)
	}
	if _, err := os.Stat(filepath.Join(prev, "data.db")); err != nil {
		t.Fatalf("the previous data was not kept: %v", err)
	}
	// and again at once (the same second): a copy of its own, the first one kept
	again, err := backup.Restore(zipPath, dataDir)
	if err != nil || again == prev || !strings.HasPrefix(again, dataDir+".before-restore-") {
		t.Fatalf("third restore: %q %v (the second kept %q)", again, err, prev)
	}
	for _, dir := range []string{prev, again} {
		if _, err := os.Stat(filepath.Join(dir, "data.db")); err != nil {
			t.Errorf("kept data in %s: %v", dir, err)
		}
	}
}

func TestRestoreRefusesABrokenBackupAndKeepsTheData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "pb_data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dataDir, "data.db"), []byte("the live data"), 0o644)
	bad := filepath.Join(dir, "bad.zip")
	os.WriteFile(bad, []byte("not a zip"), 0o644)
	if _, err := backup.Restore(bad, dataDir); err == nil {
		t.Fatal("a file that is no zip was restored")
	}
	// a zip whose data.db is not a database
	var buf bytes.Buffer
	zipWith(t, &buf, map[string]string{"data.db": strings.Repeat("garbage ", 1000)})
	os.WriteFile(bad, buf.Bytes(), 0o644)
	if _, err := backup.Restore(bad, dataDir); err == nil {
		t.Fatal("a backup with a broken data.db was restored")
	}
	if got, _ := os.ReadFile(filepath.Join(dataDir, "data.db")); string(got) != "the live data" {
		t.Fatalf("the live data was touched: %q", got)
	}
}

// `jangkau epoch new` on a directory without Jangkau's database says so,
// writes nothing; on a database with the sync feed it sets a new epoch.
func TestNewEpochNeedsTheSyncFeed(t *testing.T) {
	t.Parallel()
	blank := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := blank.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = blank.ClearBootstrap() })
	if _, err := backup.NewEpoch(blank.DB()); err == nil || !strings.Contains(err.Error(), "sync feed") {
		t.Fatalf("blank directory: %v", err)
	}
	srv := tt.NewServer(t)
	var before int64
	if err := srv.App.DB().NewQuery(`SELECT value FROM sync_counters WHERE name = 'epoch'`).Row(&before); err != nil {
		t.Fatal(err)
	}
	epoch, err := backup.NewEpoch(srv.App.DB())
	if err != nil || epoch == before || epoch == 0 {
		t.Fatalf("new epoch %d (was %d): %v", epoch, before, err)
	}
}
