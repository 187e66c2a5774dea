package sync

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/devices"
	"jangkau/privacy"
	"jangkau/static"
	"jangkau/txbatch"
)

// Refusals of a sync request as a whole (docs/sync.md).
var (
	errSignIn = apierr.New(http.StatusUnauthorized, "token", "auth_required", "Masuk dulu untuk sinkronisasi. / Sign in to sync.")
	errNoSync = apierr.Forbidden("role", "forbidden_role", "Akun ini tidak boleh sinkronisasi. / This account may not sync.")
)

// caller returns the actor and scope of an authenticated sync request.
func caller(e *core.RequestEvent) (access.Actor, Scope, *router.ApiError) {
	if e.Auth == nil {
		return access.Actor{}, Scope{}, errSignIn.APIError()
	}
	a := access.ActorOf(e.Auth)
	s, ok := ScopeOf(a)
	if !ok {
		return a, s, errNoSync.APIError()
	}
	return a, s, nil
}

// badRequest is the 400 of one named problem, in the one error shape
// (apierr): the request's field, a code and a bilingual message.
func badRequest(_ *core.RequestEvent, field, code, message string) error {
	return apierr.BadRequest(field, code, message)
}

// parseCursor reads a cursor; "", "null" and "0" mean "from the start".
func parseCursor(raw string) (int64, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" || raw == "undefined" {
		return 0, true
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// msgInvalidLimit explains the page size bounds.
var msgInvalidLimit = fmt.Sprintf("Limit harus 1-%d. / The limit must be 1-%d.", MaxPageSize, MaxPageSize)

// parseLimit reads a page size; absent means DefaultPageSize.
func parseLimit(raw string) (int, bool) {
	if raw == "" {
		return DefaultPageSize, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > MaxPageSize {
		return 0, false
	}
	return n, true
}

const msgRestored = "Server dipulihkan dari cadangan sejak sinkronisasi terakhir: kirim ulang semua catatan lokal, lalu tarik dari awal. / " +
	"The server was restored from a backup since the last sync: re-send every local record, then pull from the start."

// parseEpoch reads the epoch a client sends with its cursor; absent or 0
// (a client from before epochs) means "unknown", which is never a mismatch.
func parseEpoch(raw string) (int64, bool) {
	return parseCursor(raw)
}

// restoredSince tells whether a client's position comes from before a
// restore: another epoch, or a sequence the server never reached.
func restoredSince(r *Reader, epoch int64, seqs ...int64) bool {
	if epoch != 0 && r.Epoch != 0 && epoch != r.Epoch {
		return true
	}
	for _, s := range seqs {
		if s > r.Upto {
			return true
		}
	}
	return false
}

// restoredAnswer is the 409 server_restored about field, in the one error
// shape plus the server's epoch, which the client keeps with its cursor
// from zero.
func restoredAnswer(e *core.RequestEvent, field string, epoch int64) error {
	ae := apierr.New(http.StatusConflict, field, "server_restored", msgRestored).APIError()
	return e.JSON(http.StatusConflict, map[string]any{"status": ae.Status, "message": ae.Message, "data": ae.Data, "epoch": epoch})
}

// resetNeeded tells whether a cursor predates what the server can still
// answer incrementally: purged tombstones, or a change of the user's scope.
func resetNeeded(r *Reader, cursor int64, auth *core.Record) bool {
	if cursor <= 0 {
		return false
	}
	if cursor < r.Horizon {
		return true
	}
	return auth != nil && auth.Collection().Name == "users" && cursor < int64(auth.GetInt("scope_seq"))
}

// Limits of what a client says about itself (the devices fields that keep it).
const (
	maxClientID   = 100
	maxAppVersion = 50
)

// checkClientReport refuses, with a 400 naming the parameter, a client
// report in the query string that does not fit: clientId and appVersion
// too long, a queueLength that is not an integer >= 0. Call it before the
// request reads or writes anything; when ok is false the answer is sent
// and err is what the handler returns.
func checkClientReport(e *core.RequestEvent) (ok bool, err error) {
	q := e.Request.URL.Query()
	if len(q.Get("clientId")) > maxClientID {
		return false, badRequest(e, "clientId", "invalid_client_id", msgClientIDTooLong)
	}
	if len(q.Get("appVersion")) > maxAppVersion {
		return false, badRequest(e, "appVersion", "invalid_app_version", msgAppVersionTooLong)
	}
	if err := checkClientText(q.Get("clientId"), q.Get("appVersion")); err != nil {
		return false, err
	}
	if raw := q.Get("queueLength"); raw != "" {
		if n, err := strconv.Atoi(raw); err != nil || n < 0 {
			return false, badRequest(e, "queueLength", "invalid_queue_length", msgQueueLength)
		}
	}
	return true, nil
}

// checkClientText refuses, with a 400 naming the field and the privacy
// guard's code and message, a clientId or appVersion the guard refuses:
// the server stores both (devices.client_id, app_version; sync_mutations).
func checkClientText(clientID, appVersion string) error {
	if v := privacy.CheckID("clientId", clientID); v != nil {
		return apierr.BadRequest("clientId", v.Code(), v.Error())
	}
	if v := privacy.CheckText(appVersion); v != nil {
		return apierr.BadRequest("appVersion", v.Code(), v.Error())
	}
	return nil
}

var (
	msgClientIDTooLong   = fmt.Sprintf("clientId paling banyak %d karakter. / clientId is at most %d characters.", maxClientID, maxClientID)
	msgAppVersionTooLong = fmt.Sprintf("appVersion paling banyak %d karakter. / appVersion is at most %d characters.", maxAppVersion, maxAppVersion)
	msgQueueLength       = "queueLength harus bilangan bulat >= 0. / queueLength must be an integer >= 0."
)

// decodeBody reads a JSON request body into v: one JSON value, nothing
// after it; strict also refuses fields v does not have.
func decodeBody(e *core.RequestEvent, v any, strict bool) error {
	dec := json.NewDecoder(e.Request.Body)
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return apierr.ErrTrailingData
	}
	return nil
}

// clientReport reads what a client says about itself from the query string
// (checked by checkClientReport).
func clientReport(e *core.RequestEvent) devices.Contact {
	q := e.Request.URL.Query()
	c := devices.Contact{DeviceID: devices.FromRequest(e), ClientID: q.Get("clientId"), AppVersion: q.Get("appVersion")}
	if n, err := strconv.Atoi(q.Get("queueLength")); err == nil {
		c.QueueLength = &n
	}
	return c
}

// touch records sync health in a write transaction of its own, shared
// with other requests' writes (txbatch); most contacts change nothing worth
// a write (devices.Fresh). A push records it in its own transaction instead
// (runPush).
func touch(e *core.RequestEvent, c devices.Contact) {
	h := newHealth(e, c)
	if h.skip {
		return
	}
	// errSkipHealth has been logged by write; a group it failed in was run
	// again without it
	if err := txbatch.RunContext(e.Request.Context(), e.App, h.write); err != nil && !errors.Is(err, errSkipHealth) {
		e.App.Logger().Warn("sync health not recorded", "error", err)
	}
}

// health is the sync health of one request's contact, written inside a
// write transaction. Recording it never fails the request's own writes: a
// refused field (an app version holding a phone number) is refused before
// anything is written, and a database error makes the transaction run
// again without it (errSkipHealth). A push writes it after its records, in
// its own transaction: one trip through the writer instead of two.
type health struct {
	e    *core.RequestEvent
	c    devices.Contact
	skip bool
}

// errSkipHealth asks for the transaction to run again without its sync health.
var errSkipHealth = errors.New("sync: sync health not recorded")

// newHealth is the sync health of e's contact c, skipped when there is
// nothing worth writing (asked once, before the transaction).
func newHealth(e *core.RequestEvent, c devices.Contact) *health {
	return &health{e: e, c: c, skip: e.Auth == nil || devices.Fresh(e.App, e.Auth, c)}
}

// newPushHealth is newHealth for a push's contact.
func newPushHealth(e *core.RequestEvent, c devices.Contact) *health {
	c.Push = true
	return newHealth(e, c)
}

// write records the contact in tx. It uses devices.TouchNow: Fresh was
// asked before the transaction, and a shared transaction rolled back and
// run again must write what its first run remembered as written.
func (h *health) write(tx core.App) error {
	if h.skip {
		return nil
	}
	err := devices.TouchNow(tx, h.e.Auth, h.c)
	if err == nil {
		return nil
	}
	h.skip = true
	h.e.App.Logger().Warn("sync health not recorded", "error", err)
	var refused validation.Errors
	if errors.As(err, &refused) {
		return nil // refused before any write
	}
	return errSkipHealth
}

// runPush runs a push's transaction fn, which ends with its health's write,
// through the writer, once more without the sync health if recording it
// failed.
func runPush(e *core.RequestEvent, fn func(tx core.App) error) error {
	err := txbatch.RunContext(e.Request.Context(), e.App, fn)
	if errors.Is(err, errSkipHealth) {
		err = txbatch.RunContext(e.Request.Context(), e.App, fn)
	}
	return err
}

// PullSlots is how many pulls read and encode pages at once. Pulls are
// CPU work on SQLite and JSON: more at once than the machine has cores
// only adds memory (each holds a page) and contention, so the others wait
// their turn (the request's context ends the wait when the client leaves).
var PullSlots = max(4, 2*runtime.GOMAXPROCS(0))

var pullSlots = make(chan struct{}, PullSlots)

// holdPullSlot waits for a pull slot and returns its release (idempotent).
// A request holds one slot at most: while it holds one (the middleware
// took it for the whole request), it gets that one again, and its release
// is left to the middleware. A request whose client has gone gets no slot
// and an error.
func holdPullSlot(e *core.RequestEvent) (func(), error) {
	if s, ok := e.Get(slotKey).(*slot); ok && s.held() {
		return func() {}, nil
	}
	select {
	case pullSlots <- struct{}{}:
	default:
		queued.add(1)
		select {
		case pullSlots <- struct{}{}:
			queued.add(-1)
		case <-e.Request.Context().Done():
			queued.add(-1)
			return func() {}, e.Request.Context().Err()
		}
	}
	s := &slot{}
	s.on.Store(true)
	e.Set(slotKey, s)
	return s.release, nil
}

const slotKey = "jangkau.pullSlot"

// queued counts the pulls waiting for a slot.
var queued pullQueue

// pullQueue counts waiting pulls and tells when none is left, so pushes
// wait for that moment without polling.
type pullQueue struct {
	mu   gosync.Mutex
	n    int
	none chan struct{} // closed while n == 0
}

func (q *pullQueue) add(d int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.none == nil {
		q.none = make(chan struct{})
		close(q.none)
	}
	q.n += d
	switch {
	case q.n == 0:
		close(q.none)
	case q.n == d: // from none to some
		q.none = make(chan struct{})
	}
}

// empty returns a channel closed when no pull waits.
func (q *pullQueue) empty() <-chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.none == nil {
		q.none = make(chan struct{})
		close(q.none)
	}
	return q.none
}

