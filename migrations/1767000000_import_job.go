package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// An import remembers the console's job id of its confirm: the same
// confirm sent again after its answer was lost (the same job, file and
// caller) is known as a retry, and the accounts import makes again the
// one-time passwords that were only in the lost answer.
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range []string{
			`ALTER TABLE import_runs ADD COLUMN job TEXT NOT NULL DEFAULT ''`,
			`CREATE INDEX IF NOT EXISTS idx_import_runs_job ON import_runs (job) WHERE job != ''`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, stmt := range []string{
			`DROP INDEX IF EXISTS idx_import_runs_job`,
			`ALTER TABLE import_runs DROP COLUMN job`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
