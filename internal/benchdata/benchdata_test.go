package benchdata_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/internal/benchdata"
	"jangkau/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// A benchmark store holds records as the app would: every activity with
// its area and level (the reports count by them), and report statistics
// for both collections, so that a server started on it measures what a
// real one does (and does not rebuild the statistics at every start).
func TestStoreRecordsAreWhatTheAppWouldWrite(t *testing.T) {
	for _, varied := range []bool{false, true} {
		dir := t.TempDir()
		if err := benchdata.BuildWith(dir, benchdata.Options{Activities: 40, Outreach: 40, Varied: varied}); err != nil {
			t.Fatal(err)
		}
		app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
		if err := app.Bootstrap(); err != nil {
			t.Fatal(err)
		}
		var missing, stats, outreach int
		if err := app.DB().NewQuery(`SELECT COUNT(*) FROM activities WHERE area = '' OR level != 'village' OR area != village`).Row(&missing); err != nil {
			t.Fatal(err)
		}
		if err := app.DB().NewQuery(`SELECT COUNT(*) FROM report_stats_activities`).Row(&stats); err != nil {
			t.Fatal(err)
		}
		if err := app.DB().NewQuery(`SELECT COUNT(*) FROM report_stats_outreach`).Row(&outreach); err != nil {
			t.Fatal(err)
		}
		_ = app.ClearBootstrap()
		if missing != 0 || stats == 0 || outreach == 0 {
			t.Errorf("varied %v: %d activities without their area and level; stats rows: activities %d, outreach %d", varied, missing, stats, outreach)
		}
	}
}
