package hooks

import (
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/sync"
	"jangkau/txbatch"
)

// feedWrite wraps a write of a synced record and its feed row in one
// transaction, on every path (REST, batch, sync, admin UI, Go code).
func feedWrite(op sync.Op) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		original := e.App
		err := e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			oldVillage := ""
			if op == sync.OpUpdate {
				var err error
				if oldVillage, err = sync.ScopeBefore(tx, e.Record); err != nil {
					return err
				}
			}
			if err := e.Next(); err != nil {
				return err
			}
			return sync.Append(txbatch.Of(e.Context, tx), e.Record, op, oldVillage)
		})
		e.App = original
		return err
	}
}

func registerSync(app core.App) {
	app.OnRecordCreateExecute(sync.Collections...).BindFunc(feedWrite(sync.OpCreate))
	app.OnRecordUpdateExecute(sync.Collections...).BindFunc(feedWrite(sync.OpUpdate))
	app.OnRecordDeleteExecute(sync.Collections...).BindFunc(feedWrite(sync.OpDelete))

	hub := sync.NewHub()
	notify := func(e *core.RecordEvent) error {
		hub.Notify(e.Record)
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess(sync.Collections...).BindFunc(notify)
	app.OnRecordAfterUpdateSuccess(sync.Collections...).BindFunc(notify)
	app.OnRecordAfterDeleteSuccess(sync.Collections...).BindFunc(notify)

	// A user whose role or area changes must re-download its scope: the
	// feed position of the change is kept, and older cursors get a reset.
	app.OnRecordUpdateExecute(catalog.Users).BindFunc(func(e *core.RecordEvent) error {
		orig := e.Record.Original()
		if orig.GetString("role") == e.Record.GetString("role") && orig.GetString("area") == e.Record.GetString("area") {
			return e.Next()
		}
		original := e.App
		err := e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			seq, err := sync.NextSeq(txbatch.Of(e.Context, tx))
			if err != nil {
				return err
			}
			e.Record.Set("scope_seq", seq)
			return e.Next()
		})
		e.App = original
		return err
	})

	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		g := e.Router.Group("/api/sync")
		g.Bind(apis.RequireAuth())
		// Pulls run in pull slots (sync.PullSlots bounds how many read,
		// encode and compress at once): the native pull takes one itself
		// for its page only, the others for their whole request. Answers
		// are gzip-compressed when the client accepts it: pulls do it
		// themselves, the others through sync.Compress. Streams are not.
		g.GET("/pull", sync.NativePull).BindFunc(sync.PullSlot(false))
		g.POST("/push", sync.NativePush).BindFunc(sync.PullsFirst, sync.Compress)
		g.GET("/stream", hub.Stream)
		g.GET("/watermelon", sync.WatermelonPull).BindFunc(sync.PullSlot(true))
		g.POST("/watermelon", sync.WatermelonPush).BindFunc(sync.PullsFirst, sync.Compress)
		g.GET("/rxdb/{collection}/pull", sync.RxPull).BindFunc(sync.PullSlot(true), sync.Compress)
		g.POST("/rxdb/{collection}/push", sync.RxPush).BindFunc(sync.PullsFirst, sync.Compress)
		g.GET("/rxdb/{collection}/pull_stream", hub.RxPullStream)
		return e.Next()
	})

	// Tombstones older than the retention are purged once a day; cursors
	// from before the purge get a full re-download.
	app.Cron().MustAdd("jangkauPurgeTombstones", "30 2 * * *", func() {
		if n, err := sync.PurgeTombstones(app, time.Now().Add(-sync.TombstoneRetention)); err != nil {
			app.Logger().Error("tombstone purge failed", "error", err)
		} else if n > 0 {
			app.Logger().Info("tombstones purged", "count", n)
		}
	})
}
