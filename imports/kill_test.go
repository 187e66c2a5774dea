package imports_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/audit"
	"jangkau/hooks"
	"jangkau/imports"
	tt "jangkau/internal/testapp"
)

// killDirEnv names, for the child process of TestImportKilledMidWay, the
// data dir to import into.
const killDirEnv = "JANGKAU_IMPORT_KILL_DIR"

// killAt is the row after which the child process kills itself.
const killAt = 25

// killRows is the file the child imports: 40 new indicators.
func killRows(t testing.TB) []byte {
	var rows [][]any
	for i := range 40 {
		rows = append(rows, radRow(fmt.Sprintf("KILL.%02d", i), nil))
	}
	return book(t, "Indikator", radHeader, rows...)
}

// A server process killed (SIGKILL) while a confirm is writing leaves the
// database as it was before the import: the rows written so far were in
// the import's one transaction, which SQLite never committed. Then the
// same import goes through whole.
func TestImportKilledMidWay(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	before := stateOf(t, app)
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportKilledChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), killDirEnv+"="+app.DataDir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the child was not killed (%v):\n%s", err, out)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child ended otherwise (%v):\n%s", err, out)
	}
	if !strings.Contains(string(out), fmt.Sprintf("killing at row %d of 40", killAt)) {
		t.Fatalf("the child did not reach the writing of row %d:\n%s", killAt, out)
	}
	if after := stateOf(t, app); after != before {
		t.Fatalf("the killed import left writes: %s -> %s", before, after)
	}
	if n := count(t, &tt.Server{App: app}, "SELECT COUNT(*) FROM rad_indicators WHERE code LIKE 'KILL.%'"); n != 0 {
		var codes []string
		_ = app.DB().NewQuery("SELECT code || ' ' || created FROM rad_indicators WHERE code LIKE 'KILL.%'").Column(&codes)
		t.Fatalf("%d indicators of the killed import: %v; before %s after %s", n, codes, before, stateOf(t, app))
	}
	// the database is sound: the same import now writes all 40
	res, err := imports.Execute(app, imports.Of(imports.RadKind), secretariatActor(t, app), audit.Actor{UserID: tt.UserID(tt.Secretariat)},
		killRows(t), imports.Options{Confirm: true, FileName: "k.xlsx"})
	if err != nil || !res.Written || res.Counts.New != 40 {
		t.Fatalf("after the kill: %v %+v %+v", err, res.Counts, res.Errors)
	}
}

// TestImportKilledChild is the child process of TestImportKilledMidWay: it
// opens the parent's data dir as a server would and kills itself in the
// middle of a confirm.
func TestImportKilledChild(t *testing.T) {
	dir := os.Getenv(killDirEnv)
	if dir == "" {
		t.Skip("helper process, not a test of its own: TestImportKilledMidWay starts it with " + killDirEnv + " set, and it kills itself mid-import")
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	hooks.Register(app)
	_, err := imports.Execute(app, imports.Of(imports.RadKind), secretariatActor(t, app), audit.Actor{UserID: tt.UserID(tt.Secretariat)},
		killRows(t), imports.Options{Confirm: true, FileName: "k.xlsx", Progress: func(stage string, done, total int) {
			if stage == imports.StageWriting && done == killAt {
				fmt.Printf("killing at row %d of %d\n", done, total)
				_ = os.Stdout.Sync()
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		}})
	t.Fatalf("the import ended without the kill: %v", err)
}

func secretariatActor(t testing.TB, app core.App) access.Actor {
	t.Helper()
	u, err := app.FindAuthRecordByEmail("users", tt.Secretariat)
	if err != nil {
		t.Fatal(err)
	}
	return access.ActorOf(u)
}

// A confirm of new accounts hashes their passwords between a checking pass
// and the writing pass, outside the transaction (bcrypt at cost 10 for
// each new account would otherwise hold the database's write lock, and
// every phone's sync, for minutes).
func TestAccountsPasswordsPreparedOutsideTheTransaction(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	u, err := app.FindAuthRecordByEmail("users", tt.VerifierA)
	if err != nil {
		t.Fatal(err)
	}
	data := book(t, "Akun", accountHeader,
		[]any{"satu@desa.id", "Satu", "village_officer", tt.VillageA}, []any{"dua@desa.id", "Dua", "village_officer", tt.VillageA2})
	var stages []string
	res, err := imports.Execute(app, imports.Of(imports.AccountsKind), access.ActorOf(u), audit.Actor{UserID: u.Id}, data,
		imports.Options{Confirm: true, Progress: func(stage string, done, total int) {
			if len(stages) == 0 || stages[len(stages)-1] != stage {
				stages = append(stages, stage)
			}
		}})
	if err != nil || !res.Written || len(res.Secrets) != 2 {
		t.Fatalf("%v %+v", err, res)
	}
	if fmt.Sprint(stages) != "[checking preparing writing]" {
		t.Errorf("stages %v", stages)
	}
	for _, s := range res.Secrets {
		rec, err := app.FindAuthRecordByEmail("users", s.Key)
		if err != nil || !rec.ValidatePassword(s.Value) {
			t.Errorf("%s: the prepared password does not sign in (%v)", s.Key, err)
		}
	}
}

// BenchmarkRadImport2000 previews, then confirms, a RAD matrix of 2,000
// new indicators (the most one import takes): the time the write lock is
// held for each.
func BenchmarkRadImport2000(b *testing.B) {
	var rows [][]any
	for i := range 2000 {
		rows = append(rows, radRow(fmt.Sprintf("B.%04d", i), nil))
	}
	data := book(b, "Indikator", radHeader, rows...)
	var took [2]time.Duration
	for b.Loop() {
		b.StopTimer()
		app := tt.New(b)
		a := secretariatActor(b, app)
		b.StartTimer()
		for i, confirm := range []bool{false, true} {
			start := time.Now()
			res, err := imports.Execute(app, imports.Of(imports.RadKind), a, audit.Actor{UserID: a.ID}, data, imports.Options{Confirm: confirm})
			if err != nil || res.Counts.New != 2000 {
				b.Fatalf("%v %+v", err, res.Counts)
			}
			took[i] += time.Since(start)
		}
	}
	b.ReportMetric(float64(took[0].Milliseconds())/float64(b.N), "ms/preview")
	b.ReportMetric(float64(took[1].Milliseconds())/float64(b.N), "ms/confirm")
}
