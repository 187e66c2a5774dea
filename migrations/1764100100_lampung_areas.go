package migrations

import (
	"embed"
	"encoding/csv"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// lampungAreas is a frozen copy of Lampung's areas as released with this
// migration (data/README.md).
//
//go:embed data/lampung_areas.csv
var lampungAreas embed.FS

// Lampung's areas ship inside the binary, so the first start needs no
// network. Codes already stored are left as they are.
func init() {
	m.Register(func(app core.App) error {
		f, err := lampungAreas.Open("data/lampung_areas.csv")
		if err != nil {
			return err
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			return err
		}
		col, err := app.FindCollectionByNameOrId("areas")
		if err != nil {
			return err
		}
		var stored []string
		if err := app.DB().Select("id").From("areas").Column(&stored); err != nil {
			return err
		}
		exists := make(map[string]bool, len(stored))
		for _, id := range stored {
			exists[id] = true
		}
		for _, row := range rows[1:] { // code, name, level, kind, parent
			if exists[row[0]] {
				continue
			}
			rec := core.NewRecord(col)
			rec.Id = row[0]
			rec.Set("name", row[1])
			rec.Set("level", row[2])
			rec.Set("kind", row[3])
			rec.Set("parent", row[4])
			rec.Set("active", true)
			// PocketBase refuses '.' in new primary keys, but the official
			// code is the id; the rows were checked when this file was made.
			// Model hooks (change feed, audit) still run.
			if err := app.SaveNoValidate(rec); err != nil {
				return fmt.Errorf("create area %s: %w", row[0], err)
			}
		}
		return nil
	}, nil)
}
