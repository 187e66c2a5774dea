package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Issue 15: a verifier revoking a phone may choose "wipe" (the phone sends
// what it has not sent, then deletes its synced data): devices.wipe is that
// choice, devices.wiped_at when the phone said it had sent everything (from
// then on it may send nothing more). Desk roles (regency task-force members,
// agency officers) never have a phone: their devices are revoked and their
// pending enrollment codes voided (reason desk_role).
func init() {
	m.Register(func(app core.App) error {
		dev, err := app.FindCollectionByNameOrId("devices")
		if err != nil {
			return err
		}
		dev.Fields.Add(&core.BoolField{Name: "wipe"})
		dev.Fields.Add(&core.DateField{Name: "wiped_at"})
		if f, ok := dev.Fields.GetByName("revoked_reason").(*core.SelectField); ok {
			f.Values = []string{"revoked", "refresh_reuse", "user_deactivated", "replaced", "account_changed", "desk_role"}
		}
		if err := app.Save(dev); err != nil {
			return err
		}
		enr, err := app.FindCollectionByNameOrId("device_enrollments")
		if err != nil {
			return err
		}
		if f, ok := enr.Fields.GetByName("voided_reason").(*core.SelectField); ok {
			f.Values = []string{"user_deactivated", "account_changed", "desk_role"}
		}
		if err := app.Save(enr); err != nil {
			return err
		}
		desk := "user IN (SELECT id FROM users WHERE role IN ('regency_taskforce_member', 'agency_officer'))"
		now := types.NowDateTime().String()
		if _, err := app.DB().Update("devices",
			dbx.Params{"revoked_at": now, "revoked_reason": "desk_role", "refresh_hash": ""},
			dbx.NewExp("revoked_at = '' AND enrolled = TRUE AND "+desk),
		).Execute(); err != nil {
			return err
		}
		_, err = app.DB().Update("device_enrollments",
			dbx.Params{"voided_reason": "desk_role"},
			dbx.NewExp("used_at = '' AND voided_reason = '' AND "+desk),
		).Execute()
		return err
	}, nil)
}
