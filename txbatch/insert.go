package txbatch

import (
	"sort"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// PreparedInsertHookID names the model hook that inserts records through
// a batch's prepared statements.
const PreparedInsertHookID = "jangkauPreparedInsert"

// BindPreparedInsert makes record inserts inside a batch's transaction use
// the batch's prepared statements: PocketBase builds each INSERT anew
// (named parameters parsed with a regular expression, then the SQL parsed
// by SQLite), which costs more than the insert when a push saves hundreds
// of records.
//
// The hook is the innermost of OnModelCreateExecute: every record hook has
// run (they wrap it), and it does what PocketBase's own last step does
// (core's create: DBExport, the id added when missing, one INSERT of those
// columns, MarkAsNotNew), with the same values. TestPreparedInsertStoresWhatPocketBaseStores
// compares the stored rows of both paths, so a PocketBase upgrade that
// changes that step fails loudly. Outside a batch, and for any model but a
// record, PocketBase inserts as usual.
func BindPreparedInsert(app core.App) {
	app.OnModelCreateExecute().Bind(&hook.Handler[*core.ModelEvent]{
		Id:       PreparedInsertHookID,
		Priority: 1 << 20, // after every other handler: it replaces the default insert
		Func: func(e *core.ModelEvent) error {
			rec, ok := e.Model.(*core.Record)
			if !ok {
				return e.Next()
			}
			b, batched := Of(e.Context, e.App).(*Batch)
			if !batched {
				return e.Next()
			}
			data, err := rec.DBExport(e.App)
			if err != nil {
				return err
			}
			if _, ok := data["id"]; !ok {
				data["id"] = rec.PK()
			}
			if id, _ := data["id"].(string); id == "" {
				return e.Next() // PocketBase refuses an empty id with its own error
			}
			shape := insertShapeOf(rec.TableName(), data)
			args := make([]any, len(shape.cols))
			for i, c := range shape.cols {
				args[i] = data[c]
			}
			if _, err := Exec(b, shape.sql, args...); err != nil {
				return err
			}
			rec.MarkAsNotNew()
			return nil
		},
	})
}

// insertShape is the INSERT of a table's rows with a given set of
// columns: its columns in order and its SQL.
type insertShape struct {
	cols []string
	sql  string
}

// insertShapes holds the last shape built for each table: the records of
// one collection export the same columns, save after save.
var insertShapes sync.Map // table -> *insertShape

// insertShapeOf returns the INSERT of data into table, from insertShapes
// when data has the columns of the table's last shape.
func insertShapeOf(table string, data map[string]any) *insertShape {
	if v, ok := insertShapes.Load(table); ok {
		shape := v.(*insertShape)
		same := len(shape.cols) == len(data)
		for _, c := range shape.cols {
			if !same {
				break
			}
			_, same = data[c]
		}
		if same {
			return shape
		}
	}
	cols := make([]string, 0, len(data))
	for c := range data {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	var sb strings.Builder
	sb.WriteString("INSERT INTO ")
	sb.WriteString(quote(table))
	sb.WriteString(" (")
	for i, c := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(quote(c))
	}
	sb.WriteString(") VALUES ")
	sb.WriteString(List(len(cols)))
	shape := &insertShape{cols: cols, sql: sb.String()}
	insertShapes.Store(table, shape)
	return shape
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
