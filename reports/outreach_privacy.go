package reports

import (
	"slices"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/privacy"
)

// Outreach counts follow the small-count rule of case figures at every
// level below the province (issue 15; docs/reports.md, "Hidden outreach
// counts"). Risk signals and referrals name households: in a village, "2
// logs with a trafficking broker" points at people, and so does a
// district's 2 when one village has them all. So every table of report 5
// (a province's rows of regencies, a regency's of districts, a district's
// of villages; the dashboard, the map and the exports read the same
// answer) has the counts of risk signals, referrals and actions by
// category, and of logs with a risk signal, referred, followed up or not,
// suppressed by privacy.SuppressTableProtecting:
//
//   - a count from 1 to 4 below the province reads "<5", and complements
//     "•" are hidden until no hidden count can be worked out from what is
//     shown, by a reader who knows nothing more or who knows one row's
//     figures exactly (its officer keeps them);
//   - the table's total (the area itself) reads as its parent's table shows
//     it: its shown counts are public, every reader knows them and they are
//     never hidden; a count its parent's table hides stays out of reach of
//     the rows here too (Guard.Protect). Each row's number of logs is
//     public (the review report shows it);
//   - the sums the reader can use: each column of rows adds up to the
//     total; followed up + not yet followed up = logs with a risk signal;
//   - an area's own report shows the marks of its row in its parent's
//     table, so every view of it reads the same.
//
// Hidden counts read 0 in the JSON with their mark in Hidden (and Mark on a
// breakdown); shares computed from a hidden count read 0 and are marked
// too. Left open: a count is kept from being known exactly, not from a
// range; a count that shown totals of 5 or more fix whatever is hidden
// (the only village with such logs beside one whose officer reads the
// table) stays marked but is not protected; nor is a row with one log,
// where each count is 0 or 1 (its "<5" is 1).

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

// hideOutreachRows decides which counts of the rows (areas of rowLevel) of
// a table whose total (an area of totalLevel) is shown with totalMarks, the
// marks its parent's table gave it (nil: every count shown, as a province's
// are): one map of marks per row. A count of the total hidden there stays
// out of reach here (privacy.Guard.Protect), so the rows can never add up
// to it; the others, and every row's number of logs (the review report
// shows them), are public.
func hideOutreachRows(total *OutreachFigures, totalLevel string, rows []*OutreachFigures, rowLevel string, totalMarks map[string]string) []map[string]string {
	keys := outreachCellKeys(total)
	k := len(keys)
	at := func(row int, key string) int { return row*k + slices.Index(keys, key) }
	counts := make([]privacy.Count, (len(rows)+1)*k)
	protect := make([]bool, len(counts))
	var known [][]int
	var public []int
	for r, f := range append(slices.Clone(rows), total) {
		cells := outreachCells(f)
		level := rowLevel
		if r == len(rows) {
			level = totalLevel
		}
		var group []int
		for c, key := range keys {
			var n int64
			if p := cells[key]; p != nil {
				n = *p
			}
			i := r*k + c
			counts[i] = privacy.Count{N: int(n), Level: level}
			group = append(group, i)
			switch {
			case key == hideLogs:
				public = append(public, i)
			case r == len(rows) && totalMarks[key] != "":
				protect[i] = true
			case r == len(rows):
				public = append(public, i)
			}
		}
		if r < len(rows) {
			known = append(known, group)
		}
	}
	var sums []privacy.Sum
	for c := range keys {
		s := privacy.Sum{Total: len(rows)*k + c}
		for r := range rows {
			s.Parts = append(s.Parts, r*k+c)
		}
		sums = append(sums, s)
	}
	for r := range rows {
		sums = append(sums, privacy.Sum{Total: at(r, hideWithRisk), Parts: []int{at(r, hideFollowedUp), at(r, hideOpen)}})
	}
	hiding := privacy.SuppressTableProtecting(counts, sums, known, privacy.Guard{Public: public, Protect: protect})
	out := make([]map[string]string, len(rows))
	for r := range rows {
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

// suppressOutreach applies the small-count rule to report 5 at every
// level: the rows of a province's report (regencies), a regency's
// (districts) and a district's (villages), and the totals of each as its
// parent's table shows them, so that every view of one area reads the same
// and no view's rows give away what another hides.
func suppressOutreach(o Options, r *OutreachReport) error {
	memo := map[string]*outreachTable{}
	if o.Area.Level == catalog.LevelVillage {
		district, ok := o.Dir.Get(areas.DistrictOf(o.Area.Code))
		if !ok {
			return nil
		}
		t, err := outreachMarks(o, district, memo)
		if err != nil {
			return err
		}
		applyOutreachHiding(&r.Totals, t.rows[o.Area.Code])
		return nil
	}
	rows := make([]*OutreachFigures, len(r.Rows))
	codes := make([]string, len(r.Rows))
	for i := range r.Rows {
		rows[i], codes[i] = &r.Rows[i].OutreachFigures, r.Rows[i].Area.Code
	}
	t, err := outreachTableOf(o, o.Area, &r.Totals, rows, codes, memo)
	if err != nil {
		return err
	}
	for i, code := range codes {
		applyOutreachHiding(rows[i], t.rows[code])
	}
	applyOutreachHiding(&r.Totals, t.total)
	return nil
}

// outreachTable is the marks of one area's table: its total's (as its
// parent's table shows it) and each child row's, by area code.
type outreachTable struct {
	total map[string]string
	rows  map[string]map[string]string
}

// outreachMarks computes area's table from the stats (memo: the tables of
// one request, by area code).
func outreachMarks(o Options, area *Area, memo map[string]*outreachTable) (*outreachTable, error) {
	if t := memo[area.Code]; t != nil {
		return t, nil
	}
	ao := o
	ao.Area = area
	total, rows, _, err := figuresByArea(ao, catalog.OutreachLogs, outreachDims, outreachFigures,
		func(a AreaRef, f OutreachFigures) OutreachRow { return OutreachRow{Area: a, OutreachFigures: f} })
	if err != nil {
		return nil, err
	}
	figs := make([]*OutreachFigures, len(rows))
	codes := make([]string, len(rows))
	for i := range rows {
		figs[i], codes[i] = &rows[i].OutreachFigures, rows[i].Area.Code
	}
	return outreachTableOf(o, area, &total, figs, codes, memo)
}

// outreachTableOf decides the marks of area's table of total and rows
// (unchanged), after its parent's, which give the total's.
func outreachTableOf(o Options, area *Area, total *OutreachFigures, rows []*OutreachFigures, codes []string, memo map[string]*outreachTable) (*outreachTable, error) {
	t := &outreachTable{rows: map[string]map[string]string{}}
	if area.Level != catalog.LevelProvince {
		if parent, ok := o.Dir.Get(area.Parent); ok {
			pt, err := outreachMarks(o, parent, memo)
			if err != nil {
				return nil, err
			}
			t.total = pt.rows[area.Code]
		}
	}
	rowLevel := catalog.LevelVillage
	switch area.Level {
	case catalog.LevelProvince:
		rowLevel = catalog.LevelRegency
	case catalog.LevelRegency:
		rowLevel = catalog.LevelDistrict
	}
	for i, marks := range hideOutreachRows(total, area.Level, rows, rowLevel, t.total) {
		t.rows[codes[i]] = marks
	}
	memo[area.Code] = t
	return t, nil
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
