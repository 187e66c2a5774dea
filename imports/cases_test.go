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
	"jangkau/records"
)

// caseHeader mixes the template's bilingual headers and plain keys (the
// reader takes either).
var caseHeader = []string{"Kode wilayah / Area code", "Tahun / Year", "period", "index", "Sumber / Source", "status", "cluster",
	"Jumlah kasus / Cases", "victims_total", "victims_by_sex.female", "victims_by_sex.male", "Korban 13-17 tahun / Victims 13-17 years",
	"victims_by_age.age_25_44", "cases_by_scope.cross_border", "cases_by_scope.domestic", "cases_by_law.tppo", "cases_by_stage.putusan",
	"police_reports", "suspects", "restitution_requested", "restitution_granted", "cases_served", "services.pengaduan"}

// caseRow is one row of caseHeader: 18.01's 2022 Simfoni figure (5 cases,
// 6 victims), with overrides by column index.
func caseRow(set map[int]any) []any {
	row := []any{"18.01", 2022, "tahun", nil, "Simfoni PPA", "final", "law_enforcement",
		5, 6, 4, 2, 3, 3, 4, 1, 5, 1, 5, 7, 2, 1, 5, 6}
	for i, v := range set {
		row[i] = v
	}
	return row
}

func caseCount(t *testing.T, srv *tt.Server) int {
	return count(t, srv, "SELECT COUNT(*) FROM case_aggregates")
}

// Case figures in the national layout: a preview writes nothing and says
// what each row would do; a confirm writes them with every breakdown; the
// same file again changes nothing; a changed cell changes its figure.
func TestCasesImportPreviewConfirmAndAgain(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	data := book(t, "Angka kasus", caseHeader,
		caseRow(nil),
		// the province's own figure from Polda, by quarter, provisional
		caseRow(map[int]any{0: "18", 2: "triwulan", 3: 2, 4: "polda", 5: "sementara", 6: "", 7: 3, 8: 3, 9: 3, 10: 0, 11: 0, 12: 3,
			13: 0, 14: 3, 15: 3, 16: 0, 19: 0, 20: 0, 21: 3, 22: 3}),
	)
	before := caseCount(t, srv)
	r, res := preview(t, srv, "cases", token, data)
	if r.Status != http.StatusOK || !res.OK || res.Counts.New != 2 || res.Counts.Invalid != 0 {
		t.Fatalf("preview: %d %+v %+v", r.Status, res.Counts, res.Errors)
	}
	if n := caseCount(t, srv); n != before {
		t.Fatalf("a preview wrote %d figures", n-before)
	}
	r, res = confirm(t, srv, "cases", token, data, res.File.SHA256)
	if r.Status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	rec, err := srv.App.FindFirstRecordByFilter(catalog.CaseAggregates, "area = '18.01' && year = 2022")
	if err != nil {
		t.Fatal(err)
	}
	breakdown := func(field string) map[string]int {
		var m map[string]int
		_ = json.Unmarshal([]byte(rec.GetString(field)), &m)
		return m
	}
	if rec.GetInt("case_count") != 5 || rec.GetInt("victims_total") != 6 || rec.GetInt("suspects") != 7 || rec.GetString("source") != "simfoni_ppa" ||
		rec.GetString("cluster") != "law_enforcement" || rec.GetString("created_by") != tt.UserID(tt.Secretariat) ||
		breakdown("victims_by_sex")["female"] != 4 || breakdown("victims_by_age")["age_13_17"] != 3 || breakdown("cases_by_scope")["domestic"] != 1 ||
		breakdown("cases_by_stage")["putusan"] != 1 || breakdown("services")["pengaduan"] != 6 || len(breakdown("exploitation_types")) != 0 {
		t.Errorf("18.01 stored as %v", rec.PublicExport())
	}
	prov, err := srv.App.FindFirstRecordByFilter(catalog.CaseAggregates, "area = '18' && source = 'polda'")
	if err != nil || prov.GetString("period_type") != "quarter" || prov.GetInt("period_index") != 2 || prov.GetString("figure_status") != "provisional" {
		t.Fatalf("the province's figure: %v %v", err, prov)
	}

	// again: unchanged
	r, res = preview(t, srv, "cases", token, data)
	if r.Status != http.StatusOK || res.Counts.Unchanged != 2 {
		t.Fatalf("second preview: %d %+v %+v", r.Status, res.Counts, res.Errors)
	}
	// one cell changed: that figure changes, and says which column
	changed := book(t, "Angka kasus", caseHeader, caseRow(map[int]any{18: 9}))
	r, res = preview(t, srv, "cases", token, changed)
	if r.Status != http.StatusOK || res.Counts.Changed != 1 || !slices.Equal(res.Rows[0].Changes, []string{"suspects"}) {
		t.Fatalf("changed preview: %d %+v %+v", r.Status, res.Counts, res.Rows)
	}
}

