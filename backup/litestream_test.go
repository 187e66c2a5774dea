//go:build ops

package backup_test

// The restore drill with Litestream (make test-ops): phones push under load
// while Litestream replicates data.db to a real S3 server (versitygw); the
// disk is lost; data.db is restored from S3 and the server started on it.
// The recovery point (seconds of acknowledged writes lost) and the restore
// time are logged and written to test-output/ops/litestream-drill.txt.

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"jangkau/audit"
	"jangkau/hooks"
	tt "jangkau/internal/testapp"
	"jangkau/internal/tools"
)

// litestreamConfig replicates dbPath to the S3 server every second.
func litestreamConfig(t *testing.T, s3 *tools.S3, dbPath string) string {
	t.Helper()
	cfg := fmt.Sprintf(`dbs:
  - path: %s
    replica:
      type: s3
      bucket: %s
      path: litestream/data.db
      endpoint: %s
      region: %s
      access-key-id: %s
      secret-access-key: %s
      force-path-style: true
      sync-interval: 1s
`, dbPath, s3.Bucket, s3.Endpoint, s3.Region, s3.AccessKey, s3.Secret)
	path := filepath.Join(t.TempDir(), "litestream.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// litestreamEnv is the environment without AWS_CA_BUNDLE: the S3 server
// is plain HTTP on loopback, and the AWS SDK refuses a CA bundle with the
// HTTP client Litestream gives it.
func litestreamEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") {
			env = append(env, kv)
		}
	}
	return env
}

