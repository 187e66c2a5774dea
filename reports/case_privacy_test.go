package reports_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"jangkau/access"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/privacy"
	"jangkau/privacy/privacytest"
	"jangkau/reports"
)

// Every path case figures leave the server by, against a reader who knows
// one regency's figures exactly (docs/reports.md, "Hidden case figures").

// caseColumns are the single counts of a row of report 6, in its order.
var caseColumns = reports.CaseScalars

// trueFigure is what one area's figures of a year add up to, by source.
type trueFigure struct {
	counts map[string]int            // caseColumns
	by     map[string]map[string]int // breakdowns: field -> code -> count
}

func (f *trueFigure) get(col string) int {
	if field, key, ok := strings.Cut(col, ":"); ok {
		return f.by[field][key]
	}
	return f.counts[col]
}

func (f *trueFigure) add(o *trueFigure) {
	for k, v := range o.counts {
		f.counts[k] += v
	}
	for field, counts := range o.by {
		for k, v := range counts {
			f.by[field][k] += v
		}
	}
}

func newTrueFigure() *trueFigure {
	f := &trueFigure{counts: map[string]int{}, by: map[string]map[string]int{}}
	for _, b := range reports.CaseBreakdowns {
		f.by[b.Field] = map[string]int{}
	}
	return f
}

// randomFigure makes one valid figure (records.CheckCaseFigures): victims
// by sex and by age band adding up to their total; cases by exploitation
// type, scope and law sometimes a whole breakdown of the cases, sometimes
// part of them; the other counts within their limits.
func randomFigure(rng *rand.Rand) *trueFigure {
	value := func() int { return privacytest.RandomCount(rng, 8) }
	f := newTrueFigure()
	spread := func(field string, total int, keys []string) {
		keys = keys[:1+rng.IntN(len(keys))]
		for range total {
			f.by[field][keys[rng.IntN(len(keys))]]++
		}
		for k, n := range f.by[field] {
			if n == 0 {
				delete(f.by[field], k)
			}
		}
	}
	for _, sex := range catalog.Sexes {
		if n := value(); n > 0 {
			f.by["victims_by_sex"][sex] = n
			f.counts["victims_total"] += n
		}
	}
	victims := f.counts["victims_total"]
	spread("victims_by_age", victims, []string{"age_13_17", "age_18_24", "age_6_12", "age_25_44"})
	if rng.IntN(2) == 0 {
		for _, key := range catalog.ExploitationTypes[:2+rng.IntN(2)] {
			if n := value(); n > 0 {
				f.by["exploitation_types"][key] = n
				f.counts["case_count"] += n
			}
		}
		if rng.IntN(3) == 0 {
			f.counts["case_count"] += 1 + rng.IntN(2) // cases of no known type
		}
	} else {
		f.counts["case_count"] = value()
	}
	if victims > 0 && f.counts["case_count"] == 0 {
		f.counts["case_count"] = 1
	}
	cases := f.counts["case_count"]
	if rng.IntN(2) == 0 {
		spread("cases_by_scope", cases, catalog.CaseScopes)
	}
	if rng.IntN(3) == 0 {
		spread("cases_by_law", cases-rng.IntN(cases+1)/2, catalog.CaseLaws)
	}
	if rng.IntN(3) == 0 {
		spread("cases_by_stage", rng.IntN(cases+1), catalog.CaseStages)
	}
	f.counts["cases_served"] = min(value(), cases)
	f.counts["victims_disabled"] = min(value(), victims)
	f.counts["victims_repatriated"] = min(value(), victims)
	f.counts["police_reports"] = value()
	f.counts["suspects"] = value()
	f.counts["restitution_requested"] = min(value(), victims)
	f.counts["restitution_granted"] = min(value(), f.counts["restitution_requested"])
	if rng.IntN(2) == 0 {
		for _, key := range catalog.CaseServices[:2] {
			if n := min(value(), victims); n > 0 {
				f.by["services"][key] = n
			}
		}
	}
	return f
}

