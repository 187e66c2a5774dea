package sync

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"net/http"
	"strconv"
	gosync "sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// A WatermelonDB download of whole tables (a phone's first pull, or a
// replacement) has no pages: it sends the whole scope in one answer, and
// every phone of a village asks for the same one. When a district's phones
// come online at once, each would read, encode and compress the same
// thousands of records. So the answer, up to its timestamp, is kept
// gzip-compressed per scope and list of tables, and sent as it is to every
// phone of that scope for as long as it is current: nothing in the scope's
// feed after the position it was read at (any write of a record in the
// scope, a vocabulary or area included, a move in or out of it, a delete),
// the same epoch, the same schema of every table. The timestamp and what
// follows it are written for each pull from its own snapshot, so a kept
// answer is byte for byte the one the pull would have read itself
// (TestFirstPullFromTheKeptSnapshotIsTheSameAnswer).
//
// Each pull still opens its own snapshot, checks the kept answer against it
// (one indexed read of the feed), and writes its own audit entry before the
// first byte. While one pull builds a scope's answer, the other pulls of the
// scope wait for it instead of building their own.

// SnapshotMaxRecords is the largest scope (records sent) whose download is
// kept: larger ones are streamed page by page, as memory stays bounded then.
const SnapshotMaxRecords = 50000

// SnapshotMaxBytes bounds one kept answer (compressed).
const SnapshotMaxBytes = 8 << 20

// SnapshotCacheBytes bounds the kept answers of one database: past it, the
// least recently served are dropped.
const SnapshotCacheBytes = 32 << 20

// maxSnapshotWaits is how many times a pull waits for another pull's build
// of its snapshot before it reads its answer itself.
const maxSnapshotWaits = 3

// snapshotKey names a kept answer: the protocol, the scope and what was
// asked (tables in order, page size).
type snapshotKey struct{ kind, scope, params string }

// snapshot is a kept answer, valid at feed position upto.
type snapshot struct {
	upto, epoch int64
	cols        []*core.Collection // the schema of each table it was encoded with
	records     map[string]int     // per table, for the audit entry
	deleted     map[string]int     // per table (native pages only)
	next        int64              // a native page's cursor when more follows
	more        bool               // a native page: more follows
	prefix      []byte             // gzip header and deflate blocks up to `"timestamp":`, sync-flushed
	crc         uint32             // CRC-32 of the uncompressed prefix
	size        uint32             // its length, modulo 2^32 (as gzip's trailer)
	used        int64              // when it was last served (firstPulls.clock)
	tooBig      bool               // not kept: over SnapshotMaxRecords or SnapshotMaxBytes
}

// firstPulls keeps the answers of one database.
type firstPulls struct {
	mu       gosync.Mutex
	entries  map[snapshotKey]*snapshot
	building map[snapshotKey]chan struct{} // closed when the build ends
	bytes    int
	clock    int64
	hits     atomic.Int64
	builds   atomic.Int64
}

const firstPullsKey = "jangkau.sync.firstPulls"

func firstPullsOf(app core.App) *firstPulls {
	return app.Store().GetOrSet(firstPullsKey, func() any {
		return &firstPulls{entries: map[snapshotKey]*snapshot{}, building: map[snapshotKey]chan struct{}{}}
	}).(*firstPulls)
}

// FirstPullStats tells how many whole-scope WatermelonDB downloads of app
// were sent from a kept answer (hits) and how many answers were built.
func FirstPullStats(app core.App) (hits, builds int64) {
	c := firstPullsOf(app)
	return c.hits.Load(), c.builds.Load()
}

