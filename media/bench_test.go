package media_test

// BenchmarkPhotoPipeline prints three side-by-side comparisons for
// 12-megapixel phone JPEGs it generates itself (4000 x 3000, quality 92,
// EXIF with camera serial and GPS, the statistics of real photos):
//
//  1. bytes stored vs the original, and processing time per photo;
//  2. peak resident memory while ten 12-megapixel uploads arrive at once,
//     with the decode limit (2) and without it (10);
//  3. the bytes a phone downloads to show a village's 50 most recent
//     photos as 320 px thumbnails, vs stock PocketBase serving originals.
//
// Run: make bench (or go test -run '^$' -bench Photo -benchtime 1x ./media/).

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/media"
)

const benchOriginals = 5

var (
	benchOnce sync.Once
	benchPics [][]byte
)

// originals returns five distinct 12-megapixel camera JPEGs; odd ones carry
// EXIF orientation 6 (a phone held upright), the others orientation 1.
func originals(b *testing.B) [][]byte {
	benchOnce.Do(func() {
		for i := 0; i < benchOriginals; i++ {
			orientation := uint16(1)
			if i%2 == 1 {
				orientation = 6
			}
			benchPics = append(benchPics, withMetadata(encodeJPEG(b, photoLike(4000, 3000, uint64(i+1)), 92), orientation))
		}
	})
	return benchPics
}

func BenchmarkPhotoPipeline(b *testing.B) {
	pics := originals(b)
	for i := 0; i < b.N; i++ {
		fmt.Println()
		fmt.Println("Jangkau photo pipeline, 12-megapixel phone JPEGs (4000x3000, quality 92, EXIF + GPS)")
		benchStored(b, pics)
		benchMemory(b, pics)
		benchVillageThumbs(b, pics)
	}
}

func mb(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/(1<<20)) }

func kb(n int64) string { return fmt.Sprintf("%.0f KB", float64(n)/1024) }

// benchStored: bytes stored vs original, time per photo (one decode slot,
// nothing else running).
func benchStored(b *testing.B, pics [][]byte) {
	fmt.Println()
	fmt.Println("1. Stored vs original, processing time per photo")
	fmt.Printf("   %-7s %12s %12s %10s %10s %11s\n", "photo", "original", "stored", "smaller", "time", "stored px")
	lim := media.NewLimiter(1)
	var totalIn, totalOut int64
	var totalTime time.Duration
	for i, pic := range pics {
		start := time.Now()
		res, err := lim.Process(context.Background(), opener(pic), int64(len(pic)))
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		totalIn += int64(len(pic))
		totalOut += int64(len(res.JPEG))
		totalTime += d
		fmt.Printf("   %-7d %12s %12s %9.1f%% %8dms %11s\n", i+1, mb(int64(len(pic))), kb(int64(len(res.JPEG))),
			100*(1-float64(len(res.JPEG))/float64(len(pic))), d.Milliseconds(), fmt.Sprintf("%dx%d", res.Width, res.Height))
	}
	n := int64(len(pics))
	reduction := 100 * (1 - float64(totalOut)/float64(totalIn))
	fmt.Printf("   %-7s %12s %12s %9.1f%% %8dms   (goal: at least 90%% smaller: %s)\n", "mean", mb(totalIn/n), kb(totalOut/n),
		reduction, (totalTime / time.Duration(n)).Milliseconds(), verdict(reduction >= 90))
	b.ReportMetric(reduction, "%smaller")
	b.ReportMetric(float64(totalTime.Milliseconds())/float64(n), "ms/photo")
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

// procStatus reads a kB value (VmRSS, VmHWM) of /proc/self/status.
func procStatus(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), key+":"); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return v << 10
		}
	}
	return -1
}

// resetPeakRSS makes the kernel forget the resident high-water mark
// (VmHWM), so that the next reading covers only what follows.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// heapSampler records the largest Go heap (live and not yet collected
// objects) seen while it runs, sampled without stopping the world.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak atomic.Uint64
	rss  atomic.Int64
}

func sampleHeap() *heapSampler {
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > s.peak.Load() {
				s.peak.Store(v)
			}
			if r := procStatus("VmRSS"); r > s.rss.Load() {
				s.rss.Store(r)
			}
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) finish() (heapPeak uint64, rssPeak int64) {
	close(s.stop)
	<-s.done
	return s.peak.Load(), s.rss.Load()
}

