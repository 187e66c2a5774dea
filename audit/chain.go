package audit

import (
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
	"modernc.org/sqlite"

	"jangkau/txbatch"
)

// The hash chain. Every entry holds seq (its number, 1, 2, 3…), prev_hash
// (the hash of entry seq-1, "" for the first) and hash, the SHA-256 of
// prev_hash and the entry's stored columns (ChainedColumns). Changing,
// removing or inserting an entry anywhere breaks every hash after it;
// `jangkau audit verify` walks the chain over the live table and the
// archives. The chain is extended inside the INSERT itself (one statement:
// the number and the previous hash are read under SQLite's write lock), by
// the SQL function HashFunc, which this package registers with the driver.
// Inside a txbatch batch (a sync push, a group commit) the chain's tail is
// read once per transaction instead and each entry's number and hash are
// computed in Go (chainTail): the same values, without the two lookups, the
// SQL function call and the statement journal of an INSERT ... SELECT.

// HashFunc is the SQL function computing an entry's hash:
// jangkau_audit_hash(prev_hash, seq, id, user, …, created).
const HashFunc = "jangkau_audit_hash"

// ChainedColumns are the audit_log columns an entry's hash covers, in
// order (after prev_hash and seq).
var ChainedColumns = []string{"id", "user", "superuser", "device", "client_time", "action", "target_collection", "record",
	"changes", "note", "server_time", "created"}

// hashVersion starts every hashed text, so that a later change of the
// format cannot collide with this one.
const hashVersion = "jangkau-audit-v1\n"

// Hash returns the hash of an entry: prev is the previous entry's hash,
// cols its ChainedColumns values as stored ("" for NULL). Each value is
// length-prefixed, so no two different entries hash the same text.
// migrations/1765200000_audit_chain.go holds a frozen copy: keep them equal.
func Hash(prev string, seq int64, cols []string) string {
	h := sha256.New()
	h.Write([]byte(hashVersion))
	write := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
		h.Write([]byte{'\n'})
	}
	write(prev)
	write(strconv.FormatInt(seq, 10))
	for _, c := range cols {
		write(c)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(HashFunc, int32(2+len(ChainedColumns)), func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		seq, err := toInt(args[1])
		if err != nil {
			return nil, err
		}
		cols := make([]string, len(args)-2)
		for i, a := range args[2:] {
			cols[i] = toText(a)
		}
		return Hash(toText(args[0]), seq, cols), nil
	})
}

func toText(v driver.Value) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case []byte:
		return string(t)
	}
	return fmt.Sprint(v)
}

func toInt(v driver.Value) (int64, error) {
	switch t := v.(type) {
	case int64:
		return t, nil
	case float64:
		return int64(t), nil
	}
	return 0, fmt.Errorf("audit: %s: seq %v is not a number", HashFunc, v)
}

// chainedInsertSQL appends an entry with its number and hash in one
// statement: the twelve parameters are ChainedColumns' values.
const chainedInsertSQL = `INSERT INTO ` + Collection + ` (id, user, superuser, device, client_time, action, target_collection, record,
	changes, note, server_time, created, seq, prev_hash, hash)
	SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, t.seq, t.prev,
		` + HashFunc + `(t.prev, t.seq, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
	FROM (SELECT COALESCE((SELECT MAX(seq) FROM ` + Collection + `), 0) + 1 AS seq,
		COALESCE((SELECT hash FROM ` + Collection + ` ORDER BY seq DESC LIMIT 1), '') AS prev) t`

// chained reports whether app's audit_log has the chain's columns (the
// migration 1765200000 ran): entries written by earlier migrations (the
// areas loaded before it) are chained by that migration.
func chained(app core.App) bool {
	c, err := app.FindCachedCollectionByNameOrId(Collection)
	return err == nil && c.Fields.GetByName("hash") != nil
}

// chainTailPart names the batch part that keeps the chain's tail.
const chainTailPart = "audit.chainTail"

// chainTail holds the entries one batch appends to the chain, until the
// batch's end writes them many rows to an INSERT: an entry per synced
// record is the commonest row of a push, and one statement per row cost
// more than the rows themselves. Nothing in a push's transaction reads the
// trail back; a batch part's Flush must not append entries (none does).
type chainTail struct {
	pending [][]string // ChainedColumns' values of the entries not yet written
}

func newChainTail() txbatch.Part { return &chainTail{} }

// Flush implements txbatch.Part: it writes the pending entries after the
// chain's tail as it stands now, numbered and chained. Reading the tail
// here, not when the first entry came, chains them after any entry
// written meanwhile in the same transaction without the batch.
func (t *chainTail) Flush(app core.App) error {
	if len(t.pending) == 0 {
		return nil
	}
	var seq int64
	var hash sql.NullString
	err := txbatch.QueryRow(app, tailSQL).Scan(&seq, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	prev := hash.String
	for len(t.pending) > 0 {
		n := rowsPerInsert
		for n > len(t.pending) {
			n /= 2 // a few statement shapes, each prepared once
		}
		args := make([]any, 0, n*(len(ChainedColumns)+3))
		for _, cols := range t.pending[:n] {
			seq++
			next := Hash(prev, seq, cols)
			for _, c := range cols {
				args = append(args, c)
			}
			args = append(args, seq, prev, next)
			prev = next
		}
		if _, err := txbatch.Exec(app, chainedRowsSQL(n), args...); err != nil {
			return err
		}
		t.pending = t.pending[n:]
	}
	t.pending = nil
	return nil
}

// rowsPerInsert is the most entries one INSERT writes (a power of two).
const rowsPerInsert = 64

const (
	tailSQL = `SELECT seq, hash FROM ` + Collection + ` ORDER BY seq DESC LIMIT 1`
	// plainChainedInsertSQL stores an entry whose number and hashes are
	// computed by the caller: ChainedColumns' values, then seq, prev_hash, hash.
	// OR FAIL: an INSERT of many rows that may abort halfway makes SQLite
	// copy every page it changes into a statement journal first, to undo
	// the statement alone; a failure here fails the whole transaction
	// anyway, so the copy is saved (about 6 % of a bulk push's CPU).
	plainChainedInsertSQL = `INSERT OR FAIL INTO ` + Collection + ` (id, user, superuser, device, client_time, action, target_collection, record,
	changes, note, server_time, created, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// append adds an entry with cols (ChainedColumns' values) after the tail;
// it is written by Flush.
func (t *chainTail) append(cols []string) {
	t.pending = append(t.pending, cols)
}

// chainedRows holds the INSERT of n entries (index n), built once.
var chainedRows [rowsPerInsert + 1]atomic.Pointer[string]

// chainedRowsSQL is plainChainedInsertSQL for n entries.
func chainedRowsSQL(n int) string {
	if q := chainedRows[n].Load(); q != nil {
		return *q
	}
	row := ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	q := plainChainedInsertSQL + strings.Repeat(row, n-1)
	chainedRows[n].Store(&q)
	return q
}
