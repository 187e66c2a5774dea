package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"jangkau/catalog"
	"jangkau/reports"
)

// The precomputed report aggregates (per village, district and regency, per
// month, status and dimension), the date indexes that partial months and
// exports read through, and a first computation from existing records.
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range reports.SchemaSQL() {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		for name, column := range map[string]string{catalog.Activities: "start_date", catalog.OutreachLogs: "date"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.AddIndex("idx_"+name+"_"+column, false, column, "")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return reports.Rebuild(app)
	}, func(app core.App) error {
		for _, t := range reports.StatsTable {
			if _, err := app.DB().NewQuery("DROP TABLE IF EXISTS " + t).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
