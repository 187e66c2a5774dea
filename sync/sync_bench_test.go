package sync_test

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"jangkau/catalog"
	"jangkau/internal/benchdata"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

// storeDirs keeps each built store, so a size is built once per run.
var storeDirs = map[int]string{}

// store starts a fresh server on a store of n activities; writes by the
// measure that follows stay in the store when reuse is on.
func store(b *testing.B, n int, reuse bool) *benchdata.Server {
	dir, ok := storeDirs[n]
	if !ok || !reuse {
		dir = b.TempDir()
		start := time.Now()
		benchdata.Must(b, benchdata.Build(dir, n, 0))
		fmt.Printf("  built a store of %d activities in %.1fs\n", n, time.Since(start).Seconds())
		if reuse {
			storeDirs[n] = dir
		}
	}
	srv, err := benchdata.Start(dir)
	benchdata.Must(b, err)
	b.Cleanup(srv.Stop)
	return srv
}

type row struct{ what, ours, stock, ratio, goal string }

func printTable(title string, rows []row) {
	fmt.Printf("\n%s\n", title)
	fmt.Printf("| %-52s | %-18s | %-18s | %-8s | %-10s |\n", "measure", "Jangkau sync", "stock PocketBase", "ratio", "goal")
	fmt.Printf("|%s|%s|%s|%s|%s|\n", dashes(54), dashes(20), dashes(20), dashes(10), dashes(12))
	for _, r := range rows {
		fmt.Printf("| %-52s | %-18s | %-18s | %-8s | %-10s |\n", r.what, r.ours, r.stock, r.ratio, r.goal)
	}
}

