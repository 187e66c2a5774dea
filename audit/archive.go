package audit

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Retention. Entries older than the archive age are moved to archive files
// with their chain; read entries (view, list, report, sync_pull) older than
// the reads age are moved too, and one aggregated entry per user, record,
// action and day takes their place at the end of the chain. The archives
// live in the files store (S3 when it is configured, else
// pb_data/storage), under ArchivePrefix; only the archiver removes entries
// from the live table, after their archive is written.

// ArchivePrefix is the files-store key prefix of the audit archives (no
// collection has this id, so PocketBase's file routes never serve them).
const ArchivePrefix = "_audit_archive/"

// Environment variables setting the retention, in days.
const (
	EnvArchiveDays = "JANGKAU_AUDIT_ARCHIVE_DAYS"
	EnvReadsDays   = "JANGKAU_AUDIT_READS_DAYS"
)

// Defaults: archive after 24 months, aggregate reads after 6.
const (
	DefaultArchiveDays = 730
	DefaultReadsDays   = 182
)

// archiveFormat names the archive file format (its first line).
const archiveFormat = "jangkau-audit-archive/1"

// maxArchiveBatch is the most entries one archive file (and one
// transaction of the archiver) takes.
const maxArchiveBatch = 50000

// ReadActions are the actions aggregated after the reads age.
var ReadActions = []string{ActionView, ActionList, ActionReport, ActionSyncPull}

// aggregatedNote starts the note of an aggregated entry: those are never
// aggregated again.
const aggregatedNote = `{"aggregated":`

// Stored is one audit entry as the table and the archives hold it.
type Stored struct {
	Seq        int64  `db:"seq" json:"seq"`
	PrevHash   string `db:"prev_hash" json:"prevHash"`
	Hash       string `db:"hash" json:"hash"`
	ID         string `db:"id" json:"id"`
	User       string `db:"user" json:"user"`
	Superuser  string `db:"superuser" json:"superuser"`
	Device     string `db:"device" json:"device"`
	ClientTime string `db:"client_time" json:"clientTime"`
	Action     string `db:"action" json:"action"`
	Collection string `db:"target_collection" json:"collection"`
	Record     string `db:"record" json:"record"`
	Changes    string `db:"changes" json:"changes"`
	Note       string `db:"note" json:"note"`
	ServerTime string `db:"server_time" json:"serverTime"`
	Created    string `db:"created" json:"created"`
}

// columns returns the entry's ChainedColumns values.
func (s *Stored) columns() []string {
	return []string{s.ID, s.User, s.Superuser, s.Device, s.ClientTime, s.Action, s.Collection, s.Record,
		s.Changes, s.Note, s.ServerTime, s.Created}
}

// selectStored reads entries as Stored (NULLs as "").
const selectStored = `SELECT CAST(seq AS INTEGER) AS seq, COALESCE(prev_hash, '') AS prev_hash, COALESCE(hash, '') AS hash, id,
	COALESCE(user, '') AS user, COALESCE(superuser, '') AS superuser, COALESCE(device, '') AS device,
	COALESCE(client_time, '') AS client_time, COALESCE(action, '') AS action, COALESCE(target_collection, '') AS target_collection,
	COALESCE(record, '') AS record, COALESCE(CAST(changes AS TEXT), '') AS changes, COALESCE(note, '') AS note,
	COALESCE(server_time, '') AS server_time, COALESCE(created, '') AS created FROM ` + Collection

// Retention is when entries leave the live table.
type Retention struct {
	ArchiveAfter time.Duration // every entry
	ReadsAfter   time.Duration // read entries, aggregated (0: never)
}