// randomCaseYear enters random figures of one year for a few regencies: of
// Simfoni PPA, sometimes of Polda too for some of them; some as a year,
// some as quarters; sometimes a province figure of its own. It returns the
// true yearly figures by source and area (the province: its own, or the
// sum of its regencies).
func randomCaseYear(t *testing.T, srv *tt.Server, rng *rand.Rand, year int) map[string]map[string]*trueFigure {
	regencies := []string{"18.01", "18.02", "18.03", "18.04", "18.05", "18.06", "18.07", "18.08"}
	rng.Shuffle(len(regencies), func(i, j int) { regencies[i], regencies[j] = regencies[j], regencies[i] })
	regencies = regencies[:2+rng.IntN(4)]
	truth := map[string]map[string]*trueFigure{}
	sources := []string{"simfoni_ppa"}
	if rng.IntN(3) == 0 {
		sources = append(sources, "polda")
	}
	for _, source := range sources {
		truth[source] = map[string]*trueFigure{}
		province := newTrueFigure()
		for k, reg := range regencies {
			if source != "simfoni_ppa" && k%2 == 1 {
				continue
			}
			truth[source][reg] = enterCaseFigure(t, srv, rng, reg, year, source, rng.IntN(3) == 0)
			province.add(truth[source][reg])
		}
		if rng.IntN(4) == 0 {
			// the province's own figure: more cases than its regencies'
			province.add(randomFigure(rng))
			saveRecord(t, srv, catalog.CaseAggregates, figureRecord(tt.Province, year, source, province))
		}
		truth[source][tt.Province] = province
	}
	return truth
}

// figureRecord is the record of a yearly figure.
func figureRecord(area string, year int, source string, f *trueFigure) map[string]any {
	r := map[string]any{"area": area, "year": year, "period_type": "year", "figure_status": "final", "source": source}
	for k, v := range f.counts {
		r[k] = v
	}
	for field, counts := range f.by {
		r[field] = counts
	}
	return r
}

// enterCaseFigure saves a random yearly figure, or four quarters, and
// returns what they add up to.
func enterCaseFigure(t *testing.T, srv *tt.Server, rng *rand.Rand, area string, year int, source string, quarters bool) *trueFigure {
	t.Helper()
	if !quarters {
		f := randomFigure(rng)
		saveRecord(t, srv, catalog.CaseAggregates, figureRecord(area, year, source, f))
		return f
	}
	sum := newTrueFigure()
	for q := 1; q <= 4; q++ {
		f := randomFigure(rng)
		r := figureRecord(area, year, source, f)
		r["period_type"], r["period_index"] = "quarter", q
		saveRecord(t, srv, catalog.CaseAggregates, r)
		sum.add(f)
	}
	return sum
}

// caseMarks is a figure as shown, by column: the single counts, and
// "<breakdown>:<key>" ("0" for a key not listed).
func caseMarks(f *reports.CaseFigures) map[string]string {
	out := map[string]string{}
	for _, c := range caseColumns {
		out[c] = f.Count(c)
	}
	for _, b := range reports.CaseBreakdowns {
		for k, v := range f.Breakdown(b.Field) {
			out[b.Field+":"+k] = v
		}
	}
	return out
}

