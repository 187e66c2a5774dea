// Package migrations holds Jangkau's hand-written schema migrations. They run
// in `serve`, `migrate up`, the console commands and the tests.
//
// Migrations are frozen: each one holds its schema as literals (names,
// choices, rules, SQL) and imports no package of this module, so that an
// edit of the live code (a new choice in catalog, a changed rule in access)
// cannot make a new database differ from an upgraded one. A released
// migration, and the helpers of this package it uses, is never edited: a
// change is a new migration. frozen_test.go holds this (imports, a
// step-by-step upgrade against a fresh database, testdata/schema.golden).
package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ClientIDPattern is the id format of records phones create offline:
// WatermelonDB's 16 characters and UUIDs both fit.
const ClientIDPattern = `^[A-Za-z0-9_-]+$`

func init() {
	m.Register(createCollections, nil)
}

func float(v float64) *float64 { return &v }

// rules is one collection's set of API rules; nil means superusers only.
type rules struct {
	List, View, Create, Update, Delete *string
}

func ptr(s string) *string { return &s }

func applyRules(c *core.Collection, r rules) {
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
	c.Fields.Add(&core.SelectField{Name: "status", Values: []string{"draft", "submitted", "approved", "returned"}, MaxSelect: 1, Required: true})
	c.Fields.Add(text("review_note", 2000))
	c.Fields.Add(&core.RelationField{Name: "reviewed_by", CollectionId: usersID, MaxSelect: 1})
	c.Fields.Add(&core.DateField{Name: "reviewed_at"})
	c.Fields.Add(&core.DateField{Name: "submitted_at"})
	c.Fields.Add(&core.RelationField{Name: "created_by", CollectionId: usersID, MaxSelect: 1})
	c.Fields.Add(&core.DateField{Name: "client_created_at"})
}

