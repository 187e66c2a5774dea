package reports

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"jangkau/catalog"
	"jangkau/privacy"
	"jangkau/privacy/privacytest"
)

// TestOutreachSuppressionBruteForce: random districts of 2 to 5 villages
// with small outreach counts, suppressed by hideOutreachRows with the
// district's counts all shown, or (every other table) with its small ones
// hidden as the regency's view hides them, read by
// privacytest's reader (who knows the rules and nothing of how counts are
// chosen, and tries every value): by one who knows nothing more and by
// each village's officer (its row exactly). No hidden small count may be
// determined, unless the public counts (the district's, each village's
// logs) determine it whatever is hidden: then it is counted as given away
// by the public figures (docs/reports.md, "Hidden outreach counts").
func TestOutreachSuppressionBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 2026))
	small := func() int64 {
		if rng.IntN(3) == 0 {
			return 0
		}
		return int64(rng.IntN(9))
	}
	checked, tables := 0, 0
	unavoidable := [2]int{} // by table kind: the district's counts all shown, its small ones hidden
	for range 300 {
		villages := make([]*OutreachFigures, 2+rng.IntN(4))
		total := &OutreachFigures{}
		for i := range villages {
			f := &OutreachFigures{}
			f.FollowUp.WithRisk = small()
			f.FollowUp.FollowedUp = rng.Int64N(f.FollowUp.WithRisk + 1)
			f.FollowUp.Open = f.FollowUp.WithRisk - f.FollowUp.FollowedUp
			f.FollowUp.Within7Days = rng.Int64N(f.FollowUp.FollowedUp + 1)
			f.Referred = small()
			f.Logs = f.FollowUp.WithRisk + f.Referred + int64(rng.IntN(3))
			f.RiskSignals = []Breakdown{{Key: "broker_sponsor", Count: small()}, {Key: "fake_document", Count: small()}}
			f.Referrals = []Breakdown{{Key: "bp3mi", Count: small()}, {Key: "police", Count: small()}}
			f.Actions = []Breakdown{{Key: "referred", Count: small()}, {Key: "counselled", Count: small()}}
			villages[i] = f
		}
		keys := outreachCellKeys(&OutreachFigures{RiskSignals: villages[0].RiskSignals, Referrals: villages[0].Referrals, Actions: villages[0].Actions})
		// the district: each count the sum of its villages'
		total.RiskSignals = []Breakdown{{Key: "broker_sponsor"}, {Key: "fake_document"}}
		total.Referrals = []Breakdown{{Key: "bp3mi"}, {Key: "police"}}
		total.Actions = []Breakdown{{Key: "referred"}, {Key: "counselled"}}
		tc := outreachCells(total)
		for _, f := range villages {
			for key, p := range outreachCells(f) {
				*tc[key] += *p
			}
		}
		// the district's counts as the regency's view shows them: all, or
		// its small ones hidden there (then protected here as well)
		var upstream map[string]string
		if tables%2 == 1 {
			upstream = map[string]string{}
			for key, p := range tc {
				if key != hideLogs && *p >= 1 && *p <= privacy.SmallCellLimit {
					upstream[key] = privacy.SmallMark
				}
			}
		}
		hidden := hideOutreachRows(total, catalog.LevelDistrict, villages, catalog.LevelVillage, upstream)
		tables++

		k := len(keys)
		n := (len(villages) + 1) * k
		values := make([]int, n)
		levels := make([]string, n)
		marks := make([]string, n)
		everything := make([]string, n) // every count hidden that can be: what the public figures alone tell
		for r, f := range append(append([]*OutreachFigures{}, villages...), total) {
			cells := outreachCells(f)
			for c, key := range keys {
				i := r*k + c
				values[i] = int(*cells[key])
				levels[i] = catalog.LevelVillage
				if r == len(villages) {
					levels[i] = catalog.LevelDistrict
				}
				marks[i] = strconv.Itoa(values[i])
				everything[i] = marks[i]
				if r == len(villages) && upstream[key] != "" {
					marks[i], everything[i] = upstream[key], upstream[key]
				}
				if r < len(villages) {
					if m, ok := hidden[r][key]; ok {
						marks[i] = m
					}
					if key != hideLogs && values[i] > 0 {
						everything[i] = privacy.ComplementMark
						if values[i] <= privacy.SmallCellLimit {
							everything[i] = privacy.SmallMark
						}
					}
				}
			}
		}
		var sums []privacy.Sum
		for c := range keys {
			s := privacy.Sum{Total: len(villages)*k + c}
			for r := range villages {
				s.Parts = append(s.Parts, r*k+c)
			}
			sums = append(sums, s)
		}
		for r := range villages {
			at := func(key string) int {
				for c, kk := range keys {
					if kk == key {
						return r*k + c
					}
				}
				return -1
			}
			sums = append(sums, privacy.Sum{Total: at(hideWithRisk), Parts: []int{at(hideFollowedUp), at(hideOpen)}})
		}
		readers := []map[int]int{{}}
		for r := range villages {
			known := map[int]int{}
			for c := range keys {
				known[r*k+c] = values[r*k+c]
			}
			readers = append(readers, known)
		}
		for _, known := range readers {
			seen := privacytest.Table{Marks: marks, Levels: levels, Sums: sums, Known: known, Limit: 100}
			bare := privacytest.Table{Marks: everything, Levels: levels, Sums: sums, Known: known, Limit: 100}
			for i, m := range marks {
				if m != privacy.SmallMark {
					continue
				}
				if _, own := known[i]; own {
					continue
				}
				checked++
				det, ok := seen.Determined(i, values[i], 200000)
				if !ok {
					t.Fatalf("table %d: the reader's search ran out", tables)
				}
				if !det {
					continue
				}
				if det2, _ := bare.Determined(i, values[i], 200000); det2 {
					unavoidable[tables%2]++ // tables was counted up: 1 for the kind with the district hidden
					continue
				}
				t.Errorf("table %d: count %d (%s of village %d) = %d determined by a reader knowing %d counts; marks %v",
					tables, i, keys[i%k], i/k, values[i], len(known), marks)
			}
		}
	}
	t.Logf("%d tables, %d (reader, hidden small count) pairs checked; given away by the public figures alone: %d with the district's counts all shown, %d with its small ones hidden (the regency's view)",
		tables, checked, unavoidable[1], unavoidable[0])
	// what stays given away: a district count of 5 or more is shown, and a
	// reader who knows one village's counts takes them from it
	if unavoidable[0] >= unavoidable[1] {
		t.Errorf("hiding the district's small counts should protect some of what its public counts gave away: %d, then %d", unavoidable[1], unavoidable[0])
	}
	if checked < 1000 {
		t.Errorf("only %d hidden counts checked", checked)
	}
}
