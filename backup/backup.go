// Package backup makes and restores a consistent copy of pb_data without
// S3: `jangkau backup FILE` and `jangkau restore FILE`. The copy is a zip in
// PocketBase's backup layout (data.db, auxiliary.db, storage/…), so the
// admin UI's backup restore takes it too.
package backup

import (
	"archive/zip"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/internal/crashpoint"
	_ "modernc.org/sqlite" // the driver PocketBase uses, to check a restored file
)

// Result tells what a backup holds.
type Result struct {
	Path      string
	Bytes     int64
	Databases []string
	Files     int  // files of the local store (photos, audit archives)
	FilesOnS3 bool // the files store is S3: its files are not in the backup
}

// Create writes a backup of app's data directory to out (a .zip). Each
// database is copied with VACUUM INTO, which reads one consistent snapshot
// while the server goes on writing (WAL mode); the local files store
// (pb_data/storage) is copied as it is. Files written while the backup runs
// may or may not be in it; a record never points to a file the copy lacks
// unless that file was added after the database snapshot.
func Create(app core.App, out string) (Result, error) {
	res := Result{Path: out, FilesOnS3: app.Settings().S3.Enabled}
	SweepStale(filepath.Dir(out))
	tmp, unlock, err := lockedTemp(filepath.Dir(out), backupPrefix+"*")
	if err != nil {
		return res, err
	}
	defer unlock()
	defer os.RemoveAll(tmp)
	for name, db := range map[string]dbx.Builder{"data.db": app.DB(), "auxiliary.db": app.AuxDB()} {
		if _, err := db.NewQuery("VACUUM INTO {:path}").Bind(dbx.Params{"path": filepath.Join(tmp, name)}).Execute(); err != nil {
			return res, fmt.Errorf("backup: snapshot of %s: %w", name, err)
		}
		res.Databases = append(res.Databases, name)
	}
	// the snapshots first: the store is copied after them, so every file a
	// snapshot's record names is already there
	partial := filepath.Join(tmp, "backup.zip.partial")
	f, err := os.Create(partial)
	if err != nil {
		return res, err
	}
	zw := zip.NewWriter(f)
	for _, name := range []string{"data.db", "auxiliary.db"} {
		if err := addFile(zw, filepath.Join(tmp, name), name); err != nil {
			f.Close()
			return res, err
		}
	}
	storage := filepath.Join(app.DataDir(), core.LocalStorageDirName)
	err = filepath.WalkDir(storage, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(app.DataDir(), path)
		if err != nil {
			return err
		}
		if err := addFile(zw, path, filepath.ToSlash(rel)); err != nil {
			if errors.Is(err, fs.ErrNotExist) { // deleted while we walked
				return nil
			}
			return err
		}
		res.Files++
		return nil
	})
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, err
	}
	if err := os.Rename(partial, out); err != nil {
		return res, err
	}
	if st, err := os.Stat(out); err == nil {
		res.Bytes = st.Size()
	}
	return res, nil
}

func addFile(zw *zip.Writer, path, name string) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	h, err := zip.FileInfoHeader(st)
	if err != nil {
		return err
	}
	h.Name, h.Method = name, zip.Deflate
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, src)
	return err
}

