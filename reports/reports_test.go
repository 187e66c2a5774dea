package reports_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	tt "jangkau/internal/testapp"
	"jangkau/reports"
)

func bd(list []reports.Breakdown, key string) reports.Breakdown {
	for _, b := range list {
		if b.Key == key {
			return b
		}
	}
	return reports.Breakdown{Key: key}
}

func row[T any](t *testing.T, rows []T, code string, area func(T) string) T {
	t.Helper()
	for _, r := range rows {
		if area(r) == code {
			return r
		}
	}
	t.Fatalf("no row for %s", code)
	var zero T
	return zero
}

// Report 1. Approved activities of 2025 (WIB): a1 (VillageA, Jan), a2
// (VillageA2, Feb), a3 (VillageB, Apr), a5 (VillageA, 1 Jan WIB), a6
// (VillageA, 1 Apr WIB). a4 is submitted, a7 returned, a8 is 2026, the
// shared fixtures' two activities are drafts.
func TestActivitiesReportMatchesTheFixture(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var r reports.ActivitiesReport
	get(t, srv, tt.Secretariat, url("activities", "year=2025"), &r)
	tot := r.Totals
	eq(t, "activities", tot.Activities, int64(5))
	eq(t, "male children", tot.Participants.MaleChild, int64(6))      // a1 5 + a3 1
	eq(t, "female children", tot.Participants.FemaleChild, int64(17)) // a1 6 + a3 1 + a6 10
	eq(t, "male adults", tot.Participants.MaleAdult, int64(22))       // a1 7 + a2 10 + a3 1 + a5 4
	eq(t, "female adults", tot.Participants.FemaleAdult, int64(29))   // a1 8 + a2 20 + a3 1
	eq(t, "participants", tot.Participants.Total, int64(74))
	eq(t, "disabled", tot.Participants.Disabled, int64(1))
	eq(t, "budget", tot.Budget, 3500100.0)
	eq(t, "sosialisasi", bd(tot.ByType, "sosialisasi"), reports.Breakdown{Key: "sosialisasi", Count: 3, Participants: 40, Budget: 1000100})
	eq(t, "penyuluhan", bd(tot.ByType, "penyuluhan"), reports.Breakdown{Key: "penyuluhan", Count: 1, Participants: 30, Budget: 2500000})
	eq(t, "kampanye", bd(tot.ByType, "kampanye_kie"), reports.Breakdown{Key: "kampanye_kie", Count: 1, Participants: 4})
	eq(t, "pelatihan (submitted only)", bd(tot.ByType, "pelatihan").Count, int64(0))
	eq(t, "types listed", len(tot.ByType), 9)
	eq(t, "topic modus", bd(tot.ByTopic, "modus_tppo"), reports.Breakdown{Key: "modus_tppo", Count: 2, Participants: 30, Budget: 1000000})
	eq(t, "topic migrasi", bd(tot.ByTopic, "migrasi_aman"), reports.Breakdown{Key: "migrasi_aman", Count: 2, Participants: 36, Budget: 1000100})
	eq(t, "topic perkawinan", bd(tot.ByTopic, "perkawinan_anak").Count, int64(1))
	eq(t, "fund dana desa", bd(tot.ByFunding, "dana_desa"), reports.Breakdown{Key: "dana_desa", Count: 1, Participants: 26, Budget: 1000000})
	eq(t, "fund apbd", bd(tot.ByFunding, "apbd_kabkota").Budget, 2500000.0)
	eq(t, "fund mitra", bd(tot.ByFunding, "mitra_lsm").Budget, 100.0)
	eq(t, "rows", len(r.Rows), 15)
	ref := func(x reports.ActivityRow) string { return x.Area.Code }
	eq(t, "18.01", row(t, r.Rows, tt.RegencyA, ref).Activities, int64(4))
	eq(t, "18.01 participants", row(t, r.Rows, tt.RegencyA, ref).Participants.Total, int64(70))
	eq(t, "18.02", row(t, r.Rows, tt.RegencyB, ref).Activities, int64(1))
	eq(t, "18.72", row(t, r.Rows, "18.72", ref).Activities, int64(0))
	eq(t, "months", len(r.Series), 12)
	eq(t, "January", r.Series[0], reports.MonthPoint{Month: "2025-01", Count: 2, Participants: 30})
	eq(t, "February", r.Series[1], reports.MonthPoint{Month: "2025-02", Count: 1, Participants: 30})
	eq(t, "March", r.Series[2].Count, int64(0))
	eq(t, "April", r.Series[3], reports.MonthPoint{Month: "2025-04", Count: 2, Participants: 14})
	eq(t, "area", r.Area.Code, "18")
	eq(t, "child level", r.ChildLevel, "regency")
	eq(t, "statuses", strings.Join(r.Statuses, ","), "approved")

	t.Run("include submitted adds a4", func(t *testing.T) {
		var s reports.ActivitiesReport
		get(t, srv, tt.Secretariat, url("activities", "year=2025&includeSubmitted=true"), &s)
		eq(t, "activities", s.Totals.Activities, int64(6))
		eq(t, "participants", s.Totals.Participants.Total, int64(82))
		eq(t, "pelatihan", bd(s.Totals.ByType, "pelatihan").Count, int64(1))
		eq(t, "statuses", strings.Join(s.Statuses, ","), "approved,submitted")
	})
	t.Run("quarters follow WIB days", func(t *testing.T) {
		var q1, q2 reports.ActivitiesReport
		get(t, srv, tt.Secretariat, url("activities", "period=quarter&year=2025&index=1"), &q1)
		get(t, srv, tt.Secretariat, url("activities", "period=quarter&year=2025&index=2"), &q2)
		eq(t, "Q1 (a1, a2, a5)", q1.Totals.Activities, int64(3))
		eq(t, "Q2 (a3, a6)", q2.Totals.Activities, int64(2))
		var y2024 reports.ActivitiesReport
		get(t, srv, tt.Secretariat, url("activities", "year=2024"), &y2024)
		eq(t, "2024 (a5 is 1 Jan 2025 in WIB)", y2024.Totals.Activities, int64(0))
		var s1 reports.ActivitiesReport
		get(t, srv, tt.Secretariat, url("activities", "period=semester&year=2025&index=1"), &s1)
		eq(t, "S1", s1.Totals.Activities, int64(5))
		var m2 reports.ActivitiesReport
		get(t, srv, tt.Secretariat, url("activities", "period=month&year=2025&index=2"), &m2)
		eq(t, "February", m2.Totals.Activities, int64(1))
	})
	t.Run("custom periods with partial months", func(t *testing.T) {
		for _, c := range []struct {
			from, to string
			want     int64
		}{
			{"2025-01-01", "2025-01-31", 2}, // a1, a5
			{"2024-12-31", "2025-01-15", 2}, // a5 (1 Jan WIB), a1 (15 Jan 17:00 WIB)
			{"2025-01-16", "2025-04-01", 2}, // a2 (Feb), a6 (1 Apr WIB); partial Jan and Apr, whole Feb and Mar
			{"2025-01-16", "2025-03-31", 1}, // a2 only
			{"2025-04-02", "2025-04-10", 1}, // a3 (10 Apr 07:00 WIB)
			{"2025-01-15", "2025-01-15", 1}, // a1
			{"2024-06-01", "2026-12-31", 6}, // a8 too
		} {
			var r reports.ActivitiesReport
			get(t, srv, tt.Secretariat, url("activities", "period=custom&from="+c.from+"&to="+c.to), &r)
			eq(t, c.from+".."+c.to, r.Totals.Activities, c.want)
		}
	})
	t.Run("drill down to a village", func(t *testing.T) {
		var reg, dist, vil reports.ActivitiesReport
		get(t, srv, tt.Secretariat, url("activities", "year=2025&area="+tt.RegencyA), &reg)
		eq(t, "regency total", reg.Totals.Activities, int64(4))
		eq(t, "child level", reg.ChildLevel, "district")
		eq(t, "Natar", row(t, reg.Rows, tt.DistrictA, ref).Activities, int64(4))
		get(t, srv, tt.Secretariat, url("activities", "year=2025&area="+tt.DistrictA), &dist)
		eq(t, "Hajimena", row(t, dist.Rows, tt.VillageA, ref).Activities, int64(3))
		eq(t, "Branti Raya", row(t, dist.Rows, tt.VillageA2, ref).Activities, int64(1))
		eq(t, "village rows carry district", row(t, dist.Rows, tt.VillageA, ref).Area.District, "Natar")
		eq(t, "village rows carry regency", row(t, dist.Rows, tt.VillageA, ref).Area.Regency, "Kabupaten Lampung Selatan")
		get(t, srv, tt.Secretariat, url("activities", "year=2025&area="+tt.VillageA), &vil)
		eq(t, "village total", vil.Totals.Activities, int64(3))
		eq(t, "village participants", vil.Totals.Participants.Total, int64(40))
		eq(t, "no rows below a village", len(vil.Rows), 0)
		eq(t, "records", len(vil.Records), 3)
		eq(t, "records in date order", vil.Records[0].ID, "act2025a5000005")
		eq(t, "breadcrumb", len(vil.Breadcrumb), 4)
	})
}

