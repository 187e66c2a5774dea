package reports_test

import (
	"reflect"
	"testing"

	tt "jangkau/internal/testapp"
	"jangkau/reports"
)

// The migrations create the stats tables empty and never compute them (a
// migration runs no live code). A database whose records predate the tables
// gets its aggregates when the server starts, from this version's code; a
// database whose aggregates exist is left alone.
func TestServerStartComputesMissingStats(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	want := dumpStats(t, app)
	if len(want) == 0 {
		t.Fatal("the fixtures hold no counted records")
	}
	for _, name := range reports.Counted {
		if _, err := app.DB().NewQuery("DELETE FROM " + reports.StatsTable[name]).Execute(); err != nil {
			t.Fatal(err)
		}
	}

	tt.Serve(t, app)
	if got := dumpStats(t, app); !reflect.DeepEqual(got, want) {
		t.Fatalf("after start: %d stat rows, want %d; first difference: %s", len(got), len(want), firstDiff(got, want))
	}
	if rebuilt, err := reports.RebuildIfMissing(app); err != nil || rebuilt {
		t.Fatalf("stats present, rebuilt again: %v %v", rebuilt, err)
	}
}