// MaxPushWait is the longest a push waits for queued pulls (PullsFirst).
const MaxPushWait = 5 * time.Second

// waitingPushes counts the pushes PullsFirst holds back.
var waitingPushes atomic.Int64

// PullsFirst is the middleware of the push routes: while pulls wait for a
// slot, a push waits too (MaxPushWait at most). A phone pulls before it
// pushes, and a pull costs more the more it finds: when a district's phones
// come online at once, serving their pulls first keeps each pull to what
// was there when the phone came (a push in the scope makes the next first
// pull build its kept answer again, firstpull.go), and every phone gets its
// data sooner.
func PullsFirst(e *core.RequestEvent) error {
	select {
	case <-queued.empty():
	default:
		waitingPushes.Add(1)
		defer waitingPushes.Add(-1)
		t := time.NewTimer(MaxPushWait)
		select {
		case <-queued.empty():
		case <-t.C:
		case <-e.Request.Context().Done():
			t.Stop()
			return e.Request.Context().Err()
		}
		t.Stop()
	}
	return e.Next()
}

// slot is a pull slot a request holds.
type slot struct {
	on atomic.Bool
}

func (s *slot) held() bool { return s.on.Load() }

func (s *slot) release() {
	if s.on.CompareAndSwap(true, false) {
		<-pullSlots
	}
}

