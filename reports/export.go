package reports

import (
	"archive/zip"
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/xuri/excelize/v2"

	"jangkau/catalog"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// XLSXMaxRows is the number of data rows per sheet of a record export
// (a sheet holds at most 1,048,576 rows).
const XLSXMaxRows = 1_000_000

// cell kinds of record exports
const (
	kindText  = iota // free or coded text
	kindList         // JSON list of codes, written "a; b"
	kindDate         // stored UTC date, written as WIB "2006-01-02 15:04"
	kindInt          // integer
	kindFloat        // amount
	kindRAD          // JSON list of RAD indicator ids, written as their codes
)

type exportColumn struct {
	expr   string // SQL expression over the table
	kind   int
	id, en string
}

// recordColumns are the columns of the record exports. Left out on
// purpose: who created and reviewed a record (officers are identified in
// the audit trail, not in files that travel), review notes, and of outreach
// logs the free-text note and the receiving agency's reference number,
// which could point to one person's case file.
var recordColumns = map[string][]exportColumn{
	catalog.Activities: {
		{"id", kindText, "ID", "ID"}, {"village", kindText, "Kode desa/kelurahan", "Village code"},
		{"title", kindText, "Judul", "Title"}, {"start_date", kindDate, "Mulai", "Start"}, {"end_date", kindDate, "Selesai", "End"},
		{"venue", kindText, "Tempat", "Venue"}, {"mode", kindText, "Moda", "Mode"}, {"type", kindText, "Jenis", "Type"},
		{"type_other", kindText, "Jenis lainnya", "Other type"}, {"programs", kindList, "Program desa", "Village programmes"},
		{"cluster", kindText, "Klaster", "Cluster"}, {"rad_indicators", kindRAD, "Indikator RAD", "RAD indicators"},
		{"topics", kindList, "Topik", "Topics"}, {"target_groups", kindList, "Sasaran", "Target groups"},
		{"male_child", kindInt, "Anak laki-laki", "Male children"}, {"female_child", kindInt, "Anak perempuan", "Female children"},
		{"male_adult", kindInt, "Dewasa laki-laki", "Male adults"}, {"female_adult", kindInt, "Dewasa perempuan", "Female adults"},
		{"male_child + female_child + male_adult + female_adult", kindInt, "Total peserta", "Total participants"},
		{"disabled", kindInt, "Penyandang disabilitas", "People with disabilities"},
		{"resource_agencies", kindText, "Narasumber (instansi)", "Resource agencies"}, {"partner_agencies", kindText, "Mitra (instansi)", "Partner agencies"},
		{"methods", kindList, "Metode", "Methods"}, {"materials", kindText, "Materi KIE", "Materials"},
		{"materials_count", kindInt, "Jumlah materi", "Materials distributed"}, {"funding_source", kindText, "Sumber dana", "Funding source"},
		{"budget", kindFloat, "Anggaran (Rp)", "Budget (IDR)"}, {"outcome_summary", kindText, "Ringkasan hasil", "Outcome summary"},
		{"follow_up_plan", kindText, "Rencana tindak lanjut", "Follow-up plan"}, {"status", kindText, "Status", "Status"},
		{"submitted_at", kindDate, "Diajukan", "Submitted"}, {"reviewed_at", kindDate, "Diperiksa", "Reviewed"},
		{"created", kindDate, "Dibuat", "Created"}, {"updated", kindDate, "Diubah", "Updated"},
	},
	catalog.OutreachLogs: {
		{"id", kindText, "ID", "ID"}, {"village", kindText, "Kode desa/kelurahan", "Village code"},
		{"date", kindDate, "Tanggal", "Date"}, {"outreach_type", kindText, "Jenis penjangkauan", "Outreach type"},
		{"target_category", kindText, "Sasaran", "Target category"},
		{"male_child", kindInt, "Anak laki-laki", "Male children"}, {"female_child", kindInt, "Anak perempuan", "Female children"},
		{"male_adult", kindInt, "Dewasa laki-laki", "Male adults"}, {"female_adult", kindInt, "Dewasa perempuan", "Female adults"},
		{"male_child + female_child + male_adult + female_adult", kindInt, "Total orang", "Total people"},
		{"disabled", kindInt, "Penyandang disabilitas", "People with disabilities"},
		{"topics", kindList, "Topik", "Topics"}, {"risk_signals", kindList, "Sinyal risiko", "Risk signals"},
		{"action_taken", kindText, "Tindakan", "Action taken"}, {"referred_to", kindList, "Dirujuk ke", "Referred to"},
		{"follow_up_date", kindDate, "Tanggal tindak lanjut", "Follow-up date"}, {"status", kindText, "Status", "Status"},
		{"submitted_at", kindDate, "Diajukan", "Submitted"}, {"reviewed_at", kindDate, "Diperiksa", "Reviewed"},
		{"created", kindDate, "Dibuat", "Created"}, {"updated", kindDate, "Diubah", "Updated"},
	},
}

// rowSink receives the rows of an export one by one.
type rowSink interface {
	header(title string, columns []string) error
	row(cells []any) error
}

// csvSink writes one table as CSV with a UTF-8 byte order mark (so that
// spreadsheet programs read the names right).
type csvSink struct {
	w   *quotedWriter
	out *bufio.Writer
}

func newCSVSink(w io.Writer) (*csvSink, error) {
	out := bufio.NewWriterSize(w, 64*1024)
	if _, err := out.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	return &csvSink{w: &quotedWriter{w: out}, out: out}, nil
}

func (s *csvSink) header(_ string, columns []string) error { return s.w.Write(columns) }

func (s *csvSink) row(cells []any) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = csvCell(c)
	}
	return s.w.Write(rec)
}