// RetentionFromEnv reads the retention from EnvArchiveDays and
// EnvReadsDays, with the defaults for what is unset.
func RetentionFromEnv() (Retention, error) {
	days := func(name string, def int) (int, error) {
		v := os.Getenv(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 36500 {
			return 0, fmt.Errorf("%s=%q: a number of days, 0-36500", name, v)
		}
		return n, nil
	}
	a, err := days(EnvArchiveDays, DefaultArchiveDays)
	if err != nil {
		return Retention{}, err
	}
	r, err := days(EnvReadsDays, DefaultReadsDays)
	if err != nil {
		return Retention{}, err
	}
	if a == 0 {
		return Retention{}, fmt.Errorf("%s=0: the archive age must be at least one day", EnvArchiveDays)
	}
	return Retention{ArchiveAfter: time.Duration(a) * 24 * time.Hour, ReadsAfter: time.Duration(r) * 24 * time.Hour}, nil
}

// ArchiveResult tells what one run of the archiver did.
type ArchiveResult struct {
	Files      []string // archive keys written
	Archived   int      // entries moved out of the live table
	Aggregated int      // aggregated read entries appended
}

// Archive moves the entries due by r (as of now) to archive files, a
// batch of at most maxArchiveBatch entries per file and transaction: the
// file is written first, then the entries are removed and the aggregated
// reads appended, in one transaction. Should the transaction fail, the
// file stays and holds copies of live entries: verification and search
// count each entry once.
func Archive(app core.App, r Retention, now time.Time) (ArchiveResult, error) {
	var res ArchiveResult
	if !chained(app) {
		return res, errors.New("audit: the audit trail has no chain yet (run the migrations)")
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return res, err
	}
	defer fsys.Close()
	sweepPartials(app, fsys)
	archiveBefore := now.Add(-r.ArchiveAfter).UTC().Format(timeLayout)
	readsBefore := ""
	if r.ReadsAfter > 0 {
		readsBefore = now.Add(-r.ReadsAfter).UTC().Format(timeLayout)
	}
	for {
		n, err := archiveBatch(app, fsys, archiveBefore, readsBefore, now, &res)
		if err != nil || n < maxArchiveBatch {
			return res, err
		}
	}
}

const timeLayout = "2006-01-02 15:04:05.000Z"

// partialAge is how old an archive's temporary file must be to be taken
// for one a killed run left: writing a batch takes seconds, so another run
// still writing is never that old.
const partialAge = time.Hour

// sweepPartials removes the temporary files (<key>.<hex>.tmp, the local
// store's way to write a file whole) that an archive run killed while
// writing its file left in the archive folder: each is a part of an
// archive that was never completed nor committed (Walk reads only whole
// .jsonl.gz files).
func sweepPartials(app core.App, fsys *filesystem.System) {
	objs, err := fsys.List(ArchivePrefix)
	if err != nil {
		return
	}
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".tmp") && time.Since(o.ModTime) > partialAge {
			if err := fsys.Delete(o.Key); err != nil {
				app.Logger().Warn("audit: partial archive file not removed", "key", o.Key, "error", err)
			}
		}
	}
}

func archiveBatch(app core.App, fsys *filesystem.System, archiveBefore, readsBefore string, now time.Time, res *ArchiveResult) (int, error) {
	var batch []Stored
	err := app.RunInTransaction(func(tx core.App) error {
		batch = nil
		where := "server_time < {:archive}"
		params := dbx.Params{"archive": archiveBefore, "agg": aggregatedNote + "%"}
		if readsBefore != "" {
			where += " OR (server_time < {:reads} AND action IN ('view', 'list', 'report', 'sync_pull') AND note NOT LIKE {:agg})"
			params["reads"] = readsBefore
		}
		if err := tx.DB().NewQuery(selectStored + " WHERE seq > 0 AND (" + where + ") ORDER BY seq LIMIT " +
			strconv.Itoa(maxArchiveBatch)).Bind(params).All(&batch); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		key, err := writeArchive(fsys, batch, now)
		if err != nil {
			return err
		}
		seqs := make([]any, len(batch))
		for i := range batch {
			seqs[i] = batch[i].Seq
		}
		for start := 0; start < len(seqs); start += 500 {
			part := seqs[start:min(start+500, len(seqs))]
			if _, err := tx.DB().Delete(Collection, dbx.In("seq", part...)).Execute(); err != nil {
				return err
			}
		}
		n, err := aggregateReads(tx, batch, archiveBefore, key)
		if err != nil {
			return err
		}
		res.Files = append(res.Files, key)
		res.Archived += len(batch)
		res.Aggregated += n
		return nil
	})
	return len(batch), err
}

// aggregateReads appends one entry per user (or superuser), action,
// record and day for the read entries of batch that were archived for
// their reads age only (not yet due for archiving as a whole).
func aggregateReads(tx core.App, batch []Stored, archiveBefore, key string) (int, error) {
	type group struct {
		actor                      Actor
		action, collection, record string
		day                        string
	}
	counts := map[group]int{}
	var order []group
	for _, s := range batch {
		if s.ServerTime < archiveBefore || !isRead(s.Action) {
			continue
		}
		g := group{Actor{UserID: s.User, SuperuserID: s.Superuser}, s.Action, s.Collection, s.Record, s.ServerTime[:min(10, len(s.ServerTime))]}
		if counts[g] == 0 {
			order = append(order, g)
		}
		counts[g]++
	}
	for _, g := range order {
		note, _ := json.Marshal(map[string]any{"aggregated": counts[g], "day": g.day, "archive": key})
		if err := writeAt(tx, Entry{Actor: g.actor, Action: g.action, Collection: g.collection, RecordID: g.record, Note: string(note)},
			g.day+" 00:00:00.000Z"); err != nil {
			return 0, err
		}
	}
	return len(order), nil
}