// caseReader lays a report out as a reader sees it: a table of the rows of
// the regencies with figures and the province, the sums it knows (each
// row's victims by sex and by age band add up to their total; its cases by
// exploitation type, scope, law and stage to the case count; each column of
// regencies to the province, where they do: a reader who knows more than
// the rules is assumed), and the counts of the known regency. cells names
// each count: area and column.
func caseReader(r reports.CasesReport, truth map[string]*trueFigure, known string) (table privacytest.Table, cells [][2]string, values []int) {
	marks := map[string]map[string]string{}
	var areas []string
	for _, x := range r.Rows {
		if x.Cases != nil {
			areas = append(areas, x.Area.Code)
			marks[x.Area.Code] = caseMarks(x.Cases)
		}
	}
	areas = append(areas, tt.Province)
	marks[tt.Province] = caseMarks(r.Totals.Cases)
	columns := slices.Clone(caseColumns)
	for _, a := range areas {
		for c := range marks[a] {
			if !slices.Contains(columns, c) {
				columns = append(columns, c)
			}
		}
	}
	// every count of a breakdown, shown or not: a reader knows the codes
	for _, a := range areas {
		for _, b := range reports.CaseBreakdowns {
			for k := range truth[a].by[b.Field] {
				if c := b.Field + ":" + k; !slices.Contains(columns, c) {
					columns = append(columns, c)
				}
			}
		}
	}
	slices.Sort(columns[len(caseColumns):])
	at := map[[2]string]int{}
	table.Known = map[int]int{}
	for _, a := range areas {
		for _, c := range columns {
			m, ok := marks[a][c]
			if !ok {
				m = "0"
			}
			at[[2]string{a, c}] = len(cells)
			cells = append(cells, [2]string{a, c})
			values = append(values, truth[a].get(c))
			table.Marks = append(table.Marks, m)
			level := catalog.LevelRegency
			if a == tt.Province {
				level = catalog.LevelProvince
			}
			table.Levels = append(table.Levels, level)
			table.Limit += truth[a].get(c)
			if a == known {
				table.Known[len(cells)-1] = truth[a].get(c)
			}
		}
	}
	holds := func(s privacy.Sum) {
		n := 0
		for _, p := range s.Parts {
			n += values[p]
		}
		if n == values[s.Total] {
			table.Sums = append(table.Sums, s)
		}
	}
	for _, a := range areas {
		cell := func(c string) int { return at[[2]string{a, c}] }
		for _, b := range reports.CaseBreakdowns {
			if b.Total == "" {
				continue
			}
			s := privacy.Sum{Total: cell(b.Total)}
			for _, c := range columns {
				if strings.HasPrefix(c, b.Field+":") {
					s.Parts = append(s.Parts, cell(c))
				}
			}
			holds(s)
		}
	}
	for _, c := range columns {
		column := privacy.Sum{Total: at[[2]string{tt.Province, c}]}
		for _, a := range areas[:len(areas)-1] {
			column.Parts = append(column.Parts, at[[2]string{a, c}])
		}
		holds(column)
	}
	return table, cells, values
}

// Random years of case figures, read through every view a task-force member
// may ask for (the province, each regency, a district; each source; the
// CSV, the workbook, the annual report) by a reader who also knows one
// regency's figures exactly, as its verifier does: the views agree, and no
// hidden count of 1 to 4 comes out as one value.
func TestCaseFiguresAgainstAReaderWhoKnowsARegency(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	rng := rand.New(rand.NewPCG(12, 2026))
	token := tt.Token(t, srv.App, tt.Taskforce)
	fetch := func(path string) (reports.CasesReport, []byte) {
		t.Helper()
		var r reports.CasesReport
		res := srv.Do(t, http.MethodGet, path, token, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
		}
		if err := json.Unmarshal(res.Body, &r); err != nil {
			t.Fatal(err)
		}
		return r, res.Body
	}
	readers, counts := 0, 0
	for year := 2001; year <= 2012; year++ {
		truth := randomCaseYear(t, srv, rng, year)
		for _, source := range []string{"", "simfoni_ppa", "polda"} {
			if truth[source] == nil && source != "" {
				continue
			}
			query := fmt.Sprintf("year=%d&source=%s", year, source)
			r, _ := fetch(url("cases", query))
			bySource := truth[source]
			if source == "" {
				bySource = truth["simfoni_ppa"] // the first source with figures that year
			}
			shown := map[string]map[string]string{tt.Province: caseMarks(r.Totals.Cases)}
			for _, x := range r.Rows {
				if (x.Cases != nil) != (bySource[x.Area.Code] != nil) {
					t.Fatalf("%s: %s has figures %v", query, x.Area.Code, x.Cases != nil)
				}
				if x.Cases != nil {
					shown[x.Area.Code] = caseMarks(x.Cases)
				}
			}

			// every other view reads the same
			for area := range bySource {
				if area == tt.Province {
					continue
				}
				v, _ := fetch(url("cases", query+"&area="+area))
				if got := caseMarks(v.Totals.Cases); !equalMarks(got, shown[area]) {
					t.Errorf("%s: %s in its own view %v, in the province's %v", query, area, got, shown[area])
				}
				if area == tt.RegencyA {
					d, _ := fetch(url("cases", query+"&area="+tt.DistrictA))
					if got := caseMarks(d.Totals.Cases); !equalMarks(got, shown[area]) {
						t.Errorf("%s: %s in a district's view %v", query, area, got)
					}
				}
			}
			for _, file := range []string{"report_cases.csv", "report_cases.xlsx"} {
				lines := caseExportLines(t, srv, file, query)
				for area, marks := range shown {
					if want := mainMarks(marks); lines[area] != want {
						t.Errorf("%s %s: %s reads %q, the JSON %q", file, query, area, lines[area], want)
					}
				}
			}
			if source == "" {
				var a reports.AnnualReport
				get(t, srv, tt.Taskforce, url("annual", fmt.Sprintf("year=%d", year)), &a)
				if got := caseMarks(a.Cases.Totals.Cases); !equalMarks(got, shown[tt.Province]) {
					t.Errorf("annual %d: the province reads %v, the report %v", year, got, shown[tt.Province])
				}
				book := readXLSX(t, download(t, srv, tt.Taskforce, "annual.xlsx", fmt.Sprintf("year=%d", year), 200))
				sheet, err := book.GetRows("6 Kasus")
				if err != nil {
					t.Fatal(err)
				}
				if lines := exportLinesOf(t, sheet[3], sheet[4:]); lines[tt.Province] != mainMarks(shown[tt.Province]) {
					t.Errorf("annual.xlsx %d: the province reads %q", year, lines[tt.Province])
				}
			}

			// the reader: knowing nothing more, or one regency's figures
			for known := range bySource {
				if known == tt.Province {
					known = ""
				}
				readers++
				table, cells, values := caseReader(r, bySource, known)
				for i, cell := range cells {
					if cell[0] == tt.Province || cell[0] == known || values[i] < 1 || values[i] > privacy.SmallCellLimit {
						continue
					}
					counts++
					determined, ok := table.Determined(i, values[i], 500_000)
					if !ok {
						t.Fatalf("%s: the search through %v took too long", query, cell)
					}
					if determined {
						t.Errorf("%s, knowing %q: %v can only be %d to a reader: %v", query, known, cell, values[i], shown)
					}
				}
			}
		}
	}
	t.Logf("%d readers, %d hidden counts of 1-4 searched", readers, counts)
	if counts < 200 {
		t.Errorf("only %d hidden counts searched", counts)
	}
}

