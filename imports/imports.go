// Package imports is Jangkau's spreadsheet import framework: a secretariat
// or verifier uploads an XLSX workbook, sees every row with what it would
// change and each cell's errors (nothing written), then confirms, and every
// row is written in one transaction or none is.
//
// An import kind is an Importer, registered once (Register in init or in a
// package's Register). The framework does the rest, the same way for every
// kind:
//
//   - the template: GET /api/imports/{kind}/template builds an XLSX from the
//     importer's Sheets (headers "Bahasa Indonesia / English", an example
//     row, notes, and reference sheets listing valid codes for the caller);
//   - reading: the upload's size, its number of rows and its cells are
//     bounded; formula cells and text that a spreadsheet would run as a
//     formula are refused per cell (CSV/formula injection); headers are
//     matched by key or either language's label, in any order;
//   - checking: POST /api/imports/{kind}/preview runs the importer's Apply
//     on every row inside a transaction that is always rolled back, so a
//     row is checked by the very hooks that will check it at confirm time
//     (policy, privacy guard, vocabularies, area levels...). Each row gets
//     its action (new, changed, unchanged) and its errors by sheet, row,
//     column and cell with a stable code and a bilingual message;
//   - writing: POST /api/imports/{kind}/confirm re-reads the same file (its
//     SHA-256 must be the previewed one), runs Apply again inside one
//     transaction, and commits only when no row has an error; the import
//     is recorded (import_runs and the audit trail: who, kind, file name,
//     hash, counts; never a secret such as a one-time password);
//   - progress: a long preview or confirm reports its stage and rows done
//     under the client's job id (GET /api/imports/{kind}/progress/{job});
//   - costly work (a password's hash) is done outside the transaction by
//     an importer that is also a Preparer.
//
// An importer therefore only says what its sheets are, who may use it, and
// how one row is written (Apply), comparing with what is stored so that a
// re-import of the same file changes nothing (every row "unchanged").
//
// # Adding an import kind
//
// A new kind is one file of this package (or of any package this one does
// not import) with an Importer and its Add in init; the routes, template,
// console page and import record follow. rad.go and accounts.go are the
// two examples. In outline:
//
//	func init() { Add(figuresImporter{}) }
//
//	type figuresImporter struct{}
//
//	func (figuresImporter) Kind() string  { return "cases" }
//	func (figuresImporter) Title() string { return apierr.Text("Angka kasus", "Case figures") }
//	func (figuresImporter) Allowed(a access.Actor) bool {
//		return a.Superuser || access.Can(a, catalog.CaseAggregates, access.Create)
//	}
//	func (figuresImporter) Sheets(app core.App, a access.Actor) ([]Sheet, error) {
//		return []Sheet{{Name: "Kasus", Columns: []Column{
//			{Key: "area", Header: "Kode wilayah / Area code", Required: true},
//			{Key: "year", Header: "Tahun / Year", Required: true, Hint: "2025"},
//		}}}, nil
//	}
//	func (figuresImporter) Apply(run *Run) error {
//		for _, row := range run.Rows("Kasus") {
//			// parse the cells; row.Fail(column, code, bilingual message) for
//			// each bad cell; find the stored record by its key
//			// (run.Tx.FindFirstRecordByFilter); compare; then
//			//   row.SetUnchanged(), or
//			//   rec.Set(...); ok, err := run.Save(row, rec, fieldToColumn)
//			//   (err: the server's failure, return it; !ok: the row failed)
//			//   and row.SetNew() / row.SetChanged(columns...)
//			run.Done()
//		}
//		return nil
//	}
//
// Apply must check the policy where the record API's request hooks would
// (run.Save runs the model hooks only: privacy guard, area derivation,
// vocabularies, field validation): access.CheckWrite(run.Actor, rec) for
// records of an area, access.CheckUserWrite for accounts. Tests: see
// rad_test.go (real XLSX files made with excelize, every kind of bad row,
// preview writes nothing, re-import unchanged) and kill_test.go.
package imports

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/audit"
)