// Report 2: villages with an approved activity in 2025: VillageA, VillageA2
// (18.01, 260 villages) and VillageB (18.02, 311 villages), of 2,651.
func TestCoverageReport(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var r reports.CoverageReport
	get(t, srv, tt.Secretariat, url("coverage", "year=2025"), &r)
	eq(t, "totals", r.Totals, reports.CoverageFigures{Villages: 2651, Reached: 3, NotReached: 2648, Pct: 0.1})
	ref := func(x reports.CoverageRow) string { return x.Area.Code }
	eq(t, "18.01", row(t, r.Rows, tt.RegencyA, ref).CoverageFigures, reports.CoverageFigures{Villages: 260, Reached: 2, NotReached: 258, Pct: 0.8})
	eq(t, "18.02", row(t, r.Rows, tt.RegencyB, ref).CoverageFigures, reports.CoverageFigures{Villages: 311, Reached: 1, NotReached: 310, Pct: 0.3})
	eq(t, "unreached", len(r.Unreached), 2648)
	for _, u := range r.Unreached {
		if u.Code == tt.VillageA || u.Code == tt.VillageA2 || u.Code == tt.VillageB {
			t.Errorf("%s listed as not reached", u.Code)
		}
	}
	var q3 reports.CoverageReport
	get(t, srv, tt.Secretariat, url("coverage", "period=quarter&year=2025&index=3"), &q3)
	eq(t, "Q3: a7 is returned", q3.Totals.Reached, 0)
	var sub reports.CoverageReport
	get(t, srv, tt.Secretariat, url("coverage", "period=quarter&year=2025&index=2&includeSubmitted=1"), &sub)
	eq(t, "Q2 with submitted: VillageA (a4, a6), VillageB (a3)", sub.Totals.Reached, 2)
}

