package recfield_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/internal/recfield"
	"jangkau/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// Every field of every collection of the real schema, set and read with
// values of every kind a push or a hook gives: recfield.Set must leave the
// record as Record.Set does, and recfield.Get and recfield.String must answer
// as Record.Get and Record.GetString.
func TestSetAndGetAreRecordsOwn(t *testing.T) {
	app := testapp.New(t)
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	file, err := filesystem.NewFileFromBytes([]byte("x"), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	values := []any{nil, "", "teks", "2026-11-20 08:00:00.000Z", 3, 2.5, "7", true, false,
		[]string{"a", "b", "a"}, []any{"c", 1}, map[string]any{"k": "v"}, `{"k":1}`, `["x"]`, []*filesystem.File{file}}
	checked := 0
	for _, col := range cols {
		for _, f := range col.Fields {
			name := f.GetName()
			if f.Type() == core.FieldTypePassword {
				continue // each set draws a new bcrypt salt; no push or hook sets a password through recfield
			}
			for _, key := range []string{name, name + "+", "+" + name, name + "-", name + ":unsaved"} {
				for i, v := range values {
					if key != name && i%4 != 0 {
						continue // the modifiers with a few values of each kind
					}
					want, got := core.NewRecord(col), core.NewRecord(col)
					for _, r := range []*core.Record{want, got} { // a stored value for the modifiers to act on
						r.Set(name, "seed")
					}
					want.Set(key, v)
					recfield.Set(got, key, v)
					label := fmt.Sprintf("%s.%s key %q value %d (%#v)", col.Name, name, key, i, v)
					if !reflect.DeepEqual(want.FieldsData(), got.FieldsData()) || !reflect.DeepEqual(want.CustomData(), got.CustomData()) {
						t.Fatalf("%s: Set left %v / %v, Record.Set %v / %v", label, got.FieldsData(), got.CustomData(), want.FieldsData(), want.CustomData())
					}
					if g, w := recfield.Get(got, key), want.Get(key); !reflect.DeepEqual(g, w) {
						t.Fatalf("%s: Get %#v, Record.Get %#v", label, g, w)
					}
					if g, w := recfield.String(got, key), want.GetString(key); g != w {
						t.Fatalf("%s: String %q, Record.GetString %q", label, g, w)
					}
					checked++
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d cases checked: the schema did not load", checked)
	}
}

// A record from New is stamped at its insert like any new record: kept
// with a time long past, it is still stored with the time of the save.
// This holds only while PocketBase reads the last known value under the
// key New uses; the test fails when an upgrade renames it.
func TestNewIsStampedAtTheInsert(t *testing.T) {
	app := testapp.New(t)
	col := core.NewBaseCollection("recfield_pin")
	col.Fields.Add(&core.TextField{Name: "title"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	past, _ := types.ParseDateTime("2001-02-03 04:05:06.000Z")
	for _, kept := range []bool{false, true} {
		before := time.Now().Add(-time.Second)
		rec := recfield.New(col)
		if kept {
			recfield.KeepAutodates(rec, past)
		}
		rec.Set("title", "x")
		if err := app.Save(rec); err != nil {
			t.Fatal(err)
		}
		stored, err := app.FindRecordById(col, rec.Id)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"created", "updated"} {
			if at := stored.GetDateTime(name).Time(); at.Before(before) {
				t.Errorf("kept at %v: %s stored as %v, not the time of the save", kept, name, at)
			}
		}
	}
}
