package imports_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

var radHeader = []string{"Periode RAD / RAD period", "Kode / Code", "Klaster / Cluster", "Program / Programme", "Kegiatan / Activity",
	"Indikator / Indicator", "Satuan / Unit", "Tingkat / Level", "Penanggung jawab / Lead agency", "Baseline", "Arah / Direction",
	"Cara hitung / Counting", "Aturan otomatis / Automatic rule", "Aktif / Active", "Target 2025", "Target 2026",
	"Alokasi 2025 / Allocation 2025", "Realisasi 2025 / Realisation 2025"}

// radRow is one indicator row of radHeader, with the given overrides by
// column index.
func radRow(code string, set map[int]any) []any {
	row := []any{"2022-2026", code, "prevention", "Pencegahan berbasis desa", "Sosialisasi", "Jumlah sosialisasi " + code, "kegiatan",
		"kabupaten", "Dinas PPPA", 0, "naik", "otomatis", "sosialisasi_count", "ya", 10, 12, 150000000, 120000000}
	for i, v := range set {
		row[i] = v
	}
	return row
}

// The RAD matrix: a preview writes nothing and says what each row would
// do; a confirm writes every row in one go (targets, budgets, the
// definition's version, the import's record); the same file again changes
// nothing.
func TestRadImportPreviewConfirmAndAgain(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	data := book(t, "Indikator", radHeader,
		radRow("N.1", nil),
		radRow("N.2", map[int]any{2: "Penegakan hukum", 7: "provinsi", 11: "manual", 12: "", 14: "1.234,5", 16: "Rp 150.000.000"}),
		// the fixture's indicator, with a target and a budget added
		radRow("P.1.1", map[int]any{5: "", 14: 15, 15: nil}),
	)
	before := state(t, srv)
	r, res := preview(t, srv, "rad", token, data)
	if r.Status != http.StatusOK {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	if after := state(t, srv); after != before {
		t.Fatalf("a preview wrote: %s -> %s", before, after)
	}
	if !res.OK || res.Counts.Rows != 3 || res.Counts.New != 2 || res.Counts.Changed != 1 || res.Counts.Invalid != 0 {
		t.Fatalf("preview counts %+v, errors %+v", res.Counts, res.Errors)
	}
	if ch := res.Rows[2].Changes; !slices.Contains(ch, "target_2025") || !slices.Contains(ch, "allocation_2025") || slices.Contains(ch, "target_2026") {
		t.Errorf("changed columns of P.1.1: %v", ch)
	}

	// a confirm of another file than the one previewed is refused
	if r, _ := confirm(t, srv, "rad", token, data, strings.Repeat("0", 64)); r.Status != http.StatusConflict {
		t.Fatalf("confirm with another hash: %d %s", r.Status, r.Body)
	}
	r, res = confirm(t, srv, "rad", token, data, res.File.SHA256)
	if r.Status != http.StatusOK || !res.Written || res.ImportID == "" {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	n2, err := srv.App.FindFirstRecordByFilter(catalog.RadIndicators, "code = 'N.2'")
	if err != nil {
		t.Fatal(err)
	}
	if n2.GetString("cluster") != "law_enforcement" || n2.GetString("level") != "province" || n2.GetString("counting") != "manual" ||
		n2.GetString("auto_rule") != "" || n2.GetString("direction") != "higher" {
		t.Errorf("N.2 stored as %v", n2.PublicExport())
	}
	var targets map[string]float64
	var budgets map[string]map[string]float64
	_ = json.Unmarshal([]byte(n2.GetString("targets")), &targets)
	_ = json.Unmarshal([]byte(n2.GetString("budgets")), &budgets)
	if targets["2025"] != 1234.5 || targets["2026"] != 12 || budgets["2025"]["allocation"] != 150000000 || budgets["2025"]["realisation"] != 120000000 {
		t.Errorf("N.2 targets %v budgets %v", targets, budgets)
	}
	p11, _ := srv.App.FindRecordById(catalog.RadIndicators, tt.IndicatorID)
	_ = json.Unmarshal([]byte(p11.GetString("targets")), &targets)
	if targets["2025"] != 15 || targets["2026"] != 12 {
		t.Errorf("P.1.1 targets %v: 2025 set, 2026 (empty cell) kept", targets)
	}
	if got := count(t, srv, "SELECT COUNT(*) FROM rad_indicator_versions WHERE indicator IN (SELECT id FROM rad_indicators WHERE code IN ('N.1', 'N.2'))"); got != 2 {
		t.Errorf("%d versions of the new indicators, want 2", got)
	}
	runs := tt.AuditEntries(t, srv.App, "import")
	if len(runs) != 1 || runs[0].User != tt.UserID(tt.Secretariat) || runs[0].Record != res.ImportID {
		t.Fatalf("audit of the import: %+v", runs)
	}
	note := runs[0].NoteJSON(t)
	if note["sha256"] != res.File.SHA256 || note["new"] != float64(2) || note["changed"] != float64(1) || note["kind"] != "rad" {
		t.Errorf("audit note %v", note)
	}
	if got := count(t, srv, "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND target_collection = 'rad_indicators' AND user = '"+tt.UserID(tt.Secretariat)+"'"); got != 2 {
		t.Errorf("%d create entries of indicators by the importer, want 2", got)
	}

	// the same file again: every row unchanged, nothing written but the
	// import's own record
	before = state(t, srv)
	versions := count(t, srv, "SELECT COUNT(*) FROM rad_indicator_versions")
	r, res = preview(t, srv, "rad", token, data)
	if r.Status != http.StatusOK || res.Counts.Unchanged != 3 || res.Counts.New+res.Counts.Changed != 0 {
		t.Fatalf("second preview %d: %+v %s", r.Status, res.Counts, r.Body)
	}
	r, res = confirm(t, srv, "rad", token, data, res.File.SHA256)
	if r.Status != http.StatusOK || !res.Written {
		t.Fatalf("second confirm: %d %s", r.Status, r.Body)
	}
	if got := count(t, srv, "SELECT COUNT(*) FROM rad_indicator_versions"); got != versions {
		t.Errorf("a re-import added %d versions", got-versions)
	}
	after := state(t, srv)
	// only the import record and its audit entry differ
	if strings.Split(after, " ")[0] != strings.Split(before, " ")[0] || strings.Split(after, " ")[2] != strings.Split(before, " ")[2] {
		t.Errorf("a re-import changed indicators or users: %s -> %s", before, after)
	}
	if got := count(t, srv, "SELECT COUNT(*) FROM import_runs WHERE unchanged_n = 3"); got != 1 {
		t.Errorf("the re-import's record: %d", got)
	}
}

// Every kind of bad row gets its error at its cell, and a confirm of a
// file with any bad row writes nothing at all.
func TestRadImportBadRows(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	long := strings.Repeat("a", 501)
	rows := [][]any{
		radRow("OK.1", nil), // line 2: valid
		radRow("", nil),     // 3: code missing
		radRow("B.2", map[int]any{2: "bukan_klaster"}),                    // 4
		radRow("B.3", map[int]any{7: "desa"}),                             // 5
		radRow("B.4", map[int]any{9: -3}),                                 // 6
		radRow("B.5", map[int]any{14: "sepuluh"}),                         // 7
		radRow("B.6", map[int]any{0: "2022-2024"}),                        // 8: target 2025 outside the plan
		radRow("B.7", map[int]any{14: formula("=5+5")}),                   // 9
		radRow("B.8", map[int]any{3: `=HYPERLINK("http://x","klik")`}),    // 10
		radRow("OK.1", nil),                                               // 11: same as line 2
		radRow("B.10", map[int]any{3: long}),                              // 12: longer than the field
		radRow("B.11", map[int]any{5: "Hubungi ibu korban 081234567890"}), // 13: privacy guard
		radRow("B.12", map[int]any{0: "2022"}),                            // 14
		radRow("B.13", map[int]any{11: "otomatis", 12: "tidak_ada"}),      // 15: unknown rule
		radRow("B.14", map[int]any{13: "mungkin"}),                        // 16
		radRow("B.15", map[int]any{16: -1}),                               // 17
	}
	data := book(t, "Indikator", radHeader, rows...)
	before := state(t, srv)
	r, res := preview(t, srv, "rad", token, data)
	if r.Status != http.StatusOK {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	want := []struct {
		line         int
		column, code string
		cell         string
	}{
		{3, "code", "validation_required", "B3"},
		{4, "cluster", "unknown_code", "C4"},
		{5, "level", "validation_invalid_value", "H5"},
		{6, "baseline", "validation_min_number_constraint", "J6"},
		{7, "target_2025", "not_number", "O7"},
		{8, "target_2025", "year_outside_period", "O8"},
		{9, "target_2025", "formula", "O9"},
		{10, "program", "formula_text", "D10"},
		{11, "code", "duplicate_row", "B11"},
		{12, "program", "validation_max_text_constraint", "D12"},
		{13, "description", "privacy_phone", "F13"},
		{14, "rad_period", "validation_invalid_format", "A14"},
		{15, "auto_rule", "validation_invalid_value", "M15"},
		{16, "active", "validation_invalid_value", "N16"},
		{17, "allocation_2025", "validation_min_number_constraint", "Q17"},
	}
	for _, w := range want {
		found := false
		for _, e := range res.Errors {
			if e.Row == w.line && e.Column == w.column {
				found = true
				if e.Code != w.code || e.Cell != w.cell || e.Sheet != "Indikator" || !strings.Contains(e.Message, " / ") {
					t.Errorf("line %d %s: got %+v, want code %s at %s, bilingual", w.line, w.column, e, w.code, w.cell)
				}
			}
		}
		if !found {
			t.Errorf("line %d: no error on %s (errors: %+v)", w.line, w.column, res.Errors)
		}
	}
	if res.OK || res.Counts.Invalid != len(want) || res.Counts.New != 1 {
		t.Errorf("counts %+v", res.Counts)
	}
	if res.Rows[0].Action != "new" || res.Rows[1].Action != "invalid" {
		t.Errorf("actions %s %s", res.Rows[0].Action, res.Rows[1].Action)
	}
	r, res = confirm(t, srv, "rad", token, data, res.File.SHA256)
	if r.Status != http.StatusBadRequest || res.Written || r.FieldError("rows") != "import_invalid" {
		t.Fatalf("confirm of bad rows: %d %s", r.Status, r.Body)
	}
	if after := state(t, srv); after != before {
		t.Fatalf("a refused import wrote: %s -> %s", before, after)
	}

	// fixed: only the good row left, the import goes through
	fixed := book(t, "Indikator", radHeader, rows[0])
	_, res = preview(t, srv, "rad", token, fixed)
	if r, res = confirm(t, srv, "rad", token, fixed, res.File.SHA256); r.Status != http.StatusOK || res.Counts.New != 1 {
		t.Fatalf("fixed confirm: %d %s", r.Status, r.Body)
	}
}

// Files that cannot be imported are refused whole, with a file error.
func TestImportFileErrors(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	many := make([][]any, 2001)
	for i := range many {
		many[i] = []any{"2022-2026", "M." + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))}
	}
	for _, c := range []struct {
		name string
		data []byte
		code string
	}{
		{"csv", []byte("a,b\n1,2\n"), "not_xlsx"},
		{"broken zip", append([]byte("PK\x03\x04"), make([]byte, 100)...), "not_xlsx"},
		{"no code column", book(t, "Indikator", []string{"Periode RAD / RAD period", "Klaster / Cluster"}, []any{"2022-2026", "prevention"}), "missing_column"},
		{"no header", book(t, "Indikator", []string{"x", "y"}, []any{1, 2}), "missing_header"},
		{"too many rows", book(t, "Indikator", radHeader, many...), "too_many_rows"},
		{"no data rows", book(t, "Indikator", radHeader), "no_rows"},
		{"empty lines only", book(t, "Indikator", radHeader, []any{"", ""}, []any{" "}), "no_rows"},
		{"too large", append([]byte("PK\x03\x04"), make([]byte, 5<<20)...), "file_too_large"},
	} {
		r := upload(t, srv, "/api/imports/rad/preview", token, "x.xlsx", c.data, nil)
		if r.Status != http.StatusBadRequest || r.FieldError("file") != c.code {
			t.Errorf("%s: %d %s, want 400 %s", c.name, r.Status, r.Body, c.code)
		}
	}
	// every kind's template sent back as it came: its example line is no data
	for _, kind := range []string{"rad", "accounts", "cases"} {
		tpl := srv.Do(t, http.MethodGet, "/api/imports/"+kind+"/template", token, nil)
		if tpl.Status != http.StatusOK {
			t.Fatalf("%s template: %d %s", kind, tpl.Status, tpl.Body)
		}
		r := upload(t, srv, "/api/imports/"+kind+"/preview", token, "templat.xlsx", tpl.Body, nil)
		if r.Status != http.StatusBadRequest || r.FieldError("file") != "no_rows" || !strings.Contains(string(r.Body), "no data rows") || !strings.Contains(string(r.Body), "tidak berisi baris data") {
			t.Errorf("%s template as it came: %d %s, want 400 no_rows in both languages", kind, r.Status, r.Body)
		}
	}
	if r := upload(t, srv, "/api/imports/rad/preview", token, "", nil, nil); r.Status != http.StatusBadRequest || r.FieldError("file") != "no_file" {
		t.Errorf("no file: %d %s", r.Status, r.Body)
	}
	if r := upload(t, srv, "/api/imports/nothing/preview", token, "x.xlsx", book(t, "a", []string{"a"}), nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown kind: %d", r.Status)
	}
}

// The template is a workbook the import reads back: its headers, hint and
// example lines are skipped, its reference sheets list the codes.
func TestRadTemplateReadsBack(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	r := srv.Do(t, http.MethodGet, "/api/imports/rad/template", token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("template: %d %s", r.Status, r.Body)
	}
	f, err := excelize.OpenReader(strings.NewReader(string(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Indikator", "Klaster", "Aturan", "Pilihan"}) {
		t.Errorf("sheets %v", got)
	}
	headers, _ := f.GetRows("Indikator")
	if len(headers) < 4 || headers[1][0] != "Periode RAD / RAD period" || !slices.Contains(headers[1], "Target 2026") ||
		!slices.Contains(headers[1], "Alokasi 2022 / Allocation 2022") {
		t.Errorf("template lines %q", headers)
	}
	clusters, _ := f.GetRows("Klaster")
	if len(clusters) != 7 || clusters[1][0] != "prevention" {
		t.Errorf("clusters sheet %q", clusters)
	}
	// filled in: one line added under the example
	_ = f.SetSheetRow("Indikator", "A5", &[]any{"2022-2026", "T.1", "coordination", "", "", "Rapat koordinasi", "kali", "provinsi", "", "", "", "manual"})
	filled, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	r, res := preview(t, srv, "rad", token, filled.Bytes())
	if r.Status != http.StatusOK || res.Counts.Rows != 1 || res.Counts.New != 1 || res.Rows[0].Row != 5 {
		t.Fatalf("template read back: %d %+v %s", r.Status, res.Counts, r.Body)
	}
}