func (s *csvSink) close() error { return s.out.Flush() }

// quotedWriter writes CSV records with every field in double quotes
// (RFC 4180). A spreadsheet opened in a locale whose list separator is
// ";" (Indonesian Excel among them) splits unquoted fields at every ";",
// and a list cell or free text holding one would spill into the next
// columns; inside quotes it stays one cell.
type quotedWriter struct {
	w *bufio.Writer
}

// Write writes one record.
func (q *quotedWriter) Write(rec []string) error {
	for i, f := range rec {
		if i > 0 {
			q.w.WriteByte(',')
		}
		q.w.WriteByte('"')
		q.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		q.w.WriteByte('"')
	}
	_, err := q.w.WriteString("\r\n")
	return err
}

// csvCell formats a value, with text neutralised by noFormula.
func csvCell(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return noFormula(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	}
	return fmt.Sprint(v)
}

// noFormula puts an apostrophe before text a spreadsheet would run as a
// formula (OWASP's CSV injection advice). Excel and LibreOffice evaluate a
// cell that starts with = + - or @, also after leading spaces when the
// importer trims them, and a tab or carriage return at the start is one
// of the same tricks. A ";" inside a cell starts a new cell for a reader
// that splits on ";" without honouring quotes (and for Excel's Text to
// Columns in the Indonesian locale), and the export joins lists with "; ":
// each part after a ";" is therefore guarded too, unless it is a lone
// sign ("Rp 50.000;-"), which no spreadsheet evaluates. The apostrophe
// keeps the text readable and makes it text in every spreadsheet.
func noFormula(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	for i, part := range strings.Split(s, ";") {
		if i > 0 {
			b.WriteByte(';')
		}
		body := strings.TrimLeftFunc(part, unicode.IsSpace)
		lead := part[:len(part)-len(body)]
		switch {
		case i == 0 && (part[0] == '\t' || part[0] == '\r'):
			b.WriteString("'" + part)
		case body != "" && formulaSign(body) && (i == 0 || len([]rune(body)) > 1):
			b.WriteString(lead + "'" + body)
		default:
			b.WriteString(part)
		}
	}
	return b.String()
}

// formulaSign reports whether s starts with a sign a spreadsheet reads as
// the start of a formula (ASCII or full-width).
func formulaSign(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("=+-@\uff1d\uff0b\uff0d\uff20", r)
}

