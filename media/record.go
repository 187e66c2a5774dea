package media

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/security"

	"jangkau/internal/recfield"
)

// Processor is the photo pipeline of one app: a decode limiter shared by
// every save, and a lock per record so that a phone retrying an upload while
// the first attempt is still being processed stores the photo once.
type Processor struct {
	limiter atomic.Pointer[Limiter]

	mu    sync.Mutex
	locks map[string]*recordLock
}

type recordLock struct {
	sync.Mutex
	users int
}

// NewProcessor returns a processor decoding at most decodeSlots photos at
// the same time.
func NewProcessor(decodeSlots int) *Processor {
	p := &Processor{locks: map[string]*recordLock{}}
	p.limiter.Store(NewLimiter(decodeSlots))
	return p
}

// Limiter returns the processor's decode limiter.
func (p *Processor) Limiter() *Limiter { return p.limiter.Load() }

// SetLimiter replaces the decode limiter; decodes already waiting keep the
// old one. The benchmark uses it to compare bounded and unbounded decoding.
func (p *Processor) SetLimiter(l *Limiter) { p.limiter.Store(l) }

func (p *Processor) lock(key string) func() {
	p.mu.Lock()
	l := p.locks[key]
	if l == nil {
		l = &recordLock{}
		p.locks[key] = l
	}
	l.users++
	p.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		p.mu.Lock()
		if l.users--; l.users == 0 {
			delete(p.locks, key)
		}
		p.mu.Unlock()
	}
}

// HasPhotos reports whether rec's collection carries photos.
func HasPhotos(rec *core.Record) bool {
	_, ok := rec.Collection().Fields.GetByName(FieldPhotos).(*core.FileField)
	return ok
}

// Save is the model hook of collections with photos: it processes the
// unsaved photos of rec, drops those already stored (same content hash),
// keeps photo_hashes and photos_pending up to date, checks consent, then
// calls next (the rest of the save).
//
// Photos upload in the background while the phone goes on syncing data, so
// rec may be older than the stored row by the time it is written (the
// upload waited for a decode slot, a sync push committed meanwhile). Save
// therefore rebases on the latest row just before writing: the photos are
// those stored now plus this save's additions minus its removals, and a
// save that changes only photo fields takes every other field from the
// latest row, so a photo upload never undoes a data edit and a data edit
// never drops a photo.
//
// Saves that upload photos hold a per-record lock, so a phone retrying an
// upload while its first attempt is still processed stores the photo
// once. Inside a transaction (batch, sync) there is no lock: the
// transaction holds the single write connection, and waiting for a lock
// there could deadlock with a save that waits for that connection.
func (p *Processor) Save(ctx context.Context, app core.App, rec *core.Record, next func() error) error {
	if !HasPhotos(rec) {
		return next()
	}
	if ctx == nil {
		ctx = context.Background()
	}
	uploads := rec.GetUnsavedFiles(FieldPhotos)
	if len(uploads) > 0 && !app.IsTransactional() {
		unlock := p.lock(rec.Collection().Id + "/" + rec.Id)
		defer unlock()
	}
	if err := p.prepare(ctx, app, rec, uploads); err != nil {
		return err
	}
	return next()
}

// stored is what a save starts from: the photo names it keeps and their
// hashes, rebased on the latest row (nil for a new record).
type stored struct {
	names  []string
	hashes map[string]string
	latest *core.Record
}

func current(app core.App, rec *core.Record, full bool) stored {
	kept := keptNames(rec)
	if rec.IsNew() {
		return stored{names: kept, hashes: map[string]string{}}
	}
	orig := rec.Original()
	latest := orig
	if full {
		if r, err := app.FindRecordById(rec.Collection(), rec.Id); err == nil {
			latest = r
		}
	} else if r, err := latestPhotos(app, rec); err == nil {
		latest = r
	}
	names := kept
	if now := latest.GetStringSlice(FieldPhotos); !slices.Equal(now, orig.GetStringSlice(FieldPhotos)) {
		// another save changed the photos since rec was read
		names = minus(now, minus(orig.GetStringSlice(FieldPhotos), kept))
	}
	hashes := map[string]string{}
	for h, name := range Hashes(latest) {
		if slices.Contains(names, name) {
			hashes[h] = name
		}
	}
	return stored{names, hashes, latest}
}

