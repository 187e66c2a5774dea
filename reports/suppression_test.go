package reports_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/reports"
)

// RegencyC is a third regency for the hand-made figures below.
const RegencyC = "18.03"

// caseFigure is a yearly Simfoni figure of victims who are all women of
// 25-44, unless more is given.
func caseFigure(area string, year, cases int, more map[string]any) map[string]any {
	f := map[string]any{"area": area, "year": year, "period_type": "year", "case_count": cases,
		"cases_served": cases, "figure_status": "final", "source": "simfoni_ppa"}
	for k, v := range victims(0, 0, cases, 0) {
		f[k] = v
	}
	for k, v := range more {
		f[k] = v
	}
	return f
}

// seedSuppression adds hand-made figures of years with no other records:
//
//	2021: 18.01 has 2 cases, 18.02 11, 18.03 23 (province 36, summed)
//	2022: 18.01 2, 18.02 3, 18.03 23
//	2020: 18.01 2, no other regency
//	2018: 18.01 2, 18.02 11
//	2019: the province's own figure (40 cases) and 18.03's 23, its victims
//	      3 girls, 0 boys, 6 women, 14 men
func seedSuppression(t *testing.T) *tt.Server {
	srv := seed(t)
	for _, f := range []map[string]any{
		caseFigure(tt.RegencyA, 2021, 2, nil), caseFigure(tt.RegencyB, 2021, 11, nil), caseFigure(RegencyC, 2021, 23, nil),
		caseFigure(tt.RegencyA, 2022, 2, nil), caseFigure(tt.RegencyB, 2022, 3, nil), caseFigure(RegencyC, 2022, 23, nil),
		caseFigure(tt.RegencyA, 2020, 2, nil),
		caseFigure(tt.RegencyA, 2018, 2, nil), caseFigure(tt.RegencyB, 2018, 11, nil),
		caseFigure(tt.Province, 2019, 40, with(victims(10, 5, 10, 15), map[string]any{"cases_served": 30})),
		caseFigure(RegencyC, 2019, 23, with(victims(3, 0, 6, 14), map[string]any{"cases_served": 20})),
	} {
		saveRecord(t, srv, catalog.CaseAggregates, f)
	}
	return srv
}

// victims are the victims' fields of a figure of girls, boys, women and
// men: the children 13-17 years old, the adults 25-44.
func victims(girls, boys, women, men int) map[string]any {
	sex, age := map[string]any{}, map[string]any{}
	for k, n := range map[string]int{"female": girls + women, "male": boys + men} {
		if n > 0 {
			sex[k] = n
		}
	}
	for k, n := range map[string]int{"age_13_17": girls + boys, "age_25_44": women + men} {
		if n > 0 {
			age[k] = n
		}
	}
	return map[string]any{"victims_total": girls + boys + women + men, "victims_by_sex": sex, "victims_by_age": age}
}

// with adds the fields of more to f.
func with(f, more map[string]any) map[string]any {
	for k, v := range more {
		f[k] = v
	}
	return f
}

// caseLine is a figure's counts as the table shows them: cases, victims,
// female, male, 13-17, 25-44, served ("-" for no figure).
func caseLine(c *reports.CaseFigures) string {
	if c == nil {
		return "-"
	}
	or0 := func(m map[string]string, k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		return "0"
	}
	return strings.Join([]string{c.CaseCount, c.VictimsTotal, or0(c.VictimsBySex, "female"), or0(c.VictimsBySex, "male"),
		or0(c.VictimsByAge, "age_13_17"), or0(c.VictimsByAge, "age_25_44"), c.CasesServed}, " ")
}

func caseLines(r reports.CasesReport) map[string]string {
	out := map[string]string{"total": caseLine(r.Totals.Cases)}
	for _, x := range r.Rows {
		out[x.Area.Code] = caseLine(x.Cases)
	}
	return out
}