// xlsxBook writes sheets with excelize's stream writer; the workbook is
// zipped straight into the answer (never held whole in memory).
type xlsxBook struct {
	f      *excelize.File
	sheets int
	sw     *excelize.StreamWriter
	line   int
	bold   int
	name   string
	part   int
	title  string
	cols   []string
}

func newXLSXBook() *xlsxBook {
	f := excelize.NewFile()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	return &xlsxBook{f: f, bold: bold}
}

// sheet starts a new sheet.
func (b *xlsxBook) sheet(name string) error {
	if err := b.flushSheet(); err != nil {
		return err
	}
	name = sheetName(name)
	if b.sheets == 0 {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	b.sheets++
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	b.sw, b.line, b.name = sw, 0, name
	return nil
}

func sheetName(s string) string {
	s = strings.NewReplacer(":", " ", "\\", " ", "/", " ", "?", " ", "*", " ", "[", "(", "]", ")").Replace(s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

func (b *xlsxBook) flushSheet() error {
	if b.sw == nil {
		return nil
	}
	err := b.sw.Flush()
	b.sw = nil
	return err
}

func (b *xlsxBook) put(cells []any, style int) error {
	b.line++
	cell, _ := excelize.CoordinatesToCellName(1, b.line)
	if style == 0 {
		return b.sw.SetRow(cell, cells)
	}
	styled := make([]any, len(cells))
	for i, c := range cells {
		styled[i] = excelize.Cell{StyleID: style, Value: c}
	}
	return b.sw.SetRow(cell, styled)
}

// table writes a titled table under what the sheet already holds.
func (b *xlsxBook) table(t Table) error {
	if b.line > 0 {
		b.line++ // a blank line between tables
	}
	if t.Title != "" {
		if err := b.put([]any{t.Title}, b.bold); err != nil {
			return err
		}
	}
	hdr := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		hdr[i] = c
	}
	if err := b.put(hdr, b.bold); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := b.put(r, 0); err != nil {
			return err
		}
	}
	return nil
}

// header and row make the book a rowSink for record exports, which start
// a new sheet every XLSXMaxRows rows.
func (b *xlsxBook) header(title string, columns []string) error {
	b.title, b.cols, b.part = title, columns, 1
	if err := b.sheet(title); err != nil {
		return err
	}
	return b.put(stringsToAny(columns), b.bold)
}

func (b *xlsxBook) row(cells []any) error {
	if b.line > XLSXMaxRows {
		b.part++
		if err := b.sheet(fmt.Sprintf("%s %d", b.title, b.part)); err != nil {
			return err
		}
		if err := b.put(stringsToAny(b.cols), b.bold); err != nil {
			return err
		}
	}
	return b.put(cells, 0)
}

func stringsToAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// writeTo zips the workbook into w.
func (b *xlsxBook) writeTo(w io.Writer) error {
	defer b.f.Close()
	if err := b.flushSheet(); err != nil {
		return err
	}
	out := bufio.NewWriterSize(w, 64*1024)
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(out) })
	if _, err := b.f.WriteToBuffer(); err != nil {
		return err
	}
	return out.Flush()
}

// WriteTablesCSV writes one table as CSV.
func WriteTablesCSV(w io.Writer, t Table) error {
	s, err := newCSVSink(w)
	if err != nil {
		return err
	}
	if err := s.header(t.Title, t.Columns); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := s.row(r); err != nil {
			return err
		}
	}
	return s.close()
}

// WriteSheetsXLSX writes sheets of tables as a workbook.
func WriteSheetsXLSX(w io.Writer, sheets []Sheet) error {
	b := newXLSXBook()
	for _, s := range sheets {
		if err := b.sheet(s.Name); err != nil {
			return err
		}
		for _, t := range s.Tables {
			if err := b.table(t); err != nil {
				return err
			}
		}
	}
	return b.writeTo(w)
}

// SheetsOf puts each table of a report on its own sheet.
func SheetsOf(tables []Table) []Sheet {
	out := make([]Sheet, len(tables))
	for i, t := range tables {
		out[i] = Sheet{Name: t.Name, Tables: []Table{t}}
	}
	return out
}

