package media

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

func openBytes(b []byte) Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func errCode(err error) string {
	if v, ok := err.(validation.Error); ok {
		return v.Code()
	}
	return ""
}

// scene draws a picture with flat areas and edges into img.
func scene(img interface{ Set(x, y int, c color.Color) }, w, h int) {
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{200, 220, 235, 255}
			if y > h/2 {
				c = color.RGBA{90, 140, 60, 255}
			}
			if x > w/3 && x < w/2 && y > h/3 && y < 2*h/3 {
				c = color.RGBA{180, 40, 30, 255}
			}
			if (x/40+y/40)%7 == 0 {
				c.A = 128
			}
			img.Set(x, y, c)
		}
	}
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngChunkOf(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngWith writes a PNG of w x h pixels, bit depth, colour type and
// interlace method, with rows of zeros (rows gives the raw bytes of the
// image data; nil for a header-only file whose data is a stub).
func pngWith(t testing.TB, w, h uint32, depth, colorType, interlace byte, rows func(io.Writer)) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colorType, 0, 0, interlace)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunkOf("IHDR", ihdr)...)
	if colorType == 3 {
		out = append(out, pngChunkOf("PLTE", bytes.Repeat([]byte{0x80}, 3*(1<<min(depth, 8))))...)
	}
	var data bytes.Buffer
	if rows == nil {
		data.Write([]byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	} else {
		z, _ := zlib.NewWriterLevel(&data, zlib.BestSpeed)
		rows(z)
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
	}
	out = append(out, pngChunkOf("IDAT", data.Bytes())...)
	return append(out, pngChunkOf("IEND", nil)...)
}

// adam7 writes the filtered rows of an interlaced image of w x h pixels of
// bpp bytes, each pass in turn (PNG's Adam7), pixels of value v.
func adam7(w, h, bpp int, v byte) func(io.Writer) {
	passes := [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	return func(out io.Writer) {
		for _, p := range passes {
			pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
			if pw <= 0 || ph <= 0 {
				continue
			}
			row := bytes.Repeat([]byte{v}, 1+pw*bpp)
			row[0] = 0 // filter: none
			for y := 0; y < ph; y++ {
				out.Write(row)
			}
		}
	}
}

// jpegHeader is the start of a JPEG (JFIF, a frame header, a scan header)
// of w x h pixels: enough for its config and its decode cost.
func jpegHeader(w, h int, progressive bool, comps ...[2]int) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	sof := byte(0xC0)
	if progressive {
		sof = 0xC2
	}
	seg := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps))}
	for i, c := range comps {
		seg = append(seg, byte(i+1), byte(c[0]<<4|c[1]), 0)
	}
	b = append(b, 0xFF, sof, byte((len(seg)+2)>>8), byte(len(seg)+2))
	b = append(b, seg...)
	return append(b, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0)
}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "decode", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// costCases are images of every format and layout Process accepts.
func costCases(t testing.TB) map[string][]byte {
	const w, h = 1800, 1200
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	scene(rgba, w, h)
	gray := image.NewGray(image.Rect(0, 0, w, h))
	scene(gray, w, h)
	gray16 := image.NewGray16(image.Rect(0, 0, w, h))
	scene(gray16, w, h)
	rgba64 := image.NewRGBA64(image.Rect(0, 0, w, h))
	scene(rgba64, w, h)
	pal := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
	scene(pal, w, h)
	var jpg, grayJPG, gifBuf bytes.Buffer
	if err := jpeg.Encode(&jpg, rgba, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&grayJPG, gray, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"jpeg baseline 4:2:0 (Go)": jpg.Bytes(), "jpeg grey (Go)": grayJPG.Bytes(),
		"png rgba": encodePNG(t, rgba), "png grey": encodePNG(t, gray), "png grey 16-bit": encodePNG(t, gray16),
		"png rgb 16-bit": encodePNG(t, rgba64), "png paletted": encodePNG(t, pal),
		"png interlaced rgba 16-bit": pngWith(t, w, h, 16, 6, 1, adam7(w, h, 8, 0x40)),
		"gif":                        gifBuf.Bytes(),
	}
	for _, name := range []string{"prog420.jpg", "prog444.jpg", "base444.jpg", "rgb.jpg", "grayprog.jpg", "flex.jpg",
		"yellow_rose.lossy.webp", "yellow_rose.lossy-with-alpha.webp", "tux.lossless.webp"} {
		cases[name] = testdata(t, name)
	}
	return cases
}

