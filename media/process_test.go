package media_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"

	"jangkau/media"
)

func opener(b []byte) media.Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// code is the validation code of err ("" for nil or another error).
func code(err error) string {
	if v, ok := err.(validation.Error); ok {
		return v.Code()
	}
	return ""
}

func process(t *testing.T, b []byte) (*media.Result, error) {
	t.Helper()
	return media.NewLimiter(1).Process(context.Background(), opener(b), int64(len(b)))
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("stored photo is not a JPEG: %v", err)
	}
	return img
}

// assertClean checks that a stored JPEG carries no metadata at all: no
// APPn segment (EXIF, XMP, JFIF, ICC), no comment, none of the strings the
// original's EXIF and XMP held.
func assertClean(t *testing.T, b []byte) {
	t.Helper()
	for _, m := range jpegSegments(t, b) {
		if (m >= 0xE0 && m <= 0xEF) || m == 0xFE {
			t.Errorf("stored JPEG has metadata segment FF%02X", m)
		}
	}
	for _, s := range []string{"Exif", exifMake, exifModel, exifSerial, xmpMarker, "GPS"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("stored JPEG still contains %q", s)
		}
	}
}

func TestProcessOrientationAndMetadata(t *testing.T) {
	t.Parallel()
	orig := orientedJPEG(t, 3200, 1800)
	if !bytes.Contains(orig, []byte(exifSerial)) || !bytes.Contains(orig, []byte("Exif")) {
		t.Fatal("test input lacks its EXIF block")
	}
	res, err := process(t, orig)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, res.JPEG)
	b := img.Bounds()
	// 3200 x 1800 stored, turned upright to 1800 x 3200, fitted to 900 x 1600
	if b.Dx() != 900 || b.Dy() != 1600 || res.Width != 900 || res.Height != 1600 {
		t.Fatalf("size %dx%d, want 900x1600 (upright and fitted)", b.Dx(), b.Dy())
	}
	if !isReddish(img.At(800, 800)) || !isBluish(img.At(100, 800)) {
		t.Errorf("not upright: right %v left %v, want red on the right", img.At(800, 800), img.At(100, 800))
	}
	assertClean(t, res.JPEG)
	if res.Format != "jpeg" {
		t.Errorf("format %q", res.Format)
	}
}

func TestProcessKeepsSmallPhotosSmall(t *testing.T) {
	t.Parallel()
	res, err := process(t, encodeJPEG(t, halves(640, 480), 95))
	if err != nil {
		t.Fatal(err)
	}
	if res.Width != 640 || res.Height != 480 {
		t.Errorf("a small photo was resized to %dx%d", res.Width, res.Height)
	}
	assertClean(t, res.JPEG)
}

func TestProcessRefusals(t *testing.T) {
	t.Parallel()
	full := orientedJPEG(t, 800, 600)
	cases := []struct {
		name  string
		input []byte
		size  int64
		want  validation.Error
	}{
		{"text file", []byte("Daftar hadir sosialisasi\nnama,desa\n"), 0, media.ErrNotImage},
		{"pdf", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 500)...), 0, media.ErrNotImage},
		{"truncated jpeg", full[:len(full)/2], 0, media.ErrCorrupt},
		{"jpeg header only", full[:600], 0, media.ErrCorrupt},
		{"bomb png 100 megapixels", bombPNG(10000, 10000), 0, media.ErrTooManyPixels},
		{"bomb png 65535 square", bombPNG(65535, 65535), 0, media.ErrTooManyPixels},
		{"heic", heicHeader(), 0, media.ErrHEIC},
		{"above 20 MB", full, media.MaxUploadBytes + 1, media.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			size := c.size
			if size == 0 {
				size = int64(len(c.input))
			}
			_, err := media.NewLimiter(1).Process(context.Background(), opener(c.input), size)
			if code(err) != c.want.Code() {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			msg := c.want.Error()
			if !strings.Contains(msg, " / ") || !strings.Contains(msg, "photos") {
				t.Errorf("message is not bilingual or does not name the field: %q", msg)
			}
		})
	}
}

func TestProcessFlattensTransparencyOnWhite(t *testing.T) {
	t.Parallel()
	res, err := process(t, transparentPNG(t, 400, 300))
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, res.JPEG)
	if !isWhite(img.At(10, 10)) {
		t.Errorf("transparent corner is %v, want white", img.At(10, 10))
	}
	if !isReddish(img.At(200, 150)) {
		t.Errorf("opaque middle is %v, want red", img.At(200, 150))
	}
	if res.Format != "png" {
		t.Errorf("format %q", res.Format)
	}
}

func TestProcessAnimatedGIFKeepsFirstFrame(t *testing.T) {
	t.Parallel()
	res, err := process(t, animatedGIF(t, 200, 100))
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, res.JPEG)
	if !isReddish(img.At(100, 50)) {
		t.Errorf("got %v, want the red first frame", img.At(100, 50))
	}
}

func TestLimiterBoundsDecodes(t *testing.T) {
	t.Parallel()
	l := media.NewLimiter(2)
	input := encodeJPEG(t, photoLike(1200, 900, 1), 90)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := l.Process(context.Background(), opener(input), int64(len(input))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if p := l.Peak(); p < 1 || p > 2 {
		t.Errorf("peak concurrent decodes %d, want 1 or 2", p)
	}
}

func TestLimiterGivesUpWithTheRequest(t *testing.T) {
	t.Parallel()
	l := media.NewLimiter(1)
	input := encodeJPEG(t, halves(64, 64), 90)
	// A first upload takes the only slot and stalls there: its first open
	// (the header check) goes through, the second (the decode) waits.
	block := make(chan struct{})
	done := make(chan struct{})
	var opens atomic.Int32
	go func() {
		defer close(done)
		_, _ = l.Process(context.Background(), func() (io.ReadCloser, error) {
			if opens.Add(1) > 1 {
				<-block
			}
			return io.NopCloser(bytes.NewReader(input)), nil
		}, int64(len(input)))
	}()
	for l.Peak() == 0 {
		runtime.Gosched()
	}
	// A second upload whose request has ended does not wait for the slot.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Process(ctx, opener(input), int64(len(input))); code(err) != media.CodeProcessAborted {
		t.Errorf("got %v, want ErrAborted", err)
	}
	close(block)
	<-done
}
