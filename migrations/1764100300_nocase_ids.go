package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// PocketBase checks a new client-chosen id against existing ones case-
// insensitively (id = ? COLLATE NOCASE). Without an index of that collation
// the check scans the whole table, so every phone insert would slow down as
// the table grows.
func init() {
	m.Register(func(app core.App) error {
		for _, name := range []string{"activities", "outreach_logs", "village_programs"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.AddIndex("idx_"+name+"_id_nocase", false, "id COLLATE NOCASE", "")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
