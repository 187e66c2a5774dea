package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Spreadsheet imports (issue 16) are recorded: who imported which file (its
// name and SHA-256, never its content) of which kind, and how many rows it
// added, changed and left unchanged. A table of the server's own (like the
// sync feed), read through /api/imports; each import is also a line of the
// audit trail, whose action gains "import".
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range []string{
			`CREATE TABLE IF NOT EXISTS import_runs (
		id          TEXT PRIMARY KEY NOT NULL,
		kind        TEXT NOT NULL,
		user        TEXT NOT NULL DEFAULT '',
		superuser   TEXT NOT NULL DEFAULT '',
		area        TEXT NOT NULL DEFAULT '',
		file_name   TEXT NOT NULL DEFAULT '',
		file_sha256 TEXT NOT NULL,
		file_size   INTEGER NOT NULL DEFAULT 0,
		rows        INTEGER NOT NULL DEFAULT 0,
		created_n   INTEGER NOT NULL DEFAULT 0,
		changed_n   INTEGER NOT NULL DEFAULT 0,
		unchanged_n INTEGER NOT NULL DEFAULT 0,
		created     TEXT NOT NULL
	)`,
			`CREATE INDEX IF NOT EXISTS idx_import_runs_created ON import_runs (created)`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return setAuditActions(app, "create", "update", "delete", "login", "export", "view", "list", "report", "sync_pull", "import")
	}, func(app core.App) error {
		if _, err := app.DB().NewQuery(`DROP TABLE IF EXISTS import_runs`).Execute(); err != nil {
			return err
		}
		return setAuditActions(app, "create", "update", "delete", "login", "export", "view", "list", "report", "sync_pull")
	})
}
