package sync

import (
	"context"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/txbatch"
)

// MaxPageSize caps one page of a pull; larger scopes are read in pages.
const MaxPageSize = 5000

// DefaultPageSize is the page size when the client names none.
const DefaultPageSize = 1000

// Change is one entry of a pull: the current state of a record, or its delete.
type Change struct {
	Seq        int64
	Collection string
	ID         string
	Deleted    bool
	Doc        []byte // the record's JSON object members, without braces; nil when Deleted
}

// Reader reads the feed and the records from one consistent snapshot.
type Reader struct {
	app     core.App
	tx      *dbx.Tx
	Upto    int64 // last sequence in the snapshot
	Horizon int64 // tombstones at or before it may have been purged
	Epoch   int64 // the data's epoch, changed by a restore (docs/sync.md)
	cols    map[string]*core.Collection
}

// OpenReader starts a read transaction: every page read through it sees the
// same committed state, whatever is written meanwhile.
func OpenReader(ctx context.Context, app core.App) (*Reader, error) {
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok {
		// inside a write transaction: read through it
		return openOn(app, nil)
	}
	tx, err := db.BeginTx(ctx, nil) // rolled back should the client leave
	if err != nil {
		return nil, err
	}
	return openOn(app, tx)
}

func openOn(app core.App, tx *dbx.Tx) (*Reader, error) {
	r := &Reader{app: app, tx: tx, cols: map[string]*core.Collection{}}
	rows, err := r.query(`SELECT name, value FROM sync_counters WHERE name IN ('seq', 'horizon', 'epoch')`)
	if err != nil {
		r.Close()
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			r.Close()
			return nil, err
		}
		switch name {
		case "seq":
			r.Upto = v
		case "horizon":
			r.Horizon = v
		case "epoch":
			r.Epoch = v
		}
	}
	if err := rows.Err(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) db() dbx.Builder {
	if r.tx != nil {
		return r.tx
	}
	return r.app.DB()
}

// Close ends the read transaction.
func (r *Reader) Close() {
	if r.tx != nil {
		_ = r.tx.Rollback()
		r.tx = nil
	}
}

func (r *Reader) collection(name string) (*core.Collection, error) {
	if c, ok := r.cols[name]; ok {
		return c, nil
	}
	c, err := r.app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return nil, err
	}
	r.cols[name] = c
	return c, nil
}

type feedRow struct {
	Seq        int64  `db:"seq"`
	Collection string `db:"collection"`
	RecordID   string `db:"record_id"`
	Deleted    bool   `db:"deleted"`
}

// Page returns up to limit changes after the cursor, in sequence order, each
// record at most once (its latest state). next is the cursor to continue
// from; more tells whether the snapshot holds further changes.
func (r *Reader) Page(scope Scope, after int64, collections []string, limit int, flavor Flavor) (changes []Change, next int64, more bool, err error) {
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	rows, err := r.feedRows(scope, after, collections, limit+1)
	if err != nil {
		return nil, after, false, err
	}
	if len(rows) > limit {
		rows, more = rows[:limit], true
	}
	// Caught up: the cursor jumps to the snapshot's end, past rows of other
	// scopes, so the next pull starts there.
	next = max(after, r.Upto)
	if more {
		next = rows[len(rows)-1].Seq
	}

	// latest row per record wins (a move leaves a tombstone and an upsert)
	latest := map[[2]string]int{}
	for i, row := range rows {
		latest[[2]string{row.Collection, row.RecordID}] = i
	}
	docs := map[[2]string][]byte{}
	byCol := map[string][]any{}
	missed := map[[2]string]int{} // read from the store: kept afterwards
	cache := docCacheOf(r.app)
	for i, row := range rows {
		if latest[[2]string{row.Collection, row.RecordID}] != i || row.Deleted {
			continue
		}
		col, err := r.collection(row.Collection)
		if err != nil {
			return nil, after, false, err
		}
		if doc := cache.get(col, row, flavor); doc != nil {
			docs[[2]string{row.Collection, row.RecordID}] = doc
			continue
		}
		byCol[row.Collection] = append(byCol[row.Collection], row.RecordID)
		missed[[2]string{row.Collection, row.RecordID}] = i
	}
	for name, ids := range byCol {
		col, err := r.collection(name)
		if err != nil {
			return nil, after, false, err
		}
		for start := 0; start < len(ids); start += 500 {
			end := min(start+500, len(ids))
			if err := r.loadDocs(col, ids[start:end], flavor, docs); err != nil {
				return nil, after, false, err
			}
		}
	}
	for key, i := range missed {
		col, _ := r.collection(key[0])
		cache.put(col, rows[i], flavor, docs[key])
	}
	changes = make([]Change, 0, len(rows))
	for i, row := range rows {
		key := [2]string{row.Collection, row.RecordID}
		if latest[key] != i {
			continue
		}
		c := Change{Seq: row.Seq, Collection: row.Collection, ID: row.RecordID, Deleted: row.Deleted}
		if !row.Deleted {
			c.Doc = docs[key]
			if c.Doc == nil { // cannot happen within one snapshot; be safe
				c.Deleted = true
			}
		}
		changes = append(changes, c)
	}
	return changes, next, more, nil
}

// loadDocs reads the rows of ids and encodes them into docs.
func (r *Reader) loadDocs(col *core.Collection, ids []any, flavor Flavor, docs map[[2]string][]byte) error {
	qr, err := r.queryOnce(`SELECT * FROM `+col.Name+` WHERE id IN `+txbatch.List(len(ids)), ids...)
	if err != nil {
		return err
	}
	defer qr.Close()
	columns, err := qr.Columns()
	if err != nil {
		return err
	}
	enc := newRowEncoder(col, columns, flavor)
	idIndex := -1
	for i, c := range columns {
		if c == "id" {
			idIndex = i
		}
	}
	vals := make([]any, len(columns))
	ptrs := make([]any, len(columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for qr.Next() {
		if err := qr.Scan(ptrs...); err != nil {
			return err
		}
		docs[[2]string{col.Name, text(vals[idIndex])}] = enc.appendMembers(nil, vals)
	}
	return qr.Err()
}
