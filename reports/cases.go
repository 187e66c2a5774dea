package reports

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/privacy"
)

// CaseFigures are aggregate case figures of one area, as shown: every count
// is text, and below province level a count from 1 to 4 reads "<5"
// (privacy.SuppressCount). Raw counts never leave this file.
type CaseFigures struct {
	Source       string            `json:"source"`
	FigureStatus string            `json:"figure_status"` // final, provisional, or mixed
	Periods      []string          `json:"periods"`       // the figure periods summed
	Complete     bool              `json:"complete"`      // the periods cover the whole period asked (for a sum: every part does)
	Summed       bool              `json:"summedFromRegencies,omitempty"`
	CaseCount    string            `json:"case_count"`
	VictimsFC    string            `json:"victims_female_child"`
	VictimsMC    string            `json:"victims_male_child"`
	VictimsFA    string            `json:"victims_female_adult"`
	VictimsMA    string            `json:"victims_male_adult"`
	VictimsTotal string            `json:"victims_total"`
	CasesServed  string            `json:"cases_served"`
	Exploitation map[string]string `json:"exploitation_types"`
	Services     map[string]string `json:"services"`
	Suppressed   bool              `json:"suppressed"` // at least one count reads "<5"
}

// Intensity is the prevention effort of an area in the period.
type Intensity struct {
	Activities      int64   `json:"activities"`
	Participants    int64   `json:"participants"`
	Outreach        int64   `json:"outreach"`
	PeopleReached   int64   `json:"peopleReached"`
	VillagesReached int     `json:"villagesReached"`
	Villages        int     `json:"villages"`
	CoveragePct     float64 `json:"coveragePct"`
}

// CaseRow is one area's line of report 6.
type CaseRow struct {
	Area      AreaRef      `json:"area"`
	Cases     *CaseFigures `json:"cases"` // null: no figures (or below regency level)
	Intensity Intensity    `json:"intensity"`
}

// CasesReport is report 6: case figures beside prevention intensity.
type CasesReport struct {
	Header
	CaseArea          AreaRef   `json:"caseArea"` // the area whose figures are in totals (regency or province)
	Totals            CaseRow   `json:"totals"`
	ActivitiesPerCase *float64  `json:"activitiesPerCase"` // province level only: a ratio would reveal small counts
	Rows              []CaseRow `json:"rows"`
	SourcePreference  []string  `json:"sourcePreference"`
	SuppressionNote   string    `json:"suppressionNote"`
}

type caseRecord struct {
	ID       string `db:"id"`
	Area     string `db:"area"`
	Year     int    `db:"year"`
	Type     string `db:"period_type"`
	Index    int    `db:"period_index"`
	Cases    int    `db:"case_count"`
	FC       int    `db:"victims_female_child"`
	MC       int    `db:"victims_male_child"`
	FA       int    `db:"victims_female_adult"`
	MA       int    `db:"victims_male_adult"`
	Served   int    `db:"cases_served"`
	Status   string `db:"figure_status"`
	Source   string `db:"source"`
	Exploit  string `db:"exploitation_types"`
	Services string `db:"services"`
	Updated  string `db:"updated"`
}

// span returns the WIB days a figure covers.
func (c caseRecord) span() (time.Time, time.Time, bool) {
	idx := c.Index
	if c.Type == PeriodYear {
		idx = 0
	}
	p, err := NewPeriod(c.Type, c.Year, idx)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	return p.From, p.To, true
}

func (c caseRecord) label() string {
	switch c.Type {
	case PeriodYear:
		return fmt.Sprint(c.Year)
	case PeriodSemester:
		return fmt.Sprintf("%d-S%d", c.Year, c.Index)
	case PeriodQuarter:
		return fmt.Sprintf("%d-Q%d", c.Year, c.Index)
	}
	return fmt.Sprintf("%d-%02d", c.Year, c.Index)
}

type caseSum struct {
	source, status      string
	periods             []string
	days                time.Duration
	complete            bool
	cases, fc, mc, fa   int
	ma, served          int
	exploit, services   map[string]int
	summedFromRegencies bool
	present             bool
}

// pickFigures chooses, for one area, the figures of one source (the asked
// one, else the first of catalog.CaseSources that has any) and of the
// coarsest period type lying inside the period; a period entered twice
// counts once (the latest update).
func pickFigures(recs []caseRecord, p Period, source string) caseSum {
	inside := recs[:0:0]
	for _, r := range recs {
		from, to, ok := r.span()
		if ok && !from.Before(p.From) && !to.After(p.To) {
			inside = append(inside, r)
		}
	}
	sources := catalog.CaseSources
	if source != "" {
		sources = []string{source}
	}
	for _, src := range sources {
		for _, kind := range []string{PeriodYear, PeriodSemester, PeriodQuarter, PeriodMonth} {
			latest := map[string]caseRecord{}
			for _, r := range inside {
				if r.Source == src && r.Type == kind {
					if cur, ok := latest[r.label()]; !ok || r.Updated > cur.Updated {
						latest[r.label()] = r
					}
				}
			}
			if len(latest) == 0 {
				continue
			}
			s := caseSum{source: src, present: true, exploit: map[string]int{}, services: map[string]int{}}
			statuses := map[string]bool{}
			for label, r := range latest {
				s.periods = append(s.periods, label)
				from, to, _ := r.span()
				s.days += to.Sub(from)
				s.cases += r.Cases
				s.fc += r.FC
				s.mc += r.MC
				s.fa += r.FA
				s.ma += r.MA
				s.served += r.Served
				addCounts(s.exploit, r.Exploit)
				addCounts(s.services, r.Services)
				statuses[r.Status] = true
			}
			sort.Strings(s.periods)
			s.complete = s.days >= p.To.Sub(p.From)
			s.status = "mixed"
			if len(statuses) == 1 {
				for st := range statuses {
					s.status = st
				}
			}
			return s
		}
	}
	return caseSum{}
}

