package backup_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"jangkau/backup"
	"jangkau/internal/crashpoint"
	tt "jangkau/internal/testapp"
)

// A restore killed the moment the backup's data is in place leaves the
// data directory whole (the backup's), and the next sweep keeps the old
// data as a whole restore does. (The old directory used to be renamed
// away first, then the new one put in place: a kill between the two left
// no data directory at all, and the next start an empty database.)
func TestKilledRestoreLeavesTheDataWhole(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	parent := t.TempDir()
	if _, err := backup.Create(app, filepath.Join(parent, "b.zip")); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(parent, "pb_data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, "data.db"), []byte("the old data"), 0o644); err != nil {
		t.Fatal(err)
	}
	tt.RunKilledIn(t, dataDir, "TestRestoreCrashChild", crashpoint.RestoreSwapped)

	if st, err := os.Stat(filepath.Join(dataDir, "data.db")); err != nil || st.Size() < 10_000 {
		t.Fatalf("after the kill the data directory holds no restored database: %v", err)
	}
	_, kept := backup.SweepStale(parent)
	if len(kept) != 1 || !strings.HasPrefix(kept[0], dataDir+".before-restore-") {
		t.Fatalf("the sweep kept %v", kept)
	}
	if old, _ := os.ReadFile(filepath.Join(kept[0], "data.db")); string(old) != "the old data" {
		t.Fatalf("the old data kept: %q", old)
	}
	if left, _ := filepath.Glob(filepath.Join(parent, ".jangkau-*")); len(left) != 0 {
		t.Fatalf("left beside the data: %v", left)
	}
}

func TestRestoreCrashChild(t *testing.T) {
	dataDir := tt.CrashDir(t)
	_, err := backup.Restore(filepath.Join(filepath.Dir(dataDir), "b.zip"), dataDir)
	t.Fatalf("not killed: %v", err)
}

// What a killed backup or restore leaves beside its output or the data
// (database snapshots, a partial zip, an unpacked backup) is removed by
// the next sweep (a backup's own first), but not the working directory of
// one still running (its lock held).
func TestSweepStaleRemovesWhatKilledRunsLeft(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	for _, d := range []string{".jangkau-backup-123", ".jangkau-restore-pb_data.456", ".jangkau-backup-789"} {
		if err := os.MkdirAll(filepath.Join(parent, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(parent, d, "data.db"), []byte("a copy"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(parent, ".jangkau-restore-pb_data.456", ".jangkau-unpacking"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	running, err := os.Open(filepath.Join(parent, ".jangkau-backup-789"))
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	if err := unix.Flock(int(running.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Create(tt.New(t), filepath.Join(parent, "now.zip")); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(parent, ".jangkau-*"))
	if len(left) != 1 || filepath.Base(left[0]) != ".jangkau-backup-789" {
		t.Fatalf("after a backup, beside it: %v", left)
	}
	running.Close() // that backup was killed
	if removed, kept := backup.SweepStale(parent); len(removed) != 1 || len(kept) != 0 {
		t.Errorf("the sweep once its lock was gone: removed %v, kept %v", removed, kept)
	}
}