func equalMarks(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// mainMarks joins the single counts of a figure as the exports show them.
func mainMarks(m map[string]string) string {
	var out []string
	for _, c := range caseColumns {
		out = append(out, m[c])
	}
	return strings.Join(out, " ")
}

// caseExportLines reads a case export as the taskforce member: each area's
// single counts (the province: its total line).
func caseExportLines(t *testing.T, srv *tt.Server, file, query string) map[string]string {
	t.Helper()
	body := download(t, srv, tt.Taskforce, file, query, 200)
	if strings.HasSuffix(file, ".csv") {
		header, rows := readCSV(t, body)
		return exportLinesOf(t, header, rows)
	}
	rows, err := readXLSX(t, body).GetRows("Kasus")
	if err != nil || len(rows) < 4 {
		t.Fatalf("sheet kasus: %v", err)
	}
	return exportLinesOf(t, rows[3], rows[4:]) // title row, blank line, table title, header
}

func exportLinesOf(t *testing.T, header []string, rows [][]string) map[string]string {
	t.Helper()
	var cols []int
	for _, name := range []string{"Jumlah kasus", "Total korban", "Korban penyandang disabilitas", "Korban dipulangkan",
		"Laporan polisi", "Tersangka", "Restitusi diajukan", "Restitusi dikabulkan", "Kasus terlayani"} {
		cols = append(cols, column(t, header, name))
	}
	out := map[string]string{}
	for _, r := range rows {
		if len(r) <= cols[len(cols)-1] || r[cols[0]] == "" {
			continue
		}
		area := r[0]
		if strings.HasPrefix(r[1], "Total") {
			area = tt.Province
		}
		var cells []string
		for _, c := range cols {
			cells = append(cells, r[c])
		}
		out[area] = strings.Join(cells, " ")
	}
	return out
}

// Case figures are given for whole calendar years only, on every path: a
// year less a custom January-September period would be the last quarter.
func TestCaseFiguresWholeYearsOnly(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	audited := func() int {
		n, err := srv.App.CountRecords("audit_log")
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	before := audited()
	for _, period := range []string{"period=semester&index=2&year=2025", "period=quarter&index=4&year=2025", "period=month&index=12&year=2025",
		"period=custom&from=2025-01-01&to=2025-09-30", "period=custom&from=2025-01-02&to=2025-12-31", "period=custom&from=2024-01-01&to=2025-12-31"} {
		for _, path := range []string{url("cases", period), "/api/exports/report_cases.csv?" + period, "/api/exports/report_cases.xlsx?" + period} {
			for _, area := range []string{"", tt.RegencyA, tt.DistrictA} {
				res := srv.Do(t, http.MethodGet, path+"&area="+area, token, nil)
				if res.Status != http.StatusBadRequest || res.FieldError("period") != "case_period_year" {
					t.Errorf("%s at %q: %d %s", path, area, res.Status, res.Body)
				}
				if msg, _ := res.JSON()["message"].(string); !strings.Contains(msg, "tahun kalender penuh / ") && !strings.Contains(msg, " / Case figures are given for whole calendar years only") {
					t.Errorf("%s: not a bilingual message: %q", path, msg)
				}
			}
		}
	}
	if after := audited(); after != before {
		t.Errorf("%d refused requests left audit entries", after-before)
	}
	// the other reports keep every period; a whole year reads as a year
	get(t, srv, tt.Secretariat, url("activities", "period=quarter&index=4&year=2025"), nil)
	var custom, year reports.CasesReport
	get(t, srv, tt.Secretariat, url("cases", "period=custom&from=2025-01-01&to=2025-12-31"), &custom)
	get(t, srv, tt.Secretariat, url("cases", "year=2025"), &year)
	eq(t, "a custom whole year", caseLine(custom.Totals.Cases), caseLine(year.Totals.Cases))
	download(t, srv, tt.Secretariat, "report_cases.csv", "period=custom&from=2025-01-01&to=2025-12-31", 200)
	// the annual report is of the year of the period asked
	var a reports.AnnualReport
	get(t, srv, tt.Secretariat, url("annual", "period=quarter&index=4&year=2025"), &a)
	eq(t, "annual of a quarter: its year", a.Cases.Period.Kind, "year")
	download(t, srv, tt.Secretariat, "annual.xlsx", "period=month&index=3&year=2025", 200)
}

// Raw case figure records go to whoever keeps them and nobody else, on
// REST, realtime, expand, back-relation filters and the record history: a
// verifier reading the province's totals could subtract its own regency's.
func TestRawCaseFiguresOnlyToTheirKeepers(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	saveRecord(t, srv, catalog.Users, map[string]any{"id": "taskforcenoclus", "email": "tf.nocluster@test.jangkau.id", "password": tt.Password,
		"verified": true, "role": catalog.RoleTaskforceMember, "area": tt.Province, "name": "Anggota GT"})
	// a figure of 18.02 and of the province without a cluster, as verifiers
	// and the secretariat enter them
	noCluster := func(id, area string) {
		f := tt.CaseFigure(area, "")
		f["id"], f["year"] = id, 2023
		saveRecord(t, srv, catalog.CaseAggregates, f)
	}
	noCluster("caseb2023nocls1", tt.RegencyB)
	noCluster("caseprov2023nc1", tt.Province)

	list := func(who string) []string {
		res := srv.Do(t, http.MethodGet, "/api/collections/case_aggregates/records?perPage=500&sort=id", tt.Token(t, srv.App, who), nil)
		var body struct{ Items []struct{ ID string } }
		_ = json.Unmarshal(res.Body, &body)
		var ids []string
		for _, it := range body.Items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	for who, want := range map[string][]string{
		tt.VerifierA:                   {tt.CaseA},
		tt.VerifierB:                   {tt.CaseB, "caseb2023nocls1"},
		tt.Taskforce:                   {tt.CaseA, tt.CaseProvince},
		"tf.nocluster@test.jangkau.id": nil,
		tt.OfficerA:                    nil,
		tt.Secretariat:                 {tt.CaseA, tt.CaseB, "caseb2023nocls1", "caseprov2023nc1", tt.CaseProvince},
	} {
		slices.Sort(want)
		if got := list(who); !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", who, got, want)
		}
	}
	verifier := tt.Token(t, srv.App, tt.VerifierA)
	for _, id := range []string{tt.CaseProvince, tt.CaseB} {
		if res := srv.Do(t, http.MethodGet, "/api/collections/case_aggregates/records/"+id, verifier, nil); res.Status != http.StatusNotFound {
			t.Errorf("verifier A views %s: %d", id, res.Status)
		}
		if res := srv.Do(t, http.MethodGet, "/api/audit/case_aggregates/"+id, verifier, nil); res.Status < 400 {
			t.Errorf("verifier A reads the history of %s: %d %s", id, res.Status, res.Body)
		}
	}
	// a task-force member without a cluster keeps no figure
	if res := srv.Do(t, http.MethodDelete, "/api/collections/case_aggregates/records/caseb2023nocls1", tt.Token(t, srv.App, "tf.nocluster@test.jangkau.id"), nil); res.Status != http.StatusNotFound {
		t.Errorf("a task-force member without a cluster deletes a figure without one: %d", res.Status)
	}

	// the areas everyone reads, filtered or expanded through the figures:
	// the same answer whatever the figure of 18.02 holds
	for _, filter := range []string{`case_aggregates_via_area.case_count ?= 3`, `case_aggregates_via_area.case_count ?= 4`,
		`case_aggregates_via_area.case_count = 3`, `@collection.case_aggregates.area ?= id && @collection.case_aggregates.case_count ?= 3`} {
		for _, area := range []string{tt.RegencyB, tt.Province} {
			q := `/api/collections/areas/records?filter=` + strings.ReplaceAll(`(id="`+area+`" && `+filter+`)`, " ", "%20")
			res := srv.Do(t, http.MethodGet, q, verifier, nil)
			if n, _ := res.JSON()["totalItems"].(float64); res.Status == http.StatusOK && n != 0 {
				t.Errorf("verifier A finds %s by %q: %s", area, filter, res.Body)
			}
		}
	}
	res := srv.Do(t, http.MethodGet, "/api/collections/areas/records/"+tt.RegencyB+"?expand=case_aggregates_via_area", verifier, nil)
	if strings.Contains(string(res.Body), tt.CaseB) {
		t.Errorf("verifier A expands 18.02's figures: %s", res.Body)
	}

	// realtime: a change of another regency's or the province's figure is
	// no message to verifier A; one of its own is
	rt := tt.ConnectRealtime(t, srv)
	if res := rt.Subscribe(t, verifier, "case_aggregates", "case_aggregates/"+tt.CaseProvince, "case_aggregates/"+tt.CaseB); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}
	secretariat := tt.Token(t, srv.App, tt.Secretariat)
	for _, id := range []string{tt.CaseProvince, tt.CaseB, tt.CaseA} {
		if res := srv.Do(t, http.MethodPatch, "/api/collections/case_aggregates/records/"+id, secretariat, map[string]any{"case_count": 4}); res.Status != http.StatusOK {
			t.Fatalf("update %s: %d %s", id, res.Status, res.Body)
		}
	}
	got := rt.Received(2 * time.Second)
	if got[tt.CaseProvince] || got[tt.CaseB] || !got[tt.CaseA] {
		t.Errorf("verifier A's realtime messages: %v", got)
	}

	// the stored rules are the ones access/ states (the migration spells
	// them out)
	c, err := srv.App.FindCollectionByNameOrId(catalog.CaseAggregates)
	if err != nil {
		t.Fatal(err)
	}
	want := access.CaseAggregateRules
	for name, pair := range map[string][2]*string{"list": {c.ListRule, want.List}, "view": {c.ViewRule, want.View},
		"create": {c.CreateRule, want.Create}, "update": {c.UpdateRule, want.Update}, "delete": {c.DeleteRule, want.Delete}} {
		if pair[0] == nil || pair[1] == nil || *pair[0] != *pair[1] {
			t.Errorf("%s rule stored %v, access says %v", name, deref(pair[0]), deref(pair[1]))
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<superusers only>"
	}
	return strconv.Quote(*s)
}
