package txbatch

import "github.com/pocketbase/pocketbase/core"

// SharedStatements is how many statements app's batches share.
func SharedStatements(app core.App) int {
	s := sharedOf(app)
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.stmts)
}