// keptAnswer is what one kind of kept answer needs: how it is read and
// encoded, and how a pull ends and audits it.
type keptAnswer struct {
	key    snapshotKey
	scope  Scope
	tables []string // the collections it reads (nil: every one), in order
	// build writes the answer up to its tail and returns the snapshot's
	// counts and paging; too large answers return errSnapshotTooBig
	build func(r *Reader, w jsonOut, s *snapshot) error
	// stream answers the pull from r without keeping anything (r stays
	// open; it is closed afterwards); nil when the answer is bounded
	stream func(r *Reader) error
	// end is the tail of the answer and the note of the audit entry of a
	// pull whose snapshot ends at upto
	end func(s *snapshot, upto, epoch int64) (tail string, note map[string]any)
}

// serveSnapshot answers a pull from the kept answer k names, building it
// when it is missing or out of date, and closes r. served is false when
// another pull was building the answer: the caller opens a new snapshot
// and calls again.
func serveSnapshot(e *core.RequestEvent, r *Reader, k *keptAnswer) (served bool, err error) {
	c := firstPullsOf(e.App)
	names := k.tables
	if names == nil {
		names = Collections
	}
	cols := make([]*core.Collection, len(names))
	for i, t := range names {
		if cols[i], err = r.collection(t); err != nil {
			r.Close()
			return true, e.InternalServerError("", err)
		}
	}

	c.mu.Lock()
	s := c.entries[k.key]
	c.mu.Unlock()
	if s != nil && s.tooBig && s.epoch == r.Epoch && k.stream != nil {
		defer r.Close()
		return true, k.stream(r)
	}
	if s != nil && !s.tooBig {
		ok, err := s.current(r, k.scope, k.tables, cols)
		if err != nil {
			r.Close()
			return true, e.InternalServerError("", err)
		}
		if ok {
			c.hits.Add(1)
			return true, c.send(e, r, k, s)
		}
	}

	c.mu.Lock()
	if wait, ok := c.building[k.key]; ok {
		c.mu.Unlock()
		r.Close()
		// waiting pulls count as queued ones: pushes let them go first
		queued.add(1)
		defer queued.add(-1)
		select {
		case <-wait:
			return false, nil
		case <-e.Request.Context().Done():
			return true, e.Request.Context().Err()
		}
	}
	done := make(chan struct{})
	c.building[k.key] = done
	c.mu.Unlock()
	finished := false
	finish := func() { // lets the waiting pulls go
		if !finished {
			finished = true
			c.mu.Lock()
			delete(c.building, k.key)
			c.mu.Unlock()
			close(done)
		}
	}
	defer finish()

	release, err := holdPullSlot(e)
	if err != nil {
		r.Close()
		return true, err
	}
	s, err = buildSnapshot(r, k, cols)
	release()
	if errors.Is(err, errSnapshotTooBig) && k.stream != nil {
		// too large to keep: every pull of it streams its own
		c.put(k.key, &snapshot{tooBig: true, epoch: r.Epoch})
		finish()
		defer r.Close()
		return true, k.stream(r)
	}
	if err != nil {
		r.Close()
		return true, e.InternalServerError("", err)
	}
	c.builds.Add(1)
	c.put(k.key, s)
	finish()
	return true, c.send(e, r, k, s)
}

// current tells whether s is the answer r's snapshot would give q: same
// epoch and schema, and no change in the scope's feed since s was read.
func (s *snapshot) current(r *Reader, scope Scope, tables []string, cols []*core.Collection) (bool, error) {
	if s.epoch != r.Epoch || s.upto > r.Upto || len(s.cols) != len(cols) {
		return false, nil
	}
	for i := range cols {
		if s.cols[i] != cols[i] {
			return false, nil
		}
	}
	rows, err := r.feedRows(scope, s.upto, tables, 1)
	return len(rows) == 0, err
}

// put keeps s under key, dropping the least recently served answers past
// SnapshotCacheBytes.
func (c *firstPulls) put(key snapshotKey, s *snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.bytes -= len(old.prefix)
	}
	c.clock++
	s.used = c.clock
	c.entries[key] = s
	c.bytes += len(s.prefix)
	for c.bytes > SnapshotCacheBytes && len(c.entries) > 1 {
		var oldest snapshotKey
		first := true
		for k, e := range c.entries {
			if k != key && (first || e.used < c.entries[oldest].used) {
				oldest, first = k, false
			}
		}
		c.bytes -= len(c.entries[oldest].prefix)
		delete(c.entries, oldest)
	}
}

