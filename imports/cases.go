package imports

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/catalog"
	"jangkau/vocab"
)

// The case-figure import (issue 15): case figures in the national
// reporting's layout (Simfoni PPA's recap), one row per area, period and
// source: cases and victims in total, victims by sex and by age band, with
// disability and repatriated; cases domestic or cross-border, by law and by
// stage; police reports, suspects, restitution; services and exploitation
// types. A breakdown's columns are its vocabulary's active codes
// ("Korban 0-5 tahun"), so a code the secretariat adds gets its column. An
// empty count cell is 0: the row is the figure's whole content, and a
// stored figure of the same area, period and source is replaced by it
// (only when something differs). Written through the record API's hooks
// (the totals' cross-checks, vocabularies, privacy, the area's level); the
// policy as the request hooks check it (access.CheckWrite).
func init() { Add(casesImporter{}) }

// CasesKind is the case-figure import's kind.
const CasesKind = "cases"

// CasesSheet is the sheet of case figures.
const CasesSheet = "Angka kasus"

type casesImporter struct{}

func (casesImporter) Kind() string { return CasesKind }

func (casesImporter) Title() string { return apierr.Text("Angka kasus", "Case figures") }

// Allowed: whoever may enter case figures (the secretariat, verifiers and
// task-force members, each within its scope, which Apply checks per row).
func (casesImporter) Allowed(a access.Actor) bool {
	return a.Superuser || access.Can(a, catalog.CaseAggregates, access.Create)
}

// caseScalarColumns are the single counts: key (the field), header.
var caseScalarColumns = [][3]string{
	{"case_count", "Jumlah kasus", "Cases"},
	{"victims_total", "Jumlah korban", "Victims"},
	{"victims_disabled", "Korban penyandang disabilitas", "Victims with disability"},
	{"victims_repatriated", "Korban dipulangkan", "Victims repatriated"},
	{"police_reports", "Laporan polisi", "Police reports"},
	{"suspects", "Tersangka", "Suspects"},
	{"restitution_requested", "Restitusi diajukan", "Restitution requested"},
	{"restitution_granted", "Restitusi dikabulkan", "Restitution granted"},
	{"cases_served", "Kasus dilayani", "Cases served"},
}

// caseBreakdownColumns are the breakdowns: field, vocabulary, header words.
var caseBreakdownColumns = [][4]string{
	{"victims_by_sex", "sexes", "Korban", "Victims"},
	{"victims_by_age", "age_bands", "Korban", "Victims"},
	{"cases_by_scope", "case_scopes", "Kasus", "Cases"},
	{"cases_by_law", "case_laws", "Kasus", "Cases"},
	{"cases_by_stage", "case_stages", "Kasus tahap", "Cases at stage"},
	{"services", "case_services", "Layanan", "Service"},
	{"exploitation_types", "exploitation_types", "Eksploitasi", "Exploitation"},
}

var caseHeadColumns = []Column{
	{Key: "area", Header: "Kode wilayah / Area code", Required: true, Hint: "18.01 (kabupaten/kota) atau 18 (provinsi) / 18.01 (regency) or 18 (province)", Width: 10},
	{Key: "year", Header: "Tahun / Year", Required: true, Hint: "2025", Width: 8},
	{Key: "period", Header: "Periode / Period", Hint: "tahun | semester | triwulan | bulan (kosong: tahun)", Width: 10},
	{Key: "index", Header: "Ke- / Number", Hint: "semester 1-2, triwulan 1-4, bulan 1-12", Width: 8},
	{Key: "source", Header: "Sumber / Source", Required: true, Hint: "kode atau nama (lembar Sumber) / code or name (sheet Sumber)", Width: 14},
	{Key: "status", Header: "Status angka / Figure status", Hint: "final | sementara", Width: 10},
	{Key: "cluster", Header: "Klaster / Cluster", Hint: "kosong: klaster Anda / empty: your cluster", Width: 14},
	{Key: "source_note", Header: "Keterangan sumber / Source note", Width: 24},
}

var casePeriods = map[string]string{"": "year", "tahun": "year", "year": "year", "tahunan": "year", "semester": "semester",
	"triwulan": "quarter", "quarter": "quarter", "kuartal": "quarter", "bulan": "month", "month": "month"}

var caseStatuses = map[string]string{"": "final", "final": "final", "tetap": "final", "sementara": "provisional", "provisional": "provisional"}

var (
	msgWhole      = apierr.Text("Isi bilangan bulat 0 atau lebih.", "Give a whole number from 0.")
	msgCaseSource = apierr.Text("Sumber tidak dikenal atau sudah tidak dipakai (lihat lembar Sumber).", "Unknown or retired source (see the sheet Sumber).")
	msgCaseDup    = apierr.Text("Angka wilayah, periode dan sumber ini sudah ada di baris %d berkas ini.", "The figures of this area, period and source are already in row %d of this file.")
	msgIndex      = apierr.Text("Nomor periode di luar jangkauan (semester 1-2, triwulan 1-4, bulan 1-12).", "Period number out of range (semester 1-2, quarter 1-4, month 1-12).")
)

