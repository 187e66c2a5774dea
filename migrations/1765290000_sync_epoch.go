package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Issue 18 item 3: the sync epoch, a random number kept beside the feed's
// sequence in sync_counters. Every pull answer carries it; `jangkau
// restore` and `jangkau epoch new` (after a Litestream restore) change it,
// so a phone whose cursor names another epoch learns that the server was
// restored and re-sends what the restore lost. A JavaScript-safe integer
// (below 2^53), odd so it is never 0 ("no epoch").
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`INSERT OR IGNORE INTO sync_counters (name, value)
			VALUES ('epoch', (random() & 9007199254740991) | 1)`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`DELETE FROM sync_counters WHERE name = 'epoch'`).Execute()
		return err
	})
}
