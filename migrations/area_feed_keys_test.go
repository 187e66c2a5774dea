package migrations_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The area feed keys migration on a feed written before it: village and
// district rows move to their own code in the village column, regency and
// province rows stay in the reference range, sequence numbers stay, and
// down puts them back.
func TestAreaFeedKeysMigration(t *testing.T) {
	t.Parallel()
	before, after := splitAt(t, "1767100000_area_feed_keys.go")
	app := newApp(t, t.TempDir())
	if _, err := core.NewMigrationsRunner(app, before).Up(); err != nil {
		t.Fatal(err)
	}
	rows := []struct{ id, regency string }{{"18", ""}, {"18.01", "18.01"}, {"18.01.04", "18.01"}, {"18.01.04.2001", "18.01"}}
	for i, r := range rows {
		if _, err := app.DB().NewQuery(`INSERT INTO sync_changes (collection, record_id, village, regency, seq, deleted, changed_at)
			VALUES ('areas', {:id}, '', {:r}, {:seq}, 0, '')`).Bind(dbx.Params{"id": r.id, "r": r.regency, "seq": 900000 + i}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	// an activity of the district keeps its key
	if _, err := app.DB().NewQuery(`INSERT INTO sync_changes (collection, record_id, village, regency, seq, deleted, changed_at)
		VALUES ('activities', 'districtactivity', '18.01.04', '18.01', 900010, 0, '')`).Execute(); err != nil {
		t.Fatal(err)
	}
	keys := func() map[string]string {
		var got []struct {
			RecordID string `db:"record_id"`
			Village  string `db:"village"`
			Regency  string `db:"regency"`
			Seq      int64  `db:"seq"`
		}
		if err := app.DB().NewQuery(`SELECT record_id, village, regency, seq FROM sync_changes WHERE seq >= 900000 ORDER BY seq`).All(&got); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, g := range got {
			m[g.RecordID] = g.Village + "|" + g.Regency
			if g.Seq < 900000 {
				t.Errorf("%s renumbered: %d", g.RecordID, g.Seq)
			}
		}
		return m
	}
	runner := core.NewMigrationsRunner(app, after)
	if _, err := runner.Up(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"18": "|", "18.01": "|18.01", "18.01.04": "18.01.04|18.01", "18.01.04.2001": "18.01.04.2001|18.01", "districtactivity": "18.01.04|18.01"}
	for id, w := range want {
		if got := keys()[id]; got != w {
			t.Errorf("after up, %s keyed %q; want %q", id, got, w)
		}
	}
	if _, err := runner.Down(1); err != nil {
		t.Fatal(err)
	}
	for id, w := range map[string]string{"18.01.04": "|18.01", "18.01.04.2001": "|18.01", "districtactivity": "18.01.04|18.01"} {
		if got := keys()[id]; got != w {
			t.Errorf("after down, %s keyed %q; want %q", id, got, w)
		}
	}
}
