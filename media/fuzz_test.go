package media

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// refusalCodes are the answers Process may give to bad input.
var refusalCodes = map[string]bool{
	CodeTooLarge: true, CodeTooManyPixels: true, CodeHEIC: true, CodeNotImage: true, CodeCorrupt: true, CodeDecodeTooLarge: true,
}

// FuzzProcess feeds the photo upload decoder arbitrary bytes. Whatever it
// gets, it must not panic, must answer a refusal with one of its field
// errors, must never accept what costs more than MaxDecodeBytes, and what
// it accepts must come out as a JPEG within MaxSide. The seeds (every
// format and layout, bombs, truncations) run in plain go test.
func FuzzProcess(f *testing.F) {
	small := image.NewRGBA(image.Rect(0, 0, 40, 30))
	scene(small, 40, 30)
	var jpg, grayJPG, gifBuf bytes.Buffer
	_ = jpeg.Encode(&jpg, small, &jpeg.Options{Quality: 80})
	gray := image.NewGray(image.Rect(0, 0, 40, 30))
	scene(gray, 40, 30)
	_ = jpeg.Encode(&grayJPG, gray, nil)
	pal := image.NewPaletted(image.Rect(0, 0, 40, 30), palette.WebSafe)
	scene(pal, 40, 30)
	_ = gif.Encode(&gifBuf, pal, nil)
	rgba64 := image.NewRGBA64(image.Rect(0, 0, 40, 30))
	scene(rgba64, 40, 30)
	wide := image.NewNRGBA(image.Rect(0, 0, 1700, 3))
	scene(wide, 1700, 3)
	for _, seed := range [][]byte{
		jpg.Bytes(), grayJPG.Bytes(), gifBuf.Bytes(), encodePNG(f, small), encodePNG(f, rgba64), encodePNG(f, pal), encodePNG(f, wide),
		pngWith(f, 33, 17, 8, 6, 1, adam7(33, 17, 4, 0x7f)),
		testdata(f, "prog420.jpg"), testdata(f, "yellow_rose.lossy.webp"), testdata(f, "yellow_rose.lossy-with-alpha.webp"),
		testdata(f, "tux.lossless.webp"),
		jpg.Bytes()[:len(jpg.Bytes())/2], jpg.Bytes()[:40], encodePNG(f, small)[:60],
		pngWith(f, 7000, 7000, 16, 6, 0, nil), pngWith(f, 1, 40_000_000, 1, 0, 0, nil), pngWith(f, 50000, 50000, 8, 2, 0, nil),
		jpegHeader(4608, 3456, true, [2]int{2, 2}, [2]int{1, 1}, [2]int{1, 1}), jpegHeader(64, 64, false, [2]int{3, 3}, [2]int{2, 1}, [2]int{1, 4}),
		jpegHeader(64, 64, false, [2]int{1, 1}, [2]int{1, 1}), jpegHeader(0, 64, false, [2]int{1, 1}),
		{0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0}, []byte("GIF89a"), []byte("%PDF-1.7"), {0xFF, 0xD8, 0xFF}, nil,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := NewLimiter(1).Process(context.Background(), openBytes(data), int64(len(data)))
		if err != nil {
			v, ok := err.(validation.Error)
			if !ok || !refusalCodes[v.Code()] {
				t.Fatalf("refused with %T %v", err, err)
			}
			return
		}
		if in, err := inspect(openBytes(data)); err != nil || in.cost > MaxDecodeBytes {
			t.Fatalf("accepted although %v, cost %d", err, in.cost)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(res.JPEG))
		if err != nil || format != "jpeg" || cfg.Width != res.Width || cfg.Height != res.Height ||
			res.Width > MaxSide || res.Height > MaxSide || res.Width < 1 || res.Height < 1 {
			t.Fatalf("stored %s %dx%d (%v), result %dx%d", format, cfg.Width, cfg.Height, err, res.Width, res.Height)
		}
		if cfg.ColorModel != color.YCbCrModel && cfg.ColorModel != color.GrayModel {
			t.Fatalf("stored colour model %v", cfg.ColorModel)
		}
	})
}
