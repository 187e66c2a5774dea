package reports

import (
	"slices"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/privacy"
)

// Outreach counts of villages follow the small-count rule of case figures
// (issue 15; docs/reports.md, "Hidden outreach counts"). Risk signals and
// referrals name households: in a village, "2 logs with a trafficking
// broker" points at people. So wherever a report shows villages (report 5
// of a district, whose rows are its villages, or of one village; the
// dashboard, the map and the exports read the same answer), the counts of
// risk signals, referrals and actions by category, and the logs with a risk
// signal, referred, followed up or not, are suppressed as one table per
// district by privacy.SuppressTableProtecting with Guard.Public:
//
//   - a count from 1 to 4 reads "<5", and complements "•" are hidden until
//     no hidden count can be worked out from what is shown, by a reader who
//     knows nothing more or who knows one village's figures exactly (its
//     officer keeps them);
//   - the district's own counts are public: the regency's view lists them
//     as they are (districts are not villages), so every reader knows them
//     and they are never hidden; so is each village's number of logs (the
//     volume of outreach work, shown by other reports too);
//   - the sums the reader can use: each column of villages adds up to the
//     district's count; followed up + not yet followed up = logs with a risk
//     signal;
//   - a village's own report shows the marks of its row of its district's
//     table, so both views read the same.
//
// Hidden counts read 0 in the JSON with their mark in Hidden (and Mark on a
// breakdown); shares computed from a hidden count read 0 and are marked
// too. Left open: a count is kept from being known exactly, not from a
// range; a count the public figures fix whatever is hidden stays marked but
// is not protected: the only village of its district with such logs (the
// district's count is its own), or a village with one log (every "<5" of
// it is then 1). Protecting those needs the district's counts hidden in the
// regency's view too (docs/reports.md).

// Names of the counts in OutreachFigures.Hidden.
const (
	hideLogs          = "logs" // public: in the table for the actions' sum only
	hideReferred      = "referred"
	hideWithRisk      = "followUp.withRisk"
	hideFollowedUp    = "followUp.followedUp"
	hideOpen          = "followUp.open"
	hideWithin7       = "followUp.within7Days"
	hideWithin7Pct    = "followUp.within7Pct"
	hideFollowedUpPct = "followUp.followedUpPct"
	hideRiskPrefix    = "riskSignals."
	hideReferralPre   = "referrals."
	hideActionPrefix  = "actions."
)

// outreachCellKeys lists the counts of the table in display order, from
// the district's figures (which hold every key any village has).
func outreachCellKeys(total *OutreachFigures) []string {
	keys := []string{hideLogs, hideReferred, hideWithRisk, hideFollowedUp, hideOpen, hideWithin7}
	for _, b := range total.RiskSignals {
		keys = append(keys, hideRiskPrefix+b.Key)
	}
	for _, b := range total.Referrals {
		keys = append(keys, hideReferralPre+b.Key)
	}
	for _, b := range total.Actions {
		keys = append(keys, hideActionPrefix+b.Key)
	}
	return keys
}

// outreachCells points at the counts of f by name.
func outreachCells(f *OutreachFigures) map[string]*int64 {
	m := map[string]*int64{
		hideLogs: &f.Logs, hideReferred: &f.Referred, hideWithRisk: &f.FollowUp.WithRisk,
		hideFollowedUp: &f.FollowUp.FollowedUp, hideOpen: &f.FollowUp.Open, hideWithin7: &f.FollowUp.Within7Days,
	}
	for _, list := range []struct {
		prefix string
		items  []Breakdown
	}{{hideRiskPrefix, f.RiskSignals}, {hideReferralPre, f.Referrals}, {hideActionPrefix, f.Actions}} {
		for i := range list.items {
			m[list.prefix+list.items[i].Key] = &list.items[i].Count
		}
	}
	return m
}

