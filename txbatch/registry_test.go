package txbatch

import (
	"errors"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

func open() int {
	mu.Lock()
	defer mu.Unlock()
	return len(batches)
}

// A batch whose work fails or panics is released: no statement or
// registry entry outlives its transaction.
func TestBatchIsReleasedWhateverHappens(t *testing.T) {
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	var seen *Batch
	work := func(tx core.App) {
		seen = of(tx)
		if _, err := Exec(tx, `SELECT 1`); err != nil {
			t.Fatal(err)
		}
	}
	cases := map[string]func(tx core.App) error{
		"success": func(tx core.App) error { work(tx); return nil },
		"failure": func(tx core.App) error { work(tx); return errors.New("boom") },
		"panic":   func(tx core.App) error { work(tx); panic("boom") },
	}
	for name, fn := range cases {
		seen = nil
		func() {
			defer func() { _ = recover() }()
			_ = Run(app, fn)
		}()
		if seen == nil {
			t.Fatalf("%s: the work ran without its batch", name)
		}
		if n := open(); n != 0 {
			t.Errorf("%s: %d batches still registered", name, n)
		}
		if seen.stmts != nil {
			t.Errorf("%s: prepared statements not released", name)
		}
	}
}
