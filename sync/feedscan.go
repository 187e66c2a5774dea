package sync

import (
	"database/sql"
	"errors"
	"strings"
	gosync "sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/txbatch"
)

// A scope is read from the feed as a few index ranges, each already in
// sequence order: SQLite cannot use an index for the scope's OR and the
// sequence range together, and would otherwise walk the sequence index
// through every other village's changes (a first pull would cost as much
// as the whole store). Each range is an equality on the leading columns
// of idx_sync_changes_village_rows (village, regency, seq, deleted) or
// idx_sync_changes_regency_rows (regency, seq, deleted) followed by the
// sequence range; both cover every column a pull reads from the feed
// (TestFeedReadsUseCoveringIndexes).
type feedRange struct {
	column string // "" (every row), "village" or "regency"
	vals   []any  // village and regency, or regency
	only   string // the one collection read in the range, "" for every one
}

// ranges splits the scope into disjoint feed ranges. A village row's
// regency is always its village's (Append writes areas.RegencyOf), so a
// village's rows are the range (village, its regency).
func (s Scope) ranges() []feedRange {
	switch {
	case s.All:
		return []feedRange{{}}
	case s.Village != "":
		rs := []feedRange{
			{column: "village", vals: []any{s.Village, areas.RegencyOf(s.Village)}},
			{column: "village", vals: []any{"", ""}},
		}
		if s.Regency != "" {
			rs = append(rs, feedRange{column: "village", vals: []any{"", s.Regency}})
		}
		if d := areas.DistrictOf(s.Village); d != "" {
			// its district's area row, never the district's records
			rs = append(rs, feedRange{column: "village", vals: []any{d, s.Regency}, only: catalog.Areas})
		}
		return rs
	default:
		rs := []feedRange{{column: "regency", vals: []any{""}}}
		if s.Regency != "" {
			rs = append(rs, feedRange{column: "regency", vals: []any{s.Regency}})
		}
		return rs
	}
}

// exp is the range's equalities as an expression (Scope.where); the whole
// feed reads as 1=1.
func (f feedRange) exp() dbx.Expression {
	h := dbx.HashExp{}
	switch f.column {
	case "village":
		h["village"], h["regency"] = f.vals[0], f.vals[1]
	case "regency":
		h["regency"] = f.vals[0]
	default:
		return dbx.NewExp("1=1")
	}
	if f.only != "" {
		h["collection"] = f.only
	}
	return h
}

// where is the range's condition with its arguments, the sequence range
// and the optional collection list included.
func (f feedRange) where(after, upto int64, collections []string) (string, []any) {
	var sb strings.Builder
	var args []any
	switch f.column {
	case "village":
		sb.WriteString("village = ? AND regency = ? AND ")
	case "regency":
		sb.WriteString("regency = ? AND ")
	}
	args = append(args, f.vals...)
	if f.only != "" {
		sb.WriteString("collection = ? AND ")
		args = append(args, f.only)
	}
	sb.WriteString("seq > ? AND seq <= ?")
	args = append(args, after, upto)
	if len(collections) > 0 {
		sb.WriteString(" AND collection IN " + txbatch.List(len(collections)))
		for _, c := range collections {
			args = append(args, c)
		}
	}
	return sb.String(), args
}

