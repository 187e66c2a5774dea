// Package tools builds the helper servers the operations tests start as
// real processes (an S3 server, Litestream) once per machine, into
// ${XDG_CACHE_HOME:-$HOME/.cache}/jangkau-tools/, and reuses them after.
package tools

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Tool is a Go command built from its module at a pinned version.
type Tool struct {
	Name    string // binary name
	Package string // go install path, without version
	Version string
	Cgo     bool // needs cgo (a C compiler): Litestream links SQLite's C code
}

// Pinned helper servers.
var (
	// VersityGW is versitygw, an S3 server with a plain-directory backend.
	VersityGW = Tool{Name: "versitygw", Package: "github.com/versity/versitygw/cmd/versitygw", Version: "v1.8.0"}
	// Litestream replicates SQLite databases to S3.
	Litestream = Tool{Name: "litestream", Package: "github.com/benbjohnson/litestream/cmd/litestream", Version: "v0.5.18", Cgo: true}
)

// CacheDir is where the binaries are kept.
func CacheDir() string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "jangkau-tools")
}

// Path is where the tool's binary is (or will be) cached.
func (tl Tool) Path() string { return filepath.Join(CacheDir(), tl.Name+"-"+tl.Version) }

// Binary returns the cached binary, building it first when it is missing
// (go install, under a lock so that parallel test binaries build it once).
// The build time is logged: CI builds each tool once per fresh machine.
func (tl Tool) Binary(t testing.TB) string {
	t.Helper()
	path := tl.Path()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll(CacheDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(path); err == nil { // built while we waited
		return path
	}
	gobin, err := os.MkdirTemp(CacheDir(), ".build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(gobin)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", tl.Package+"@"+tl.Version)
	// its own module, not this one: no -mod=mod, no workspace
	cgo := "0"
	if tl.Cgo {
		cgo = "1"
	}
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOWORK=off", "CGO_ENABLED="+cgo)
	cmd.Dir = os.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s %s: %v\n%s", tl.Name, tl.Version, err, out)
	}
	if err := os.Rename(filepath.Join(gobin, tl.Name), path); err != nil {
		t.Fatal(err)
	}
	msg := fmt.Sprintf("built %s %s in %.0fs into %s", tl.Name, tl.Version, time.Since(start).Seconds(), path)
	t.Log(msg)
	_ = os.WriteFile(path+".buildtime", []byte(msg+"\n"), 0o644)
	return path
}

// FreePort returns a loopback address with a free port.
func FreePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// WaitListening waits until addr accepts connections.
func WaitListening(t testing.TB, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not listening after %s: %v", addr, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// S3 is a running S3 server on loopback.
type S3 struct {
	Endpoint, Bucket, Region, AccessKey, Secret string
	Dir                                         string // its backing directory (bucket = Dir/Bucket)
}

// StartS3 starts versitygw on a free loopback port over a temporary
// directory holding one empty bucket; it is stopped when the test ends.
func StartS3(t testing.TB) *S3 {
	t.Helper()
	bin := VersityGW.Binary(t)
	s := &S3{Bucket: "jangkau", Region: "us-east-1", AccessKey: "jangkau-test-key", Secret: "jangkau-test-secret-0123456789", Dir: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(s.Dir, s.Bucket), 0o755); err != nil {
		t.Fatal(err)
	}
	addr := FreePort(t)
	s.Endpoint = "http://" + addr
	cmd := exec.Command(bin, "--access", s.AccessKey, "--secret", s.Secret, "--region", s.Region, "--port", addr, "posix", s.Dir)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", out.String())
		}
	})
	WaitListening(t, addr, 30*time.Second)
	return s
}
