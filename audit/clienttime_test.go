package audit_test

import (
	"strings"
	"testing"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
)

func TestCheckClientTime(t *testing.T) {
	for _, s := range []string{"", "2025-03-10T09:12:00+07:00", "2025-03-10T02:12:00Z", "2025-03-10T02:12:00.123Z",
		"2025-03-10T02:12:00.123456789-05:30", "2025-03-10 02:12:00.000Z", "1970-01-01T00:00:00Z"} {
		if err := audit.CheckClientTime(s); err != nil {
			t.Errorf("%q refused: %v", s, err)
		}
	}
	for _, s := range []string{"kemarin", "2025-03-10", "2025-03-10T09:12:00", "1741572720", " 2025-03-10T09:12:00Z",
		"2025-03-10T09:12:00Z ", "2025-13-10T09:12:00Z", "2025-03-10T09:12:00+25:00", "081234567890",
		"2025-03-10T09:12:00.12345678901234567890Z", strings.Repeat("9", 200_000)} {
		if err := audit.CheckClientTime(s); err == nil || err.Code() != audit.CodeClientTime {
			t.Errorf("%.60q accepted: %v", s, err)
		}
	}
}

// TestWriteKeepsTheFieldLimits: audit rows are inserted with raw SQL, past
// PocketBase's field validation, so Write itself refuses what the
// audit_log fields could not hold.
func TestWriteKeepsTheFieldLimits(t *testing.T) {
	app := tt.New(t)
	count := func() (n int) {
		if err := app.DB().NewQuery("SELECT COUNT(*) FROM audit_log").Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	long := strings.Repeat("x", 101)
	for name, e := range map[string]audit.Entry{
		"client time": {Action: audit.ActionView, Actor: audit.Actor{ClientTime: strings.Repeat("9", 200_000)}},
		"device":      {Action: audit.ActionView, Actor: audit.Actor{DeviceID: long}},
		"superuser":   {Action: audit.ActionView, Actor: audit.Actor{SuperuserID: strings.Repeat("s", 51)}},
		"collection":  {Action: audit.ActionView, Collection: long},
		"record":      {Action: audit.ActionView, RecordID: long},
		"action":      {Action: "rewrite_history"},
		"changes":     {Action: audit.ActionUpdate, Changes: map[string][2]any{"title": {"", strings.Repeat("y", 1<<20)}}},
	} {
		if err := audit.Write(app, e); err == nil {
			t.Errorf("%s: written", name)
		}
	}
	if count() != before {
		t.Error("entries stored")
	}
	// the note is the server's own summary: cut, not refused
	if err := audit.Write(app, audit.Entry{Action: audit.ActionList, Note: strings.Repeat("n", 6000),
		Actor: audit.Actor{ClientTime: "2025-03-10T09:12:00+07:00"}}); err != nil {
		t.Fatal(err)
	}
	var note, ct string
	if err := app.DB().NewQuery("SELECT note, client_time FROM audit_log ORDER BY rowid DESC LIMIT 1").Row(&note, &ct); err != nil {
		t.Fatal(err)
	}
	if len(note) != 5000 || ct != "2025-03-10T09:12:00+07:00" {
		t.Errorf("note of %d characters, client time %q", len(note), ct)
	}
}
