package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"io"
	"sync/atomic"
	"time"

	"github.com/disintegration/imaging"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"golang.org/x/sync/semaphore"

	// The decoders Process accepts. JPEG, PNG and GIF come with the standard
	// library; WebP (some Android cameras and chat apps) from x/image.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/webp"
)

// Error codes of refused photos; clients may key translations on them.
const (
	CodeTooLarge       = "photo_too_large"
	CodeTooManyPixels  = "photo_too_many_pixels"
	CodeHEIC           = "photo_heic"
	CodeNotImage       = "photo_not_image"
	CodeCorrupt        = "photo_corrupt"
	CodeTooMany        = "photo_too_many"
	CodeConsent        = "photo_consent_required"
	CodeExpected       = "photo_invalid_hash"
	CodeNotDeclared    = "photo_not_declared"
	CodeLocked         = "locked"
	CodeProcessAborted = "photo_aborted"
	CodeDecodeTooLarge = "photo_too_large_to_decode"
	CodeBusy           = "photo_busy"
)

// Errors a person reads: Bahasa Indonesia first, then English; each names
// the field it belongs to, because a phone may show it away from the form.
var (
	ErrTooLarge = validation.NewError(CodeTooLarge,
		"Foto (photos) lebih dari 20 MB dan ditolak; kirim foto kamera biasa dalam JPEG. / "+
			"The photo (photos) is larger than 20 MB and was refused; send an ordinary camera photo as JPEG.")
	ErrTooManyPixels = validation.NewError(CodeTooManyPixels,
		"Foto (photos) lebih dari 50 megapiksel dan ditolak. / "+
			"The photo (photos) has more than 50 megapixels and was refused.")
	ErrHEIC = validation.NewError(CodeHEIC,
		"Foto (photos) berformat HEIC/HEIF tidak didukung: kirim sebagai JPEG "+
			"(iPhone: Pengaturan > Kamera > Format > Paling Kompatibel). / "+
			"HEIC/HEIF photos (photos) are not supported: send the photo as JPEG "+
			"(iPhone: Settings > Camera > Formats > Most Compatible).")
	ErrNotImage = validation.NewError(CodeNotImage,
		"Berkas di photos bukan foto: kirim JPEG (PNG, GIF dan WebP juga diterima). / "+
			"The file in photos is not a photo: send a JPEG (PNG, GIF and WebP are accepted too).")
	ErrCorrupt = validation.NewError(CodeCorrupt,
		"Foto (photos) rusak atau terpotong, mungkin unggahan terputus; kirim ulang. / "+
			"The photo (photos) is damaged or truncated, perhaps an interrupted upload; send it again.")
	ErrTooMany = validation.NewError(CodeTooMany,
		"Paling banyak 10 foto (photos) per catatan. / At most 10 photos (photos) per record.")
	ErrConsent = validation.NewError(CodeConsent,
		"Foto (photos) memerlukan photo_consent: pastikan tidak ada wajah anak yang dapat dikenali dan izin sudah diperoleh. / "+
			"Photos (photos) need photo_consent: confirm that no child's face is identifiable and that consent was obtained.")
	ErrExpected = validation.NewError(CodeExpected,
		"photos_expected harus berisi paling banyak 10 sidik sha256 foto (64 karakter heksadesimal). / "+
			"photos_expected must hold at most 10 sha256 digests of photos (64 hexadecimal characters).")
	ErrNotDeclared = validation.NewError(CodeNotDeclared,
		"Catatan sedang diperiksa atau sudah disetujui: hanya foto (photos) yang diumumkan di photos_expected sebelum pengajuan yang masih dapat dikirim. / "+
			"The record is under review or approved: only photos (photos) announced in photos_expected before it was submitted can still be sent.")
	ErrLockedRemoval = validation.NewError(CodeLocked,
		"Catatan sedang diperiksa atau sudah disetujui: foto (photos) tidak dapat dihapus; minta verifikator mengembalikan catatan. / "+
			"The record is under review or approved: photos (photos) cannot be removed; ask the verifier to return the record.")
	ErrDecodeTooLarge = validation.NewError(CodeDecodeTooLarge,
		"Foto (photos) memerlukan terlalu banyak memori untuk diproses (mis. PNG 16-bit atau JPEG progresif yang sangat besar); "+
			"kirim foto kamera biasa dalam JPEG. / "+
			"The photo (photos) needs too much memory to process (for example a very large 16-bit PNG or progressive JPEG); "+
			"send an ordinary camera photo as JPEG.")
	ErrBusy = validation.NewError(CodeBusy,
		"Server sedang memproses banyak foto (photos); kirim ulang sebentar lagi. / "+
			"The server is processing many photos (photos); send again shortly.")
	ErrAborted = validation.NewError(CodeProcessAborted,
		"Pemrosesan foto (photos) dibatalkan karena permintaan berakhir; kirim ulang. / "+
			"Processing of the photo (photos) stopped because the request ended; send it again.")
)

