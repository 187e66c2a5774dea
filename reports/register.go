package reports

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/internal/wiring"
	"jangkau/txbatch"
)

// Register binds the reports to app: the aggregates kept in step with every
// write of a counted record (in the write's transaction), rebuilt at start
// when a database has records but no aggregates, and the /api/reports and
// /api/exports routes.
func Register(app core.App) {
	stats := func(deleted bool) *hook.Handler[*core.RecordEvent] {
		return &hook.Handler[*core.RecordEvent]{Id: "jangkau.reports.stats", Priority: wiring.ExecReportStats, Func: func(e *core.RecordEvent) error {
			return wiring.InTx(&e.App, func(tx core.App) error {
				return KeepStats(txbatch.Of(e.Context, tx), e.Record, deleted, e.Next) // the push's batch, when a push saves
			})
		}}
	}
	app.OnRecordCreateExecute(Counted...).Bind(stats(false))
	app.OnRecordUpdateExecute(Counted...).Bind(stats(false))
	app.OnRecordDeleteExecute(Counted...).Bind(stats(true))
	registerRadCache(app)

	// A RAD indicator's budgets, on every path.
	budgets := &hook.Handler[*core.RecordEvent]{Id: "jangkau.reports.budgets", Priority: wiring.ModelCheck, Func: func(e *core.RecordEvent) error {
		if errs := CheckBudgets(e.Record); errs != nil {
			return errs
		}
		return e.Next()
	}}
	// Its counting rule, on every path: filled from a first-engine counting
	// rule, checked against the engine and the vocabularies.
	rule := &hook.Handler[*core.RecordEvent]{Id: "jangkau.reports.indicatorRule", Priority: wiring.ModelCheck, Func: func(e *core.RecordEvent) error {
		if err := PrepareIndicatorRule(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	}}
	app.OnRecordCreate(catalog.RadIndicators).Bind(rule)
	app.OnRecordUpdate(catalog.RadIndicators).Bind(rule)
	app.OnRecordCreate(catalog.RadIndicators).Bind(budgets)
	app.OnRecordUpdate(catalog.RadIndicators).Bind(budgets)

	// Each definition of a RAD indicator is kept, in its write's
	// transaction, so past reports reprint with the one they had.
	version := &hook.Handler[*core.RecordEvent]{Id: "jangkau.reports.indicatorVersion", Priority: wiring.ExecReportStats, Func: func(e *core.RecordEvent) error {
		return wiring.InTx(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return SaveIndicatorVersion(tx, e.Record)
		})
	}}
	app.OnRecordCreateExecute(catalog.RadIndicators).Bind(version)
	app.OnRecordUpdateExecute(catalog.RadIndicators).Bind(version)

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.reports.routes", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		// serve has run the migrations; the aggregates they leave empty on
		// a database with records are computed now, by this version's code.
		if rebuilt, err := RebuildIfMissing(e.App); err != nil {
			return err
		} else if rebuilt {
			e.App.Logger().Info("report aggregates rebuilt from the records")
		}
		g := e.Router.Group("/api/reports")
		g.Bind(apis.RequireAuth())
		g.GET("/labels", HandleLabels)
		g.GET("/rad/preview", HandleRulePreview)
		g.GET("/{name}", HandleReport)
		e.Router.GET("/api/exports/{file}", HandleExport).Bind(apis.RequireAuth())
		return e.Next()
	}})
}
