package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"testing"

	"github.com/disintegration/imaging"
)

// quadrants is a w x h image with four coloured quarters, so that every
// flip and turn gives a different picture.
func quadrants(w, h int) *image.RGBA {
	cs := [4]color.RGBA{{230, 20, 20, 255}, {20, 200, 20, 255}, {20, 20, 230, 255}, {240, 240, 20, 255}}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			q := 0
			if x >= w/2 {
				q++
			}
			if y >= h/2 {
				q += 2
			}
			img.SetRGBA(x, y, cs[q])
		}
	}
	return img
}

// exifJPEG encodes img and inserts a minimal EXIF block with orientation o,
// little-endian this time (the other tests write big-endian).
func exifJPEG(t *testing.T, img image.Image, o uint16) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0}
	entry := make([]byte, 12)
	binary.LittleEndian.PutUint16(entry[0:], 0x0112)
	binary.LittleEndian.PutUint16(entry[2:], 3)
	binary.LittleEndian.PutUint32(entry[4:], 1)
	binary.LittleEndian.PutUint16(entry[8:], o)
	tiff = append(append(tiff, entry...), 0, 0, 0, 0)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), append(seg, payload...)...), b[2:]...)
}

// TestOrientationMatchesImaging checks, for the eight EXIF orientations,
// that turning the fitted photo gives the picture imaging.AutoOrientation
// gives when it turns the full-size one.
func TestOrientationMatchesImaging(t *testing.T) {
	t.Parallel()
	src := quadrants(1800, 1200) // over MaxSide, so the resize runs too; no bigger than needed
	for o := uint16(1); o <= 8; o++ {
		in := exifJPEG(t, src, o)
		if got := readOrientation(bytes.NewReader(in)); got != int(o) {
			t.Fatalf("orientation %d read as %d", o, got)
		}
		ref, err := imaging.Decode(bytes.NewReader(in), imaging.AutoOrientation(true))
		if err != nil {
			t.Fatal(err)
		}
		want := imaging.Fit(ref, MaxSide, MaxSide, imaging.CatmullRom)
		res, err := NewLimiter(1).Process(t.Context(), func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(in)), nil
		}, int64(len(in)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := jpeg.Decode(bytes.NewReader(res.JPEG))
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds().Size() != want.Bounds().Size() {
			t.Fatalf("orientation %d: %v, imaging gives %v", o, got.Bounds().Size(), want.Bounds().Size())
		}
		w, h := want.Bounds().Dx(), want.Bounds().Dy()
		for _, p := range []image.Point{{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}} {
			if !near(got.At(p.X, p.Y), want.At(p.X, p.Y)) {
				t.Errorf("orientation %d at %v: %v, imaging gives %v", o, p, got.At(p.X, p.Y), want.At(p.X, p.Y))
			}
		}
	}
}

func near(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) bool { return x>>8 < y>>8+40 && y>>8 < x>>8+40 }
	return d(ar, br) && d(ag, bg) && d(ab, bb)
}

func TestReadOrientationWithoutEXIF(t *testing.T) {
	t.Parallel()
	for name, in := range map[string][]byte{
		"empty":       nil,
		"not a jpeg":  []byte("hello world"),
		"no exif":     func() []byte { var b bytes.Buffer; _ = jpeg.Encode(&b, quadrants(8, 8), nil); return b.Bytes() }(),
		"short app1":  {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0},
		"bad tiff":    append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x18}, append([]byte("Exif\x00\x00XX"), make([]byte, 14)...)...),
		"ifd outside": append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x18}, append([]byte("Exif\x00\x00II*\x00\xff\xff\x00\x00"), make([]byte, 8)...)...),
	} {
		if o := readOrientation(bytes.NewReader(in)); o != 1 {
			t.Errorf("%s: orientation %d, want 1", name, o)
		}
	}
}
