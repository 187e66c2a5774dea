package records_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/records"
)

// CheckDateValue accepts what PocketBase reads as a date and no date, and
// refuses everything PocketBase would silently turn into no date.
func TestCheckDateValue(t *testing.T) {
	date := &core.DateField{Name: "end_date"}
	good := []any{nil, "", "2025-03-10", "2025-03-10 08:00:00.000Z", "2025-03-10 08:00:00Z", "2025-03-10T08:00:00Z",
		"2025-03-10T15:00:00+07:00", "2024-02-29", types.NowDateTime(), time.Now()}
	for _, v := range good {
		if err := records.CheckDateValue(date, v); err != nil {
			t.Errorf("%#v refused: %v", v, err)
		}
	}
	bad := []any{"2025-02-30", "2025-02-29", "besok", "31/12/2025", "2025-13-45", " ", "2025-03-10x", float64(20250310), 20250310,
		true, false, map[string]any{"date": "2025-03-10"}, []any{"2025-03-10"}}
	for _, v := range bad {
		err := records.CheckDateValue(date, v)
		if err == nil {
			t.Errorf("%#v accepted", v)
			continue
		}
		if err.Code() != records.CodeInvalidDate || !strings.Contains(err.Error(), " / ") {
			t.Errorf("%#v: %s %q", v, err.Code(), err.Error())
		}
	}
	// not a date field: not its business
	if err := records.CheckDateValue(&core.TextField{Name: "title"}, "besok"); err != nil {
		t.Errorf("text field: %v", err)
	}
}

// CheckValues names each date field of the data that holds no date, and
// only those (text and counts of the right type pass).
func TestCheckValuesNamesDatesThatAreNone(t *testing.T) {
	app := tt.New(t)
	col, err := app.FindCachedCollectionByNameOrId(catalog.OutreachLogs)
	if err != nil {
		t.Fatal(err)
	}
	errs := records.CheckValues(col, map[string]any{"date": "2025-04-02", "follow_up_date": "2025-13-45", "note": "besok", "male_adult": 3})
	if len(errs) != 1 || errs["follow_up_date"] == nil {
		t.Errorf("errors %v, want follow_up_date only", errs)
	}
	if errs := records.CheckValues(col, map[string]any{"date": "2025-04-02", "follow_up_date": nil}); errs != nil {
		t.Errorf("valid data refused: %v", errs)
	}
}

// A DateOrder compares days; a stored pair out of order is checked only
// when a write changes it.
func TestDateOrderCheck(t *testing.T) {
	app := tt.New(t)
	col, err := app.FindCachedCollectionByNameOrId(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	var order records.DateOrder
	for _, o := range records.DateOrders {
		if o.Collection == catalog.Activities {
			order = o
		}
	}
	cases := []struct {
		start, end string
		refused    bool
	}{
		{"2025-03-10", "2024-01-01", true},
		{"2025-03-10 08:00:00.000Z", "2025-03-09 23:59:59.000Z", true},
		{"2025-03-10 08:00:00.000Z", "2025-03-10", false},
		{"2025-03-10", "2025-03-11", false},
		{"2025-03-10", "", false},
		{"", "2024-01-01", false},
	}
	for _, c := range cases {
		rec := core.NewRecord(col)
		rec.Set("start_date", c.start)
		rec.Set("end_date", c.end)
		errs := order.Check(rec)
		if (errs != nil) != c.refused {
			t.Errorf("%s..%s: %v", c.start, c.end, errs)
		}
		if errs != nil && errs["end_date"] == nil {
			t.Errorf("%s..%s: not on end_date: %v", c.start, c.end, errs)
		}
	}

	// stored out of order: kept while untouched, refused once changed
	stored := core.NewRecord(col)
	stored.Id = "storedOutOfOrder"
	stored.Set("start_date", "2025-03-10")
	stored.Set("end_date", "2024-01-01")
	stored.MarkAsNotNew()
	stored.PostScan()
	if errs := order.Check(stored); errs != nil {
		t.Errorf("untouched stored pair refused: %v", errs)
	}
	stored.Set("end_date", "2024-01-02")
	if errs := order.Check(stored); errs == nil {
		t.Error("changed pair still out of order accepted")
	}
}
