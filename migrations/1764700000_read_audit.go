package migrations

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Reads are audited too: the audit trail's action gains view (a record, its
// history or a photo), list (a list or search), report (a JSON report) and
// sync_pull (a pull that sent records to a phone). Going down takes the
// choices away again; entries already written keep their action.
func init() {
	m.Register(func(app core.App) error {
		return setAuditActions(app, "create", "update", "delete", "login", "export", "view", "list", "report", "sync_pull")
	}, func(app core.App) error {
		return setAuditActions(app, "create", "update", "delete", "login", "export")
	})
}

func setAuditActions(app core.App, actions ...string) error {
	c, err := app.FindCollectionByNameOrId("audit_log")
	if err != nil {
		return err
	}
	f, ok := c.Fields.GetByName("action").(*core.SelectField)
	if !ok {
		return errors.New("audit_log has no select field action")
	}
	f.Values = actions
	return app.Save(c)
}