// Opener opens the uploaded bytes from the start. Multipart files and byte
// slices can be opened more than once, which lets Process look at the header
// before it commits memory to a decode.
type Opener func() (io.ReadCloser, error)

// Limiter bounds photo decoding: at most n decodes run at once (CPU: a
// decode keeps a core busy), together they hold at most a budget of bytes
// (decodeCost of each; memory), and at most MaxDecodeQueue uploads wait
// for their turn, each for at most MaxDecodeWait. An upload beyond the
// queue, or one that waited too long, is refused with ErrBusy (the
// request answers 503 with Retry-After): a burst of uploads then costs the
// server neither memory nor a growing line of held connections, and the
// phone retries later.
type Limiter struct {
	slots   chan struct{}
	memory  *semaphore.Weighted
	budget  int64
	wait    time.Duration
	waiting atomic.Int64
	active  atomic.Int64
	peak    atomic.Int64
}

// NewLimiter returns a limiter with n decode slots (at least one) sharing
// DecodeBudget bytes.
func NewLimiter(n int) *Limiter { return NewLimiterBudget(n, DecodeBudget) }

// NewLimiterBudget returns a limiter with n decode slots sharing budget
// bytes (at least MaxDecodeBytes, so that every photo Process accepts can
// run). The benchmark uses it to compare with decoding unbounded.
func NewLimiterBudget(n int, budget int64) *Limiter {
	if n < 1 {
		n = 1
	}
	budget = max(budget, MaxDecodeBytes)
	return &Limiter{slots: make(chan struct{}, n), memory: semaphore.NewWeighted(budget), budget: budget, wait: MaxDecodeWait}
}

// Peak reports the most decodes that ran at the same time since the last
// ResetPeak; tests and benchmarks use it to show the bound holds.
func (l *Limiter) Peak() int { return int(l.peak.Load()) }

// Waiting reports how many decodes wait for their turn (at most
// MaxDecodeQueue).
func (l *Limiter) Waiting() int { return int(l.waiting.Load()) }

// ResetPeak forgets the peak.
func (l *Limiter) ResetPeak() { l.peak.Store(l.active.Load()) }

