package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The change feed, the push log and the sequence counter of the sync engine.
// Records written before this migration are numbered in the feed, in the
// order a full pull sends the collections, one sequence number each.
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range []string{
			`CREATE TABLE IF NOT EXISTS sync_changes (
		collection TEXT NOT NULL,
		record_id  TEXT NOT NULL,
		village    TEXT NOT NULL DEFAULT '',
		regency    TEXT NOT NULL DEFAULT '',
		seq        INTEGER NOT NULL,
		deleted    INTEGER NOT NULL DEFAULT 0,
		changed_at TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (collection, record_id, village)
	) WITHOUT ROWID`,
			`CREATE UNIQUE INDEX IF NOT EXISTS idx_sync_changes_seq ON sync_changes (seq)`,
			`CREATE INDEX IF NOT EXISTS idx_sync_changes_village ON sync_changes (village, regency, seq)`,
			`CREATE INDEX IF NOT EXISTS idx_sync_changes_regency ON sync_changes (regency, seq)`,
			`CREATE INDEX IF NOT EXISTS idx_sync_changes_tombstones ON sync_changes (deleted, changed_at) WHERE deleted = 1`,
			`CREATE TABLE IF NOT EXISTS sync_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID`,
			`INSERT OR IGNORE INTO sync_counters (name, value) VALUES ('seq', 0), ('horizon', 0)`,
			`CREATE TABLE IF NOT EXISTS sync_mutations (
		user_id     TEXT NOT NULL,
		client_id   TEXT NOT NULL,
		mutation_id TEXT NOT NULL,
		result      TEXT NOT NULL,
		created     TEXT NOT NULL,
		PRIMARY KEY (user_id, client_id, mutation_id)
	) WITHOUT ROWID`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		// scope_seq: the feed position at which the user's role or area last
		// changed; a phone whose cursor is older must re-download its scope.
		users.Fields.Add(&core.NumberField{Name: "scope_seq", OnlyInt: true, Min: float(0)})
		if err := app.Save(users); err != nil {
			return err
		}
		return backfillFeed(app)
	}, nil)
}

// backfillFeed numbers the records that exist (an area by its regency, a
// village record by its village and regency, an indicator by neither),
// collection after collection, each in storage order.
func backfillFeed(app core.App) error {
	for _, c := range []struct{ name, village, regency string }{
		{"areas", `''`, `CASE WHEN length(id) >= 5 THEN substr(id, 1, 5) ELSE '' END`},
		{"rad_indicators", `''`, `''`},
		{"village_programs", `village`, `CASE WHEN length(village) >= 5 THEN substr(village, 1, 5) ELSE '' END`},
		{"activities", `village`, `CASE WHEN length(village) >= 5 THEN substr(village, 1, 5) ELSE '' END`},
		{"outreach_logs", `village`, `CASE WHEN length(village) >= 5 THEN substr(village, 1, 5) ELSE '' END`},
	} {
		_, err := app.DB().NewQuery(`INSERT INTO sync_changes (collection, record_id, village, regency, seq, deleted, changed_at)
			SELECT '` + c.name + `', id, ` + c.village + `, ` + c.regency + `,
				(SELECT value FROM sync_counters WHERE name = 'seq') + ROW_NUMBER() OVER (ORDER BY rowid), 0,
				strftime('%Y-%m-%d %H:%M:%fZ', 'now')
			FROM ` + c.name + ` WHERE true
			ON CONFLICT (collection, record_id, village) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted,
				regency = excluded.regency, changed_at = excluded.changed_at`).Execute()
		if err != nil {
			return err
		}
		_, err = app.DB().NewQuery(`UPDATE sync_counters SET value = value + (SELECT COUNT(*) FROM ` + c.name + `) WHERE name = 'seq'`).Execute()
		if err != nil {
			return err
		}
	}
	return nil
}
