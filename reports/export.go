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
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/xuri/excelize/v2"

	"jangkau/areas"
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
	kindDate         // stored UTC time, written as WIB "2006-01-02 15:04" (a date-time cell in XLSX)
	kindDay          // date-only field, written as its WIB day "2006-01-02" (a date cell in XLSX)
	kindInt          // integer
	kindFloat        // amount
	kindArea         // an area code, written with its name
	kindRAD          // JSON list of RAD indicator ids, written as their codes
)

type exportColumn struct {
	expr   string // SQL expression over the table
	kind   int
	id, en string
	group  string // catalog/labels.json group naming the codes of the column ("" = free text)
}

// recordColumns are the columns of the record exports. Left out on
// purpose: who created and reviewed a record (officers are identified in
// the audit trail, not in files that travel), review notes, and of outreach
// logs the free-text note and the receiving agency's reference number,
// which could point to one person's case file.
var recordColumns = map[string][]exportColumn{
	catalog.Activities: {
		{"id", kindText, "ID", "ID", ""}, {"village", kindText, "Kode desa/kelurahan", "Village code", ""},
		{"title", kindText, "Judul", "Title", ""}, {"start_date", kindDay, "Mulai", "Start", ""}, {"end_date", kindDay, "Selesai", "End", ""},
		{"venue", kindText, "Tempat", "Venue", ""}, {"mode", kindText, "Moda", "Mode", "activity_modes"}, {"type", kindText, "Jenis", "Type", "activity_types"},
		{"type_other", kindText, "Jenis lainnya", "Other type", ""}, {"programs", kindList, "Program desa", "Village programmes", "programs"},
		{"cluster", kindText, "Klaster", "Cluster", "clusters"}, {"rad_indicators", kindRAD, "Indikator RAD", "RAD indicators", ""},
		{"topics", kindList, "Topik", "Topics", "topics"}, {"target_groups", kindList, "Sasaran", "Target groups", "target_groups"},
		{"male_child", kindInt, "Anak laki-laki", "Male children", ""}, {"female_child", kindInt, "Anak perempuan", "Female children", ""},
		{"male_adult", kindInt, "Dewasa laki-laki", "Male adults", ""}, {"female_adult", kindInt, "Dewasa perempuan", "Female adults", ""},
		{"male_child + female_child + male_adult + female_adult", kindInt, "Total peserta", "Total participants", ""},
		{"disabled", kindInt, "Penyandang disabilitas", "People with disabilities", ""},
		{"resource_agencies", kindText, "Narasumber (instansi)", "Resource agencies", ""}, {"partner_agencies", kindText, "Mitra (instansi)", "Partner agencies", ""},
		{"methods", kindList, "Metode", "Methods", "methods"}, {"materials", kindText, "Materi KIE", "Materials", ""},
		{"materials_count", kindInt, "Jumlah materi", "Materials distributed", ""}, {"funding_source", kindText, "Sumber dana", "Funding source", "funding_sources"},
		{"budget", kindFloat, "Anggaran (Rp)", "Budget (IDR)", ""}, {"outcome_summary", kindText, "Ringkasan hasil", "Outcome summary", ""},
		{"follow_up_plan", kindText, "Rencana tindak lanjut", "Follow-up plan", ""}, {"status", kindText, "Status", "Status", "statuses"},
		{"submitted_at", kindDate, "Diajukan", "Submitted", ""}, {"reviewed_at", kindDate, "Diperiksa", "Reviewed", ""},
		{"created", kindDate, "Dibuat", "Created", ""}, {"updated", kindDate, "Diubah", "Updated", ""},
		// activities above village level have no village: their level and area
		{"level", kindText, "Tingkat", "Level", "area_levels"}, {"area", kindArea, "Wilayah kegiatan", "Activity area", ""},
	},
	catalog.OutreachLogs: {
		{"id", kindText, "ID", "ID", ""}, {"village", kindText, "Kode desa/kelurahan", "Village code", ""},
		{"date", kindDay, "Tanggal", "Date", ""}, {"outreach_type", kindText, "Jenis penjangkauan", "Outreach type", "outreach_types"},
		{"target_category", kindText, "Sasaran", "Target category", "target_groups"},
		{"male_child", kindInt, "Anak laki-laki", "Male children", ""}, {"female_child", kindInt, "Anak perempuan", "Female children", ""},
		{"male_adult", kindInt, "Dewasa laki-laki", "Male adults", ""}, {"female_adult", kindInt, "Dewasa perempuan", "Female adults", ""},
		{"male_child + female_child + male_adult + female_adult", kindInt, "Total orang", "Total people", ""},
		{"disabled", kindInt, "Penyandang disabilitas", "People with disabilities", ""},
		{"topics", kindList, "Topik", "Topics", "topics"}, {"risk_signals", kindList, "Sinyal risiko", "Risk signals", "risk_signals"},
		{"action_taken", kindText, "Tindakan", "Action taken", "outreach_actions"}, {"referred_to", kindList, "Dirujuk ke", "Referred to", "referral_agencies"},
		{"follow_up_date", kindDay, "Tanggal tindak lanjut", "Follow-up date", ""}, {"status", kindText, "Status", "Status", "statuses"},
		{"submitted_at", kindDate, "Diajukan", "Submitted", ""}, {"reviewed_at", kindDate, "Diperiksa", "Reviewed", ""},
		{"created", kindDate, "Dibuat", "Created", ""}, {"updated", kindDate, "Diubah", "Updated", ""},
	},
}

