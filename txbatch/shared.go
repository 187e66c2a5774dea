package txbatch

import (
	"database/sql"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// sharedStmts are the batches' statements prepared on the write pool
// itself, so that each is compiled once on its connection instead of once
// per transaction: a push of five records ran a dozen statements, and
// compiling them cost a seventh of its CPU.
//
// A statement cannot be prepared on the pool while a transaction holds its
// one connection (it would wait for itself), so a batch prepares what it
// needs in its transaction as before and names it here; the group's
// leader prepares the named statements on the pool once the transaction
// has ended (Prepare), and later transactions take them with Tx.Stmt,
// which reuses the statement already compiled on the connection.
type sharedStmts struct {
	db     *sql.DB
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
}

// sharedKey is where an app keeps its sharedStmts (in app.Store(), which
// an app's transaction clones share).
const sharedKey = "jangkau.txbatch.shared"

// maxShared bounds the statements kept: the batches' statements are a
// few dozen texts (the INSERT of each table, the bookkeeping).
const maxShared = 256

// sharedFor returns app's sharedStmts, made on first use; app must be
// outside any transaction (the leader's app), or nil is returned.
func sharedFor(app core.App) *sharedStmts {
	if app.IsTransactional() {
		return nil
	}
	s, _ := app.Store().GetOrSet(sharedKey, func() any {
		db, _ := Executor(app.NonconcurrentDB()).(*sql.DB)
		if db == nil {
			return (*sharedStmts)(nil)
		}
		return &sharedStmts{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
	}).(*sharedStmts)
	return s
}

// sharedOf returns the sharedStmts of app (a transaction's app), or nil
// when its leader made none.
func sharedOf(app core.App) *sharedStmts {
	s, _ := app.Store().Get(sharedKey).(*sharedStmts)
	return s
}

// get returns tx's copy of the shared statement of query, or nil (and
// names query for Prepare) when there is none yet.
func (s *sharedStmts) get(tx *sql.Tx, query string) *sql.Stmt {
	s.mu.Lock()
	parent := s.stmts[query]
	if parent == nil && len(s.stmts)+len(s.wanted) < maxShared {
		s.wanted[query] = true
	}
	s.mu.Unlock()
	if parent == nil {
		return nil
	}
	return tx.Stmt(parent)
}

// Prepare prepares on the write pool the statements batches named since
// the last call. Call it outside any transaction.
func (s *sharedStmts) Prepare() {
	if s == nil {
		return
	}
	s.mu.Lock()
	if len(s.wanted) == 0 {
		s.mu.Unlock()
		return
	}
	wanted := s.wanted
	s.wanted = map[string]bool{}
	s.mu.Unlock()
	for query := range wanted {
		stmt, err := s.db.Prepare(query)
		if err != nil {
			continue // the batch that used it prepares it again, in its transaction
		}
		s.mu.Lock()
		if s.stmts[query] == nil {
			s.stmts[query], stmt = stmt, nil
		}
		s.mu.Unlock()
		if stmt != nil {
			stmt.Close()
		}
	}
}