// caseColumnsOf lays out the sheet's columns for the vocabularies as stored:
// the head, the single counts, then each breakdown's active codes.
func caseColumnsOf(set *vocab.Set) []Column {
	cols := append([]Column{}, caseHeadColumns...)
	for _, s := range caseScalarColumns {
		cols = append(cols, Column{Key: s[0], Header: apierr.Text(s[1], s[2]), Hint: apierr.Text("angka", "number"), Width: 10})
	}
	for _, b := range caseBreakdownColumns {
		for _, e := range set.Entries(b[1]) {
			if e.Active {
				cols = append(cols, Column{Key: b[0] + "." + e.Code, Header: apierr.Text(b[2]+" "+e.LabelID, b[3]+" "+e.LabelEN), Width: 12})
			}
		}
	}
	return cols
}

func (casesImporter) Sheets(app core.App, a access.Actor) ([]Sheet, error) {
	set, err := vocab.For(app)
	if err != nil {
		return nil, err
	}
	example := map[string]string{"area": "18.01", "year": "2025", "period": "tahun", "source": "simfoni_ppa", "status": "final",
		"case_count": "5", "victims_total": "6", "victims_by_sex.female": "4", "victims_by_sex.male": "2",
		"victims_by_age.age_13_17": "3", "victims_by_age.age_18_24": "2", "victims_by_age.age_25_44": "1",
		"cases_by_scope.cross_border": "4", "cases_by_scope.domestic": "1", "cases_by_law.tppo": "5",
		"cases_by_stage.penyidikan": "2", "police_reports": "5", "suspects": "7", "services.pengaduan": "6"}
	if a.Cluster != "" {
		example["cluster"] = a.Cluster
	}
	var areas []map[string]string
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := app.DB().NewQuery(`SELECT id, name FROM areas WHERE level IN ('province', 'regency') AND active = TRUE ORDER BY id`).All(&rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		areas = append(areas, map[string]string{"code": r.ID, "name": r.Name})
	}
	var sources []map[string]string
	for _, e := range set.Entries("case_sources") {
		if e.Active {
			sources = append(sources, map[string]string{"code": e.Code, "id": e.LabelID, "en": e.LabelEN})
		}
	}
	ref := []Column{{Key: "code", Header: "Kode / Code", Width: 16}, {Key: "id", Header: "Bahasa Indonesia", Width: 40}, {Key: "en", Header: "English", Width: 40}}
	return []Sheet{
		{Name: CasesSheet, Columns: caseColumnsOf(set), Examples: []map[string]string{example},
			Note: apierr.Text("Angka agregat saja, tanpa nama atau data pribadi. Satu baris per wilayah, periode dan sumber; sel kosong = 0. "+
				"Korban menurut jenis kelamin dan menurut umur masing-masing harus berjumlah sama dengan jumlah korban.",
				"Aggregate figures only, no names or personal data. One row per area, period and source; an empty cell is 0. "+
					"Victims by sex and victims by age must each add up to the number of victims.")},
		{Name: "Wilayah", Reference: true, Columns: []Column{{Key: "code", Header: "Kode / Code", Width: 10}, {Key: "name", Header: "Nama / Name", Width: 40}}, Rows: areas},
		{Name: "Sumber", Reference: true, Columns: ref, Rows: sources},
	}, nil
}

func (casesImporter) Apply(run *Run) error {
	return applyRows(run, catalog.CaseAggregates, CasesSheet, applyCaseRow)
}

// caseFieldColumns maps the fields of case_aggregates to the sheet's
// columns, for the errors of a save: a breakdown's error goes to the first
// of its columns the row's sheet has.
func caseFieldColumns(set *vocab.Set, row *Row) map[string]string {
	out := map[string]string{"area": "area", "year": "year", "period_type": "period", "period_index": "index", "source": "source",
		"figure_status": "status", "cluster": "cluster", "source_note": "source_note"}
	for _, s := range caseScalarColumns {
		out[s[0]] = s[0]
	}
	for _, b := range caseBreakdownColumns {
		for _, e := range set.Entries(b[1]) {
			if key := b[0] + "." + e.Code; e.Active && row.Cell(key) != "" {
				out[b[0]] = key
				break
			}
		}
	}
	return out
}

// wholeCount reads a count cell: empty is 0.
func wholeCount(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	n, ok := parseNumber(s)
	if !ok || n < 0 || n != math.Trunc(n) || n > 1e7 {
		return 0, false
	}
	return int(n), true
}

