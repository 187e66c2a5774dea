package txbatch

import (
	"context"
	"errors"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// A batch whose work fails or panics is released: no statement outlives
// its transaction, and its context no longer leads to it.
func TestBatchIsReleasedWhateverHappens(t *testing.T) {
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	var seen *state
	var ctx context.Context
	var txApp core.App
	work := func(tx core.App) {
		seen = stateOf(tx)
		ctx, txApp = tx.(*Batch).Context(), tx.(*Batch).App
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
		if seen.stmts != nil {
			t.Errorf("%s: prepared statements not released", name)
		}
		if _, ok := Of(ctx, txApp).(*Batch); ok {
			t.Errorf("%s: the ended batch is still found from its context", name)
		}
	}
}

// The batch reaches PocketBase's model hooks in the context of a save made
// through it (the only way it travels besides the app passed down), and
// belongs to its own transaction only.
func TestBatchTravelsInTheSavesContext(t *testing.T) {
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	type key struct{}
	var inHook *Batch
	var hookCtx context.Context
	app.OnModelCreateExecute().BindFunc(func(e *core.ModelEvent) error {
		inHook, _ = Of(e.Context, e.App).(*Batch)
		hookCtx = e.Context
		return e.Next()
	})
	col, err := app.FindCollectionByNameOrId("demo1")
	if err != nil {
		t.Fatal(err)
	}
	req := context.WithValue(context.Background(), key{}, "request")
	var outer *Batch
	err = RunContext(req, app, func(tx core.App) error {
		outer = tx.(*Batch)
		rec := core.NewRecord(col)
		rec.Set("text", "x")
		return tx.Save(rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	if inHook == nil || inHook.st != outer.st {
		t.Fatal("the hook did not find the batch of the save")
	}
	if hookCtx.Value(key{}) != "request" {
		t.Error("the request's context did not reach the hook")
	}
	// another transaction with the same context finds no batch
	_ = app.RunInTransaction(func(tx core.App) error {
		if _, ok := Of(outer.Context(), tx).(*Batch); ok {
			t.Error("a batch was found for another transaction")
		}
		return nil
	})
}

// Work for a request that has gone before its turn is not run.
func TestGoneRequestIsNotRun(t *testing.T) {
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err = RunContext(ctx, app, func(tx core.App) error { ran = true; return nil })
	if ran || !errors.Is(err, context.Canceled) {
		t.Fatalf("ran %v, err %v; want not run and context.Canceled", ran, err)
	}
}
