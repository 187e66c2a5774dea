package reports_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	neturl "net/url"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/reports"
	"jangkau/vocab"
)

// ruleStore is the small store the rules are computed on by hand. Besides
// these, the shared fixtures hold draft activities and outreach logs (never
// counted) and two PATBM programmes: VillageA aktif, VillageB rintisan.
//
// Activities of 2025, approved:
//
//	a1 VillageA  (18.01) sosialisasi        topics modus_tppo, migrasi_aman  groups orang_tua              programs drppa
//	   cluster prevention  funding dana_desa     methods ceramah          mc 1 fc 2 ma 3 fa 4   budget 1,000
//	a2 VillageA2 (18.01) penyuluhan         topics modus_tppo                groups anak_remaja            programs patbm
//	   cluster prevention  funding apbd_kabkota  methods diskusi          mc 0 fc 5 ma 0 fa 5   budget 2,000
//	a3 VillageB  (18.02) sosialisasi        topics perkawinan_anak           groups orang_tua, anak_remaja
//	   cluster health_rehab funding dana_desa    methods ceramah, diskusi mc 2 fc 2             budget 500
//	a4 regency 18.01 (own level) rapat_koordinasi  topics modus_tppo  cluster coordination  ma 10 fa 2  budget 4,000
//
// Not counted: a5 (VillageA, sosialisasi, submitted, 100 boys) and a6
// (VillageA, sosialisasi, approved, December 2024, 50 women).
//
// Outreach logs of 2025, approved:
//
//	o1 VillageA  home_visit              calon_pmi     topics migrasi_aman  risk broker_sponsor     action referred
//	   referred_to bp3mi, uptd_ppa   ma 2 fa 1
//	o2 VillageA2 home_visit              keluarga_pmi  no risk             action information_given            fa 4
//	o3 VillageB  migration_service_post  calon_pmi     risk document_problem  action monitored  referred_to dinsos  mc 1 ma 1
//
// Not counted: o4 (VillageB, home_visit, submitted, referred to bp3mi).
//
// Village programmes: VillageA2 drppa aktif, VillageB drppa aktif, VillageA
// drppa rintisan (and the shared PATBMs).
func ruleStore(t *testing.T) *tt.Server {
	t.Helper()
	srv := tt.NewServer(t)
	heldSince2024(t, srv)
	acts := []map[string]any{
		{"id": "actrule00000001", "village": tt.VillageA, "start_date": "2025-02-10 03:00:00.000Z", "type": "sosialisasi",
			"topics": []string{"modus_tppo", "migrasi_aman"}, "target_groups": []string{"orang_tua"}, "programs": []string{"drppa"}, "cluster": "prevention",
			"funding_source": "dana_desa", "methods": []string{"ceramah"}, "male_child": 1, "female_child": 2, "male_adult": 3, "female_adult": 4, "budget": 1000},
		{"id": "actrule00000002", "village": tt.VillageA2, "start_date": "2025-03-10 03:00:00.000Z", "type": "penyuluhan",
			"topics": []string{"modus_tppo"}, "target_groups": []string{"anak_remaja"}, "programs": []string{"patbm"}, "cluster": "prevention",
			"funding_source": "apbd_kabkota", "methods": []string{"diskusi"}, "female_child": 5, "female_adult": 5, "budget": 2000},
		{"id": "actrule00000003", "village": tt.VillageB, "start_date": "2025-06-10 03:00:00.000Z", "type": "sosialisasi",
			"topics": []string{"perkawinan_anak"}, "target_groups": []string{"orang_tua", "anak_remaja"}, "cluster": "health_rehab",
			"funding_source": "dana_desa", "methods": []string{"ceramah", "diskusi"}, "male_child": 2, "female_child": 2, "budget": 500},
		{"id": "actrule00000005", "village": tt.VillageA, "start_date": "2025-07-10 03:00:00.000Z", "type": "sosialisasi",
			"topics": []string{"modus_tppo"}, "male_child": 100, "status": "submitted"},
		{"id": "actrule00000006", "village": tt.VillageA, "start_date": "2024-12-01 03:00:00.000Z", "type": "sosialisasi", "female_adult": 50},
	}
	for _, a := range acts {
		if a["status"] == nil {
			a["status"] = "approved"
		}
		a["title"] = "Kegiatan " + a["id"].(string)
		saveRecord(t, srv, catalog.Activities, a)
	}
	a4 := tt.LevelActivity(tt.RegencyA, "coordination")
	for k, v := range map[string]any{"id": "actrule00000004", "start_date": "2025-04-01 03:00:00.000Z", "type": "rapat_koordinasi",
		"topics": []string{"modus_tppo"}, "male_adult": 10, "female_adult": 2, "budget": 4000, "status": "approved",
		"male_child": 0, "female_child": 0, "funding_source": "", "programs": []string{}, "target_groups": []string{}, "methods": []string{}} {
		a4[k] = v
	}
	saveRecord(t, srv, catalog.Activities, a4)
	logs := []map[string]any{
		{"id": "outrule00000001", "village": tt.VillageA, "date": "2025-02-01 03:00:00.000Z", "outreach_type": "home_visit", "target_category": "calon_pmi",
			"topics": []string{"migrasi_aman"}, "risk_signals": []string{"broker_sponsor"}, "action_taken": "referred", "referred_to": []string{"bp3mi", "uptd_ppa"},
			"male_adult": 2, "female_adult": 1},
		{"id": "outrule00000002", "village": tt.VillageA2, "date": "2025-05-01 03:00:00.000Z", "outreach_type": "home_visit", "target_category": "keluarga_pmi",
			"action_taken": "information_given", "female_adult": 4},
		{"id": "outrule00000003", "village": tt.VillageB, "date": "2025-07-01 03:00:00.000Z", "outreach_type": "migration_service_post", "target_category": "calon_pmi",
			"risk_signals": []string{"document_problem"}, "action_taken": "monitored", "referred_to": []string{"dinsos"}, "male_child": 1, "male_adult": 1},
		{"id": "outrule00000004", "village": tt.VillageB, "date": "2025-08-01 03:00:00.000Z", "outreach_type": "home_visit", "target_category": "umum",
			"action_taken": "referred", "referred_to": []string{"bp3mi"}, "male_adult": 7, "status": "submitted"},
	}
	for _, o := range logs {
		if o["status"] == nil {
			o["status"] = "approved"
		}
		saveRecord(t, srv, catalog.OutreachLogs, o)
	}
	for _, p := range []map[string]any{
		{"id": "prgrule00000001", "village": tt.VillageA2, "program": "drppa", "status": "aktif", "valid_from": "2024-01-01 00:00:00.000Z"},
		{"id": "prgrule00000002", "village": tt.VillageB, "program": "drppa", "status": "aktif", "valid_from": "2024-01-01 00:00:00.000Z"},
		{"id": "prgrule00000003", "village": tt.VillageA, "program": "drppa", "status": "rintisan", "valid_from": "2024-01-01 00:00:00.000Z"},
		// ended before 2025: counts in no 2025 rule (the programmes report's state of the year)
		{"id": "prgrule00000004", "village": tt.VillageA2, "program": "patbm", "status": "aktif", "valid_from": "2023-01-01 00:00:00.000Z", "valid_to": "2024-12-31 00:00:00.000Z"},
	} {
		saveRecord(t, srv, catalog.VillagePrograms, p)
	}
	return srv
}