// dayValue and stampValue carry dates through a rowSink: CSV writes them as
// text, XLSX as date cells (so that a spreadsheet sorts and filters them as
// dates). Both hold the WIB wall clock.
type (
	dayValue   time.Time
	stampValue time.Time
)

// sheetHead opens a table of a record export: the sheet's name, the title
// row (what, period, filters; XLSX only, CSV starts with the header so
// programs can read it), the column headers and their widths in characters.
type sheetHead struct {
	name, caption string
	columns       []string
	widths        []float64
}

// rowSink receives the rows of an export one by one.
type rowSink interface {
	header(h sheetHead) error
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

func (s *csvSink) header(h sheetHead) error { return s.w.Write(h.columns) }

func (s *csvSink) row(cells []any) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		switch t := c.(type) {
		case dayValue:
			c = time.Time(t).Format(time.DateOnly)
		case stampValue:
			c = time.Time(t).Format("2006-01-02 15:04")
		}
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
	f                       *excelize.File
	sheets                  int
	sw                      *excelize.StreamWriter
	line                    int
	bold, title, day, stamp int
	head                    sheetHead
	part                    int
}

func newXLSXBook() *xlsxBook {
	f := excelize.NewFile()
	b := &xlsxBook{f: f}
	b.bold, _ = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	b.title, _ = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	day, stamp := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	b.day, _ = f.NewStyle(&excelize.Style{CustomNumFmt: &day})
	b.stamp, _ = f.NewStyle(&excelize.Style{CustomNumFmt: &stamp})
	return b
}

// sheet starts a new sheet with its column widths (the stream writer takes
// widths only before the first row).
func (b *xlsxBook) sheet(name string, widths []float64) error {
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
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	b.sw, b.line = sw, 0
	return nil
}

// freeze keeps the rows up to and including line in view while scrolling
// (called before the first row, as the stream writer asks).
func (b *xlsxBook) freeze(line int) error {
	top, _ := excelize.CoordinatesToCellName(1, line+1)
	return b.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: line, TopLeftCell: top, ActivePane: "bottomLeft"})
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

