package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
// privacy.SuppressTableProtecting). Raw counts never leave this file. The
// breakdowns list the codes counted above 0.
type CaseFigures struct {
	Source               string            `json:"source"`
	FigureStatus         string            `json:"figure_status"` // final, provisional, or mixed
	Periods              []string          `json:"periods"`       // the figure periods summed
	Complete             bool              `json:"complete"`      // the periods cover the whole period asked (for a sum: every part does)
	Summed               bool              `json:"summedFromRegencies,omitempty"`
	CaseCount            string            `json:"case_count"`
	VictimsTotal         string            `json:"victims_total"`
	VictimsDisabled      string            `json:"victims_disabled"`
	VictimsRepatriated   string            `json:"victims_repatriated"`
	PoliceReports        string            `json:"police_reports"`
	Suspects             string            `json:"suspects"`
	RestitutionRequested string            `json:"restitution_requested"`
	RestitutionGranted   string            `json:"restitution_granted"`
	CasesServed          string            `json:"cases_served"`
	VictimsBySex         map[string]string `json:"victims_by_sex"`
	VictimsByAge         map[string]string `json:"victims_by_age"`
	CasesByScope         map[string]string `json:"cases_by_scope"`
	CasesByLaw           map[string]string `json:"cases_by_law"`
	CasesByStage         map[string]string `json:"cases_by_stage"`
	Exploitation         map[string]string `json:"exploitation_types"`
	Services             map[string]string `json:"services"`
	Suppressed           bool              `json:"suppressed"` // at least one count is hidden ("<5" or "•")
}

// Count returns the shown count of a scalar column (caseScalars).
func (f *CaseFigures) Count(column string) string {
	switch column {
	case "case_count":
		return f.CaseCount
	case "victims_total":
		return f.VictimsTotal
	case "victims_disabled":
		return f.VictimsDisabled
	case "victims_repatriated":
		return f.VictimsRepatriated
	case "police_reports":
		return f.PoliceReports
	case "suspects":
		return f.Suspects
	case "restitution_requested":
		return f.RestitutionRequested
	case "restitution_granted":
		return f.RestitutionGranted
	case "cases_served":
		return f.CasesServed
	}
	return ""
}

// Breakdown returns the shown counts of a breakdown (caseBreakdowns).
func (f *CaseFigures) Breakdown(field string) map[string]string {
	switch field {
	case "victims_by_sex":
		return f.VictimsBySex
	case "victims_by_age":
		return f.VictimsByAge
	case "cases_by_scope":
		return f.CasesByScope
	case "cases_by_law":
		return f.CasesByLaw
	case "cases_by_stage":
		return f.CasesByStage
	case "exploitation_types":
		return f.Exploitation
	case "services":
		return f.Services
	}
	return nil
}

// CaseScalars are the single counts of a case figure, in display order.
var CaseScalars = []string{"case_count", "victims_total", "victims_disabled", "victims_repatriated", "police_reports", "suspects",
	"restitution_requested", "restitution_granted", "cases_served"}

// CaseBreakdown is a count of a case figure broken down by the codes of a
// vocabulary; Total names the scalar its parts add up to ("" for services:
// a victim may get several).
type CaseBreakdown struct {
	Field, Vocabulary, Total string
}

// CaseBreakdowns are the breakdowns of a case figure, in display order.
var CaseBreakdowns = []CaseBreakdown{
	{"victims_by_sex", "sexes", "victims_total"},
	{"victims_by_age", "age_bands", "victims_total"},
	{"cases_by_scope", "case_scopes", "case_count"},
	{"cases_by_law", "case_laws", "case_count"},
	{"cases_by_stage", "case_stages", "case_count"},
	{"exploitation_types", "exploitation_types", "case_count"},
	{"services", "case_services", ""},
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
	ID          string `db:"id"`
	Area        string `db:"area"`
	Year        int    `db:"year"`
	Type        string `db:"period_type"`
	Index       int    `db:"period_index"`
	Cases       int    `db:"case_count"`
	Victims     int    `db:"victims_total"`
	Disabled    int    `db:"victims_disabled"`
	Repatriated int    `db:"victims_repatriated"`
	Police      int    `db:"police_reports"`
	Suspects    int    `db:"suspects"`
	RestReq     int    `db:"restitution_requested"`
	RestGranted int    `db:"restitution_granted"`
	Served      int    `db:"cases_served"`
	Status      string `db:"figure_status"`
	Source      string `db:"source"`
	BySex       string `db:"victims_by_sex"`
	ByAge       string `db:"victims_by_age"`
	ByScope     string `db:"cases_by_scope"`
	ByLaw       string `db:"cases_by_law"`
	ByStage     string `db:"cases_by_stage"`
	Exploit     string `db:"exploitation_types"`
	Services    string `db:"services"`
	Updated     string `db:"updated"`
}

