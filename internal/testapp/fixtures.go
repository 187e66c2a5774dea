package testapp

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// Areas used by the fixtures.
const (
	VillageA  = "18.01.04.2001" // Hajimena, Natar, Lampung Selatan
	VillageA2 = "18.01.04.2011" // Branti Raya, Natar, Lampung Selatan
	VillageB  = "18.02.01.2001" // Sri Way Langsep, Kalirejo, Lampung Tengah
	RegencyA  = "18.01"
	RegencyB  = "18.02"
	DistrictA = "18.01.04"
	Province  = "18"
	Password  = "test-password-123"
)

// Accounts of the fixtures, by email.
const (
	OfficerA       = "officer.a@test.jangkau.id"
	OfficerA2      = "officer.a2@test.jangkau.id"
	OfficerB       = "officer.b@test.jangkau.id"
	VerifierA      = "verifier.a@test.jangkau.id"
	VerifierB      = "verifier.b@test.jangkau.id"
	Secretariat    = "secretariat@test.jangkau.id"
	Taskforce      = "taskforce@test.jangkau.id"
	RegencyMemberA = "gt.regency.a@test.jangkau.id" // regency task force of regency A, law enforcement
	AgencyOfficer  = "agency@test.jangkau.id"       // province agency, prevention
	SuperuserEmail = "root@test.jangkau.id"
)

// FixtureUsers lists every fixture account with its role and area.
var FixtureUsers = []struct{ Email, Role, Area, Cluster string }{
	{OfficerA, catalog.RoleVillageOfficer, VillageA, ""},
	{OfficerA2, catalog.RoleVillageOfficer, VillageA2, ""},
	{OfficerB, catalog.RoleVillageOfficer, VillageB, ""},
	{VerifierA, catalog.RoleDistrictVerifier, RegencyA, ""},
	{VerifierB, catalog.RoleDistrictVerifier, RegencyB, ""},
	{Secretariat, catalog.RoleProvinceSecretariat, Province, ""},
	{Taskforce, catalog.RoleTaskforceMember, Province, "law_enforcement"},
	{RegencyMemberA, catalog.RoleRegencyTaskforce, RegencyA, "law_enforcement"},
	{AgencyOfficer, catalog.RoleAgencyOfficer, Province, "prevention"},
}

// Fixture record ids: one record per collection in village/regency A and B.
const (
	ActivityA     = "actvillageA0001"
	ActivityB     = "actvillageB0001"
	OutreachA     = "outvillageA0001"
	OutreachB     = "outvillageB0001"
	ProgramA      = "prgvillageA0001"
	ProgramB      = "prgvillageB0001"
	CaseA         = "caseregencya001"
	CaseB         = "caseregencyb001"
	CaseProvince  = "caseprovince001"
	IndicatorID   = "radindicator001"
	IndicatorFree = "radindicator002" // referenced by nothing, so it can be deleted
	AchievementA  = "achregencya0001"
	AchievementB  = "achregencyb0001"
)

// UserID returns the fixed id of a fixture account.
func UserID(email string) string {
	for i, u := range FixtureUsers {
		if u.Email == email {
			return fmt.Sprintf("user%011d", i+1)
		}
	}
	return ""
}