// put writes a row; style (if not 0) applies to every cell, and dates get
// a date format whatever the style.
func (b *xlsxBook) put(cells []any, style int) error {
	b.line++
	cell, _ := excelize.CoordinatesToCellName(1, b.line)
	out := make([]any, len(cells))
	for i, c := range cells {
		switch t := c.(type) {
		case dayValue:
			d := time.Time(t)
			out[i] = excelize.Cell{StyleID: b.day, Value: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
		case stampValue:
			out[i] = excelize.Cell{StyleID: b.stamp, Value: excelTime(time.Time(t))}
		default:
			if style != 0 {
				out[i] = excelize.Cell{StyleID: style, Value: c}
			} else {
				out[i] = c
			}
		}
	}
	return b.sw.SetRow(cell, out)
}

// excelTime keeps the wall clock of t: a spreadsheet has no time zones.
func excelTime(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// captionRow writes the title row of a sheet (what, period, filters).
func (b *xlsxBook) captionRow(caption string) error {
	if caption == "" {
		return nil
	}
	return b.put([]any{caption}, b.title)
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
	if err := b.put(stringsToAny(t.Columns), b.bold); err != nil {
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
func (b *xlsxBook) header(h sheetHead) error {
	b.head, b.part = h, 1
	return b.open(h.name)
}

// open starts a sheet of a record export: title row, header, frozen panes.
func (b *xlsxBook) open(name string) error {
	if err := b.sheet(name, b.head.widths); err != nil {
		return err
	}
	n := 0
	if b.head.caption != "" {
		n = 2
	}
	if err := b.freeze(n + 1); err != nil {
		return err
	}
	if b.head.caption != "" {
		if err := b.captionRow(b.head.caption); err != nil {
			return err
		}
		b.line++ // a blank line under the title
	}
	return b.put(stringsToAny(b.head.columns), b.bold)
}

func (b *xlsxBook) row(cells []any) error {
	if b.line > XLSXMaxRows {
		b.part++
		if err := b.open(fmt.Sprintf("%s %d", b.head.name, b.part)); err != nil {
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
	if err := s.header(sheetHead{columns: t.Columns}); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := s.row(r); err != nil {
			return err
		}
	}
	return s.close()
}

// WriteSheetsXLSX writes sheets of tables as a workbook. Every sheet starts
// with caption (what, period and filters) as its title row; columns are as
// wide as their longest cell (within bounds), and a sheet of one table
// keeps its header in view while scrolling.
func WriteSheetsXLSX(w io.Writer, sheets []Sheet, caption string) error {
	b := newXLSXBook()
	for _, s := range sheets {
		if err := b.sheet(s.Name, fitWidths(s.Tables)); err != nil {
			return err
		}
		if len(s.Tables) == 1 {
			line := 1
			if caption != "" {
				line += 2
			}
			if s.Tables[0].Title != "" {
				line++
			}
			if err := b.freeze(line); err != nil {
				return err
			}
		}
		if err := b.captionRow(caption); err != nil {
			return err
		}
		for _, t := range s.Tables { // the first one a blank line under the title
			if err := b.table(t); err != nil {
				return err
			}
		}
	}
	return b.writeTo(w)
}

// Column widths in characters: never narrower than a number, never wider
// than a short paragraph (longer text wraps in the cell when opened).
const (
	minWidth = 8
	maxWidth = 50
)

// fitWidths sizes each column to its longest header or cell (table titles,
// which span the row, do not count).
func fitWidths(tables []Table) []float64 {
	var out []float64
	grow := func(i int, v any) {
		for len(out) <= i {
			out = append(out, minWidth)
		}
		n := float64(utf8.RuneCountInString(cellText(v))) + 2
		out[i] = min(max(out[i], n), maxWidth)
	}
	for _, t := range tables {
		for i, c := range t.Columns {
			grow(i, c)
		}
		for _, r := range t.Rows {
			for i, c := range r {
				grow(i, c)
			}
		}
	}
	return out
}

// cellText is a cell as a spreadsheet shows it, for sizing.
func cellText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', 2, 64)
	case dayValue:
		return time.DateOnly
	case stampValue:
		return "2006-01-02 15:04"
	}
	return fmt.Sprint(v)
}

// Sheet names of report tables, by table name (the name stays the code
// that ?table= picks for CSV).
var sheetTitles = map[string]Label{
	"kegiatan": {"Kegiatan", "Activities"}, "per_bulan": {"Per bulan", "By month"},
	"cakupan": {"Cakupan desa", "Village coverage"}, "belum_terjangkau": {"Desa belum terjangkau", "Villages not reached"},
	"penjangkauan": {"Penjangkauan", "Outreach"}, "kelembagaan": {"Kelembagaan desa", "Village programmes"},
	"per_desa": {"Program per desa", "Programmes per village"}, "rad": {"Capaian RAD", "RAD progress"},
	"rad_plan": {"RAD lima tahunan", "RAD five-year"},
	"kasus":    {"Kasus", "Cases"}, "verifikasi": {"Verifikasi", "Review"}, "laporan": {"Ringkasan", "Summary"},
}

// SheetsOf puts each table of a report on its own sheet, named in lang.
func SheetsOf(tables []Table, lang string) []Sheet {
	out := make([]Sheet, len(tables))
	for i, t := range tables {
		name := t.Name
		if l, ok := sheetTitles[t.Name]; ok {
			name = T(lang, l.ID, l.EN)
		}
		out[i] = Sheet{Name: name, Tables: []Table{t}}
	}
	return out
}

// Caption is the title row of an export: what it holds, the period, the
// area and the statuses counted, in lang.
func Caption(what string, o Options) string {
	id, en := o.Period.Labels()
	p := o.Period.JSON()
	st := make([]string, len(o.Statuses()))
	for i, s := range o.Statuses() {
		st[i] = catalog.LabelOf("statuses", s, o.Lang)
	}
	area := o.Area.Name
	if area == "" {
		area = o.Area.Code
	}
	return fmt.Sprintf("%s · %s (%s – %s) · %s: %s · %s: %s", what, T(o.Lang, id, en), p.From, p.To,
		T(o.Lang, "Wilayah", "Area"), area, T(o.Lang, "Status", "Statuses"), strings.Join(st, ", "))
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
	if err := sink.header(sheetHead{name: title, caption: Caption(title, o), columns: names, widths: recordWidths(cols, names)}); err != nil {
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
				if c.group != "" && v != "" {
					v = catalog.LabelOf(c.group, v, lang)
				}
				cells = append(cells, v)
			case kindList:
				codes := parseList(v)
				for k, code := range codes {
					codes[k] = catalog.LabelOf(c.group, code, lang)
				}
				cells = append(cells, strings.Join(codes, "; "))
			case kindRAD:
				ids := parseList(v)
				for k, id := range ids {
					if code, ok := rad[id]; ok {
						ids[k] = code
					}
				}
				cells = append(cells, strings.Join(ids, "; "))
			case kindDate, kindDay:
				switch t := parseStored(v); {
				case t.IsZero():
					cells = append(cells, "")
				case c.kind == kindDay:
					cells = append(cells, dayValue(t.In(WIB)))
				default:
					cells = append(cells, stampValue(t.In(WIB)))
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
			case kindArea:
				cells = append(cells, strings.TrimSpace(v+" "+o.Dir.Name(v)))
			}
			if i == 1 { // after the village code: its names
				cells = append(cells, o.Dir.Name(v), o.Dir.Name(areas.DistrictOf(v)), o.Dir.Name(areas.RegencyOf(v)))
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

// recordWidths sizes the columns of a record export before any row is read
// (the rows stream): the header's length, or more by the kind of cell.
func recordWidths(cols []exportColumn, names []string) []float64 {
	out := make([]float64, len(names))
	k := 0
	for i, c := range cols {
		w := 14.0
		switch {
		case c.kind == kindDay:
			w = 12
		case c.kind == kindDate:
			w = 17
		case c.kind == kindInt, c.kind == kindFloat:
			w = 10
		case c.kind == kindList, c.kind == kindRAD, c.group != "":
			w = 28
		case c.expr == "title" || c.expr == "venue" || c.expr == "outcome_summary" || c.expr == "follow_up_plan" || c.expr == "materials":
			w = 40
		}
		out[k] = min(max(w, float64(utf8.RuneCountInString(names[k]))+2), maxWidth)
		k++
		if i == 1 { // the village, district and regency names
			for range 3 {
				out[k] = 22
				k++
			}
		}
	}
	return out
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