// hideOutreachVillages decides which counts of the villages of a district
// are hidden: one map of marks per village (in the order given).
func hideOutreachVillages(total *OutreachFigures, villages []*OutreachFigures) []map[string]string {
	keys := outreachCellKeys(total)
	k := len(keys)
	at := func(row int, key string) int { return row*k + slices.Index(keys, key) }
	counts := make([]privacy.Count, (len(villages)+1)*k)
	var known [][]int
	var public []int
	for r, f := range append(slices.Clone(villages), total) {
		cells := outreachCells(f)
		level := catalog.LevelVillage
		if r == len(villages) {
			level = catalog.LevelDistrict
		}
		var group []int
		for c, key := range keys {
			var n int64
			if p := cells[key]; p != nil {
				n = *p
			}
			counts[r*k+c] = privacy.Count{N: int(n), Level: level}
			group = append(group, r*k+c)
			if r == len(villages) || key == hideLogs {
				public = append(public, r*k+c)
			}
		}
		if r < len(villages) {
			known = append(known, group)
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
		sums = append(sums, privacy.Sum{Total: at(r, hideWithRisk), Parts: []int{at(r, hideFollowedUp), at(r, hideOpen)}})
	}
	hiding := privacy.SuppressTableProtecting(counts, sums, known, privacy.Guard{Public: public})
	out := make([]map[string]string, len(villages))
	for r := range villages {
		for c, key := range keys {
			if h := hiding[r*k+c]; h != privacy.Shown {
				if out[r] == nil {
					out[r] = map[string]string{}
				}
				out[r][key] = h.Show(0)
			}
		}
	}
	return out
}

// applyOutreachHiding zeroes the hidden counts of f, marks them, and the
// shares computed from them.
func applyOutreachHiding(f *OutreachFigures, marks map[string]string) {
	if len(marks) == 0 {
		return
	}
	// Referred is at least the logs whose action is "referred": hidden
	// with it, so that a shown Referred never pins that complement.
	if _, ok := marks[hideActionPrefix+"referred"]; ok && marks[hideReferred] == "" {
		marks[hideReferred] = privacy.ComplementMark
	}
	if marks[hideWithin7] != "" || marks[hideFollowedUp] != "" {
		marks[hideWithin7Pct] = privacy.ComplementMark
	}
	if marks[hideFollowedUp] != "" || marks[hideWithRisk] != "" {
		marks[hideFollowedUpPct] = privacy.ComplementMark
	}
	cells := outreachCells(f)
	for key := range marks {
		if p := cells[key]; p != nil {
			*p = 0
		}
	}
	for _, list := range []struct {
		prefix string
		items  []Breakdown
	}{{hideRiskPrefix, f.RiskSignals}, {hideReferralPre, f.Referrals}, {hideActionPrefix, f.Actions}} {
		for i := range list.items {
			if m, ok := marks[list.prefix+list.items[i].Key]; ok {
				list.items[i].Mark = m
				list.items[i].Participants = 0
			}
		}
	}
	if marks[hideWithin7Pct] != "" {
		f.FollowUp.Within7Pct = 0
	}
	if marks[hideFollowedUpPct] != "" {
		f.FollowUp.FollowedUpPct = 0
	}
	f.Hidden = marks
}

// suppressOutreach applies the small-count rule to a report 5 that shows
// villages: the rows of a district's report, the totals of a village's.
func suppressOutreach(o Options, r *OutreachReport) error {
	switch o.Area.Level {
	case catalog.LevelDistrict:
		villages := make([]*OutreachFigures, len(r.Rows))
		for i := range r.Rows {
			villages[i] = &r.Rows[i].OutreachFigures
		}
		for i, marks := range hideOutreachVillages(&r.Totals, villages) {
			applyOutreachHiding(villages[i], marks)
		}
	case catalog.LevelVillage:
		district, ok := o.Dir.Get(areas.DistrictOf(o.Area.Code))
		if !ok {
			return nil
		}
		do := o
		do.Area = district
		total, rows, _, err := figuresByArea(do, catalog.OutreachLogs, outreachDims, outreachFigures,
			func(a AreaRef, f OutreachFigures) OutreachRow { return OutreachRow{Area: a, OutreachFigures: f} })
		if err != nil {
			return err
		}
		villages := make([]*OutreachFigures, len(rows))
		for i := range rows {
			villages[i] = &rows[i].OutreachFigures
		}
		for i, marks := range hideOutreachVillages(&total, villages) {
			if rows[i].Area.Code == o.Area.Code {
				applyOutreachHiding(&r.Totals, marks)
			}
		}
	}
	return nil
}

// markedCounts lays a breakdown out for a table: each code's count, or its
// mark when hidden.
func markedCounts(list []Breakdown, codes []string) []any {
	out := countsOf(list, codes)
	for i, c := range codes {
		for _, b := range list {
			if b.Key == c && b.Mark != "" {
				out[i] = b.Mark
			}
		}
	}
	return out
}
