package sync_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"jangkau/internal/benchdata"
)

// storeRun is one run of BenchmarkStores: Jangkau (J) and stock
// PocketBase (S) on stores of the small and the large size.
type storeRun struct {
	Small, Large int
	// up-to-date pulls per second, 8 clients polling
	UpToDateJSmall, UpToDateJLarge, UpToDateSSmall, UpToDateSLarge float64
	// first pull of every record of the large store: peak memory (MB,
	// VmHWM of a freshly started server) and seconds
	FirstPullJPeak, FirstPullJSecs, FirstPullSPeak, FirstPullSSecs float64
	FirstPullRecords                                               int
}

// BenchmarkStores measures, on stores of 10,000 and 1,000,000 activities
// (built once), the up-to-date pull rate and the peak memory of a first
// pull of the large store, for Jangkau and for unmodified PocketBase
// (STOCK_BIN, on the same rows) side by side. JANGKAU_BENCH_RUNS runs it
// that many times; JANGKAU_BENCH_JSON names a file for the runs' figures
// (bench/anchor.mjs reads it into its table).
func BenchmarkStores(b *testing.B) {
	small := benchdata.EnvInt("JANGKAU_BENCH_SMALL", 10_000)
	large := benchdata.EnvInt("JANGKAU_BENCH_LARGE", 1_000_000)
	runs := benchdata.EnvInt("JANGKAU_BENCH_RUNS", 1)
	stockBin := os.Getenv("STOCK_BIN")

	jdirs, sdirs := map[int]string{}, map[int]string{}
	for _, n := range []int{small, large} {
		start := time.Now()
		jdirs[n] = b.TempDir()
		benchdata.Must(b, benchdata.Build(jdirs[n], n, 0))
		if stockBin != "" {
			sdirs[n] = b.TempDir()
			benchdata.Must(b, benchdata.BuildStock(sdirs[n], jdirs[n], n))
		}
		fmt.Fprintf(os.Stderr, "  built stores of %d activities in %.0f s\n", n, time.Since(start).Seconds())
	}

	// upToDate: pulls that find nothing new, polled with the feed's end
	// (Jangkau) or updated > now (stock), as one village officer.
	upToDate := func(bin, dir string, stock bool) float64 {
		srv, err := benchdata.StartBinary(bin, dir)
		benchdata.Must(b, err)
		defer srv.Stop()
		path := ""
		token := ""
		if stock {
			token, err = srv.Login(benchdata.Superuser)
			benchdata.Must(b, err)
			since := time.Now().Add(time.Minute).UTC().Format("2006-01-02 15:04:05.000Z")
			path = "/api/collections/activities/records?perPage=500&skipTotal=1&filter=" +
				url.QueryEscape(fmt.Sprintf(`village="%s" && updated > "%s"`, benchdata.OfficerArea, since))
		} else {
			token, err = srv.Login(benchdata.Officer)
			benchdata.Must(b, err)
			var head struct {
				Cursor int64 `json:"cursor"`
			}
			status, err := srv.Do("POST", "/api/sync/push", token, map[string]any{"clientId": "head", "mutations": []any{}}, &head)
			if err != nil || status != 200 {
				b.Fatalf("head: %d %v", status, err)
			}
			path = fmt.Sprintf("/api/sync/pull?cursor=%d&clientId=poller&appVersion=1.0.0&queueLength=0", head.Cursor)
		}
		rate, failed := benchdata.Rate(srv, token, path, 8, 3*time.Second)
		if failed > 0 {
			b.Fatalf("%d up-to-date pulls failed", failed)
		}
		return rate
	}

	// firstPull downloads every activity of the large store on a fresh
	// server: Jangkau's native pages of the largest size as the province
	// secretariat, stock's list in pages of 500 (by id, the cheapest
	// order) as a superuser.
	firstPull := func(bin, dir string, stock bool) (peak, secs float64, got int) {
		srv, err := benchdata.StartBinary(bin, dir)
		benchdata.Must(b, err)
		defer srv.Stop()
		start := time.Now()
		if stock {
			token, err := srv.Login(benchdata.Superuser)
			benchdata.Must(b, err)
			last := ""
			for {
				var page struct {
					Items []struct {
						ID string `json:"id"`
					} `json:"items"`
				}
				status, err := srv.Do("GET", "/api/collections/activities/records?perPage=500&skipTotal=1&sort=id&filter="+
					url.QueryEscape(fmt.Sprintf(`id > "%s"`, last)), token, nil, &page)
				if err != nil || status != 200 {
					b.Fatalf("stock list: %d %v", status, err)
				}
				got += len(page.Items)
				if len(page.Items) < 500 {
					break
				}
				last = page.Items[len(page.Items)-1].ID
			}
		} else {
			token, err := srv.Login(benchdata.Secretariat)
			benchdata.Must(b, err)
			got = fullPull(b, srv, token)
		}
		return float64(srv.PeakRSS()) / (1 << 20), time.Since(start).Seconds(), got
	}

	jbin, err := benchdata.Binary()
	benchdata.Must(b, err)
	var out []storeRun
	for r := 0; r < runs; r++ {
		run := storeRun{Small: small, Large: large}
		run.UpToDateJSmall = upToDate(jbin, jdirs[small], false)
		run.UpToDateJLarge = upToDate(jbin, jdirs[large], false)
		run.FirstPullJPeak, run.FirstPullJSecs, run.FirstPullRecords = firstPull(jbin, jdirs[large], false)
		if stockBin != "" {
			run.UpToDateSSmall = upToDate(stockBin, sdirs[small], true)
			run.UpToDateSLarge = upToDate(stockBin, sdirs[large], true)
			var got int
			run.FirstPullSPeak, run.FirstPullSSecs, got = firstPull(stockBin, sdirs[large], true)
			if got != large {
				b.Fatalf("stock listed %d of %d", got, large)
			}
		}
		if run.FirstPullRecords != large {
			b.Fatalf("pulled %d of %d", run.FirstPullRecords, large)
		}
		out = append(out, run)
		fmt.Fprintf(os.Stderr, "  run %d: %+v\n", r+1, run)
	}
	if p := os.Getenv("JANGKAU_BENCH_JSON"); p != "" {
		raw, _ := json.Marshal(out)
		benchdata.Must(b, os.WriteFile(p, raw, 0o644))
	}
}