func applyCaseRow(run *Run, set *vocab.Set, col *core.Collection, row *Row, seen map[string]int) error {
	fig := map[string]any{"area": row.Get("area"), "source_note": row.Get("source_note")}
	year, err := strconv.Atoi(row.Get("year"))
	if err != nil || year < 2000 || year > 2100 {
		if !hasError(row, "year") {
			row.Fail("year", "validation_invalid_value", apierr.Text("Tahun 2000-2100.", "A year from 2000 to 2100."))
		}
	}
	fig["year"] = year
	period, ok := casePeriods[norm(row.Get("period"))]
	if !ok {
		row.Fail("period", "validation_invalid_value", msgChoice("tahun, semester, triwulan, bulan"))
	}
	fig["period_type"] = period
	index := 0
	if period != "" && period != "year" {
		index, _ = strconv.Atoi(row.Get("index"))
		if most := map[string]int{"semester": 2, "quarter": 4, "month": 12}[period]; index < 1 || index > most {
			row.Fail("index", "validation_invalid_value", msgIndex)
		}
	}
	fig["period_index"] = index
	source := ""
	if v := row.Get("source"); v != "" {
		if c, ok := activeCode(set, "case_sources", v); ok {
			source = c
		} else if !hasError(row, "source") {
			row.Fail("source", "unknown_code", msgCaseSource)
		}
	}
	fig["source"] = source
	status, ok := caseStatuses[norm(row.Get("status"))]
	if !ok {
		row.Fail("status", "validation_invalid_value", msgChoice("final, sementara"))
	}
	fig["figure_status"] = status
	cluster := ""
	if v := row.Get("cluster"); v != "" {
		if c, ok := activeCode(set, "clusters", v); ok {
			cluster = c
		} else if !hasError(row, "cluster") {
			row.Fail("cluster", "unknown_code", msgCluster)
		}
	} else if access.HasCluster(run.Actor.Role) {
		cluster = run.Actor.Cluster // a task-force member's figures are its cluster's
	}
	fig["cluster"] = cluster
	for _, s := range caseScalarColumns {
		n, ok := wholeCount(row.Get(s[0]))
		if !ok && !hasError(row, s[0]) {
			row.Fail(s[0], "not_count", msgWhole)
		}
		fig[s[0]] = n
	}
	for _, b := range caseBreakdownColumns {
		counts := map[string]any{}
		for _, e := range set.Entries(b[1]) {
			key := b[0] + "." + e.Code
			if !e.Active {
				continue
			}
			n, ok := wholeCount(row.Get(key))
			if !ok && !hasError(row, key) {
				row.Fail(key, "not_count", msgWhole)
			}
			if n > 0 {
				counts[e.Code] = n
			}
		}
		fig[b[0]] = counts
	}
	row.Key = fmt.Sprintf("%s %d %s-%d %s", fig["area"], year, period, index, source)
	if first, dup := seen[row.Key]; dup {
		row.Fail("area", "duplicate_row", fmt.Sprintf(msgCaseDup, first, first))
		return nil
	}
	seen[row.Key] = row.Line

	stored, err := run.Tx.FindFirstRecordByFilter(catalog.CaseAggregates,
		"area = {:a} && year = {:y} && period_type = {:t} && period_index = {:i} && source = {:s}",
		dbx.Params{"a": fig["area"], "y": year, "t": period, "i": index, "s": source})
	if err != nil && !isNotFound(err) {
		return err
	}
	rec := stored
	if rec == nil {
		rec = core.NewRecord(col)
	}
	var changed []string
	for k, v := range fig {
		if !sameCaseValue(rec.Get(k), v) {
			changed = append(changed, k)
			rec.Set(k, v)
		}
	}
	sort.Strings(changed)
	// the key names no cluster: the record it finds may be another
	// cluster's, which this row may neither read (unchanged, changes) nor
	// overwrite
	if !row.Failed() && !run.Reach(row, rec, caseFieldColumns(set, row), stored, "cluster") {
		return nil
	}
	if stored != nil && len(changed) == 0 && !row.Failed() {
		row.SetUnchanged()
		return nil
	}
	if rec.IsNew() && !run.Actor.Superuser {
		rec.Set("created_by", run.Actor.ID)
	}
	return run.Write(row, rec, caseFieldColumns(set, row), stored, changed)
}

// sameCaseValue compares a stored field with the row's value: numbers as
// numbers, breakdowns as their counts.
func sameCaseValue(stored, next any) bool {
	switch n := next.(type) {
	case int:
		return fmt.Sprint(stored) == strconv.Itoa(n)
	case map[string]any:
		have, ok := countsOfStored(stored)
		if !ok || len(have) != len(n) {
			return false
		}
		for k, v := range n {
			if have[k] != v.(int) {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(stored) == fmt.Sprint(next)
}

// countsOfStored reads a stored breakdown (JSON) as counts.
func countsOfStored(v any) (map[string]int, bool) {
	var m map[string]float64
	var raw string
	switch x := v.(type) {
	case types.JSONRaw:
		raw = string(x)
	case string:
		raw = x
	case []byte:
		raw = string(x)
	default:
		b, _ := json.Marshal(x)
		raw = string(b)
	}
	if raw == "" || raw == "null" {
		return map[string]int{}, true
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, false
	}
	out := make(map[string]int, len(m))
	for k, f := range m {
		if f != 0 {
			out[k] = int(f)
		}
	}
	return out, true
}
