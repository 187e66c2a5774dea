package txbatch

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// MaxGroup is the most units of work one group transaction takes.
const MaxGroup = 64

// Run is RunContext for work on behalf of no request.
func Run(app core.App, fn func(tx core.App) error) error {
	if b, ok := app.(*Batch); ok {
		return fn(b) // inside a batch: part of it, for the same request
	}
	return RunContext(context.Background(), app, fn)
}

// RunContext runs fn in a write transaction of app with a batch open (fn
// gets the Batch as its app), and writes the batch's deferred bookkeeping
// before the transaction commits. It returns once that transaction has
// committed (nil) or rolled back (the error): whatever fn wrote is then
// durable, or nothing of it is. ctx is the request the work is for: it
// reaches the record hooks of the saves fn makes through the batch, and
// a request that has gone before its turn is not run (its error).
//
// Concurrent calls share transactions (group commit): SQLite takes one
// writer at a time, so while one transaction runs the calls that arrive
// queue up, and the next transaction runs all of them (up to MaxGroup) one
// after the other, each seeing the writes of those before it, and commits
// once. Should one of them fail, the group is rolled back and each is run
// again alone, so a failure only ever undoes its own call. fn may
// therefore run more than once: it must start from scratch each time (set
// its outputs at its start, not append to what an earlier run left).
//
// Inside a transaction (app.IsTransactional()) fn runs at once, as part of
// it.
func RunContext(ctx context.Context, app core.App, fn func(tx core.App) error) error {
	if app.IsTransactional() {
		if b, ok := Of(ctx, app).(*Batch); ok {
			return fn(b.For(ctx))
		}
		return runBatch(ctx, app, fn)
	}
	return committerOf(app).run(app, &job{ctx: ctx, fn: fn, done: make(chan outcome, 1), queued: time.Now()})
}

// RunAlone is Run without grouping: fn gets a transaction of its own.
func RunAlone(app core.App, fn func(tx core.App) error) error {
	if app.IsTransactional() {
		return Run(app, fn)
	}
	shared := sharedFor(app)
	defer shared.Prepare()
	return app.RunInTransaction(func(tx core.App) error { return runBatch(context.Background(), tx, fn) })
}

// runBatch runs fn on tx with a batch open and ends the batch: deferred
// parts are written when fn succeeds, released in every case.
func runBatch(ctx context.Context, tx core.App, fn func(tx core.App) error) error {
	b, err := Begin(ctx, tx)
	if err != nil {
		return err
	}
	ended := false
	defer func() {
		if !ended { // fn failed or panicked: release, write nothing
			b.End(true)
		}
	}()
	if err := fn(b); err != nil {
		return err
	}
	ended = true
	return b.End(false)
}

// job is one call of Run waiting for its transaction.
type job struct {
	ctx    context.Context
	fn     func(tx core.App) error
	done   chan outcome
	queued time.Time
}

var waitObserver atomic.Pointer[func(time.Duration)]

// ObserveWait sets the function told, for each call of Run that queued, how
// long it waited before its group's transaction began (metrics).
func ObserveWait(f func(time.Duration)) { waitObserver.Store(&f) }

// outcome is what a waiting call is told: its result, or that it now
// leads the next group.
type outcome struct {
	err  error
	lead bool
}

// committer queues the calls of Run on one database.
type committer struct {
	mu    sync.Mutex
	queue []*job
	busy  bool // a leader is running a group
}

// committerKey is where an app keeps its committer (in app.Store(), which
// an app's transaction clones share).
const committerKey = "jangkau.txbatch.committer"

// committerOf returns the queue of app's database.
func committerOf(app core.App) *committer {
	return app.Store().GetOrSet(committerKey, func() any { return &committer{} }).(*committer)
}

func (c *committer) run(app core.App, own *job) error {
	c.mu.Lock()
	c.queue = append(c.queue, own)
	if c.busy {
		c.mu.Unlock()
		if o := <-own.done; !o.lead {
			return o.err
		}
		// handed the lead: own is at the head of the queue
	} else {
		c.busy = true
		c.mu.Unlock()
	}
	return c.lead(app, own)
}

// lead runs the group at the head of the queue (own among it), tells each
// call its result, and hands the lead to the next waiting call.
func (c *committer) lead(app core.App, own *job) error {
	c.mu.Lock()
	n := min(len(c.queue), MaxGroup)
	group := append([]*job(nil), c.queue[:n]...)
	c.queue = append([]*job(nil), c.queue[n:]...)
	c.mu.Unlock()
	if f := waitObserver.Load(); f != nil {
		for _, j := range group {
			(*f)(time.Since(j.queued))
		}
	}

	shared := sharedFor(app)
	errs := commitGroup(app, group)
	shared.Prepare() // the connection is free: before the next group takes it
	var ownErr error
	for i, j := range group {
		if j == own {
			ownErr = errs[i]
			continue
		}
		j.done <- outcome{err: errs[i]}
	}

	c.mu.Lock()
	if len(c.queue) > 0 {
		next := c.queue[0]
		c.mu.Unlock()
		next.done <- outcome{lead: true}
	} else {
		c.busy = false
		c.mu.Unlock()
	}
	return ownErr
}

// commitGroup runs the jobs in one transaction; when that fails, each
// alone. It returns each job's error.
func commitGroup(app core.App, group []*job) []error {
	errs := make([]error, len(group))
	if len(group) > 1 {
		err := app.RunInTransaction(func(tx core.App) error {
			return runBatch(context.Background(), tx, func(tx core.App) error {
				for i, j := range group {
					if errs[i] = j.ctx.Err(); errs[i] != nil {
						continue // the request has gone: nothing to run it for
					}
					if err := safely(tx.(*Batch).For(j.ctx), j); err != nil {
						return err
					}
				}
				return nil
			})
		})
		if err == nil {
			return errs
		}
	}
	for i, j := range group {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err // the request has gone: nothing to run it for
			continue
		}
		errs[i] = app.RunInTransaction(func(tx core.App) error {
			return runBatch(j.ctx, tx, func(tx core.App) error { return safely(tx, j) })
		})
	}
	return errs
}

// safely runs fn, turning a panic into an error: the leader runs other
// requests' work, and one panic must not leave the others waiting.
func safely(tx core.App, j *job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("txbatch: panic in grouped work: %v", p)
		}
	}()
	if err := j.ctx.Err(); err != nil {
		return err
	}
	return j.fn(tx)
}
