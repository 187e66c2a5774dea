package imports

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"jangkau/apierr"
)

// Limits of an upload. A bigger workbook is refused before it is read.
const (
	// MaxFileBytes is the largest file accepted (an XLSX of 2,000 rows of
	// 30 columns is about 150 KB).
	MaxFileBytes = 5 << 20
	// MaxRows is the most data rows of one import, all sheets together:
	// one transaction holds them all.
	MaxRows = 2000
	// MaxCellRunes is the longest cell value read.
	MaxCellRunes = 4000
	// maxColumns and maxLines bound what is scanned of a sheet (a sheet
	// formatted down to its millionth row is not read to its end).
	maxColumns = 100
	maxLines   = 20000
	// headerSearch is how many lines from the top may hold the headers
	// (the template has a note line above them).
	headerSearch = 5
	// unzip limits against a compressed bomb
	unzipLimit    = 64 << 20
	unzipXMLLimit = 32 << 20
)

// FileError is an error of the whole file: no row was read.
type FileError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Sheet   string `json:"sheet,omitempty"`
}

func (e *FileError) Error() string { return e.Message }

func fileError(code, sheet, id, en string, args ...any) *FileError {
	return &FileError{Code: code, Sheet: sheet, Message: fmt.Sprintf(apierr.Text(id, en), args...)}
}

// Sheet resolved against a workbook: the header's column letters.
type readSheet struct {
	Sheet
	columns []Column          // by position (nil entries for unknown headers)
	letters map[string]string // key -> letter
}

// injection: text a spreadsheet runs as a formula when the file is opened
// again (OWASP CSV injection). A leading + or - is allowed before a number
// or a phone number ("+62 812-...").
var signedNumber = regexp.MustCompile(`^[+-][0-9][0-9 .,-]*$`)

func injected(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		return !signedNumber.MatchString(s)
	}
	return false
}

// norm is a header as compared: lower case, single spaces.
func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// names returns what a header of column c may read: its key, its whole
// header, and each half of it.
func names(c Column) []string {
	out := []string{norm(c.Key), norm(c.Header)}
	for _, part := range strings.Split(c.Header, apierr.Separator) {
		out = append(out, norm(part))
	}
	return out
}

// resolve matches a header line with the sheet's columns.
func (s Sheet) resolve(header []string) *readSheet {
	rs := &readSheet{Sheet: s, columns: make([]Column, len(header)), letters: map[string]string{}}
	lookup := map[string]Column{}
	for _, c := range s.Columns {
		for _, n := range names(c) {
			if n != "" {
				lookup[n] = c
			}
		}
	}
	for i, h := range header {
		h = norm(h)
		if h == "" {
			continue
		}
		c, ok := lookup[h]
		if !ok && s.Extra != nil {
			c, ok = s.Extra(strings.TrimSpace(header[i]))
		}
		if !ok {
			continue
		}
		if _, dup := rs.letters[c.Key]; dup {
			continue // the first of two same headers counts
		}
		rs.columns[i] = c
		letter, _ := excelize.ColumnNumberToName(i + 1)
		rs.letters[c.Key] = letter
	}
	return rs
}

// matches is how many of the line's cells name a column of s.
func (s Sheet) matches(line []string) int {
	rs := s.resolve(line)
	return len(rs.letters)
}

