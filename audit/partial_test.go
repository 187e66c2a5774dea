package audit_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
)

// An archive run killed while it wrote its file leaves the local store's
// temporary file (<key>.<hex>.tmp); the next run removes it, and leaves
// alone one young enough to be another run's still being written. (They
// stayed for good.)
func TestArchiveRemovesPartialFilesOfKilledRuns(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	dir := filepath.Join(app.DataDir(), "storage", filepath.FromSlash(audit.ArchivePrefix))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "20260101T031500-1-5000.jsonl.gz.18a2b3c4d5e6f708.tmp")
	young := filepath.Join(dir, "20260102T031500-5001-6000.jsonl.gz.18a2b3c4d5e6f709.tmp")
	for _, f := range []string{old, young} {
		if err := os.WriteFile(f, []byte("\x1f\x8b half an archive"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hoursAgo := time.Now().Add(-3 * time.Hour)
	if err := os.Chtimes(old, hoursAgo, hoursAgo); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Archive(app, audit.Retention{ArchiveAfter: 24 * time.Hour}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the partial file of a killed run is still there (%v)", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("a partial file being written was removed: %v", err)
	}
	if v, err := audit.Verify(app); err != nil || len(v.Problems) > 0 {
		t.Errorf("verify: %+v %v", v, err)
	}
}
