// Package media turns the photos phones upload for activities and outreach
// logs into small, metadata-free JPEGs, on every path that saves a record
// (REST, batch, sync, admin UI, Go code). Village links are 2G or 3G and a
// phone photo carries the GPS position of whoever took it, so originals are
// never stored: each upload is decoded with its EXIF orientation applied,
// fitted within 1600 x 1600 pixels and re-encoded as a JPEG of quality 80
// without any metadata. Uploads are idempotent by content hash, and the
// record tells a syncing phone which of the photos it announced are still
// pending.
package media

import (
	"time"

	"jangkau/catalog"
)

// Field names on every collection that carries photos. Phone apps depend on
// them: never rename.
const (
	// FieldPhotos is the protected file field holding the processed photos.
	FieldPhotos = "photos"
	// FieldConsent is the uploader's confirmation that no child's face is
	// identifiable and that consent was obtained.
	FieldConsent = "photo_consent"
	// FieldExpected is written by the phone during data sync: the sha256
	// digests (hex) of the photos it will upload afterwards.
	FieldExpected = "photos_expected"
	// FieldHashes is server-owned: sha256 of each uploaded original (hex)
	// mapped to the name of the processed file stored for it.
	FieldHashes = "photo_hashes"
	// FieldPending is server-owned: the digests of photos_expected that have
	// not been stored yet, in the order the phone announced them.
	FieldPending = "photos_pending"
)

// Collections lists the collections with photos.
var Collections = []string{catalog.Activities, catalog.OutreachLogs}

// Limits of the photo pipeline.
const (
	// MaxPhotos is the most photos one record keeps.
	MaxPhotos = 10
	// MaxUploadBytes is the largest original accepted: a 12-megapixel phone
	// photo is 3 to 8 MB, so 20 MB leaves room for 50-megapixel cameras.
	MaxUploadBytes = 20 << 20
	// MaxPixels is the largest original accepted, checked from the header
	// before decoding: a 50-megapixel image decodes to 200 MB of pixels, and
	// a small file claiming more is a decompression bomb.
	MaxPixels = 50_000_000
	// MaxSide is the long side of a stored photo: enough to read a banner
	// or an attendance sheet, small enough for a 2G link.
	MaxSide = 1600
	// JPEGQuality is the quality of stored photos.
	JPEGQuality = 80
	// DefaultDecodeSlots is how many photos are decoded at once: a decode
	// keeps a core busy, and the server has few.
	DefaultDecodeSlots = 2
	// MaxDecodeBytes is the most memory one photo may take to process,
	// computed from its header before any pixel is decoded (decodeCost:
	// bytes per pixel of its format and colour model, a progressive JPEG's
	// coefficients, the resize). A 12-megapixel phone JPEG takes about
	// 80 MB, a progressive one about 150 MB, a 50-megapixel phone JPEG
	// about 150 MB; a 7000 x 7000 PNG of 16 bits per channel would take
	// 480 MB and is refused.
	MaxDecodeBytes = 160 << 20
	// DecodeBudget is the memory all decodes running at once may take
	// together: two ordinary photos, or one of the largest accepted.
	DecodeBudget = 256 << 20
	// MaxDecodeQueue is how many uploads may wait for a decode; one more is
	// refused at once with ErrBusy (503, Retry-After).
	MaxDecodeQueue = 8
	// MaxDecodeWait is the longest an upload waits for a decode before it
	// is refused with ErrBusy.
	MaxDecodeWait = 30 * time.Second
	// RetryAfter is the Retry-After of an upload refused with ErrBusy.
	RetryAfter = 10 * time.Second
)

// Thumbs are the thumbnail sizes PocketBase serves with ?thumb=: 320 px
// (fit, not cropped) for lists, 640 px for a detail view on a small screen.
var Thumbs = []string{"320x320f", "640x640f"}

// ListThumb is the thumbnail size phones use in lists.
const ListThumb = "320x320f"
