package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Raw case figures are read only by who keeps them (access.CaseAggregateRules):
// a verifier no longer reads the province's totals nor a task-force member
// other clusters' records, and a task-force member without a cluster no
// longer matches records without one. The rules are written out as they
// stood at this migration, so that it does the same whatever access/ says
// later.
const (
	caseKeeperRule = `(@request.auth.role = "province_secretariat") || ` +
		`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || ` +
		`(@request.auth.role = "taskforce_member" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`
	caseReadRuleBefore = `(@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || ` +
		`(@request.auth.role = "district_verifier" && (regency = @request.auth.area || area.level = "province"))`
	caseWriteRuleBefore = `(@request.auth.role = "province_secretariat") || ` +
		`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || ` +
		`(@request.auth.role = "taskforce_member" && cluster = @request.auth.cluster)`
)

func init() {
	m.Register(func(app core.App) error {
		return setCaseRules(app, caseKeeperRule, caseKeeperRule)
	}, func(app core.App) error {
		return setCaseRules(app, caseReadRuleBefore, caseWriteRuleBefore)
	})
}

func setCaseRules(app core.App, read, write string) error {
	c, err := app.FindCollectionByNameOrId("case_aggregates")
	if err != nil {
		return err
	}
	c.ListRule, c.ViewRule, c.UpdateRule, c.DeleteRule = &read, &read, &write, &write
	return app.Save(c)
}
