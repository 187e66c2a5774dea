package sync

import (
	"database/sql"
	"strings"
	gosync "sync"

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
// of idx_sync_changes_village (village, regency, seq) or
// idx_sync_changes_regency (regency, seq) followed by the sequence range.
type feedRange struct {
	column string // "" (every row), "village" or "regency"
	vals   []any  // village and regency, or regency
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
			{"village", []any{s.Village, areas.RegencyOf(s.Village)}},
			{"village", []any{"", ""}},
		}
		if s.Regency != "" {
			rs = append(rs, feedRange{"village", []any{"", s.Regency}})
		}
		return rs
	default:
		rs := []feedRange{{"regency", []any{""}}}
		if s.Regency != "" {
			rs = append(rs, feedRange{"regency", []any{s.Regency}})
		}
		return rs
	}
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
	var parts []string
	var args []any
	for _, f := range scope.ranges() {
		where, a := f.where(after, r.Upto, collections)
		parts = append(parts, `SELECT * FROM (SELECT seq, collection, record_id, deleted FROM sync_changes WHERE `+where+` ORDER BY seq LIMIT ?)`)
		args = append(args, a...)
		args = append(args, limit)
	}
	query := parts[0]
	if len(parts) > 1 {
		query = `SELECT * FROM (` + strings.Join(parts, " UNION ALL ") + `) ORDER BY seq LIMIT ?`
		args = append(args, limit)
	}
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

// countRows adds to records and deleted, per collection, the feed rows of
// the scope after the cursor (every range counted on its index).
func (r *Reader) countRows(scope Scope, after int64, collections []string, records, deleted map[string]int) error {
	for _, f := range scope.ranges() {
		where, args := f.where(after, r.Upto, collections)
		rows, err := r.query(`SELECT collection, deleted, COUNT(*) FROM sync_changes WHERE `+where+` GROUP BY collection, deleted`, args...)
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

// query runs a query with positional arguments in the reader's snapshot
// (straight on database/sql: dbx would parse named parameters with a
// regular expression on every call).
func (r *Reader) query(query string, args ...any) (*sql.Rows, error) {
	if r.tx != nil {
		if ex := txbatch.Executor(r.tx); ex != nil {
			return ex.Query(query, args...)
		}
	}
	return txbatch.Query(r.app, query, args...)
}

// isReference reports whether collection is reference data (the same for
// every phone of a regency, and rarely changed).
func isReference(collection string) bool {
	return collection == catalog.Areas || collection == catalog.RadIndicators
}

// refDocs keeps the encoded documents of reference records (Lampung's
// areas, the RAD indicators), keyed by record and valid for the feed
// sequence they were read at: every write of a synced record moves its
// sequence, so a cached document is never sent for a later version. Every
// first pull of a phone sends its regency's areas; they are read and
// encoded once instead of on every pull.
type refDocs struct {
	mu   gosync.RWMutex
	docs map[[2]string]refDoc
}

type refDoc struct {
	seq int64
	col *core.Collection // the schema it was encoded with (PocketBase replaces it when it changes)
	doc [2][]byte        // per Flavor
}

var (
	refCachesMu gosync.Mutex
	refCaches   = map[string]*refDocs{}
)

// refDocsOf returns the cache of app's database (by its data directory).
func refDocsOf(app core.App) *refDocs {
	refCachesMu.Lock()
	defer refCachesMu.Unlock()
	c, ok := refCaches[app.DataDir()]
	if !ok {
		c = &refDocs{docs: map[[2]string]refDoc{}}
		refCaches[app.DataDir()] = c
	}
	return c
}

func (c *refDocs) get(col *core.Collection, row feedRow, flavor Flavor) []byte {
	c.mu.RLock()
	d, ok := c.docs[[2]string{row.Collection, row.RecordID}]
	c.mu.RUnlock()
	if !ok || d.seq != row.Seq || d.col != col {
		return nil
	}
	return d.doc[flavor]
}

func (c *refDocs) put(col *core.Collection, row feedRow, flavor Flavor, doc []byte) {
	if doc == nil {
		return
	}
	key := [2]string{row.Collection, row.RecordID}
	c.mu.Lock()
	d := c.docs[key]
	if d.seq != row.Seq || d.col != col {
		d = refDoc{seq: row.Seq, col: col}
	}
	d.doc[flavor] = doc
	c.docs[key] = d
	c.mu.Unlock()
}
