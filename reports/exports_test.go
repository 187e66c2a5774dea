package reports_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/xuri/excelize/v2"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// download fetches an export and checks its status.
func download(t *testing.T, srv *tt.Server, who, file, query string, want int) []byte {
	t.Helper()
	res := srv.Do(t, http.MethodGet, "/api/exports/"+file+"?"+query, tt.Token(t, srv.App, who), nil)
	if res.Status != want {
		t.Fatalf("%s?%s as %s: %d, want %d: %s", file, query, who, res.Status, want, res.Body)
	}
	return res.Body
}

// readCSV parses an export (BOM first) into a header and rows.
func readCSV(t *testing.T, body []byte) ([]string, [][]string) {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Error("no byte order mark")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if len(all) == 0 {
		t.Fatal("empty csv")
	}
	return all[0], all[1:]
}

func column(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, header)
	}
	return i
}

func readXLSX(t *testing.T, body []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestRecordExports(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	// free text a spreadsheet would run, and outreach details that stay in
	rec, _ := srv.App.FindRecordById(catalog.Activities, "act2025a2000002")
	rec.Set("outcome_summary", "=HYPERLINK(\"http://x\")")
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	out, _ := srv.App.FindRecordById(catalog.OutreachLogs, "out2025a1000001")
	out.Set("referral_reference", "BP3MI-LPG-2025-0777")
	out.Set("note", "Diantar ke pos BP3MI")
	if err := srv.App.Save(out); err != nil {
		t.Fatal(err)
	}

	header, rows := readCSV(t, download(t, srv, tt.Secretariat, "activities.csv", "year=2025", 200))
	eq(t, "approved activities of 2025", len(rows), 5)
	for _, banned := range []string{"created_by", "reviewed_by", "review_note"} {
		for _, h := range header {
			if strings.Contains(strings.ToLower(h), banned) {
				t.Errorf("column %q exported", h)
			}
		}
	}
	id, village, name, district, regency := column(t, header, "ID"), column(t, header, "Kode desa/kelurahan"), column(t, header, "Desa/kelurahan"),
		column(t, header, "Kecamatan"), column(t, header, "Kabupaten/kota")
	var ids []string
	for _, r := range rows {
		ids = append(ids, r[id])
		if r[village] == tt.VillageA {
			eq(t, "village name", r[name], "Hajimena")
			eq(t, "district name", r[district], "Natar")
			eq(t, "regency name", r[regency], "Kabupaten Lampung Selatan")
		}
	}
	eq(t, "oldest first", strings.Join(ids, ","), "act2025a5000005,act2025a1000001,act2025a2000002,act2025a6000006,act2025b3000003")
	a1 := rows[1]
	eq(t, "start: its WIB day, no time", a1[column(t, header, "Mulai")], "2025-01-15")
	eq(t, "topics in words", a1[column(t, header, "Topik")], "Modus TPPO; Migrasi aman / prosedural")
	eq(t, "type in words", a1[column(t, header, "Jenis")], catalog.LabelOf("activity_types", "sosialisasi", "id"))
	eq(t, "status in words", a1[column(t, header, "Status")], "Disetujui")
	if ts := a1[column(t, header, "Diajukan")]; ts != "" && len(ts) != len("2006-01-02 15:04") {
		t.Errorf("submitted at %q: want a WIB date and time", ts)
	}
	eq(t, "participants", a1[column(t, header, "Total peserta")], "26")
	eq(t, "budget", a1[column(t, header, "Anggaran (Rp)")], "1000000")
	eq(t, "formula neutralised", rows[2][column(t, header, "Ringkasan hasil")], "'=HYPERLINK(\"http://x\")")

	_, all := readCSV(t, download(t, srv, tt.Secretariat, "activities.csv", "year=2025&includeSubmitted=true", 200))
	eq(t, "with submitted", len(all), 6)
	_, every := readCSV(t, download(t, srv, tt.Secretariat, "activities.csv", "year=2025&status=all", 200))
	eq(t, "every status (a1-a7 and two drafts)", len(every), 9)
	download(t, srv, tt.Secretariat, "activities.csv", "status=bogus", 400)
	en, enRows := readCSV(t, download(t, srv, tt.Secretariat, "activities.csv", "year=2025&lang=en", 200))
	column(t, en, "Total participants")
	eq(t, "English labels", enRows[1][column(t, en, "Topics")], catalog.LabelOf("topics", "modus_tppo", "en")+"; "+catalog.LabelOf("topics", "migrasi_aman", "en"))
	eq(t, "English status", enRows[1][column(t, en, "Status")], "Approved")

	oh, orows := readCSV(t, download(t, srv, tt.Secretariat, "outreach_logs.csv", "year=2025&includeSubmitted=1", 200))
	eq(t, "outreach rows", len(orows), 5)
	raw := strings.Join(oh, ",")
	for _, r := range orows {
		raw += strings.Join(r, ",")
	}
	for _, secret := range []string{"BP3MI-LPG-2025-0777", "Diantar ke pos", "referral_reference"} {
		if strings.Contains(raw, secret) {
			t.Errorf("%q exported", secret)
		}
	}
	eq(t, "risk signals in words", orows[0][column(t, oh, "Sinyal risiko")], catalog.LabelOf("risk_signals", "broker_sponsor", "id")+"; "+catalog.LabelOf("risk_signals", "document_problem", "id"))
	if d := orows[0][column(t, oh, "Tanggal")]; len(d) != len("2006-01-02") {
		t.Errorf("outreach date %q: want a day, no time", d)
	}

	t.Run("xlsx", func(t *testing.T) {
		f := readXLSX(t, download(t, srv, tt.Secretariat, "activities.xlsx", "year=2025", 200))
		sheets := f.GetSheetList()
		eq(t, "sheets", strings.Join(sheets, ","), "Kegiatan")
		const sh = "Kegiatan"
		xrows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		// title row, a blank line, the header, five records
		eq(t, "rows", len(xrows), 8)
		title := xrows[0][0]
		for _, want := range []string{"Kegiatan", "Tahun 2025", "2025-01-01", "2025-12-31", "Wilayah: Lampung", "Status: Disetujui"} {
			if !strings.Contains(title, want) {
				t.Errorf("title row %q lacks %q", title, want)
			}
		}
		hdr := xrows[2]
		eq(t, "header", hdr[column(t, header, "Total peserta")], "Total peserta")
		eq(t, "first id", xrows[3][0], "act2025a5000005")
		cell := func(row int, name string) string {
			c, _ := excelize.CoordinatesToCellName(column(t, hdr, name)+1, row)
			return c
		}
		// numbers are numbers: SUM and pivots work
		for _, name := range []string{"Total peserta", "Anak laki-laki", "Anggaran (Rp)"} {
			typ, _ := f.GetCellType(sh, cell(5, name))
			v, _ := f.GetCellValue(sh, cell(5, name), excelize.Options{RawCellValue: true})
			if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset || v == "" {
				t.Errorf("%s is %v %q, want a number", name, typ, v)
			}
		}
		raw, _ := f.GetCellValue(sh, cell(5, "Total peserta"), excelize.Options{RawCellValue: true})
		eq(t, "a1 participants", raw, "26")
		// a date-only field is a date cell (a serial number shown as a day)
		start := cell(5, "Mulai")
		serial, _ := f.GetCellValue(sh, start, excelize.Options{RawCellValue: true})
		eq(t, "start as a date serial", serial, "45672") // 2025-01-15
		shown, _ := f.GetCellValue(sh, start)
		eq(t, "start shown as a day", shown, "2025-01-15")
		if sub, _ := f.GetCellValue(sh, cell(5, "Diajukan")); sub != "" && len(sub) != len("2025-01-15 10:00") {
			t.Errorf("submitted shown as %q", sub)
		}
		eq(t, "labels", xrows[4][column(t, hdr, "Topik")], "Modus TPPO; Migrasi aman / prosedural")
		eq(t, "text is text", xrows[5][column(t, hdr, "Ringkasan hasil")], "=HYPERLINK(\"http://x\")")
		formula, _ := f.GetCellFormula(sh, "A6")
		eq(t, "no formula", formula, "")
		// the header stays in view; the columns are fitted
		panes, err := f.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != 3 || panes.TopLeftCell != "A4" {
			t.Errorf("frozen panes %+v %v, want the first three rows", panes, err)
		}
		for name, least := range map[string]float64{"Judul": 30, "Mulai": 10, "Topik": 20} {
			col, _ := excelize.ColumnNumberToName(column(t, hdr, name) + 1)
			if w, _ := f.GetColWidth(sh, col); w < least {
				t.Errorf("column %s is %.1f wide, want at least %.0f", name, w, least)
			}
		}
	})
}

// TestReportExportsOpenRightInSpreadsheets reads a report workbook back:
// readable sheet names, the title row, labels instead of codes, numbers as
// numbers, a frozen header and fitted columns.
func TestReportExportsOpenRightInSpreadsheets(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	f := readXLSX(t, download(t, srv, tt.Secretariat, "report_activities.xlsx", "year=2025", 200))
	eq(t, "sheet names", strings.Join(f.GetSheetList(), ","), "Kegiatan,Per bulan")
	rows, _ := f.GetRows("Kegiatan")
	if len(rows) < 5 || !strings.Contains(rows[0][0], "Tahun 2025") || !strings.Contains(rows[0][0], "Status: Disetujui") {
		t.Fatalf("title row: %q", rows)
	}
	// row 3 is the table's title, row 4 its header, data from row 5
	hdr := rows[3]
	lvl := column(t, hdr, "Tingkat")
	eq(t, "level in words", rows[4][lvl], "Kabupaten/kota")
	for c := range hdr {
		if c <= lvl+2 {
			continue // the area's names
		}
		name, _ := excelize.CoordinatesToCellName(c+1, 5)
		v, _ := f.GetCellValue("Kegiatan", name, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType("Kegiatan", name)
		if v != "" && !strings.HasPrefix(v, "<") && typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s (%s) = %q is %v, want a number", hdr[c], name, v, typ)
		}
	}
	panes, err := f.GetPanes("Kegiatan")
	if err != nil || !panes.Freeze || panes.YSplit != 4 {
		t.Errorf("frozen panes %+v %v", panes, err)
	}
	if w, _ := f.GetColWidth("Kegiatan", "B"); w < 12 {
		t.Errorf("area name column %.1f wide", w)
	}
	// no figure of any report is text that looks like a number (what makes
	// SUM and pivot tables fail); area codes (column A) are codes
	for _, name := range []string{"report_activities", "report_coverage", "report_rad", "report_programs", "report_outreach", "report_cases", "report_review", "annual"} {
		book := readXLSX(t, download(t, srv, tt.Secretariat, name+".xlsx", "year=2025", 200))
		for _, sh := range book.GetSheetList() {
			rows, _ := book.GetRows(sh)
			codes := map[int]bool{} // columns of codes and period names, from the header above
			for r, row := range rows {
				if slices.Contains(row, "Kode wilayah") {
					clear(codes)
					for c, h := range row {
						codes[c] = h == "Kode wilayah" || h == "Kode" || h == "Periode angka"
					}
					continue
				}
				for c, v := range row {
					if c == 0 || v == "" || codes[c] {
						continue
					}
					if _, err := strconv.ParseFloat(v, 64); err != nil {
						continue
					}
					ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
					// the stream writer leaves a number's type unset (a number)
					if typ, _ := book.GetCellType(sh, ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
						t.Errorf("%s %s!%s = %q is text (%v)", name, sh, ref, v, typ)
					}
				}
			}
		}
	}

	en := readXLSX(t, download(t, srv, tt.Secretariat, "report_activities.xlsx", "year=2025&lang=en", 200))
	eq(t, "English sheet names", strings.Join(en.GetSheetList(), ","), "Activities,By month")
	erows, _ := en.GetRows("Activities")
	eq(t, "English level", erows[4][lvl], "Regency/city")
}

func TestExportScope(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	t.Run("village officers are refused", func(t *testing.T) {
		for _, file := range []string{"activities.csv", "outreach_logs.xlsx", "report_activities.csv", "report_cases.xlsx", "annual.xlsx"} {
			download(t, srv, tt.OfficerA, file, "", 403)
		}
	})
	t.Run("a verifier's exports hold its regency only", func(t *testing.T) {
		header, rows := readCSV(t, download(t, srv, tt.VerifierA, "activities.csv", "year=2025&includeSubmitted=1", 200))
		eq(t, "18.01: a1, a2, a4, a5, a6", len(rows), 5)
		for _, r := range rows {
			if !strings.HasPrefix(r[column(t, header, "Kode desa/kelurahan")], tt.RegencyA+".") {
				t.Errorf("row of another regency: %v", r)
			}
		}
		_, orows := readCSV(t, download(t, srv, tt.VerifierA, "outreach_logs.csv", "year=2025", 200))
		eq(t, "outreach of 18.01: o1, o2, o4", len(orows), 3)
		f := readXLSX(t, download(t, srv, tt.VerifierA, "outreach_logs.xlsx", "year=2025", 200))
		x, _ := f.GetRows("Penjangkauan")
		eq(t, "xlsx outreach of 18.01 (title, blank line, header, three)", len(x), 6)
		for _, r := range x[3:] {
			if !strings.HasPrefix(r[1], tt.RegencyA+".") {
				t.Errorf("xlsx row of another regency: %v", r)
			}
		}
		rh, rrows := readCSV(t, download(t, srv, tt.VerifierA, "report_activities.csv", "year=2025", 200))
		for _, r := range rrows {
			code := r[column(t, rh, "Kode wilayah")]
			if code != tt.RegencyA && !strings.HasPrefix(code, tt.RegencyA+".") {
				t.Errorf("report row outside 18.01: %v", r)
			}
		}
		for _, q := range []string{"area=" + tt.RegencyB, "area=18", "area=" + tt.VillageB} {
			download(t, srv, tt.VerifierA, "activities.csv", q, 403)
			download(t, srv, tt.VerifierA, "report_cases.xlsx", q, 403)
		}
	})
	t.Run("unknown exports", func(t *testing.T) {
		for _, file := range []string{"annual.csv", "users.csv", "activities.pdf", "activities", "report_nothing.csv"} {
			download(t, srv, tt.Secretariat, file, "", 404)
		}
	})
}

// Case figures in exports go through the same suppression as the JSON.
func TestExportsSuppressSmallCells(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	header, rows := readCSV(t, download(t, srv, tt.Secretariat, "report_cases.csv", "year=2025", 200))
	code := column(t, header, "Kode wilayah")
	caseCols := []int{column(t, header, "Jumlah kasus"), column(t, header, "Korban menurut jenis kelamin: Perempuan"), column(t, header, "Korban menurut jenis kelamin: Laki-laki"),
		column(t, header, "Korban menurut umur: 13-17 tahun"), column(t, header, "Korban menurut umur: 25-44 tahun"), column(t, header, "Total korban"), column(t, header, "Kasus terlayani")}
	got := map[string][]string{}
	for _, r := range rows {
		if len(r) < len(header) {
			continue // the note line
		}
		var cells []string
		for _, c := range caseCols {
			cells = append(cells, r[c])
			if len(r[code]) == 5 && (r[c] == "1" || r[c] == "2" || r[c] == "3" || r[c] == "4") {
				t.Errorf("%s: unsuppressed %s in %s", r[code], r[c], header[c])
			}
		}
		if r[code] == tt.RegencyA && r[1] != "" && !strings.HasPrefix(r[1], "Total") {
			got[tt.RegencyA] = cells
		}
		if r[code] == tt.RegencyB {
			got[tt.RegencyB] = cells
		}
		if strings.HasPrefix(r[1], "Total") {
			got["total"] = cells
		}
	}
	eq(t, "18.01", strings.Join(got[tt.RegencyA], " "), "• • <5 <5 5 • •")
	eq(t, "18.02", strings.Join(got[tt.RegencyB], " "), "<5 <5 0 0 <5 <5 <5")
	eq(t, "province", strings.Join(got["total"], " "), "30 • • • • 30 27")

	f := readXLSX(t, download(t, srv, tt.Secretariat, "report_cases.xlsx", "year=2025", 200))
	x, err := f.GetRows("Kasus")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range x {
		if len(r) > caseCols[0] && r[0] == tt.RegencyB && !strings.HasPrefix(r[1], "Total") {
			found = true
			eq(t, "xlsx 18.02 cases", r[caseCols[0]], "<5")
		}
	}
	if !found {
		t.Error("no 18.02 line in the workbook")
	}

	// the verifier's export: its regency's figures, suppressed
	vh, vrows := readCSV(t, download(t, srv, tt.VerifierA, "report_cases.csv", "year=2025", 200))
	totals := 0
	for _, r := range vrows {
		if len(r) > 5 && strings.HasPrefix(r[1], "Total") {
			totals++
			eq(t, "verifier total line", r[column(t, vh, "Korban menurut umur: 13-17 tahun")], "<5")
			eq(t, "verifier total line area", r[0], tt.RegencyA)
		}
	}
	eq(t, "verifier total lines", totals, 1)

	// the annual workbook: one sheet per report, suppressed the same way
	a := readXLSX(t, download(t, srv, tt.Secretariat, "annual.xlsx", "year=2025&asOf=2025-12-31", 200))
	eq(t, "sheets", strings.Join(a.GetSheetList(), ","), "Ringkasan,1 Kegiatan,2 Cakupan,3 RAD,4 Kelembagaan,5 Penjangkauan,6 Kasus,7 Verifikasi")
	k, _ := a.GetRows("6 Kasus")
	hasSmall := false
	for _, r := range k {
		for _, c := range r {
			hasSmall = hasSmall || c == "<5"
		}
	}
	if !hasSmall {
		t.Error("annual workbook: no suppressed cell")
	}
	act, _ := a.GetRows("1 Kegiatan")
	totals = 0
	for _, r := range act {
		if len(r) > 5 && r[1] == "Total Lampung" {
			totals++
			eq(t, "annual activities total", r[5], "5")
		}
	}
	eq(t, "annual total lines", totals, 1)
	rad, _ := a.GetRows("3 RAD")
	eq(t, "RAD lines: title row and blank line, 5 indicators, 3 of them with 15 regency lines", len(rad), 2+2+5+3*15)
	if !strings.Contains(rad[0][0], "Laporan tahunan · Tahun 2025") {
		t.Errorf("annual title row %q", rad[0][0])
	}
}

func TestReportExportsMatchTheJSON(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	header, rows := readCSV(t, download(t, srv, tt.Secretariat, "report_activities.csv", "year=2025", 200))
	eq(t, "15 regencies and a total", len(rows), 16)
	total := rows[15]
	eq(t, "total activities", total[column(t, header, "Jumlah kegiatan")], "5")
	eq(t, "total participants", total[column(t, header, "Total peserta")], "74")
	eq(t, "sosialisasi", total[column(t, header, "Jenis: Sosialisasi")], "3")
	eq(t, "topic", total[column(t, header, "Topik: Modus TPPO")], "2")
	_, months := readCSV(t, download(t, srv, tt.Secretariat, "report_activities.csv", "year=2025&table=per_bulan", 200))
	eq(t, "months", len(months), 12)
	_, unreached := readCSV(t, download(t, srv, tt.Secretariat, "report_coverage.csv", "year=2025&table=1", 200))
	eq(t, "villages not reached", len(unreached), 2648)
	download(t, srv, tt.Secretariat, "report_coverage.csv", "table=nothing", 400)

	f := readXLSX(t, download(t, srv, tt.Secretariat, "report_outreach.xlsx", "year=2025&area="+tt.RegencyA, 200))
	eq(t, "sheets", strings.Join(f.GetSheetList(), ","), "Penjangkauan,Per bulan")
	x, _ := f.GetRows("Penjangkauan")
	last := x[len(x)-1]
	eq(t, "title row: the report, period, area", x[0][0], "Penjangkauan, sinyal risiko dan rujukan · Tahun 2025 (2025-01-01 – 2025-12-31) · Wilayah: Kabupaten Lampung Selatan · Status: Disetujui")
	eq(t, "table title", x[2][0], "Penjangkauan, sinyal risiko dan rujukan")
	eq(t, "18.01 total line", last[0], tt.RegencyA)
	eq(t, "18.01 logs", last[5], "3")
	for _, name := range []string{"report_review", "report_programs", "report_rad", "report_coverage"} {
		readXLSX(t, download(t, srv, tt.Taskforce, name+".xlsx", "year=2025", 200))
		readCSV(t, download(t, srv, tt.Taskforce, name+".csv", "year=2025", 200))
	}
}

// Every export is in the audit trail: who, what, with which filters.
func TestExportsAreAudited(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	download(t, srv, tt.VerifierA, "activities.csv", "period=quarter&year=2025&index=1&includeSubmitted=1&area="+tt.DistrictA, 200)
	download(t, srv, tt.Secretariat, "annual.xlsx", "year=2025", 200)
	download(t, srv, tt.OfficerA, "activities.csv", "", 403)
	var entries []struct {
		User   string `db:"user"`
		Target string `db:"target_collection"`
		Note   string `db:"note"`
	}
	if err := srv.App.DB().NewQuery(`SELECT user, target_collection, note FROM audit_log WHERE action = {:a} ORDER BY rowid`).
		Bind(dbx.Params{"a": audit.ActionExport}).All(&entries); err != nil {
		t.Fatal(err)
	}
	eq(t, "entries (the refused one is not an export)", len(entries), 2)
	eq(t, "who", entries[0].User, tt.UserID(tt.VerifierA))
	eq(t, "what", entries[0].Target, "activities")
	var note struct {
		Format   string   `json:"format"`
		Area     string   `json:"area"`
		Statuses []string `json:"statuses"`
		Period   struct {
			Kind  string `json:"kind"`
			Index int    `json:"index"`
			From  string `json:"from"`
			To    string `json:"to"`
		} `json:"period"`
	}
	if err := json.Unmarshal([]byte(entries[0].Note), &note); err != nil {
		t.Fatalf("note %q: %v", entries[0].Note, err)
	}
	eq(t, "format", note.Format, "csv")
	eq(t, "area", note.Area, tt.DistrictA)
	eq(t, "statuses", strings.Join(note.Statuses, ","), "approved,submitted")
	eq(t, "period", note.Period.Kind+" "+note.Period.From+" "+note.Period.To, "quarter 2025-01-01 2025-03-31")
	eq(t, "annual", entries[1].Target, "annual")
	eq(t, "annual by", entries[1].User, tt.UserID(tt.Secretariat))
}

// Issue 17: the English annual workbook has English sheet names, and the
// case sheet shows the source and the figure status as labels, not codes.
func TestAnnualWorkbookLabels(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	a := readXLSX(t, download(t, srv, tt.Secretariat, "annual.xlsx", "year=2025&asOf=2025-12-31&lang=en", 200))
	eq(t, "sheets", strings.Join(a.GetSheetList(), ","), "Summary,1 Activities,2 Village coverage,3 RAD progress,4 Village programmes,5 Outreach,6 Cases,7 Review")
	rows, _ := a.GetRows("6 Cases")
	var head []string
	for _, r := range rows {
		if slices.Contains(r, "Source") {
			head = r
			break
		}
	}
	src, st := slices.Index(head, "Source"), slices.Index(head, "Figure status")
	if src < 0 || st < 0 {
		t.Fatalf("no Source / Figure status columns: %v", head)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if len(r) > st {
			seen[r[src]], seen[r[st]] = true, true
		}
	}
	for _, code := range []string{"simfoni_ppa", "polda", "final", "provisional", "mixed"} {
		if seen[code] {
			t.Errorf("a code in the case sheet: %q", code)
		}
	}
	if !seen["Simfoni PPA"] || !seen["Final"] {
		t.Errorf("labels missing from the case sheet: %v", seen)
	}
}
