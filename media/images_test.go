package media_test

// Test inputs built here rather than checked in: a JPEG with a real EXIF
// block (orientation, camera, serial, GPS), photo-like 12-megapixel frames,
// a decompression bomb header, a HEIC header, a transparent PNG and an
// animated GIF.

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
)

// Strings the EXIF and XMP blocks carry, which must not survive.
const (
	exifMake   = "JangkauTestCam"
	exifModel  = "TC-12MP"
	exifSerial = "SERIAL-ABCDEF"
	xmpMarker  = "http://ns.adobe.com/xap/1.0/"
)

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte // value bytes; pointers to sub-IFDs are patched in
}

const (
	tASCII    = 2
	tSHORT    = 3
	tLONG     = 4
	tRATIONAL = 5
)

func ascii(s string) []byte { return append([]byte(s), 0) }

func short(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

func rationals(v ...uint32) []byte {
	var b []byte
	for i := 0; i < len(v); i += 2 {
		b = binary.BigEndian.AppendUint32(b, v[i])
		b = binary.BigEndian.AppendUint32(b, v[i+1])
	}
	return b
}

// tiffBuilder lays out big-endian IFDs one after the other; values longer
// than four bytes go into a data area after each IFD.
type tiffBuilder struct{ buf []byte }

// ifd appends an IFD and returns its offset; pointer entries (sub-IFDs)
// are written by the caller with patch.
func (b *tiffBuilder) ifd(entries []ifdEntry) (offset uint32, valueAt map[uint16]int) {
	offset = uint32(len(b.buf))
	valueAt = map[uint16]int{}
	n := len(entries)
	dataStart := int(offset) + 2 + n*12 + 4
	var data []byte
	b.buf = binary.BigEndian.AppendUint16(b.buf, uint16(n))
	for _, e := range entries {
		b.buf = binary.BigEndian.AppendUint16(b.buf, e.tag)
		b.buf = binary.BigEndian.AppendUint16(b.buf, e.typ)
		b.buf = binary.BigEndian.AppendUint32(b.buf, e.count)
		valueAt[e.tag] = len(b.buf)
		if len(e.data) <= 4 {
			v := make([]byte, 4)
			copy(v, e.data)
			b.buf = append(b.buf, v...)
		} else {
			b.buf = binary.BigEndian.AppendUint32(b.buf, uint32(dataStart+len(data)))
			data = append(data, e.data...)
			if len(data)%2 == 1 {
				data = append(data, 0)
			}
		}
	}
	b.buf = binary.BigEndian.AppendUint32(b.buf, 0) // no next IFD
	b.buf = append(b.buf, data...)
	return offset, valueAt
}

func (b *tiffBuilder) patch(at int, v uint32) { binary.BigEndian.PutUint32(b.buf[at:], v) }

// exifBlock returns the payload of an APP1 EXIF segment with the given
// orientation, camera make, model, serial number and a GPS position.
func exifBlock(orientation uint16) []byte {
	b := &tiffBuilder{buf: []byte{'M', 'M', 0, 42, 0, 0, 0, 8}}
	_, ifd0 := b.ifd([]ifdEntry{
		{0x010F, tASCII, uint32(len(exifMake) + 1), ascii(exifMake)},
		{0x0110, tASCII, uint32(len(exifModel) + 1), ascii(exifModel)},
		{0x0112, tSHORT, 1, short(orientation)},
		{0x8769, tLONG, 1, nil}, // Exif IFD pointer
		{0x8825, tLONG, 1, nil}, // GPS IFD pointer
	})
	exifAt, _ := b.ifd([]ifdEntry{
		{0xA431, tASCII, uint32(len(exifSerial) + 1), ascii(exifSerial)}, // BodySerialNumber
	})
	b.patch(ifd0[0x8769], exifAt)
	gpsAt, _ := b.ifd([]ifdEntry{
		{0x0001, tASCII, 2, ascii("S")},
		{0x0002, tRATIONAL, 3, rationals(5, 1, 24, 1, 3141, 100)},
		{0x0003, tASCII, 2, ascii("E")},
		{0x0004, tRATIONAL, 3, rationals(105, 1, 15, 1, 2718, 100)},
	})
	b.patch(ifd0[0x8825], gpsAt)
	return append([]byte("Exif\x00\x00"), b.buf...)
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// withMetadata inserts an EXIF APP1 (orientation, camera, serial, GPS), an
// XMP APP1 with a GPS position and a comment right after the SOI of a JPEG.
func withMetadata(jpg []byte, orientation uint16) []byte {
	xmp := append([]byte(xmpMarker+"\x00"), []byte(`<x:xmpmeta><rdf:Description exif:GPSLatitude="5,24.52S"/></x:xmpmeta>`)...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, segment(0xE1, exifBlock(orientation))...)
	out = append(out, segment(0xE1, xmp)...)
	out = append(out, segment(0xFE, []byte("taken at home of "+exifSerial))...)
	return append(out, jpg[2:]...)
}

func encodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	red  = color.RGBA{220, 20, 20, 255}
	blue = color.RGBA{20, 20, 220, 255}
)

// halves is a w x h image, top half red, bottom half blue, as a sensor
// stores it; with orientation 6 a viewer turns it 90 degrees clockwise, so
// the upright picture is h x w with red on the right.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		c := red
		if y >= h/2 {
			c = blue
		}
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// orientedJPEG is a halves image with EXIF orientation 6 and GPS.
func orientedJPEG(t testing.TB, w, h int) []byte {
	return withMetadata(encodeJPEG(t, halves(w, h), 90), 6)
}

// photoLike draws a frame with the statistics of a phone photo (smooth
// sky and walls, edges, fine texture and sensor noise), so that JPEG sizes
// are those of real 12-megapixel photos: 3 to 6 MB at quality 92.
func photoLike(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, seed*7+1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	type box struct {
		x0, y0, x1, y1 int
		c              [3]int
	}
	var boxes []box
	for i := 0; i < 40; i++ {
		x0, y0 := rng.IntN(w), rng.IntN(h)
		boxes = append(boxes, box{x0, y0, x0 + rng.IntN(w/3) + 20, y0 + rng.IntN(h/3) + 20,
			[3]int{rng.IntN(256), rng.IntN(256), rng.IntN(256)}})
	}
	noise := make([]int8, 1<<16)
	for i := range noise {
		noise[i] = int8(rng.IntN(33) - 16)
	}
	// detail that survives downscaling (foliage, crowds, lettering): value
	// noise on a grid of cell pixels, bilinearly interpolated
	const cell = 10
	gw := w/cell + 2
	grid := make([]int, gw*(h/cell+2))
	for i := range grid {
		grid[i] = rng.IntN(61) - 30
	}
	k := 0
	for y := 0; y < h; y++ {
		gy, fy := y/cell, y%cell
		for x := 0; x < w; x++ {
			r, g, b := 90+120*x/w, 110+100*y/h, 160-80*y/h
			for _, bx := range boxes {
				if x >= bx.x0 && x < bx.x1 && y >= bx.y0 && y < bx.y1 {
					r, g, b = (r+bx.c[0])/2, (g+bx.c[1])/2, (b+bx.c[2])/2
				}
			}
			gx, fx := x/cell, x%cell
			top := grid[gy*gw+gx]*(cell-fx) + grid[gy*gw+gx+1]*fx
			bot := grid[(gy+1)*gw+gx]*(cell-fx) + grid[(gy+1)*gw+gx+1]*fx
			detail := (top*(cell-fy) + bot*fy) / (cell * cell)
			r, g, b = r+detail, g+detail, b+detail/2
			tex := int(noise[(x*31+y*17)&0xFFFF]) / 2 // fabric, leaves
			n := int(noise[k&0xFFFF])
			k += 7919
			i := img.PixOffset(x, y)
			img.Pix[i+0] = clamp(r + tex + n)
			img.Pix[i+1] = clamp(g + tex + n/2)
			img.Pix[i+2] = clamp(b + tex - n/2)
			img.Pix[i+3] = 255
		}
	}
	return img
}

func clamp(v int) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// bombPNG is a 200-byte PNG whose header claims w x h pixels: decoding it
// would allocate w*h*4 bytes.
func bombPNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

// heicHeader is the start of an iPhone HEIC file (ftyp box, brand heic).
func heicHeader() []byte {
	b := []byte{0, 0, 0, 24}
	b = append(b, "ftypheic"...)
	b = append(b, 0, 0, 0, 0)
	b = append(b, "mif1heic"...)
	return append(b, bytes.Repeat([]byte{0x5A}, 4000)...)
}

// transparentPNG is w x h, fully transparent except an opaque red square in
// the middle.
func transparentPNG(t testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := h / 4; y < 3*h/4; y++ {
		for x := w / 4; x < 3*w/4; x++ {
			img.SetNRGBA(x, y, color.NRGBA{220, 20, 20, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// animatedGIF has a red first frame and a blue second one.
func animatedGIF(t testing.TB, w, h int) []byte {
	frame := func(c color.Color) *image.Paletted {
		p := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
		idx := uint8(p.Palette.Index(c))
		for i := range p.Pix {
			p.Pix[i] = idx
		}
		return p
	}
	var buf bytes.Buffer
	err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{frame(red), frame(blue)}, Delay: []int{50, 50}})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jpegSegments lists the markers of a JPEG up to the start of scan.
func jpegSegments(t testing.TB, b []byte) []byte {
	t.Helper()
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		t.Fatal("not a JPEG")
	}
	var markers []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("bad marker at %d", i)
		}
		m := b[i+1]
		markers = append(markers, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return markers
}

// isReddish and isBluish classify a sampled pixel of a decoded photo.
func isReddish(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 150 && g>>8 < 90 && b>>8 < 90
}

func isBluish(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return b>>8 > 150 && r>>8 < 90 && g>>8 < 90
}

func isWhite(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 240 && g>>8 > 240 && b>>8 > 240
}