// Restore replaces dataDir with the backup in file. The server must be
// stopped. The backup is unpacked beside dataDir and its databases checked
// (SQLite's integrity check) before anything is replaced; the old
// directory is kept as dataDir.before-restore-TIME (returned) until the
// operator removes it.
//
// The two directories are exchanged in one step (renameat2
// RENAME_EXCHANGE), so that a restore killed at any moment leaves dataDir
// whole: the old data or the backup's, never no directory (which the next
// start would fill with an empty database). What a killed restore leaves
// beside it is put right by SweepStale.
func Restore(file, dataDir string) (kept string, err error) {
	dataDir = filepath.Clean(dataDir)
	SweepStale(filepath.Dir(dataDir))
	tmp, unlock, err := lockedTemp(filepath.Dir(dataDir), restorePrefix+filepath.Base(dataDir)+".*")
	if err != nil {
		return "", err
	}
	defer unlock()
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, unpackingMark), nil, 0o644); err != nil {
		return "", err
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		return "", fmt.Errorf("restore: %s is not a backup zip: %w", file, err)
	}
	defer zr.Close()
	seen := map[string]bool{}
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) || strings.HasSuffix(f.Name, "/") {
			if strings.HasSuffix(f.Name, "/") && filepath.IsLocal(name) {
				continue
			}
			return "", fmt.Errorf("restore: %s holds a path outside the data directory: %q", file, f.Name)
		}
		seen[f.Name] = true
		if err := extract(f, filepath.Join(tmp, name)); err != nil {
			return "", err
		}
	}
	if !seen["data.db"] {
		return "", fmt.Errorf("restore: %s holds no data.db", file)
	}
	for _, name := range []string{"data.db", "auxiliary.db"} {
		if !seen[name] {
			continue
		}
		if err := checkDB(filepath.Join(tmp, name)); err != nil {
			return "", fmt.Errorf("restore: %s in %s: %w", name, file, err)
		}
	}
	// phones whose cursors come from after this backup learn from the new
	// epoch that the server went back in time (docs/sync.md)
	if _, err := renewEpochFile(filepath.Join(tmp, "data.db")); err != nil {
		return "", fmt.Errorf("restore: new sync epoch: %w", err)
	}
	if _, err := os.Stat(dataDir); err != nil {
		if err := os.Rename(tmp, dataDir); err != nil {
			return "", err
		}
		return "", os.Remove(filepath.Join(dataDir, unpackingMark))
	}
	if err := exchange(tmp, dataDir); err != nil {
		return "", err
	}
	// dataDir is the backup's now, tmp the old data
	crashpoint.Here(crashpoint.RestoreSwapped)
	_ = os.Remove(filepath.Join(dataDir, unpackingMark))
	kept = keptName(dataDir + ".before-restore-" + time.Now().UTC().Format("20060102T150405"))
	if err := os.Rename(tmp, kept); err != nil {
		return "", err
	}
	return kept, nil
}

// exchange swaps the directories at a and b in one step. Where the file
// system cannot (not Linux, or a file system without RENAME_EXCHANGE) it
// falls back to two renames, with a moment between them when b is absent.
func exchange(a, b string) error {
	err := renameExchange(a, b)
	if err == nil || !errors.Is(err, errExchangeUnsupported) {
		return err
	}
	side := a + ".swap"
	if err := os.Rename(b, side); err != nil {
		return err
	}
	crashpoint.Here(crashpoint.RestoreSwapped)
	if err := os.Rename(a, b); err != nil {
		_ = os.Rename(side, b)
		return err
	}
	return os.Rename(side, a)
}

func extract(f *zip.File, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	src, err := f.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// checkDB runs SQLite's integrity check on a database file.
func checkDB(path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// epochSQL sets the sync epoch (sync_counters 'epoch', created by migration
// 1765290000) to a new value.
const epochSQL = `INSERT INTO sync_counters (name, value) VALUES ('epoch', ?)
	ON CONFLICT (name) DO UPDATE SET value = excluded.value`

// newEpoch returns a random odd integer below 2^53: never 0 ("no epoch")
// and exact in JavaScript, where phones keep it.
func newEpoch() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return int64(binary.LittleEndian.Uint64(b[:])&(1<<53-1)) | 1
}

// NewEpoch gives the database of app a new sync epoch and returns it. Run
// it (`jangkau epoch new`, server stopped) after restoring data.db by other
// means than `jangkau restore`, such as `litestream restore`: every phone
// then gets 409 server_restored and re-sends what the restore lost.
func NewEpoch(db dbx.Builder) (int64, error) {
	var tables int
	if err := db.NewQuery(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sync_counters'`).Row(&tables); err != nil {
		return 0, err
	}
	if tables == 0 {
		// a blank directory, or a database older than the sync feed: its
		// migrations give it an epoch when the server starts
		return 0, errors.New("epoch: direktori data ini tidak berisi basis data Jangkau dengan umpan sinkronisasi (pulihkan data.db lebih dulu, atau jalankan server sekali) / " +
			"this data directory holds no Jangkau database with a sync feed (restore data.db into it first, or start the server once)")
	}
	epoch := newEpoch()
	_, err := db.NewQuery(strings.Replace(epochSQL, "?", "{:epoch}", 1)).Bind(dbx.Params{"epoch": epoch}).Execute()
	return epoch, err
}

// renewEpochFile sets a new epoch in the data.db at path. A database
// without the sync tables (older than the sync feed) is left alone: its
// migrations create them, with a fresh epoch, on start.
func renewEpochFile(path string) (int64, error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sync_counters'`).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	epoch := newEpoch()
	_, err = db.Exec(epochSQL, epoch)
	return epoch, err
}

// keptName is base, or base-2, base-3... when a restore of the same second
// already kept a directory there (a second restore must not fail, nor
// replace the first one's copy).
func keptName(base string) string {
	name := base
	for n := 2; ; n++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, n)
	}
}
