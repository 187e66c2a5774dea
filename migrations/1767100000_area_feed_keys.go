package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The feed rows of village and district areas move from their regency's
// reference range (village column empty) to their own code in the village
// column: a village's phone then reads its own village's and district's
// rows only, not its whole regency's (sync.Scope, sync.AreaScope). Their
// sequence numbers stay: nothing is sent again, and a phone that already
// holds its regency's areas keeps them.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`UPDATE sync_changes SET village = record_id
			WHERE collection = 'areas' AND village = '' AND length(record_id) >= 8`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`UPDATE sync_changes SET village = ''
			WHERE collection = 'areas' AND village = record_id`).Execute()
		return err
	})
}