// Report 3, as of 31 Dec 2025 (the whole target is due).
//
//	P.1.1 sosialisasi_count, regency, target 10 each: 18.01 has a1, a6 (2),
//	  18.02 a3 (1); hand-entered 4 and 7 are shown beside. Province: 3 of 20.
//	P.2.1 participants_total, province, target 200: 74 -> 37%, red.
//	P.3.1 villages_reached_pct, regency, targets 0.5 (18.01), 0.3 (others):
//	  18.01 0.8% -> green, 18.02 0.3% -> green; province 0.1% of 0.3 -> red.
//	K.1.1 manual, regency, target 2: 18.01 Q1 1 + Q2 1 = 2 -> green;
//	  18.02 nothing entered -> grey; province 2 of 30 -> red.
//	K.6.1 manual, province, no target -> grey.
func TestRadReport(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var r reports.RadReport
	get(t, srv, tt.Secretariat, url("rad", "year=2025&asOf=2025-12-31"), &r)
	ind := map[string]reports.RadIndicator{}
	for _, c := range r.Clusters {
		for _, i := range c.Indicators {
			ind[i.Code] = i
		}
	}
	eq(t, "indicators", len(ind), 5)
	reg := func(i reports.RadIndicator, code string) reports.RadRow {
		return row(t, i.Regencies, code, func(x reports.RadRow) string { return x.Area.Code })
	}
	val := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	p11 := ind["P.1.1"]
	eq(t, "P.1.1 18.01 achieved", val(reg(p11, tt.RegencyA).Achieved), 2.0)
	eq(t, "P.1.1 18.01 manual", val(reg(p11, tt.RegencyA).Manual), 4.0)
	eq(t, "P.1.1 18.01 target", val(reg(p11, tt.RegencyA).Target), 10.0)
	eq(t, "P.1.1 18.01 light", reg(p11, tt.RegencyA).Light, reports.LightRed)
	eq(t, "P.1.1 18.02 achieved", val(reg(p11, tt.RegencyB).Achieved), 1.0)
	eq(t, "P.1.1 province", val(p11.Total.Achieved), 3.0)
	eq(t, "P.1.1 province target", val(p11.Total.Target), 150.0) // 15 regencies x 10
	p21 := ind["P.2.1"]
	eq(t, "P.2.1", val(p21.Total.Achieved), 74.0)
	eq(t, "P.2.1 pct", val(p21.Total.TargetPct), 37.0)
	eq(t, "P.2.1 light", p21.Total.Light, reports.LightRed)
	p31 := ind["P.3.1"]
	eq(t, "P.3.1 18.01", val(reg(p31, tt.RegencyA).Achieved), 0.8)
	eq(t, "P.3.1 18.01 target", val(reg(p31, tt.RegencyA).Target), 0.5)
	eq(t, "P.3.1 18.01 light", reg(p31, tt.RegencyA).Light, reports.LightGreen)
	eq(t, "P.3.1 18.02 light", reg(p31, tt.RegencyB).Light, reports.LightGreen)
	eq(t, "P.3.1 18.03 light", reg(p31, "18.03").Light, reports.LightRed)
	eq(t, "P.3.1 province", val(p31.Total.Achieved), 0.1)
	eq(t, "P.3.1 province target (a share: not summed)", val(p31.Total.Target), 0.3)
	k11 := ind["K.1.1"]
	eq(t, "K.1.1 18.01", val(reg(k11, tt.RegencyA).Achieved), 2.0)
	eq(t, "K.1.1 18.01 partial", reg(k11, tt.RegencyA).Partial, true)
	eq(t, "K.1.1 18.01 light", reg(k11, tt.RegencyA).Light, reports.LightGreen)
	eq(t, "K.1.1 18.01 evidence", strings.Join(reg(k11, tt.RegencyA).Evidence, ","), "https://example.id/notulen-1")
	eq(t, "K.1.1 18.02 light", reg(k11, tt.RegencyB).Light, reports.LightGrey)
	eq(t, "K.1.1 province", val(k11.Total.Achieved), 2.0)
	eq(t, "K.1.1 province target", val(k11.Total.Target), 30.0)
	eq(t, "K.6.1 light", ind["K.6.1"].Total.Light, reports.LightGrey)
	eq(t, "clusters in catalog order", r.Clusters[0].Cluster, "prevention")
	eq(t, "lights", r.Lights[reports.LightRed], 4)

	t.Run("pace in the current year", func(t *testing.T) {
		// 15 Feb: 46 of 365 days gone, expected 10 x 0.126 = 1.3
		var p reports.RadReport
		get(t, srv, tt.Secretariat, url("rad", "year=2025&asOf=2025-02-15&cluster=prevention"), &p)
		var p11 reports.RadIndicator
		for _, i := range p.Clusters[0].Indicators {
			if i.Code == "P.1.1" {
				p11 = i
			}
		}
		eq(t, "clusters", len(p.Clusters), 1)
		a := reg(p11, tt.RegencyA)
		eq(t, "expected", val(a.Expected), 1.3)
		eq(t, "18.01: 2 of 1.3 -> green", a.Light, reports.LightGreen)
		eq(t, "18.02: 1 of 1.3 -> yellow", reg(p11, tt.RegencyB).Light, reports.LightYellow)
		eq(t, "18.03: 0 -> red", reg(p11, "18.03").Light, reports.LightRed)
	})
	t.Run("a verifier sees its regency", func(t *testing.T) {
		var v reports.RadReport
		get(t, srv, tt.VerifierA, url("rad", "year=2025&asOf=2025-12-31"), &v)
		for _, c := range v.Clusters {
			for _, i := range c.Indicators {
				if len(i.Regencies) != 0 {
					t.Errorf("%s: regency rows for a verifier", i.Code)
				}
				if i.Code == "P.1.1" {
					eq(t, "P.1.1", val(i.Total.Achieved), 2.0)
					eq(t, "area", i.Total.Area.Code, tt.RegencyA)
				}
			}
		}
	})
}

