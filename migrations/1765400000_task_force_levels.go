package migrations

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Issue 15: the whole task force records. Two roles join the users'
// choices (regency_taskforce_member, agency_officer); activities are
// recorded at every level: a required area (village, district, regency or
// province) and its level, with village kept for village activities (the
// field app's field) and no longer required. Existing activities are all
// village activities: their area is their village. Outreach logs (a note
// on a household, an agency's case reference) are no longer read by the
// province task-force members: the village, its verifier and the
// secretariat only. The API rules of the collections changed are stored as
// the policy table (access.Table) generates them, literally. The activities' report stats
// are emptied so that the server recounts them on its next start with the
// new dimensions (level, cluster): reports.RebuildIfMissing.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		role, ok := users.Fields.GetByName("role").(*core.SelectField)
		if !ok {
			return errors.New("users.role is not a select field")
		}
		role.Values = []string{"village_officer", "district_verifier", "province_secretariat", "taskforce_member", "regency_taskforce_member", "agency_officer"}
		if err := app.Save(users); err != nil {
			return err
		}

		areasCol, err := app.FindCollectionByNameOrId("areas")
		if err != nil {
			return err
		}
		acts, err := app.FindCollectionByNameOrId("activities")
		if err != nil {
			return err
		}
		if v, ok := acts.Fields.GetByName("village").(*core.RelationField); ok {
			v.Required = false
		}
		acts.Fields.Add(&core.RelationField{Name: "area", CollectionId: areasCol.Id, MaxSelect: 1})
		acts.Fields.Add(&core.SelectField{Name: "level", Values: []string{"province", "regency", "district", "village"}, MaxSelect: 1})
		acts.AddIndex("idx_activities_area", false, "area, start_date", "")
		if err := app.Save(acts); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery(`UPDATE activities SET area = village, level = 'village' WHERE area = '' AND village != ''`).Execute(); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery(`DELETE FROM report_stats_activities`).Execute(); err != nil {
			return err
		}

		for name, r := range taskForceRules {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = r.List, r.View, r.Create, r.Update, r.Delete
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// taskForceRules are the rules of the collections the new roles reach.
var taskForceRules = map[string]struct{ List, View, Create, Update, Delete *string }{
	"activities": {
		List:   policyRule(`(@request.auth.role = "village_officer" && area = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area) || (@request.auth.role = "agency_officer" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
		View:   policyRule(`(@request.auth.role = "village_officer" && area = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area) || (@request.auth.role = "agency_officer" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
		Create: policyRule(`(@request.auth.role = "village_officer") || (@request.auth.role = "regency_taskforce_member") || (@request.auth.role = "agency_officer")`),
		Update: policyRule(`(@request.auth.role = "village_officer" && area = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area && (level = "village" || level = "district")) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area && @request.auth.cluster != "" && cluster = @request.auth.cluster && (level = "district" || level = "regency")) || (@request.auth.role = "agency_officer" && @request.auth.cluster != "" && cluster = @request.auth.cluster && level = "province")`),
		Delete: policyRule(`(@request.auth.role = "village_officer" && area = @request.auth.area && status = "draft") || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area && @request.auth.cluster != "" && cluster = @request.auth.cluster && (level = "district" || level = "regency") && status = "draft") || (@request.auth.role = "agency_officer" && @request.auth.cluster != "" && cluster = @request.auth.cluster && level = "province" && status = "draft")`),
	},
	"case_aggregates": {
		List:   policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster) || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
		View:   policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster) || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
		Create: policyRule(`(@request.auth.role = "district_verifier") || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "regency_taskforce_member")`),
		Update: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster) || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
		Delete: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster) || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area && @request.auth.cluster != "" && cluster = @request.auth.cluster)`),
	},
	"outreach_logs": {
		List:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		View:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Create: policyRule(`@request.auth.role = "village_officer"`),
		Update: policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Delete: policyRule(`@request.auth.role = "village_officer" && village = @request.auth.area && status = "draft"`),
	},
	"rad_achievements": {
		List:   policyRule(`(@request.auth.role = "district_verifier" && (regency = @request.auth.area || area.level = "province")) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area) || (@request.auth.role = "agency_officer")`),
		View:   policyRule(`(@request.auth.role = "district_verifier" && (regency = @request.auth.area || area.level = "province")) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area) || (@request.auth.role = "agency_officer")`),
		Create: policyRule(`(@request.auth.role = "district_verifier") || (@request.auth.role = "province_secretariat")`),
		Update: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Delete: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
	},
	"village_programs": {
		List:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area) || (@request.auth.role = "agency_officer")`),
		View:   policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area) || (@request.auth.role = "agency_officer")`),
		Create: policyRule(`(@request.auth.role = "village_officer") || (@request.auth.role = "district_verifier") || (@request.auth.role = "province_secretariat")`),
		Update: policyRule(`(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
		Delete: policyRule(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`),
	},
}
