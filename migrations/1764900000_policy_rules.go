package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The API rules of every collection as the policy table (access.Table)
// generates them, written out literally so that this migration never
// changes. access's policy test compares the stored rules with the table:
// when the table changes, that test prints the rules to store in a new
// migration like this one.
//
// Compared with the rules before: a verifier reads the devices of its
// regency's village officers and its own (not those of other verifiers of
// the regency), as the fleet list always did; and no one manages their own
// account (a new password of one's own needs the old one, a new email the
// confirmation flow).
func init() {
	m.Register(func(app core.App) error {
		for name, r := range policyRules {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = r.List, r.View, r.Create, r.Update, r.Delete
			if name == "users" {
				c.ManageRule = policyRule(`id != @request.auth.id && ((@request.auth.role = "district_verifier" && role = "village_officer" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat"))`)
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

func policyRule(s string) *string { return &s }

// policyRules are the rules by collection; nil is superusers only.
var policyRules = map[string]struct{ List, View, Create, Update, Delete *string }{
	"activities": {
		List:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		View:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		Create: policyRule(`@request.auth.role = "village_officer"`),
		Update: policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Delete: policyRule(`@request.auth.role = "village_officer" && village = @request.auth.area && status = "draft"`),
	},
	"areas": {
		List:   policyRule(`@request.auth.collectionName = "users"`),
		View:   policyRule(`@request.auth.collectionName = "users"`),
		Create: nil,
		Update: policyRule(`@request.auth.role = "province_secretariat"`),
		Delete: nil,
	},
	"audit_log": {
		List:   policyRule(`@request.auth.role = "province_secretariat"`),
		View:   policyRule(`@request.auth.role = "province_secretariat"`),
		Create: nil,
		Update: nil,
		Delete: nil,
	},
	"case_aggregates": {
		List:   policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
		View:   policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
		Create: policyRule(`(@request.auth.role = "district_verifier") || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		Update: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
		Delete: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
	},
	"device_enrollments": {
		List:   nil,
		View:   nil,
		Create: nil,
		Update: nil,
		Delete: nil,
	},
	"device_keys": {
		List:   nil,
		View:   nil,
		Create: nil,
		Update: nil,
		Delete: nil,
	},
	"devices": {
		List:   policyRule(`(user = @request.auth.id) || (@request.auth.role = "district_verifier" && user.role = "village_officer" && user.regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		View:   policyRule(`(user = @request.auth.id) || (@request.auth.role = "district_verifier" && user.role = "village_officer" && user.regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Create: nil,
		Update: nil,
		Delete: nil,
	},
	"outreach_logs": {
		List:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		View:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		Create: policyRule(`@request.auth.role = "village_officer"`),
		Update: policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Delete: policyRule(`@request.auth.role = "village_officer" && village = @request.auth.area && status = "draft"`),
	},
	"rad_achievements": {
		List:   policyRule(`(@request.auth.role = "district_verifier" && (regency = @request.auth.area || area.level = "province")) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		View:   policyRule(`(@request.auth.role = "district_verifier" && (regency = @request.auth.area || area.level = "province")) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		Create: policyRule(`(@request.auth.role = "district_verifier") || (@request.auth.role = "province_secretariat")`),
		Update: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Delete: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
	},
	"rad_indicators": {
		List:   policyRule(`@request.auth.collectionName = "users"`),
		View:   policyRule(`@request.auth.collectionName = "users"`),
		Create: policyRule(`@request.auth.role = "province_secretariat"`),
		Update: policyRule(`@request.auth.role = "province_secretariat"`),
		Delete: policyRule(`@request.auth.role = "province_secretariat"`),
	},
	"users": {
		List:   policyRule(`(id = @request.auth.id) || (@request.auth.role = "district_verifier" && role = "village_officer" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		View:   policyRule(`(id = @request.auth.id) || (@request.auth.role = "district_verifier" && role = "village_officer" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Create: policyRule(`(@request.auth.role = "district_verifier") || (@request.auth.role = "province_secretariat")`),
		Update: policyRule(`(id = @request.auth.id) || (@request.auth.role = "district_verifier" && role = "village_officer" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Delete: nil,
	},
	"village_programs": {
		List:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		View:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member")`),
		Create: policyRule(`(@request.auth.role = "village_officer") || (@request.auth.role = "district_verifier") || (@request.auth.role = "province_secretariat")`),
		Update: policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Delete: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
	},
}