// Report 4: programmes now: VillageA patbm aktif, drppa aktif; VillageA2
// patbm tidak aktif, perdes_tppo aktif; VillageB patbm rintisan.
func TestProgramsReport(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var r reports.ProgramsReport
	get(t, srv, tt.Secretariat, url("programs", ""), &r)
	prog := func(f reports.ProgramFigures, p string) reports.ProgramCount {
		for _, c := range f.Programs {
			if c.Program == p {
				return c
			}
		}
		return reports.ProgramCount{}
	}
	eq(t, "patbm", prog(r.Totals, "patbm"), reports.ProgramCount{Program: "patbm", Rintisan: 1, Aktif: 1, TidakAktif: 1, Any: 2, ActivePct: 0})
	eq(t, "drppa", prog(r.Totals, "drppa").Aktif, int64(1))
	eq(t, "perdes", prog(r.Totals, "perdes_tppo").Aktif, int64(1))
	eq(t, "villages", r.Totals.Villages, 2651)
	ref := func(x reports.ProgramRow) string { return x.Area.Code }
	a := row(t, r.Rows, tt.RegencyA, ref)
	eq(t, "18.01 patbm", prog(a.ProgramFigures, "patbm"), reports.ProgramCount{Program: "patbm", Aktif: 1, TidakAktif: 1, Any: 1, ActivePct: 0.4})
	eq(t, "18.02 patbm rintisan", prog(row(t, r.Rows, tt.RegencyB, ref).ProgramFigures, "patbm").Rintisan, int64(1))
	var d reports.ProgramsReport
	get(t, srv, tt.Secretariat, url("programs", "area="+tt.DistrictA), &d)
	for _, v := range d.Villages {
		if v.Village.Code == tt.VillageA {
			eq(t, "drppa basis", v.Programs["drppa"].LegalBasisNumber, "SK Kades 12/2024")
			eq(t, "drppa date", v.Programs["drppa"].LegalBasisDate, "2024-06-01")
			eq(t, "patbm", v.Programs["patbm"].Status, "aktif")
		}
	}
}

