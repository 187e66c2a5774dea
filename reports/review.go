package reports

import (
	"jangkau/catalog"
)

// MissingField counts the records lacking one field.
type MissingField struct {
	Field   string  `json:"field"`
	Records int64   `json:"records"`
	Pct     float64 `json:"pct"`
}

// ReviewFigures are report 7's figures for one collection in one area.
type ReviewFigures struct {
	Total               int64          `json:"total"`
	Draft               int64          `json:"draft"`
	Submitted           int64          `json:"submitted"` // pending review
	Returned            int64          `json:"returned"`
	Approved            int64          `json:"approved"`
	MedianApprovalHours *int64         `json:"medianApprovalHours"` // lower bound of the median bucket
	ApprovedWithin7Days int64          `json:"approvedWithin7Days"`
	ApprovedWithin7Pct  float64        `json:"approvedWithin7Pct"`
	Checked             int64          `json:"checked"` // submitted and approved records, whose completeness is measured
	Missing             []MissingField `json:"missing"`
}

// ReviewRow is one area's line of report 7.
type ReviewRow struct {
	Area       AreaRef       `json:"area"`
	Activities ReviewFigures `json:"activities"`
	Outreach   ReviewFigures `json:"outreach"`
}

// ReviewReport is report 7: review performance and data completeness. It
// counts records of every status whose date lies in the period, whatever
// the include-submitted switch.
type ReviewReport struct {
	Header
	Totals ReviewRow   `json:"totals"`
	Rows   []ReviewRow `json:"rows"`
}

var missingFields = map[string][]string{
	catalog.Activities:   {"participants", "topics", "venue", "outcome_summary", "target_groups", "end_date"},
	catalog.OutreachLogs: {"participants", "topics", "target_category", "action_taken"},
}

// byStatus indexes rows by area, status, dimension and key.
type byStatus map[string]map[string]map[string]map[string]Measures

func groupByStatus(rows []StatRow, total string) byStatus {
	g := byStatus{}
	for _, r := range rows {
		for _, area := range []string{r.Area, total} {
			if area == "" {
				continue
			}
			if g[area] == nil {
				g[area] = map[string]map[string]map[string]Measures{}
			}
			if g[area][r.Status] == nil {
				g[area][r.Status] = map[string]map[string]Measures{}
			}
			if g[area][r.Status][r.Dim] == nil {
				g[area][r.Status][r.Dim] = map[string]Measures{}
			}
			m := g[area][r.Status][r.Dim][r.Key]
			m.Add(r.Measures)
			g[area][r.Status][r.Dim][r.Key] = m
		}
	}
	return g
}

func reviewFigures(collection string, st map[string]map[string]map[string]Measures) ReviewFigures {
	n := func(status string) int64 { return st[status][DimAll][""].N }
	f := ReviewFigures{Draft: n(catalog.StatusDraft), Submitted: n(catalog.StatusSubmitted), Returned: n(catalog.StatusReturned), Approved: n(catalog.StatusApproved)}
	f.Total = f.Draft + f.Submitted + f.Returned + f.Approved
	hist := st[catalog.StatusApproved][DimApproval]
	if med, ok := medianKey(hist); ok {
		f.MedianApprovalHours = &med
	}
	var timed int64
	for _, m := range hist {
		timed += m.N
	}
	f.ApprovedWithin7Days = countAtMost(hist, 7*24)
	f.ApprovedWithin7Pct = pct(f.ApprovedWithin7Days, timed)
	f.Checked = f.Submitted + f.Approved
	for _, field := range missingFields[collection] {
		c := st[catalog.StatusSubmitted][DimMissing][field].N + st[catalog.StatusApproved][DimMissing][field].N
		f.Missing = append(f.Missing, MissingField{Field: field, Records: c, Pct: pct(c, f.Checked)})
	}
	return f
}

// Review builds report 7.
func Review(o Options) (*ReviewReport, error) {
	r := &ReviewReport{Header: o.header("review", "Kinerja verifikasi dan kelengkapan data", "Review performance and data completeness")}
	r.Statuses = catalog.Statuses
	self := o.Area.Level == catalog.LevelVillage
	groups := map[string]byStatus{}
	for _, col := range Counted {
		rows, err := o.Engine.Stats(StatQuery{Collection: col, Area: o.Area, Self: self, Period: o.Period, Statuses: catalog.Statuses,
			Dims: []string{DimAll, DimMissing, DimApproval}})
		if err != nil {
			return nil, err
		}
		total := "@total"
		if self {
			total = ""
		}
		groups[col] = groupByStatus(rows, total)
	}
	row := func(area, key string) ReviewRow {
		return ReviewRow{Area: o.Dir.Ref(area),
			Activities: reviewFigures(catalog.Activities, groups[catalog.Activities][key]),
			Outreach:   reviewFigures(catalog.OutreachLogs, groups[catalog.OutreachLogs][key])}
	}
	if self {
		r.Totals = row(o.Area.Code, o.Area.Code)
	} else {
		r.Totals = row(o.Area.Code, "@total")
	}
	r.Rows = []ReviewRow{}
	for _, c := range o.children() {
		r.Rows = append(r.Rows, row(c, c))
	}
	return r, nil
}

// Tables lays report 7 out: one line per area, activities then outreach.
func (r *ReviewReport) Tables(lang string) []Table {
	cols := areaColumns(lang)
	for _, col := range []struct{ name, id, en string }{{catalog.Activities, "Kegiatan", "Activities"}, {catalog.OutreachLogs, "Penjangkauan", "Outreach"}} {
		p := T(lang, col.id, col.en) + ": "
		cols = append(cols, p+T(lang, "total", "total"), p+LabelOf("status", "draft", lang), p+LabelOf("status", "submitted", lang),
			p+LabelOf("status", "returned", lang), p+LabelOf("status", "approved", lang),
			p+T(lang, "median jam sampai disetujui", "median hours to approval"), p+T(lang, "disetujui <= 7 hari (%)", "approved within 7 days (%)"))
		for _, f := range missingFields[col.name] {
			cols = append(cols, p+LabelOf("missing", f, lang))
		}
	}
	cells := func(f ReviewFigures) []any {
		var med any = ""
		if f.MedianApprovalHours != nil {
			med = *f.MedianApprovalHours
		}
		out := []any{f.Total, f.Draft, f.Submitted, f.Returned, f.Approved, med, f.ApprovedWithin7Pct}
		for _, m := range f.Missing {
			out = append(out, m.Records)
		}
		return out
	}
	line := func(a AreaRef, row ReviewRow) []any {
		out := areaCells(a, lang)
		out = append(out, cells(row.Activities)...)
		return append(out, cells(row.Outreach)...)
	}
	t := Table{Name: "verifikasi", Title: T(lang, r.Title, r.TitleEN), Columns: cols}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, line(row.Area, row))
	}
	t.Rows = append(t.Rows, line(totalRef(r.Area, lang), r.Totals))
	return []Table{t}
}