func isRead(action string) bool {
	for _, a := range ReadActions {
		if a == action {
			return true
		}
	}
	return false
}

// writeArchive writes batch as one gzip-compressed JSON-lines file: a
// header line, then the entries in seq order.
func writeArchive(fsys *filesystem.System, batch []Stored, now time.Time) (string, error) {
	key := fmt.Sprintf("%s%s-%d-%d.jsonl.gz", ArchivePrefix, now.UTC().Format("20060102T150405"), batch[0].Seq, batch[len(batch)-1].Seq)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := json.NewEncoder(zw)
	if err := enc.Encode(map[string]any{"format": archiveFormat, "written": now.UTC().Format(timeLayout), "count": len(batch),
		"firstSeq": batch[0].Seq, "lastSeq": batch[len(batch)-1].Seq}); err != nil {
		return "", err
	}
	for i := range batch {
		if err := enc.Encode(&batch[i]); err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return key, fsys.Upload(buf.Bytes(), key)
}

// iterator yields entries in seq order.
type iterator interface {
	next() (*Stored, error) // nil at the end
	source() string
}

// liveIter pages through the live table in seq order.
type liveIter struct {
	app  core.App
	last int64
	page []Stored
}

func (l *liveIter) source() string { return "live" }

func (l *liveIter) next() (*Stored, error) {
	if len(l.page) == 0 {
		if err := l.app.DB().NewQuery(selectStored + " WHERE seq > {:last} ORDER BY seq LIMIT 2000").
			Bind(dbx.Params{"last": l.last}).All(&l.page); err != nil {
			return nil, err
		}
		if len(l.page) == 0 {
			return nil, nil
		}
	}
	s := l.page[0]
	l.page = l.page[1:]
	l.last = s.Seq
	return &s, nil
}

// fileIter reads one archive file.
type fileIter struct {
	key string
	r   io.Closer
	zr  *gzip.Reader
	dec *json.Decoder
}

func openArchive(fsys *filesystem.System, key string) (*fileIter, error) {
	r, err := fsys.GetReader(key)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	dec := json.NewDecoder(zr)
	var header struct {
		Format string `json:"format"`
	}
	if err := dec.Decode(&header); err != nil || header.Format != archiveFormat {
		r.Close()
		return nil, fmt.Errorf("%s: not an audit archive (%v)", key, err)
	}
	return &fileIter{key: key, r: r, zr: zr, dec: dec}, nil
}

func (f *fileIter) source() string { return f.key }

func (f *fileIter) next() (*Stored, error) {
	var s Stored
	if err := f.dec.Decode(&s); err == io.EOF {
		f.r.Close()
		return nil, nil
	} else if err != nil {
		f.r.Close()
		return nil, fmt.Errorf("%s: %w", f.key, err)
	}
	return &s, nil
}

// mergeHeap merges iterators by seq.
type mergeItem struct {
	s  *Stored
	it iterator
}
type mergeHeap []mergeItem

func (h mergeHeap) Len() int           { return len(h) }
func (h mergeHeap) Less(i, j int) bool { return h[i].s.Seq < h[j].s.Seq }
func (h mergeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)        { *h = append(*h, x.(mergeItem)) }
func (h *mergeHeap) Pop() any          { old := *h; x := old[len(old)-1]; *h = old[:len(old)-1]; return x }

// Walk calls fn with every entry of the archives and the live table, in
// seq order, each with where it was read ("live" or an archive key). An
// entry found twice with the same hash (an archive written by a run whose
// transaction then failed) is given once.
func Walk(app core.App, fn func(s *Stored, source string) error) error {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	objs, err := fsys.List(ArchivePrefix)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(objs))
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".jsonl.gz") {
			keys = append(keys, o.Key)
		}
	}
	sort.Strings(keys)
	its := []iterator{&liveIter{app: app}}
	for _, k := range keys {
		f, err := openArchive(fsys, k)
		if err != nil {
			return err
		}
		its = append(its, f)
	}
	h := &mergeHeap{}
	for _, it := range its {
		s, err := it.next()
		if err != nil {
			return err
		}
		if s != nil {
			heap.Push(h, mergeItem{s, it})
		}
	}
	var last *Stored
	for h.Len() > 0 {
		top := heap.Pop(h).(mergeItem)
		if last == nil || top.s.Seq != last.Seq || top.s.Hash != last.Hash {
			if err := fn(top.s, top.it.source()); err != nil {
				return err
			}
			last = top.s
		}
		s, err := top.it.next()
		if err != nil {
			return err
		}
		if s != nil {
			heap.Push(h, mergeItem{s, top.it})
		}
	}
	return nil
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	Entries  int    // entries checked
	Archived int    // of them in archives
	HeadSeq  int64  // number of the last entry
	HeadHash string // its hash: note it down, a later verify must reach it
	Problems []string
}