// benchMemory: ten simultaneous 12-megapixel uploads over HTTP, each to
// its own record, with the decode limit and without it.
func benchMemory(b *testing.B, pics [][]byte) {
	fmt.Println()
	fmt.Println("2. Peak memory, ten simultaneous 12-megapixel uploads over HTTP (server and test client in one process)")
	fmt.Printf("   %-38s %11s %11s %11s %12s %9s %8s\n", "decode slots, GC", "RSS before", "peak RSS", "RSS added", "Go heap peak", "wall", "decodes")
	configs := []struct {
		slots    int
		memLimit int64 // soft limit for the Go runtime (GOMEMLIMIT)
		label    string
	}{
		{media.DefaultDecodeSlots, media.DefaultMemoryLimit, "2, memory limit 400 MiB (Jangkau)"},
		{media.DefaultDecodeSlots, math.MaxInt64, "2, no memory limit"},
		{10, media.DefaultMemoryLimit, "10 (unbounded), memory limit 400 MiB"},
		{10, math.MaxInt64, "10 (unbounded), no memory limit"},
	}
	var goalPeak int64
	for _, c := range configs {
		slots := c.slots
		old := debug.SetMemoryLimit(c.memLimit)
		restore := func() { debug.SetMemoryLimit(old) }
		srv := tt.NewServer(b)
		lim := media.NewLimiter(slots)
		if slots != media.DefaultDecodeSlots {
			lim = media.NewLimiterBudget(slots, math.MaxInt64) // no memory budget either
		}
		media.For(srv.App).SetLimiter(lim)
		tok := tt.Token(b, srv.App, tt.OfficerA)
		ids := newActivities(b, srv, tok, 10)
		up := uploadAtOnce(srv, tok, ids, func(i int) part { return part{"photos+", "IMG.jpg", pics[i%len(pics)]} })
		before, peak, heapPeak, wall := up.rssBefore, up.rssPeak, up.heapPeak, up.wall
		for _, res := range up.answers {
			if res.Status != 200 {
				b.Fatalf("upload failed: %d %s", res.Status, res.Body)
			}
		}
		fmt.Printf("   %-38s %11s %11s %11s %12s %7dms %8d\n", c.label, mb(before), mb(peak), mb(peak-before),
			mb(heapPeak), wall.Milliseconds(), media.For(srv.App).Limiter().Peak())
		restore()
		if c.slots == media.DefaultDecodeSlots && c.memLimit == media.DefaultMemoryLimit {
			goalPeak = peak
		}
	}
	b.ReportMetric(float64(goalPeak)/(1<<20), "peakRSS-MB")
	fmt.Printf("   goal: under 500 MB resident as Jangkau runs (first row): %s\n", verdict(goalPeak < 500<<20))
}

// newActivities creates n draft activities of village A and returns their ids.
func newActivities(t testing.TB, srv *tt.Server, tok string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		res := srv.Do(t, http.MethodPost, activities, tok, tt.Activity(tt.VillageA))
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		ids[i] = res.JSON()["id"].(string)
	}
	return ids
}

// uploads is what uploadAtOnce saw.
type uploads struct {
	answers            []tt.Response
	rssBefore, rssPeak int64 // resident memory before and at the peak
	heapPeak           int64 // the largest Go heap sampled
	wall               time.Duration
}

// uploadAtOnce sends one photo upload (with consent) to each record at the
// same time, streamed as a phone sends it, and measures the process's
// memory meanwhile.
func uploadAtOnce(srv *tt.Server, tok string, ids []string, file func(i int) part) uploads {
	runtime.GC()
	debug.FreeOSMemory()
	u := uploads{answers: make([]tt.Response, len(ids)), rssBefore: procStatus("VmRSS")}
	exact := resetPeakRSS()
	sampler := sampleHeap()
	start := time.Now()
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := sendStream(srv, http.MethodPatch, activities+"/"+id, tok, consent, file(i))
			if err != nil {
				res = tt.Response{Status: -1, Body: []byte(err.Error())}
			}
			u.answers[i] = res
		}()
	}
	wg.Wait()
	u.wall = time.Since(start)
	heap, sampled := sampler.finish()
	u.heapPeak = int64(heap)
	if u.rssPeak = procStatus("VmHWM"); !exact || u.rssPeak < 0 {
		u.rssPeak = sampled // no clear_refs: the sampled maximum
	}
	return u
}

