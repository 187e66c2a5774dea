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

// caseColumns are the seven counts of a row of report 6, in its order.
var caseColumns = []string{"case_count", "victims_female_child", "victims_male_child", "victims_female_adult", "victims_male_adult", "victims_total", "cases_served"}

// trueFigure is what one area's figures of a year add up to, by source.
type trueFigure struct {
	counts            map[string]int // caseColumns
	exploit, services map[string]int
}

func (f *trueFigure) get(col string) int {
	switch kind, key, _ := strings.Cut(col, ":"); kind {
	case "exploitation_types":
		return f.exploit[key]
	case "services":
		return f.services[key]
	}
	return f.counts[col]
}

func (f *trueFigure) add(o *trueFigure) {
	for k, v := range o.counts {
		f.counts[k] += v
	}
	for k, v := range o.exploit {
		f.exploit[k] += v
	}
	for k, v := range o.services {
		f.services[k] += v
	}
}

func newTrueFigure() *trueFigure {
	return &trueFigure{counts: map[string]int{}, exploit: map[string]int{}, services: map[string]int{}}
}

// randomCaseYear enters random figures of one year for a few regencies: of
// Simfoni PPA, sometimes of Polda too for some of them; some as a year,
// some as quarters; sometimes a province figure of its own. It returns the
// true yearly figures by source and area (the province: its own, or the
// sum of its regencies).
func randomCaseYear(t *testing.T, srv *tt.Server, rng *rand.Rand, year int) map[string]map[string]*trueFigure {
	value := func() int { return privacytest.RandomCount(rng, 8) }
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
			f := newTrueFigure()
			for _, c := range caseColumns {
				if c != "victims_total" && c != "case_count" {
					f.counts[c] = value()
				}
			}
			f.counts["victims_total"] = f.counts["victims_female_child"] + f.counts["victims_male_child"] + f.counts["victims_female_adult"] + f.counts["victims_male_adult"]
			if rng.IntN(2) == 0 {
				for _, key := range catalog.ExploitationTypes[:2+rng.IntN(2)] {
					if n := value(); n > 0 {
						f.exploit[key] = n
						f.counts["case_count"] += n
					}
				}
				if rng.IntN(3) == 0 {
					f.counts["case_count"] += 1 + rng.IntN(2) // cases of no known type
				}
			} else {
				f.counts["case_count"] = value()
			}
			if rng.IntN(2) == 0 {
				for _, key := range catalog.CaseServices[:2] {
					if n := value(); n > 0 {
						f.services[key] = n
					}
				}
			}
			truth[source][reg] = f
			province.add(f)
			enterCaseFigure(t, srv, rng, reg, year, source, f, rng.IntN(3) == 0)
		}
		if rng.IntN(4) == 0 {
			// the province's own figure: more cases than its regencies'
			for k := range province.counts {
				province.counts[k] += rng.IntN(3)
			}
			province.counts["victims_total"] = province.counts["victims_female_child"] + province.counts["victims_male_child"] +
				province.counts["victims_female_adult"] + province.counts["victims_male_adult"]
			enterCaseFigure(t, srv, rng, tt.Province, year, source, province, false)
		}
		truth[source][tt.Province] = province
	}
	return truth
}

// enterCaseFigure saves a yearly figure, or the same spread over quarters.
func enterCaseFigure(t *testing.T, srv *tt.Server, rng *rand.Rand, area string, year int, source string, f *trueFigure, quarters bool) {
	t.Helper()
	parts := 1
	if quarters {
		parts = 4
	}
	split := func(n int) []int { // n spread at random over the parts
		out := make([]int, parts)
		for range n {
			out[rng.IntN(parts)]++
		}
		return out
	}
	records := make([]map[string]any, parts)
	for q := range records {
		records[q] = map[string]any{"area": area, "year": year, "period_type": "year", "figure_status": "final", "source": source,
			"exploitation_types": map[string]any{}, "services": map[string]any{}}
		if quarters {
			records[q]["period_type"], records[q]["period_index"] = "quarter", q+1
		}
	}
	for _, c := range caseColumns {
		if c != "victims_total" {
			for q, n := range split(f.counts[c]) {
				records[q][c] = n
			}
		}
	}
	for group, counts := range map[string]map[string]int{"exploitation_types": f.exploit, "services": f.services} {
		for key, n := range counts {
			for q, m := range split(n) {
				if m > 0 {
					records[q][group].(map[string]any)[key] = m
				}
			}
		}
	}
	for _, r := range records {
		saveRecord(t, srv, catalog.CaseAggregates, r)
	}
}

// caseMarks is a figure as shown, by column: the seven counts, and
// "exploitation_types:<key>", "services:<key>" ("0" for a key not listed).
func caseMarks(f *reports.CaseFigures) map[string]string {
	out := map[string]string{"case_count": f.CaseCount, "victims_female_child": f.VictimsFC, "victims_male_child": f.VictimsMC,
		"victims_female_adult": f.VictimsFA, "victims_male_adult": f.VictimsMA, "victims_total": f.VictimsTotal, "cases_served": f.CasesServed}
	for k, v := range f.Exploitation {
		out["exploitation_types:"+k] = v
	}
	for k, v := range f.Services {
		out["services:"+k] = v
	}
	return out
}

// caseReader lays a report out as a reader sees it: a table of the rows of
// the regencies with figures and the province, the sums it knows (each
// row's victims add up to their total; exploitation types to the case count
// and each column of regencies to the province, where they do: a reader
// who knows more than the rules is assumed), and the counts of the known
// regency. cells names each count: area and column.
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
		holds(privacy.Sum{Total: cell("victims_total"), Parts: []int{cell("victims_female_child"), cell("victims_male_child"), cell("victims_female_adult"), cell("victims_male_adult")}})
		exploit := privacy.Sum{Total: cell("case_count")}
		for _, c := range columns {
			if strings.HasPrefix(c, "exploitation_types:") {
				exploit.Parts = append(exploit.Parts, cell(c))
			}
		}
		holds(exploit)
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

// mainMarks joins the seven counts of a figure as the exports show them.
func mainMarks(m map[string]string) string {
	var out []string
	for _, c := range caseColumns {
		out = append(out, m[c])
	}
	return strings.Join(out, " ")
}

// caseExportLines reads a case export as the taskforce member: each area's
// seven counts (the province: its total line).
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
	for _, name := range []string{"Jumlah kasus", "Korban anak perempuan", "Korban anak laki-laki", "Korban dewasa perempuan",
		"Korban dewasa laki-laki", "Total korban", "Kasus terlayani"} {
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
