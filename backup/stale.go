package backup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"golang.org/x/sys/unix"

	"jangkau/internal/wiring"
)

// Prefixes of the working directories a backup or a restore makes beside
// its output or the data directory, and the mark of a restore's unpacked
// copy not yet swapped in.
const (
	backupPrefix  = ".jangkau-backup-"
	restorePrefix = ".jangkau-restore-"
	unpackingMark = ".jangkau-unpacking"
)

var errExchangeUnsupported = errors.New("backup: the file system cannot exchange two directories in one step")

// renameExchange swaps a and b atomically (Linux renameat2).
func renameExchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, syscall.ENOSYS) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.EOPNOTSUPP) {
		return errExchangeUnsupported
	}
	return err
}

// lockedTemp makes a working directory in parent named by pattern and
// holds an exclusive lock on it (flock) until unlock is called or the
// process ends: SweepStale leaves a locked directory alone.
func lockedTemp(parent, pattern string) (dir string, unlock func(), err error) {
	dir, err = os.MkdirTemp(parent, pattern)
	if err != nil {
		return "", nil, err
	}
	f, err := os.Open(dir)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, func() { f.Close() }, nil
}

// SweepStale puts right what a backup or a restore killed in parent left
// there: a backup's working directory (database snapshots, a partial zip)
// and a restore's unpacked copy are removed; the old data directory of a
// restore killed after the swap (in a restore's working directory, without
// the unpacking mark) is kept as <name>.before-restore-TIME, as a whole
// restore keeps it. A directory whose backup or restore still runs (its
// lock held) is left alone. Backup and Restore call it first; so does the
// server's start, for the directory that holds its data.
func SweepStale(parent string) (removed, kept []string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil, nil
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !(strings.HasPrefix(name, backupPrefix) || strings.HasPrefix(name, restorePrefix)) {
			continue
		}
		dir := filepath.Join(parent, name)
		f, err := os.Open(dir)
		if err != nil {
			continue
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
			f.Close() // still in use
			continue
		}
		_, markErr := os.Stat(filepath.Join(dir, unpackingMark))
		base := strings.TrimPrefix(name, restorePrefix)
		if strings.HasPrefix(name, restorePrefix) && errors.Is(markErr, os.ErrNotExist) && strings.Contains(base, ".") {
			base = base[:strings.LastIndex(base, ".")]
			to := keptName(filepath.Join(parent, base+".before-restore-"+time.Now().UTC().Format("20060102T150405")))
			if os.Rename(dir, to) == nil {
				kept = append(kept, to)
			}
		} else if os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
		f.Close()
	}
	return removed, kept
}

// Register puts right, when the server starts, what a backup or a restore
// killed beside its data directory left there (SweepStale).
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.backup.sweep", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		removed, kept := SweepStale(filepath.Dir(filepath.Clean(e.App.DataDir())))
		if len(removed) > 0 || len(kept) > 0 {
			e.App.Logger().Warn("left by a killed backup or restore", "removed", removed, "kept", kept)
		}
		return e.Next()
	}})
}