// latestPhotos reads only the stored photos and their hashes of rec: most
// saves (a data edit, a review) need nothing else from the stored row, and
// they run by the thousand inside a sync push.
func latestPhotos(app core.App, rec *core.Record) (*core.Record, error) {
	var row struct {
		Photos string `db:"photos"`
		Hashes string `db:"photo_hashes"`
	}
	err := app.DB().Select(FieldPhotos, FieldHashes).From(rec.Collection().Name).
		Where(dbx.HashExp{"id": rec.Id}).Limit(1).One(&row)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(rec.Collection())
	r.Set(FieldPhotos, row.Photos)
	r.Set(FieldHashes, row.Hashes)
	return r, nil
}

// prepare returns validation.Errors for a refused photo, and a 503
// *router.ApiError (BusyError) when the decode queue is full.
func (p *Processor) prepare(ctx context.Context, app core.App, rec *core.Record, uploads []*filesystem.File) error {
	errs := validation.Errors{}
	// Only an upload can wait long enough for its copy of the record to
	// go stale in a way that matters; other saves keep the data they carry.
	photoOnly := len(uploads) > 0 && !rec.IsNew() && onlyMediaChanged(rec)
	// a photo-only save leaves consent and the announcement as stored,
	// unless it changes them itself
	var adoptConsent, adoptExpected bool
	if photoOnly {
		orig := rec.Original() // a copy of the record: only when needed
		adoptConsent = rec.GetBool(FieldConsent) == orig.GetBool(FieldConsent)
		adoptExpected = slices.Equal(mustExpected(rec), mustExpected(orig))
	}
	adopt := func(latest *core.Record) {
		if adoptConsent {
			rec.Set(FieldConsent, latest.GetBool(FieldConsent))
		}
		if adoptExpected {
			rec.Set(FieldExpected, latest.Get(FieldExpected))
		}
	}
	start := current(app, rec, photoOnly)
	if photoOnly {
		adopt(start.latest)
	}

	// Hash first (cheap, streaming): duplicates are dropped before anything
	// is decoded, and the count and consent checks see the real number.
	type upload struct {
		file *filesystem.File
		hash string
		size int64
	}
	var todo []upload
	seen := map[string]bool{}
	for _, f := range uploads {
		if f.Size > MaxUploadBytes {
			errs[FieldPhotos] = ErrTooLarge
			return errs
		}
		h, n, err := Hash(fileOpener(f))
		if err != nil {
			errs[FieldPhotos] = ErrCorrupt
			return errs
		}
		if n > MaxUploadBytes {
			errs[FieldPhotos] = ErrTooLarge
			return errs
		}
		if _, ok := start.hashes[h]; ok || seen[h] {
			continue // idempotent: the same bytes are stored once
		}
		seen[h] = true
		todo = append(todo, upload{f, h, n})
	}
	if len(start.names)+len(todo) > MaxPhotos {
		errs[FieldPhotos] = ErrTooMany
	}
	expected, ok := Expected(rec)
	if !ok {
		errs[FieldExpected] = ErrExpected
	}
	if (len(start.names)+len(todo) > 0 || len(expected) > 0) && !rec.GetBool(FieldConsent) {
		errs[FieldConsent] = ErrConsent
	}
	if len(errs) > 0 {
		return errs
	}

	var added []upload
	for _, u := range todo {
		res, err := p.Limiter().Process(ctx, fileOpener(u.file), u.size)
		if err != nil {
			if verr, ok := err.(validation.Error); ok {
				if verr.Code() == CodeBusy {
					return BusyError()
				}
				errs[FieldPhotos] = verr
				return errs
			}
			errs[FieldPhotos] = ErrCorrupt
			app.Logger().Warn("photo processing failed", "error", err, "collection", rec.Collection().Name, "record", rec.Id)
			return errs
		}
		// Replace the original in place: the file field writes whatever
		// the reader gives at the execute step, and the name no longer
		// carries the phone's file name (it may name a person or a place).
		u.file.Reader = &filesystem.BytesReader{Bytes: res.JPEG}
		u.file.Size = int64(len(res.JPEG))
		u.file.Name = newFileName()
		u.file.OriginalName = u.file.Name
		added = append(added, u)
	}

	// Processing may have waited for a decode slot: rebase on the row as
	// it is now, just before writing.
	now := start
	if len(todo) > 0 {
		now = current(app, rec, photoOnly)
	}
	if photoOnly {
		keepLatestData(rec, now.latest)
		adopt(now.latest)
		expected = mustExpected(rec)
	}
	value := make([]any, 0, len(now.names)+len(added))
	for _, name := range now.names {
		value = append(value, name)
	}
	hashes := now.hashes
	for _, u := range added {
		if _, ok := hashes[u.hash]; ok {
			continue // stored meanwhile by a save this one did not wait for
		}
		hashes[u.hash] = u.file.Name
		value = append(value, u.file)
	}
	if len(value) > MaxPhotos {
		errs[FieldPhotos] = ErrTooMany // others were added while this one waited
		return errs
	}
	recfield.Set(rec, FieldPhotos, value)
	recfield.Set(rec, FieldHashes, hashes)
	recfield.Set(rec, FieldExpected, expected)
	recfield.Set(rec, FieldPending, Pending(expected, hashes))
	return nil
}

