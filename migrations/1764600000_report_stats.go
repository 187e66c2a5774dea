package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The precomputed report aggregates (per village, district and regency, per
// month, status and dimension) and the date indexes that partial months and
// exports read through. The aggregates are derived data: the reports
// package computes them from the records with the code of the running
// version (reports/register.go rebuilds them on start when records exist and
// the tables are empty, as after this migration on an older database).
func init() {
	tables := []string{"report_stats_activities", "report_stats_outreach"}
	m.Register(func(app core.App) error {
		for _, t := range tables {
			for _, stmt := range []string{
				`CREATE TABLE IF NOT EXISTS ` + t + ` (
				parent TEXT NOT NULL,
				ym     INTEGER NOT NULL,
				area   TEXT NOT NULL,
				status TEXT NOT NULL,
				dim    TEXT NOT NULL,
				key    TEXT NOT NULL,
				n      INTEGER NOT NULL DEFAULT 0,
				mc     INTEGER NOT NULL DEFAULT 0,
				fc     INTEGER NOT NULL DEFAULT 0,
				ma     INTEGER NOT NULL DEFAULT 0,
				fa     INTEGER NOT NULL DEFAULT 0,
				dis    INTEGER NOT NULL DEFAULT 0,
				budget REAL NOT NULL DEFAULT 0,
				PRIMARY KEY (parent, status, dim, ym, area, key)
			) WITHOUT ROWID`,
				// villages reached in a run of months (coverage)
				`CREATE INDEX IF NOT EXISTS idx_` + t + `_reach ON ` + t + ` (ym, status, area) WHERE dim = 'all' AND length(area) = 13`,
			} {
				if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
					return err
				}
			}
		}
		for _, ix := range []struct{ name, column string }{{"activities", "start_date"}, {"outreach_logs", "date"}} {
			c, err := app.FindCollectionByNameOrId(ix.name)
			if err != nil {
				return err
			}
			c.AddIndex("idx_"+ix.name+"_"+ix.column, false, ix.column, "")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, t := range tables {
			if _, err := app.DB().NewQuery("DROP TABLE IF EXISTS " + t).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
