package txbatch_test

import (
	"fmt"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/txbatch"
)

// A batch's statement is prepared on the write pool after its first
// transaction and used by the later ones, which write what they are told:
// also after the table changed beneath it (SQLite compiles it again), and
// after an earlier transaction failed.
func TestStatementsAreSharedAcrossTransactions(t *testing.T) {
	app := newApp(t)
	insert := `INSERT INTO t (k, n) VALUES (?, ?)`
	run := func(k string, n int, fail bool) error {
		return txbatch.Run(app, func(tx core.App) error {
			if _, err := txbatch.Exec(tx, insert, k, n); err != nil {
				return err
			}
			if fail {
				return fmt.Errorf("refused")
			}
			return nil
		})
	}
	if err := run("a", 1, false); err != nil {
		t.Fatal(err)
	}
	if n := txbatch.SharedStatements(app); n != 1 {
		t.Fatalf("%d statements shared after the first transaction, want 1", n)
	}
	if err := run("b", 2, true); err == nil {
		t.Fatal("the failing transaction succeeded")
	}
	if err := run("c", 3, false); err != nil {
		t.Fatal(err)
	}
	if _, err := app.NonconcurrentDB().NewQuery(`ALTER TABLE t ADD COLUMN note TEXT NOT NULL DEFAULT 'x'`).Execute(); err != nil {
		t.Fatal(err)
	}
	if err := run("d", 4, false); err != nil {
		t.Fatalf("after the table changed: %v", err)
	}
	for k, want := range map[string]int{"a": 1, "c": 3, "d": 4} {
		if got := value(t, app, k); got != want {
			t.Errorf("%s = %d, want %d", k, got, want)
		}
	}
	var absent int
	if err := txbatch.QueryRow(app, `SELECT COUNT(*) FROM t WHERE k = 'b'`).Scan(&absent); err != nil || absent != 0 {
		t.Errorf("the failed transaction's row: %d (%v)", absent, err)
	}
	if n := txbatch.SharedStatements(app); n != 1 {
		t.Fatalf("%d statements shared, want 1", n)
	}
}