// scalars returns the record's single counts by column.
func (c caseRecord) scalars() map[string]int {
	return map[string]int{"case_count": c.Cases, "victims_total": c.Victims, "victims_disabled": c.Disabled,
		"victims_repatriated": c.Repatriated, "police_reports": c.Police, "suspects": c.Suspects,
		"restitution_requested": c.RestReq, "restitution_granted": c.RestGranted, "cases_served": c.Served}
}

// breakdowns returns the record's breakdowns as stored (JSON), by field.
func (c caseRecord) breakdowns() map[string]string {
	return map[string]string{"victims_by_sex": c.BySex, "victims_by_age": c.ByAge, "cases_by_scope": c.ByScope,
		"cases_by_law": c.ByLaw, "cases_by_stage": c.ByStage, "exploitation_types": c.Exploit, "services": c.Services}
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
	n                   map[string]int            // CaseScalars
	by                  map[string]map[string]int // CaseBreakdowns: field -> code -> count
	summedFromRegencies bool
	present             bool
}

func newCaseSum() caseSum {
	s := caseSum{present: true, n: map[string]int{}, by: map[string]map[string]int{}}
	for _, b := range CaseBreakdowns {
		s.by[b.Field] = map[string]int{}
	}
	return s
}

// get returns the count of a column: a scalar, or "field:code" of a breakdown.
func (s caseSum) get(col string) int {
	if field, code, ok := strings.Cut(col, ":"); ok {
		return s.by[field][code]
	}
	return s.n[col]
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
		s := newCaseSum()
		s.source = source
		statuses := map[string]bool{}
		for label, r := range latest {
			s.periods = append(s.periods, label)
			from, to, _ := r.span()
			s.days += to.Sub(from)
			for k, v := range r.scalars() {
				s.n[k] += v
			}
			for f, raw := range r.breakdowns() {
				addCounts(s.by[f], raw)
			}
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
		s = newCaseSum()
		s.status, s.source, s.complete = o.status, o.source, true
	}
	s.complete = s.complete && o.complete
	for k, v := range o.n {
		s.n[k] += v
	}
	for f, counts := range o.by {
		for k, v := range counts {
			s.by[f][k] += v
		}
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
// them and decides what is hidden: one row per regency with figures, in the
// directory's order, then the province. The counts form several tables,
// each suppressed by privacy.SuppressTableProtecting: the single counts
// (columns of regencies add up to the province's, where its figure is their
// sum), and one table per breakdown whose parts add up to their total in
// each row (victims by sex and by age band to the victims, cases by scope,
// law, stage and exploitation type to the cases, where they do) and in each
// column. The victims' and the cases' totals are in several tables: one
// hidden in any of them is hidden, and kept from being worked out, in all
// of them, until no table hides one more. This is the only place raw case
// counts turn into what clients see.
type caseTable struct {
	keys      map[string][]string // per breakdown, the codes counted in any row, in vocabulary order
	areas     []string            // regencies with figures, then the province (when it has figures)
	sums      map[string]caseSum
	levels    map[string]string
	hiding    map[caseCell]privacy.Hiding
	province  string
	provinced bool            // the province has figures
	readers   map[string]bool // the regencies whose verifier's knowledge is guarded against
}

// caseCell is one count of the table: an area and a column (a scalar, or
// "field:code" of a breakdown).
type caseCell struct{ area, col string }

// newCaseTable lays out the figures of the province's regencies (sums by
// area) and of the province (top), and decides what is hidden.
func newCaseTable(regencies []string, sums map[string]caseSum, province string, top caseSum) *caseTable {
	t := &caseTable{keys: map[string][]string{}, sums: map[string]caseSum{}, levels: map[string]string{},
		hiding: map[caseCell]privacy.Hiding{}, province: province, provinced: top.present}
	all := []caseSum{top}
	for _, reg := range regencies {
		if s := sums[reg]; s.present {
			t.areas = append(t.areas, reg)
			t.sums[reg] = s
			t.levels[reg] = catalog.LevelRegency
			all = append(all, s)
		}
	}
	if top.present {
		t.areas = append(t.areas, province)
		t.sums[province] = top
		t.levels[province] = catalog.LevelProvince
	}
	for _, b := range CaseBreakdowns {
		t.keys[b.Field] = keysOf(catalog.CodesOf(b.Vocabulary), all, func(s caseSum) map[string]int { return s.by[b.Field] })
	}
	// the tables: columns, and the column its other columns add up to in each row
	type layout struct {
		cols  []string
		total string
	}
	tables := []layout{{cols: CaseScalars}}
	for _, b := range CaseBreakdowns {
		l := layout{total: b.Total}
		if b.Total != "" {
			l.cols = append(l.cols, b.Total)
		}
		for _, k := range t.keys[b.Field] {
			l.cols = append(l.cols, b.Field+":"+k)
		}
		tables = append(tables, l)
	}
	// the readers who know one regency's figures: those of a regency
	// whose verifier knows every small count have nothing to learn, and a
	// total hidden for another reader need not be kept from them
	small := map[string]bool{}
	for _, a := range t.areas {
		for _, l := range tables {
			for _, c := range l.cols {
				if n := t.sums[a].get(c); t.levels[a] != catalog.LevelProvince && n >= 1 && n <= privacy.SmallCellLimit {
					small[a] = true
				}
			}
		}
	}
	t.readers = map[string]bool{}
	for _, a := range t.areas {
		if a != province && (len(small) > 1 || (len(small) == 1 && !small[a])) {
			t.readers[a] = true
		}
	}
	shared := map[string]bool{"case_count": true, "victims_total": true}
	protect := map[caseCell]bool{}
	low := map[caseCell]int{}
	for {
		grew := false
		for n, l := range tables {
			if n > 0 && len(l.cols) == 0 || l.total != "" && len(l.cols) == 1 {
				continue // a breakdown nobody counted
			}
			h := t.suppress(l.cols, l.total, protect, low)
			for c, v := range h {
				if shared[c.col] && v == privacy.HiddenComplement && !protect[c] {
					protect[c] = true
					grew = true
				}
				if n := t.sums[c.area].get(c.col); shared[c.col] && v == privacy.HiddenComplement && low[c] == 0 &&
					t.levels[c.area] != catalog.LevelProvince && n <= privacy.SmallCellLimit {
					// a small total read as at least 4 (its parts are four
					// "<5"): so it reads in every table, and so does the
					// only part counted of another breakdown of it
					low[c] = privacy.SmallCellLimit
					for _, b := range CaseBreakdowns {
						if b.Total != c.col {
							continue
						}
						var counted []string
						for _, k := range t.keys[b.Field] {
							if t.sums[c.area].get(b.Field+":"+k) > 0 {
								counted = append(counted, b.Field+":"+k)
							}
						}
						if len(counted) == 1 {
							part := caseCell{c.area, counted[0]}
							protect[part], low[part] = true, privacy.SmallCellLimit
						}
					}
				}
				// once no table hides a total more, every table hides
				// the same totals: the small ones and the protected ones
				t.hiding[c] = v
			}
		}
		if !grew {
			break
		}
	}
	return t
}

// suppress lays out one table of the figures (cols, each row's parts adding
// up to its total column when there is one) and hides its counts.
func (t *caseTable) suppress(cols []string, total string, protect map[caseCell]bool, low map[caseCell]int) map[caseCell]privacy.Hiding {
	var counts []privacy.Count
	var sums []privacy.Sum
	var known [][]int
	var guard privacy.Guard
	at := map[caseCell]int{}
	for _, a := range t.areas {
		var row []int
		for _, c := range cols {
			cell := caseCell{a, c}
			at[cell] = len(counts)
			row = append(row, len(counts))
			counts = append(counts, privacy.Count{N: t.sums[a].get(c), Level: t.levels[a]})
			guard.Protect = append(guard.Protect, protect[cell])
			guard.Low = append(guard.Low, low[cell])
		}
		if total != "" {
			sums = append(sums, privacy.Sum{Total: row[0], Parts: row[1:]})
		}
		// each regency's own figures are known to its verifier, who enters
		// them: what is hidden must hold against a reader who knows one row
		if t.readers[a] {
			known = append(known, row)
		}
	}
	if t.provinced {
		for _, c := range cols {
			column := privacy.Sum{Total: at[caseCell{t.province, c}]}
			for _, a := range t.areas {
				if a != t.province {
					column.Parts = append(column.Parts, at[caseCell{a, c}])
				}
			}
			sums = append(sums, column)
		}
	}
	hiding := privacy.SuppressTableProtecting(counts, sums, known, guard)
	out := make(map[caseCell]privacy.Hiding, len(at))
	for c, i := range at {
		out[c] = hiding[i]
	}
	return out
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

// shown reports whether the count of an area's column is shown as it is.
func (t *caseTable) shown(area, col string) bool {
	return t.hiding[caseCell{area, col}] == privacy.Shown
}

// figures renders an area's row, or nil when the area has no figures.
func (t *caseTable) figures(area string) *CaseFigures {
	s, ok := t.sums[area]
	if !ok {
		return nil
	}
	f := &CaseFigures{Source: s.source, FigureStatus: s.status, Periods: s.periods, Complete: s.complete,
		Summed: s.summedFromRegencies}
	show := func(col string) string {
		h := t.hiding[caseCell{area, col}]
		if h != privacy.Shown {
			f.Suppressed = true
		}
		return h.Show(s.get(col))
	}
	f.CaseCount, f.VictimsTotal, f.VictimsDisabled = show("case_count"), show("victims_total"), show("victims_disabled")
	f.VictimsRepatriated, f.PoliceReports, f.Suspects = show("victims_repatriated"), show("police_reports"), show("suspects")
	f.RestitutionRequested, f.RestitutionGranted, f.CasesServed = show("restitution_requested"), show("restitution_granted"), show("cases_served")
	breakdown := func(field string) map[string]string {
		out := map[string]string{}
		for _, k := range t.keys[field] {
			if col := field + ":" + k; s.get(col) > 0 {
				out[k] = show(col)
			}
		}
		return out
	}
	f.VictimsBySex, f.VictimsByAge = breakdown("victims_by_sex"), breakdown("victims_by_age")
	f.CasesByScope, f.CasesByLaw, f.CasesByStage = breakdown("cases_by_scope"), breakdown("cases_by_law"), breakdown("cases_by_stage")
	f.Exploitation, f.Services = breakdown("exploitation_types"), breakdown("services")
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
	if err := o.App.DB().NewQuery(`SELECT id, area, year, period_type, period_index, case_count, victims_total, victims_disabled,
		victims_repatriated, police_reports, suspects, restitution_requested, restitution_granted, cases_served, figure_status, source,
		COALESCE(victims_by_sex, '') AS victims_by_sex, COALESCE(victims_by_age, '') AS victims_by_age,
		COALESCE(cases_by_scope, '') AS cases_by_scope, COALESCE(cases_by_law, '') AS cases_by_law, COALESCE(cases_by_stage, '') AS cases_by_stage,
		COALESCE(exploitation_types, '') AS exploitation_types, COALESCE(services, '') AS services, updated
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
	if caseLevel == catalog.LevelProvince && top.present && top.n["case_count"] > 0 && table.shown(province, "case_count") {
		v := float64(int64(float64(totA.N)/float64(top.n["case_count"])*10+0.5)) / 10
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

// Tables lays report 6 out; case counts are the suppressed texts. The
// columns of the breakdowns are the codes counted in any row.
func (r *CasesReport) Tables(lang string) []Table {
	rows := append(slices.Clone(r.Rows), r.Totals)
	cols := append(areaColumns(lang), T(lang, "Sumber", "Source"), T(lang, "Status angka", "Figure status"), T(lang, "Periode angka", "Figure periods"))
	for _, c := range CaseScalars {
		cols = append(cols, caseColumnLabel(c, lang))
	}
	keys := map[string][]string{}
	for _, b := range CaseBreakdowns {
		seen := map[string]bool{}
		for _, row := range rows {
			if row.Cases != nil {
				for k := range row.Cases.Breakdown(b.Field) {
					seen[k] = true
				}
			}
		}
		for _, k := range catalog.CodesOf(b.Vocabulary) {
			if seen[k] {
				keys[b.Field] = append(keys[b.Field], k)
				delete(seen, k)
			}
		}
		extra := make([]string, 0, len(seen))
		for k := range seen {
			extra = append(extra, k)
		}
		sort.Strings(extra)
		keys[b.Field] = append(keys[b.Field], extra...)
		for _, k := range keys[b.Field] {
			cols = append(cols, caseColumnLabel(b.Field, lang)+": "+catalog.LabelOf(b.Vocabulary, k, lang))
		}
	}
	cols = append(cols, T(lang, "Jumlah kegiatan", "Activities"), T(lang, "Peserta kegiatan", "Activity participants"),
		T(lang, "Jumlah penjangkauan", "Outreach contacts"), T(lang, "Orang terjangkau", "People reached"), T(lang, "Cakupan desa (%)", "Village coverage (%)"))
	line := func(row CaseRow, area AreaRef) []any {
		cells := areaCells(area, lang)
		if c := row.Cases; c != nil {
			cells = append(cells, catalog.LabelOf("case_sources", c.Source, lang), figureStatusLabel(c.FigureStatus, lang), strings.Join(c.Periods, " "))
			for _, col := range CaseScalars {
				cells = append(cells, figureCell(c.Count(col)))
			}
			for _, b := range CaseBreakdowns {
				counts := c.Breakdown(b.Field)
				for _, k := range keys[b.Field] {
					v, ok := counts[k]
					if !ok {
						v = "0"
					}
					cells = append(cells, figureCell(v))
				}
			}
		} else {
			for range 3 + len(CaseScalars) {
				cells = append(cells, "")
			}
			for _, b := range CaseBreakdowns {
				for range keys[b.Field] {
					cells = append(cells, "")
				}
			}
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

// caseColumnLabel names a column of case figures (a scalar or a breakdown) in lang.
func caseColumnLabel(col, lang string) string {
	l, ok := caseColumnLabels[col]
	if !ok {
		return col
	}
	return T(lang, l[0], l[1])
}

var caseColumnLabels = map[string][2]string{
	"case_count":            {"Jumlah kasus", "Cases"},
	"victims_total":         {"Total korban", "Total victims"},
	"victims_disabled":      {"Korban penyandang disabilitas", "Victims with disability"},
	"victims_repatriated":   {"Korban dipulangkan", "Victims repatriated"},
	"police_reports":        {"Laporan polisi", "Police reports"},
	"suspects":              {"Tersangka", "Suspects"},
	"restitution_requested": {"Restitusi diajukan", "Restitution requested"},
	"restitution_granted":   {"Restitusi dikabulkan", "Restitution granted"},
	"cases_served":          {"Kasus terlayani", "Cases served"},
	"victims_by_sex":        {"Korban menurut jenis kelamin", "Victims by sex"},
	"victims_by_age":        {"Korban menurut umur", "Victims by age"},
	"cases_by_scope":        {"Kasus menurut wilayah", "Cases by scope"},
	"cases_by_law":          {"Kasus menurut dasar hukum", "Cases by law"},
	"cases_by_stage":        {"Kasus menurut tahap", "Cases by stage"},
	"exploitation_types":    {"Kasus menurut bentuk eksploitasi", "Cases by exploitation type"},
	"services":              {"Korban menurut layanan", "Victims by service"},
}
