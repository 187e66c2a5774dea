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
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Part is bookkeeping a Batch defers to the end of its transaction.
type Part interface {
	// Flush writes what the part gathered, inside the transaction.
	Flush(app core.App) error
}

// Batch is the app of one write transaction that saves many records, as
// the work in it sees it (Run hands it to fn): the functions of this
// package given a Batch prepare each statement once for the transaction
// and defer additive bookkeeping to its end; given any other app they run
// the same SQL at once. The batch travels explicitly: as the app passed
// down, and to PocketBase's record hooks in the context of the saves made
// through it (Of finds it there).
type Batch struct {
	core.App                 // the transaction
	ctx      context.Context // the request (or caller) this work is for; carries st
	st       *state
}

// state is what the calls sharing one transaction share.
type state struct {
	db     dbx.Builder // the transaction's builder (its identity)
	ex     dbx.Executor
	stmts  map[string]*sql.Stmt
	shared *sharedStmts // nil: each statement prepared for this transaction only
	parts  map[string]Part
	order  []string
}

type ctxKey struct{}

// ErrNoExecutor is returned when a database builder does not expose its
// database/sql executor (never with PocketBase's own builders).
var ErrNoExecutor = errors.New("txbatch: the database builder has no executor")

// Begin opens a batch on tx, which must be a transaction app (the txApp of
// RunInTransaction), for work done on behalf of ctx.
func Begin(ctx context.Context, tx core.App) (*Batch, error) {
	if !tx.IsTransactional() {
		return nil, errors.New("txbatch: Begin needs a transaction")
	}
	ex := Executor(tx.DB())
	if ex == nil {
		return nil, ErrNoExecutor
	}
	st := &state{db: tx.DB(), ex: ex, stmts: map[string]*sql.Stmt{}, shared: sharedOf(tx), parts: map[string]Part{}}
	return st.batch(ctx, tx), nil
}

func (st *state) batch(ctx context.Context, tx core.App) *Batch {
	if ctx == nil {
		ctx = context.Background()
	}
	return &Batch{App: tx, ctx: context.WithValue(ctx, ctxKey{}, st), st: st}
}

// For returns the same batch working for ctx (a call grouped into a shared
// transaction works for its own request).
func (b *Batch) For(ctx context.Context) *Batch {
	if b.st == nil { // ended
		return b
	}
	return b.st.batch(ctx, b.App)
}

// Context is the context of the work: the request's, carrying the batch.
func (b *Batch) Context() context.Context { return b.ctx }

// End writes the deferred parts (in the order they were first used) and
// releases the prepared statements. Call it inside the transaction, after
// the last save; with fail set (the transaction is being rolled back) it
// only releases.
func (b *Batch) End(fail bool) error {
	st := b.st
	if st == nil {
		return nil
	}
	var err error
	if !fail {
		for _, name := range st.order {
			if err = st.parts[name].Flush(b); err != nil {
				break
			}
		}
	}
	for _, s := range st.stmts {
		s.Close()
	}
	st.stmts, st.parts, st.order = nil, nil, nil
	return err
}

// Of returns the batch carried by ctx when it is one of app's transaction
// (PocketBase's record hooks get the transaction as e.App and the batch in
// e.Context), otherwise app itself.
func Of(ctx context.Context, app core.App) core.App {
	if b, ok := app.(*Batch); ok {
		return b
	}
	if ctx == nil || !app.IsTransactional() {
		return app
	}
	if st, ok := ctx.Value(ctxKey{}).(*state); ok && st.stmts != nil && st.db == app.DB() {
		return &Batch{App: app, ctx: ctx, st: st}
	}
	return app
}

// stateOf returns the open batch state of app (nil when app is no Batch).
func stateOf(app core.App) *state {
	if b, ok := app.(*Batch); ok && b.st != nil && b.st.stmts != nil {
		return b.st
	}
	return nil
}

// Saves and deletes through the batch carry it, in their context, to the
// record hooks (which then write their bookkeeping through it).

// Save saves m in the transaction (validated).
func (b *Batch) Save(m core.Model) error { return b.App.SaveWithContext(b.ctx, m) }

// SaveWithContext saves m in the transaction (validated), with ctx when it
// carries the batch (made from Context), else with the batch's.
func (b *Batch) SaveWithContext(ctx context.Context, m core.Model) error {
	return b.App.SaveWithContext(b.contextFor(ctx), m)
}

// SaveNoValidate saves m in the transaction without validation.
func (b *Batch) SaveNoValidate(m core.Model) error { return b.App.SaveNoValidateWithContext(b.ctx, m) }

// SaveNoValidateWithContext saves m without validation, with ctx when it
// carries the batch, else with the batch's.
func (b *Batch) SaveNoValidateWithContext(ctx context.Context, m core.Model) error {
	return b.App.SaveNoValidateWithContext(b.contextFor(ctx), m)
}

// Delete deletes m in the transaction.
func (b *Batch) Delete(m core.Model) error { return b.App.DeleteWithContext(b.ctx, m) }

// DeleteWithContext deletes m in the transaction, with ctx when it carries
// the batch, else with the batch's.
func (b *Batch) DeleteWithContext(ctx context.Context, m core.Model) error {
	return b.App.DeleteWithContext(b.contextFor(ctx), m)
}

