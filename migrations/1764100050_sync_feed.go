package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"jangkau/sync"
)

// The change feed, the push log and the sequence counter of the sync engine.
// Records written before this migration (Lampung's areas) are backfilled.
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range sync.SchemaSQL {
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
		return sync.Backfill(app)
	}, nil)
}
