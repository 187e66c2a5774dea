package sync_test

// Protocol fixes found by running the real WatermelonDB and RxDB libraries
// against the server (tests/clients). Each test pins what the library does
// and what the server must answer.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

type watermelonPull struct {
	Changes   map[string]map[string][]json.RawMessage `json:"changes"`
	Timestamp int64                                   `json:"timestamp"`
}

func wmPull(t *testing.T, srv *tt.Server, tok string, lastPulled string) watermelonPull {
	t.Helper()
	res := srv.Do(t, http.MethodGet, "/api/sync/watermelon?schema_version=1&last_pulled_at="+lastPulled, tok, nil)
	if res.Status != 200 {
		t.Fatalf("watermelon pull: %d %s", res.Status, res.Body)
	}
	var p watermelonPull
	if err := json.Unmarshal(res.Body, &p); err != nil {
		t.Fatalf("%v: %s", err, res.Body)
	}
	return p
}

func wmPush(t *testing.T, srv *tt.Server, tok string, lastPulled int64, body map[string]any) (int, map[string]any) {
	t.Helper()
	res := srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", lastPulled), tok, body)
	return res.Status, res.JSON()
}

// wmChanges builds a WatermelonDB push as synchronize() sends it: one entry
// for every table of the phone's schema, the read-only ones included.
func wmChanges(table string, created, updated []any, deleted []string) map[string]any {
	body := map[string]any{}
	for _, name := range sync.Collections {
		body[name] = map[string]any{"created": []any{}, "updated": []any{}, "deleted": []string{}}
	}
	if created == nil {
		created = []any{}
	}
	if updated == nil {
		updated = []any{}
	}
	if deleted == nil {
		deleted = []string{}
	}
	body[table] = map[string]any{"created": created, "updated": updated, "deleted": deleted}
	return body
}

// wmRecord is an activity as a WatermelonDB phone pushes it: lists as JSON
// strings, plus the client's bookkeeping.
func wmRecord(id string, extra map[string]any) map[string]any {
	rec := newActivity(tt.VillageA, map[string]any{"id": id, "topics": `["migrasi_aman"]`, "target_groups": `["calon_pmi"]`, "_status": "created", "_changed": ""})
	for k, v := range extra {
		rec[k] = v
	}
	return rec
}

func rejectedIDs(ans map[string]any, table string) []any {
	ids, _ := ans["experimentalRejectedIds"].(map[string]any)
	list, _ := ids[table].([]any)
	return list
}

// synchronize() lists every table of the schema in a push, empty ones too:
// read-only tables must not fail the push; a record pushed to one is
// refused on its own.
func TestWatermelonPushWithReadOnlyTables(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	last := currentSeq(t, srv)
	status, ans := wmPush(t, srv, tok, last, wmChanges(catalog.Activities, []any{wmRecord("wmWithEmptyRef01", nil)}, nil, nil))
	if status != 200 {
		t.Fatalf("push with empty read-only tables: %d %v", status, ans)
	}
	if _, err := srv.App.FindRecordById(catalog.Activities, "wmWithEmptyRef01"); err != nil {
		t.Fatal("record not written")
	}

	last = currentSeq(t, srv)
	body := wmChanges(catalog.Activities, []any{wmRecord("wmBesideAnArea01", nil)}, nil, nil)
	body[catalog.Areas] = map[string]any{"created": []any{}, "updated": []any{map[string]any{"id": tt.VillageA, "name": "Diubah di ponsel"}}, "deleted": []string{}}
	status, ans = wmPush(t, srv, tok, last, body)
	if status != 200 {
		t.Fatalf("push with an area edit: %d %v", status, ans)
	}
	if got := rejectedIDs(ans, catalog.Areas); len(got) != 1 || got[0] != tt.VillageA {
		t.Errorf("area edit not rejected: %v", ans)
	}
	area, _ := srv.App.FindRecordById(catalog.Areas, tt.VillageA)
	if area.GetString("name") == "Diubah di ponsel" {
		t.Error("a phone changed an area")
	}
	if _, err := srv.App.FindRecordById(catalog.Activities, "wmBesideAnArea01"); err != nil {
		t.Error("the other record of the push was held up")
	}
	// a table that is not synced at all is still a bad request
	if status, _ := wmPush(t, srv, tok, last, map[string]any{"users": map[string]any{"created": []any{}, "updated": []any{}, "deleted": []any{}}}); status != 400 {
		t.Errorf("unknown table: %d", status)
	}
}