func mustExpected(rec *core.Record) []string {
	e, _ := Expected(rec)
	return e
}

// onlyMediaChanged reports whether rec differs from its last saved state in
// photo fields only.
func onlyMediaChanged(rec *core.Record) bool {
	orig := rec.Original()
	for _, f := range rec.Collection().Fields {
		name := f.GetName()
		if slices.Contains(mediaFields, name) || name == "created" {
			continue
		}
		if fmt.Sprint(rec.Get(name)) != fmt.Sprint(orig.Get(name)) {
			return false
		}
	}
	return true
}

// keepLatestData copies every field but the photo fields from latest into
// rec: a save that only delivers photos writes the data as it is stored.
func keepLatestData(rec, latest *core.Record) {
	if latest == nil {
		return
	}
	for _, f := range rec.Collection().Fields {
		name := f.GetName()
		if name == "id" || slices.Contains(mediaFields, name) {
			continue
		}
		rec.Set(name, latest.Get(name))
	}
}

// fileOpener opens an unsaved file's content.
func fileOpener(f *filesystem.File) Opener {
	return func() (io.ReadCloser, error) { return f.Reader.Open() }
}

// nameAlphabet has no digits, so a stored name can never look like a NIK
// or a phone number to the privacy guard.
const nameAlphabet = "abcdefghijklmnopqrstuvwxyz"

func newFileName() string {
	return "foto_" + security.RandomStringWithAlphabet(16, nameAlphabet) + ".jpg"
}

// keptNames lists the already stored files rec still names.
func keptNames(rec *core.Record) []string {
	var names []string
	raw, _ := rec.GetRaw(FieldPhotos).([]any)
	for _, v := range raw {
		if s, ok := v.(string); ok {
			names = append(names, s)
		}
	}
	return names
}

func minus(from, remove []string) []string {
	out := make([]string, 0, len(from))
	for _, s := range from {
		if !slices.Contains(remove, s) {
			out = append(out, s)
		}
	}
	return out
}

var digestRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Expected returns the digests rec's photos_expected announces, lower-cased
// and without repeats; ok is false when the value is not a list of at most
// MaxPhotos sha256 hex digests.
func Expected(rec *core.Record) (digests []string, ok bool) {
	digests = []string{}
	raw := recfield.String(rec, FieldExpected)
	if raw == "" || raw == "null" {
		return digests, true
	}
	var list []string
	if err := rec.UnmarshalJSONField(FieldExpected, &list); err != nil {
		return digests, false
	}
	for _, d := range list {
		d = strings.ToLower(strings.TrimSpace(d))
		if !digestRe.MatchString(d) {
			return []string{}, false
		}
		if !slices.Contains(digests, d) {
			digests = append(digests, d)
		}
	}
	if len(digests) > MaxPhotos {
		return []string{}, false
	}
	return digests, true
}