// PullSlot is the middleware of the pull routes: it holds a pull slot for
// the whole request when hold is true, and releases a slot the handler
// took and did not give back.
func PullSlot(hold bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if hold {
			if _, err := holdPullSlot(e); err != nil {
				return err
			}
		}
		err := e.Next()
		if s, ok := e.Get(slotKey).(*slot); ok {
			s.release()
		}
		return err
	}
}

// GzipMin is the size from which sync answers are gzip-compressed (when the
// client accepts it): below it the header and the work cost more than they save.
const GzipMin = 1400

var gzipWriters = gosync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool { return static.AcceptsGzip(r) }

// jsonStream writes a JSON answer piece by piece, so memory stays bounded
// by one page whatever the size of the scope. The first GzipMin bytes are
// held back: a longer answer is gzip-compressed when the client accepts
// it, a shorter one goes out as it is.
type jsonStream struct {
	out     io.Writer       // the response, or a buffer
	begin   func(gzip bool) // called once, before the first byte reaches out
	accept  bool            // the client accepts gzip
	head    []byte          // bytes held back until the choice is made
	w       *bufio.Writer   // after the choice: over gz or out
	gz      *gzip.Writer    // nil when not compressing
	release func()          // gives back the pull slot (newJSONStream)
	err     error
	started bool
	zipped  bool // the answer is gzip-compressed (known once started)
}