// benchVillageThumbs: a village with 10 activities of 5 photos each; the
// phone lists the activities newest first and shows their 50 photos.
func benchVillageThumbs(b *testing.B, pics [][]byte) {
	const records, perRecord = 10, 5
	srv := tt.NewServer(b)
	tok := tt.Token(b, srv.App, tt.OfficerA)

	// Jangkau: photos processed on upload, two uploads at a time
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	var failed atomic.Int32
	for r := 0; r < records; r++ {
		body := tt.Activity(tt.VillageA)
		body["start_date"] = fmt.Sprintf("2025-03-%02d 08:00:00.000Z", r+1)
		res := srv.Do(b, http.MethodPost, activities, tok, body)
		if res.Status != 200 {
			b.Fatalf("%d %s", res.Status, res.Body)
		}
		id := res.JSON()["id"].(string)
		for p := 0; p < perRecord; p++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				mbody, ct := multipartBody(b, consent, part{"photos+", "IMG.jpg", pics[p]})
				if res, err := send(srv, http.MethodPatch, activities+"/"+id, tok, mbody, ct); err != nil || res.Status != 200 {
					failed.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.Fatalf("%d uploads failed", failed.Load())
	}

	// Stock PocketBase: a plain collection, originals stored as sent
	stock := core.NewBaseCollection("stock_photos")
	stock.Fields.Add(&core.TextField{Name: "title"})
	stock.Fields.Add(&core.FileField{Name: "photos", MaxSelect: 10, MaxSize: media.MaxUploadBytes, Thumbs: []string{media.ListThumb}})
	stock.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
	public := ""
	stock.ListRule, stock.ViewRule, stock.CreateRule = &public, &public, &public
	if err := srv.App.Save(stock); err != nil {
		b.Fatal(err)
	}
	var stockIDs []string
	for r := 0; r < records; r++ {
		var files []part
		for p := 0; p < perRecord; p++ {
			files = append(files, part{"photos", "IMG.jpg", pics[p]})
		}
		res := upload(b, srv, http.MethodPost, "/api/collections/stock_photos/records", "", map[string]string{"title": "x"}, files...)
		if res.Status != 200 {
			b.Fatalf("stock upload: %d %s", res.Status, res.Body)
		}
		stockIDs = append(stockIDs, res.JSON()["id"].(string))
	}

	// the phone's view: newest activities first, their photos
	res := srv.Do(b, http.MethodGet, activities+"?perPage=10&sort=-start_date&filter="+url.QueryEscape(`village = "`+tt.VillageA+`" && photos:length > 0`), tok, nil)
	if res.Status != 200 {
		b.Fatalf("%d %s", res.Status, res.Body)
	}
	type photo struct{ col, id, name string }
	var ours []photo
	for _, it := range res.JSON()["items"].([]any) {
		rec := it.(map[string]any)
		for _, n := range stringList(rec, "photos") {
			ours = append(ours, photo{catalog.Activities, rec["id"].(string), n})
		}
	}
	var theirs []photo
	for _, id := range stockIDs {
		rec, _ := srv.App.FindRecordById("stock_photos", id)
		for _, n := range rec.GetStringSlice("photos") {
			theirs = append(theirs, photo{"stock_photos", id, n})
		}
	}
	if len(ours) != records*perRecord || len(theirs) != records*perRecord {
		b.Fatalf("photos: jangkau %d, stock %d", len(ours), len(theirs))
	}

	ft := fileToken(b, srv, tok)
	fetch := func(list []photo, token, thumb string) (int64, time.Duration) {
		var total int64
		start := time.Now()
		for _, p := range list {
			status, body := download(b, srv, p.col, p.id, p.name, token, thumb)
			if status != 200 {
				b.Fatalf("download %s/%s/%s: %d", p.col, p.id, p.name, status)
			}
			total += int64(len(body))
		}
		return total, time.Since(start)
	}
	stockOrig, _ := fetch(theirs, "", "")
	stockThumbFirst, stockThumbTime := fetch(theirs, "", media.ListThumb)
	oursThumbFirst, oursThumbTime := fetch(ours, ft, media.ListThumb)
	oursFull, _ := fetch(ours, ft, "")

	// 2G EDGE delivers about 100 kbit/s in a village, 3G about 1 Mbit/s
	edge := func(n int64) string { return fmt.Sprintf("%.0f min", float64(n)*8/100e3/60) }
	g3 := func(n int64) string { return fmt.Sprintf("%.0f s", float64(n)*8/1e6) }
	fmt.Println()
	fmt.Println("3. A village's 50 most recent photos on a phone (bytes of HTTP bodies)")
	fmt.Printf("   %-44s %12s %10s %10s %10s %18s\n", "what the phone downloads", "50 photos", "per photo", "2G EDGE", "3G", "server, 1st view")
	row := func(label string, n int64, server string) {
		fmt.Printf("   %-44s %12s %10s %10s %10s %18s\n", label, mb(n), kb(n/int64(records*perRecord)), edge(n), g3(n), server)
	}
	row("stock PocketBase, originals", stockOrig, "-")
	row("stock PocketBase, 320 px thumbs of originals", stockThumbFirst, fmt.Sprintf("%dms", stockThumbTime.Milliseconds()))
	row("Jangkau, 320 px thumbs", oursThumbFirst, fmt.Sprintf("%dms", oursThumbTime.Milliseconds()))
	row("Jangkau, full photos (1600 px)", oursFull, "-")
	fmt.Printf("   Jangkau thumbs vs stock originals: %.1f%% fewer bytes (%.0fx less)\n",
		100*(1-float64(oursThumbFirst)/float64(stockOrig)), float64(stockOrig)/float64(oursThumbFirst))
	fmt.Println("   (stock thumbs are made from the 12-megapixel originals, which stay on the server with their GPS tags)")
	b.ReportMetric(float64(oursThumbFirst)/(1<<20), "thumbs50-MB")
	b.ReportMetric(float64(stockOrig)/(1<<20), "stock50-MB")
}
