package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// An enrollment code is bound to the account as it was when the code was
// issued (role, area, regency, cluster and the feed position of its last
// scope change): a code is refused once any of them changed, and voided
// when the account is deactivated. A device is revoked when its account's
// role, area or cluster changes (revoked_reason account_changed). Codes
// still pending from before this migration carry no binding: they expire
// now, and the verifier issues new ones.
func init() {
	m.Register(func(app core.App) error {
		enr, err := app.FindCollectionByNameOrId("device_enrollments")
		if err != nil {
			return err
		}
		enr.Fields.Add(&core.TextField{Name: "bound_role", Max: 50})
		enr.Fields.Add(&core.TextField{Name: "bound_area", Max: 50})
		enr.Fields.Add(&core.TextField{Name: "bound_regency", Max: 50})
		enr.Fields.Add(&core.TextField{Name: "bound_cluster", Max: 50})
		min := 0.0
		enr.Fields.Add(&core.NumberField{Name: "bound_scope_seq", OnlyInt: true, Min: &min})
		enr.Fields.Add(&core.SelectField{Name: "voided_reason", MaxSelect: 1, Values: []string{"user_deactivated", "account_changed"}})
		if err := app.Save(enr); err != nil {
			return err
		}
		now := types.NowDateTime()
		if _, err := app.DB().Update("device_enrollments",
			dbx.Params{"expires_at": now.String()},
			// pending, unbound: not used, not yet expired
			dbx.NewExp("used_at = '' AND bound_role = '' AND expires_at > {:now}", dbx.Params{"now": now.String()}),
		).Execute(); err != nil {
			return err
		}

		dev, err := app.FindCollectionByNameOrId("devices")
		if err != nil {
			return err
		}
		if f, ok := dev.Fields.GetByName("revoked_reason").(*core.SelectField); ok {
			f.Values = []string{"revoked", "refresh_reuse", "user_deactivated", "replaced", "account_changed"}
		}
		return app.Save(dev)
	}, nil)
}