// TestDecodeCostCoversWhatProcessAllocates measures every byte Process
// allocates (runtime.MemStats.TotalAlloc: garbage included, so an upper
// bound of what is live at its peak) for images of every format and
// layout, and checks that the cost computed from the header covers it,
// without overstating it wildly.
func TestDecodeCostCoversWhatProcessAllocates(t *testing.T) {
	l := NewLimiter(1)
	for name, data := range costCases(t) {
		in, err := inspect(openBytes(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res, err := l.Process(context.Background(), openBytes(data), int64(len(data)))
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		alloc := int64(after.TotalAlloc - before.TotalAlloc)
		t.Logf("%-36s %4dx%-4d %-16T cost %6.1f MB, allocated %6.1f MB (%.2f), stored %dx%d", name, in.cfg.Width, in.cfg.Height,
			in.cfg.ColorModel, float64(in.cost)/(1<<20), float64(alloc)/(1<<20), float64(in.cost)/float64(alloc), res.Width, res.Height)
		// a little slack for what does not grow with the image (tables,
		// buffers of a few KB)
		if alloc > in.cost+1<<20 {
			t.Errorf("%s: Process allocated %d bytes, more than its cost %d", name, alloc, in.cost)
		}
		if in.cost > 3*alloc+8<<20 {
			t.Errorf("%s: cost %d overstates the %d bytes allocated", name, in.cost, alloc)
		}
	}
}

func TestDecodeCostOfTypicalAndHostileImages(t *testing.T) {
	mb := func(n int64) float64 { return float64(n) / (1 << 20) }
	accepted := map[string]struct {
		data     []byte
		min, max float64 // MB
	}{
		"12 MP phone JPEG":              {jpegHeader(4000, 3000, false, [2]int{2, 2}, [2]int{1, 1}, [2]int{1, 1}), 60, 90},
		"12 MP progressive JPEG":        {jpegHeader(4000, 3000, true, [2]int{2, 2}, [2]int{1, 1}, [2]int{1, 1}), 120, 160},
		"50 MP phone JPEG":              {jpegHeader(8660, 5773, false, [2]int{2, 2}, [2]int{1, 1}, [2]int{1, 1}), 120, 160},
		"phone screenshot PNG":          {pngWith(t, 1080, 2400, 8, 6, 0, nil), 20, 60},
		"7000 x 7000 paletted PNG":      {pngWith(t, 7000, 7000, 8, 3, 0, nil), 100, 160},
		"4000 x 3000 PNG 16-bit":        {pngWith(t, 4000, 3000, 16, 2, 0, nil), 100, 160},
		"1000 x 50000 strip, 1-bit PNG": {pngWith(t, 1000, 50000, 1, 3, 0, nil), 50, 160},
	}
	for name, c := range accepted {
		in, err := inspect(openBytes(c.data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		t.Logf("%-30s cost %6.1f MB", name, mb(in.cost))
		if mb(in.cost) < c.min || mb(in.cost) > c.max {
			t.Errorf("%s: cost %.1f MB, want %.0f-%.0f", name, mb(in.cost), c.min, c.max)
		}
	}
	refused := map[string][]byte{
		"7000 x 7000 PNG 16-bit RGBA (the issue's probe)": pngWith(t, 7000, 7000, 16, 6, 0, nil),
		"7000 x 7000 PNG 8-bit RGBA":                      pngWith(t, 7000, 7000, 8, 6, 0, nil),
		"7000 x 7000 grey PNG, interlaced":                pngWith(t, 7000, 7000, 8, 0, 1, nil),
		"1 x 40,000,000 strip (resize weights of 2.5 GB)": pngWith(t, 1, 40_000_000, 1, 0, 0, nil),
		"16 MP progressive JPEG":                          jpegHeader(4608, 3456, true, [2]int{2, 2}, [2]int{1, 1}, [2]int{1, 1}),
		"48 MP progressive JPEG":                          jpegHeader(8000, 6000, true, [2]int{2, 2}, [2]int{1, 1}, [2]int{1, 1}),
		"50 MP JPEG 4:4:4":                                jpegHeader(8660, 5773, false, [2]int{1, 1}, [2]int{1, 1}, [2]int{1, 1}),
	}
	l := NewLimiter(1)
	for name, data := range refused {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := l.Process(context.Background(), openBytes(data), int64(len(data)))
		runtime.ReadMemStats(&after)
		if errCode(err) != CodeDecodeTooLarge {
			t.Errorf("%s: got %v, want %s", name, err, CodeDecodeTooLarge)
		}
		// refused from the header: nothing decoded
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("%s: %d bytes allocated to refuse it", name, alloc)
		}
	}
	if l.Peak() != 0 {
		t.Errorf("a refused photo took a decode slot")
	}
}

func TestReadJPEGFrame(t *testing.T) {
	f, err := readJPEGFrame(bytes.NewReader(testdata(t, "prog420.jpg")))
	if err != nil || !f.progressive || len(f.comps) != 3 || f.comps[0] != [2]int{2, 2} || f.comps[1] != [2]int{1, 1} {
		t.Errorf("prog420: %+v %v", f, err)
	}
	f, err = readJPEGFrame(bytes.NewReader(testdata(t, "flex.jpg")))
	if err != nil || f.progressive || f.comps[1] != [2]int{2, 1} || f.comps[2] != [2]int{1, 1} {
		t.Errorf("flex: %+v %v", f, err)
	}
	for name, b := range map[string][]byte{
		"empty": nil, "not a jpeg": []byte("GIF89a"), "scan before frame": {0xFF, 0xD8, 0xFF, 0xDA, 0, 2},
		"short frame": {0xFF, 0xD8, 0xFF, 0xC0, 0, 4, 8, 0}, "truncated": jpegHeader(100, 100, false, [2]int{1, 1})[:24],
		"bad length": {0xFF, 0xD8, 0xFF, 0xE1, 0, 0},
	} {
		if _, err := readJPEGFrame(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestLimiterQueueIsBounded: with the slot taken, MaxDecodeQueue uploads
// wait; the next one is refused at once with ErrBusy.
func TestLimiterQueueIsBounded(t *testing.T) {
	l := NewLimiter(1)
	ctx := context.Background()
	if err := l.acquire(ctx, 1); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, MaxDecodeQueue)
	for i := 0; i < MaxDecodeQueue; i++ {
		go func() {
			err := l.acquire(ctx, 1)
			if err == nil {
				l.release(1)
			}
			done <- err
		}()
	}
	for l.waiting.Load() < MaxDecodeQueue {
		runtime.Gosched()
	}
	if err := l.acquire(ctx, 1); errCode(err) != CodeBusy {
		t.Fatalf("queue full: got %v, want ErrBusy", err)
	}
	l.release(1)
	for i := 0; i < MaxDecodeQueue; i++ {
		if err := <-done; err != nil {
			t.Errorf("a queued decode: %v", err)
		}
	}
	if l.waiting.Load() != 0 || l.active.Load() != 0 {
		t.Errorf("left waiting %d, active %d", l.waiting.Load(), l.active.Load())
	}
}

// TestLimiterWaitIsBounded: an upload gives up after its wait (ErrBusy),
// or when its request ends (ErrAborted), and holds nothing then.
func TestLimiterWaitIsBounded(t *testing.T) {
	l := NewLimiter(1)
	l.wait = 20 * time.Millisecond
	if err := l.acquire(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if err := l.acquire(context.Background(), 1); errCode(err) != CodeBusy {
		t.Errorf("waited out: got %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.acquire(ctx, 1); errCode(err) != CodeProcessAborted {
		t.Errorf("request ended: got %v, want ErrAborted", err)
	}
	l.release(1)
	// everything was given back: the whole budget can be taken again
	if err := l.acquire(context.Background(), l.budget); err != nil {
		t.Errorf("budget not given back: %v", err)
	}
}

// TestLimiterSharesTheBudget: decodes run together only while their costs
// fit the budget, whatever the number of slots.
func TestLimiterSharesTheBudget(t *testing.T) {
	l := NewLimiterBudget(4, 200<<20)
	ctx := context.Background()
	if err := l.acquire(ctx, 150<<20); err != nil {
		t.Fatal(err)
	}
	got := make(chan error)
	go func() { got <- l.acquire(ctx, 100<<20) }()
	for l.waiting.Load() == 0 {
		runtime.Gosched()
	}
	select {
	case err := <-got:
		t.Fatalf("a second decode ran over the budget: %v", err)
	default:
	}
	l.release(150 << 20)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if l.Peak() > 2 {
		t.Errorf("peak %d", l.Peak())
	}
}