// Importer is one kind of import. Implementations keep no state between
// calls: every call gets what it needs.
type Importer interface {
	// Kind names the import in its routes (/api/imports/{kind}/...) and
	// its record: lower case letters, digits and "-".
	Kind() string
	// Title is the import's bilingual name ("Matriks RAD / RAD matrix").
	Title() string
	// Allowed reports whether the actor may use this import at all
	// (derived from the policy table, access/policy.go). Rows are still
	// checked one by one in Apply (an area outside the actor's is a row
	// error).
	Allowed(a access.Actor) bool
	// Sheets describes the workbook for the actor: the sheets read (in
	// order) and reference sheets the template adds (valid codes, the
	// actor's villages...). Read from app; write nothing.
	Sheets(app core.App, a access.Actor) ([]Sheet, error)
	// Apply writes the rows through run.Tx, one by one, recording on each
	// row its action (Row.Set*) and its errors (Row.Fail, Run.Save). It
	// runs inside one transaction, also for a preview (then rolled back):
	// it must write through run.Tx only, and never stop at a row error
	// (every row's errors are shown at once). A returned error is a
	// failure of the server, not of a row.
	Apply(run *Run) error
}

// Sheet is one sheet of an import's workbook.
type Sheet struct {
	// Name is the sheet's name in the workbook (at most 31 characters).
	Name string
	// Note is a bilingual line the template shows above the headers.
	Note string
	// Columns are the sheet's columns, in template order.
	Columns []Column
	// Extra, when set, accepts headers beyond Columns (such as "Target
	// 2025"): it returns the column a header stands for.
	Extra func(header string) (Column, bool)
	// Examples are rows the template shows under the headers, by column
	// key. The reader skips a row equal to an example (in case a user
	// leaves it).
	Examples []map[string]string
	// Reference marks a sheet of the template only (valid codes): it is
	// never read back. Its Rows are written as they are.
	Reference bool
	// Rows of a reference sheet, by column key.
	Rows []map[string]string
	// Optional: a workbook without this sheet is read as having it empty.
	Optional bool
}

// Column is one column of a sheet.
type Column struct {
	// Key is the column's stable name in the API and in errors.
	Key string
	// Header is the bilingual header ("Kode / Code"); the reader also
	// accepts the key and either half of the header, in any case.
	Header string
	// Required: a row with this cell empty gets a "required" error (and a
	// sheet without this column a file error).
	Required bool
	// Hint is a short bilingual note on the values accepted, shown in the
	// template's note row and in the console.
	Hint string
	// Width of the template column, in characters (0: from the header).
	Width float64
}

// Action is what a row does to the stored data.
type Action string

// The actions of a row.
const (
	ActionNew       Action = "new"
	ActionChanged   Action = "changed"
	ActionUnchanged Action = "unchanged"
	// ActionInvalid is a row with errors: it writes nothing, and its
	// import is refused.
	ActionInvalid Action = "invalid"
)