func TestLitestreamRestoreDrill(t *testing.T) {
	bin := tools.Litestream.Binary(t)
	s3 := tools.StartS3(t)
	srv := tt.NewServer(t)
	dataDir := srv.App.DataDir()
	dbPath := filepath.Join(dataDir, "data.db")
	cfg := litestreamConfig(t, s3, dbPath)

	var lsOut strings.Builder
	ls := exec.Command(bin, "replicate", "-config", cfg)
	ls.Env = litestreamEnv()
	ls.Stdout, ls.Stderr = &lsOut, &lsOut
	if err := ls.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = ls.Process.Kill()
			_ = ls.Wait()
		}
		if t.Failed() {
			t.Logf("litestream output:\n%s", lsOut.String())
		}
	})
	time.Sleep(3 * time.Second) // its first snapshot

	// four phones push 10 activities at a time until the disk is lost
	type ack struct {
		id string
		at time.Time
	}
	var (
		mu     sync.Mutex
		acked  []ack
		pushes int
		failed int // pushes answered 5xx
		stop   = make(chan struct{})
		wg     sync.WaitGroup
	)
	officers := []string{tt.OfficerA, tt.OfficerA2, tt.OfficerB, tt.OfficerA}
	villages := []string{tt.VillageA, tt.VillageA2, tt.VillageB, tt.VillageA}
	for p := range officers {
		tok := tt.Token(t, srv.App, officers[p])
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := 0; ; batch++ {
				select {
				case <-stop:
					return
				default:
				}
				var muts []any
				var ids []string
				for i := range 10 {
					id := fmt.Sprintf("drillphone%dp%05db%d", p, batch, i)
					ids = append(ids, id)
					muts = append(muts, map[string]any{"mutationId": id, "collection": "activities", "id": id, "op": "upsert",
						"data": tt.Activity(villages[p])})
				}
				// a 5xx says "nothing was saved, push again": phones
				// resend the same mutations (exactly once by mutationId).
				// None is expected: write transactions begin IMMEDIATE
				// (internal/dbconn), so Litestream's writes into data.db
				// make a push wait, not fail with SQLITE_BUSY.
				body := map[string]any{"clientId": fmt.Sprintf("drill-phone-%d", p), "mutations": muts}
				res := srv.Do(t, http.MethodPost, "/api/sync/push", tok, body)
				mu.Lock()
				pushes++
				mu.Unlock()
				for try := 0; res.Status >= 500 && try < 10; try++ {
					mu.Lock()
					failed++
					mu.Unlock()
					t.Logf("push answered %d: %.200s", res.Status, res.Body)
					time.Sleep(100 * time.Millisecond)
					res = srv.Do(t, http.MethodPost, "/api/sync/push", tok, body)
					mu.Lock()
					pushes++
					mu.Unlock()
				}
				now := time.Now()
				if res.Status != http.StatusOK || strings.Count(string(res.Body), `"applied"`) != 10 {
					t.Errorf("push: %d %.300s", res.Status, res.Body)
					return
				}
				mu.Lock()
				for _, id := range ids {
					acked = append(acked, ack{id, now})
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(15 * time.Second)

	// the disk is lost: Litestream dies with it, nothing more is acknowledged
	mu.Lock()
	lossAt := time.Now()
	_ = ls.Process.Kill()
	_ = ls.Wait()
	killed = true
	close(stop)
	ackedAtLoss := append([]ack(nil), acked...)
	mu.Unlock()
	wg.Wait()
	if failed > 0 {
		t.Errorf("%d of %d pushes under Litestream answered 5xx", failed, pushes)
	}
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}

	// restore from S3 into a new data directory
	newDir := filepath.Join(t.TempDir(), "pb_data")
	if err := os.MkdirAll(newDir, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	restore := exec.Command(bin, "restore", "-config", cfg, "-o", filepath.Join(newDir, "data.db"), dbPath)
	restore.Env = litestreamEnv()
	out, err := restore.CombinedOutput()
	restoreTime := time.Since(start)
	if err != nil {
		t.Fatalf("litestream restore: %v\n%s", err, out)
	}
	st, _ := os.Stat(filepath.Join(newDir, "data.db"))

	// start the server on it
	startAt := time.Now()
	app, err := tests.NewTestAppWithConfig(tt.Config(newDir))
	if err != nil {
		t.Fatal(err)
	}
	hooks.Register(app)
	t.Cleanup(app.Cleanup)
	restored := tt.Serve(t, app)
	startTime := time.Since(startAt)
	if res := restored.Do(t, http.MethodGet, "/api/ready", "", nil); res.Status != http.StatusOK {
		t.Fatalf("restored server not ready: %d %s", res.Status, res.Body)
	}
	var integrity string
	if err := app.DB().NewQuery("PRAGMA integrity_check").Row(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity: %q %v", integrity, err)
	}
	if v, err := audit.Verify(app); err != nil || len(v.Problems) > 0 {
		t.Fatalf("audit chain after restore: %+v %v", v, err)
	}

	// what was lost: acknowledged records missing from the restored data
	var lost []ack
	for _, a := range ackedAtLoss {
		if _, err := app.FindRecordById("activities", a.id); err != nil {
			lost = append(lost, a)
		}
	}
	rpo := time.Duration(0)
	for _, a := range lost {
		if d := lossAt.Sub(a.at); d > rpo {
			rpo = d
		}
	}
	if len(ackedAtLoss) < 100 || len(lost) == len(ackedAtLoss) {
		t.Fatalf("drill: %d acknowledged, %d lost", len(ackedAtLoss), len(lost))
	}
	report := fmt.Sprintf("Litestream %s drill, sync-interval 1s, 4 phones pushing 10 activities per request for 15 s:\n"+
		"  acknowledged %d records in %d pushes; %d pushes answered 5xx; lost %d (recovery point %.1f s of writes)\n"+
		"  restore from S3: %.2f s for a %d-byte data.db; server start on it: %.2f s\n",
		tools.Litestream.Version, len(ackedAtLoss), pushes, failed, len(lost), rpo.Seconds(), restoreTime.Seconds(), st.Size(), startTime.Seconds())
	t.Log(report)
	if dir := os.Getenv("JANGKAU_OPS_REPORT_DIR"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "litestream-drill.txt"), []byte(report), 0o644)
	}
}
