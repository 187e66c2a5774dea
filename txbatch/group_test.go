package txbatch_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/txbatch"
)

// Concurrent calls share transactions, and each still gets exactly its own
// outcome: the work of a call that fails (or panics) is undone, that of
// every other call in its group is kept.
func TestGroupCommitKeepsEachCallsOutcome(t *testing.T) {
	app := newApp(t)
	const calls = 40
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, calls)
	var mu sync.Mutex
	txs := map[any]int{} // transactions seen, and how many calls each ran
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = txbatch.Run(app, func(tx core.App) error {
				mu.Lock()
				txs[tx.DB()]++
				mu.Unlock()
				if _, err := txbatch.Exec(tx, `INSERT INTO t VALUES (?, ?)`, fmt.Sprint("k", i), i); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return boom
				case 7:
					panic("kaput")
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		stored := txbatch.QueryRow(app, `SELECT n FROM t WHERE k = ?`, fmt.Sprint("k", i)).Scan(new(int)) == nil
		switch i % 10 {
		case 3:
			if !errors.Is(err, boom) || stored {
				t.Errorf("call %d: err %v, stored %v; want its own error and nothing stored", i, err, stored)
			}
		case 7:
			if err == nil || !strings.Contains(err.Error(), "kaput") || stored {
				t.Errorf("call %d: err %v, stored %v; want the panic as an error and nothing stored", i, err, stored)
			}
		default:
			if err != nil || !stored {
				t.Errorf("call %d: err %v, stored %v; want it committed", i, err, stored)
			}
		}
	}
	shared := false
	for _, n := range txs {
		shared = shared || n > 1
	}
	if !shared {
		t.Logf("no two calls shared a transaction this time (%d transactions for %d calls)", len(txs), calls)
	}
}

// A call made inside a transaction runs in it, at once (no deadlock on
// the single writer), with the same batch.
func TestRunInsideATransactionJoinsIt(t *testing.T) {
	app := newApp(t)
	err := txbatch.Run(app, func(tx core.App) error {
		outer := txbatch.Deferred(tx, "counter", func() txbatch.Part { return &counter{} })
		return txbatch.Run(tx, func(inner core.App) error {
			if inner != tx || txbatch.Deferred(inner, "counter", func() txbatch.Part { return &counter{} }) != outer {
				t.Error("the inner call did not join the outer transaction and batch")
			}
			_, err := txbatch.Exec(inner, `INSERT INTO t VALUES (?, ?)`, "inner", 1)
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, app, "inner"); got != 1 {
		t.Fatalf("inner = %d", got)
	}
}
