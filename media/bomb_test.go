package media_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/media"
)

var (
	bombOnce sync.Once
	bomb     []byte
)

// png16Bomb is the probe: a 7000 x 7000 PNG of 16 bits per channel
// with alpha, every pixel transparent black. 49 megapixels (under
// MaxPixels), under 500 KB, and 392 MB once decoded.
func png16Bomb(t testing.TB) []byte {
	bombOnce.Do(func() {
		const side = 7000
		ihdr := binary.BigEndian.AppendUint32(nil, side)
		ihdr = binary.BigEndian.AppendUint32(ihdr, side)
		ihdr = append(ihdr, 16, 6, 0, 0, 0)
		var data bytes.Buffer
		z, _ := zlib.NewWriterLevel(&data, zlib.BestSpeed)
		row := make([]byte, 1+side*8) // filter byte, then 8 bytes a pixel
		for y := 0; y < side; y++ {
			z.Write(row)
		}
		z.Close()
		out := []byte("\x89PNG\r\n\x1a\n")
		out = append(out, pngChunk("IHDR", ihdr)...)
		out = append(out, pngChunk("IDAT", data.Bytes())...)
		bomb = append(out, pngChunk("IEND", nil)...)
	})
	return bomb
}

// TestSixDecodeBombsAtOnce replays the probe: six uploads of the
// 16-bit 7000 x 7000 PNG at the same time. Each is refused from its header
// with photo_too_large_to_decode, no decode slot is taken, and the
// server's Go heap stays flat (it reached about 800 MB before).
func TestSixDecodeBombsAtOnce(t *testing.T) {
	data := png16Bomb(t)
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	ids := newActivities(t, srv, tok, 6)
	lim := media.For(srv.App).Limiter()
	lim.ResetPeak()
	up := uploadAtOnce(srv, tok, ids, func(int) part { return part{"photos+", "bomb.png", data} })
	results, peak := up.answers, up.heapPeak
	for i, res := range results {
		if res.Status != 400 || fieldCode(res.Body, media.FieldPhotos) != media.CodeDecodeTooLarge {
			t.Errorf("upload %d: %d %s", i, res.Status, res.Body)
		}
		if rec, _ := srv.App.FindRecordById(catalog.Activities, ids[i]); len(rec.GetStringSlice(media.FieldPhotos)) != 0 {
			t.Errorf("upload %d stored a photo", i)
		}
	}
	if lim.Peak() != 0 {
		t.Errorf("%d decodes ran", lim.Peak())
	}
	t.Logf("Go heap peak %.1f MB, resident memory added %.1f MB during six uploads of a %d KB PNG that decodes to 392 MB",
		float64(peak)/(1<<20), float64(up.rssPeak-up.rssBefore)/(1<<20), len(data)>>10)
	if peak > 64<<20 {
		t.Errorf("Go heap reached %d MB", peak>>20)
	}
}

func fieldCode(body []byte, field string) string {
	var b struct {
		Data map[string]struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &b)
	return b.Data[field].Code
}

// TestFullDecodeQueueAnswers503 fills the decode queue (one slot, taken,
// and MaxDecodeQueue uploads waiting): the next upload is refused at once
// with 503, Retry-After and photo_busy, and nothing is stored.
func TestFullDecodeQueueAnswers503(t *testing.T) {
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	lim := media.NewLimiter(1)
	media.For(srv.App).SetLimiter(lim)
	input := encodeJPEG(t, halves(64, 64), 90)
	block := make(chan struct{})
	var wg sync.WaitGroup
	var opens atomic.Int32
	stalled := func() (io.ReadCloser, error) {
		if opens.Add(1) > 1 { // the header check goes through, the decode waits
			<-block
		}
		return io.NopCloser(bytes.NewReader(input)), nil
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = lim.Process(context.Background(), stalled, int64(len(input)))
	}()
	for lim.Peak() == 0 {
		runtime.Gosched()
	}
	for i := 0; i < media.MaxDecodeQueue; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = lim.Process(context.Background(), opener(input), int64(len(input)))
		}()
	}
	for lim.Waiting() < media.MaxDecodeQueue {
		runtime.Gosched()
	}

	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("photo_consent", "true")
	fw, _ := w.CreateFormFile("photos+", "IMG.jpg")
	_, _ = fw.Write(input)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPatch, srv.URL+activities+"/"+tt.ActivityA, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || fieldCode(raw, media.FieldPhotos) != media.CodeBusy {
		t.Errorf("full queue: %d %s", res.StatusCode, raw)
	}
	if ra := res.Header.Get("Retry-After"); ra != "10" {
		t.Errorf("Retry-After %q", ra)
	}
	if !bytes.Contains(raw, []byte("kirim ulang sebentar lagi")) || !bytes.Contains(raw, []byte("send again shortly")) {
		t.Errorf("message not bilingual: %s", raw)
	}
	close(block)
	wg.Wait()
	if rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA); len(rec.GetStringSlice(media.FieldPhotos)) != 0 {
		t.Error("photo stored")
	}
	// the queue has drained: the same upload goes through now
	res2, err := sendStream(srv, http.MethodPatch, activities+"/"+tt.ActivityA, tok, consent, part{"photos+", "IMG.jpg", input})
	if err != nil || res2.Status != 200 {
		t.Errorf("after the queue drained: %d %s %v", res2.Status, res2.Body, err)
	}
}

// BenchmarkDecodeBombs: six simultaneous uploads over HTTP of the issue's
// 16-bit 7000 x 7000 PNG, each to its own record. Before the decode cost
// was checked, one such upload took 5 s to decode and 7 s to fit, and
// allocated 427 MB; six at once took the server to about 800 MB.
func BenchmarkDecodeBombs(b *testing.B) {
	data := png16Bomb(b)
	srv := tt.NewServer(b)
	tok := tt.Token(b, srv.App, tt.OfficerA)
	ids := newActivities(b, srv, tok, 6)
	var heapPeak, rssAdded, refused int64
	var wall time.Duration
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		up := uploadAtOnce(srv, tok, ids, func(int) part { return part{"photos+", "bomb.png", data} })
		for _, res := range up.answers {
			if res.Status == 400 && fieldCode(res.Body, media.FieldPhotos) == media.CodeDecodeTooLarge {
				refused++
			}
		}
		wall += up.wall
		heapPeak = max(heapPeak, up.heapPeak)
		rssAdded = max(rssAdded, up.rssPeak-up.rssBefore)
	}
	b.StopTimer()
	fmt.Println()
	fmt.Printf("Six simultaneous uploads of a %d KB 16-bit 7000x7000 PNG (392 MB decoded), over HTTP\n", len(data)>>10)
	fmt.Printf("   refused from the header: %d of %d; wall %d ms; Go heap peak %s; resident memory added %s; decodes run: %d\n",
		refused, int64(b.N)*int64(len(ids)), (wall / time.Duration(b.N)).Milliseconds(), mb(heapPeak), mb(rssAdded),
		media.For(srv.App).Limiter().Peak())
	fmt.Println("   before (one upload, same PNG, decode and fit as Jangkau did): 7.0 s, 427 MB allocated")
	b.ReportMetric(float64(heapPeak)/(1<<20), "peakHeap-MB")
	b.ReportMetric(float64(rssAdded)/(1<<20), "rssAdded-MB")
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "ms/6uploads")
}
