package migrations_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The programme history migration on a database holding programmes from
// before it: valid_from from the legal basis date or the creation day
// (WIB), a complete free-JSON DRPPA assessment moved into the structured
// fields with its unplaceable keys kept, an incomplete one left whole, and
// every programme announced again in the sync feed.
func TestProgrammeHistoryMigration(t *testing.T) {
	t.Parallel()
	before, after := splitAt(t, "1766200000_programme_history.go")
	dir := t.TempDir()
	app := newApp(t, dir)
	if _, err := core.NewMigrationsRunner(app, before).Up(); err != nil {
		t.Fatal(err)
	}
	rows := []dbx.Params{
		// created 2025-03-10 20:00Z = 2025-03-11 WIB, decree of 2024: from 2024-06-01
		{"id": "oldprogramme0001", "village": "18.01.01.2001", "regency": "18.01", "program": "drppa", "status": "aktif",
			"legal_basis_date": "2024-06-01 00:00:00.000Z", "created": "2025-03-10 20:00:00.000Z", "updated": "2025-03-10 20:00:00.000Z",
			"drppa_assessment": `{"indikator_1": true, "indikator_2": "ya", "3": "tidak", "i4": 1, "5": 30, "6": "12.5%", "7": 80,
				"indikator_8": true, "9": "sudah", "10": false, "catatan": "musdes"}`},
		// no legal basis: the creation day in WIB
		{"id": "oldprogramme0002", "village": "18.01.01.2002", "regency": "18.01", "program": "drppa", "status": "rintisan",
			"created": "2025-03-10 16:59:00.000Z", "updated": "2025-03-12 01:00:00.000Z",
			"drppa_assessment": `{"indikator_1": true, "skor": 4}`},
		// a decree later than the entry does not move the start later
		{"id": "oldprogramme0003", "village": "18.01.01.2001", "regency": "18.01", "program": "patbm", "status": "aktif",
			"legal_basis_date": "2025-09-01 00:00:00.000Z", "created": "2025-03-10 00:00:00.000Z", "updated": "2025-03-10 00:00:00.000Z"},
	}
	for _, r := range rows {
		if _, err := app.DB().Insert("village_programs", r).Execute(); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB().NewQuery(`INSERT INTO sync_changes (collection, record_id, village, regency, seq, deleted, changed_at)
			VALUES ('village_programs', {:id}, {:v}, '18.01', (SELECT value FROM sync_counters WHERE name = 'seq') + 1, 0, '');
			UPDATE sync_counters SET value = value + 1 WHERE name = 'seq'`).Bind(dbx.Params{"id": r["id"], "v": r["village"]}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	var seqBefore int64
	if err := app.DB().NewQuery(`SELECT value FROM sync_counters WHERE name = 'seq'`).Row(&seqBefore); err != nil {
		t.Fatal(err)
	}
	closeApp(t, app)

	app = newApp(t, dir)
	defer closeApp(t, app)
	if _, err := core.NewMigrationsRunner(app, after).Up(); err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID       string  `db:"id"`
		From     string  `db:"valid_from"`
		To       string  `db:"valid_to"`
		Assessed string  `db:"drppa_assessed_on"`
		I1       string  `db:"drppa_women_children_groups"`
		I2       string  `db:"drppa_disaggregated_data"`
		I3       string  `db:"drppa_village_regulation"`
		I4       string  `db:"drppa_village_budget"`
		I5       float64 `db:"drppa_women_representation_pct"`
		I6       float64 `db:"drppa_women_entrepreneurs_pct"`
		I7       float64 `db:"drppa_rights_based_care_pct"`
		I9       string  `db:"drppa_no_child_labour"`
		I10      string  `db:"drppa_no_child_marriage"`
		Legacy   string  `db:"legacy"`
	}
	var got []row
	if err := app.DB().NewQuery(`SELECT id, valid_from, valid_to, drppa_assessed_on, drppa_women_children_groups, drppa_disaggregated_data,
		drppa_village_regulation, drppa_village_budget, drppa_women_representation_pct, drppa_women_entrepreneurs_pct,
		drppa_rights_based_care_pct, drppa_no_child_labour, drppa_no_child_marriage, COALESCE(drppa_assessment, '') AS legacy
		FROM village_programs ORDER BY id`).All(&got); err != nil {
		t.Fatal(err)
	}
	want := []row{
		{ID: "oldprogramme0001", From: "2024-06-01 00:00:00.000Z", Assessed: "2025-03-11 00:00:00.000Z",
			I1: "terpenuhi", I2: "terpenuhi", I3: "belum", I4: "terpenuhi", I5: 30, I6: 12.5, I7: 80, I9: "terpenuhi", I10: "belum",
			Legacy: `{"catatan":"musdes","indikator_8":true}`},
		{ID: "oldprogramme0002", From: "2025-03-10 00:00:00.000Z", Legacy: `{"indikator_1": true, "skor": 4}`},
		{ID: "oldprogramme0003", From: "2025-03-10 00:00:00.000Z"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	var fresh int
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM sync_changes WHERE collection = 'village_programs' AND seq > {:s}`).
		Bind(dbx.Params{"s": seqBefore}).Row(&fresh); err != nil {
		t.Fatal(err)
	}
	if fresh != 3 {
		t.Errorf("%d programmes announced again in the feed, want 3", fresh)
	}
	// A second programme row for the same village and programme, from a later day, is allowed now.
	if _, err := app.DB().Insert("village_programs", dbx.Params{"id": "oldprogramme0004", "village": "18.01.01.2001", "program": "patbm",
		"status": "tidak_aktif", "valid_from": "2026-01-01 00:00:00.000Z"}).Execute(); err != nil {
		t.Errorf("a later period of the same programme: %v", err)
	}
}
