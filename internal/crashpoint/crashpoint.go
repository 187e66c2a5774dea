// Package crashpoint lets the crash tests kill the real binary at a named
// point of a multi-step write, so that what a SIGKILL leaves there is
// tested deterministically rather than by luck of timing.
//
// With JANGKAU_CRASH_AT unset (always, outside those tests) Here costs one
// comparison of a string read once at start.
package crashpoint

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

// Env names the variable that holds the point to crash at.
const Env = "JANGKAU_CRASH_AT"

// Points where the crash tests kill the process.
const (
	// AfterCommit: a write that notifies (a review decision, an
	// enrollment, a password change) is committed, and nothing after the
	// commit has run yet.
	AfterCommit = "after-commit"
	// BeforeRecordCommit: a synced record's write ran in its transaction,
	// its files uploaded, and the transaction is not yet committed.
	BeforeRecordCommit = "before-record-commit"
	// AfterRecordCommit: a synced record's write is committed, and the old
	// files it replaced or deleted are not yet removed from storage.
	AfterRecordCommit = "after-record-commit"
	// RestoreSwapped: a restore put the backup's data in place, and the
	// old data is not yet renamed to its kept name.
	RestoreSwapped = "restore-swapped"
	// Started: a server started (its start-up work done) and took no
	// request yet: a test's way to restart the server on its data.
	Started = "started"
)

var at = strings.TrimSpace(os.Getenv(Env))

// Here kills the process with SIGKILL if JANGKAU_CRASH_AT names point.
// It says so first on stderr, so that a test can tell the crash was
// reached.
func Here(point string) {
	if at == "" || at != point {
		return
	}
	fmt.Fprintf(os.Stderr, "crashpoint: killed at %s\n", point)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}