// read reads the import's sheets from an XLSX file: its rows, each with
// the errors of its cells found while reading (formulas, injection, length,
// required cells). A FileError is a file that cannot be read at all.
func read(data []byte, sheets []Sheet) (map[string][]*Row, []string, error) {
	if len(data) > MaxFileBytes {
		return nil, nil, fileError("file_too_large", "", "Berkas lebih dari %d MB.", "The file is larger than %d MB.", MaxFileBytes>>20, MaxFileBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, nil, fileError("not_xlsx", "", "Berkas bukan buku kerja Excel (.xlsx). Simpan sebagai .xlsx lalu unggah lagi.",
			"The file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: unzipXMLLimit})
	if err != nil {
		return nil, nil, fileError("not_xlsx", "", "Berkas tidak dapat dibaca sebagai .xlsx.", "The file cannot be read as .xlsx.")
	}
	defer f.Close()
	inBook := f.GetSheetList()
	var data_ []Sheet
	for _, s := range sheets {
		if !s.Reference {
			data_ = append(data_, s)
		}
	}
	out := map[string][]*Row{}
	var order []string
	total := 0
	for _, s := range data_ {
		name := ""
		for _, n := range inBook {
			if norm(n) == norm(s.Name) {
				name = n
			}
		}
		if name == "" && len(data_) == 1 && len(inBook) >= 1 {
			name = inBook[0] // one sheet to read: the first, whatever its name
		}
		if name == "" {
			if s.Optional {
				out[s.Name] = nil
				order = append(order, s.Name)
				continue
			}
			return nil, nil, fileError("missing_sheet", s.Name, "Lembar %q tidak ada di berkas.", "The sheet %q is missing from the file.", s.Name, s.Name)
		}
		rows, err := readSheetRows(f, name, s, &total)
		if err != nil {
			return nil, nil, err
		}
		out[s.Name] = rows
		order = append(order, s.Name)
	}
	if total == 0 {
		// A template sent back as it came (its example line is skipped) would
		// preview as "nothing to change": say what the file lacks instead.
		return nil, nil, fileError("no_rows", "", "Berkas tidak berisi baris data (baris contoh templat dilewati): isi data di bawah baris judul, lalu unggah lagi.",
			"The file holds no data rows (the template's example row is skipped): fill in data below the header row, then upload it again.")
	}
	return out, order, nil
}

func readSheetRows(f *excelize.File, name string, s Sheet, total *int) ([]*Row, error) {
	it, err := f.Rows(name)
	if err != nil {
		return nil, fileError("not_xlsx", s.Name, "Lembar %q tidak dapat dibaca.", "The sheet %q cannot be read.", s.Name, s.Name)
	}
	defer it.Close()
	var rs *readSheet
	var rows []*Row
	line := 0
	for it.Next() {
		line++
		if line > maxLines {
			break
		}
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileError("not_xlsx", s.Name, "Lembar %q tidak dapat dibaca.", "The sheet %q cannot be read.", s.Name, s.Name)
		}
		if len(cells) > maxColumns {
			cells = cells[:maxColumns]
		}
		if rs == nil {
			if line > headerSearch {
				break
			}
			if s.matches(cells) > 0 {
				rs = s.resolve(cells)
				for _, c := range s.Columns {
					if c.Required && rs.letters[c.Key] == "" {
						return nil, fileError("missing_column", s.Name, "Kolom %q tidak ada di lembar %q.", "The column %q is missing from the sheet %q.",
							c.Header, s.Name, c.Header, s.Name)
					}
				}
			}
			continue
		}
		row := &Row{Sheet: s.Name, Line: line, Cells: map[string]string{}, letter: rs.letters}
		empty := true
		for i, v := range cells {
			if i >= len(rs.columns) || rs.columns[i].Key == "" {
				continue
			}
			c := rs.columns[i]
			cellName, _ := excelize.CoordinatesToCellName(i+1, line)
			v = strings.TrimSpace(v)
			if formula, _ := f.GetCellFormula(name, cellName); formula != "" {
				row.Cells[c.Key] = v
				row.Fail(c.Key, "formula", msgFormula)
				empty = false
				continue
			}
			if v == "" {
				continue
			}
			empty = false
			if utf8.RuneCountInString(v) > MaxCellRunes {
				row.Cells[c.Key] = string([]rune(v)[:80]) + "…"
				row.Fail(c.Key, "too_long", fmt.Sprintf(msgTooLong, MaxCellRunes, MaxCellRunes))
				continue
			}
			row.Cells[c.Key] = v
			if injected(v) {
				row.Fail(c.Key, "formula_text", msgInject)
			}
		}
		if empty || isTemplateLine(s, rs, row) {
			continue
		}
		*total++
		if *total > MaxRows {
			return nil, fileError("too_many_rows", "", "Lebih dari %d baris data dalam satu impor: bagi berkasnya.",
				"More than %d data rows in one import: split the file.", MaxRows, MaxRows)
		}
		for _, c := range rs.columns {
			if c.Key != "" && c.Required && row.Cells[c.Key] == "" && !hasError(row, c.Key) {
				row.Fail(c.Key, "validation_required", msgRequired)
			}
		}
		rows = append(rows, row)
	}
	if rs == nil {
		return nil, fileError("missing_header", s.Name, "Baris judul kolom tidak ditemukan di lembar %q (lihat templat).",
			"The header row was not found in the sheet %q (see the template).", s.Name, s.Name)
	}
	return rows, nil
}

func hasError(r *Row, key string) bool {
	for _, e := range r.Errors {
		if e.Column == key {
			return true
		}
	}
	return false
}

// isTemplateLine reports whether a row is the template's hint line or one
// of its examples, left in the file.
func isTemplateLine(s Sheet, rs *readSheet, r *Row) bool {
	hints := true
	for k, v := range r.Cells {
		c := columnOf(rs, k)
		if c.Hint == "" || norm(c.Hint) != norm(v) {
			hints = false
			break
		}
	}
	if hints {
		return true
	}
	for _, ex := range s.Examples {
		same := len(r.Cells) > 0
		for k, v := range r.Cells {
			if ex[k] != v {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

func columnOf(rs *readSheet, key string) Column {
	for _, c := range rs.columns {
		if c.Key == key {
			return c
		}
	}
	return Column{}
}

// Template writes the workbook of sheets: per data sheet, a note line, the
// bilingual headers, a hint line and the example rows; then the reference
// sheets.
func Template(sheets []Sheet) (*excelize.File, error) {
	f := excelize.NewFile()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	hint, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "666666", Size: 9}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	note, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 11}})
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": cells stay text (codes such as 18.01 are not numbers)
	first := true
	for _, s := range sheets {
		name := s.Name
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		line := 1
		if s.Note != "" {
			_ = f.SetCellStr(name, "A1", s.Note)
			_ = f.SetCellStyle(name, "A1", "A1", note)
			line = 2
		}
		for i, c := range s.Columns {
			col, _ := excelize.ColumnNumberToName(i + 1)
			_ = f.SetCellStr(name, fmt.Sprintf("%s%d", col, line), c.Header)
			width := c.Width
			if width == 0 {
				width = max(12, min(40, float64(utf8.RuneCountInString(c.Header))*0.7))
			}
			_ = f.SetColWidth(name, col, col, width)
			if !s.Reference {
				_ = f.SetCellStr(name, fmt.Sprintf("%s%d", col, line+1), c.Hint)
				_ = f.SetColStyle(name, col, text)
			}
		}
		last, _ := excelize.ColumnNumberToName(max(1, len(s.Columns)))
		_ = f.SetCellStyle(name, fmt.Sprintf("A%d", line), fmt.Sprintf("%s%d", last, line), bold)
		if !s.Reference {
			_ = f.SetCellStyle(name, fmt.Sprintf("A%d", line+1), fmt.Sprintf("%s%d", last, line+1), hint)
			line++
		}
		_ = f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: line, TopLeftCell: fmt.Sprintf("A%d", line+1), ActivePane: "bottomLeft"})
		rows := s.Examples
		if s.Reference {
			rows = s.Rows
		}
		for _, r := range rows {
			line++
			for i, c := range s.Columns {
				if v := r[c.Key]; v != "" {
					col, _ := excelize.ColumnNumberToName(i + 1)
					_ = f.SetCellStr(name, fmt.Sprintf("%s%d", col, line), v)
				}
			}
		}
	}
	return f, nil
}
