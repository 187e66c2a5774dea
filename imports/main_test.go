package imports_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	tt "jangkau/internal/testapp"
)

// TestMain removes what the tests leave in the temporary directory.
func TestMain(m *testing.M) { tt.Main(m) }

// formula is a cell written as a formula (with a cached value), the way a
// spreadsheet saves it.
type formula string

// book writes an XLSX with one sheet: a header line and rows (strings,
// numbers or formulas).
func book(t testing.TB, sheet string, header []string, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			t.Fatal(err)
		}
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			var err error
			switch v := v.(type) {
			case nil:
				continue
			case formula:
				err = f.SetCellFormula(sheet, cell, string(v))
			case string:
				err = f.SetCellStr(sheet, cell, v)
			default:
				err = f.SetCellValue(sheet, cell, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload posts a file (and form fields) as multipart to path.
func upload(t testing.TB, srv *tt.Server, path, token, name string, data []byte, fields map[string]string) tt.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if data != nil {
		part, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(data)
	}
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return tt.Response{Status: res.StatusCode, Body: raw}
}

// result is a preview or confirm answer as the tests read it.
type result struct {
	Kind   string `json:"kind"`
	OK     bool   `json:"ok"`
	File   struct{ SHA256 string }
	Counts struct{ Rows, New, Changed, Unchanged, Invalid, Errors int }
	Rows   []struct {
		Sheet   string
		Row     int
		Key     string
		Note    string
		Action  string
		Changes []string
		Errors  []cellError
	}
	Errors   []cellError
	Written  bool
	ImportID string `json:"importId"`
	Secrets  []struct {
		Row   int
		Key   string
		Value string
	}
}

type cellError struct {
	Sheet, Column, Cell, Code, Message string
	Row                                int
}

func decode(t testing.TB, r tt.Response) result {
	t.Helper()
	var out result
	raw := r.Body
	var wrapped struct {
		Preview json.RawMessage `json:"preview"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && len(wrapped.Preview) > 0 {
		raw = wrapped.Preview
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("answer %d is no result: %v\n%s", r.Status, err, r.Body)
	}
	return out
}

// preview and confirm run an import of kind.
func preview(t testing.TB, srv *tt.Server, kind, token string, data []byte) (tt.Response, result) {
	t.Helper()
	r := upload(t, srv, "/api/imports/"+kind+"/preview", token, "matriks.xlsx", data, nil)
	if r.Status != http.StatusOK {
		return r, result{}
	}
	return r, decode(t, r)
}

func confirm(t testing.TB, srv *tt.Server, kind, token string, data []byte, sha string) (tt.Response, result) {
	t.Helper()
	r := upload(t, srv, "/api/imports/"+kind+"/confirm", token, "matriks.xlsx", data, map[string]string{"sha256": sha})
	if r.Status != http.StatusOK && r.Status != http.StatusBadRequest {
		return r, result{}
	}
	return r, decode(t, r)
}

// count returns a COUNT(*) of the app's database.
func count(t testing.TB, srv *tt.Server, query string) int {
	t.Helper()
	var n int
	if err := srv.App.DB().NewQuery(query).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// state is a fingerprint of everything an import may write.
func state(t testing.TB, srv *tt.Server) string {
	t.Helper()
	return stateOf(t, srv.App)
}

// stateOf is state of an app.
func stateOf(t testing.TB, app core.App) string {
	t.Helper()
	var parts []string
	for _, q := range []string{
		"SELECT COUNT(*) || ':' || COALESCE(MAX(updated), '') || ':' || COALESCE(SUM(LENGTH(targets) + LENGTH(budgets)), 0) FROM rad_indicators",
		"SELECT COUNT(*) FROM rad_indicator_versions",
		"SELECT COUNT(*) || ':' || COALESCE(MAX(updated), '') FROM users",
		"SELECT COUNT(*) FROM audit_log WHERE action IN ('create', 'update', 'import')",
		"SELECT COUNT(*) FROM import_runs",
		"SELECT COUNT(*) FROM sync_changes",
	} {
		var s string
		if err := app.DB().NewQuery(q).Row(&s); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s)
	}
	return fmt.Sprint(parts)
}

// errorAt returns the code of the error of a row's column ("" for none).
func (r result) errorAt(row int, column string) string {
	for _, e := range r.Errors {
		if e.Row == row && e.Column == column {
			return e.Code
		}
	}
	return ""
}
