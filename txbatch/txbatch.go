// Package txbatch runs Jangkau's own bookkeeping statements (feed rows,
// audit entries, report statistics) inside the transaction of the write
// they record, with positional arguments straight on database/sql.
//
// A transaction that saves many records at once (a sync push) opens a
// Batch: each statement is then prepared once for the whole transaction
// instead of parsed again for every record, and additive bookkeeping is
// summed in memory and written once at the end. Both paths run the same SQL.
package txbatch

import (
	"database/sql"
	"errors"
	"strings"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Part is bookkeeping a Batch defers to the end of its transaction.
type Part interface {
	// Flush writes what the part gathered, inside the transaction.
	Flush(app core.App) error
}

// Batch belongs to one write transaction that saves many records.
type Batch struct {
	app   core.App
	ex    dbx.Executor
	stmts map[string]*sql.Stmt
	parts map[string]Part
	order []string
}

var (
	mu      sync.Mutex
	batches = map[dbx.Builder]*Batch{}
)

// ErrNoExecutor is returned when a database builder does not expose its
// database/sql executor (never with PocketBase's own builders).
var ErrNoExecutor = errors.New("txbatch: the database builder has no executor")

// Begin opens a batch on tx, which must be a transaction app (the txApp of
// RunInTransaction). Every bookkeeping statement run on tx goes through the
// batch until End.
func Begin(tx core.App) (*Batch, error) {
	if !tx.IsTransactional() {
		return nil, errors.New("txbatch: Begin needs a transaction")
	}
	ex := Executor(tx.DB())
	if ex == nil {
		return nil, ErrNoExecutor
	}
	b := &Batch{app: tx, ex: ex, stmts: map[string]*sql.Stmt{}, parts: map[string]Part{}}
	mu.Lock()
	batches[tx.DB()] = b
	mu.Unlock()
	return b, nil
}

// End writes the deferred parts (in the order they were first used) and
// releases the prepared statements. Call it inside the transaction, after
// the last save; with fail set (the transaction is being rolled back) it
// only releases.
func (b *Batch) End(fail bool) error {
	mu.Lock()
	delete(batches, b.app.DB())
	mu.Unlock()
	var err error
	if !fail {
		for _, name := range b.order {
			if err = b.parts[name].Flush(b.app); err != nil {
				break
			}
		}
	}
	for _, st := range b.stmts {
		st.Close()
	}
	b.stmts, b.parts, b.order = nil, nil, nil
	return err
}

func of(app core.App) *Batch {
	if !app.IsTransactional() {
		return nil
	}
	mu.Lock()
	b := batches[app.DB()]
	mu.Unlock()
	return b
}

func (b *Batch) stmt(query string) (*sql.Stmt, error) {
	if st, ok := b.stmts[query]; ok {
		return st, nil
	}
	st, err := b.ex.Prepare(query)
	if err != nil {
		return nil, err
	}
	b.stmts[query] = st
	return st, nil
}

// Exec runs a statement with positional arguments on app's database
// (outside a transaction, on PocketBase's pool for writes).
func Exec(app core.App, query string, args ...any) (sql.Result, error) {
	if b := of(app); b != nil {
		st, err := b.stmt(query)
		if err != nil {
			return nil, err
		}
		return st.Exec(args...)
	}
	ex := Executor(app.NonconcurrentDB())
	if ex == nil {
		return nil, ErrNoExecutor
	}
	return ex.Exec(query, args...)
}

// Prepared returns a statement for running query many times on app's
// database: the batch's own when app's transaction has one, otherwise a new
// one. Call release when done with it.
func Prepared(app core.App, query string) (stmt *sql.Stmt, release func(), err error) {
	if b := of(app); b != nil {
		st, err := b.stmt(query)
		return st, func() {}, err
	}
	ex := Executor(app.NonconcurrentDB())
	if ex == nil {
		return nil, nil, ErrNoExecutor
	}
	st, err := ex.Prepare(query)
	if err != nil {
		return nil, nil, err
	}
	return st, func() { st.Close() }, nil
}

// Query runs a query with positional arguments on app's database (not
// prepared: for statements whose text varies, such as IN lists).
func Query(app core.App, query string, args ...any) (*sql.Rows, error) {
	db := app.DB()
	if !app.IsTransactional() {
		db = app.ConcurrentDB()
	}
	ex := Executor(db)
	if ex == nil {
		return nil, ErrNoExecutor
	}
	return ex.Query(query, args...)
}

// List returns the placeholders of an IN list of n values: "(?, ?, ?)".
func List(n int) string {
	if n <= 0 {
		return "(NULL)" // matches nothing
	}
	return "(?" + strings.Repeat(", ?", n-1) + ")"
}

// Scanner is a row to scan (*sql.Row).
type Scanner interface{ Scan(dest ...any) error }

// QueryRow runs a query with positional arguments on app's database and
// returns its first row (sql.ErrNoRows on Scan when there is none).
func QueryRow(app core.App, query string, args ...any) Scanner {
	if b := of(app); b != nil {
		st, err := b.stmt(query)
		if err != nil {
			return errRow{err}
		}
		return st.QueryRow(args...)
	}
	db := app.NonconcurrentDB()
	if strings.HasPrefix(query, "SELECT") {
		db = app.ConcurrentDB()
	}
	if q, ok := Executor(db).(interface {
		QueryRow(string, ...any) *sql.Row
	}); ok {
		return q.QueryRow(query, args...)
	}
	return errRow{ErrNoExecutor}
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// Deferred returns the batch's part called name (made by newPart on first
// use), or nil when app's transaction has no batch: the caller then writes
// its bookkeeping at once.
func Deferred(app core.App, name string, newPart func() Part) Part {
	b := of(app)
	if b == nil {
		return nil
	}
	p, ok := b.parts[name]
	if !ok {
		p = newPart()
		b.parts[name] = p
		b.order = append(b.order, name)
	}
	return p
}

// Lookup returns the batch's part called name, or nil when app's
// transaction has no batch or the batch has not made that part.
func Lookup(app core.App, name string) Part {
	if b := of(app); b != nil {
		return b.parts[name]
	}
	return nil
}

// Executor returns the database/sql executor under a dbx builder (nil when
// it cannot be reached): dbx's named parameters are parsed with a regular
// expression on every statement, which costs more than the row itself.
func Executor(db dbx.Builder) dbx.Executor {
	var b dbx.Builder
	switch t := db.(type) {
	case *dbx.Tx:
		b = t.Builder
	case *dbx.DB:
		b = t.Builder
	}
	if x, ok := b.(interface{ Executor() dbx.Executor }); ok {
		return x.Executor()
	}
	return nil
}