// The feed cannot tell whether a phone has a record (its own pushes come back
// in its next pull), so every record travels in "updated" and clients pass
// sendCreatedAsUpdated: true; "created" on a first pull makes that setting
// complain.
func TestWatermelonPullSendsEveryRecordAsUpdated(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	first := wmPull(t, srv, tok, "null")
	for table, ch := range first.Changes {
		if len(ch["created"]) != 0 {
			t.Errorf("%s: %d records in created", table, len(ch["created"]))
		}
	}
	if len(first.Changes[catalog.Activities]["updated"]) != 1 || len(first.Changes[catalog.Areas]["updated"]) == 0 {
		t.Errorf("first pull: %d activities, %d areas", len(first.Changes[catalog.Activities]["updated"]), len(first.Changes[catalog.Areas]["updated"]))
	}
	push(t, srv, tok, "p", upsert("m", catalog.Activities, "wmNewOnServer001", newActivity(tt.VillageA, nil)))
	next := wmPull(t, srv, tok, fmt.Sprint(first.Timestamp))
	if len(next.Changes[catalog.Activities]["created"]) != 0 || len(next.Changes[catalog.Activities]["updated"]) != 1 {
		t.Errorf("incremental pull: %v", next.Changes[catalog.Activities])
	}
}

// A push whose answer was lost is sent again with the same last_pulled_at:
// its records changed on the server since then, but only by the push itself.
// Identical content is no conflict and writes nothing; different content
// still is one.
func TestWatermelonRetriedPushIsNoConflict(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	last := wmPull(t, srv, tok, "null").Timestamp
	body := wmChanges(catalog.Activities, []any{wmRecord("wmSentTwice00001", nil)},
		[]any{map[string]any{"id": tt.ActivityA, "venue": "Aula desa", "_status": "updated", "_changed": "venue"}}, nil)
	if status, ans := wmPush(t, srv, tok, last, body); status != 200 {
		t.Fatalf("first push: %d %v", status, ans)
	}
	after := currentSeq(t, srv)
	if n := changesSince(t, srv, last); n != 2 {
		t.Fatalf("first push wrote %d changes", n)
	}
	if status, ans := wmPush(t, srv, tok, last, body); status != 200 {
		t.Fatalf("retried push: %d %v", status, ans)
	}
	if currentSeq(t, srv) != after {
		t.Error("the retried push wrote")
	}
	// another edit of the same record, based on the old pull: a conflict
	other := wmChanges(catalog.Activities, nil, []any{map[string]any{"id": tt.ActivityA, "venue": "Masjid", "_status": "updated", "_changed": "venue"}}, nil)
	if status, _ := wmPush(t, srv, tok, last, other); status != 409 {
		t.Errorf("stale different edit: %d, want 409", status)
	}
}

// WatermelonDB's backend rules: an update of a record the server deleted
// since the phone's last pull is refused (the pull brings the delete), never
// silently re-created; an update of a record the server never had is created.
func TestWatermelonUpdateOfARecordDeletedSinceTheLastPull(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	last := wmPull(t, srv, tok, "null").Timestamp
	if res := srv.Do(t, http.MethodDelete, "/api/collections/activities/records/"+tt.ActivityA, tok, nil); res.Status != 204 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	edit := wmChanges(catalog.Activities, nil, []any{wmRecord(tt.ActivityA, map[string]any{"venue": "Diubah", "_status": "updated", "_changed": "venue"})}, nil)
	status, ans := wmPush(t, srv, tok, last, edit)
	if status != 409 {
		t.Fatalf("edit of a deleted record: %d %v, want 409", status, ans)
	}
	if _, err := srv.App.FindRecordById(catalog.Activities, tt.ActivityA); err == nil {
		t.Fatal("the deleted record came back")
	}
	// after the pull (which carries the delete), nothing is re-created either
	// way: an update the phone still sends is the rule's "create it" case
	next := wmPull(t, srv, tok, fmt.Sprint(last))
	var deleted []string
	for _, raw := range next.Changes[catalog.Activities]["deleted"] {
		var id string
		_ = json.Unmarshal(raw, &id)
		deleted = append(deleted, id)
	}
	if len(deleted) != 1 || deleted[0] != tt.ActivityA {
		t.Errorf("pull after the delete: %v", deleted)
	}
	fresh := wmChanges(catalog.Activities, nil, []any{wmRecord("wmNeverOnServer1", map[string]any{"_status": "updated"})}, nil)
	if status, ans := wmPush(t, srv, tok, next.Timestamp, fresh); status != 200 {
		t.Errorf("update of an unknown record: %d %v", status, ans)
	}
}

