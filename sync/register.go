package sync

import (
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/internal/wiring"
	"jangkau/txbatch"
)

// Register binds the change feed and the sync routes to app: every write of
// a synced record appends its feed row in the write's own transaction, on
// every path (REST, batch, sync, admin UI, Go code); a user whose role or
// area changes gets a new scope position; committed changes wake the hint
// streams; tombstones are purged daily; and the /api/sync routes.
func Register(app core.App) {
	feed := func(op Op) *hook.Handler[*core.RecordEvent] {
		return &hook.Handler[*core.RecordEvent]{Id: "jangkau.sync.feed", Priority: wiring.ExecSyncFeed, Func: feedWrite(op)}
	}
	app.OnRecordCreateExecute(Collections...).Bind(feed(OpCreate))
	app.OnRecordUpdateExecute(Collections...).Bind(feed(OpUpdate))
	app.OnRecordDeleteExecute(Collections...).Bind(feed(OpDelete))
	bindValidation(app)

	hub := NewHub()
	notify := &hook.Handler[*core.RecordEvent]{Id: "jangkau.sync.notify", Func: func(e *core.RecordEvent) error {
		hub.Notify(e.Record)
		return e.Next()
	}}
	app.OnRecordAfterCreateSuccess(Collections...).Bind(notify)
	app.OnRecordAfterUpdateSuccess(Collections...).Bind(notify)
	app.OnRecordAfterDeleteSuccess(Collections...).Bind(notify)

	// A user whose role or area changes must re-download its scope: the
	// feed position of the change is kept, and older cursors get a reset.
	app.OnRecordUpdateExecute(catalog.Users).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.sync.scope", Priority: wiring.ExecSyncScope, Func: func(e *core.RecordEvent) error {
		orig := e.Record.Original()
		if orig.GetString("role") == e.Record.GetString("role") && orig.GetString("area") == e.Record.GetString("area") {
			return e.Next()
		}
		return wiring.InTx(&e.App, func(tx core.App) error {
			seq, err := NextSeq(txbatch.Of(e.Context, tx))
			if err != nil {
				return err
			}
			e.Record.Set("scope_seq", seq)
			return e.Next()
		})
	}})

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.sync.routes", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		g := e.Router.Group("/api/sync")
		g.Bind(apis.RequireAuth())
		// Answers are gzip-compressed when the client accepts it: the
		// native and WatermelonDB pulls do it themselves, inside a pull
		// slot (PullSlots bounds how many compress at once), the others
		// through Compress. Streams are not.
		slot := func(rx bool) *hook.Handler[*core.RequestEvent] {
			return &hook.Handler[*core.RequestEvent]{Id: "jangkau.sync.pullSlot", Func: PullSlot(rx)}
		}
		gzip := &hook.Handler[*core.RequestEvent]{Id: "jangkau.sync.compress", Func: Compress}
		// Pushes wait while pulls queue for a slot (PullsFirst).
		pullsFirst := &hook.Handler[*core.RequestEvent]{Id: "jangkau.sync.pullsFirst", Func: PullsFirst}
		g.GET("/pull", NativePull).Bind(slot(false))
		g.POST("/push", NativePush).Bind(pullsFirst, gzip)
		g.GET("/stream", hub.Stream)
		g.GET("/watermelon", WatermelonPull).Bind(slot(false))
		g.POST("/watermelon", WatermelonPush).Bind(pullsFirst, gzip)
		g.GET("/rxdb/{collection}/pull", RxPull).Bind(slot(true), gzip)
		g.POST("/rxdb/{collection}/push", RxPush).Bind(pullsFirst, gzip)
		g.GET("/rxdb/{collection}/pull_stream", hub.RxPullStream)
		return e.Next()
	}})

	// Tombstones older than the retention are purged once a day (cursors
	// from before the purge get a full re-download), and so are the results
	// of pushes remembered for as long.
	app.Cron().MustAdd("jangkauPurgeTombstones", "30 2 * * *", func() {
		if n, err := PurgeTombstones(app, time.Now().Add(-TombstoneRetention)); err != nil {
			app.Logger().Error("tombstone purge failed", "error", err)
		} else if n > 0 {
			app.Logger().Info("tombstones purged", "count", n)
		}
		if n, err := PurgeMutations(app, time.Now().Add(-MutationRetention)); err != nil {
			app.Logger().Error("purge of remembered push results failed", "error", err)
		} else if n > 0 {
			app.Logger().Info("remembered push results purged", "count", n)
		}
	})
}

// feedWrite wraps a write of a synced record and its feed row in one
// transaction.
func feedWrite(op Op) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		return wiring.InTx(&e.App, func(tx core.App) error {
			oldVillage := ""
			if op == OpUpdate {
				var err error
				if oldVillage, err = ScopeBefore(tx, e.Record); err != nil {
					return err
				}
			}
			if err := e.Next(); err != nil {
				return err
			}
			return Append(txbatch.Of(e.Context, tx), e.Record, op, oldVillage) // the push's batch, when a push saves
		})
	}
}