// send writes the audit entry of the pull, then s and the pull's own tail
// as one gzip answer, and closes r.
func (c *firstPulls) send(e *core.RequestEvent, r *Reader, k *keptAnswer, s *snapshot) error {
	c.mu.Lock()
	c.clock++
	s.used = c.clock
	c.mu.Unlock()
	upto, epoch := r.Upto, r.Epoch
	r.Close()
	tail, note := k.end(s, upto, epoch)
	deleted := s.deleted
	if deleted == nil {
		deleted = map[string]int{}
	}
	if err := auditPull(e, "", s.records, deleted, note); err != nil {
		return err
	}
	h := e.Response.Header()
	h.Set("Content-Type", "application/json")
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(len(s.prefix)+5+len(tail)+8))
	e.Response.WriteHeader(http.StatusOK)
	// the tail as a final stored deflate block (the prefix ends on a byte
	// boundary), then gzip's trailer over the whole uncompressed answer
	end := make([]byte, 0, 5+len(tail)+8)
	n := uint16(len(tail))
	end = append(end, 1, byte(n), byte(n>>8), byte(^n), byte(^n>>8))
	end = append(end, tail...)
	end = binary.LittleEndian.AppendUint32(end, crc32.Update(s.crc, crc32.IEEETable, []byte(tail)))
	end = binary.LittleEndian.AppendUint32(end, s.size+uint32(len(tail)))
	_, err := e.Response.Write(s.prefix)
	if err == nil {
		_, err = e.Response.Write(end)
	}
	contact := clientReport(e)
	contact.Pull, contact.Cursor = true, upto
	if s.more {
		contact.Cursor = s.next
	}
	touch(e, contact)
	return err
}

var errSnapshotTooBig = errors.New("sync: snapshot over SnapshotMaxBytes")

// gzipHeader starts a gzip member: deflate, no name, no time, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

var flateWriters = gosync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// buildSnapshot encodes k's answer from r up to its tail.
func buildSnapshot(r *Reader, k *keptAnswer, cols []*core.Collection) (*snapshot, error) {
	w := &snapshotWriter{fw: flateWriters.Get().(*flate.Writer)}
	defer flateWriters.Put(w.fw)
	w.buf.Write(gzipHeader)
	w.fw.Reset(&w.buf)
	s := &snapshot{upto: r.Upto, epoch: r.Epoch, cols: cols}
	if err := k.build(r, w, s); err != nil {
		return nil, err
	}
	if w.err == nil {
		w.err = w.fw.Flush() // a sync flush: the blocks end on a byte boundary, not final
	}
	if w.err != nil {
		return nil, w.err
	}
	s.prefix, s.crc, s.size = bytes.Clone(w.buf.Bytes()), w.crc, w.size
	return s, nil
}

// snapshotWriter compresses an answer into memory (jsonOut).
type snapshotWriter struct {
	buf  bytes.Buffer
	fw   *flate.Writer
	crc  uint32
	size uint32
	err  error
}

func (w *snapshotWriter) bytes(b []byte) {
	if w.err != nil {
		return
	}
	w.crc = crc32.Update(w.crc, crc32.IEEETable, b)
	w.size += uint32(len(b))
	if _, w.err = w.fw.Write(b); w.err == nil && w.buf.Len() > SnapshotMaxBytes {
		w.err = errSnapshotTooBig
	}
}

func (w *snapshotWriter) raw(s string) { w.bytes([]byte(s)) }

func (w *snapshotWriter) value(v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return
	}
	w.bytes(raw)
}

func (w *snapshotWriter) failed() error { return w.err }
