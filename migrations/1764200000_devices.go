package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Devices: the phones and browsers that sync, their health, and (with the
// devices issue) their enrollment and revocation.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("devices")
		c.Fields.Add(&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true})
		areasCol, err := app.FindCollectionByNameOrId("areas")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.RelationField{Name: "area", CollectionId: areasCol.Id, MaxSelect: 1})
		c.Fields.Add(&core.RelationField{Name: "regency", CollectionId: areasCol.Id, MaxSelect: 1})
		c.Fields.Add(&core.TextField{Name: "client_id", Max: 100})
		c.Fields.Add(&core.TextField{Name: "name", Max: 100})
		c.Fields.Add(&core.TextField{Name: "platform", Max: 50})
		c.Fields.Add(&core.TextField{Name: "app_version", Max: 50})
		c.Fields.Add(&core.BoolField{Name: "enrolled"})
		c.Fields.Add(&core.DateField{Name: "enrolled_at"})
		c.Fields.Add(&core.DateField{Name: "last_seen"})
		c.Fields.Add(&core.DateField{Name: "last_pull"})
		c.Fields.Add(&core.DateField{Name: "last_push"})
		c.Fields.Add(&core.NumberField{Name: "queue_length", OnlyInt: true, Min: float(0)})
		c.Fields.Add(&core.NumberField{Name: "last_cursor", OnlyInt: true, Min: float(0)})
		c.Fields.Add(&core.DateField{Name: "revoked_at"})
		c.Fields.Add(&core.RelationField{Name: "revoked_by", CollectionId: users.Id, MaxSelect: 1})
		c.Fields.Add(&core.TextField{Name: "revoked_by_superuser", Max: 100})
		timestamps(c)
		// Read-only through the record API; custom routes write it.
		read := `@request.auth.role = "province_secretariat" || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || user = @request.auth.id`
		c.ListRule, c.ViewRule = &read, &read
		c.AddIndex("idx_devices_user_client", true, "user, client_id", "client_id != ''")
		c.AddIndex("idx_devices_regency", false, "regency, last_seen", "")
		return app.Save(c)
	}, nil)
}