// Report 5: approved outreach of 2025: o1 (VillageA, risk, referred,
// followed up after 3 days), o2 (VillageA2), o3 (VillageB, risk, open), o4
// (VillageA, risk, referred, 10 days). o5 is submitted.
func TestOutreachReport(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var r reports.OutreachReport
	get(t, srv, tt.Secretariat, url("outreach", "year=2025"), &r)
	tot := r.Totals
	eq(t, "logs", tot.Logs, int64(4))
	eq(t, "participants", tot.Participants, reports.Participants{MaleChild: 1, MaleAdult: 5, FemaleAdult: 6, Total: 12})
	eq(t, "referred", tot.Referred, int64(2))
	eq(t, "home visits", bd(tot.ByType, "home_visit").Count, int64(2))
	eq(t, "post", bd(tot.ByType, "migration_service_post").Count, int64(1))
	eq(t, "target calon_pmi", bd(tot.ByTarget, "calon_pmi").Count, int64(2))
	eq(t, "broker", bd(tot.RiskSignals, "broker_sponsor"), reports.Breakdown{Key: "broker_sponsor", Count: 1, Participants: 3})
	eq(t, "child marriage", bd(tot.RiskSignals, "planned_child_marriage").Count, int64(1))
	eq(t, "bp3mi", bd(tot.Referrals, "bp3mi").Count, int64(1))
	eq(t, "uptd", bd(tot.Referrals, "uptd_ppa").Count, int64(1))
	eq(t, "action referred", bd(tot.Actions, "referred").Count, int64(2))
	eq(t, "topic", bd(tot.ByTopic, "migrasi_aman").Count, int64(1))
	fu := tot.FollowUp
	eq(t, "with risk", fu.WithRisk, int64(3))
	eq(t, "followed up", fu.FollowedUp, int64(2))
	eq(t, "open", fu.Open, int64(1))
	if fu.MedianDays == nil || *fu.MedianDays != 3 {
		t.Errorf("median days: %v", fu.MedianDays)
	}
	eq(t, "within 7", fu.Within7Days, int64(1))
	eq(t, "within 7 pct", fu.Within7Pct, 50.0)
	eq(t, "followed up pct", fu.FollowedUpPct, 66.7)
	ref := func(x reports.OutreachRow) string { return x.Area.Code }
	eq(t, "18.01", row(t, r.Rows, tt.RegencyA, ref).Logs, int64(3))
	eq(t, "18.02", row(t, r.Rows, tt.RegencyB, ref).Logs, int64(1))
	eq(t, "June", r.Series[5], reports.MonthPoint{Month: "2025-06", Count: 1, Participants: 1})
}

