package imports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"jangkau/access"
	"jangkau/audit"
	"jangkau/privacy"
)

// Counts are how many rows of an import do what.
type Counts struct {
	Rows      int `json:"rows"`
	New       int `json:"new"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Invalid   int `json:"invalid"`
	Errors    int `json:"errors"` // cell errors, all rows together
}

// FileInfo names the uploaded file.
type FileInfo struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
}

// SheetInfo is a sheet of the import as the preview shows it: its columns
// in order (the console lays the table out from it).
type SheetInfo struct {
	Name    string       `json:"name"`
	Columns []ColumnInfo `json:"columns"`
}

// sheetInfos describes the sheets read (not the reference sheets).
func sheetInfos(sheets []Sheet) []SheetInfo {
	out := []SheetInfo{}
	for _, s := range sheets {
		if s.Reference {
			continue
		}
		info := SheetInfo{Name: s.Name}
		for _, c := range s.Columns {
			info.Columns = append(info.Columns, ColumnInfo{Key: c.Key, Header: c.Header, Required: c.Required, Hint: c.Hint})
		}
		out = append(out, info)
	}
	return out
}

// ColumnInfo is a column of a SheetInfo.
type ColumnInfo struct {
	Key      string `json:"key"`
	Header   string `json:"header"`
	Required bool   `json:"required,omitempty"`
	Hint     string `json:"hint,omitempty"`
}

// Result is the answer of a preview or a confirm.
type Result struct {
	Kind   string      `json:"kind"`
	Title  string      `json:"title"`
	File   FileInfo    `json:"file"`
	Counts Counts      `json:"counts"`
	OK     bool        `json:"ok"` // no error: a confirm would write (or wrote) every row
	Sheets []SheetInfo `json:"sheets"`
	Rows   []*Row      `json:"rows"`
	// Errors lists every cell error, rows in order (also on each row).
	Errors []CellError `json:"errors"`
	// Written is true when a confirm committed; ImportID is its record.
	Written  bool     `json:"written"`
	ImportID string   `json:"importId,omitempty"`
	Secrets  []Secret `json:"secrets,omitempty"`
}

// errRollback ends a preview's transaction (and a refused confirm's)
// without writing.
var errRollback = errors.New("imports: rolled back")

// Options of one execution.
type Options struct {
	// Confirm writes (when every row is valid); otherwise a preview.
	Confirm bool
	// FileName is the upload's name, recorded and shown.
	FileName string
	// Job is the client's id of this request (the console's job id), kept
	// with a confirm's record: the same confirm sent again after its answer
	// was lost carries the same one (Run.RetryOf).
	Job string
	// Progress, when set, is told the stage (StageChecking, StagePreparing,
	// StageWriting) and how many rows of it are settled, of how many.
	Progress func(stage string, done, total int)
}

// The stages of an execution, as Progress reports them.
const (
	StageChecking  = "checking"
	StagePreparing = "preparing"
	StageWriting   = "writing"
)

// Preparer is an Importer with costly work that must not hold the
// database's write lock (hashing new accounts' passwords at bcrypt's cost:
// about 60 ms each on an idle core, seconds on a loaded one). A confirm of
// such an importer checks every row first (a rolled-back pass, as a
// preview), calls Prepare outside any transaction with the rows and their
// actions, then writes in a second pass, which finds what Prepare left in
// run.Prepared. Rows that changed in between are checked again by the
// writing pass (an importer falls back to doing the work there).
type Preparer interface {
	Importer
	Prepare(app core.App, run *Run) error
}

// Execute reads data as a workbook of imp's sheets and applies it for the
// actor inside one transaction: rolled back for a preview or when a row
// has an error, committed (with the import's record and audit entry)
// otherwise. A *FileError is a file that could not be read: no row was
// checked.
func Execute(app core.App, imp Importer, a access.Actor, who audit.Actor, data []byte, opt Options) (*Result, error) {
	sheets, err := imp.Sheets(app, a)
	if err != nil {
		return nil, err
	}
	// the upload's name is stored (import_runs, the audit trail): what the
	// privacy guard would refuse in it is masked, the import goes on
	res := &Result{Kind: imp.Kind(), Title: imp.Title(), File: FileInfo{Name: privacy.Redact(opt.FileName), SHA256: sha256Hex(data), Size: len(data)},
		Rows: []*Row{}, Errors: []CellError{}, Sheets: sheetInfos(sheets)}
	bySheet, order, err := read(data, sheets)
	if err != nil {
		return res, err
	}
	total := 0
	for _, name := range order {
		total += len(bySheet[name])
	}
	run := &Run{Actor: a, Audit: who, Sheets: bySheet, Prepared: map[string]any{}, File: res.File, Job: opt.Job}
	stage := func(name string) {
		run.done = 0
		if opt.Progress != nil {
			run.progress = func(done int) { opt.Progress(name, min(done, total), total) }
			opt.Progress(name, 0, total)
		}
	}
	prep, prepares := imp.(Preparer)
	if opt.Confirm && prepares {
		// a checking pass, then the costly work outside the transaction
		stage(StageChecking)
		if err := pass(app, imp, run, res, order, false); err != nil {
			return nil, err
		}
		if !res.OK {
			return res, nil
		}
		stage(StagePreparing)
		if err := prep.Prepare(app, run); err != nil {
			return nil, err
		}
		for _, name := range order {
			for _, r := range bySheet[name] {
				r.reset()
			}
		}
	}
	if opt.Confirm {
		stage(StageWriting)
	} else {
		stage(StageChecking)
	}
	if err := pass(app, imp, run, res, order, opt.Confirm); err != nil {
		return nil, err
	}
	if res.Written {
		res.Secrets = run.secrets
	}
	return res, nil
}

// pass runs Apply on every row inside one transaction, settles the rows'
// actions and counts into res, and commits (with the import's record) only
// when write is set and no row has an error.
func pass(app core.App, imp Importer, run *Run, res *Result, order []string, write bool) error {
	run.Confirm = write
	run.secrets = nil
	err := app.RunInTransaction(func(tx core.App) error {
		run.Tx = tx
		if err := imp.Apply(run); err != nil {
			return err
		}
		res.Rows, res.Errors, res.Counts = res.Rows[:0], res.Errors[:0], Counts{}
		for _, name := range order {
			for _, r := range run.Sheets[name] {
				r.finish()
				res.Rows = append(res.Rows, r)
				res.Errors = append(res.Errors, r.Errors...)
				res.Counts.Rows++
				res.Counts.Errors += len(r.Errors)
				switch r.Action {
				case ActionNew:
					res.Counts.New++
				case ActionChanged:
					res.Counts.Changed++
				case ActionUnchanged:
					res.Counts.Unchanged++
				case ActionInvalid:
					res.Counts.Invalid++
				}
			}
		}
		res.OK = res.Counts.Invalid == 0
		if !write || !res.OK {
			return errRollback
		}
		id, err := record(tx, imp, run, res)
		if err != nil {
			return err
		}
		res.ImportID = id
		return nil
	})
	run.Tx = nil
	if err != nil && !errors.Is(err, errRollback) {
		return err
	}
	res.Written = err == nil && write
	return nil
}

// record writes the import's line of import_runs and of the audit trail,
// in its transaction.
func record(tx core.App, imp Importer, run *Run, res *Result) (string, error) {
	a, who := run.Actor, run.Audit
	id := security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789")
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	_, err := tx.DB().NewQuery(`INSERT INTO import_runs (id, kind, user, superuser, area, file_name, file_sha256, file_size,
		rows, created_n, changed_n, unchanged_n, created, job) VALUES ({:id}, {:kind}, {:user}, {:superuser}, {:area}, {:name}, {:sha},
		{:size}, {:rows}, {:new}, {:changed}, {:unchanged}, {:created}, {:job})`).Bind(map[string]any{
		"id": id, "kind": imp.Kind(), "user": who.UserID, "superuser": who.SuperuserID, "area": a.Area,
		"name": res.File.Name, "sha": res.File.SHA256, "size": res.File.Size, "rows": res.Counts.Rows,
		"new": res.Counts.New, "changed": res.Counts.Changed, "unchanged": res.Counts.Unchanged, "created": now, "job": run.Job,
	}).Execute()
	if err != nil {
		return "", err
	}
	note, err := json.Marshal(map[string]any{"kind": imp.Kind(), "file": res.File.Name, "sha256": res.File.SHA256, "size": res.File.Size,
		"rows": res.Counts.Rows, "new": res.Counts.New, "changed": res.Counts.Changed, "unchanged": res.Counts.Unchanged})
	if err != nil {
		return "", err
	}
	return id, audit.Write(tx, audit.Entry{Actor: who, Action: audit.ActionImport, Collection: RunsTable, RecordID: id, Note: string(note)})
}

// RunsTable is the table of the imports' records.
const RunsTable = "import_runs"

// RunInfo is one recorded import.
type RunInfo struct {
	ID        string `db:"id" json:"id"`
	Kind      string `db:"kind" json:"kind"`
	User      string `db:"user" json:"user"`
	UserName  string `db:"user_name" json:"userName"`
	Superuser string `db:"superuser" json:"superuser,omitempty"`
	Area      string `db:"area" json:"area"`
	FileName  string `db:"file_name" json:"fileName"`
	SHA256    string `db:"file_sha256" json:"sha256"`
	Size      int    `db:"file_size" json:"size"`
	Rows      int    `db:"rows" json:"rows"`
	New       int    `db:"created_n" json:"new"`
	Changed   int    `db:"changed_n" json:"changed"`
	Unchanged int    `db:"unchanged_n" json:"unchanged"`
	Created   string `db:"created" json:"created"`
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
