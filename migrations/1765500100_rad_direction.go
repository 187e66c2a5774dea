package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A RAD indicator says whether more or less is better (issue 16): "number
// of villages with a PATBM" should rise, "number of child marriages" should
// fall. Existing indicators are "higher" (what the traffic light assumed).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("rad_indicators")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.SelectField{Name: "direction", Values: []string{"higher", "lower"}, MaxSelect: 1})
		if err := app.Save(c); err != nil {
			return err
		}
		_, err = app.DB().NewQuery(`UPDATE rad_indicators SET direction = 'higher' WHERE direction = ''`).Execute()
		return err
	}, nil)
}