// Report 6. 2025 figures: 18.01 by quarters (Q1 2 cases, Q2 7), 18.02 a
// year from Polda (12) and one from Simfoni (1), 18.03 a year (20): Simfoni
// comes first.
func TestCasesReportSuppressesSmallCells(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var r reports.CasesReport
	res := get(t, srv, tt.Secretariat, url("cases", "year=2025"), &r)
	ref := func(x reports.CaseRow) string { return x.Area.Code }
	a := row(t, r.Rows, tt.RegencyA, ref).Cases
	if a == nil {
		t.Fatal("no figures for 18.01")
	}
	// 18.02's counts are all "<5": beside the province total, 18.01's
	// would give them away, so they are hidden too ("•")
	eq(t, "18.01 cases (2 + 7)", a.CaseCount, "•")
	eq(t, "18.01 male (1)", a.VictimsBySex["male"], "<5")
	eq(t, "18.01 female (1 + 3 + 4)", a.VictimsBySex["female"], "•")
	eq(t, "18.01 13-17 (1 + 3)", a.VictimsByAge["age_13_17"], "<5")
	eq(t, "18.01 25-44 (1 + 4): beside a hidden total", a.VictimsByAge["age_25_44"], "5")
	eq(t, "18.01 total victims", a.VictimsTotal, "•")
	eq(t, "18.01 served (2 + 6)", a.CasesServed, "•")
	eq(t, "18.01 forced labour (1 + 7): beside the case count and the sexual exploitation <5", a.Exploitation["forced_labour"], "•")
	eq(t, "18.01 sexual exploitation (1)", a.Exploitation["sexual_exploitation"], "<5")
	eq(t, "18.01 periods", strings.Join(a.Periods, " "), "2025-Q1 2025-Q2")
	eq(t, "18.01 incomplete year", a.Complete, false)
	eq(t, "18.01 status", a.FigureStatus, "mixed")
	eq(t, "18.01 suppressed", a.Suppressed, true)
	b := row(t, r.Rows, tt.RegencyB, ref).Cases
	eq(t, "18.02 source", b.Source, "simfoni_ppa")
	eq(t, "18.02 cases (1)", b.CaseCount, "<5")
	eq(t, "18.02 complete", b.Complete, true)
	if row(t, r.Rows, "18.04", ref).Cases != nil {
		t.Error("18.04 has no figures")
	}
	eq(t, "18.03 13-17 (5)", row(t, r.Rows, "18.03", ref).Cases.VictimsByAge["age_13_17"], "5")
	eq(t, "province summed", r.Totals.Cases.Summed, true)
	eq(t, "province incomplete (18.01 has two quarters)", r.Totals.Cases.Complete, false)
	eq(t, "province cases (9 + 1 + 20): not suppressed", r.Totals.Cases.CaseCount, "30")
	// the province's female (8 + 1 + 13) less 18.03's and 18.01's (known
	// to its verifier) would be 18.02's
	eq(t, "province female (8 + 1 + 13)", r.Totals.Cases.VictimsBySex["female"], "•")
	// the province's 13-17 (4 + 0 + 5) less 18.03's would be 18.01's
	eq(t, "province 13-17 (9)", r.Totals.Cases.VictimsByAge["age_13_17"], "•")
	eq(t, "province male (1 + 0 + 7)", r.Totals.Cases.VictimsBySex["male"], "•")
	eq(t, "province sexual exploitation (1 + 8)", r.Totals.Cases.Exploitation["sexual_exploitation"], "•")
	eq(t, "intensity 18.01", row(t, r.Rows, tt.RegencyA, ref).Intensity.Activities, int64(4))
	eq(t, "intensity 18.01 outreach", row(t, r.Rows, tt.RegencyA, ref).Intensity.Outreach, int64(3))
	eq(t, "intensity province coverage", r.Totals.Intensity.CoveragePct, 0.1)
	if r.ActivitiesPerCase == nil || *r.ActivitiesPerCase != 0.2 {
		t.Errorf("activities per case at province level: %v", r.ActivitiesPerCase)
	}
	// no raw small count anywhere below the province in the JSON
	var raw struct {
		Rows []struct {
			Cases map[string]any `json:"cases"`
		} `json:"rows"`
	}
	_ = json.Unmarshal(res.Body, &raw)
	for _, rr := range raw.Rows {
		for k, v := range rr.Cases {
			if s, ok := v.(string); ok && (s == "1" || s == "2" || s == "3" || s == "4") {
				t.Errorf("unsuppressed %s = %s", k, s)
			}
		}
	}

	t.Run("polda when asked", func(t *testing.T) {
		var p reports.CasesReport
		get(t, srv, tt.Secretariat, url("cases", "year=2025&source=polda"), &p)
		eq(t, "18.02 polda", row(t, p.Rows, tt.RegencyB, ref).Cases.CaseCount, "12")
		eq(t, "18.02 male (6 + 6)", row(t, p.Rows, tt.RegencyB, ref).Cases.VictimsBySex["male"], "12")
	})
	t.Run("a whole year asked as a custom period reads the same", func(t *testing.T) {
		var c reports.CasesReport
		get(t, srv, tt.Secretariat, url("cases", "period=custom&from=2025-01-01&to=2025-12-31"), &c)
		eq(t, "18.01", caseLine(row(t, c.Rows, tt.RegencyA, ref).Cases), caseLine(a))
		eq(t, "province", caseLine(c.Totals.Cases), caseLine(r.Totals.Cases))
	})
	t.Run("2024: the province's own figure", func(t *testing.T) {
		var y reports.CasesReport
		get(t, srv, tt.Secretariat, url("cases", "year=2024"), &y)
		eq(t, "province own figure", y.Totals.Cases.Summed, false)
		eq(t, "province 3 shown at province level", y.Totals.Cases.CaseCount, "3")
		eq(t, "18.01 3 -> <5", row(t, y.Rows, tt.RegencyA, ref).Cases.CaseCount, "<5")
	})
	t.Run("below the regency: the regency's figures, suppressed", func(t *testing.T) {
		var d reports.CasesReport
		get(t, srv, tt.Secretariat, url("cases", "year=2025&area="+tt.DistrictA), &d)
		eq(t, "case area", d.CaseArea.Code, tt.RegencyA)
		eq(t, "13-17", d.Totals.Cases.VictimsByAge["age_13_17"], "<5")
		for _, rr := range d.Rows {
			if rr.Cases != nil {
				t.Errorf("%s: case figures below regency level", rr.Area.Code)
			}
		}
		eq(t, "VillageA intensity", row(t, d.Rows, tt.VillageA, ref).Intensity.Activities, int64(3))
	})
	t.Run("the verifier sees its regency suppressed", func(t *testing.T) {
		var v reports.CasesReport
		get(t, srv, tt.VerifierB, url("cases", "year=2025"), &v)
		eq(t, "area", v.Area.Code, tt.RegencyB)
		eq(t, "cases", v.Totals.Cases.CaseCount, "<5")
	})
}

