package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"jangkau/areas"
)

// Lampung's areas ship inside the binary, so the first start needs no network.
func init() {
	m.Register(func(app core.App) error {
		_, err := areas.ImportDir(app, areas.Lampung())
		return err
	}, nil)
}
