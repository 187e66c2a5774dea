package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The append-only audit trail. Entries are written only by the server, in
// the transaction of the change; hooks refuse every edit and delete.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("audit_log")
		c.Fields.Add(&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1})
		c.Fields.Add(&core.TextField{Name: "superuser", Max: 50})
		c.Fields.Add(&core.TextField{Name: "device", Max: 100})
		c.Fields.Add(&core.SelectField{Name: "action", MaxSelect: 1, Required: true,
			Values: []string{"create", "update", "delete", "login", "export"}})
		c.Fields.Add(&core.TextField{Name: "target_collection", Max: 100})
		c.Fields.Add(&core.TextField{Name: "record", Max: 100})
		c.Fields.Add(&core.JSONField{Name: "changes", MaxSize: 1 << 20})
		c.Fields.Add(&core.TextField{Name: "note", Max: 5000})
		c.Fields.Add(&core.TextField{Name: "client_time", Max: 40})
		c.Fields.Add(&core.TextField{Name: "server_time", Max: 40})
		c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
		// The secretariat reads the whole trail; a record's history is served
		// by GET /api/audit/{collection}/{id} to whoever may read the record.
		read := `@request.auth.role = "province_secretariat"`
		c.ListRule, c.ViewRule = &read, &read
		c.AddIndex("idx_audit_log_record", false, "target_collection, record, created", "")
		c.AddIndex("idx_audit_log_user", false, "user, created", "")
		return app.Save(c)
	}, nil)
}