// feedRows returns up to limit feed rows of the scope with after < seq <=
// the snapshot's end, in sequence order: each range's first limit rows,
// merged.
func (r *Reader) feedRows(scope Scope, after int64, collections []string, limit int) ([]feedRow, error) {
	if after >= r.Upto {
		return nil, nil // nothing committed after the cursor: the most frequent pull
	}
	query, args := feedQuery(scope, after, r.Upto, collections, limit)
	rows, err := r.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []feedRow
	for rows.Next() {
		var row feedRow
		if err := rows.Scan(&row.Seq, &row.Collection, &row.RecordID, &row.Deleted); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// feedQuery is the statement of feedRows.
func feedQuery(scope Scope, after, upto int64, collections []string, limit int) (string, []any) {
	var parts []string
	var args []any
	for _, f := range scope.ranges() {
		where, a := f.where(after, upto, collections)
		parts = append(parts, `SELECT * FROM (SELECT seq, collection, record_id, deleted FROM sync_changes WHERE `+where+` ORDER BY seq LIMIT ?)`)
		args = append(args, a...)
		args = append(args, limit)
	}
	query := parts[0]
	if len(parts) > 1 {
		query = `SELECT * FROM (` + strings.Join(parts, " UNION ALL ") + `) ORDER BY seq LIMIT ?`
		args = append(args, limit)
	}
	return query, args
}

// countQuery is the statement of countRows for one range of the scope.
func countQuery(f feedRange, after, upto int64, collections []string) (string, []any) {
	where, args := f.where(after, upto, collections)
	return `SELECT collection, deleted, COUNT(*) FROM sync_changes WHERE ` + where + ` GROUP BY collection, deleted`, args
}

// countRows adds to records and deleted, per collection, the feed rows of
// the scope after the cursor (every range counted on its index).
func (r *Reader) countRows(scope Scope, after int64, collections []string, records, deleted map[string]int) error {
	for _, f := range scope.ranges() {
		query, args := countQuery(f, after, r.Upto, collections)
		rows, err := r.query(query, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var col string
			var del bool
			var n int
			if err := rows.Scan(&col, &del, &n); err != nil {
				rows.Close()
				return err
			}
			if del {
				deleted[col] += n
			} else {
				records[col] += n
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// peekCounters reads the feed's last sequence and horizon in one
// statement, outside any snapshot (prepared once per connection).
func peekCounters(app core.App) (upto, horizon int64, err error) {
	if app.IsTransactional() {
		return 0, 0, errors.New("sync: peekCounters inside a transaction")
	}
	st := readStmt(app, countersSQL)
	if st == nil {
		return 0, 0, errors.New("sync: no prepared statement")
	}
	err = st.QueryRow().Scan(&upto, &horizon)
	return upto, horizon, err
}

const countersSQL = `SELECT (SELECT value FROM sync_counters WHERE name = 'seq'), (SELECT value FROM sync_counters WHERE name = 'horizon')`

// query runs a query with positional arguments in the reader's snapshot
// (straight on database/sql: dbx would parse named parameters with a
// regular expression on every call). The statement is prepared once per
// database connection: parsing the feed query costs more than running it.
func (r *Reader) query(query string, args ...any) (*sql.Rows, error) {
	return r.run(true, query, args...)
}

// queryOnce is query for statement texts that vary (IN lists): not kept.
func (r *Reader) queryOnce(query string, args ...any) (*sql.Rows, error) {
	return r.run(false, query, args...)
}

func (r *Reader) run(keep bool, query string, args ...any) (*sql.Rows, error) {
	if r.tx != nil {
		if tx, ok := txbatch.Executor(r.tx).(*sql.Tx); ok {
			if keep {
				if st := readStmt(r.app, query); st != nil {
					return tx.Stmt(st).Query(args...)
				}
			}
			return tx.Query(query, args...)
		}
	}
	if keep {
		return txbatch.Query(r.app, query, args...)
	}
	return txbatch.QueryOnce(r.app, query, args...)
}

// readStmts are the statements of the read path, prepared on the
// concurrent pool of each database (by query text; the texts are few: one
// per kind of scope and number of collections named).
var (
	readStmtsMu gosync.Mutex
	readStmts   = map[readStmtKey]*sql.Stmt{}
)

type readStmtKey struct {
	db    *sql.DB
	query string
}

// maxReadStmts caps the prepared statements kept per process.
const maxReadStmts = 256

func readStmt(app core.App, query string) *sql.Stmt {
	db, ok := txbatch.Executor(app.ConcurrentDB()).(*sql.DB)
	if !ok {
		return nil
	}
	key := readStmtKey{db, query}
	readStmtsMu.Lock()
	defer readStmtsMu.Unlock()
	if st, ok := readStmts[key]; ok {
		return st
	}
	if len(readStmts) >= maxReadStmts {
		return nil
	}
	st, err := db.Prepare(query)
	if err != nil {
		return nil
	}
	readStmts[key] = st
	return st
}

// docCache keeps the encoded documents pulls sent, keyed by record and
// valid for the feed sequence they were read at: every write of a synced
// record moves its sequence, so a kept document is never sent for a later
// version (nor after a schema change: the collection is part of the key).
// Every first pull of a regency's phones sends the same areas, and phones
// of one village the same records: each is read and encoded once. The
// cache is bounded (DocCacheBytes): when the newer of its two generations
// is full, the older is dropped.
type docCache struct {
	mu        gosync.Mutex
	cur, old  map[docKey]docEntry
	size, max int
}

type docKey struct {
	collection, id string
	flavor         Flavor
}

type docEntry struct {
	seq int64
	col *core.Collection // the schema it was encoded with (PocketBase replaces it when it changes)
	doc []byte
}

// DocCacheBytes bounds the documents kept per database (twice this at most,
// over the two generations).
const DocCacheBytes = 8 << 20

var (
	docCachesMu gosync.Mutex
	docCaches   = map[string]*docCache{}
)

// docCacheOf returns the cache of app's database (by its data directory).
func docCacheOf(app core.App) *docCache {
	docCachesMu.Lock()
	defer docCachesMu.Unlock()
	c, ok := docCaches[app.DataDir()]
	if !ok {
		c = &docCache{cur: map[docKey]docEntry{}, max: DocCacheBytes}
		docCaches[app.DataDir()] = c
	}
	return c
}

func (c *docCache) get(col *core.Collection, row feedRow, flavor Flavor) []byte {
	key := docKey{row.Collection, row.RecordID, flavor}
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.cur[key]
	if !ok {
		if d, ok = c.old[key]; ok && d.seq == row.Seq && d.col == col {
			c.putLocked(key, d) // still in use: keep it in the newer generation
		}
	}
	if !ok || d.seq != row.Seq || d.col != col {
		return nil
	}
	return d.doc
}

func (c *docCache) put(col *core.Collection, row feedRow, flavor Flavor, doc []byte) {
	if doc == nil {
		return
	}
	c.mu.Lock()
	c.putLocked(docKey{row.Collection, row.RecordID, flavor}, docEntry{seq: row.Seq, col: col, doc: doc})
	c.mu.Unlock()
}

func (c *docCache) putLocked(key docKey, d docEntry) {
	if c.size+len(d.doc) > c.max {
		c.old, c.cur, c.size = c.cur, map[docKey]docEntry{}, 0
	}
	if prev, ok := c.cur[key]; ok {
		c.size -= len(prev.doc)
	}
	c.cur[key] = d
	c.size += len(d.doc) + 64
}
