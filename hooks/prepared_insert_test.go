package hooks_test

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/txbatch"
)

// storedRow reads a record's row as stored, every column, with the id,
// timestamps and the values that are the id itself left out.
func storedRow(t *testing.T, app core.App, table, id string) map[string]any {
	t.Helper()
	row := dbx.NullStringMap{}
	if err := app.DB().NewQuery(`SELECT * FROM ` + table + ` WHERE id = {:id}`).Bind(dbx.Params{"id": id}).One(row); err != nil {
		t.Fatalf("%s %s: %v", table, id, err)
	}
	out := map[string]any{}
	for k, v := range row {
		if k == "id" || k == "created" || k == "updated" {
			continue
		}
		out[k] = v.String
	}
	return out
}

// A record saved inside a batch transaction (a sync push) is inserted
// through the batch's prepared statement (txbatch.BindPreparedInsert), in
// place of PocketBase's own last step of a create. Both must store the
// same row, the same feed row and the same audit entry: this pins what
// that step does, so a PocketBase upgrade that changes it fails here.
func TestPreparedInsertStoresWhatPocketBaseStores(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	col, err := app.FindCollectionByNameOrId(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	user, err := app.FindAuthRecordByEmail("users", tt.OfficerA)
	if err != nil {
		t.Fatal(err)
	}
	build := func(id string) *core.Record {
		rec := core.NewRecord(col)
		rec.Id = id
		for k, v := range tt.Activity(tt.VillageA) {
			rec.Set(k, v)
		}
		rec.Set("created_by", user.Id)
		rec.Set("client_created_at", "2025-03-10 09:12:00.000Z")
		audit.SetActor(rec, audit.Actor{UserID: user.Id})
		return rec
	}
	plain, batched := build("plaininsert0001"), build("batchinsert0001")
	if err := app.Save(plain); err != nil {
		t.Fatal(err)
	}
	used := false
	err = txbatch.Run(app, func(tx core.App) error {
		used = true
		return tx.Save(batched)
	})
	if err != nil || !used {
		t.Fatal(err)
	}
	if batched.IsNew() {
		t.Error("the batched record is still marked new after its insert")
	}
	a, b := storedRow(t, app, catalog.Activities, plain.Id), storedRow(t, app, catalog.Activities, batched.Id)
	if len(a) < 20 {
		t.Fatalf("only %d columns read", len(a))
	}
	for k, v := range a {
		if b[k] != v {
			t.Errorf("column %s: PocketBase stored %q, the prepared insert %q", k, v, b[k])
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			t.Errorf("column %s only in the prepared insert's row", k)
		}
	}
	var feed []struct {
		Village, Regency string
		Deleted          bool
	}
	if err := app.DB().NewQuery(`SELECT village, regency, deleted FROM sync_changes WHERE collection = 'activities' AND record_id IN ({:a}, {:b})`).
		Bind(dbx.Params{"a": plain.Id, "b": batched.Id}).All(&feed); err != nil || len(feed) != 2 || feed[0] != feed[1] {
		t.Errorf("feed rows differ: %+v %v", feed, err)
	}
	var changes []string
	if err := app.DB().NewQuery(`SELECT changes FROM audit_log WHERE action = 'create' AND record IN ({:a}, {:b})`).
		Bind(dbx.Params{"a": plain.Id, "b": batched.Id}).Column(&changes); err != nil || len(changes) != 2 ||
		strings.ReplaceAll(changes[0], plain.Id, batched.Id) != strings.ReplaceAll(changes[1], plain.Id, batched.Id) {
		t.Errorf("audit entries differ: %v %v", changes, err)
	}
}

// The shortcuts that rely on PocketBase internals were checked against
// this version: an upgrade must run the tests above (and the pins of the
// request-log key) before this one is moved.
func TestPocketBaseVersionIsTheOnePinned(t *testing.T) {
	t.Parallel()
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build information in this test binary: the PocketBase pin cannot be checked")
	}
	for _, m := range info.Deps {
		if m.Path == "github.com/pocketbase/pocketbase" {
			if !strings.HasPrefix(m.Version, "v0.40.") {
				t.Fatalf("PocketBase %s: re-check txbatch.BindPreparedInsert, the request-log key and the auth cache against it, then move this pin", m.Version)
			}
			return
		}
	}
	t.Fatal("PocketBase is not a dependency of this binary")
}