func ruleURL(rule string, query string) string {
	return "/api/reports/rad/preview?rule=" + neturl.QueryEscape(rule) + "&" + query
}

// villagesOf counts the villages of an area in the store's directory (the
// denominator of the shares: every village is active here).
func villagesOf(t *testing.T, srv *tt.Server, area string) int {
	var n int
	if err := srv.App.DB().NewQuery(`SELECT COUNT(*) FROM areas WHERE level = 'village' AND active = TRUE AND id LIKE {:p}`).
		Bind(map[string]any{"p": area + ".%"}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func share(hit, of int) float64 { return math.Round(float64(hit)*1000/float64(of)) / 10 }

// Every filter and every measure, each against a value worked out by hand
// from ruleStore (comments there): the province's total, the two
// regencies, and the way it was computed (the stats tables when one
// dimension answers, else the records).
func TestRulesByHand(t *testing.T) {
	t.Parallel()
	srv := ruleStore(t)
	va, vb, vp := villagesOf(t, srv, tt.RegencyA), villagesOf(t, srv, tt.RegencyB), villagesOf(t, srv, tt.Province)
	cases := []struct {
		what, rule        string
		total, regA, regB float64
		path              string
	}{
		{"activities: records", `{"source":"activities","measure":"records"}`, 4, 3, 1, reports.RulePathStats},
		{"levels village: participants (a1 10, a2 10, a3 4)", `{"source":"activities","measure":"participants","filters":{"levels":["village"]}}`, 24, 20, 4, reports.RulePathStats},
		{"levels regency: records (a4)", `{"source":"activities","measure":"records","filters":{"levels":["regency"]}}`, 1, 1, 0, reports.RulePathStats},
		{"types sosialisasi: women and girls (a1 6, a3 2)", `{"source":"activities","measure":"participants_female","filters":{"types":["sosialisasi"]}}`, 8, 6, 2, reports.RulePathStats},
		{"types two of them: records (a1, a2, a3)", `{"source":"activities","measure":"records","filters":{"types":["sosialisasi","penyuluhan"]}}`, 3, 2, 1, reports.RulePathStats},
		{"topics modus_tppo: budget (a1, a2, a4)", `{"source":"activities","measure":"budget","filters":{"topics":["modus_tppo"]}}`, 7000, 7000, 0, reports.RulePathStats},
		{"topics modus_tppo and clusters prevention: records (a1, a2)", `{"source":"activities","measure":"records","filters":{"topics":["modus_tppo"],"clusters":["prevention"]}}`, 2, 2, 0, reports.RulePathRecords},
		{"topics two of them: records, each once (a1, a2, a3, a4)", `{"source":"activities","measure":"records","filters":{"topics":["modus_tppo","perkawinan_anak"]}}`, 4, 3, 1, reports.RulePathRecords},
		{"target_groups orang_tua: children (a1 3, a3 4)", `{"source":"activities","measure":"participants_child","filters":{"target_groups":["orang_tua"]}}`, 7, 3, 4, reports.RulePathRecords},
		{"programs drppa or patbm: budget (a1, a2)", `{"source":"activities","measure":"budget","filters":{"programs":["drppa","patbm"]}}`, 3000, 3000, 0, reports.RulePathRecords},
		{"clusters coordination: participants (a4)", `{"source":"activities","measure":"participants","filters":{"clusters":["coordination"]}}`, 12, 12, 0, reports.RulePathStats},
		{"funding dana_desa and methods diskusi: records (a3)", `{"source":"activities","measure":"records","filters":{"funding_sources":["dana_desa"],"methods":["diskusi"]}}`, 1, 0, 1, reports.RulePathRecords},
		{"types sosialisasi: villages reached (A, B)", `{"source":"activities","measure":"villages_reached","filters":{"types":["sosialisasi"]}}`, 2, 1, 1, reports.RulePathRecords},
		{"activities: villages reached (A, A2, B)", `{"source":"activities","measure":"villages_reached"}`, 3, 2, 1, reports.RulePathStats},
		{"activities: % villages reached", `{"source":"activities","measure":"villages_reached_pct"}`, share(3, vp), share(2, va), share(1, vb), reports.RulePathStats},
		{"outreach: records", `{"source":"outreach","measure":"records"}`, 3, 2, 1, reports.RulePathStats},
		{"outreach types home_visit: participants (o1 3, o2 4)", `{"source":"outreach","measure":"participants","filters":{"types":["home_visit"]}}`, 7, 7, 0, reports.RulePathStats},
		{"outreach topics migrasi_aman: % villages reached (A)", `{"source":"outreach","measure":"villages_reached_pct","filters":{"topics":["migrasi_aman"]}}`, share(1, vp), share(1, va), 0, reports.RulePathRecords},
		{"outreach target_groups keluarga_pmi: records (o2)", `{"source":"outreach","measure":"records","filters":{"target_groups":["keluarga_pmi"]}}`, 1, 1, 0, reports.RulePathStats},
		{"outreach risk_signals two: participants (o1 3, o3 2)", `{"source":"outreach","measure":"participants","filters":{"risk_signals":["broker_sponsor","document_problem"]}}`, 5, 3, 2, reports.RulePathRecords},
		{"outreach actions information_given: records (o2)", `{"source":"outreach","measure":"records","filters":{"actions":["information_given"]}}`, 1, 1, 0, reports.RulePathStats},
		{"outreach agencies bp3mi: records (o1; o4 is submitted)", `{"source":"outreach","measure":"records","filters":{"agencies":["bp3mi"]}}`, 1, 1, 0, reports.RulePathStats},
		{"outreach flags referred: records (o1 by action, o3 by agency)", `{"source":"outreach","measure":"records","filters":{"flags":["referred"]}}`, 2, 1, 1, reports.RulePathStats},
		{"outreach flags risk and calon_pmi: children (o3 1)", `{"source":"outreach","measure":"participants_child","filters":{"flags":["risk"],"target_groups":["calon_pmi"]}}`, 1, 0, 1, reports.RulePathRecords},
		{"outreach: distinct agencies (bp3mi, uptd_ppa, dinsos)", `{"source":"outreach","measure":"agencies"}`, 3, 2, 1, reports.RulePathStats},
		{"outreach home_visit: distinct agencies (bp3mi, uptd_ppa)", `{"source":"outreach","measure":"agencies","filters":{"types":["home_visit"]}}`, 2, 2, 0, reports.RulePathRecords},
		{"outreach: women and girls (o1 1, o2 4)", `{"source":"outreach","measure":"participants_female"}`, 5, 5, 0, reports.RulePathStats},
		{"programmes drppa aktif: villages (A2, B)", `{"source":"programmes","measure":"villages","filters":{"program_kinds":["drppa"],"program_statuses":["aktif"]}}`, 2, 1, 1, reports.RulePathRecords},
		{"programmes patbm, any status: % villages (A, B)", `{"source":"programmes","measure":"villages_pct","filters":{"program_kinds":["patbm"]}}`, share(2, vp), share(1, va), share(1, vb), reports.RulePathRecords},
	}
	for _, c := range cases {
		for _, engine := range []string{"", "&engine=raw"} {
			var p reports.RulePreview
			get(t, srv, tt.Secretariat, ruleURL(c.rule, "year=2025"+engine), &p)
			byArea := map[string]float64{}
			for _, r := range p.Regencies {
				byArea[r.Area.Code] = r.Value
			}
			got := fmt.Sprintf("%v / %v / %v via %s", p.Total.Value, byArea[tt.RegencyA], byArea[tt.RegencyB], p.Path)
			want := fmt.Sprintf("%v / %v / %v via %s", c.total, c.regA, c.regB, c.path)
			if got != want {
				t.Errorf("%s%s: got %s, want %s", c.what, engine, got, want)
			}
		}
	}
	// A regency's own view: its figures only, every record of the regency.
	var p reports.RulePreview
	get(t, srv, tt.VerifierA, ruleURL(`{"source":"activities","measure":"records"}`, "year=2025"), &p)
	eq(t, "verifier A: records", p.Total.Value, 3.0)
	eq(t, "verifier A: area", p.Total.Area.Code, tt.RegencyA)
	eq(t, "verifier A: no regency rows", len(p.Regencies), 0)
	get(t, srv, tt.VerifierA, ruleURL(`{"source":"activities","measure":"records","filters":{"topics":["modus_tppo"],"clusters":["prevention"]}}`, "year=2025&area="+tt.DistrictA), &p)
	eq(t, "verifier A, asked for a district: the regency's value", fmt.Sprint(p.Total.Area.Code, " ", p.Total.Value), tt.RegencyA+" 2")
	// Another year: a6 alone (December 2024, WIB).
	get(t, srv, tt.Secretariat, ruleURL(`{"source":"activities","measure":"participants_female","filters":{"types":["sosialisasi"],"levels":["village"]}}`, "year=2024"), &p)
	eq(t, "2024", p.Total.Value, 50.0)
	// The PATBM of A2 that ended on 31 December 2024 counts in 2024 (A, B and A2), not in 2025 (above: A, B).
	get(t, srv, tt.Secretariat, ruleURL(`{"source":"programmes","measure":"villages","filters":{"program_kinds":["patbm"]}}`, "year=2024"), &p)
	eq(t, "patbm villages 2024", p.Total.Value, 3.0)
	get(t, srv, tt.Secretariat, ruleURL(`{"source":"programmes","measure":"villages","filters":{"program_kinds":["patbm"]}}`, "year=2025"), &p)
	eq(t, "patbm villages 2025", p.Total.Value, 2.0)
}

// In report 3, an indicator with a rule where lower is better: records of
// sosialisasi in 2025 (a1, a3: 2) against a province target of 1: over the
// target by more than a third, red; a regency-level indicator with the
// same rule shows each regency's value (18.01: 1, 18.02: 1).
func TestRuleInTheRadReport(t *testing.T) {
	t.Parallel()
	srv := ruleStore(t)
	rule := map[string]any{"source": "activities", "measure": "records", "filters": map[string]any{"types": []string{"sosialisasi"}, "levels": []string{"village"}}}
	saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": "radrulelower001", "code": "R.1", "rad_period": "2022-2026", "cluster": "prevention",
		"level": "province", "counting": "auto", "rule": rule, "direction": "lower", "unit": "kegiatan", "active": true, "targets": map[string]any{"2025": 1}})
	saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": "radrulereg00001", "code": "R.2", "rad_period": "2022-2026", "cluster": "prevention",
		"level": "regency", "counting": "auto", "rule": rule, "unit": "kegiatan", "active": true, "targets": map[string]any{"2025": 1}})
	var r reports.RadReport
	get(t, srv, tt.Secretariat, url("rad", "year=2025"), &r)
	found := 0
	for _, c := range r.Clusters {
		for _, i := range c.Indicators {
			switch i.Code {
			case "R.1":
				found++
				eq(t, "R.1 achieved", valueOf(i.Total.Achieved), any(2.0))
				eq(t, "R.1 light (lower is better)", i.Total.Light, reports.LightRed)
				eq(t, "R.1 auto_rule (no counting rule of the first engine)", i.AutoRule, "")
				if i.Rule == nil || i.Rule.Filters["types"][0] != "sosialisasi" {
					t.Errorf("R.1 rule: %+v", i.Rule)
				}
			case "R.2":
				found++
				eq(t, "R.2 province", valueOf(i.Total.Achieved), any(2.0))
				for _, reg := range i.Regencies {
					if reg.Area.Code == tt.RegencyA || reg.Area.Code == tt.RegencyB {
						eq(t, "R.2 "+reg.Area.Code, valueOf(reg.Achieved), any(1.0))
						eq(t, "R.2 light "+reg.Area.Code, reg.Light, reports.LightGreen)
					}
				}
			}
		}
	}
	eq(t, "indicators found", found, 2)
}