// newJSONStream starts a 200 JSON answer on e's response; it takes a pull
// slot, given back by close.
func newJSONStream(e *core.RequestEvent) *jsonStream {
	release, _ := holdPullSlot(e) // a client that left gets its answer nowhere
	s := newJSONBody(e.Response, acceptsGzip(e.Request), func(zipped bool) {
		setJSONHeaders(e, zipped)
		e.Response.WriteHeader(http.StatusOK)
	})
	s.release = release
	return s
}

// newJSONBody encodes a JSON answer into out; begin is called before the
// first byte is written, with whether the bytes are gzip-compressed.
func newJSONBody(out io.Writer, acceptGzip bool, begin func(gzip bool)) *jsonStream {
	return &jsonStream{out: out, accept: acceptGzip, begin: begin, head: make([]byte, 0, 2*GzipMin)}
}

// setJSONHeaders sets the headers of a JSON answer.
func setJSONHeaders(e *core.RequestEvent, zipped bool) {
	h := e.Response.Header()
	h.Set("Content-Type", "application/json")
	h.Add("Vary", "Accept-Encoding")
	if zipped {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
	}
}

// start makes the choice (gzip or not) and writes the bytes held back;
// final tells that the answer is complete (it is sent as it is).
func (s *jsonStream) start(final bool) {
	s.started = true
	s.zipped = s.accept && len(s.head) >= GzipMin
	s.begin(s.zipped)
	dst := s.out
	if s.zipped {
		s.gz = gzipWriters.Get().(*gzip.Writer)
		s.gz.Reset(s.out)
		dst = s.gz
	} else if final {
		_, s.err = s.out.Write(s.head)
		s.head = nil
		return
	}
	s.w = bufWriters.Get().(*bufio.Writer)
	s.w.Reset(dst)
	_, s.err = s.w.Write(s.head)
	s.head = nil
}

var bufWriters = gosync.Pool{New: func() any { return bufio.NewWriterSize(io.Discard, 32*1024) }}

func (s *jsonStream) bytes(b []byte) {
	if s.err != nil {
		return
	}
	if !s.started {
		s.head = append(s.head, b...)
		if len(s.head) >= GzipMin {
			s.start(false)
		}
		return
	}
	_, s.err = s.w.Write(b)
}

func (s *jsonStream) raw(str string) {
	if s.err != nil {
		return
	}
	if !s.started {
		s.head = append(s.head, str...)
		if len(s.head) >= GzipMin {
			s.start(false)
		}
		return
	}
	_, s.err = s.w.WriteString(str)
}

func (s *jsonStream) value(v any) {
	if s.err != nil {
		return
	}
	raw, err := json.Marshal(v)
	if err != nil {
		s.err = err
		return
	}
	s.bytes(raw)
}

func (s *jsonStream) failed() error { return s.err }

func (s *jsonStream) close() error {
	if !s.started && s.err == nil {
		s.start(true)
	}
	if s.w != nil {
		if s.err == nil {
			s.err = s.w.Flush()
		}
		s.w.Reset(io.Discard)
		bufWriters.Put(s.w)
		s.w = nil
	}
	if s.gz != nil {
		if err := s.gz.Close(); s.err == nil {
			s.err = err
		}
		s.gz.Reset(io.Discard)
		gzipWriters.Put(s.gz)
		s.gz = nil
	}
	if s.release != nil {
		s.release()
	}
	return s.err
}
