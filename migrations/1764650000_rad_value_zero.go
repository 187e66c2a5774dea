package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// An achievement of 0 is a real report ("no village reached this quarter"),
// but PocketBase's Required on a number refuses 0. The value stays
// mandatory on create through a request check (records/register.go) that tells
// a missing value from a zero one.
func init() {
	m.Register(func(app core.App) error {
		return setAchievementValueRequired(app, false)
	}, func(app core.App) error {
		return setAchievementValueRequired(app, true)
	})
}

func setAchievementValueRequired(app core.App, required bool) error {
	c, err := app.FindCollectionByNameOrId("rad_achievements")
	if err != nil {
		return err
	}
	f, ok := c.Fields.GetByName("value").(*core.NumberField)
	if !ok {
		return nil
	}
	f.Required = required
	return app.Save(c)
}