// Report 7: every status of 2025. Activities: 18.01 has a1, a2, a5, a6
// approved, a4 submitted, a7 returned, one draft; 18.02 a3 approved, one
// draft. Approval hours: a5 0, a1 5, a6 48, a2 72 (73 h: 3 days), a3 240.
func TestReviewReport(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var r reports.ReviewReport
	get(t, srv, tt.Secretariat, url("review", "year=2025"), &r)
	a := r.Totals.Activities
	eq(t, "total", a.Total, int64(9))
	eq(t, "draft", a.Draft, int64(2))
	eq(t, "submitted", a.Submitted, int64(1))
	eq(t, "returned", a.Returned, int64(1))
	eq(t, "approved", a.Approved, int64(5))
	if a.MedianApprovalHours == nil || *a.MedianApprovalHours != 48 {
		t.Errorf("median approval hours: %v", a.MedianApprovalHours)
	}
	eq(t, "within 7 days", a.ApprovedWithin7Days, int64(4))
	eq(t, "within 7 days pct", a.ApprovedWithin7Pct, 80.0)
	eq(t, "checked", a.Checked, int64(6))
	missing := map[string]int64{}
	for _, m := range a.Missing {
		missing[m.Field] = m.Records
	}
	want := map[string]int64{"participants": 0, "topics": 1, "venue": 2, "outcome_summary": 5, "target_groups": 5, "end_date": 5}
	if !reflect.DeepEqual(missing, want) {
		t.Errorf("missing: %v, want %v", missing, want)
	}
	ref := func(x reports.ReviewRow) string { return x.Area.Code }
	ra := row(t, r.Rows, tt.RegencyA, ref).Activities
	eq(t, "18.01", [5]int64{ra.Total, ra.Draft, ra.Submitted, ra.Returned, ra.Approved}, [5]int64{7, 1, 1, 1, 4})
	o := r.Totals.Outreach
	eq(t, "outreach", [5]int64{o.Total, o.Draft, o.Submitted, o.Returned, o.Approved}, [5]int64{7, 2, 1, 0, 4})
	if o.MedianApprovalHours == nil || *o.MedianApprovalHours != 2 {
		t.Errorf("outreach median: %v", o.MedianApprovalHours)
	}
	om := map[string]int64{}
	for _, m := range o.Missing {
		om[m.Field] = m.Records
	}
	if !reflect.DeepEqual(om, map[string]int64{"participants": 0, "topics": 4, "target_category": 1, "action_taken": 0}) {
		t.Errorf("outreach missing: %v", om)
	}
}

