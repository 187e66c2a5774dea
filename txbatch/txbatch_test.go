package txbatch_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"jangkau/txbatch"
)

// counter is a deferred part that adds up increments and writes their sum once.
type counter struct{ sum, flushes int }

func (c *counter) Flush(app core.App) error {
	c.flushes++
	_, err := txbatch.Exec(app, `UPDATE t SET n = n + ? WHERE k = 'sum'`, c.sum)
	return err
}

func newApp(t *testing.T) core.App {
	t.Helper()
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	for _, q := range []string{`CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)`, `INSERT INTO t VALUES ('sum', 0)`} {
		if _, err := app.NonconcurrentDB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

func value(t *testing.T, app core.App, k string) int {
	t.Helper()
	var n int
	if err := txbatch.QueryRow(app, `SELECT n FROM t WHERE k = ?`, k).Scan(&n); err != nil {
		t.Fatalf("read %s: %v", k, err)
	}
	return n
}

func TestWithoutBatch(t *testing.T) {
	app := newApp(t)
	// outside a transaction: writes go to PocketBase's write pool
	if _, err := txbatch.Exec(app, `INSERT INTO t VALUES (?, ?)`, "a", 1); err != nil {
		t.Fatal(err)
	}
	err := app.RunInTransaction(func(tx core.App) error {
		if part := txbatch.Deferred(tx, "counter", func() txbatch.Part { return &counter{} }); part != nil {
			t.Error("a transaction without a batch has no deferred parts")
		}
		var n int
		if err := txbatch.QueryRow(tx, `UPDATE t SET n = n + 1 WHERE k = ? RETURNING n`, "a").Scan(&n); err != nil || n != 2 {
			t.Errorf("update returning: %d %v", n, err)
		}
		st1, release1, err := txbatch.Prepared(tx, `SELECT n FROM t WHERE k = ?`)
		if err != nil {
			return err
		}
		defer release1()
		st2, release2, err := txbatch.Prepared(tx, `SELECT n FROM t WHERE k = ?`)
		if err != nil {
			return err
		}
		defer release2()
		if st1 == st2 {
			t.Error("without a batch each caller gets its own statement")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, app, "a"); got != 2 {
		t.Fatalf("a = %d, want 2", got)
	}
	if err := txbatch.QueryRow(app, `SELECT n FROM t WHERE k = ?`, "none").Scan(new(int)); err == nil {
		t.Fatal("a missing row must give an error")
	}
}

func TestBatchPreparesOnceAndDefersToTheEnd(t *testing.T) {
	app := newApp(t)
	var part *counter
	err := txbatch.Run(app, func(tx core.App) error {
		st1, release1, err := txbatch.Prepared(tx, `INSERT INTO t VALUES (?, ?)`)
		if err != nil {
			return err
		}
		release1()
		st2, release2, err := txbatch.Prepared(tx, `INSERT INTO t VALUES (?, ?)`)
		if err != nil {
			return err
		}
		release2()
		if st1 != st2 {
			t.Error("in a batch a statement is prepared once")
		}
		for i, k := range []string{"x", "y", "z"} {
			if _, err := txbatch.Exec(tx, `INSERT INTO t VALUES (?, ?)`, k, i); err != nil {
				return err
			}
			p := txbatch.Deferred(tx, "counter", func() txbatch.Part { return &counter{} }).(*counter)
			if part != nil && p != part {
				t.Error("one part per name and batch")
			}
			part = p
			part.sum += 10
		}
		if got := value(t, tx, "sum"); got != 0 {
			t.Errorf("the deferred sum was written before the end: %d", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if part.flushes != 1 {
		t.Fatalf("flushed %d times, want once", part.flushes)
	}
	if got := value(t, app, "sum"); got != 30 {
		t.Fatalf("sum = %d, want 30", got)
	}
	if got := value(t, app, "z"); got != 2 {
		t.Fatalf("z = %d, want 2", got)
	}
	// after the batch, the same transaction-less app writes directly again
	err = app.RunInTransaction(func(tx core.App) error {
		if txbatch.Deferred(tx, "counter", func() txbatch.Part { return &counter{} }) != nil {
			t.Error("a later transaction must not see an ended batch")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBatchFailureWritesNothing(t *testing.T) {
	app := newApp(t)
	boom := errors.New("boom")
	var part *counter
	err := txbatch.Run(app, func(tx core.App) error {
		if _, err := txbatch.Exec(tx, `INSERT INTO t VALUES (?, ?)`, "lost", 1); err != nil {
			return err
		}
		part = txbatch.Deferred(tx, "counter", func() txbatch.Part { return &counter{sum: 5} }).(*counter)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if part.flushes != 0 {
		t.Fatal("a failed batch must not flush its parts")
	}
	if got := value(t, app, "sum"); got != 0 {
		t.Fatalf("sum = %d after a failure", got)
	}
	if err := txbatch.QueryRow(app, `SELECT n FROM t WHERE k = ?`, "lost").Scan(new(int)); err == nil {
		t.Fatal("the failed batch's row was kept")
	}

	// a part that fails while flushing rolls the whole transaction back
	err = txbatch.Run(app, func(tx core.App) error {
		if _, err := txbatch.Exec(tx, `INSERT INTO t VALUES (?, ?)`, "lost2", 1); err != nil {
			return err
		}
		txbatch.Deferred(tx, "bad", func() txbatch.Part { return failing{} })
		return nil
	})
	if err == nil {
		t.Fatal("a failed flush must fail the batch")
	}
	if err := txbatch.QueryRow(app, `SELECT n FROM t WHERE k = ?`, "lost2").Scan(new(int)); err == nil {
		t.Fatal("a failed flush kept the transaction's rows")
	}
}

type failing struct{}

func (failing) Flush(app core.App) error {
	_, err := txbatch.Exec(app, `INSERT INTO missing_table VALUES (1)`)
	return err
}

func TestBeginNeedsATransaction(t *testing.T) {
	if _, err := txbatch.Begin(context.Background(), newApp(t)); err == nil {
		t.Fatal("Begin outside a transaction must fail")
	}
}

func TestListPlaceholders(t *testing.T) {
	for n, want := range map[int]string{0: "(NULL)", 1: "(?)", 3: "(?, ?, ?)"} {
		if got := txbatch.List(n); got != want {
			t.Errorf("List(%d) = %q, want %q", n, got, want)
		}
	}
}

// An IN list of any length is one of a few statement texts, and finds the
// same rows as the list itself, in a batch (where the statement is kept)
// and outside one.
func TestListOfFindsTheSameRowsWithFewTexts(t *testing.T) {
	app := newApp(t)
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		if _, err := app.DB().NewQuery(`INSERT INTO t VALUES ({:k}, 1)`).Bind(map[string]any{"k": k}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	texts := map[string]bool{}
	find := func(db core.App, keys []any) []string {
		in, args := txbatch.ListOf(keys)
		texts[in] = true
		if len(args) < len(keys) || len(args)&(len(args)-1) != 0 {
			t.Fatalf("%d keys bound as %d", len(keys), len(args))
		}
		rows, err := txbatch.Query(db, `SELECT k FROM t WHERE k IN `+in+` ORDER BY k`, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			got = append(got, k)
		}
		return got
	}
	cases := []struct {
		keys []any
		want string
	}{
		{nil, ""}, {[]any{"c"}, "c"}, {[]any{"e", "a", "x"}, "a e"}, {[]any{"a", "b", "c", "d", "e"}, "a b c d e"},
		{[]any{"x", "y", "z", "b", "q", "r", "s", "t", "u"}, "b"},
	}
	for _, c := range cases {
		if got := strings.Join(find(app, c.keys), " "); got != c.want {
			t.Errorf("outside a batch, %v: %q, want %q", c.keys, got, c.want)
		}
		err := txbatch.Run(app, func(tx core.App) error {
			for range 2 { // the batch's statement, used twice
				if got := strings.Join(find(tx, c.keys), " "); got != c.want {
					t.Errorf("in a batch, %v: %q, want %q", c.keys, got, c.want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(texts) != 5 { // (NULL), 1, 4, 8, 16 placeholders
		t.Errorf("%d statement texts: %v", len(texts), texts)
	}
}