func rxPush(t *testing.T, srv *tt.Server, tok string, rows ...map[string]any) []map[string]any {
	t.Helper()
	res := srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push", tok, rows)
	if res.Status != 200 {
		t.Fatalf("rxdb push: %d %s", res.Status, res.Body)
	}
	var conflicts []map[string]any
	if err := json.Unmarshal(res.Body, &conflicts); err != nil {
		t.Fatalf("%v: %s", err, res.Body)
	}
	return conflicts
}

func rxDoc(id string, extra map[string]any) map[string]any {
	d := newActivity(tt.VillageA, map[string]any{"id": id, "_deleted": false})
	for k, v := range extra {
		d[k] = v
	}
	return d
}

// After a successful push RxDB takes the document it pushed as the master
// state: it lacks the version (and server fields) the server gave it. The
// next push assumes that state; it is the server's content, so no conflict.
// An assumed state whose content the server no longer holds still is one.
func TestRxPushAssumingItsOwnLastPushIsNoConflict(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	first := rxDoc("rxOwnPushes00001", nil)
	if c := rxPush(t, srv, tok, map[string]any{"newDocumentState": first}); len(c) != 0 {
		t.Fatalf("create: %v", c)
	}
	second := rxDoc("rxOwnPushes00001", map[string]any{"venue": "Kedua"})
	if c := rxPush(t, srv, tok, map[string]any{"assumedMasterState": first, "newDocumentState": second}); len(c) != 0 {
		t.Fatalf("second edit assuming the first push: conflicts %v", c)
	}
	third := rxDoc("rxOwnPushes00001", map[string]any{"venue": "Ketiga"})
	if c := rxPush(t, srv, tok, map[string]any{"assumedMasterState": second, "newDocumentState": third}); len(c) != 0 {
		t.Fatalf("third edit assuming the second push: conflicts %v", c)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, "rxOwnPushes00001")
	if rec.GetString("venue") != "Ketiga" {
		t.Errorf("venue %q", rec.GetString("venue"))
	}
	// another phone still assuming the first state is in conflict
	stale := rxDoc("rxOwnPushes00001", map[string]any{"title": "Dari ponsel lain"})
	c := rxPush(t, srv, tt.Token(t, srv.App, tt.OfficerA), map[string]any{"assumedMasterState": first, "newDocumentState": stale})
	if len(c) != 1 || c[0]["venue"] != "Ketiga" {
		t.Fatalf("stale assumed state: %v", c)
	}
	rec, _ = srv.App.FindRecordById(catalog.Activities, "rxOwnPushes00001")
	if rec.GetString("title") == "Dari ponsel lain" {
		t.Error("a conflicting push was written")
	}
}

// A phone edits a document the server has deleted since: RxDB's rule makes
// it a conflict whose master state is the delete, never a re-creation. A new
// document (no assumed state) is created as before.
func TestRxPushEditOfADeletedDocumentGetsTheDelete(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	doc := rxDoc("rxDeletedThen001", nil)
	rxPush(t, srv, tok, map[string]any{"newDocumentState": doc})
	if res := srv.Do(t, http.MethodDelete, "/api/collections/activities/records/rxDeletedThen001", tok, nil); res.Status != 204 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	before := currentSeq(t, srv)
	c := rxPush(t, srv, tok, map[string]any{"assumedMasterState": doc, "newDocumentState": rxDoc("rxDeletedThen001", map[string]any{"venue": "Diubah"})})
	if len(c) != 1 || c[0]["id"] != "rxDeletedThen001" || c[0]["_deleted"] != true {
		t.Fatalf("edit of a deleted document: %v", c)
	}
	if _, err := srv.App.FindRecordById(catalog.Activities, "rxDeletedThen001"); err == nil {
		t.Fatal("the deleted document came back")
	}
	if currentSeq(t, srv) != before {
		t.Error("the refused push wrote")
	}
	// a delete of the deleted document agrees with the server
	gone := rxDoc("rxDeletedThen001", map[string]any{"_deleted": true})
	if c := rxPush(t, srv, tok, map[string]any{"assumedMasterState": doc, "newDocumentState": gone}); len(c) != 0 {
		t.Errorf("delete of a deleted document: %v", c)
	}
	if c := rxPush(t, srv, tok, map[string]any{"newDocumentState": rxDoc("rxBrandNew000001", nil)}); len(c) != 0 {
		t.Errorf("new document: %v", c)
	}
}