// Report 8 holds reports 1-7 of the year.
func TestAnnualReport(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var r reports.AnnualReport
	get(t, srv, tt.Secretariat, url("annual", "year=2025&asOf=2025-12-31"), &r)
	eq(t, "year", r.Year, 2025)
	eq(t, "activities", r.Activities.Totals.Activities, int64(5))
	eq(t, "coverage", r.Coverage.Totals.Reached, 3)
	eq(t, "outreach", r.Outreach.Totals.Logs, int64(4))
	eq(t, "cases", r.Cases.Totals.Cases.CaseCount, "30")
	eq(t, "review", r.Review.Totals.Activities.Total, int64(9))
	eq(t, "rad", len(r.Rad.Clusters), 2)
	eq(t, "programs", r.Programs.Totals.Villages, 2651)
	var q reports.AnnualReport
	get(t, srv, tt.Secretariat, url("annual", "period=quarter&year=2025&index=1"), &q)
	eq(t, "a quarter asked: the whole year", q.Period.Kind, "year")
}

// The precomputed engine and the naive GROUP BY agree on every report, for
// several areas and periods (partial months included).
func TestPrecomputedMatchesRaw(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	queries := []string{"year=2025", "year=2025&includeSubmitted=1", "period=quarter&year=2025&index=2",
		"period=custom&from=2025-01-16&to=2025-04-01", "period=custom&from=2024-12-31&to=2025-01-15", "year=2026"}
	areas := []string{"", tt.RegencyA, tt.DistrictA, tt.VillageA, tt.RegencyB}
	for _, name := range []string{"activities", "coverage", "outreach", "cases", "review", "rad"} {
		for _, q := range queries {
			if name == "cases" && !strings.HasPrefix(q, "year=") {
				continue // case figures are for whole years only (case_privacy_test.go)
			}
			for _, a := range areas {
				path := url(name, q+"&asOf=2025-12-31&area="+a)
				var pre, raw map[string]any
				get(t, srv, tt.Secretariat, path, &pre)
				get(t, srv, tt.Secretariat, path+"&engine=raw", &raw)
				for _, m := range []map[string]any{pre, raw} {
					delete(m, "engine")
					delete(m, "generatedAt")
				}
				if !reflect.DeepEqual(pre, raw) {
					a, _ := json.Marshal(pre)
					b, _ := json.Marshal(raw)
					t.Errorf("%s differs:\nprecomputed %s\nraw         %s", path, a, b)
				}
			}
		}
	}
	// the raw engine is for the secretariat
	res := srv.Do(t, http.MethodGet, url("activities", "engine=raw"), tt.Token(t, srv.App, tt.VerifierA), nil)
	eq(t, "verifier raw", res.Status, 403)
}

func TestReportScope(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	t.Run("village officers are refused", func(t *testing.T) {
		for _, name := range reports.Names {
			res := srv.Do(t, http.MethodGet, url(name, ""), tt.Token(t, srv.App, tt.OfficerA), nil)
			eq(t, name, res.Status, 403)
		}
		res := srv.Do(t, http.MethodGet, url("activities", ""), "", nil)
		eq(t, "anonymous", res.Status, 401)
	})
	t.Run("a verifier sees its regency only", func(t *testing.T) {
		var r reports.ActivitiesReport
		get(t, srv, tt.VerifierA, url("activities", "year=2025"), &r)
		eq(t, "area", r.Area.Code, tt.RegencyA)
		eq(t, "activities", r.Totals.Activities, int64(4))
		eq(t, "child level", r.ChildLevel, "district")
		for _, q := range []string{"area=" + tt.RegencyB, "area=" + tt.VillageB, "area=18"} {
			res := srv.Do(t, http.MethodGet, url("activities", q), tt.Token(t, srv.App, tt.VerifierA), nil)
			eq(t, q, res.Status, 403)
		}
		get(t, srv, tt.VerifierA, url("activities", "area="+tt.VillageA2), nil)
	})
	t.Run("task-force members read the province", func(t *testing.T) {
		var r reports.ActivitiesReport
		get(t, srv, tt.Taskforce, url("activities", "year=2025"), &r)
		eq(t, "activities", r.Totals.Activities, int64(5))
	})
	t.Run("bad input", func(t *testing.T) {
		tok := tt.Token(t, srv.App, tt.Secretariat)
		for _, q := range []string{"period=quarter&index=5", "period=week", "period=custom&from=2025-02-01&to=2025-01-01",
			"year=abc", "area=99.99", "cluster=none", "source=gossip"} {
			res := srv.Do(t, http.MethodGet, url("cases", q), tok, nil)
			eq(t, q, res.Status, 400)
		}
		eq(t, "unknown report", srv.Do(t, http.MethodGet, url("nothing", ""), tok, nil).Status, 404)
	})
}

func TestLabels(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	var l map[string]map[string]reports.Label
	get(t, srv, tt.Taskforce, "/api/reports/labels", &l)
	eq(t, "label", l["activity_type"]["sosialisasi"].ID, "Sosialisasi")
}