func TestCasesComplementarySuppression(t *testing.T) {
	t.Parallel()
	srv := seedSuppression(t)
	lines := func(query string) (reports.CasesReport, map[string]string, []byte) {
		var r reports.CasesReport
		res := get(t, srv, tt.Secretariat, url("cases", query), &r)
		return r, caseLines(r), res.Body
	}

	t.Run("one small regency: the other ones are hidden too, and 2 cannot be worked out", func(t *testing.T) {
		r, got, body := lines("year=2021")
		eq(t, "18.01 (2)", got[tt.RegencyA], "<5 <5 <5 0 0 <5 <5")
		eq(t, "18.02 (11): hidden beside it", got[tt.RegencyB], "• • • 0 0 • •")
		// 18.02's verifier knows its 11: were 23 shown, 36 - 11 - 23 = 2
		eq(t, "18.03 (23): hidden from a reader who knows 18.02", got[RegencyC], "• • • 0 0 • •")
		eq(t, "province (36)", got["total"], "36 36 36 0 0 36 36")
		eq(t, "18.04: no figure", got["18.04"], "-")
		if r.ActivitiesPerCase == nil {
			t.Error("activities per case: the province's count is shown, so is the ratio")
		}
		// a reader of the answer: 18.01 + 18.02 + 18.03 = 36, 18.01 is 1 to 4
		// and the others at least 5, so 18.01 can be 1, 2, 3 or 4
		if vs := readerValues(t, r, func(c *reports.CaseFigures) string { return c.CaseCount }, tt.RegencyA); len(vs) != 4 {
			t.Errorf("a reader narrows 18.01's cases to %v", vs)
		}
		noneOf(t, "the JSON answer", jsonValues(t, body), "2", "11", "23")
		for _, file := range []string{"report_cases.csv", "report_cases.xlsx"} {
			noneOf(t, file, exportCells(t, srv, tt.Secretariat, file, "year=2021"), "2", "11", "23")
			eq(t, file+" 18.02", exportLine(t, srv, file, "year=2021", tt.RegencyB), "• • • 0 0 • •")
		}
		// the annual report's case part and its workbook's sheet read the same
		var a reports.AnnualReport
		res := get(t, srv, tt.Secretariat, url("annual", "year=2021"), &a)
		eq(t, "annual 18.02", caseLines(*a.Cases)[tt.RegencyB], "• • • 0 0 • •")
		var raw struct {
			Cases json.RawMessage `json:"cases"`
		}
		_ = json.Unmarshal(res.Body, &raw)
		noneOf(t, "the annual JSON's cases", jsonValues(t, raw.Cases), "2", "11", "23")
		book := readXLSX(t, download(t, srv, tt.Secretariat, "annual.xlsx", "year=2021", 200))
		sheet, _ := book.GetRows("6 Kasus")
		noneOf(t, "the annual workbook's cases", flatten(sheet), "2", "11", "23")

		// a regency reads the same in its own view: were 18.02's 11 shown
		// there, 36 - 23 - 11 would give 18.01's 2
		for _, who := range []struct{ user, area string }{{tt.Secretariat, tt.RegencyB}, {tt.Secretariat, tt.RegencyA}, {tt.VerifierB, ""}} {
			var v reports.CasesReport
			get(t, srv, who.user, url("cases", "year=2021&area="+who.area), &v)
			eq(t, "own view of "+v.Area.Code, caseLine(v.Totals.Cases), got[v.Area.Code])
		}
		_, vrows := readCSV(t, download(t, srv, tt.VerifierB, "report_cases.csv", "year=2021", 200))
		noneOf(t, "the verifier's CSV", flatten(vrows), "11")
	})

	t.Run("two small regencies protect each other from a reader who knows nothing more", func(t *testing.T) {
		_, got, _ := lines("year=2022")
		eq(t, "18.01 (2)", got[tt.RegencyA], "<5 <5 <5 0 0 <5 <5")
		eq(t, "18.02 (3)", got[tt.RegencyB], "<5 <5 <5 0 0 <5 <5")
		// but 18.02's verifier knows its 3: were 23 shown, 28 - 3 - 23 = 2
		eq(t, "18.03 (23)", got[RegencyC], "• • • 0 0 • •")
		eq(t, "province (28)", got["total"], "28 28 28 0 0 28 28")
	})

	t.Run("two regencies: the province's counts would give either away to the other's verifier", func(t *testing.T) {
		r, got, _ := lines("year=2018")
		eq(t, "18.01 (2)", got[tt.RegencyA], "<5 <5 <5 0 0 <5 <5")
		eq(t, "18.02 (11)", got[tt.RegencyB], "11 11 11 0 0 11 11")
		eq(t, "province (13)", got["total"], "• • • 0 0 • •")
		if r.ActivitiesPerCase != nil {
			t.Errorf("activities per case beside a hidden case count: %v", *r.ActivitiesPerCase)
		}
	})

	t.Run("zeros are shown and are no complements: the province's count is hidden", func(t *testing.T) {
		r, got, body := lines("year=2020")
		eq(t, "18.01 (2)", got[tt.RegencyA], "<5 <5 <5 0 0 <5 <5")
		eq(t, "18.02: no figure", got[tt.RegencyB], "-")
		// the province's counts are 18.01's
		eq(t, "province (2)", got["total"], "• • • 0 0 • •")
		if r.ActivitiesPerCase != nil {
			t.Errorf("activities per case beside a hidden case count: %v", *r.ActivitiesPerCase)
		}
		noneOf(t, "the JSON answer", jsonValues(t, body), "2")
		noneOf(t, "report_cases.xlsx", exportCells(t, srv, tt.Secretariat, "report_cases.xlsx", "year=2020"), "2")
	})

	t.Run("a row of victims by sex and age with one small count", func(t *testing.T) {
		// the province's own figure is not the sum of its regencies': no
		// column can be subtracted, only 18.03's row
		_, got, _ := lines("year=2019")
		eq(t, "18.03: 3 girls, 0 boys, 6 women, 14 men: 9 female, 14 male, 3 of 13-17 (so 20 of 25-44 hidden)", got[RegencyC], "23 23 9 14 <5 • 20")
		eq(t, "province (its own figure)", got["total"], "40 40 20 20 15 25 30")
		eq(t, "csv 18.03", exportLine(t, srv, "report_cases.csv", "year=2019", RegencyC), "23 23 9 14 <5 • 20")
	})
}