// contextFor is ctx when it was made from the batch's context (it carries
// the batch to the hooks, with the caller's values), else the batch's.
func (b *Batch) contextFor(ctx context.Context) context.Context {
	if ctx != nil && ctx != b.ctx {
		if st, _ := ctx.Value(ctxKey{}).(*state); st == b.st {
			return ctx
		}
	}
	return b.ctx
}

// RunInTransaction runs fn in the batch's transaction, with the batch.
func (b *Batch) RunInTransaction(fn func(txApp core.App) error) error { return fn(b) }

func (st *state) stmt(query string) (*sql.Stmt, error) {
	if s, ok := st.stmts[query]; ok {
		return s, nil
	}
	if tx, ok := st.ex.(*sql.Tx); ok && st.shared != nil {
		if s := st.shared.get(tx, query); s != nil {
			st.stmts[query] = s
			return s, nil
		}
	}
	s, err := st.ex.Prepare(query)
	if err != nil {
		return nil, err
	}
	st.stmts[query] = s
	return s, nil
}

// Exec runs a statement with positional arguments on app's database: in
// app's transaction, or outside any on PocketBase's pool for writes.
func Exec(app core.App, query string, args ...any) (sql.Result, error) {
	if st := stateOf(app); st != nil {
		s, err := st.stmt(query)
		if err != nil {
			return nil, err
		}
		return s.Exec(args...)
	}
	ex := Executor(app.NonconcurrentDB())
	if ex == nil {
		return nil, ErrNoExecutor
	}
	return ex.Exec(query, args...)
}

// Prepared returns a statement for running query many times on app's
// database: the batch's own when app is a Batch, otherwise a new one. Call
// release when done with it.
func Prepared(app core.App, query string) (stmt *sql.Stmt, release func(), err error) {
	if st := stateOf(app); st != nil {
		s, err := st.stmt(query)
		return s, func() {}, err
	}
	ex := Executor(app.NonconcurrentDB())
	if ex == nil {
		return nil, nil, ErrNoExecutor
	}
	s, err := ex.Prepare(query)
	if err != nil {
		return nil, nil, err
	}
	return s, func() { s.Close() }, nil
}

// Query runs a query with positional arguments on app's database: in a
// batch through the batch's statement (compiled once, and once per
// connection when shared; IN lists through ListOf, so that their texts are
// few), in another transaction or outside any as QueryOnce. The rows must
// be closed before the same query runs again in the batch.
func Query(app core.App, query string, args ...any) (*sql.Rows, error) {
	if st := stateOf(app); st != nil {
		s, err := st.stmt(query)
		if err != nil {
			return nil, err
		}
		return s.Query(args...)
	}
	return QueryOnce(app, query, args...)
}

// QueryOnce runs a query with positional arguments on app's database,
// compiled for this call only (for texts that vary): in app's
// transaction, or outside any on PocketBase's pool for reads.
func QueryOnce(app core.App, query string, args ...any) (*sql.Rows, error) {
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

// ListOf returns the placeholders of an IN list of values and the values
// to bind to them: their count rounded up to a power of two, the last value
// repeated (an IN list means the same with a value twice). A statement with
// an IN list is then one of a few texts, each compiled once (Query, Exec)
// instead of once per length.
func ListOf(values []any) (string, []any) {
	n := 1
	for n < len(values) {
		n *= 2
	}
	if len(values) == 0 || n == len(values) {
		return List(len(values)), values
	}
	padded := make([]any, n)
	copy(padded, values)
	for i := len(values); i < n; i++ {
		padded[i] = values[len(values)-1]
	}
	return List(n), padded
}

// Scanner is a row to scan (*sql.Row).
type Scanner interface{ Scan(dest ...any) error }

// QueryRow runs a read with positional arguments on app's database and
// returns its first row (sql.ErrNoRows on Scan when there is none): in
// app's transaction, or outside any on PocketBase's pool for reads.
func QueryRow(app core.App, query string, args ...any) Scanner {
	return row(app, app.ConcurrentDB(), query, args)
}

// WriteRow runs a write that returns a row (UPDATE ... RETURNING) with
// positional arguments: in app's transaction, or outside any on
// PocketBase's pool for writes.
func WriteRow(app core.App, query string, args ...any) Scanner {
	return row(app, app.NonconcurrentDB(), query, args)
}

func row(app core.App, pool dbx.Builder, query string, args []any) Scanner {
	if st := stateOf(app); st != nil {
		s, err := st.stmt(query)
		if err != nil {
			return errRow{err}
		}
		return s.QueryRow(args...)
	}
	if app.IsTransactional() {
		pool = app.DB()
	}
	if q, ok := Executor(pool).(interface {
		QueryRow(string, ...any) *sql.Row
	}); ok {
		return q.QueryRow(query, args...)
	}
	return errRow{ErrNoExecutor}
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// Deferred returns the batch's part called name (made by newPart on first
// use), or nil when app is no Batch: the caller then writes its
// bookkeeping at once.
func Deferred(app core.App, name string, newPart func() Part) Part {
	b := stateOf(app)
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

// Lookup returns the batch's part called name, or nil when app is no
// Batch or the batch has not made that part.
func Lookup(app core.App, name string) Part {
	if b := stateOf(app); b != nil {
		return b.parts[name]
	}
	return nil
}

// Executor returns the database/sql executor under a dbx builder (nil when
// it cannot be reached), through dbx's exported BaseBuilder.Executor: dbx's
// named parameters are parsed with a regular expression on every
// statement, which costs more than the row itself.
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
