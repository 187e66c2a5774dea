package media

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"io"
	"math"
)

// The pixel count alone does not bound what a decode takes: a 7000 x 7000
// PNG of 16 bits per channel is 49 megapixels, under MaxPixels, but
// decodes to 392 MB (8 bytes a pixel), and a progressive JPEG keeps four
// bytes of coefficients per sample on top of its pixels. decodeCost
// therefore computes, from the header only, what Process will allocate:
// the image as the decoder lays it out, what the decoder keeps beside it,
// the resize to MaxSide and the output stages. TestDecodeCostCoversWhat
// ProcessAllocates measures Process against it for every format.

// inspected is what the header of an upload tells before any pixel is
// decoded.
type inspected struct {
	format string
	cfg    image.Config
	cost   int64 // bytes Process allocates for it, at most (decodeCost)
}

// errNoFrame: a JPEG header without a frame (SOF) before its first scan.
var errNoFrame = errors.New("jpeg: no frame header")

// jpegFrame is what the frame header (SOF) of a JPEG says about its layout.
type jpegFrame struct {
	progressive bool
	comps       [][2]int // horizontal and vertical sampling factor of each component
}

// readJPEGFrame reads the markers of a JPEG up to its frame header.
func readJPEGFrame(r io.Reader) (jpegFrame, error) {
	br := bufio.NewReader(r)
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return jpegFrame{}, errNoFrame
	}
	for {
		// a marker is 0xFF (any number of them: fill bytes) and its code;
		// like Go's decoder, tolerate stray bytes between segments
		b, err := br.ReadByte()
		if err != nil {
			return jpegFrame{}, err
		}
		if b != 0xFF {
			continue
		}
		marker := byte(0xFF)
		for marker == 0xFF {
			if marker, err = br.ReadByte(); err != nil {
				return jpegFrame{}, err
			}
		}
		switch {
		case marker == 0x00, marker == 0x01, marker == 0xD8, marker >= 0xD0 && marker <= 0xD7:
			continue // no length: stuffed byte, TEM, SOI, RSTn
		case marker == 0xD9, marker == 0xDA:
			return jpegFrame{}, errNoFrame // EOI or SOS before a frame
		}
		var lb [2]byte
		if _, err := io.ReadFull(br, lb[:]); err != nil {
			return jpegFrame{}, err
		}
		n := int(binary.BigEndian.Uint16(lb[:])) - 2
		if n < 0 {
			return jpegFrame{}, errNoFrame
		}
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
			payload := make([]byte, n)
			if _, err := io.ReadFull(br, payload); err != nil {
				return jpegFrame{}, err
			}
			// precision, height, width, component count, then 3 bytes each
			if n < 6 || int(payload[5]) == 0 || n < 6+3*int(payload[5]) {
				return jpegFrame{}, errNoFrame
			}
			f := jpegFrame{progressive: marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE}
			for i := 0; i < int(payload[5]); i++ {
				hv := payload[6+3*i+1]
				f.comps = append(f.comps, [2]int{max(int(hv>>4), 1), max(int(hv&0x0F), 1)})
			}
			return f, nil
		}
		if _, err := io.CopyN(io.Discard, br, int64(n)); err != nil {
			return jpegFrame{}, err
		}
	}
}

// pngInterlaced reports whether a PNG (its first bytes) is interlaced
// (Adam7): its decoder then holds each pass beside the final image.
func pngInterlaced(head []byte) bool {
	// signature (8), chunk length (4), "IHDR" (4), width, height (8),
	// bit depth, colour type, compression, filter, interlace
	return len(head) > 28 && bytes.Equal(head[12:16], []byte("IHDR")) && head[28] == 1
}

// decodeCost returns the bytes Process allocates for an image: decode,
// fit within MaxSide, turn, flatten and encode.
func decodeCost(format string, cfg image.Config, frame jpegFrame, interlaced bool) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	px := w * h
	var decoded int64
	switch format {
	case "jpeg":
		decoded = jpegCost(cfg, frame)
	case "png":
		decoded = px * pngBytesPerPixel(cfg.ColorModel)
		if interlaced {
			decoded *= 2
		}
	case "gif":
		decoded = px // the first frame, one palette index a pixel
	case "webp":
		switch cfg.ColorModel {
		case color.YCbCrModel: // lossy: 4:2:0 in 16-pixel macroblocks
			decoded = (w + 16) * (h + 16) * 3 / 2
		case color.NYCbCrAModel: // lossy with alpha, which may be stored lossless
			decoded = (w+16)*(h+16)*5/2 + 4*px
		default: // lossless: RGBA, and the transforms' copy
			decoded = 8 * px
		}
	default:
		decoded = 8 * px
	}
	return decoded + fitCost(int(w), int(h))
}

