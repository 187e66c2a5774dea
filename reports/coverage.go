package reports

import (
	"strings"

	"jangkau/catalog"
)

// CoverageFigures count the villages of an area reached by at least one
// activity in the period.
type CoverageFigures struct {
	Villages   int     `json:"villages"`
	Reached    int     `json:"reached"`
	NotReached int     `json:"notReached"`
	Pct        float64 `json:"pct"`
}

// CoverageRow is one area's line of report 2.
type CoverageRow struct {
	Area AreaRef `json:"area"`
	CoverageFigures
}

// CoverageReport is report 2: the share of villages with at least one
// counted activity in the period, and the villages with none.
type CoverageReport struct {
	Header
	Totals     CoverageFigures `json:"totals"`
	Rows       []CoverageRow   `json:"rows"`
	Unreached  []AreaRef       `json:"unreached"`
	reachedSet map[string]bool
}

// Coverage builds report 2. The villages counted are the active ones, plus
// any inactive (replaced) village that still had activities in the period.
func Coverage(o Options) (*CoverageReport, error) {
	reached, err := o.Engine.Reached(catalog.Activities, o.Area, o.Period, o.Statuses())
	if err != nil {
		return nil, err
	}
	r := &CoverageReport{Header: o.header("coverage", "Cakupan desa/kelurahan", "Village coverage"), reachedSet: reached}
	count := func(code string) CoverageFigures {
		var f CoverageFigures
		for _, v := range o.Dir.Villages(code) {
			a, _ := o.Dir.Get(v)
			switch {
			case reached[v]:
				f.Villages++
				f.Reached++
			case a.Active:
				f.Villages++
			}
		}
		f.NotReached = f.Villages - f.Reached
		f.Pct = pct(int64(f.Reached), int64(f.Villages))
		return f
	}
	r.Totals = count(o.Area.Code)
	r.Rows = []CoverageRow{}
	for _, c := range o.children() {
		r.Rows = append(r.Rows, CoverageRow{Area: o.Dir.Ref(c), CoverageFigures: count(c)})
	}
	r.Unreached = []AreaRef{}
	for _, v := range o.Dir.Villages(o.Area.Code) {
		if a, _ := o.Dir.Get(v); a.Active && !reached[v] {
			r.Unreached = append(r.Unreached, o.Dir.Ref(v))
		}
	}
	return r, nil
}

// Tables lays report 2 out: coverage per area, then the villages not reached.
func (r *CoverageReport) Tables(lang string) []Table {
	cols := append(areaColumns(lang), T(lang, "Jumlah desa/kelurahan", "Villages"), T(lang, "Terjangkau", "Reached"),
		T(lang, "Belum terjangkau", "Not reached"), T(lang, "Cakupan (%)", "Coverage (%)"))
	t := Table{Name: "cakupan", Title: T(lang, r.Title, r.TitleEN), Columns: cols}
	line := func(a AreaRef, f CoverageFigures) []any {
		return append(areaCells(a, lang), f.Villages, f.Reached, f.NotReached, f.Pct)
	}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, line(row.Area, row.CoverageFigures))
	}
	t.Rows = append(t.Rows, line(totalRef(r.Area, lang), r.Totals))
	u := Table{Name: "belum_terjangkau", Title: T(lang, "Desa/kelurahan belum terjangkau", "Villages not reached"), Columns: areaColumns(lang)}
	for _, a := range r.Unreached {
		u.Rows = append(u.Rows, areaCells(a, lang))
	}
	return []Table{t, u}
}

// ReachedIn counts the reached villages under code (for other reports).
func (r *CoverageReport) ReachedIn(code string) int {
	n := 0
	for v := range r.reachedSet {
		if v == code || strings.HasPrefix(v, code+".") {
			n++
		}
	}
	return n
}
