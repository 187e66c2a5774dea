package hooks

import (
	"fmt"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/accounts"
	"jangkau/catalog"
	"jangkau/reports"
)

// statsWrite keeps the report aggregates in step with a write of an
// activity or outreach log, in the write's own transaction: what the stored
// row counted before (if anything) is taken away, what it counts after the
// write is added.
func statsWrite(deleted bool) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		name := e.Record.Collection().Name
		original := e.App
		err := e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			var old *reports.Contribution
			if !e.Record.IsNew() {
				var err error
				if old, err = reports.StoredContribution(tx, name, fmt.Sprint(e.Record.LastSavedPK())); err != nil {
					return err
				}
			}
			if err := e.Next(); err != nil {
				return err
			}
			var now *reports.Contribution
			if !deleted {
				var err error
				if now, err = reports.StoredContribution(tx, name, e.Record.Id); err != nil {
					return err
				}
			}
			return reports.ApplyDelta(tx, name, old, now)
		})
		e.App = original
		return err
	}
}

func registerReports(app core.App) {
	app.OnRecordCreateExecute(reports.Counted...).BindFunc(statsWrite(false))
	app.OnRecordUpdateExecute(reports.Counted...).BindFunc(statsWrite(false))
	app.OnRecordDeleteExecute(reports.Counted...).BindFunc(statsWrite(true))

	forget := func(e *core.RecordEvent) error {
		reports.ForgetAreas(e.App)
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess(catalog.Areas).BindFunc(forget)
	app.OnRecordAfterUpdateSuccess(catalog.Areas).BindFunc(forget)

	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		g := e.Router.Group("/api/reports")
		g.Bind(apis.RequireAuth())
		g.GET("/labels", reports.HandleLabels)
		g.GET("/{name}", reports.HandleReport)
		e.Router.GET("/api/exports/{file}", reports.HandleExport).Bind(apis.RequireAuth())
		e.Router.GET("/api/accounts", accounts.HandleList).Bind(apis.RequireAuth())
		return e.Next()
	})
}
