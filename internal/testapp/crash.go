package testapp

import (
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/hooks"
	"jangkau/internal/crashpoint"
)

// crashDirEnv names, for a child process of RunKilled, the data dir it
// opens.
const crashDirEnv = "JANGKAU_CRASH_DIR"

// RunKilled runs the test named child in a new process of the test binary
// on app's data dir, with the crash point armed (crashpoint.Env), and fails
// t unless that process was killed (SIGKILL) at that point. The child
// opens the data with CrashChild and makes the write; what the kill left
// is then in app's database, for t to check.
func RunKilled(t testing.TB, app core.App, child, point string) {
	t.Helper()
	RunKilledIn(t, app.DataDir(), child, point)
}

// RunKilledIn is RunKilled for a child that works on dir (CrashDir)
// rather than on an app's data.
func RunKilledIn(t testing.TB, dir, child, point string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashpoint.Env+"="+point)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("%s was not killed (%v):\n%s", child, err, out)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("%s ended otherwise (%v):\n%s", child, err, out)
	}
	if !strings.Contains(string(out), "crashpoint: killed at "+point) {
		t.Fatalf("%s was killed before it reached %s:\n%s", child, point, out)
	}
}

// CrashDir, in the child process of RunKilledIn, is the directory it works
// on; outside a child process it skips the test.
func CrashDir(t *testing.T) string {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("helper process, not a test of its own: RunKilledIn starts it with " + crashDirEnv + " set, and it is killed at a crash point")
	}
	return dir
}

// CrashChild, in the child process of RunKilled, opens the parent's data
// dir as the server does (Jangkau's hooks, every route) and serves it over
// HTTP (Server.App is nil: use the app returned), after bind has bound
// what the test adds (a hook that calls crashpoint.Here); outside a child process it skips the test, which is then not a
// test of its own.
func CrashChild(t *testing.T, bind ...func(core.App)) (core.App, *Server) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("helper process, not a test of its own: RunKilled starts it with " + crashDirEnv + " set, and it is killed at a crash point")
	}
	app := core.NewBaseApp(Config(dir))
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	hooks.Register(app)
	for _, b := range bind {
		b(app)
	}
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{}
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		srv.URL = httptest.NewServer(mux).URL
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return app, srv
}
