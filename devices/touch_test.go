package devices_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
	"jangkau/txbatch"
)

// Touch updates a known device with one prepared UPDATE and its audit
// entry instead of a PocketBase save: the device row and the audit trail
// must be what the save wrote, step by step (times compared as set, moved
// or kept, since the two runs are not at the same instant).
func TestTouchWritesWhatASaveWrote(t *testing.T) {
	t.Parallel()
	oracle, app := tt.New(t), tt.New(t)
	type side struct {
		app    core.App
		touch  func(core.App, *core.Record, devices.Contact) error
		device string // the device the client id made
		prev   map[string]string
		audits int
	}
	sides := []*side{
		{app: oracle, touch: devices.TouchBySave},
		{app: app, touch: func(a core.App, u *core.Record, c devices.Contact) error {
			// as sync does: in a transaction shared with other requests' writes
			return txbatch.Run(a, func(tx core.App) error { return devices.Touch(tx, u, c) })
		}},
	}
	q := func(n int) *int { return &n }
	steps := []struct {
		name      string
		byDevice  bool // by the device id (an enrolled phone), else by the client id
		moved     bool // the user's area changed
		forget    bool // the last write is over a minute old
		c         devices.Contact
		wantError bool
	}{
		{name: "first contact (created)", c: devices.Contact{ClientID: "hp-touch-1", Pull: true, Cursor: 10, AppVersion: "1.0.0", QueueLength: q(3)}},
		{name: "first push", c: devices.Contact{ClientID: "hp-touch-1", Push: true, QueueLength: q(0)}},
		{name: "pull by device id", byDevice: true, c: devices.Contact{Pull: true, Cursor: 25}},
		{name: "nothing new within a minute", byDevice: true, c: devices.Contact{Pull: true, Cursor: 30}},
		{name: "new app version", byDevice: true, c: devices.Contact{AppVersion: "1.1.0"}},
		{name: "user moved", byDevice: true, moved: true, c: devices.Contact{Push: true}},
		{name: "a minute later, times only", forget: true, c: devices.Contact{ClientID: "hp-touch-1", Pull: true}},
		{name: "a minute later, cursor and queue", forget: true, byDevice: true, c: devices.Contact{Pull: true, Cursor: 99, QueueLength: q(7)}},
		{name: "a phone number as app version", forget: true, byDevice: true, c: devices.Contact{AppVersion: "0812 3456 7890"}, wantError: true},
		{name: "negative queue ignored", forget: true, c: devices.Contact{ClientID: "hp-touch-1", QueueLength: q(-1)}},
	}
	dateRe := regexp.MustCompile(`"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z"`)
	for _, st := range steps {
		var got [2]string
		for i, s := range sides {
			user, err := s.app.FindAuthRecordByEmail(catalog.Users, tt.OfficerA)
			if err != nil {
				t.Fatal(err)
			}
			if st.moved {
				user.Set("area", tt.VillageA2)
			}
			if st.forget {
				devices.ForgetWritten(s.app)
			}
			c := st.c
			if st.byDevice {
				c.DeviceID = s.device
			}
			err = s.touch(s.app, user, c)
			if (err != nil) != st.wantError {
				t.Fatalf("%s, side %d: error %v", st.name, i, err)
			}
			dev, err := s.app.FindFirstRecordByFilter(catalog.Devices, "client_id = 'hp-touch-1'")
			if err != nil {
				t.Fatalf("%s, side %d: %v", st.name, i, err)
			}
			s.device = dev.Id
			if n := count(t, s.app, catalog.Devices, ""); n != 1 {
				t.Fatalf("%s, side %d: %d devices", st.name, i, n)
			}
			// the row: every column, times as set / moved / kept
			row := dbx.NullStringMap{}
			if err := s.app.DB().NewQuery("SELECT * FROM devices WHERE id = {:id}").Bind(dbx.Params{"id": dev.Id}).One(row); err != nil {
				t.Fatal(err)
			}
			cols := map[string]string{}
			for k, v := range row {
				val := v.String
				switch k {
				case "id":
					continue
				case "created", "updated", "last_seen", "last_pull", "last_push":
					switch {
					case val == "":
						val = "(none)"
					case s.prev != nil && s.prev[k] == v.String:
						val = "(kept)"
					default:
						val = "(now)"
					}
				}
				cols[k] = val
			}
			s.prev = map[string]string{}
			for k, v := range row {
				s.prev[k] = v.String
			}
			// the audit entries this step made
			var entries []struct {
				User, Superuser, Device, Action, Collection, Record, Changes, Note string
			}
			if err := s.app.DB().NewQuery("SELECT user, superuser, device, action, target_collection AS collection, record, changes, note FROM audit_log WHERE target_collection = 'devices' ORDER BY rowid").All(&entries); err != nil {
				t.Fatal(err)
			}
			fresh := entries[s.audits:]
			s.audits = len(entries)
			for j := range fresh {
				if fresh[j].Record != dev.Id {
					t.Fatalf("%s: entry of %s", st.name, fresh[j].Record)
				}
				fresh[j].Record = "(the device)"
				fresh[j].Changes = strings.ReplaceAll(dateRe.ReplaceAllString(fresh[j].Changes, `"(date)"`), dev.Id, "(the device)")
				var changes map[string]any // key order as stored may differ
				if err := json.Unmarshal([]byte(fresh[j].Changes), &changes); err != nil {
					t.Fatal(err)
				}
				fresh[j].Changes = fmt.Sprint(changes)
			}
			raw, _ := json.Marshal(map[string]any{"row": cols, "audit": fresh})
			got[i] = string(raw)
		}
		if got[0] != got[1] {
			t.Errorf("%s:\n save:   %s\n touch:  %s", st.name, got[0], got[1])
		}
	}
}

// A contact written in a transaction that is then rolled back is not
// written, though Touch remembers it (Fresh then says it is): a push whose
// shared transaction is rolled back and run again records its contact with
// TouchNow, which does not ask Fresh again.
func TestTouchNowWritesWhatARolledBackTouchLost(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	user, err := app.FindAuthRecordByEmail(catalog.Users, tt.OfficerA)
	if err != nil {
		t.Fatal(err)
	}
	c := devices.Contact{ClientID: "hp-rolled-back", Push: true, AppVersion: "1.0.0"}
	stored := func() int {
		var n int
		if err := app.DB().NewQuery("SELECT COUNT(*) FROM devices WHERE client_id = {:c} AND last_push != ''").Bind(dbx.Params{"c": c.ClientID}).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	lost := fmt.Errorf("rolled back")
	if err := txbatch.Run(app, func(tx core.App) error {
		if err := devices.Touch(tx, user, c); err != nil {
			return err
		}
		return lost
	}); err != lost {
		t.Fatalf("run: %v", err)
	}
	if stored() != 0 || !devices.Fresh(app, user, c) {
		t.Fatalf("after the rollback: %d rows, fresh %v (want 0, true)", stored(), devices.Fresh(app, user, c))
	}
	if err := txbatch.Run(app, func(tx core.App) error { return devices.Touch(tx, user, c) }); err != nil || stored() != 0 {
		t.Fatalf("Touch after the rollback: %v, %d rows (it trusts Fresh: want none)", err, stored())
	}
	if err := txbatch.Run(app, func(tx core.App) error { return devices.TouchNow(tx, user, c) }); err != nil || stored() != 1 {
		t.Fatalf("TouchNow after the rollback: %v, %d rows, want 1", err, stored())
	}
}