// readerValues lists the values a reader of the report can give a
// regency's count in one column: every split of the province's count over
// the regencies that fits what they show ("<5": 1 to 4, "•": at least 5).
func readerValues(t *testing.T, r reports.CasesReport, count func(*reports.CaseFigures) string, regency string) []int {
	t.Helper()
	total, err := strconv.Atoi(count(r.Totals.Cases))
	if err != nil {
		t.Fatalf("province count %q", count(r.Totals.Cases))
	}
	type cell struct {
		code   string
		lo, hi int
	}
	var hidden []cell
	for _, x := range r.Rows {
		if x.Cases == nil {
			continue
		}
		switch v := count(x.Cases); v {
		case "<5":
			hidden = append(hidden, cell{x.Area.Code, 1, 4})
		case "•":
			hidden = append(hidden, cell{x.Area.Code, 5, total})
		default:
			n, _ := strconv.Atoi(v)
			total -= n
		}
	}
	seen := map[int]bool{}
	var walk func(k, left int, mine int)
	walk = func(k, left, mine int) {
		if k == len(hidden) {
			if left == 0 {
				seen[mine] = true
			}
			return
		}
		for v := hidden[k].lo; v <= min(hidden[k].hi, left); v++ {
			m := mine
			if hidden[k].code == regency {
				m = v
			}
			walk(k+1, left-v, m)
		}
	}
	walk(0, total, -1)
	var out []int
	for v := range seen {
		out = append(out, v)
	}
	return out
}

// jsonValues lists every number and string in a JSON document.
func jsonValues(t *testing.T, body []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		case float64:
			out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
		case string:
			out = append(out, x)
		}
	}
	walk(v)
	return out
}

// noneOf fails if any of the values is one of the hidden counts.
func noneOf(t *testing.T, where string, values []string, hidden ...string) {
	t.Helper()
	for _, v := range values {
		for _, h := range hidden {
			if strings.TrimSpace(v) == h {
				t.Errorf("%s: the hidden count %s appears", where, h)
			}
		}
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// exportCells lists every cell of a case export.
func exportCells(t *testing.T, srv *tt.Server, who, file, query string) []string {
	t.Helper()
	body := download(t, srv, who, file, query, 200)
	if strings.HasSuffix(file, ".csv") {
		header, rows := readCSV(t, body)
		return append(header, flatten(rows)...)
	}
	rows, err := readXLSX(t, body).GetRows("Kasus")
	if err != nil {
		t.Fatal(err)
	}
	return flatten(rows)
}

// exportLine is a regency's seven case counts in a case export.
func exportLine(t *testing.T, srv *tt.Server, file, query, regency string) string {
	t.Helper()
	body := download(t, srv, tt.Secretariat, file, query, 200)
	var header []string
	var rows [][]string
	if strings.HasSuffix(file, ".csv") {
		header, rows = readCSV(t, body)
	} else {
		all, err := readXLSX(t, body).GetRows("Kasus")
		if err != nil || len(all) < 4 {
			t.Fatalf("sheet kasus: %v", err)
		}
		header, rows = all[3], all[4:] // title row, blank line, table title, header
	}
	for _, r := range rows {
		if len(r) == len(header) && r[0] == regency {
			var cells []string
			for _, name := range []string{"Jumlah kasus", "Total korban", "Korban menurut jenis kelamin: Perempuan", "Korban menurut jenis kelamin: Laki-laki",
				"Korban menurut umur: 13-17 tahun", "Korban menurut umur: 25-44 tahun", "Kasus terlayani"} {
				// a code no row counts has no column
				if !slices.Contains(header, name) {
					cells = append(cells, "0")
					continue
				}
				cells = append(cells, r[column(t, header, name)])
			}
			return strings.Join(cells, " ")
		}
	}
	t.Fatalf("%s: no line of %s", file, regency)
	return ""
}
