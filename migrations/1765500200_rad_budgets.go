package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The budget of a RAD indicator per year of its plan (issue 16):
// {"2025": {"allocation": 150000000, "realisation": 120000000}}, in rupiah.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("rad_indicators")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.JSONField{Name: "budgets", MaxSize: 10000})
		return app.Save(c)
	}, nil)
}
