package reports_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/xuri/excelize/v2"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/reports"
)

// formulaProbes are texts a spreadsheet would run (or that try to get a
// formula past a first-character check).
var formulaProbes = []string{
	"=1+1", " =1+1", "  =HYPERLINK(\"http://x\",\"klik\")", "\t=1+1", "\r=1+1", "\n=1+1", "+1+1", "-1+1", "@SUM(A1:A2)",
	"abc;=1+1", "abc; =1+1", "abc ;\t@x", "a;b;+cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "\u00a0=1+1", "＝1+1", "abc;＋1",
	"-", "- butir pertama\n- butir kedua",
}

// runs reports whether a spreadsheet could read cell (or a part of it
// after a ";") as a formula: its trimmed text starts with a formula sign.
func runs(cell string) bool {
	for i, part := range strings.Split(cell, ";") {
		body := strings.TrimLeftFunc(part, unicode.IsSpace)
		if i == 0 && part != "" && (part[0] == '\t' || part[0] == '\r') {
			return true
		}
		if body != "" && strings.ContainsRune("=+-@\uff1d\uff0b\uff0d\uff20", []rune(body)[0]) && (i == 0 || len([]rune(body)) > 1) {
			return true
		}
	}
	return false
}

func TestNoFormula(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"=1+1": "'=1+1", " =1+1": " '=1+1", "\t=1+1": "'\t=1+1", "\r=1+1": "'\r=1+1", "+1": "'+1", "-1+1": "'-1+1",
		"@SUM(A1)": "'@SUM(A1)", "abc;=1+1": "abc;'=1+1", "abc; =1+1": "abc; '=1+1", "a;b;@x": "a;b;'@x",
		"＝1+1": "'＝1+1", "-": "'-", "Rp 50.000;-": "Rp 50.000;-", "modus_tppo; migrasi_aman": "modus_tppo; migrasi_aman",
		"Sosialisasi - migrasi aman": "Sosialisasi - migrasi aman", "a=b": "a=b", "": "", "x; -y": "x; '-y",
	}
	for in, want := range cases {
		if got := reports.NoFormula(in); got != want {
			t.Errorf("noFormula(%q) = %q, want %q", in, got, want)
		}
	}
	for _, p := range formulaProbes {
		if got := reports.NoFormula(p); runs(got) {
			t.Errorf("noFormula(%q) = %q still runs", p, got)
		}
	}
}

// TestExportsNeverCarryAFormula writes every probe into the exported text
// fields of approved activities, downloads the CSV and XLSX exports, and
// reads them back as a spreadsheet would.
func TestExportsNeverCarryAFormula(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	fields := []string{"title", "venue", "type_other", "resource_agencies", "partner_agencies", "materials", "outcome_summary", "follow_up_plan"}
	ids := []string{"act2025a5000005", "act2025a1000001", "act2025a2000002", "act2025a6000006", "act2025b3000003"}
	k := 0
	written, guarded := map[string]bool{}, map[string]bool{}
	for _, id := range ids {
		rec, err := srv.App.FindRecordById(catalog.Activities, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			p := formulaProbes[k%len(formulaProbes)]
			k++
			rec.Set(f, p)
			written[strings.TrimSpace(p)] = true
			guarded[strings.TrimSpace(reports.NoFormula(p))] = true
		}
		if err := srv.App.Save(rec); err != nil {
			t.Fatal(err)
		}
	}
	if k < len(formulaProbes) {
		t.Fatalf("only %d of %d probes written", k, len(formulaProbes))
	}

	body := download(t, srv, tt.Secretariat, "activities.csv", "year=2025", http.StatusOK)
	header, rows := readCSV(t, body)
	if len(rows) != len(ids) {
		t.Fatalf("%d rows", len(rows))
	}
	found := 0
	for _, r := range rows {
		for _, f := range fields {
			cell := r[column(t, header, map[string]string{"title": "Judul", "venue": "Tempat", "type_other": "Jenis lainnya",
				"resource_agencies": "Narasumber (instansi)", "partner_agencies": "Mitra (instansi)", "materials": "Materi KIE",
				"outcome_summary": "Ringkasan hasil", "follow_up_plan": "Rencana tindak lanjut"}[f])]
			if runs(cell) {
				t.Errorf("csv cell %q runs as a formula", cell)
			}
			// the text is all there, with apostrophes added only
			if !guarded[strings.TrimSpace(cell)] {
				t.Errorf("csv cell %q is not a written probe", cell)
			} else {
				found++
			}
		}
	}
	if found != k {
		t.Errorf("%d of %d probes read back", found, k)
	}
	// every field is quoted, so a reader that splits on ";" (a spreadsheet
	// in a locale whose list separator it is) keeps each cell whole; one
	// that ignores the quotes sees only guarded parts
	lines := strings.Split(strings.TrimPrefix(string(body), "\ufeff"), "\r\n")
	for _, line := range lines[1:] {
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, `"`) {
			t.Errorf("unquoted field: %.80q", line)
		}
		for i, part := range strings.Split(line, ";") {
			if i > 0 && runs(";"+strings.TrimLeft(part, `"`)) {
				t.Errorf("a part after ';' runs: %q", part)
			}
		}
	}

	f := readXLSX(t, download(t, srv, tt.Secretariat, "activities.xlsx", "year=2025", http.StatusOK))
	sheet := f.GetSheetList()[0]
	xrows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	text := 0
	for y, r := range xrows {
		for x := range r {
			cell, _ := excelize.CoordinatesToCellName(x+1, y+1)
			formula, err := f.GetCellFormula(sheet, cell)
			if err != nil || formula != "" {
				t.Errorf("xlsx %s holds a formula %q (%v)", cell, formula, err)
			}
			if written[strings.TrimSpace(r[x])] {
				text++
			}
		}
	}
	if text != k {
		t.Errorf("xlsx: %d of %d probes read back as the text written", text, k)
	}
	if bytes.Contains(body, []byte("\"=1+1\"")) {
		t.Error("a bare =1+1 cell in the csv")
	}
}
