// Package migrations holds Jangkau's hand-written schema migrations. They run
// in `serve`, `migrate up`, the console commands and the tests.
package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
)

// ClientIDPattern is the id format of records phones create offline:
// WatermelonDB's 16 characters and UUIDs both fit.
const ClientIDPattern = `^[A-Za-z0-9_-]+$`

func init() {
	m.Register(createCollections, nil)
}

func float(v float64) *float64 { return &v }

func applyRules(c *core.Collection, r access.Rules) {
	c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = r.List, r.View, r.Create, r.Update, r.Delete
}

// clientID replaces a collection's id field with one that accepts ids
// generated on phones.
func clientID(c *core.Collection) {
	c.Fields.Add(&core.TextField{
		Name:                "id",
		System:              true,
		PrimaryKey:          true,
		Required:            true,
		Min:                 15,
		Max:                 36,
		Pattern:             ClientIDPattern,
		AutogeneratePattern: "[a-z0-9]{15}",
	})
}

func timestamps(c *core.Collection) {
	c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
	c.Fields.Add(&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
}

func count(name string) *core.NumberField {
	return &core.NumberField{Name: name, OnlyInt: true, Min: float(0), Max: float(1e7)}
}

func text(name string, max int) *core.TextField { return &core.TextField{Name: name, Max: max} }

func choice(name string, values []string, max int) *core.SelectField {
	return &core.SelectField{Name: name, Values: values, MaxSelect: max}
}

// villageScoped adds the fields every village-level record carries: the
// village the client names, and the district and regency the server derives.
func villageScoped(c *core.Collection, areasID string) {
	c.Fields.Add(&core.RelationField{Name: "village", CollectionId: areasID, MaxSelect: 1, Required: true})
	c.Fields.Add(&core.RelationField{Name: "district", CollectionId: areasID, MaxSelect: 1})
	c.Fields.Add(&core.RelationField{Name: "regency", CollectionId: areasID, MaxSelect: 1})
}

// reviewed adds the status and review fields of records that go through review.
func reviewed(c *core.Collection, usersID string) {
	c.Fields.Add(&core.SelectField{Name: "status", Values: catalog.Statuses, MaxSelect: 1, Required: true})
	c.Fields.Add(text("review_note", 2000))
	c.Fields.Add(&core.RelationField{Name: "reviewed_by", CollectionId: usersID, MaxSelect: 1})
	c.Fields.Add(&core.DateField{Name: "reviewed_at"})
	c.Fields.Add(&core.DateField{Name: "submitted_at"})
	c.Fields.Add(&core.RelationField{Name: "created_by", CollectionId: usersID, MaxSelect: 1})
	c.Fields.Add(&core.DateField{Name: "client_created_at"})
}

func createCollections(app core.App) error {
	// Areas: the id is the official code.
	areaCol := core.NewBaseCollection(catalog.Areas)
	areaCol.Fields.Add(&core.TextField{
		Name: "id", System: true, PrimaryKey: true, Required: true,
		Min: 2, Max: 13, Pattern: areas.CodePattern,
	})
	areaCol.Fields.Add(&core.TextField{Name: "name", Required: true, Max: 200, Presentable: true})
	areaCol.Fields.Add(&core.SelectField{Name: "level", Values: catalog.AreaLevels, MaxSelect: 1, Required: true})
	areaCol.Fields.Add(&core.SelectField{Name: "kind", Values: catalog.AreaKinds, MaxSelect: 1, Required: true})
	areaCol.Fields.Add(&core.BoolField{Name: "active"})
	areaCol.Fields.Add(text("local_term", 50))
	timestamps(areaCol)
	applyRules(areaCol, access.AreaRules)
	if err := app.Save(areaCol); err != nil {
		return err
	}
	// parent is a relation to the collection itself, so it needs the saved id.
	areaCol.Fields.Add(&core.RelationField{Name: "parent", CollectionId: areaCol.Id, MaxSelect: 1})
	areaCol.AddIndex("idx_areas_parent", false, "parent", "")
	areaCol.AddIndex("idx_areas_level", false, "level", "")
	if err := app.Save(areaCol); err != nil {
		return err
	}

	// Users: roles and areas; no public sign-up.
	users, err := app.FindCollectionByNameOrId(catalog.Users)
	if err != nil {
		return err
	}
	users.Fields.RemoveByName("avatar")
	users.Fields.Add(&core.SelectField{Name: "role", Values: catalog.Roles, MaxSelect: 1, Required: true})
	users.Fields.Add(&core.RelationField{Name: "area", CollectionId: areaCol.Id, MaxSelect: 1, Required: true})
	users.Fields.Add(&core.RelationField{Name: "regency", CollectionId: areaCol.Id, MaxSelect: 1})
	users.Fields.Add(choice("cluster", catalog.Clusters, 1))
	users.Fields.Add(text("position", 200))
	users.Fields.Add(text("agency", 200))
	users.Fields.Add(&core.TextField{Name: "phone", Max: 20, Pattern: `^\+?[0-9 -]{6,20}$`})
	users.Fields.Add(&core.BoolField{Name: "deactivated"})
	// created/updated are already present; keep them last in the admin UI.
	applyRules(users, access.UserRules)
	users.ManageRule = &access.UserManageRule
	authRule := access.UserAuthRule
	users.AuthRule = &authRule
	users.AddIndex("idx_users_regency_role", false, "regency, role", "")
	if err := app.Save(users); err != nil {
		return err
	}

	// RAD indicators come before activities, which relate to them.
	rad := core.NewBaseCollection(catalog.RadIndicators)
	rad.Fields.Add(&core.TextField{Name: "code", Required: true, Max: 40, Presentable: true, Pattern: `^[A-Za-z0-9._-]+$`})
	rad.Fields.Add(&core.TextField{Name: "rad_period", Required: true, Max: 20, Pattern: `^[0-9]{4}-[0-9]{4}$`})
	rad.Fields.Add(&core.SelectField{Name: "cluster", Values: catalog.Clusters, MaxSelect: 1, Required: true})
	rad.Fields.Add(text("program", 500))
	rad.Fields.Add(text("activity", 500))
	rad.Fields.Add(text("description", 2000))
	rad.Fields.Add(text("unit", 50))
	rad.Fields.Add(&core.SelectField{Name: "level", Values: []string{catalog.LevelProvince, catalog.LevelRegency}, MaxSelect: 1, Required: true})
	rad.Fields.Add(text("lead_agency", 200))
	rad.Fields.Add(&core.NumberField{Name: "baseline", Min: float(0)})
	rad.Fields.Add(&core.JSONField{Name: "targets", MaxSize: 10000})
	rad.Fields.Add(&core.SelectField{Name: "counting", Values: []string{"auto", "manual"}, MaxSelect: 1, Required: true})
	rad.Fields.Add(choice("auto_rule", catalog.RadCountingRules, 1))
	rad.Fields.Add(&core.BoolField{Name: "active"})
	timestamps(rad)
	applyRules(rad, access.RadIndicatorRules)
	rad.AddIndex("idx_rad_indicators_code", true, "rad_period, code", "")
	if err := app.Save(rad); err != nil {
		return err
	}

	// Prevention activities.
	act := core.NewBaseCollection(catalog.Activities)
	clientID(act)
	villageScoped(act, areaCol.Id)
	act.Fields.Add(&core.TextField{Name: "title", Required: true, Max: 300, Presentable: true})
	act.Fields.Add(&core.DateField{Name: "start_date", Required: true})
	act.Fields.Add(&core.DateField{Name: "end_date"})
	act.Fields.Add(text("venue", 300))
	act.Fields.Add(choice("mode", catalog.ActivityModes, 1))
	act.Fields.Add(&core.SelectField{Name: "type", Values: catalog.ActivityTypes, MaxSelect: 1, Required: true})
	act.Fields.Add(text("type_other", 200))
	act.Fields.Add(choice("programs", catalog.Programs, len(catalog.Programs)))
	act.Fields.Add(choice("cluster", catalog.Clusters, 1))
	act.Fields.Add(&core.RelationField{Name: "rad_indicators", CollectionId: rad.Id, MaxSelect: 20})
	act.Fields.Add(choice("topics", catalog.Topics, len(catalog.Topics)))
	act.Fields.Add(choice("target_groups", catalog.TargetGroups, len(catalog.TargetGroups)))
	for _, f := range catalog.ParticipantFields {
		act.Fields.Add(count(f))
	}
	act.Fields.Add(text("resource_agencies", 1000))
	act.Fields.Add(text("partner_agencies", 1000))
	act.Fields.Add(choice("methods", catalog.Methods, len(catalog.Methods)))
	act.Fields.Add(text("materials", 1000))
	act.Fields.Add(count("materials_count"))
	act.Fields.Add(choice("funding_source", catalog.FundingSources, 1))
	act.Fields.Add(&core.NumberField{Name: "budget", Min: float(0), Max: float(1e13)})
	act.Fields.Add(text("outcome_summary", 4000))
	act.Fields.Add(text("follow_up_plan", 2000))
	reviewed(act, users.Id)
	timestamps(act)
	applyRules(act, access.VillageRecordRules)
	act.AddIndex("idx_activities_village", false, "village, start_date", "")
	act.AddIndex("idx_activities_regency_status", false, "regency, status", "")
	if err := app.Save(act); err != nil {
		return err
	}

	// Outreach logs: counts only, never a person.
	out := core.NewBaseCollection(catalog.OutreachLogs)
	clientID(out)
	villageScoped(out, areaCol.Id)
	out.Fields.Add(&core.DateField{Name: "date", Required: true})
	out.Fields.Add(&core.SelectField{Name: "outreach_type", Values: catalog.OutreachTypes, MaxSelect: 1, Required: true})
	out.Fields.Add(choice("target_category", catalog.TargetGroups, 1))
	for _, f := range catalog.ParticipantFields {
		out.Fields.Add(count(f))
	}
	out.Fields.Add(choice("topics", catalog.Topics, len(catalog.Topics)))
	out.Fields.Add(choice("risk_signals", catalog.RiskSignals, len(catalog.RiskSignals)))
	out.Fields.Add(choice("action_taken", catalog.OutreachActions, 1))
	out.Fields.Add(choice("referred_to", catalog.ReferralAgencies, len(catalog.ReferralAgencies)))
	out.Fields.Add(&core.TextField{Name: "referral_reference", Max: 60})
	out.Fields.Add(&core.DateField{Name: "follow_up_date"})
	out.Fields.Add(text("note", 1000))
	reviewed(out, users.Id)
	timestamps(out)
	applyRules(out, access.VillageRecordRules)
	out.AddIndex("idx_outreach_logs_village", false, "village, date", "")
	out.AddIndex("idx_outreach_logs_regency_status", false, "regency, status", "")
	if err := app.Save(out); err != nil {
		return err
	}

	// Village programme status: one row per village and programme.
	vp := core.NewBaseCollection(catalog.VillagePrograms)
	clientID(vp)
	villageScoped(vp, areaCol.Id)
	vp.Fields.Add(&core.SelectField{Name: "program", Values: catalog.VillageProgramKinds, MaxSelect: 1, Required: true})
	vp.Fields.Add(&core.SelectField{Name: "status", Values: catalog.VillageProgramStatuses, MaxSelect: 1, Required: true})
	vp.Fields.Add(text("legal_basis_number", 200))
	vp.Fields.Add(&core.DateField{Name: "legal_basis_date"})
	vp.Fields.Add(&core.JSONField{Name: "drppa_assessment", MaxSize: 5000})
	vp.Fields.Add(text("note", 1000))
	vp.Fields.Add(&core.RelationField{Name: "updated_by", CollectionId: users.Id, MaxSelect: 1})
	timestamps(vp)
	applyRules(vp, access.VillageProgramRules)
	vp.AddIndex("idx_village_programs_unique", true, "village, program", "")
	vp.AddIndex("idx_village_programs_regency", false, "regency", "")
	if err := app.Save(vp); err != nil {
		return err
	}

	// Aggregate case figures, per regency or province and period only.
	ca := core.NewBaseCollection(catalog.CaseAggregates)
	ca.Fields.Add(&core.RelationField{Name: "area", CollectionId: areaCol.Id, MaxSelect: 1, Required: true})
	ca.Fields.Add(&core.RelationField{Name: "regency", CollectionId: areaCol.Id, MaxSelect: 1})
	ca.Fields.Add(&core.NumberField{Name: "year", Required: true, OnlyInt: true, Min: float(2000), Max: float(2100)})
	ca.Fields.Add(&core.SelectField{Name: "period_type", Values: catalog.PeriodTypes, MaxSelect: 1, Required: true})
	ca.Fields.Add(&core.NumberField{Name: "period_index", OnlyInt: true, Min: float(0), Max: float(12)})
	ca.Fields.Add(count("case_count"))
	ca.Fields.Add(count("victims_female_child"))
	ca.Fields.Add(count("victims_male_child"))
	ca.Fields.Add(count("victims_female_adult"))
	ca.Fields.Add(count("victims_male_adult"))
	ca.Fields.Add(&core.JSONField{Name: "exploitation_types", MaxSize: 5000})
	ca.Fields.Add(&core.JSONField{Name: "services", MaxSize: 5000})
	ca.Fields.Add(count("cases_served"))
	ca.Fields.Add(&core.SelectField{Name: "figure_status", Values: []string{"provisional", "final"}, MaxSelect: 1, Required: true})
	ca.Fields.Add(&core.SelectField{Name: "source", Values: catalog.CaseSources, MaxSelect: 1, Required: true})
	ca.Fields.Add(text("source_note", 500))
	ca.Fields.Add(choice("cluster", catalog.Clusters, 1))
	ca.Fields.Add(&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1})
	timestamps(ca)
	applyRules(ca, access.CaseAggregateRules)
	ca.AddIndex("idx_case_aggregates_period", false, "area, year, period_type, period_index", "")
	if err := app.Save(ca); err != nil {
		return err
	}

	// RAD achievements per indicator, period and area.
	ach := core.NewBaseCollection(catalog.RadAchievements)
	ach.Fields.Add(&core.RelationField{Name: "indicator", CollectionId: rad.Id, MaxSelect: 1, Required: true})
	ach.Fields.Add(&core.RelationField{Name: "area", CollectionId: areaCol.Id, MaxSelect: 1, Required: true})
	ach.Fields.Add(&core.RelationField{Name: "regency", CollectionId: areaCol.Id, MaxSelect: 1})
	ach.Fields.Add(&core.NumberField{Name: "year", Required: true, OnlyInt: true, Min: float(2000), Max: float(2100)})
	ach.Fields.Add(&core.SelectField{Name: "period_type", Values: catalog.PeriodTypes, MaxSelect: 1, Required: true})
	ach.Fields.Add(&core.NumberField{Name: "period_index", OnlyInt: true, Min: float(0), Max: float(12)})
	ach.Fields.Add(&core.NumberField{Name: "value", Required: true, Min: float(0)})
	ach.Fields.Add(&core.JSONField{Name: "evidence_links", MaxSize: 5000})
	ach.Fields.Add(text("note", 1000))
	ach.Fields.Add(&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1})
	timestamps(ach)
	applyRules(ach, access.RadAchievementRules)
	ach.AddIndex("idx_rad_achievements_period", false, "indicator, area, year", "")
	if err := app.Save(ach); err != nil {
		return err
	}

	// Batch requests follow the same rules and hooks as REST; phones and the
	// web app use them for small multi-record saves.
	settings := app.Settings()
	settings.Batch.Enabled = true
	settings.Batch.MaxRequests = 50
	settings.Batch.Timeout = 10
	settings.Meta.AppName = "Jangkau"
	return app.Save(settings)
}