func dashes(n int) string {
	s := make([]byte, n)
	for i := range s {
		s[i] = '-'
	}
	return string(s)
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

// BenchmarkSyncVsStock measures the sync endpoints against stock PocketBase
// endpoints on the same data, on the real binary, and prints one table.
func BenchmarkSyncVsStock(b *testing.B) {
	small := benchdata.EnvInt("JANGKAU_BENCH_SMALL", 10_000)
	medium := benchdata.EnvInt("JANGKAU_BENCH_MEDIUM", 100_000)
	large := benchdata.EnvInt("JANGKAU_BENCH_LARGE", 1_000_000)
	var rows []row

	// JANGKAU_BENCH_ONLY=push|download|uptodate|incremental|memory runs one part.
	only := func(part string) bool {
		o := os.Getenv("JANGKAU_BENCH_ONLY")
		return o == "" || o == part
	}

	// 1. push throughput: 5,000 new activities in requests of 500
	if only("push") {
		srv := store(b, small, false)
		officer, err := srv.Login(benchdata.Officer)
		benchdata.Must(b, err)
		const total, per = 5000, 500
		body := func(i int) map[string]any {
			d := tt.Activity(benchdata.OfficerArea)
			d["title"] = fmt.Sprintf("Kegiatan %d", i)
			return d
		}
		start := time.Now()
		for r := 0; r < total/per; r++ {
			muts := make([]sync.Mutation, per)
			for i := range muts {
				n := r*per + i
				muts[i] = sync.Mutation{MutationID: fmt.Sprint(n), Collection: catalog.Activities, ID: fmt.Sprintf("syncpush%08d", n), Op: "upsert", Data: body(n)}
			}
			status, err := srv.Do("POST", "/api/sync/push", officer, map[string]any{"clientId": "bench", "mutations": muts}, nil)
			if err != nil || status != 200 {
				b.Fatalf("push: %d %v", status, err)
			}
		}
		ours := time.Since(start)
		start = time.Now()
		for r := 0; r < total/per; r++ {
			reqs := make([]map[string]any, per)
			for i := range reqs {
				n := r*per + i
				d := body(n)
				d["id"] = fmt.Sprintf("stockpush%08d", n)
				reqs[i] = map[string]any{"method": "POST", "url": "/api/collections/activities/records", "body": d}
			}
			status, err := srv.Do("POST", "/api/batch", officer, map[string]any{"requests": reqs}, nil)
			if err != nil || status != 200 {
				b.Fatalf("batch: %d %v", status, err)
			}
		}
		stock := time.Since(start)
		rows = append(rows, row{
			fmt.Sprintf("push %d records, %d per request (records/s)", total, per),
			fmt.Sprintf("%.0f", total/ours.Seconds()), fmt.Sprintf("%.0f (/api/batch)", total/stock.Seconds()),
			fmt.Sprintf("%.2fx", stock.Seconds()/ours.Seconds()), ">= 2x",
		})
		srv.Stop()
	}

	// 2. full pull (initial download) vs stock paginated list
	if only("download") {
		srv := store(b, medium, false)
		sec, err := srv.Login(benchdata.Secretariat)
		benchdata.Must(b, err)
		start := time.Now()
		got := fullPull(b, srv, sec)
		ours := time.Since(start)
		start = time.Now()
		stockGot := 0
		for p := 1; ; p++ {
			var page struct {
				Items []interface{} `json:"items"`
			}
			status, err := srv.Do("GET", fmt.Sprintf("/api/collections/activities/records?perPage=500&page=%d&skipTotal=1&sort=id", p), sec, nil, &page)
			if err != nil || status != 200 {
				b.Fatalf("list: %d %v", status, err)
			}
			stockGot += len(page.Items)
			if len(page.Items) < 500 {
				break
			}
		}
		stock := time.Since(start)
		if got != medium || stockGot != medium {
			b.Fatalf("pulled %d, listed %d, want %d", got, stockGot, medium)
		}
		rows = append(rows, row{
			fmt.Sprintf("full download of %d records (records/s)", medium),
			fmt.Sprintf("%.0f", float64(got)/ours.Seconds()), fmt.Sprintf("%.0f (list, 500/page)", float64(stockGot)/stock.Seconds()),
			fmt.Sprintf("%.2fx", stock.Seconds()/ours.Seconds()), ">= 4x",
		})
		rows = append(rows, row{"peak server memory, that download (MB)", "-", fmt.Sprintf("%.0f (both runs)", float64(srv.PeakRSS())/1e6), "", ""})
		srv.Stop()
	}

	// 3. incremental pull of 10 changes: large store vs small store
	incremental := func(n int) (time.Duration, time.Duration) {
		srv := store(b, n, true)
		officer, err := srv.Login(benchdata.Officer)
		benchdata.Must(b, err)
		sec, err := srv.Login(benchdata.Secretariat)
		benchdata.Must(b, err)
		var head struct {
			Cursor int64 `json:"cursor"`
		}
		_, err = srv.Do("GET", "/api/sync/pull?cursor=999999999999", sec, nil, nil) // warm the connection
		benchdata.Must(b, err)
		status, err := srv.Do("POST", "/api/sync/push", officer, map[string]any{"clientId": "warm", "mutations": []any{}}, &head)
		if err != nil || status != 200 {
			b.Fatalf("head: %d %v", status, err)
		}
		muts := make([]sync.Mutation, 10)
		for i := range muts {
			muts[i] = sync.Mutation{MutationID: fmt.Sprint("inc", i), Collection: catalog.Activities, ID: fmt.Sprintf("incremental%05d", i), Op: "upsert", Data: tt.Activity(benchdata.OfficerArea)}
		}
		status, err = srv.Do("POST", "/api/sync/push", officer, map[string]any{"clientId": "inc", "mutations": muts}, nil)
		if err != nil || status != 200 {
			b.Fatalf("push: %d %v", status, err)
		}
		measure := func(token string) time.Duration {
			var d []time.Duration
			for i := 0; i < 31; i++ {
				var page struct {
					Changes []interface{} `json:"changes"`
				}
				start := time.Now()
				status, err := srv.Do("GET", fmt.Sprintf("/api/sync/pull?cursor=%d", head.Cursor), token, nil, &page)
				d = append(d, time.Since(start))
				if err != nil || status != 200 || len(page.Changes) != 10 {
					b.Fatalf("incremental: %d %v %d changes", status, err, len(page.Changes))
				}
			}
			return median(d)
		}
		o, s := measure(officer), measure(sec)
		srv.Stop()
		return o, s
	}
	// up-to-date pulls (the most frequent request): how many per second 8
	// phones get, polling with the cursor of the feed's end
	upToDate := func(n int) float64 {
		srv := store(b, n, true)
		officer, err := srv.Login(benchdata.Officer)
		benchdata.Must(b, err)
		var head struct {
			Cursor int64 `json:"cursor"`
		}
		status, err := srv.Do("POST", "/api/sync/push", officer, map[string]any{"clientId": "head", "mutations": []any{}}, &head)
		if err != nil || status != 200 {
			b.Fatalf("head: %d %v", status, err)
		}
		rate, failed := benchdata.Rate(srv, officer, fmt.Sprintf("/api/sync/pull?cursor=%d&clientId=poller&appVersion=1.0.0&queueLength=0", head.Cursor), 8, 3*time.Second)
		if failed > 0 {
			b.Fatalf("%d up-to-date pulls failed", failed)
		}
		srv.Stop()
		return rate
	}
	if only("uptodate") {
		smallRate, largeRate := upToDate(small), upToDate(large)
		rows = append(rows, row{fmt.Sprintf("up-to-date pulls, 8 clients (requests/s): %d vs %d store", large, small),
			fmt.Sprintf("%.0f vs %.0f", largeRate, smallRate), "-", fmt.Sprintf("%.2f", largeRate/smallRate), ">= 5,000/s, ~1"})
	}

	if only("incremental") {
		smallOfficer, smallProvince := incremental(small)
		largeOfficer, largeProvince := incremental(large)
		rows = append(rows,
			row{fmt.Sprintf("incremental pull of 10 changes, officer: %d vs %d store", large, small),
				fmt.Sprintf("%.2f ms vs %.2f ms", ms(largeOfficer), ms(smallOfficer)), "-", fmt.Sprintf("%.2f", largeOfficer.Seconds()/smallOfficer.Seconds()), "<= 1.5"},
			row{fmt.Sprintf("incremental pull of 10 changes, province: %d vs %d", large, small),
				fmt.Sprintf("%.2f ms vs %.2f ms", ms(largeProvince), ms(smallProvince)), "-", fmt.Sprintf("%.2f", largeProvince.Seconds()/smallProvince.Seconds()), "<= 1.5"},
		)
	}

	// 4. peak memory of the server during a full pull of the large store
	if only("memory") {
		srv := store(b, large, true)
		sec, err := srv.Login(benchdata.Secretariat)
		benchdata.Must(b, err)
		before := srv.PeakRSS()
		start := time.Now()
		got := fullPull(b, srv, sec)
		took := time.Since(start)
		status, size, err := srv.DoCount("GET", "/api/sync/watermelon?last_pulled_at=0&tables=activities", sec, nil, nil)
		if err != nil || status != 200 {
			b.Fatalf("watermelon: %d %v", status, err)
		}
		rows = append(rows,
			row{fmt.Sprintf("full pull of %d records, native pages (s)", got), fmt.Sprintf("%.1f", took.Seconds()), "-", "", ""},
			row{"then one WatermelonDB first sync, one answer (MB)", fmt.Sprintf("%.0f", float64(size)/1e6), "-", "", ""},
			row{"peak server memory over both (MB)", fmt.Sprintf("%.0f (idle %.0f)", float64(srv.PeakRSS())/1e6, float64(before)/1e6), "-", "", "< 200"},
		)
	}
	printTable("Sync engine vs stock PocketBase (same binary, same data, loopback HTTP)", rows)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fullPull downloads every activity in pages of the largest size and
// returns how many changes came.
func fullPull(b *testing.B, srv *benchdata.Server, token string) int {
	var cursor int64
	got := 0
	for {
		var page struct {
			Cursor  int64         `json:"cursor"`
			HasMore bool          `json:"hasMore"`
			Changes []interface{} `json:"changes"`
		}
		status, err := srv.Do("GET", fmt.Sprintf("/api/sync/pull?cursor=%d&limit=%d&collections=activities", cursor, sync.MaxPageSize), token, nil, &page)
		if err != nil || status != 200 {
			b.Fatalf("pull: %d %v", status, err)
		}
		got += len(page.Changes)
		cursor = page.Cursor
		if !page.HasMore {
			return got
		}
	}
}
