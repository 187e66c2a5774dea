package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/privacy"
)

// CaseFigures are aggregate case figures of one area, as shown: every count
// is text; below province level a count from 1 to 4 reads "<5", and a count
// that would give a hidden one away reads "•" (caseTable,
// privacy.SuppressTable). Raw counts never leave this file.
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
	Suppressed   bool              `json:"suppressed"` // at least one count is hidden ("<5" or "•")
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

// inside reports whether the figure's period lies inside p.
func (c caseRecord) inside(p Period) bool {
	from, to, ok := c.span()
	return ok && !from.Before(p.From) && !to.After(p.To)
}

// firstSource is the first of catalog.CodesOf("case_sources") with a figure inside the
// period, or "" when there is none.
func firstSource(recs []caseRecord, p Period) string {
	for _, src := range catalog.CodesOf("case_sources") {
		for _, r := range recs {
			if r.Source == src && r.inside(p) {
				return src
			}
		}
	}
	return ""
}

// pickFigures chooses, for one area, the figures of the source and of the
// coarsest period type lying inside the period; a period entered twice
// counts once (the latest update).
func pickFigures(recs []caseRecord, p Period, source string) caseSum {
	for _, kind := range []string{PeriodYear, PeriodSemester, PeriodQuarter, PeriodMonth} {
		latest := map[string]caseRecord{}
		for _, r := range recs {
			if r.Source == source && r.Type == kind && r.inside(p) {
				if cur, ok := latest[r.label()]; !ok || r.Updated > cur.Updated {
					latest[r.label()] = r
				}
			}
		}
		if len(latest) == 0 {
			continue
		}
		s := caseSum{source: source, present: true, exploit: map[string]int{}, services: map[string]int{}}
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

// caseTable lays out the case figures of a province as its reports show
// them, for privacy.SuppressTable: one row per regency with figures, in the
// directory's order, then the province; in each row the counts in
// caseCells.all order. Each row's victims add up to its victims total and
// its exploitation types (when they are a breakdown) to its case count; each
// column of regencies adds up to the province's count (when the province's
// figure is their sum). This is the only place raw case counts turn into
// what clients see.
type caseTable struct {
	counts      []privacy.Count
	sums        []privacy.Sum
	exploitKeys []string // the exploitation types counted in any row, in vocabulary order
	serviceKeys []string // the services counted in any row, likewise
	regencies   []caseCells
	province    *caseCells
	hiding      []privacy.Hiding
}

// caseCells are the indexes of one area's counts in a caseTable.
type caseCells struct {
	area                                   string
	sum                                    caseSum
	cases, fc, mc, fa, ma, victims, served int
	exploit, services                      []int // by caseTable.exploitKeys, serviceKeys
}

// all lists the counts of a row in display order: the table's columns,
// then exploitation types and services.
func (c caseCells) all() []int {
	return append(append([]int{c.cases, c.fc, c.mc, c.fa, c.ma, c.victims, c.served}, c.exploit...), c.services...)
}

// newCaseTable lays out the figures of the province's regencies (sums by
// area) and of the province (top), and decides what is hidden.
func newCaseTable(regencies []string, sums map[string]caseSum, province string, top caseSum) *caseTable {
	t := &caseTable{}
	all := []caseSum{top}
	for _, reg := range regencies {
		all = append(all, sums[reg])
	}
	t.exploitKeys = keysOf(catalog.CodesOf("exploitation_types"), all, func(s caseSum) map[string]int { return s.exploit })
	t.serviceKeys = keysOf(catalog.CodesOf("case_services"), all, func(s caseSum) map[string]int { return s.services })
	for _, reg := range regencies {
		if s := sums[reg]; s.present {
			t.regencies = append(t.regencies, t.row(reg, s, catalog.LevelRegency))
		}
	}
	if top.present {
		p := t.row(province, top, catalog.LevelProvince)
		t.province = &p
		for col := range p.all() {
			column := privacy.Sum{Total: p.all()[col]}
			for _, r := range t.regencies {
				column.Parts = append(column.Parts, r.all()[col])
			}
			t.sums = append(t.sums, column)
		}
	}
	// each regency's own figures are known to its verifier, who enters
	// them: what is hidden must hold against a reader who knows one row
	var rows [][]int
	for _, r := range t.regencies {
		rows = append(rows, r.all())
	}
	t.hiding = privacy.SuppressTable(t.counts, t.sums, rows)
	return t
}

// keysOf lists the codes counted in any of the sums: the vocabulary's in its
// order, then any other, sorted.
func keysOf(vocabulary []string, sums []caseSum, counts func(caseSum) map[string]int) []string {
	seen := map[string]bool{}
	var extra []string
	for _, s := range sums {
		for k, v := range counts(s) {
			if v > 0 && !seen[k] {
				seen[k] = true
				if !contains(vocabulary, k) {
					extra = append(extra, k)
				}
			}
		}
	}
	var out []string
	for _, k := range vocabulary {
		if seen[k] {
			out = append(out, k)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

// row adds an area's counts and the sums inside its row.
func (t *caseTable) row(area string, s caseSum, level string) caseCells {
	add := func(n int) int {
		t.counts = append(t.counts, privacy.Count{N: n, Level: level})
		return len(t.counts) - 1
	}
	c := caseCells{area: area, sum: s, cases: add(s.cases), fc: add(s.fc), mc: add(s.mc), fa: add(s.fa), ma: add(s.ma),
		victims: add(s.fc + s.mc + s.fa + s.ma), served: add(s.served)}
	for _, k := range t.exploitKeys {
		c.exploit = append(c.exploit, add(s.exploit[k]))
	}
	for _, k := range t.serviceKeys {
		c.services = append(c.services, add(s.services[k]))
	}
	t.sums = append(t.sums, privacy.Sum{Total: c.victims, Parts: []int{c.fc, c.mc, c.fa, c.ma}},
		privacy.Sum{Total: c.cases, Parts: c.exploit})
	return c
}

// shown reports whether count i is shown as it is.
func (t *caseTable) shown(i int) bool { return t.hiding[i] == privacy.Shown }

// figures renders an area's row, or nil when the area has no figures.
func (t *caseTable) figures(area string) *CaseFigures {
	var c *caseCells
	if t.province != nil && t.province.area == area {
		c = t.province
	}
	for k := range t.regencies {
		if t.regencies[k].area == area {
			c = &t.regencies[k]
		}
	}
	if c == nil {
		return nil
	}
	s := c.sum
	f := &CaseFigures{Source: s.source, FigureStatus: s.status, Periods: s.periods, Complete: s.complete,
		Summed: s.summedFromRegencies, Exploitation: map[string]string{}, Services: map[string]string{}}
	show := func(i int) string {
		if !t.shown(i) {
			f.Suppressed = true
		}
		return t.hiding[i].Show(t.counts[i].N)
	}
	f.CaseCount, f.CasesServed = show(c.cases), show(c.served)
	f.VictimsFC, f.VictimsMC, f.VictimsFA, f.VictimsMA = show(c.fc), show(c.mc), show(c.fa), show(c.ma)
	f.VictimsTotal = show(c.victims)
	for k, key := range t.exploitKeys {
		if i := c.exploit[k]; t.counts[i].N > 0 {
			f.Exploitation[key] = show(i)
		}
	}
	for k, key := range t.serviceKeys {
		if i := c.services[k]; t.counts[i].N > 0 {
			f.Services[key] = show(i)
		}
	}
	return f
}

// SuppressionNote explains the hidden counts on every report that shows
// case figures: Bahasa Indonesia, then English, split by " / ".
const SuppressionNote = "Angka 1-4 di bawah tingkat provinsi ditampilkan \"<5\" agar korban tidak dapat dikenali; " +
	"angka bertanda \"•\" disembunyikan agar angka kecil tidak bisa dihitung dari total, juga oleh orang yang mengetahui angka satu kabupaten/kota. " +
	"Angka 0 tetap ditampilkan. Angka kasus hanya per tahun kalender penuh. / " +
	"Counts of 1-4 below province level are shown as \"<5\" so that no victim can be singled out; " +
	"counts marked \"•\" are hidden so that small counts cannot be worked out from the totals, even by someone who knows one regency's figures. " +
	"Zeros are shown. Case figures are given for whole calendar years only."

// ErrCasePeriod refuses case figures of a period other than one whole
// calendar year: figures of overlapping periods could be subtracted from
// one another (a year less January-September is the last quarter).
//
//lint:ignore ST1005 the message is the bilingual sentence the API answers with
var ErrCasePeriod = errors.New("Angka kasus hanya tersedia per tahun kalender penuh: gunakan period=year. / " +
	"Case figures are given for whole calendar years only: use period=year.")

// Cases builds report 6 for one whole calendar year (else ErrCasePeriod).
// Case figures exist for regencies and the province only: a district or
// village report shows its regency's figures beside its own prevention
// intensity. The figures are of one source for the whole table (the one
// asked, else the first of catalog.CodesOf("case_sources") with any figure that year),
// and whatever the area asked they are suppressed as one table of the whole
// province, so that a regency reads the same in its own view as in the
// province's: a count hidden to protect another regency's is hidden
// everywhere.
func Cases(o Options, source string) (*CasesReport, error) {
	if !o.Period.WholeYear() {
		return nil, ErrCasePeriod
	}
	r := &CasesReport{Header: o.header("cases", "Angka kasus dan intensitas pencegahan", "Case figures and prevention intensity"),
		SourcePreference: catalog.CodesOf("case_sources"), SuppressionNote: SuppressionNote}
	if source != "" {
		r.SourcePreference = []string{source}
	}
	caseArea := o.Area.Code
	if o.Area.Level == catalog.LevelDistrict || o.Area.Level == catalog.LevelVillage {
		caseArea = areas.RegencyOf(o.Area.Code)
	}
	r.CaseArea = o.Dir.Ref(caseArea)
	province, _, _ := strings.Cut(caseArea, ".")

	// the figures of the province and of its regencies
	var recs []caseRecord
	if err := o.App.DB().NewQuery(`SELECT id, area, year, period_type, period_index, case_count, victims_female_child, victims_male_child,
		victims_female_adult, victims_male_adult, cases_served, figure_status, source, COALESCE(exploitation_types, '') AS exploitation_types, COALESCE(services, '') AS services, updated
		FROM case_aggregates WHERE area = {:a} OR regency LIKE {:prefix}`).Bind(dbx.Params{"a": province, "prefix": province + ".%"}).All(&recs); err != nil {
		return nil, err
	}
	if source == "" {
		// one source for the whole table: sources count the same cases, so
		// they are never added up, and a table of one source cannot be set
		// against another view of the same figures
		source = firstSource(recs, o.Period)
	}
	byArea := map[string][]caseRecord{}
	for _, c := range recs {
		byArea[c.Area] = append(byArea[c.Area], c)
	}
	sums := map[string]caseSum{}
	for a, list := range byArea {
		sums[a] = pickFigures(list, o.Period, source)
	}
	regencies := o.Dir.Children(province)
	top := sums[province]
	if !top.present {
		for _, reg := range regencies {
			top = top.add(sums[reg])
		}
		top.summedFromRegencies = top.present
	}
	table := newCaseTable(regencies, sums, province, top)
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
	r.Totals = CaseRow{Area: o.Dir.Ref(o.Area.Code), Cases: table.figures(caseArea), Intensity: intensity(o.Area.Code, totA, totO)}
	if caseLevel == catalog.LevelProvince && top.present && top.cases > 0 && table.shown(table.province.cases) {
		v := float64(int64(float64(totA.N)/float64(top.cases)*10+0.5)) / 10
		r.ActivitiesPerCase = &v
	}
	r.Rows = []CaseRow{}
	for _, c := range o.children() {
		row := CaseRow{Area: o.Dir.Ref(c), Intensity: intensity(c, ga.all(c), gout.all(c))}
		if areas.LevelOf(c) == catalog.LevelRegency {
			row.Cases = table.figures(c)
		}
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// figureCell is a case figure for a spreadsheet: a shown count as a number
// (so that it adds up), a suppressed one ("<5", "•") as its text.
func figureCell(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	return s
}

// figureStatusLabel names a figure status (final, provisional, or mixed:
// some of each) in lang, as the exports show it.
func figureStatusLabel(status, lang string) string {
	switch status {
	case "final":
		return T(lang, "Final", "Final")
	case "provisional":
		return T(lang, "Sementara", "Provisional")
	case "mixed":
		return T(lang, "Campuran (final dan sementara)", "Mixed (final and provisional)")
	}
	return status
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
		cells := areaCells(area, lang)
		if c := row.Cases; c != nil {
			cells = append(cells, catalog.LabelOf("case_sources", c.Source, lang), figureStatusLabel(c.FigureStatus, lang), strings.Join(c.Periods, " "), figureCell(c.CaseCount), figureCell(c.VictimsFC), figureCell(c.VictimsMC),
				figureCell(c.VictimsFA), figureCell(c.VictimsMA), figureCell(c.VictimsTotal), figureCell(c.CasesServed))
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