// RecordExportable tells whether collection has a record export.
func RecordExportable(collection string) bool { _, ok := recordColumns[collection]; return ok }

// ExportRecords streams the records of collection that the options select
// (area, period, statuses) in format, oldest first. Memory stays bounded by
// one row whatever the number of records. It returns the rows written.
func ExportRecords(w io.Writer, format, collection string, o Options) (int, error) {
	cols := recordColumns[collection]
	lang := o.Lang
	names := append([]string{}, T(lang, "ID", "ID"), T(lang, "Kode desa/kelurahan", "Village code"), T(lang, "Desa/kelurahan", "Village"),
		T(lang, "Kecamatan", "District"), T(lang, "Kabupaten/kota", "Regency/city"))
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = c.expr
		if i >= 2 {
			names = append(names, T(lang, c.id, c.en))
		}
	}
	rad := map[string]string{}
	if collection == catalog.Activities {
		var inds []struct {
			ID   string `db:"id"`
			Code string `db:"code"`
		}
		if err := o.App.DB().NewQuery(`SELECT id, code FROM rad_indicators`).All(&inds); err != nil {
			return 0, err
		}
		for _, i := range inds {
			rad[i.ID] = i.Code
		}
	}
	params := dbx.Params{"f": storedTime(o.Period.From), "t": storedTime(o.Period.To)}
	date := dateColumn[collection]
	query := `SELECT ` + strings.Join(exprs, ", ") + ` FROM ` + collection + ` WHERE ` + date + ` >= {:f} AND ` + date + ` < {:t} AND ` +
		inList("status", o.Statuses(), params, "s") + ` AND ` + scopeWhere(o.Area, params) + ` ORDER BY ` + date + `, rowid`
	rows, err := o.App.DB().NewQuery(query).Bind(params).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()

	var sink rowSink
	var csvOut *csvSink
	var book *xlsxBook
	if format == FormatCSV {
		if csvOut, err = newCSVSink(w); err != nil {
			return 0, err
		}
		sink = csvOut
	} else {
		book = newXLSXBook()
		sink = book
	}
	title := T(lang, "Kegiatan", "Activities")
	if collection == catalog.OutreachLogs {
		title = T(lang, "Penjangkauan", "Outreach")
	}
	if err := sink.header(title, names); err != nil {
		return 0, err
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	cells := make([]any, 0, len(cols)+3)
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		cells = cells[:0]
		for i, c := range cols {
			v := vals[i].String
			switch c.kind {
			case kindText:
				cells = append(cells, v)
			case kindList:
				cells = append(cells, strings.Join(parseList(v), "; "))
			case kindRAD:
				ids := parseList(v)
				for k, id := range ids {
					if code, ok := rad[id]; ok {
						ids[k] = code
					}
				}
				cells = append(cells, strings.Join(ids, "; "))
			case kindDate:
				if t := parseStored(v); !t.IsZero() {
					cells = append(cells, t.In(WIB).Format("2006-01-02 15:04"))
				} else {
					cells = append(cells, "")
				}
			case kindInt:
				x, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					f, _ := strconv.ParseFloat(v, 64)
					x = int64(f)
				}
				cells = append(cells, x)
			case kindFloat:
				x, _ := strconv.ParseFloat(v, 64)
				cells = append(cells, x)
			}
			if i == 1 { // after the village code: its names
				cells = append(cells, o.Dir.Name(v), o.Dir.Name(v[:min(8, len(v))]), o.Dir.Name(v[:min(5, len(v))]))
			}
		}
		if err := sink.row(cells); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	if csvOut != nil {
		return n, csvOut.close()
	}
	return n, book.writeTo(w)
}

// filtersNote describes the filters of an export or a report view for the
// audit trail; kind ("export" or "report") names what was read.
func filtersNote(kind, name, format string, o Options, extra map[string]any) string {
	m := map[string]any{kind: name, "format": format, "area": o.Area.Code, "period": o.Period.JSON(), "statuses": o.Statuses(), "lang": o.Lang}
	for k, v := range extra {
		if v != "" && v != nil {
			m[k] = v
		}
	}
	raw, _ := json.Marshal(m)
	return string(raw)
}
