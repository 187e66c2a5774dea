package sync_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
	"jangkau/txbatch"
)

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPush pushes b.N requests of per new activities through the real
// router, one after the other, and reports the CPU time per record (the
// test's HTTP client included): a machine shared with other work makes
// wall time noisy, CPU time much less so.
func benchPush(b *testing.B, per int) {
	srv := tt.NewServer(b)
	tok := tt.Token(b, srv.App, tt.OfficerA)
	n := 0
	push := func() {
		muts := make([]sync.Mutation, per)
		for i := range muts {
			n++
			muts[i] = sync.Mutation{MutationID: fmt.Sprint("m", n), Collection: catalog.Activities, ID: fmt.Sprintf("benchpush%09d", n), Op: "upsert", Data: tt.Activity(tt.VillageA)}
		}
		res := srv.Do(b, http.MethodPost, "/api/sync/push", tok, map[string]any{"clientId": "bench-phone", "mutations": muts})
		if res.Status != http.StatusOK {
			b.Fatalf("push: %d %s", res.Status, res.Body)
		}
	}
	push() // warm: the device record, prepared statements
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		push()
	}
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N*per), "cpu-µs/record")
}

func BenchmarkPushOf5(b *testing.B)   { benchPush(b, 5) }
func BenchmarkPushOf500(b *testing.B) { benchPush(b, 500) }

// BenchmarkRequestFloor is the CPU of the lightest requests, for scale: the
// health check and an empty push.
func BenchmarkRequestFloor(b *testing.B) {
	srv := tt.NewServer(b)
	if os.Getenv("NOLOGS") != "" {
		s := srv.App.Settings()
		s.Logs.MaxDays = 0
		if err := srv.App.Save(s); err != nil {
			b.Fatal(err)
		}
	}
	tok := tt.Token(b, srv.App, tt.OfficerA)
	// an up-to-date pull asks from the feed's head (a cursor past it is a
	// restored server's answer, 409)
	var cursor float64
	for more := true; more; {
		page := srv.Do(b, http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d&limit=5000", int64(cursor)), tok, nil)
		next, ok := page.JSON()["cursor"].(float64)
		if page.Status != http.StatusOK || !ok {
			b.Fatalf("pull to the head: %d %s", page.Status, page.Body)
		}
		cursor, more = next, page.JSON()["hasMore"] == true
	}
	for _, c := range []struct {
		name, method, path string
		body               any
	}{
		{"health", http.MethodGet, "/api/health", nil},
		{"emptypush", http.MethodPost, "/api/sync/push", map[string]any{"clientId": "bench-phone", "mutations": []any{}}},
		{"emptypull", http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d", int64(cursor)), nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			if res := srv.Do(b, c.method, c.path, tok, c.body); res.Status != http.StatusOK {
				b.Fatalf("%s: %d %s", c.name, res.Status, res.Body)
			}
			start := cpuTime()
			for i := 0; i < b.N; i++ {
				srv.Do(b, c.method, c.path, tok, c.body)
			}
			b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/request")
		})
	}
}

// BenchmarkApply applies pushes of 5 new activities straight through the
// Pusher (no HTTP), for profiles with whole stacks of the record hooks.
func BenchmarkApply(b *testing.B) {
	per := 5
	if v, err := strconv.Atoi(os.Getenv("JANGKAU_BENCH_PER")); err == nil && v > 0 {
		per = v
	}
	app := tt.New(b)
	user, err := app.FindAuthRecordByEmail("users", tt.OfficerA)
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := json.Marshal(tt.Activity(tt.VillageA))
	data := func() map[string]any { // as a phone's JSON decodes
		var d map[string]any
		_ = json.Unmarshal(raw, &d)
		return d
	}
	n := 0
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		p := &sync.Pusher{Actor: access.ActorOf(user), Auth: user, ClientID: "bench-phone", Flavor: sync.Native}
		muts := make([]sync.Mutation, per)
		for i := range muts {
			n++
			muts[i] = sync.Mutation{MutationID: fmt.Sprint("m", n), Collection: catalog.Activities, ID: fmt.Sprintf("benchapply%09d", n), Op: "upsert", Data: data()}
		}
		err := txbatch.Run(app, func(tx core.App) error {
			if err := p.Prepare(tx, muts); err != nil {
				return err
			}
			for _, m := range muts {
				if res, err := p.Apply(tx, m, nil); err != nil || res.Status != sync.StatusApplied {
					return fmt.Errorf("%v %+v", err, res)
				}
			}
			return p.Flush(tx)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N*per), "cpu-µs/record")
}