// Hashes returns rec's photo_hashes: original sha256 -> stored file name.
func Hashes(rec *core.Record) map[string]string {
	m := map[string]string{}
	_ = rec.UnmarshalJSONField(FieldHashes, &m)
	return m
}

// Pending lists the expected digests not stored yet, in announced order.
func Pending(expected []string, hashes map[string]string) []string {
	out := []string{}
	for _, d := range expected {
		if _, ok := hashes[d]; !ok {
			out = append(out, d)
		}
	}
	return out
}

// mediaFields may change in a photo completion; photo_hashes and
// photos_pending are recomputed by Save whatever a phone echoes back.
var mediaFields = []string{FieldPhotos, FieldExpected, FieldConsent, FieldHashes, FieldPending, "updated"}

// CheckPhotoCompletion decides whether an update of rec (whose changed
// fields are listed) only delivers photos the phone announced in
// photos_expected before the record went to review, or gives up on some of
// them. Data syncs before photos, so a record is often submitted, even
// approved, while its photos are still on their way over a 2G link; such a
// change adds nothing the verifier did not see announced.
//
// It returns ok for such a change; errs when the change touches only the
// photo fields but breaks the rule (an unannounced photo, a removal, a new
// announcement), so the phone learns why; neither when other fields
// change, which the review lock handles.
func CheckPhotoCompletion(rec *core.Record, changed []string) (ok bool, errs validation.Errors) {
	if !HasPhotos(rec) || rec.IsNew() {
		return false, nil
	}
	for _, f := range changed {
		if !slices.Contains(mediaFields, f) {
			return false, nil
		}
	}
	orig := rec.Original()
	if orig.GetBool(FieldConsent) && !rec.GetBool(FieldConsent) {
		return false, validation.Errors{FieldConsent: ErrConsent}
	}
	// nothing stored may go: removing a photo is an edit of the content
	if len(minus(orig.GetStringSlice(FieldPhotos), keptNames(rec))) > 0 {
		return false, validation.Errors{FieldPhotos: ErrLockedRemoval}
	}
	announced, _ := Expected(orig)
	expected, valid := Expected(rec)
	if !valid {
		return false, validation.Errors{FieldExpected: ErrExpected}
	}
	if len(minus(expected, announced)) > 0 {
		return false, validation.Errors{FieldExpected: ErrNotDeclared}
	}
	stored := Hashes(orig)
	for _, f := range rec.GetUnsavedFiles(FieldPhotos) {
		if f.Size > MaxUploadBytes {
			return false, validation.Errors{FieldPhotos: ErrTooLarge}
		}
		h, _, err := Hash(fileOpener(f))
		if err != nil {
			return false, validation.Errors{FieldPhotos: ErrCorrupt}
		}
		if _, ok := stored[h]; !ok && !slices.Contains(announced, h) {
			return false, validation.Errors{FieldPhotos: ErrNotDeclared}
		}
	}
	return true, nil
}

const storeKey = "jangkau.media.processor"

// For returns app's processor, creating it with DefaultDecodeSlots on first
// use. One processor per app means one decode limit per server process.
func For(app core.App) *Processor {
	return app.Store().GetOrSet(storeKey, func() any { return NewProcessor(DefaultDecodeSlots) }).(*Processor)
}

// BusyError is the answer to an upload refused because the decode queue is
// full or its wait ran out: 503, the photos field naming ErrBusy. The
// hooks add Retry-After (RetryAfter) to the response.
func BusyError() *router.ApiError {
	return router.NewApiError(http.StatusServiceUnavailable, ErrBusy.Error(), validation.Errors{FieldPhotos: ErrBusy})
}