// The rule is checked on every write (here REST and Go): unknown parts,
// sources, measures and filters, a code no vocabulary holds and a retired
// one are refused, each in data.rule.<part> with a bilingual message; an
// automatic indicator needs a rule; a counting rule of the first engine
// gives its rule; a manual indicator keeps none.
func TestRulesAreChecked(t *testing.T) {
	t.Parallel()
	srv := ruleStore(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	// retire a topic
	if _, err := srv.App.DB().NewQuery(`UPDATE vocabularies SET active = FALSE WHERE kind = 'topics' AND code = 'pengasuhan'`).Execute(); err != nil {
		t.Fatal(err)
	}
	invalidateVocab(srv)
	path := "/api/collections/rad_indicators/records/" + tt.IndicatorID
	for _, c := range []struct {
		what  string
		rule  any
		field string // dotted under data
		code  string
	}{
		{"an unknown part", map[string]any{"source": "activities", "measure": "records", "where": "x"}, "rule.where", reports.CodeRuleField},
		{"an unknown source", map[string]any{"source": "cases", "measure": "records"}, "rule.source", reports.CodeRuleSource},
		{"a measure of another source", map[string]any{"source": "activities", "measure": "agencies"}, "rule.measure", reports.CodeRuleMeasure},
		{"a filter of another source", map[string]any{"source": "activities", "measure": "records", "filters": map[string]any{"risk_signals": []string{"broker_sponsor"}}}, "rule.filters.risk_signals", reports.CodeRuleFilter},
		{"an unknown code", map[string]any{"source": "activities", "measure": "records", "filters": map[string]any{"topics": []string{"no_such_topic"}}}, "rule.filters.topics", "unknown_code"},
		{"a retired code", map[string]any{"source": "outreach", "measure": "records", "filters": map[string]any{"topics": []string{"pengasuhan"}}}, "rule.filters.topics", "retired_code"},
		{"a level outside the list", map[string]any{"source": "activities", "measure": "records", "filters": map[string]any{"levels": []string{"hamlet"}}}, "rule.filters.levels", reports.CodeRuleValue},
		{"a filter that is not a list", map[string]any{"source": "activities", "measure": "records", "filters": map[string]any{"types": "sosialisasi"}}, "rule.filters.types", reports.CodeRuleInvalid},
		{"not an object", []any{1}, "rule", reports.CodeRuleInvalid},
	} {
		res := srv.Do(t, http.MethodPatch, path, sec, map[string]any{"rule": c.rule})
		code, msg := fieldAt(res.Body, c.field)
		if res.Status != 400 || code != c.code || !bilingual(msg) {
			t.Errorf("%s: %d %s", c.what, res.Status, res.Body)
		}
		// the preview refuses it the same way (a retired code excepted)
		raw, _ := json.Marshal(c.rule)
		pres := srv.Do(t, http.MethodGet, ruleURL(string(raw), "year=2025"), sec, nil)
		pcode, _ := fieldAt(pres.Body, c.field)
		if c.code == "retired_code" {
			if pres.Status != 200 {
				t.Errorf("preview of a retired code: %d %s", pres.Status, pres.Body)
			}
		} else if pres.Status != 400 || pcode != c.code {
			t.Errorf("preview, %s: %d %s", c.what, pres.Status, pres.Body)
		}
	}
	// an automatic indicator without a rule
	res := srv.Do(t, http.MethodPatch, path, sec, map[string]any{"rule": nil, "auto_rule": ""})
	if code, _ := fieldAt(res.Body, "rule"); res.Status != 400 || code != reports.CodeRuleRequired {
		t.Errorf("no rule: %d %s", res.Status, res.Body)
	}
	// the first engine's counting rule gives its rule
	res = srv.Do(t, http.MethodPatch, path, sec, map[string]any{"auto_rule": "referrals_count"})
	var rec struct {
		Rule     reports.RadRule `json:"rule"`
		AutoRule string          `json:"auto_rule"`
	}
	_ = json.Unmarshal(res.Body, &rec)
	if res.Status != 200 || rec.Rule.Source != "outreach" || rec.Rule.Filters["flags"][0] != "referred" || rec.AutoRule != "referrals_count" {
		t.Errorf("auto_rule referrals_count: %d %s", res.Status, res.Body)
	}
	// a rule of its own: auto_rule then names none
	res = srv.Do(t, http.MethodPatch, path, sec, map[string]any{"rule": map[string]any{"source": "outreach", "measure": "agencies"}})
	_ = json.Unmarshal(res.Body, &rec)
	if res.Status != 200 || rec.Rule.Measure != "agencies" || rec.AutoRule != "" {
		t.Errorf("own rule: %d %s", res.Status, res.Body)
	}
	// manual: neither
	res = srv.Do(t, http.MethodPatch, path, sec, map[string]any{"counting": "manual"})
	if res.Status != 200 || string(fieldRaw(res.Body, "rule")) != "null" {
		t.Errorf("manual: %d %s", res.Status, res.Body)
	}
	// the Go path refuses too
	rec2, err := srv.App.FindRecordById(catalog.RadIndicators, tt.IndicatorID)
	if err != nil {
		t.Fatal(err)
	}
	rec2.Set("counting", "auto")
	rec2.Set("rule", map[string]any{"source": "activities", "measure": "villages"})
	if err := srv.App.Save(rec2); err == nil {
		t.Error("Go save of a rule with a programme measure on activities passed")
	}
}

// A past report reprints with the rule its indicator had then: the rule
// changed (records of sosialisasi -> of penyuluhan) after 2025; 2025
// reprinted counts sosialisasi (a1, a3: 2), the running year's definition
// counts penyuluhan.
func TestPastReportReprintsWithItsRule(t *testing.T) {
	t.Parallel()
	srv := ruleStore(t)
	saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": "radruleversion1", "code": "RV.1", "rad_period": "2022-2026", "cluster": "prevention",
		"level": "province", "counting": "auto", "unit": "kegiatan", "active": true, "targets": map[string]any{"2025": 2, "2026": 2},
		"rule": map[string]any{"source": "activities", "measure": "records", "filters": map[string]any{"types": []string{"sosialisasi"}}}})
	if _, err := srv.App.DB().NewQuery(`UPDATE rad_indicator_versions SET valid_from = '2025-01-10 00:00:00.000Z' WHERE indicator = 'radruleversion1'`).Execute(); err != nil {
		t.Fatal(err)
	}
	rec, err := srv.App.FindRecordById(catalog.RadIndicators, "radruleversion1")
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("rule", map[string]any{"source": "activities", "measure": "records", "filters": map[string]any{"types": []string{"penyuluhan"}}})
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	standing := func(query string) (string, any) {
		var r reports.RadReport
		get(t, srv, tt.Secretariat, url("rad", query), &r)
		for _, c := range r.Clusters {
			for _, i := range c.Indicators {
				if i.Code == "RV.1" && i.Rule != nil {
					return i.Rule.Filters["types"][0], valueOf(i.Total.Achieved)
				}
			}
		}
		return "", nil
	}
	typ, v := standing("year=2025")
	eq(t, "2025 reprinted: rule", typ, "sosialisasi")
	eq(t, "2025 reprinted: value", v, any(2.0))
	typ, _ = standing("year=2026")
	eq(t, "2026: today's rule", typ, "penyuluhan")
	// the plan view reprints each year with its own
	var r reports.RadReport
	get(t, srv, tt.Secretariat, url("rad", "year=2026&plan=2022-2026"), &r)
	for _, ind := range r.Plan.Indicators {
		if ind.Code == "RV.1" {
			for _, y := range ind.Years {
				if y.Year == 2025 {
					eq(t, "plan 2025", valueOf(y.Achieved), any(2.0))
				}
			}
		}
	}
}

