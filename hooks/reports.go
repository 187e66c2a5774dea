package hooks

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/accounts"
	"jangkau/catalog"
	"jangkau/reports"
	"jangkau/txbatch"
)

// statsWrite keeps the report aggregates in step with a write of an
// activity or outreach log, in the write's own transaction.
func statsWrite(deleted bool) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		original := e.App
		err := e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			return reports.KeepStats(txbatch.Of(e.Context, tx), e.Record, deleted, e.Next)
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
		// serve has run the migrations; the aggregates they leave empty on
		// a database with records are computed now, by this version's code.
		if rebuilt, err := reports.RebuildIfMissing(e.App); err != nil {
			return err
		} else if rebuilt {
			e.App.Logger().Info("report aggregates rebuilt from the records")
		}
		g := e.Router.Group("/api/reports")
		g.Bind(apis.RequireAuth())
		g.GET("/labels", reports.HandleLabels)
		g.GET("/{name}", reports.HandleReport)
		e.Router.GET("/api/exports/{file}", reports.HandleExport).Bind(apis.RequireAuth())
		e.Router.GET("/api/accounts", accounts.HandleList).Bind(apis.RequireAuth())
		return e.Next()
	})
}
