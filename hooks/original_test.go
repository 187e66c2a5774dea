package hooks_test

import (
	"encoding/json"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// Go code that saves one record object twice, in one transaction or not:
// the second save's audit entry and status check start from what the first
// save stored.
func TestSavingOneObjectTwiceStartsFromTheStoredState(t *testing.T) {
	t.Parallel()
	for _, inTx := range []bool{false, true} {
		app := tt.New(t)
		saveTwice := func(app core.App) error {
			rec, err := app.FindRecordById(catalog.Activities, tt.ActivityA)
			if err != nil {
				return err
			}
			rec.Set("venue", "Aula desa")
			if err := app.Save(rec); err != nil {
				return err
			}
			rec.Set("venue", "Lapangan desa")
			return app.Save(rec)
		}
		var err error
		if inTx {
			err = app.RunInTransaction(saveTwice)
		} else {
			err = saveTwice(app)
		}
		if err != nil {
			t.Fatal(err)
		}
		checkTwoUpdates(t, app, inTx)
	}
}

func checkTwoUpdates(t *testing.T, app core.App, inTx bool) {
	t.Helper()
	first := "Balai desa"
	var rows []struct {
		Changes string `db:"changes"`
	}
	err := app.DB().Select("changes").From(audit.Collection).
		Where(dbx.HashExp{"target_collection": catalog.Activities, "record": tt.ActivityA, "action": audit.ActionUpdate}).
		OrderBy("rowid").All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d update entries, want 2", len(rows))
	}
	want := [][2]string{{first, "Aula desa"}, {"Aula desa", "Lapangan desa"}}
	for i, r := range rows {
		var changes map[string][2]any
		if err := json.Unmarshal([]byte(r.Changes), &changes); err != nil {
			t.Fatal(err)
		}
		if got := changes["venue"]; got[0] != want[i][0] || got[1] != want[i][1] {
			t.Errorf("in a transaction %v, save %d: venue %v, want %v (all changes: %s)", inTx, i+1, got, want[i], r.Changes)
		}
		if len(changes) != 1 {
			t.Errorf("save %d recorded %d changed fields, want 1: %s", i+1, len(changes), r.Changes)
		}
	}
}
