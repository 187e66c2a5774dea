package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The feed's scope indexes carry `deleted` too (issue 13): with it every
// column a pull reads from sync_changes (seq, collection, record_id,
// deleted; the primary key's columns are in every index of a WITHOUT ROWID
// table) is in the index, so reading a scope's range no longer looks up
// each row in the table. A WatermelonDB download reads the range once per
// table and found every other table's rows that way: ten times the reads.
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range []string{
			`CREATE INDEX IF NOT EXISTS idx_sync_changes_village_rows ON sync_changes (village, regency, seq, deleted)`,
			`CREATE INDEX IF NOT EXISTS idx_sync_changes_regency_rows ON sync_changes (regency, seq, deleted)`,
			`DROP INDEX IF EXISTS idx_sync_changes_village`,
			`DROP INDEX IF EXISTS idx_sync_changes_regency`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, stmt := range []string{
			`CREATE INDEX IF NOT EXISTS idx_sync_changes_village ON sync_changes (village, regency, seq)`,
			`CREATE INDEX IF NOT EXISTS idx_sync_changes_regency ON sync_changes (regency, seq)`,
			`DROP INDEX IF EXISTS idx_sync_changes_village_rows`,
			`DROP INDEX IF EXISTS idx_sync_changes_regency_rows`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
