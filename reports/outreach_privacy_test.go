package reports_test

import (
	"fmt"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// outreachPrivacyFixture: approved outreach logs of 2025 in three villages
// of Natar (18.01.04), by hand. Every log: a broker (broker_sponsor),
// referred (action referred, to BP3MI), followed up two days later.
// Hajimena (2001) 6 logs, Sidosari (2002) 2, Pemanggilan (2003) 7; the
// other 23 villages of Natar none. Natar: 15 of each.
func outreachPrivacyFixture(t *testing.T) *tt.Server {
	srv := tt.NewServer(t)
	n := 0
	for village, logs := range map[string]int{"18.01.04.2001": 6, "18.01.04.2002": 2, "18.01.04.2003": 7} {
		for range logs {
			n++
			f := tt.Outreach(village)
			f["id"] = fmt.Sprintf("outprivacy%05d", n)
			f["status"] = catalog.StatusApproved
			f["date"] = "2025-04-02 00:00:00.000Z"
			f["follow_up_date"] = "2025-04-04 00:00:00.000Z"
			saveRecord(t, srv, catalog.OutreachLogs, f)
		}
	}
	return srv
}

type outreachFigs struct {
	Logs        int64             `json:"logs"`
	Referred    int64             `json:"referred"`
	Hidden      map[string]string `json:"hidden"`
	RiskSignals []struct {
		Key   string `json:"key"`
		Count int64  `json:"count"`
		Mark  string `json:"mark"`
	} `json:"riskSignals"`
	FollowUp struct {
		WithRisk   int64 `json:"withRisk"`
		FollowedUp int64 `json:"followedUp"`
		Open       int64 `json:"open"`
	} `json:"followUp"`
}

type outreachAnswer struct {
	Totals outreachFigs `json:"totals"`
	Rows   []struct {
		Area struct{ Code string } `json:"area"`
		outreachFigs
	} `json:"rows"`
}

// TestOutreachVillagesSuppressed: the hand-computed marks. In each column
// (logs with a risk signal, followed up, within 7 days, referred, the
// broker signal, BP3MI, the action "referred") Sidosari's 2 is "<5";
// Natar's 15 is public (the regency's view lists it), so 15 - 6 - 7 would
// give it away: Hajimena's 6 (the smaller) is hidden "•", and against
// Hajimena's officer, who knows its 6, Pemanggilan's 7 too. Open follow-ups
// are 0 everywhere: shown. Shares from hidden counts are hidden. The
// village's own report, the regency's view (districts: public) and the
// CSV export agree.
func TestOutreachVillagesSuppressed(t *testing.T) {
	t.Parallel()
	srv := outreachPrivacyFixture(t)
	covered := []string{"referred", "followUp.withRisk", "followUp.followedUp", "followUp.within7Days",
		"riskSignals.broker_sponsor", "referrals.bp3mi", "actions.referred"}
	want := func(mark string) map[string]string {
		m := map[string]string{"followUp.within7Pct": "•", "followUp.followedUpPct": "•"}
		for _, k := range covered {
			m[k] = mark
		}
		return m
	}
	expected := map[string]map[string]string{"18.01.04.2001": want("•"), "18.01.04.2002": want("<5"), "18.01.04.2003": want("•")}

	for _, who := range []string{tt.Secretariat, tt.VerifierA, tt.Taskforce, tt.RegencyMemberA} {
		var d outreachAnswer
		get(t, srv, who, url("outreach", "area=18.01.04&year=2025"), &d)
		eq(t, who+": Natar's logs with risk (public)", d.Totals.FollowUp.WithRisk, 15)
		eq(t, who+": Natar's hidden counts", len(d.Totals.Hidden), 0)
		eq(t, who+": rows", len(d.Rows), 26)
		for _, r := range d.Rows {
			exp := expected[r.Area.Code]
			if fmt.Sprint(r.Hidden) != fmt.Sprint(exp) && !(len(exp) == 0 && len(r.Hidden) == 0) {
				t.Errorf("%s: %s hidden %v, want %v", who, r.Area.Code, r.Hidden, exp)
			}
			if exp != nil {
				// a hidden count carries no number
				if r.Referred != 0 || r.FollowUp.WithRisk != 0 || r.FollowUp.FollowedUp != 0 {
					t.Errorf("%s: %s shows a hidden count: %+v", who, r.Area.Code, r.outreachFigs)
				}
				for _, b := range r.RiskSignals {
					if b.Key == "broker_sponsor" && (b.Count != 0 || b.Mark != exp["riskSignals.broker_sponsor"]) {
						t.Errorf("%s: %s broker %+v", who, r.Area.Code, b)
					}
				}
				eq(t, who+": "+r.Area.Code+" logs shown", r.Logs > 0, true)
			}
		}
	}

	// Sidosari's own report: the same marks as its row
	var v outreachAnswer
	get(t, srv, tt.VerifierA, url("outreach", "area=18.01.04.2002&year=2025"), &v)
	if fmt.Sprint(v.Totals.Hidden) != fmt.Sprint(expected["18.01.04.2002"]) || v.Totals.FollowUp.WithRisk != 0 {
		t.Errorf("Sidosari's own report: %+v", v.Totals)
	}
	eq(t, "Sidosari's logs", v.Totals.Logs, 2)

	// the regency's view: districts, as they are
	var r outreachAnswer
	get(t, srv, tt.VerifierA, url("outreach", "area=18.01&year=2025"), &r)
	for _, row := range r.Rows {
		if len(row.Hidden) > 0 {
			t.Errorf("regency view: district %s hidden %v", row.Area.Code, row.Hidden)
		}
		if row.Area.Code == "18.01.04" {
			eq(t, "Natar in the regency's view", row.FollowUp.WithRisk, 15)
		}
	}

	// the CSV of the district: Sidosari's line has the marks, no count of 2
	res := srv.Do(t, "GET", "/api/exports/report_outreach.csv?area=18.01.04&year=2025", tt.Token(t, srv.App, tt.Secretariat), nil)
	if res.Status != 200 {
		t.Fatalf("export: %d %s", res.Status, res.Body)
	}
	var line string
	for _, l := range strings.Split(string(res.Body), "\n") {
		if strings.Contains(l, "18.01.04.2002") {
			line = l
		}
	}
	if strings.Count(line, `"<5"`) != 5 || strings.Count(line, `"•"`) != 1 { // 3 follow-up counts, broker, BP3MI; the within-7-days share
		t.Errorf("Sidosari's CSV line: %q", line)
	}
}

// TestOutreachSmallCountsHiddenAtEveryLevel: three approved logs (each a
// broker, referred to BP3MI) in one village of a district where no other
// village has any. The district's 3 would give the village's away in any
// view that showed it, so the rule holds at every level below the
// province: the regency's view hides the district's counts as "<5", the
// district's view its total and its village, the village's own view the
// same marks, and each area reads the same in its own view as in its
// parent's. Its regency, with Natar's 15 besides, shows its counts.
func TestOutreachSmallCountsHiddenAtEveryLevel(t *testing.T) {
	t.Parallel()
	srv := outreachPrivacyFixture(t)
	var village, district string
	if err := srv.App.DB().NewQuery(`SELECT id, parent FROM areas WHERE level = 'village' AND parent LIKE '18.01.%' AND parent != '18.01.04' ORDER BY id LIMIT 1`).
		Row(&village, &district); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		f := tt.Outreach(village)
		f["id"] = fmt.Sprintf("outsmalllevel%02d", i)
		f["status"] = catalog.StatusApproved
		f["follow_up_date"] = "2025-04-04 00:00:00.000Z"
		saveRecord(t, srv, catalog.OutreachLogs, f)
	}
	view := func(area string) outreachAnswer {
		var d outreachAnswer
		get(t, srv, tt.Taskforce, url("outreach", "area="+area+"&year=2025"), &d)
		return d
	}
	rowOf := func(d outreachAnswer, code string) outreachFigs {
		for _, r := range d.Rows {
			if r.Area.Code == code {
				return r.outreachFigs
			}
		}
		t.Fatalf("no row %s", code)
		return outreachFigs{}
	}
	small := []string{"referred", "followUp.withRisk", "followUp.followedUp", "followUp.within7Days", "riskSignals.broker_sponsor", "referrals.bp3mi", "actions.referred"}
	hiddenSmall := func(what string, f outreachFigs) {
		for _, k := range small {
			if f.Hidden[k] != "<5" {
				t.Errorf("%s: %s marked %q, want <5 (hidden: %v)", what, k, f.Hidden[k], f.Hidden)
			}
		}
		if f.Referred != 0 || f.FollowUp.WithRisk != 0 || f.FollowUp.FollowedUp != 0 {
			t.Errorf("%s shows a hidden count: %+v", what, f)
		}
		eq(t, what+": logs (public, as in the review report)", f.Logs, 3)
	}
	regency, districtView, villageView := view("18.01"), view(district), view(village)
	hiddenSmall("the district in the regency's view", rowOf(regency, district))
	hiddenSmall("the district's own view", districtView.Totals)
	hiddenSmall("the village in the district's view", rowOf(districtView, village))
	hiddenSmall("the village's own view", villageView.Totals)
	eq(t, "the regency's own counts (15 + 3): shown", len(regency.Totals.Hidden), 0)
	eq(t, "the regency's logs with a risk signal", regency.Totals.FollowUp.WithRisk, 18)
	// Natar (15) beside the hidden 3 would give it away from the regency's 18: hidden as a complement too
	if rowOf(regency, "18.01.04").Hidden["followUp.withRisk"] != "•" {
		t.Errorf("Natar in the regency's view: %v", rowOf(regency, "18.01.04").Hidden)
	}
	// each area reads the same in its own view as in its parent's
	for _, pair := range []struct {
		what        string
		own, parent outreachFigs
	}{{"Natar", view("18.01.04").Totals, rowOf(regency, "18.01.04")}, {"the district", districtView.Totals, rowOf(regency, district)},
		{"the village", villageView.Totals, rowOf(districtView, village)}, {"the regency", regency.Totals, rowOf(view("18"), "18.01")}} {
		if fmt.Sprint(pair.own.Hidden) != fmt.Sprint(pair.parent.Hidden) {
			t.Errorf("%s: own view hides %v, its parent's %v", pair.what, pair.own.Hidden, pair.parent.Hidden)
		}
	}
}