// acquire waits for cost bytes of the budget and a slot. It gives up with
// ErrAborted when ctx ends, and with ErrBusy when the queue is full or the
// wait exceeds MaxDecodeWait.
func (l *Limiter) acquire(ctx context.Context, cost int64) error {
	if l.waiting.Add(1) > MaxDecodeQueue {
		l.waiting.Add(-1)
		return ErrBusy
	}
	defer l.waiting.Add(-1)
	wait, cancel := context.WithTimeout(ctx, l.wait)
	defer cancel()
	gaveUp := func() error {
		if ctx.Err() != nil {
			return ErrAborted
		}
		return ErrBusy
	}
	cost = min(cost, l.budget)
	if err := l.memory.Acquire(wait, cost); err != nil {
		return gaveUp()
	}
	select {
	case l.slots <- struct{}{}:
	case <-wait.Done():
		l.memory.Release(cost)
		return gaveUp()
	}
	n := l.active.Add(1)
	for {
		p := l.peak.Load()
		if n <= p || l.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return nil
}

func (l *Limiter) release(cost int64) {
	l.active.Add(-1)
	<-l.slots
	l.memory.Release(min(cost, l.budget))
}

// Result is a processed photo.
type Result struct {
	JPEG          []byte // the bytes to store
	Width, Height int    // of the stored photo
	Format        string // of the original: jpeg, png, gif or webp
}

// Hash returns the hex sha256 of what open reads, and its size. It reads one
// byte past MaxUploadBytes at most, so an oversized upload is never read in
// full (the size returned is then MaxUploadBytes+1).
func Hash(open Opener) (string, int64, error) {
	r, err := open()
	if err != nil {
		return "", 0, err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(r, MaxUploadBytes+1))
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// heifBrands are the ISO base media "ftyp" brands of HEIC, HEIF and AVIF
// files, which Go cannot decode: iPhones save HEIC by default.
var heifBrands = map[string]bool{
	"heic": true, "heix": true, "heim": true, "heis": true, "hevc": true, "hevx": true,
	"hevm": true, "hevs": true, "mif1": true, "msf1": true, "avif": true, "avis": true,
}

// IsHEIF reports whether head (the first bytes of a file) starts an
// HEIC/HEIF/AVIF file.
func IsHEIF(head []byte) bool {
	return len(head) >= 12 && string(head[4:8]) == "ftyp" && heifBrands[string(head[8:12])]
}

var acceptedFormats = map[string]bool{"jpeg": true, "png": true, "gif": true, "webp": true}

// Process checks an uploaded original and returns it as a JPEG of at most
// MaxSide pixels on its long side, upright, transparency flattened on
// white, quality JPEGQuality, without metadata (the encoder writes none, so
// GPS positions and camera serials cannot survive). Size and dimensions are
// checked before any pixel is decoded; the decode itself waits for a slot
// of l. The errors are the validation errors above.
func (l *Limiter) Process(ctx context.Context, open Opener, size int64) (*Result, error) {
	if f := processObserver.Load(); f != nil {
		defer func(start time.Time) { (*f)(time.Since(start)) }(time.Now())
	}
	if size > MaxUploadBytes {
		return nil, ErrTooLarge
	}
	in, err := inspect(open)
	if err != nil {
		return nil, err
	}
	format := in.format

	if err := l.acquire(ctx, in.cost); err != nil {
		return nil, err
	}
	defer l.release(in.cost)

	r, err := open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// The EXIF block is read for its orientation and goes no further:
	// the decoded pixels carry no metadata.
	var exif bytes.Buffer
	img, _, err := image.Decode(io.TeeReader(io.LimitReader(r, MaxUploadBytes), &limitedBuffer{&exif, 1 << 17}))
	if err != nil {
		return nil, ErrCorrupt
	}
	orientation := 1
	if format == "jpeg" {
		orientation = readOrientation(&exif)
	}
	// Fit first, turn upright after: the turn then works on 2 megapixels,
	// not 12. Fit returns a copy even when the photo is small enough, so
	// the decoded original can be collected before encoding.
	fitted := imaging.Fit(img, MaxSide, MaxSide, imaging.CatmullRom)
	img = nil
	out := flatten(orient(fitted, orientation))

	var buf bytes.Buffer
	if err := imaging.Encode(&buf, out, imaging.JPEG, imaging.JPEGQuality(JPEGQuality)); err != nil {
		return nil, err
	}
	b := out.Bounds()
	return &Result{JPEG: buf.Bytes(), Width: b.Dx(), Height: b.Dy(), Format: format}, nil
}

var processObserver atomic.Pointer[func(time.Duration)]

// ObserveProcess sets the function told how long each Process call took,
// its wait for a decode slot included (metrics).
func ObserveProcess(f func(time.Duration)) { processObserver.Store(&f) }

// limitedBuffer keeps the first max bytes written to it (the JPEG header
// segments, where EXIF lives) and drops the rest.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// inspect refuses what is not an accepted image, has too many pixels or
// would take more than MaxDecodeBytes to process, reading only headers.
func inspect(open Opener) (inspected, error) {
	r, err := open()
	if err != nil {
		return inspected{}, err
	}
	defer r.Close()
	head := make([]byte, 32)
	n, _ := io.ReadFull(r, head)
	head = head[:n]
	if IsHEIF(head) {
		return inspected{}, ErrHEIC
	}
	// the bytes DecodeConfig reads (a JPEG's headers up to its frame or
	// first scan) are kept to read the frame layout from: one open only
	var seen bytes.Buffer
	seen.Write(head)
	cfg, format, err := image.DecodeConfig(io.MultiReader(bytes.NewReader(head), io.TeeReader(r, &seen)))
	if err != nil {
		if errors.Is(err, image.ErrFormat) || !acceptedFormats[format] {
			return inspected{}, ErrNotImage
		}
		return inspected{}, ErrCorrupt
	}
	if !acceptedFormats[format] {
		return inspected{}, ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return inspected{}, ErrCorrupt
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return inspected{}, ErrTooManyPixels
	}
	var frame jpegFrame
	if format == "jpeg" {
		if frame, err = readJPEGFrame(&seen); err != nil {
			return inspected{}, ErrCorrupt
		}
	}
	in := inspected{format: format, cfg: cfg, cost: decodeCost(format, cfg, frame, format == "png" && pngInterlaced(head))}
	if in.cost > MaxDecodeBytes {
		return inspected{}, ErrDecodeTooLarge
	}
	return in, nil
}

// flatten puts an image with transparency on a white background: JPEG has
// no alpha, and a transparent logo or screenshot would otherwise turn black.
func flatten(img *image.NRGBA) *image.NRGBA {
	if img.Opaque() {
		return img
	}
	bg := imaging.New(img.Bounds().Dx(), img.Bounds().Dy(), color.White)
	return imaging.Overlay(bg, img, image.Pt(0, 0), 1)
}
