package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// RAD indicator definitions are versioned (issue 16), so that a past
// year's report reprints with the definition the indicator had then: each
// create or change of an indicator stores its definition with the moment it
// took effect. Existing indicators get their current definition from their
// creation. A table of the server's own (like the sync feed), not an API
// collection.
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range []string{
			`CREATE TABLE IF NOT EXISTS rad_indicator_versions (
		indicator  TEXT NOT NULL,
		valid_from TEXT NOT NULL,
		definition TEXT NOT NULL,
		PRIMARY KEY (indicator, valid_from)
	) WITHOUT ROWID`,
			`INSERT OR IGNORE INTO rad_indicator_versions (indicator, valid_from, definition)
		SELECT id, created, json_object('code', code, 'rad_period', rad_period, 'cluster', cluster, 'program', program,
			'activity', activity, 'description', description, 'unit', unit, 'level', level, 'lead_agency', lead_agency,
			'baseline', baseline, 'targets', COALESCE(targets, ''), 'counting', counting, 'auto_rule', auto_rule,
			'direction', direction)
		FROM rad_indicators`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
