package txbatch

import (
	"sort"
	"strings"

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
			cols := make([]string, 0, len(data))
			for c := range data {
				cols = append(cols, c)
			}
			sort.Strings(cols)
			args := make([]any, len(cols))
			var sb strings.Builder
			sb.WriteString("INSERT INTO ")
			sb.WriteString(quote(rec.TableName()))
			sb.WriteString(" (")
			for i, c := range cols {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(quote(c))
				args[i] = data[c]
			}
			sb.WriteString(") VALUES ")
			sb.WriteString(List(len(cols)))
			if _, err := Exec(b, sb.String(), args...); err != nil {
				return err
			}
			rec.MarkAsNotNew()
			return nil
		},
	})
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
