package benchdata

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/dbutils"

	"jangkau/catalog"
)

// BuildStock creates in dir what unmodified PocketBase would hold for the
// activities of the Jangkau store in from: PocketBase's own tables, an
// activities collection with the same fields (relations as text, files as
// JSON, nothing required, no rules: it is read as a superuser) and the
// indexes of Jangkau's whose columns it has, the superuser account, and n
// activities drawn exactly as Build draws them (same seed, same rows).
// The stock binary then serves dir as it would its own.
func BuildStock(dir, from string, n int) error {
	fields, indexes, err := activityShape(from)
	if err != nil {
		return err
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ClearBootstrap()
	if err := app.RunSystemMigrations(); err != nil {
		return err
	}
	s := app.Settings()
	s.Batch.Enabled, s.Batch.MaxRequests, s.Batch.Timeout = true, 500, 60
	s.Logs.MaxDays = 0
	s.RateLimits.Enabled = false
	if err := app.Save(s); err != nil {
		return err
	}
	col := core.NewBaseCollection(catalog.Activities)
	col.Fields.Add(fields...)
	col.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true}, &core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
	have := map[string]bool{}
	for _, f := range col.Fields {
		have[f.GetName()] = true
	}
	for _, idx := range indexes {
		ok := true
		for _, c := range dbutils.ParseIndex(idx).Columns {
			ok = ok && have[c.Name]
		}
		if ok {
			col.AddIndex(dbutils.ParseIndex(idx).IndexName, dbutils.ParseIndex(idx).Unique, columnsOf(idx), dbutils.ParseIndex(idx).Where)
		}
	}
	if err := app.Save(col); err != nil {
		return fmt.Errorf("stock collection: %w", err)
	}
	supers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su := core.NewRecord(supers)
	su.SetEmail(Superuser)
	su.SetPassword(Password)
	if err := app.Save(su); err != nil {
		return err
	}
	var villages []string
	if err := villagesOf(from, &villages); err != nil {
		return err
	}
	insert, row := activityRows(n, villages)
	for start := 0; start < n; start += 5000 {
		end := min(start+5000, n)
		err := app.RunInTransaction(func(tx core.App) error {
			ins := tx.DB().NewQuery(insert)
			ins.Prepare()
			defer ins.Close()
			for i := start; i < end; i++ {
				if _, err := ins.Bind(row(i)).Execute(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func columnsOf(idx string) string {
	s := ""
	for i, c := range dbutils.ParseIndex(idx).Columns {
		if i > 0 {
			s += ", "
		}
		s += "`" + c.Name + "`"
		if c.Collate != "" {
			s += " COLLATE " + c.Collate
		}
		if c.Sort != "" {
			s += " " + c.Sort
		}
	}
	return s
}

// activityShape reads the fields (as stock would have them) and indexes of
// the activities collection of the Jangkau store in dir.
func activityShape(dir string) ([]core.Field, []string, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, nil, err
	}
	defer app.ClearBootstrap()
	src, err := app.FindCollectionByNameOrId(catalog.Activities)
	if err != nil {
		return nil, nil, err
	}
	var fields []core.Field
	for _, f := range src.Fields {
		name := f.GetName()
		if name == "id" || name == "created" || name == "updated" {
			continue
		}
		var copied core.Field
		switch f.Type() {
		case core.FieldTypeRelation:
			copied = &core.TextField{Name: name, Max: 100}
		case core.FieldTypeFile:
			copied = &core.JSONField{Name: name}
		default:
			raw, err := json.Marshal(f)
			if err != nil {
				return nil, nil, err
			}
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, nil, err
			}
			delete(m, "id")
			m["type"] = f.Type()
			m["required"], m["hidden"], m["system"] = false, false, false
			raw, _ = json.Marshal([]any{m})
			var list core.FieldsList
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, nil, err
			}
			copied = list[0]
		}
		fields = append(fields, copied)
	}
	return fields, src.Indexes, nil
}

func villagesOf(dir string, out *[]string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ClearBootstrap()
	return app.DB().NewQuery("SELECT id FROM areas WHERE level = 'village' ORDER BY id").Column(out)
}

// StartBinary runs bin (a jangkau or a stock PocketBase binary) on dir and
// waits until it answers.
func StartBinary(bin, dir string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve", "--http", addr, "--dir", dir)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + addr, cmd: cmd}
	// a big store on a busy machine can take minutes to open (startup
	// checks read it): wait up to five
	for i := 0; i < 3000; i++ {
		if res, err := http.Get(s.URL + "/api/health"); err == nil {
			res.Body.Close()
			return s, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("%s did not start", bin)
}

// activityRows returns the insert of an activity and the parameters of
// the i-th of total, as Build draws them.
func activityRows(total int, villages []string) (string, func(i int) dbx.Params) {
	return bulkRows(catalog.Activities, total, villages)
}