func createCollections(app core.App) error {
	// The choices and API rules as released with this migration (catalog
	// and access at the time); later changes are later migrations.
	var (
		areaLevels             = []string{"province", "regency", "district", "village"}
		areaKinds              = []string{"provinsi", "kabupaten", "kota", "kecamatan", "desa", "kelurahan"}
		roles                  = []string{"village_officer", "district_verifier", "province_secretariat", "taskforce_member"}
		clusters               = []string{"prevention", "health_rehab", "social_rehab", "legal_norms", "law_enforcement", "coordination"}
		radCountingRules       = []string{"activities_count", "sosialisasi_count", "participants_total", "participants_female", "participants_child", "villages_reached_pct", "villages_active_patbm", "outreach_count", "referrals_count"}
		activityModes          = []string{"luring", "daring", "hibrida"}
		activityTypes          = []string{"sosialisasi", "penyuluhan", "pelatihan", "kampanye_kie", "rapat_koordinasi", "penyusunan_perdes", "pembentukan_kelompok", "layanan_informasi_migrasi", "lainnya"}
		programs               = []string{"drppa", "patbm", "desmigratif", "desa_sadar_hukum", "community_watch", "satgas_ppa", "kabupaten_layak_anak", "lainnya"}
		topics                 = []string{"modus_tppo", "migrasi_aman", "hak_pmi", "penipuan_online", "eksploitasi_seksual_anak", "perkawinan_anak", "pekerja_anak", "kdrt_kekerasan", "layanan_pengaduan", "pengasuhan"}
		targetGroups           = []string{"calon_pmi", "keluarga_pmi", "pmi_purna", "anak_remaja", "orang_tua", "perempuan_pkk", "karang_taruna", "tokoh_agama_adat", "perangkat_desa", "guru_sekolah", "umum"}
		participantFields      = []string{"male_child", "female_child", "male_adult", "female_adult", "disabled"}
		methods                = []string{"ceramah", "diskusi", "tanya_jawab", "simulasi", "pemutaran_film", "permainan", "kunjungan_lapangan", "lainnya"}
		fundingSources         = []string{"dana_desa", "apbd_kabkota", "apbd_provinsi", "apbn", "mitra_lsm", "swadaya"}
		outreachTypes          = []string{"home_visit", "migration_service_post", "migrant_consultation", "material_distribution", "departure_return_monitoring", "risky_location_monitoring", "other"}
		riskSignals            = []string{"non_procedural_job_offer", "broker_sponsor", "document_problem", "departure_without_documents", "child_out_of_school_working", "planned_child_marriage", "suspicious_online_recruitment", "other"}
		outreachActions        = []string{"information_given", "referred", "monitored", "none_needed"}
		referralAgencies       = []string{"uptd_ppa", "sapa_129", "disnaker", "bp3mi", "polres_polsek", "dinsos", "puskesmas", "other"}
		villageProgramKinds    = []string{"drppa", "patbm", "desmigratif", "perdes_tppo", "perdes_pmi", "community_watch", "satgas_ppa", "desa_sadar_hukum"}
		villageProgramStatuses = []string{"rintisan", "aktif", "tidak_aktif"}
		periodTypes            = []string{"year", "semester", "quarter", "month"}
		caseSources            = []string{"simfoni_ppa", "uptd_ppa", "polda", "bp3mi", "lpsk", "other"}

		signedIn    = `@request.auth.collectionName = "users"`
		province    = `@request.auth.role = "province_secretariat"`
		villageRead = `(@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "village_officer" && village = @request.auth.area)`
		villageEdit = `(@request.auth.role = "village_officer" && village = @request.auth.area) || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`
		figureRead  = `(@request.auth.role = "province_secretariat") || (@request.auth.role = "taskforce_member") || (@request.auth.role = "district_verifier" && (regency = @request.auth.area || area.level = "province"))`
		manageable  = `(@request.auth.role = "province_secretariat") || (@request.auth.role = "district_verifier" && role = "village_officer" && regency = @request.auth.area)`
		userRead    = `(id = @request.auth.id) || (` + manageable + `)`

		areaRules       = rules{List: ptr(signedIn), View: ptr(signedIn), Update: ptr(province)}
		userRules       = rules{List: ptr(userRead), View: ptr(userRead), Create: ptr(`(@request.auth.role = "province_secretariat") || (@request.auth.role = "district_verifier")`), Update: ptr(userRead)}
		radRules        = rules{List: ptr(signedIn), View: ptr(signedIn), Create: ptr(province), Update: ptr(province), Delete: ptr(province)}
		villageRecord   = rules{List: ptr(villageRead), View: ptr(villageRead), Create: ptr(`@request.auth.role = "village_officer"`), Update: ptr(villageEdit), Delete: ptr(`@request.auth.role = "village_officer" && village = @request.auth.area && status = "draft"`)}
		villageProgram  = rules{List: ptr(villageRead), View: ptr(villageRead), Create: ptr(`(@request.auth.role = "village_officer") || (@request.auth.role = "district_verifier") || (@request.auth.role = "province_secretariat")`), Update: ptr(villageEdit), Delete: ptr(`(@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "province_secretariat")`)}
		caseFigureEdit  = `(@request.auth.role = "province_secretariat") || (@request.auth.role = "district_verifier" && regency = @request.auth.area) || (@request.auth.role = "taskforce_member" && cluster = @request.auth.cluster)`
		caseAggregate   = rules{List: ptr(figureRead), View: ptr(figureRead), Create: ptr(`(@request.auth.role = "province_secretariat") || (@request.auth.role = "district_verifier") || (@request.auth.role = "taskforce_member")`), Update: ptr(caseFigureEdit), Delete: ptr(caseFigureEdit)}
		achievementEdit = `(@request.auth.role = "province_secretariat") || (@request.auth.role = "district_verifier" && regency = @request.auth.area)`
		radAchievement  = rules{List: ptr(figureRead), View: ptr(figureRead), Create: ptr(`(@request.auth.role = "province_secretariat") || (@request.auth.role = "district_verifier")`), Update: ptr(achievementEdit), Delete: ptr(achievementEdit)}
		areaCodePattern = `^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[12][0-9]{3})?)?)?$`
	)

	// Areas: the id is the official code.
	areaCol := core.NewBaseCollection("areas")
	areaCol.Fields.Add(&core.TextField{
		Name: "id", System: true, PrimaryKey: true, Required: true,
		Min: 2, Max: 13, Pattern: areaCodePattern,
	})
	areaCol.Fields.Add(&core.TextField{Name: "name", Required: true, Max: 200, Presentable: true})
	areaCol.Fields.Add(&core.SelectField{Name: "level", Values: areaLevels, MaxSelect: 1, Required: true})
	areaCol.Fields.Add(&core.SelectField{Name: "kind", Values: areaKinds, MaxSelect: 1, Required: true})
	areaCol.Fields.Add(&core.BoolField{Name: "active"})
	areaCol.Fields.Add(text("local_term", 50))
	timestamps(areaCol)
	applyRules(areaCol, areaRules)
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
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	users.Fields.RemoveByName("avatar")
	users.Fields.Add(&core.SelectField{Name: "role", Values: roles, MaxSelect: 1, Required: true})
	users.Fields.Add(&core.RelationField{Name: "area", CollectionId: areaCol.Id, MaxSelect: 1, Required: true})
	users.Fields.Add(&core.RelationField{Name: "regency", CollectionId: areaCol.Id, MaxSelect: 1})
	users.Fields.Add(choice("cluster", clusters, 1))
	users.Fields.Add(text("position", 200))
	users.Fields.Add(text("agency", 200))
	users.Fields.Add(&core.TextField{Name: "phone", Max: 20, Pattern: `^\+?[0-9 -]{6,20}$`})
	users.Fields.Add(&core.BoolField{Name: "deactivated"})
	// created/updated are already present; keep them last in the admin UI.
	applyRules(users, userRules)
	users.ManageRule = ptr(manageable)
	users.AuthRule = ptr(`deactivated = false`)
	users.AddIndex("idx_users_regency_role", false, "regency, role", "")
	if err := app.Save(users); err != nil {
		return err
	}

	// RAD indicators come before activities, which relate to them.
	rad := core.NewBaseCollection("rad_indicators")
	rad.Fields.Add(&core.TextField{Name: "code", Required: true, Max: 40, Presentable: true, Pattern: `^[A-Za-z0-9._-]+$`})
	rad.Fields.Add(&core.TextField{Name: "rad_period", Required: true, Max: 20, Pattern: `^[0-9]{4}-[0-9]{4}$`})
	rad.Fields.Add(&core.SelectField{Name: "cluster", Values: clusters, MaxSelect: 1, Required: true})
	rad.Fields.Add(text("program", 500))
	rad.Fields.Add(text("activity", 500))
	rad.Fields.Add(text("description", 2000))
	rad.Fields.Add(text("unit", 50))
	rad.Fields.Add(&core.SelectField{Name: "level", Values: []string{"province", "regency"}, MaxSelect: 1, Required: true})
	rad.Fields.Add(text("lead_agency", 200))
	rad.Fields.Add(&core.NumberField{Name: "baseline", Min: float(0)})
	rad.Fields.Add(&core.JSONField{Name: "targets", MaxSize: 10000})
	rad.Fields.Add(&core.SelectField{Name: "counting", Values: []string{"auto", "manual"}, MaxSelect: 1, Required: true})
	rad.Fields.Add(choice("auto_rule", radCountingRules, 1))
	rad.Fields.Add(&core.BoolField{Name: "active"})
	timestamps(rad)
	applyRules(rad, radRules)
	rad.AddIndex("idx_rad_indicators_code", true, "rad_period, code", "")
	if err := app.Save(rad); err != nil {
		return err
	}

	// Prevention activities.
	act := core.NewBaseCollection("activities")
	clientID(act)
	villageScoped(act, areaCol.Id)
	act.Fields.Add(&core.TextField{Name: "title", Required: true, Max: 300, Presentable: true})
	act.Fields.Add(&core.DateField{Name: "start_date", Required: true})
	act.Fields.Add(&core.DateField{Name: "end_date"})
	act.Fields.Add(text("venue", 300))
	act.Fields.Add(choice("mode", activityModes, 1))
	act.Fields.Add(&core.SelectField{Name: "type", Values: activityTypes, MaxSelect: 1, Required: true})
	act.Fields.Add(text("type_other", 200))
	act.Fields.Add(choice("programs", programs, len(programs)))
	act.Fields.Add(choice("cluster", clusters, 1))
	act.Fields.Add(&core.RelationField{Name: "rad_indicators", CollectionId: rad.Id, MaxSelect: 20})
	act.Fields.Add(choice("topics", topics, len(topics)))
	act.Fields.Add(choice("target_groups", targetGroups, len(targetGroups)))
	for _, f := range participantFields {
		act.Fields.Add(count(f))
	}
	act.Fields.Add(text("resource_agencies", 1000))
	act.Fields.Add(text("partner_agencies", 1000))
	act.Fields.Add(choice("methods", methods, len(methods)))
	act.Fields.Add(text("materials", 1000))
	act.Fields.Add(count("materials_count"))
	act.Fields.Add(choice("funding_source", fundingSources, 1))
	act.Fields.Add(&core.NumberField{Name: "budget", Min: float(0), Max: float(1e13)})
	act.Fields.Add(text("outcome_summary", 4000))
	act.Fields.Add(text("follow_up_plan", 2000))
	reviewed(act, users.Id)
	timestamps(act)
	applyRules(act, villageRecord)
	act.AddIndex("idx_activities_village", false, "village, start_date", "")
	act.AddIndex("idx_activities_regency_status", false, "regency, status", "")
	if err := app.Save(act); err != nil {
		return err
	}

	// Outreach logs: counts only, never a person.
	out := core.NewBaseCollection("outreach_logs")
	clientID(out)
	villageScoped(out, areaCol.Id)
	out.Fields.Add(&core.DateField{Name: "date", Required: true})
	out.Fields.Add(&core.SelectField{Name: "outreach_type", Values: outreachTypes, MaxSelect: 1, Required: true})
	out.Fields.Add(choice("target_category", targetGroups, 1))
	for _, f := range participantFields {
		out.Fields.Add(count(f))
	}
	out.Fields.Add(choice("topics", topics, len(topics)))
	out.Fields.Add(choice("risk_signals", riskSignals, len(riskSignals)))
	out.Fields.Add(choice("action_taken", outreachActions, 1))
	out.Fields.Add(choice("referred_to", referralAgencies, len(referralAgencies)))
	out.Fields.Add(&core.TextField{Name: "referral_reference", Max: 60})
	out.Fields.Add(&core.DateField{Name: "follow_up_date"})
	out.Fields.Add(text("note", 1000))
	reviewed(out, users.Id)
	timestamps(out)
	applyRules(out, villageRecord)
	out.AddIndex("idx_outreach_logs_village", false, "village, date", "")
	out.AddIndex("idx_outreach_logs_regency_status", false, "regency, status", "")
	if err := app.Save(out); err != nil {
		return err
	}

	// Village programme status: one row per village and programme.
	vp := core.NewBaseCollection("village_programs")
	clientID(vp)
	villageScoped(vp, areaCol.Id)
	vp.Fields.Add(&core.SelectField{Name: "program", Values: villageProgramKinds, MaxSelect: 1, Required: true})
	vp.Fields.Add(&core.SelectField{Name: "status", Values: villageProgramStatuses, MaxSelect: 1, Required: true})
	vp.Fields.Add(text("legal_basis_number", 200))
	vp.Fields.Add(&core.DateField{Name: "legal_basis_date"})
	vp.Fields.Add(&core.JSONField{Name: "drppa_assessment", MaxSize: 5000})
	vp.Fields.Add(text("note", 1000))
	vp.Fields.Add(&core.RelationField{Name: "updated_by", CollectionId: users.Id, MaxSelect: 1})
	timestamps(vp)
	applyRules(vp, villageProgram)
	vp.AddIndex("idx_village_programs_unique", true, "village, program", "")
	vp.AddIndex("idx_village_programs_regency", false, "regency", "")
	if err := app.Save(vp); err != nil {
		return err
	}

	// Aggregate case figures, per regency or province and period only.
	ca := core.NewBaseCollection("case_aggregates")
	ca.Fields.Add(&core.RelationField{Name: "area", CollectionId: areaCol.Id, MaxSelect: 1, Required: true})
	ca.Fields.Add(&core.RelationField{Name: "regency", CollectionId: areaCol.Id, MaxSelect: 1})
	ca.Fields.Add(&core.NumberField{Name: "year", Required: true, OnlyInt: true, Min: float(2000), Max: float(2100)})
	ca.Fields.Add(&core.SelectField{Name: "period_type", Values: periodTypes, MaxSelect: 1, Required: true})
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
	ca.Fields.Add(&core.SelectField{Name: "source", Values: caseSources, MaxSelect: 1, Required: true})
	ca.Fields.Add(text("source_note", 500))
	ca.Fields.Add(choice("cluster", clusters, 1))
	ca.Fields.Add(&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1})
	timestamps(ca)
	applyRules(ca, caseAggregate)
	ca.AddIndex("idx_case_aggregates_period", false, "area, year, period_type, period_index", "")
	if err := app.Save(ca); err != nil {
		return err
	}

	// RAD achievements per indicator, period and area.
	ach := core.NewBaseCollection("rad_achievements")
	ach.Fields.Add(&core.RelationField{Name: "indicator", CollectionId: rad.Id, MaxSelect: 1, Required: true})
	ach.Fields.Add(&core.RelationField{Name: "area", CollectionId: areaCol.Id, MaxSelect: 1, Required: true})
	ach.Fields.Add(&core.RelationField{Name: "regency", CollectionId: areaCol.Id, MaxSelect: 1})
	ach.Fields.Add(&core.NumberField{Name: "year", Required: true, OnlyInt: true, Min: float(2000), Max: float(2100)})
	ach.Fields.Add(&core.SelectField{Name: "period_type", Values: periodTypes, MaxSelect: 1, Required: true})
	ach.Fields.Add(&core.NumberField{Name: "period_index", OnlyInt: true, Min: float(0), Max: float(12)})
	ach.Fields.Add(&core.NumberField{Name: "value", Required: true, Min: float(0)})
	ach.Fields.Add(&core.JSONField{Name: "evidence_links", MaxSize: 5000})
	ach.Fields.Add(text("note", 1000))
	ach.Fields.Add(&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1})
	timestamps(ach)
	applyRules(ach, radAchievement)
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
