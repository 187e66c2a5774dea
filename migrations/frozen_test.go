package migrations_test

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	_ "jangkau/migrations"
)

// Frozen migrations: a migration holds literal schema and never calls the
// live domain packages, so that a later edit of those packages cannot make
// new databases differ from upgraded ones. Three tests hold that:
//   - no migration file imports a package of this module;
//   - a database created by the first migration and upgraded one migration
//     at a time (a new process each step, like real upgrades) ends with the
//     same schema as a fresh one;
//   - a fresh database's schema is the one in testdata/schema.golden, so
//     that any change of what the migrations produce shows in review (a new
//     migration updates it: go test ./migrations -update).

var update = flag.Bool("update", false, "rewrite testdata/schema.golden from a fresh database")

const module = "jangkau"

func TestMigrationsImportNoDomainPackage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == module || strings.HasPrefix(path, module+"/") {
				t.Errorf("%s imports %s: a migration must hold literal schema, not call live code", f, path)
			}
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d migration files found", checked)
	}
}

// newApp opens (or creates) the database in dir with PocketBase's system
// migrations. Jangkau's hooks are not bound: what is compared is what the
// migrations make, not what live hooks add (the feed and audit rows of the
// loaded areas).
// splitAt returns the registered migrations before the one in file, and
// all of them: a test runs the first list, writes the data of before, then
// the second.
func splitAt(t *testing.T, file string) (before, all core.MigrationsList) {
	t.Helper()
	found := false
	for _, m := range core.AppMigrations.Items() {
		if m.File == file {
			found = true
		}
		if !found {
			before.Add(m)
		}
		all.Add(m)
	}
	if !found {
		t.Fatalf("%s not registered", file)
	}
	return before, all
}

func newApp(t *testing.T, dir string) *core.BaseApp {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	return app
}

func closeApp(t *testing.T, app *core.BaseApp) {
	t.Helper()
	if err := app.ClearBootstrap(); err != nil {
		t.Fatal(err)
	}
}

var fresh struct {
	once   sync.Once
	schema string
	err    error
}

// freshSchema migrates a new database in one run (once per test binary) and
// describes it.
func freshSchema(t *testing.T) string {
	t.Helper()
	fresh.once.Do(func() {
		dir, err := os.MkdirTemp("", "jangkau-migrations-*")
		if err != nil {
			fresh.err = err
			return
		}
		defer os.RemoveAll(dir)
		app := newApp(t, dir)
		defer closeApp(t, app)
		if fresh.err = app.RunAppMigrations(); fresh.err == nil {
			fresh.schema = schemaOf(t, app)
		}
	})
	if fresh.err != nil {
		t.Fatal(fresh.err)
	}
	return fresh.schema
}

func TestStepwiseUpgradeMatchesFreshDatabase(t *testing.T) {
	t.Parallel()
	all := core.AppMigrations.Items()
	if len(all) < 2 {
		t.Fatalf("%d migrations registered", len(all))
	}

	want := freshSchema(t)
	dir := t.TempDir()
	for i := range all {
		// Each step in a new process, knowing only the migrations up to it.
		var list core.MigrationsList
		for _, m := range all[:i+1] {
			list.Add(m)
		}
		app := newApp(t, dir)
		applied, err := core.NewMigrationsRunner(app, list).Up()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if len(applied) != 1 || applied[0] != all[i].File {
			t.Fatalf("step %d applied %v, want only %s", i, applied, all[i].File)
		}
		closeApp(t, app)
	}
	app := newApp(t, dir)
	got := schemaOf(t, app)
	closeApp(t, app)
	if got != want {
		t.Errorf("upgraded database differs from a fresh one:\n%s", diff(want, got))
	}
}

func TestFreshSchemaIsTheGoldenOne(t *testing.T) {
	t.Parallel()
	got := freshSchema(t)
	golden := filepath.Join("testdata", "schema.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the migrations no longer produce testdata/schema.golden (a new migration? go test ./migrations -update, and review the diff):\n%s", diff(string(want), got))
	}
}

// schemaOf describes what the migrations made: every table, index and
// trigger as SQLite stores it, every collection (fields, rules, indexes,
// options; random token secrets blanked), the settings the migrations set,
// the row count of every table and a digest of the loaded areas.
func schemaOf(t *testing.T, app core.App) string {
	t.Helper()
	var b strings.Builder
	var objects []struct {
		Type string `db:"type"`
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	err := app.DB().NewQuery(`SELECT type, name, IFNULL(sql, '') AS sql FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).All(&objects)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objects {
		fmt.Fprintf(&b, "%s %s\n%s\n\n", o.Type, o.Name, o.SQL)
	}

	var cols []dbx.NullStringMap
	err = app.DB().NewQuery(`SELECT id, system, type, name, fields, indexes, listRule, viewRule, createRule,
		updateRule, deleteRule, options FROM _collections ORDER BY name`).All(&cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		fmt.Fprintf(&b, "collection %s (%s, id %s, system %s)\n", c["name"].String, c["type"].String, c["id"].String, c["system"].String)
		for _, rule := range []string{"listRule", "viewRule", "createRule", "updateRule", "deleteRule"} {
			v := "null (superusers only)"
			if c[rule].Valid {
				v = strconv.Quote(c[rule].String)
			}
			fmt.Fprintf(&b, "  %s: %s\n", rule, v)
		}
		fmt.Fprintf(&b, "  indexes: %s\n", indentJSON(t, c["indexes"].String))
		fmt.Fprintf(&b, "  options: %s\n", indentJSON(t, blankSecrets(t, c["options"].String)))
		fmt.Fprintf(&b, "  fields: %s\n\n", indentJSON(t, c["fields"].String))
	}

	s := app.Settings()
	fmt.Fprintf(&b, "settings: app name %q, batch enabled %v, max requests %d, timeout %d\n\n",
		s.Meta.AppName, s.Batch.Enabled, s.Batch.MaxRequests, s.Batch.Timeout)

	var tables []string
	for _, o := range objects {
		if o.Type == "table" {
			tables = append(tables, o.Name)
		}
	}
	sort.Strings(tables)
	for _, name := range tables {
		var n int
		if err := app.DB().NewQuery("SELECT COUNT(*) FROM " + name).Row(&n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "rows %s: %d\n", name, n)
	}

	var areaRows []dbx.NullStringMap
	err = app.DB().NewQuery(`SELECT id, name, level, kind, parent, active, local_term FROM areas ORDER BY id`).All(&areaRows)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, r := range areaRows {
		fmt.Fprintf(h, "%s|%s|%s|%s|%s|%s|%s\n", r["id"].String, r["name"].String, r["level"].String,
			r["kind"].String, r["parent"].String, r["active"].String, r["local_term"].String)
	}
	fmt.Fprintf(&b, "\nareas digest: %x\n", h.Sum(nil))
	return b.String()
}

func indentJSON(t *testing.T, raw string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	out, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// blankSecrets replaces the value of every "secret" key (auth collections'
// token secrets are random per database).
func blankSecrets(t *testing.T, raw string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, val := range x {
				if k == "secret" {
					x[k] = "(random)"
					continue
				}
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(v)
	out, _ := json.Marshal(v)
	return string(out)
}

// diff shows the first lines where a and b part.
func diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)) && len(out) < 40; i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("line %d\n- %s\n+ %s", i+1, x, y))
		}
	}
	return strings.Join(out, "\n")
}