// CellError is an error of one row: its column (the key; "" for the whole
// row), the cell ("C7"), a stable code and a bilingual message.
type CellError struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Cell    string `json:"cell"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Row is one data row of a sheet as read, and what its import does.
type Row struct {
	// Sheet and Line (1-based, as a spreadsheet numbers rows) locate it.
	Sheet string `json:"sheet"`
	Line  int    `json:"row"`
	// Cells are its values by column key, trimmed.
	Cells map[string]string `json:"cells"`
	// Key is how the importer names the row's record (an indicator's code,
	// an account's e-mail), for the preview.
	Key string `json:"key,omitempty"`
	// Note is what the importer adds for the reader of the preview (an
	// area code's village, district and regency names), bilingual or a name.
	Note   string      `json:"note,omitempty"`
	Action Action      `json:"action"`
	Errors []CellError `json:"errors,omitempty"`
	// Changes lists, for a changed row, the columns whose stored value
	// differs.
	Changes []string `json:"changes,omitempty"`

	action Action
	letter map[string]string // column key -> column letter
}

// Get returns the trimmed value of the column key ("" when empty or absent).
func (r *Row) Get(key string) string { return r.Cells[key] }

// Has reports whether the sheet has the column key and the cell is not empty.
func (r *Row) Has(key string) bool { return r.Cells[key] != "" }

// Cell returns the cell reference of column key in this row ("C7"); "" when
// the sheet has no such column.
func (r *Row) Cell(key string) string {
	if l := r.letter[key]; l != "" {
		return fmt.Sprintf("%s%d", l, r.Line)
	}
	return ""
}

// Fail records an error of the row's column key (or of the whole row, "").
// message is bilingual (apierr.Text).
func (r *Row) Fail(key, code, message string) {
	r.Errors = append(r.Errors, CellError{Sheet: r.Sheet, Row: r.Line, Column: key, Cell: r.Cell(key), Code: code, Message: message})
}

// FailWith records the field errors of a failed validation or save, each
// under the column the field maps to (columns: field -> column key; a
// field not listed is reported under a column of its own name, if the
// sheet has it, else on the whole row, prefixed with the field). It
// reports whether err was a refusal (field errors, or a hook's 4xx);
// otherwise it is the server's failure, to be returned.
func (r *Row) FailWith(err error, columns map[string]string) bool {
	column := func(field string) (string, string) {
		col, ok := columns[field]
		if !ok {
			col = field
			if r.letter[col] == "" {
				col = ""
			}
		}
		prefix := ""
		if col == "" && field != "" {
			prefix = field + ": "
		}
		return col, prefix
	}
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		for _, field := range sortedKeys(verrs) {
			col, prefix := column(field)
			code, msg := apierr.Describe(verrs[field])
			r.Fail(col, code, prefix+msg)
		}
		return true
	}
	var ae *router.ApiError
	if errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 {
		failed := false
		for _, field := range sortedKeys(ae.Data) {
			item, ok := ae.Data[field].(map[string]any)
			if !ok {
				continue
			}
			code, _ := item["code"].(string)
			msg, _ := item["message"].(string)
			params, _ := item["params"].(map[string]any)
			msg = apierr.Bilingual(code, msg, params)
			col, prefix := column(field)
			r.Fail(col, code, prefix+msg)
			failed = true
		}
		if !failed {
			r.Fail("", "refused", ae.Message)
		}
		return true
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SetNew, SetChanged and SetUnchanged record the row's action. A row with
// errors is invalid whatever it was set to.
func (r *Row) SetNew() { r.action = ActionNew }

// SetChanged records that the row changes a stored record; columns are the
// keys of the columns whose values differ.
func (r *Row) SetChanged(columns ...string) {
	r.action = ActionChanged
	r.Changes = columns
}

// SetUnchanged records that the row's record is stored as the row says.
func (r *Row) SetUnchanged() { r.action = ActionUnchanged }

// reset forgets what a checking pass found, for the writing pass (only
// rows without errors reach it).
func (r *Row) reset() {
	r.Errors, r.Changes, r.Key, r.Note, r.Action, r.action = nil, nil, "", "", "", ""
}

// finish settles the row's action after Apply.
func (r *Row) finish() {
	switch {
	case len(r.Errors) > 0:
		r.Action = ActionInvalid
	case r.action == "":
		r.Action = ActionUnchanged
	default:
		r.Action = r.action
	}
}

// Run is one preview or confirm of an import: what Apply reads and writes.
type Run struct {
	// Tx is the transaction every write goes through.
	Tx core.App
	// Actor is who imports; Audit is the same for the audit trail (set it
	// on every record saved: audit.SetActor).
	Actor access.Actor
	Audit audit.Actor
	// Confirm is true in the pass that will commit (when every row is
	// valid); false for a preview and a Preparer's checking pass (rolled
	// back): an importer may skip costly work whose result is not kept
	// (hashing a password).
	Confirm bool
	// Sheets are the rows read, by sheet name, in sheet order.
	Sheets map[string][]*Row

	// Prepared is what a Preparer's Prepare left for the writing pass.
	Prepared map[string]any
	// File is the upload (its name masked, its hash and size); Job the
	// client's id of the request (Options.Job).
	File FileInfo
	Job  string

	retry *retrySpan // RetryOf's answer, read once per run

	secrets  []Secret
	progress func(done int)
	done     int
}

// RetryOf reports whether this request repeats this caller's committed
// confirm of the same import kind, file and job (sent again after its
// answer was lost), and when that confirm (first) and its latest repeat
// (last) were committed.
func (r *Run) RetryOf(kind string) (first, last time.Time, ok bool) {
	if r.retry == nil || r.retry.kind != kind {
		r.retry = &retrySpan{kind: kind}
		r.retry.first, r.retry.last, r.retry.ok = r.readRetry(kind)
	}
	return r.retry.first, r.retry.last, r.retry.ok
}

// retrySpan is RetryOf's answer for one import kind.
type retrySpan struct {
	kind        string
	first, last time.Time
	ok          bool
}

// readRetry reads RetryOf's answer from import_runs.
func (r *Run) readRetry(kind string) (first, last time.Time, ok bool) {
	if r.Job == "" {
		return time.Time{}, time.Time{}, false
	}
	var span struct {
		First string `db:"first"`
		Last  string `db:"last"`
	}
	err := r.Tx.DB().NewQuery(`SELECT COALESCE(MIN(created), '') AS first, COALESCE(MAX(created), '') AS last FROM import_runs
		WHERE job = {:job} AND kind = {:kind} AND file_sha256 = {:sha} AND user = {:user} AND superuser = {:superuser}`).Bind(dbx.Params{
		"job": r.Job, "kind": kind, "sha": r.File.SHA256, "user": r.Audit.UserID, "superuser": r.Audit.SuperuserID}).One(&span)
	if err != nil || span.First == "" {
		return time.Time{}, time.Time{}, false
	}
	f, err1 := types.ParseDateTime(span.First)
	l, err2 := types.ParseDateTime(span.Last)
	return f.Time(), l.Time(), err1 == nil && err2 == nil
}

// Rows returns the rows of a sheet.
func (r *Run) Rows(sheet string) []*Row { return r.Sheets[sheet] }

// Done tells the progress reader that one more row is settled.
func (r *Run) Done() {
	r.done++
	if r.progress != nil {
		r.progress(r.done)
	}
}

// Secret is a value shown once in the confirm answer and never stored by
// the import (a new account's one-time password).
type Secret struct {
	Sheet string `json:"sheet"`
	Row   int    `json:"row"`
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// Reveal adds a secret to the confirm answer (ignored in a preview).
func (r *Run) Reveal(row *Row, label, value string) {
	if !r.Confirm {
		return
	}
	r.secrets = append(r.secrets, Secret{Sheet: row.Sheet, Row: row.Line, Key: row.Key, Label: label, Value: value})
}

// CodeKeptElsewhere is a row's error when its key names a stored record
// the importer may not change (another cluster's case figure).
const CodeKeptElsewhere = "kept_elsewhere"

const msgKeptElsewhere = "Data dengan kunci ini (wilayah, periode, sumber) dikelola pihak lain, misalnya klaster lain; hubungi sekretariat provinsi. / A record with this key (area, period, source) is kept by someone else, such as another cluster; ask the province secretariat."

// Reach checks a row against the policy table before it is compared with
// its stored record: the actor may write the record where the row puts it
// (access.CheckWrite), and may change the stored record as the record API's
// update rule would (access.Reaches on the record as stored). An importer
// looks a row's record up by a natural key, which may name a record out of
// the caller's reach: such a row must neither overwrite it nor learn
// whether it is "unchanged" or which fields differ. A refusal marks the
// row (the stored record's refusal on keyColumn) and returns false.
func (r *Run) Reach(row *Row, rec *core.Record, columns map[string]string, stored *core.Record, keyColumn string) bool {
	if errs := access.CheckWrite(r.Actor, rec); errs != nil {
		row.FailWith(errs, columns)
		return false
	}
	if stored != nil && !access.Reaches(r.Actor, stored.Collection().Name, access.Update, stored.Original()) {
		row.Fail(keyColumn, CodeKeptElsewhere, msgKeptElsewhere)
		return false
	}
	return true
}

// Write saves rec for row as the record API would: the policy table first
// (a refusal marks the row: Reach), then Save; a saved row is marked new
// (stored nil) or changed (the fields in changed).
func (r *Run) Write(row *Row, rec *core.Record, columns map[string]string, stored *core.Record, changed []string) error {
	if !r.Reach(row, rec, columns, stored, "") {
		return nil
	}
	if ok, err := r.Save(row, rec, columns); err != nil || !ok {
		return err
	}
	if stored == nil {
		row.SetNew()
	} else {
		row.SetChanged(changed...)
	}
	return nil
}

// Save saves rec through the run's transaction as the importing actor.
// A refusal of the record's validation or of a hook (policy, privacy,
// vocabularies...) becomes the row's errors, under the columns fields maps
// to; it returns false then. A failure of the server is returned as err.
//
// A row that has errors already is saved all the same (the transaction is
// rolled back anyway, as the row is invalid), so that the checks of the
// hooks show their errors on the row's other cells at once; their errors
// on a cell in error already are left out. ok is then false.
func (r *Run) Save(row *Row, rec *core.Record, columns map[string]string) (ok bool, err error) {
	had := len(row.Errors)
	failed := map[string]bool{}
	for _, e := range row.Errors {
		failed[e.Column] = true
	}
	audit.SetActor(rec, r.Audit)
	if err := r.Tx.Save(rec); err != nil {
		if !row.FailWith(err, columns) {
			return false, err
		}
		kept := row.Errors[:had]
		for _, e := range row.Errors[had:] {
			if !failed[e.Column] || e.Column == "" && had == 0 {
				kept = append(kept, e)
			}
		}
		row.Errors = kept
		return false, nil
	}
	return had == 0, nil
}

// Failed reports whether the row has errors already (an importer still
// calls Save on it, to show the hooks' errors on its other cells).
func (r *Row) Failed() bool { return len(r.Errors) > 0 }

// ---------------------------------------------------------------- registry

var (
	registryMu sync.RWMutex
	registry   = map[string]Importer{}
	order      []string
)

// Add registers an importer; a second one of the same kind panics (a
// programming error found at start).
func Add(imp Importer) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[imp.Kind()]; dup {
		panic("imports: kind registered twice: " + imp.Kind())
	}
	registry[imp.Kind()] = imp
	order = append(order, imp.Kind())
}

// Of returns the importer of kind (nil when none is registered).
func Of(kind string) Importer {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return registry[kind]
}

// Kinds returns every registered importer, in registration order.
func Kinds() []Importer {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]Importer, 0, len(order))
	for _, k := range order {
		out = append(out, registry[k])
	}
	return out
}

// ---------------------------------------------------------------- messages

// Messages of the framework's own row and file errors.
var (
	msgRequired = apierr.Text("Wajib diisi.", "Required.")
	msgFormula  = apierr.Text("Rumus tidak diterima: tulis nilainya, bukan rumus.", "Formulas are not accepted: enter the value, not a formula.")
	msgInject   = apierr.Text("Teks yang diawali =, +, -, @ atau tab dibaca spreadsheet sebagai rumus dan tidak diterima.",
		"Text starting with =, +, -, @ or a tab is read by spreadsheets as a formula and is not accepted.")
	msgTooLong = apierr.Text("Isi sel terlalu panjang (maksimal %d karakter).", "The cell is too long (at most %d characters).")
)