// maxProblems bounds the problems Verify lists.
const maxProblems = 20

// Verify walks the whole chain (archives and live table) and checks that
// the numbers run 1, 2, 3… without a gap or a repeat, that each entry's
// prev_hash is the hash of the one before, and that each hash is the hash
// of the entry's content. It lists up to 20 problems.
func Verify(app core.App) (VerifyResult, error) {
	var res VerifyResult
	var prev *Stored
	problem := func(format string, args ...any) {
		if len(res.Problems) < maxProblems {
			res.Problems = append(res.Problems, fmt.Sprintf(format, args...))
		}
	}
	err := Walk(app, func(s *Stored, source string) error {
		res.Entries++
		if source != "live" {
			res.Archived++
		}
		want := int64(1)
		prevHash := ""
		if prev != nil {
			want, prevHash = prev.Seq+1, prev.Hash
		}
		switch {
		case prev != nil && s.Seq == prev.Seq:
			problem("entry %d appears twice with different content (%s)", s.Seq, source)
		case s.Seq != want:
			problem("entries %d to %d are missing (next found: %d in %s)", want, s.Seq-1, s.Seq, source)
		case s.PrevHash != prevHash:
			problem("entry %d (%s): its previous hash is not the hash of entry %d", s.Seq, source, want-1)
		}
		if Hash(s.PrevHash, s.Seq, s.columns()) != s.Hash {
			problem("entry %d (%s, id %s): its content does not match its hash (changed after it was written)", s.Seq, source, s.ID)
		}
		prev = s
		return nil
	})
	if err != nil {
		return res, err
	}
	var unchained int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM " + Collection + " WHERE seq IS NULL OR seq <= 0").Row(&unchained); err != nil {
		return res, err
	}
	if unchained > 0 {
		problem("%d live entries have no number (inserted outside the server, which chains every entry)", unchained)
	}
	if prev != nil {
		res.HeadSeq, res.HeadHash = prev.Seq, prev.Hash
	}
	return res, nil
}

// Query selects entries in Search. Empty fields match everything; From and
// To compare with the server time ("2025-01-31" or a full time).
type Query struct {
	User, Collection, Record, Action string
	From, To                         string
}

func (q Query) match(s *Stored) bool {
	return (q.User == "" || s.User == q.User || s.Superuser == q.User) &&
		(q.Collection == "" || s.Collection == q.Collection) &&
		(q.Record == "" || s.Record == q.Record) &&
		(q.Action == "" || s.Action == q.Action) &&
		(q.From == "" || s.ServerTime >= q.From) &&
		(q.To == "" || s.ServerTime <= q.To || strings.HasPrefix(s.ServerTime, q.To))
}

// Search calls fn with every entry (archives and live table, seq order)
// that q matches.
func Search(app core.App, q Query, fn func(s *Stored, source string) error) error {
	return Walk(app, func(s *Stored, source string) error {
		if q.match(s) {
			return fn(s, source)
		}
		return nil
	})
}

// RegisterArchiver runs the archiver daily at 03:15 with the retention of
// the environment (RetentionFromEnv); a bad setting is logged and the
// entries stay.
func RegisterArchiver(app core.App) {
	app.Cron().MustAdd("jangkauAuditArchive", "15 3 * * *", func() {
		r, err := RetentionFromEnv()
		if err != nil {
			app.Logger().Error("audit archive: bad retention setting", "error", err)
			return
		}
		res, err := Archive(app, r, time.Now())
		if err != nil {
			app.Logger().Error("audit archive failed", "error", err)
			return
		}
		if res.Archived > 0 {
			app.Logger().Info("audit entries archived", "entries", res.Archived, "files", len(res.Files), "aggregated", res.Aggregated)
		}
	})
}