// The preview needs a rule.
func TestPreviewNeedsARule(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	res := srv.Do(t, http.MethodGet, "/api/reports/rad/preview?year=2025", tt.Token(t, srv.App, tt.Secretariat), nil)
	if code, _ := fieldAt(res.Body, "rule"); res.Status != 400 || code != reports.CodeRuleMissing {
		t.Errorf("no rule: %d %s", res.Status, res.Body)
	}
}

// fieldAt reads data.<dotted>.code and .message of an error answer.
func fieldAt(body []byte, dotted string) (code, message string) {
	var node any
	var out struct {
		Data map[string]any `json:"data"`
	}
	if json.Unmarshal(body, &out) != nil {
		return "", ""
	}
	node = out.Data
	for _, part := range splitDots(dotted) {
		m, ok := node.(map[string]any)
		if !ok {
			return "", ""
		}
		node = m[part]
	}
	m, _ := node.(map[string]any)
	c, _ := m["code"].(string)
	msg, _ := m["message"].(string)
	return c, msg
}

func fieldRaw(body []byte, name string) json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(body, &m)
	return m[name]
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func bilingual(msg string) bool {
	for i := 0; i+3 <= len(msg); i++ {
		if msg[i:i+3] == " / " {
			return true
		}
	}
	return false
}

// invalidateVocab drops the cached vocabularies after a raw change.
func invalidateVocab(srv *tt.Server) { vocab.Invalidate(srv.App) }
