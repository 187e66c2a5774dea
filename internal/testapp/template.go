package testapp

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/hooks"
)

var (
	root         string // this test binary's temporary directory (Main)
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

// rootPrefix names the temporary directory of a test binary, followed by
// its process id.
const rootPrefix = "jangkau-test-"

// Main runs a package's tests with every temporary file under one
// directory of this test binary (TMPDIR points there: each app's copy,
// t.TempDir), and removes it when they end, whatever they left. A
// directory of an earlier binary that was killed (a timeout) is removed
// too.
func Main(m *testing.M) {
	removeStale(os.TempDir())
	dir, err := os.MkdirTemp("", rootPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testapp:", err)
		os.Exit(1)
	}
	root = dir
	if err := os.Setenv("TMPDIR", dir); err != nil {
		fmt.Fprintln(os.Stderr, "testapp:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// removeStale removes the directories of test binaries that are gone: their
// process no longer exists and the directory has not changed for an hour.
func removeStale(tmp string) {
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), rootPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			_ = os.RemoveAll(filepath.Join(tmp, e.Name()))
		}
	}
}

// Template returns a data dir with every migration applied and the fixtures
// of fixtures.go loaded. Apps are copies of it; nothing writes to it.
//
// Building it (migrations, 2,896 areas through the hooks, fixtures) costs
// each test binary about 2 s of CPU, so it is built once per state of the
// sources: it is kept in the user's cache directory
// (~/.cache/jangkau-test/templates/KEY), KEY hashing every non-test Go
// file of the module, go.mod, go.sum, the embedded data, the Go version and
// the settings key. Any edit of the code makes a new one; the test binaries
// of one `go test ./...` share it. Templates unused for an hour are
// removed. JANGKAU_TEST_CACHE=off builds one per binary in its temporary
// directory instead.
func Template(t testing.TB) string {
	if root == "" {
		t.Fatal("testapp: this package's tests need a TestMain that removes the test data; add main_test.go with\n" +
			"\tfunc TestMain(m *testing.M) { testapp.Main(m) }")
	}
	templateOnce.Do(func() {
		templateDir, templateErr = cachedTemplate()
		if templateErr != nil {
			templateDir = filepath.Join(root, "template")
			templateErr = buildTemplate(templateDir)
		}
	})
	if templateErr != nil {
		t.Fatalf("test template: %v", templateErr)
	}
	return templateDir
}

// buildTemplate migrates a new database in dir and loads the fixtures.
func buildTemplate(dir string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	hooks.Register(app)
	if err := app.RunAllMigrations(); err != nil {
		_ = app.ClearBootstrap()
		return err
	}
	if err := seedFixtures(app); err != nil {
		_ = app.ClearBootstrap()
		return err
	}
	return app.ClearBootstrap()
}

// templateUnused is how long a cached template may go unused before a
// later run removes it (far longer than a test binary may run).
const templateUnused = time.Hour

// cachedTemplate returns the cached template of the current sources,
// building it under a lock if no binary has yet.
func cachedTemplate() (string, error) {
	if os.Getenv("JANGKAU_TEST_CACHE") == "off" {
		return "", errors.New("cache off")
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	cache := filepath.Join(base, "jangkau-test", "templates")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	key, err := sourceKey()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, key)
	lock, err := os.OpenFile(filepath.Join(cache, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	// Using a template (marking it used) takes the lock shared; building
	// one and removing unused ones take it alone, so a template is never
	// removed between being found and being marked.
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_SH); err != nil {
		return "", err
	}
	if found(dir) {
		_ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
		return dir, nil
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil { // (Linux flock converts the lock)
		return "", err
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	if found(dir) { // built while this binary waited
		return dir, nil
	}
	removeUnused(cache)
	building, err := os.MkdirTemp(cache, "building-")
	if err != nil {
		return "", err
	}
	if err := buildTemplate(building); err != nil {
		_ = os.RemoveAll(building)
		return "", err
	}
	// Only a complete template gets its final name.
	if err := os.Rename(building, dir); err != nil {
		_ = os.RemoveAll(building)
		return "", err
	}
	return dir, nil
}

// found reports whether the template dir exists, and marks it used.
func found(dir string) bool {
	if _, err := os.Stat(dir); err != nil {
		return false
	}
	now := time.Now()
	_ = os.Chtimes(dir, now, now)
	return true
}

// removeUnused removes the templates (and interrupted builds) unused for
// templateUnused. Called under the lock.
func removeUnused(cache string) {
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > templateUnused {
			_ = os.RemoveAll(filepath.Join(cache, e.Name()))
		}
	}
}

// sourceKey hashes what the template is made from: every non-test Go file
// of the module, go.mod, go.sum and the files of its data directories
// (embedded area data), with the Go version and the settings key.
func sourceKey() (string, error) {
	modRoot, err := moduleRoot()
	if err != nil {
		return "", err
	}
	var files []string
	err = filepath.WalkDir(modRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != modRoot && (strings.HasPrefix(name, ".") || skipDirs[name]) {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(modRoot, path)
		inData := strings.Contains(filepath.ToSlash(rel), "/data/")
		if (strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) || name == "go.mod" || name == "go.sum" || inData {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", runtime.Version(), os.Getenv("pb_test_env"))
	for _, rel := range files {
		f, err := os.Open(filepath.Join(modRoot, rel))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// skipDirs are folders of the module that hold no input of the template.
var skipDirs = map[string]bool{"node_modules": true, "pb_public": true, "pb_data": true, "web": true,
	"tests": true, "test-output": true, "testdata": true, "docs": true}

// moduleRoot is the folder of go.mod above the test's working directory
// (go test runs a test binary in its package's folder).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