func addCounts(into map[string]int, raw string) {
	var m map[string]float64
	if json.Unmarshal([]byte(raw), &m) != nil {
		return
	}
	for k, v := range m {
		if v > 0 {
			into[k] += int(v)
		}
	}
}

func (s caseSum) add(o caseSum) caseSum {
	if !o.present {
		return s
	}
	if !s.present {
		s = caseSum{present: true, exploit: map[string]int{}, services: map[string]int{}, status: o.status, source: o.source, complete: true}
	}
	s.complete = s.complete && o.complete
	s.cases += o.cases
	s.fc += o.fc
	s.mc += o.mc
	s.fa += o.fa
	s.ma += o.ma
	s.served += o.served
	for k, v := range o.exploit {
		s.exploit[k] += v
	}
	for k, v := range o.services {
		s.services[k] += v
	}
	if s.status != o.status {
		s.status = "mixed"
	}
	if !strings.Contains(","+s.source+",", ","+o.source+",") {
		s.source += "," + o.source
	}
	for _, p := range o.periods {
		if !contains(s.periods, p) {
			s.periods = append(s.periods, p)
		}
	}
	sort.Strings(s.periods)
	return s
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// show renders a sum for an area of level: the only place raw case counts
// turn into what clients see.
func (s caseSum) show(level string, p Period) *CaseFigures {
	if !s.present {
		return nil
	}
	f := &CaseFigures{Source: s.source, FigureStatus: s.status, Periods: s.periods, Complete: s.complete,
		Summed: s.summedFromRegencies, Exploitation: map[string]string{}, Services: map[string]string{}}
	sup := func(n int) string {
		v := privacy.SuppressCount(n, level)
		if v != fmt.Sprint(n) {
			f.Suppressed = true
		}
		return v
	}
	f.CaseCount, f.CasesServed = sup(s.cases), sup(s.served)
	f.VictimsFC, f.VictimsMC, f.VictimsFA, f.VictimsMA = sup(s.fc), sup(s.mc), sup(s.fa), sup(s.ma)
	f.VictimsTotal = sup(s.fc + s.mc + s.fa + s.ma)
	for k, v := range s.exploit {
		f.Exploitation[k] = sup(v)
	}
	for k, v := range s.services {
		f.Services[k] = sup(v)
	}
	return f
}

// SuppressionNote explains the small-cell rule on every report that shows case figures.
const SuppressionNote = "Angka 1-4 di bawah tingkat provinsi ditampilkan \"<5\" agar korban tidak dapat dikenali. / " +
	"Counts of 1-4 below province level are shown as \"<5\" so that no victim can be singled out."

// Cases builds report 6. Case figures exist for regencies and the province
// only: a district or village report shows its regency's figures beside its
// own prevention intensity.
func Cases(o Options, source string) (*CasesReport, error) {
	r := &CasesReport{Header: o.header("cases", "Angka kasus dan intensitas pencegahan", "Case figures and prevention intensity"),
		SourcePreference: catalog.CaseSources, SuppressionNote: SuppressionNote}
	if source != "" {
		r.SourcePreference = []string{source}
	}
	caseArea := o.Area.Code
	if o.Area.Level == catalog.LevelDistrict || o.Area.Level == catalog.LevelVillage {
		caseArea = areas.RegencyOf(o.Area.Code)
	}
	r.CaseArea = o.Dir.Ref(caseArea)

	// the figures of the case area and of its regencies
	params := dbx.Params{"a": caseArea}
	where := "area = {:a}"
	if len(caseArea) == 2 {
		where = "(area = {:a} OR regency LIKE {:prefix})"
		params["prefix"] = caseArea + ".%"
	}
	var recs []caseRecord
	if err := o.App.DB().NewQuery(`SELECT id, area, year, period_type, period_index, case_count, victims_female_child, victims_male_child,
		victims_female_adult, victims_male_adult, cases_served, figure_status, source, COALESCE(exploitation_types, '') AS exploitation_types, COALESCE(services, '') AS services, updated
		FROM case_aggregates WHERE ` + where).Bind(params).All(&recs); err != nil {
		return nil, err
	}
	byArea := map[string][]caseRecord{}
	for _, c := range recs {
		byArea[c.Area] = append(byArea[c.Area], c)
	}
	sums := map[string]caseSum{}
	for a, list := range byArea {
		sums[a] = pickFigures(list, o.Period, source)
	}
	top := sums[caseArea]
	if !top.present && len(caseArea) == 2 {
		for _, reg := range o.Dir.Children(caseArea) {
			top = top.add(sums[reg])
		}
		top.summedFromRegencies = top.present
	}
	caseLevel := areas.LevelOf(caseArea)

	// prevention intensity per child area and in total
	act, err := o.Engine.Stats(StatQuery{Collection: catalog.Activities, Area: o.Area, Period: o.Period, Statuses: o.Statuses(), Dims: []string{DimAll}, Self: o.Area.Level == catalog.LevelVillage})
	if err != nil {
		return nil, err
	}
	out, err := o.Engine.Stats(StatQuery{Collection: catalog.OutreachLogs, Area: o.Area, Period: o.Period, Statuses: o.Statuses(), Dims: []string{DimAll}, Self: o.Area.Level == catalog.LevelVillage})
	if err != nil {
		return nil, err
	}
	reached, err := o.Engine.Reached(catalog.Activities, o.Area, o.Period, o.Statuses())
	if err != nil {
		return nil, err
	}
	ga, gout := group(act), group(out)
	intensity := func(code string, a, ou Measures) Intensity {
		in := Intensity{Activities: a.N, Participants: a.Participants(), Outreach: ou.N, PeopleReached: ou.Participants()}
		for _, v := range o.Dir.Villages(code) {
			ar, _ := o.Dir.Get(v)
			switch {
			case reached[v]:
				in.Villages++
				in.VillagesReached++
			case ar.Active:
				in.Villages++
			}
		}
		in.CoveragePct = pct(int64(in.VillagesReached), int64(in.Villages))
		return in
	}
	var totA, totO Measures
	if o.Area.Level == catalog.LevelVillage {
		totA, totO = ga.all(o.Area.Code), gout.all(o.Area.Code)
	} else {
		totA, totO = ga.total()[DimAll][""], gout.total()[DimAll][""]
	}
	r.Totals = CaseRow{Area: o.Dir.Ref(o.Area.Code), Cases: top.show(caseLevel, o.Period), Intensity: intensity(o.Area.Code, totA, totO)}
	if caseLevel == catalog.LevelProvince && top.present && top.cases > 0 {
		v := float64(int64(float64(totA.N)/float64(top.cases)*10+0.5)) / 10
		r.ActivitiesPerCase = &v
	}
	r.Rows = []CaseRow{}
	for _, c := range o.children() {
		row := CaseRow{Area: o.Dir.Ref(c), Intensity: intensity(c, ga.all(c), gout.all(c))}
		if areas.LevelOf(c) == catalog.LevelRegency {
			row.Cases = sums[c].show(catalog.LevelRegency, o.Period)
		}
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// Tables lays report 6 out; case counts are the suppressed texts.
func (r *CasesReport) Tables(lang string) []Table {
	cols := append(areaColumns(lang), T(lang, "Sumber", "Source"), T(lang, "Status angka", "Figure status"), T(lang, "Periode angka", "Figure periods"),
		T(lang, "Jumlah kasus", "Cases"), T(lang, "Korban anak perempuan", "Victims: female children"), T(lang, "Korban anak laki-laki", "Victims: male children"),
		T(lang, "Korban dewasa perempuan", "Victims: female adults"), T(lang, "Korban dewasa laki-laki", "Victims: male adults"),
		T(lang, "Total korban", "Total victims"), T(lang, "Kasus terlayani", "Cases served"),
		T(lang, "Jumlah kegiatan", "Activities"), T(lang, "Peserta kegiatan", "Activity participants"),
		T(lang, "Jumlah penjangkauan", "Outreach contacts"), T(lang, "Orang terjangkau", "People reached"), T(lang, "Cakupan desa (%)", "Village coverage (%)"))
	line := func(row CaseRow, area AreaRef) []any {
		cells := areaCells(area)
		if c := row.Cases; c != nil {
			cells = append(cells, c.Source, c.FigureStatus, strings.Join(c.Periods, " "), c.CaseCount, c.VictimsFC, c.VictimsMC, c.VictimsFA, c.VictimsMA, c.VictimsTotal, c.CasesServed)
		} else {
			cells = append(cells, "", "", "", "", "", "", "", "", "", "")
		}
		in := row.Intensity
		return append(cells, in.Activities, in.Participants, in.Outreach, in.PeopleReached, in.CoveragePct)
	}
	t := Table{Name: "kasus", Title: T(lang, r.Title, r.TitleEN), Columns: cols}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, line(row, row.Area))
	}
	t.Rows = append(t.Rows, line(r.Totals, totalRef(r.Area, lang)))
	t.Rows = append(t.Rows, []any{T(lang, "Catatan: ", "Note: ") + SuppressionNote})
	return []Table{t}
}