func seedFixtures(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		su := core.NewRecord(mustCollection(tx, core.CollectionNameSuperusers))
		su.SetEmail(SuperuserEmail)
		su.SetPassword(Password)
		if err := tx.Save(su); err != nil {
			return err
		}
		users := mustCollection(tx, catalog.Users)
		for _, u := range FixtureUsers {
			r := core.NewRecord(users)
			r.Id = UserID(u.Email)
			r.SetEmail(u.Email)
			r.SetPassword(Password)
			r.SetVerified(true)
			r.Set("name", u.Email)
			r.Set("role", u.Role)
			r.Set("area", u.Area)
			r.Set("cluster", u.Cluster)
			if err := tx.Save(r); err != nil {
				return fmt.Errorf("user %s: %w", u.Email, err)
			}
		}
		save := func(col, id string, fields map[string]any) error {
			r := core.NewRecord(mustCollection(tx, col))
			r.Id = id
			for k, v := range fields {
				r.Set(k, v)
			}
			if err := tx.Save(r); err != nil {
				return fmt.Errorf("%s %s: %w", col, id, err)
			}
			return nil
		}
		steps := []struct {
			col, id string
			fields  map[string]any
		}{
			{catalog.RadIndicators, IndicatorID, map[string]any{"code": "P.1.1", "rad_period": "2022-2026", "cluster": "prevention",
				"level": "regency", "counting": "auto", "auto_rule": "sosialisasi_count", "unit": "kegiatan", "active": true,
				"targets": map[string]any{"2025": 10, "2026": 12}}},
			{catalog.RadIndicators, IndicatorFree, map[string]any{"code": "K.6.1", "rad_period": "2022-2026", "cluster": "coordination",
				"level": "province", "counting": "manual", "unit": "dokumen", "active": true}},
			{catalog.Activities, ActivityA, activity(VillageA, UserID(OfficerA))},
			{catalog.Activities, ActivityB, activity(VillageB, UserID(OfficerB))},
			{catalog.OutreachLogs, OutreachA, outreach(VillageA, UserID(OfficerA))},
			{catalog.OutreachLogs, OutreachB, outreach(VillageB, UserID(OfficerB))},
			{catalog.VillagePrograms, ProgramA, map[string]any{"village": VillageA, "program": "patbm", "status": "aktif"}},
			{catalog.VillagePrograms, ProgramB, map[string]any{"village": VillageB, "program": "patbm", "status": "rintisan"}},
			{catalog.CaseAggregates, CaseA, caseFigure(RegencyA, "law_enforcement")},
			{catalog.CaseAggregates, CaseB, caseFigure(RegencyB, "social_rehab")},
			{catalog.CaseAggregates, CaseProvince, caseFigure(Province, "law_enforcement")},
			{catalog.RadAchievements, AchievementA, map[string]any{"indicator": IndicatorID, "area": RegencyA, "year": 2025, "period_type": "year", "value": 4}},
			{catalog.RadAchievements, AchievementB, map[string]any{"indicator": IndicatorID, "area": RegencyB, "year": 2025, "period_type": "year", "value": 7}},
		}
		for _, s := range steps {
			if err := save(s.col, s.id, s.fields); err != nil {
				return err
			}
		}
		return nil
	})
}

func mustCollection(app core.App, name string) *core.Collection {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		panic(err)
	}
	return c
}

// Activity returns the fields of a valid draft activity in village.
func Activity(village string) map[string]any {
	return map[string]any{
		"village": village, "title": "Sosialisasi migrasi aman", "start_date": "2025-03-10 08:00:00.000Z",
		"type": "sosialisasi", "mode": "luring", "venue": "Balai desa", "topics": []string{"migrasi_aman", "modus_tppo"},
		"target_groups": []string{"calon_pmi", "orang_tua"}, "male_child": 3, "female_child": 4, "male_adult": 10,
		"female_adult": 12, "status": catalog.StatusDraft, "funding_source": "dana_desa", "budget": 1500000,
	}
}

func activity(village, by string) map[string]any {
	f := Activity(village)
	f["created_by"] = by
	return f
}

// Outreach returns the fields of a valid draft outreach log in village.
func Outreach(village string) map[string]any {
	return map[string]any{
		"village": village, "date": "2025-04-02 00:00:00.000Z", "outreach_type": "migration_service_post",
		"target_category": "calon_pmi", "male_adult": 2, "female_adult": 1, "risk_signals": []string{"broker_sponsor"},
		"action_taken": "referred", "referred_to": []string{"bp3mi"}, "referral_reference": "BP3MI-LPG-2025-0042",
		"status": catalog.StatusDraft,
	}
}

func outreach(village, by string) map[string]any {
	f := Outreach(village)
	f["created_by"] = by
	return f
}

// CaseFigure returns the fields of a valid case figure for area.
func CaseFigure(area, cluster string) map[string]any {
	return caseFigure(area, cluster)
}

func caseFigure(area, cluster string) map[string]any {
	return map[string]any{
		"area": area, "year": 2024, "period_type": "year", "case_count": 3, "victims_total": 3,
		"victims_by_sex": map[string]any{"female": 3}, "victims_by_age": map[string]any{"age_13_17": 2, "age_25_44": 1},
		"victims_disabled": 1, "victims_repatriated": 2, "cases_by_scope": map[string]any{"cross_border": 2, "domestic": 1},
		"cases_by_law": map[string]any{"tppo": 3}, "cases_by_stage": map[string]any{"penyidikan": 1, "putusan": 2},
		"police_reports": 3, "suspects": 4, "restitution_requested": 2, "restitution_granted": 1,
		"cases_served": 3, "figure_status": "final", "source": "simfoni_ppa", "cluster": cluster,
		"exploitation_types": map[string]any{"sexual_exploitation": 2, "forced_labour": 1},
		"services":           map[string]any{"pengaduan": 3, "rehabilitasi_sosial": 2},
	}
}

// LevelActivity returns the fields of a valid draft activity recorded at
// area (a district, a regency or the province) for cluster.
func LevelActivity(area, cluster string) map[string]any {
	f := Activity("")
	delete(f, "village")
	f["area"] = area
	f["cluster"] = cluster
	f["title"] = "Rapat koordinasi gugus tugas"
	f["type"] = "rapat_koordinasi"
	f["venue"] = "Aula kantor"
	f["funding_source"] = "apbd_kabkota"
	return f
}
