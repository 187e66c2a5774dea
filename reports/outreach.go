package reports

import (
	"jangkau/catalog"
)

// FollowUp measures the time from a risk signal's detection (the outreach
// date) to its follow-up (follow_up_date), in whole WIB days.
type FollowUp struct {
	WithRisk      int64   `json:"withRisk"`      // logs with at least one risk signal
	FollowedUp    int64   `json:"followedUp"`    // of those, with a follow-up date
	Open          int64   `json:"open"`          // of those, without one yet
	MedianDays    *int64  `json:"medianDays"`    // null when none followed up
	Within7Days   int64   `json:"within7Days"`   // followed up within 7 days
	Within7Pct    float64 `json:"within7Pct"`    // of those followed up
	FollowedUpPct float64 `json:"followedUpPct"` // of those with risk
}

// OutreachFigures are report 5's figures for one area.
type OutreachFigures struct {
	Logs         int64        `json:"logs"`
	Participants Participants `json:"participants"`
	Referred     int64        `json:"referred"`
	ByType       []Breakdown  `json:"byType"`
	ByTarget     []Breakdown  `json:"byTarget"`
	ByTopic      []Breakdown  `json:"byTopic"`
	RiskSignals  []Breakdown  `json:"riskSignals"`
	Actions      []Breakdown  `json:"actions"`
	Referrals    []Breakdown  `json:"referrals"`
	FollowUp     FollowUp     `json:"followUp"`
	// Hidden marks the counts of a village hidden by the small-count rule
	// (outreach_privacy.go), by name ("referred", "followUp.withRisk",
	// "riskSignals.<code>"...): "<5" or "•". Those counts read 0, and the
	// shares computed from them too.
	Hidden map[string]string `json:"hidden,omitempty"`
}

// OutreachRow is one area's line of report 5.
type OutreachRow struct {
	Area AreaRef `json:"area"`
	OutreachFigures
}

// OutreachReport is report 5: outreach, risk signals and referrals, and the
// time from detection to follow-up.
type OutreachReport struct {
	Header
	Totals OutreachFigures `json:"totals"`
	Rows   []OutreachRow   `json:"rows"`
	Series []MonthPoint    `json:"series"`
}

var outreachDims = []string{DimAll, DimType, DimTarget, DimTopic, DimRisk, DimAction, DimReferral, DimFlag, DimFollowUp}

func outreachFigures(byDim map[string]map[string]Measures) OutreachFigures {
	all := byDim[DimAll][""]
	flags := byDim[DimFlag]
	f := OutreachFigures{
		Logs: all.N, Participants: participantsOf(all), Referred: flags[FlagReferred].N,
		ByType:      breakdown(catalog.CodesOf("outreach_types"), byDim[DimType]),
		ByTarget:    breakdown(catalog.CodesOf("target_groups"), byDim[DimTarget]),
		ByTopic:     breakdown(catalog.CodesOf("topics"), byDim[DimTopic]),
		RiskSignals: breakdown(catalog.CodesOf("risk_signals"), byDim[DimRisk]),
		Actions:     breakdown(catalog.CodesOf("outreach_actions"), byDim[DimAction]),
		Referrals:   breakdown(catalog.CodesOf("referral_agencies"), byDim[DimReferral]),
	}
	hist := byDim[DimFollowUp]
	fu := FollowUp{WithRisk: flags[FlagRisk].N, Open: flags[FlagFollowUpOpen].N}
	for _, m := range hist {
		fu.FollowedUp += m.N
	}
	if med, ok := medianKey(hist); ok {
		fu.MedianDays = &med
	}
	fu.Within7Days = countAtMost(hist, 7)
	fu.Within7Pct = pct(fu.Within7Days, fu.FollowedUp)
	fu.FollowedUpPct = pct(fu.FollowedUp, fu.WithRisk)
	f.FollowUp = fu
	return f
}

// Outreach builds report 5.
func Outreach(o Options) (*OutreachReport, error) {
	r := &OutreachReport{Header: o.header("outreach", "Penjangkauan, sinyal risiko dan rujukan", "Outreach, risk signals and referrals")}
	var err error
	r.Totals, r.Rows, r.Series, err = figuresByArea(o, catalog.OutreachLogs, outreachDims, outreachFigures,
		func(a AreaRef, f OutreachFigures) OutreachRow { return OutreachRow{Area: a, OutreachFigures: f} })
	if err != nil {
		return nil, err
	}
	if err := suppressOutreach(o, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Tables lays report 5 out: one line per area.
func (r *OutreachReport) Tables(lang string) []Table {
	cols := append(areaColumns(lang),
		T(lang, "Jumlah penjangkauan", "Outreach contacts"),
		T(lang, "Anak laki-laki", "Male children"), T(lang, "Anak perempuan", "Female children"),
		T(lang, "Dewasa laki-laki", "Male adults"), T(lang, "Dewasa perempuan", "Female adults"),
		T(lang, "Total orang terjangkau", "People reached"),
		T(lang, "Dengan sinyal risiko", "With risk signals"), T(lang, "Dirujuk", "Referred"),
		T(lang, "Sudah ditindaklanjuti", "Followed up"), T(lang, "Belum ditindaklanjuti", "Not yet followed up"),
		T(lang, "Median hari sampai tindak lanjut", "Median days to follow-up"), T(lang, "Tindak lanjut <= 7 hari (%)", "Followed up within 7 days (%)"))
	cols = append(cols, codeColumns(T(lang, "Risiko: ", "Risk: "), "risk_signal", catalog.CodesOf("risk_signals"), lang)...)
	cols = append(cols, codeColumns(T(lang, "Rujukan: ", "Referred to: "), "agency", catalog.CodesOf("referral_agencies"), lang)...)
	cols = append(cols, codeColumns(T(lang, "Jenis: ", "Type: "), "outreach_type", catalog.CodesOf("outreach_types"), lang)...)
	line := func(a AreaRef, f OutreachFigures) []any {
		p := f.Participants
		var median any = ""
		if f.FollowUp.MedianDays != nil {
			median = *f.FollowUp.MedianDays
		}
		// a count hidden by the small-count rule reads its mark
		cell := func(key string, n any) any {
			if m, ok := f.Hidden[key]; ok {
				return m
			}
			return n
		}
		row := append(areaCells(a, lang), f.Logs, p.MaleChild, p.FemaleChild, p.MaleAdult, p.FemaleAdult, p.Total,
			cell(hideWithRisk, f.FollowUp.WithRisk), cell(hideReferred, f.Referred), cell(hideFollowedUp, f.FollowUp.FollowedUp),
			cell(hideOpen, f.FollowUp.Open), median, cell(hideWithin7Pct, f.FollowUp.Within7Pct))
		row = append(row, markedCounts(f.RiskSignals, catalog.CodesOf("risk_signals"))...)
		row = append(row, markedCounts(f.Referrals, catalog.CodesOf("referral_agencies"))...)
		return append(row, countsOf(f.ByType, catalog.CodesOf("outreach_types"))...)
	}
	t := Table{Name: "penjangkauan", Title: T(lang, r.Title, r.TitleEN), Columns: cols}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, line(row.Area, row.OutreachFigures))
	}
	t.Rows = append(t.Rows, line(totalRef(r.Area, lang), r.Totals))
	s := monthTable(lang, T(lang, "Penjangkauan per bulan", "Outreach per month"),
		T(lang, "Jumlah penjangkauan", "Outreach contacts"), T(lang, "Total orang terjangkau", "People reached"), r.Series)
	return []Table{t, s}
}