// pngBytesPerPixel is what Go's PNG decoder allocates a pixel for a colour
// model DecodeConfig reports. Grey images count as RGBA: with a tRNS chunk
// (not in the header) they decode to NRGBA.
func pngBytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.RGBAModel, color.NRGBAModel:
		return 4
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
}

// jpegCost follows Go's JPEG decoder: planes padded to whole MCUs (one of
// 8 x 8 for greyscale), chroma planes as large as luma when the sampling
// is not a standard ratio, a black plane and a CMYK copy for four
// components, an RGBA copy for RGB JPEGs, and four bytes of coefficients
// per sample for progressive ones.
func jpegCost(cfg image.Config, f jpegFrame) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	if len(f.comps) == 0 {
		f.comps = [][2]int{{2, 2}, {1, 1}, {1, 1}} // unknown: typical 4:2:0
	}
	if len(f.comps) == 1 {
		f.comps[0] = [2]int{1, 1}
	}
	maxH, maxV := int64(1), int64(1)
	for _, c := range f.comps {
		maxH, maxV = max(maxH, int64(c[0])), max(maxV, int64(c[1]))
	}
	mxx, myy := (w+8*maxH-1)/(8*maxH), (h+8*maxV-1)/(8*maxV)
	luma := 8 * maxH * mxx * 8 * maxV * myy
	var size int64
	switch len(f.comps) {
	case 1:
		size = luma
	case 3, 4:
		chroma := luma // flex mode: every plane full size
		c1, c2 := f.comps[1], f.comps[2]
		if c1 == c2 && int64(f.comps[0][0]) == maxH && int64(f.comps[0][1]) == maxV {
			chroma = luma / ((maxH / int64(c1[0])) * (maxV / int64(c1[1])))
		}
		size = luma + 2*chroma
		if len(f.comps) == 4 {
			size += 8*int64(f.comps[3][0])*mxx*8*int64(f.comps[3][1])*myy + 4*w*h
		} else if cfg.ColorModel == color.RGBAModel {
			size += 4 * w * h
		}
	default: // Go's decoder refuses other component counts
		size = 4 * luma
	}
	if f.progressive {
		var blocks int64
		for _, c := range f.comps {
			blocks += mxx * myy * int64(c[0]) * int64(c[1])
		}
		size += blocks * 64 * 4
	}
	return size
}

// fitCost is what imaging.Fit, the turn, the flattening and the encoder
// allocate after the decode: a resize (two passes, each with its weights
// table) or a copy, and up to four NRGBA images of the fitted size.
func fitCost(w, h int) int64 {
	fw, fh := fitSize(w, h)
	out := 4 * 4 * int64(fw) * int64(fh)
	if w <= MaxSide && h <= MaxSide {
		return out + 4*int64(w)*int64(h)
	}
	var cost int64
	if w != fw {
		cost += 4*int64(fw)*int64(h) + weightsCost(fw, w)
	}
	if h != fh {
		cost += 4*int64(fw)*int64(fh) + weightsCost(fh, h)
	}
	return cost + out
}

// fitSize is the size imaging.Fit gives a w x h image within MaxSide.
func fitSize(w, h int) (int, int) {
	if w <= MaxSide && h <= MaxSide {
		return w, h
	}
	var fw, fh int
	if float64(w)/float64(h) > 1 {
		fw, fh = MaxSide, int(float64(MaxSide)/(float64(w)/float64(h)))
	} else {
		fw, fh = int(float64(MaxSide)*(float64(w)/float64(h))), MaxSide
	}
	return max(fw, 1), max(fh, 1)
}

// weightsCost is imaging's table of resampling weights for one pass from
// src to dst pixels with the Catmull-Rom filter (support 2): 16 bytes per
// weight, about four per source pixel, so it grows with the long side of
// the original (a 1 x 50,000,000 image would need 3 GB).
func weightsCost(dst, src int) int64 {
	scale := math.Max(float64(src)/float64(dst), 1)
	ru := int64(math.Ceil(scale * 2))
	return int64(dst)*(ru+2)*2*16 + int64(dst)*24
}