// Bad rows: each error at its cell with a stable code, every row checked
// at once, the import refused whole, nothing written.
func TestCasesImportBadRows(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	rows := [][]any{
		caseRow(nil),                         // row 2: good
		caseRow(map[int]any{1: 2023, 10: 1}), // 3: victims by sex add up to 5 of 6
		caseRow(map[int]any{1: 2024, 4: "Kepolisian Antah"}), // 4: unknown source
		caseRow(map[int]any{1: 2025, 7: "lima"}),             // 5: no number
		caseRow(map[int]any{1: 2019, 20: 3}),                 // 6: restitution granted over requested
		caseRow(map[int]any{1: 2018, 0: tt.VillageA}),        // 7: a village
		caseRow(nil), // 8: row 2 again
		caseRow(map[int]any{1: 2017, 8: 7, 9: 5, 12: 3}),                // 9: victims by age 6 of 7
		caseRow(map[int]any{1: 2016, 13: 9}),                            // 10: cases by scope over the cases
		caseRow(map[int]any{1: 2015, 2: "triwulan", 3: 5}),              // 11: no fifth quarter
		caseRow(map[int]any{1: 2014, 6: "tidak ada"}),                   // 12: unknown cluster
		caseRow(map[int]any{1: 2013, 9: -1, 10: 7}),                     // 13: a negative count
		caseRow(map[int]any{1: 2012, 7: 0, 13: 0, 14: 0, 15: 0, 16: 0}), // 14: victims without cases
	}
	data := book(t, "Angka kasus", caseHeader, rows...)
	before := caseCount(t, srv)
	r, res := preview(t, srv, "cases", token, data)
	if r.Status != http.StatusOK || res.OK {
		t.Fatalf("preview: %d ok=%v", r.Status, res.OK)
	}
	for _, want := range []struct {
		row          int
		column, code string
	}{
		{3, "victims_by_sex.female", records.CodeSumMismatch},
		{4, "source", "unknown_code"},
		{5, "case_count", "not_count"},
		{6, "restitution_granted", records.CodeOverTotal},
		{7, "area", "wrong_area_level"},
		{8, "area", "duplicate_row"},
		{9, "victims_by_age.age_13_17", records.CodeSumMismatch},
		{10, "cases_by_scope.domestic", records.CodeOverTotal},
		{11, "index", "validation_invalid_value"},
		{12, "cluster", "unknown_code"},
		{13, "victims_by_sex.female", "not_count"},
		{14, "victims_total", records.CodeVictimsNoCase},
	} {
		if got := res.errorAt(want.row, want.column); got != want.code {
			t.Errorf("row %d %s: %q, want %q", want.row, want.column, got, want.code)
		}
	}
	if res.errorAt(2, "") != "" || res.Counts.Invalid != 12 {
		t.Errorf("counts %+v, errors %+v", res.Counts, res.Errors)
	}
	for _, e := range res.Errors {
		if !strings.Contains(e.Message, " / ") || e.Cell == "" && e.Column != "" {
			t.Errorf("error %+v: not bilingual or no cell", e)
		}
	}
	r, _ = confirm(t, srv, "cases", token, data, res.File.SHA256)
	if r.Status != http.StatusBadRequest {
		t.Fatalf("confirm of bad rows: %d %s", r.Status, r.Body)
	}
	if n := caseCount(t, srv); n != before {
		t.Fatalf("%d figures written by a refused import", n-before)
	}
}

// A verifier imports its own regency's figures only; another regency's row
// is refused at its area cell by the policy.
func TestCasesImportVerifierScope(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.VerifierA)
	data := book(t, "Angka kasus", caseHeader, caseRow(map[int]any{6: ""}), caseRow(map[int]any{0: tt.RegencyB, 6: ""}))
	r, res := preview(t, srv, "cases", token, data)
	if r.Status != http.StatusOK || res.OK || res.errorAt(2, "area") != "" || res.errorAt(3, "area") == "" {
		t.Fatalf("verifier preview: %d %+v %+v", r.Status, res.Counts, res.Errors)
	}
	if r := srv.Do(t, http.MethodGet, "/api/imports/cases/template", tt.Token(t, srv.App, tt.OfficerA), nil); r.Status != http.StatusForbidden {
		t.Errorf("a village officer gets the case template: %d", r.Status)
	}
}

// The template: the active codes of every breakdown as columns (no
// retired one), the reference sheets, and it reads back.
func TestCasesTemplateReadsBack(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	r := srv.Do(t, http.MethodGet, "/api/imports/cases/template", token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("template: %d %s", r.Status, r.Body)
	}
	f, err := excelize.OpenReader(strings.NewReader(string(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Angka kasus", "Wilayah", "Sumber"}) {
		t.Errorf("sheets %v", got)
	}
	lines, _ := f.GetRows("Angka kasus")
	if len(lines) < 4 || !slices.Contains(lines[1], "Korban 0-5 tahun / Victims 0-5 years") || !slices.Contains(lines[1], "Kasus tahap P21 / penuntutan / Cases at stage P21 / prosecution") ||
		!slices.Contains(lines[1], "Layanan Rehabilitasi kesehatan / Service Health rehabilitation") {
		t.Fatalf("template headers %q", lines[1])
	}
	for _, h := range lines[1] {
		if strings.Contains(h, "data lama") || strings.Contains(h, "tidak dipakai") {
			t.Errorf("a retired code in the template: %q", h)
		}
	}
	// the example line is skipped; a filled line is read
	row := make([]any, len(lines[1]))
	for i, h := range lines[1] {
		switch h {
		case "Kode wilayah / Area code":
			row[i] = "18.02"
		case "Tahun / Year":
			row[i] = 2021
		case "Sumber / Source":
			row[i] = "uptd_ppa"
		}
	}
	_ = f.SetSheetRow("Angka kasus", "A5", &row)
	filled, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	r, res := preview(t, srv, "cases", token, filled.Bytes())
	if r.Status != http.StatusOK || res.Counts.Rows != 1 || res.Counts.New != 1 {
		t.Fatalf("template read back: %d %+v %+v", r.Status, res.Counts, res.Errors)
	}
}
