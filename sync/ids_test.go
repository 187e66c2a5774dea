package sync_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/privacy"
	"jangkau/sync"
)

// badIDs match the sync id pattern (15-36 of A-Z a-z 0-9 _ -) and carry
// what the privacy guard refuses, with its code.
var badIDs = []struct{ id, code string }{
	{"hp081234567890x", privacy.CodePhone},
	{"nik1801234567890001", privacy.CodeNIK},
	{"hp-0062-812-3456-7890", privacy.CodePhone},
	{"korban-O8l2-3456-7890", privacy.CodePhone},
	{"paspor_C1234567_korban", privacy.CodePassport},
}

// idRefusal checks one rejected mutation's field error: the guard's code
// and a bilingual message naming the field.
func idRefusal(t *testing.T, what string, errs map[string]sync.FieldError, field, code string) {
	t.Helper()
	fe := errs[field]
	if fe.Code != code || !strings.HasPrefix(fe.Message, field+" tidak boleh") || !strings.Contains(fe.Message, " / "+field+" must not") {
		t.Errorf("%s: %s: %+v (all: %+v)", what, field, fe, errs)
	}
}

// A record id a client chooses is stored, synced to every phone of the
// village and written to the audit trail: on each of the three sync pushes
// an id that carries a NIK, a phone number or a passport number is
// rejected on its own (the other mutations of the push are applied), with
// the guard's code and a bilingual message naming the id, on create,
// update and delete alike, and nothing of it is written.
func TestRecordIDsAreGuardedOnEverySyncPush(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	n := 0
	goodID := func() string { n++; return fmt.Sprintf("idGuardGood%05d", n) }
	for _, bad := range badIDs {
		// native: upsert and delete, beside a good create
		good := goodID()
		a := push(t, srv, tok, "install-ids",
			sync.Mutation{MutationID: "m-up-" + bad.id, Collection: catalog.Activities, ID: bad.id, Op: "upsert", Data: tt.Activity(tt.VillageA)},
			sync.Mutation{MutationID: "m-del-" + bad.id, Collection: catalog.Activities, ID: bad.id, Op: "delete"},
			sync.Mutation{MutationID: "m-" + good, Collection: catalog.Activities, ID: good, Op: "upsert", Data: tt.Activity(tt.VillageA)})
		for i, r := range a.Results[:2] {
			what := fmt.Sprintf("native %d %q", i, bad.id)
			if r.Status != sync.StatusRejected || r.Reason != sync.ReasonInvalid {
				t.Errorf("%s: %+v", what, r)
			}
			// the mutation id holds the record id, so it is refused as well
			idRefusal(t, what, r.Errors, "id", bad.code)
			idRefusal(t, what, r.Errors, "mutationId", bad.code)
		}
		if r := a.Results[2]; r.Status != sync.StatusApplied {
			t.Errorf("native: the good create beside %q: %+v", bad.id, r)
		}
		if err := srv.App.Delete(mustFind(t, srv.App, good)); err != nil {
			t.Fatal(err)
		}
		assertAbsent(t, srv, "native", bad.id)

		// WatermelonDB: created, updated and deleted
		good = goodID()
		res := srv.Do(t, http.MethodPost, "/api/sync/watermelon?last_pulled_at=0", tok,
			wmChanges(catalog.Activities, []any{wmRecord(bad.id, nil), wmRecord(good, nil)}, []any{wmRecord(bad.id, nil)}, []string{bad.id}))
		if res.Status != http.StatusOK {
			t.Fatalf("watermelon %q: %d %s", bad.id, res.Status, res.Body)
		}
		var wm struct {
			Rejected   map[string][]string               `json:"experimentalRejectedIds"`
			Rejections map[string]map[string]sync.Result `json:"rejections"`
		}
		decode(t, res, &wm)
		if ids := wm.Rejected[catalog.Activities]; len(ids) != 3 || ids[0] != bad.id || ids[1] != bad.id || ids[2] != bad.id {
			t.Errorf("watermelon %q: rejected %v", bad.id, wm.Rejected)
		}
		idRefusal(t, "watermelon "+bad.id, wm.Rejections[catalog.Activities][bad.id].Errors, "id", bad.code)
		if err := srv.App.Delete(mustFind(t, srv.App, good)); err != nil {
			t.Fatalf("watermelon: the good create beside %q: %v", bad.id, err)
		}
		assertAbsent(t, srv, "watermelon", bad.id)

		// RxDB: a new document, an edit of one the phone saw, a delete
		good = goodID()
		res = srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push?details=1", tok, []map[string]any{
			{"newDocumentState": rxDoc(bad.id, nil)},
			{"newDocumentState": rxDoc(bad.id, map[string]any{"title": "diubah"}), "assumedMasterState": rxDoc(bad.id, nil)},
			{"newDocumentState": rxDoc(bad.id, map[string]any{"_deleted": true}), "assumedMasterState": rxDoc(bad.id, nil)},
			{"newDocumentState": rxDoc(good, nil)},
		})
		if res.Status != http.StatusOK {
			t.Fatalf("rxdb %q: %d %s", bad.id, res.Status, res.Body)
		}
		var rx struct {
			Conflicts []map[string]any `json:"conflicts"`
			Rejected  []sync.Result    `json:"rejected"`
		}
		decode(t, res, &rx)
		if len(rx.Rejected) != 3 || len(rx.Conflicts) != 0 {
			t.Errorf("rxdb %q: %s", bad.id, res.Body)
		}
		for i, r := range rx.Rejected {
			idRefusal(t, fmt.Sprintf("rxdb %d %q", i, bad.id), r.Errors, "id", bad.code)
		}
		if err := srv.App.Delete(mustFind(t, srv.App, good)); err != nil {
			t.Fatalf("rxdb: the good create beside %q: %v", bad.id, err)
		}
		assertAbsent(t, srv, "rxdb", bad.id)
	}
}

// decode reads an answer's body into v.
func decode(t *testing.T, res tt.Response, v any) {
	t.Helper()
	if err := json.Unmarshal(res.Body, v); err != nil {
		t.Fatalf("%v: %s", err, res.Body)
	}
}

// mustFind returns the activity with id.
func mustFind(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	rec, err := app.FindRecordById(catalog.Activities, id)
	if err != nil {
		t.Fatalf("activity %s: %v", id, err)
	}
	return rec
}

// assertAbsent looks for a refused id in every table it could land in:
// the records, the feed, the remembered mutations, the audit trail.
func assertAbsent(t *testing.T, srv *tt.Server, what, id string) {
	t.Helper()
	for _, q := range []string{
		"SELECT COUNT(*) FROM activities WHERE id = {:id}",
		"SELECT COUNT(*) FROM sync_changes WHERE record_id = {:id}",
		"SELECT COUNT(*) FROM sync_mutations WHERE instr(mutation_id, {:id}) > 0 OR instr(result, {:id}) > 0",
		"SELECT COUNT(*) FROM audit_log WHERE instr(record, {:id}) > 0 OR instr(note, {:id}) > 0",
	} {
		var n int
		if err := srv.App.DB().NewQuery(q).Bind(dbx.Params{"id": id}).Row(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %q written: %s", what, id, q)
		}
	}
}

// What else of a native push the server keeps (sync_mutations: the
// mutation id and the result, which names the collection and the fields):
// a mutation id or a collection carrying an identifier is rejected on its
// own and not remembered (a retry is rejected the same way, not replayed);
// an unknown field whose name carries one is refused without repeating the
// name; a message that repeats a value the phone sent (an unknown
// vocabulary code) is stored with it masked.
func TestMutationKeysAreGuarded(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	const good = "mutKeysGood0001"
	data := tt.Activity(tt.VillageA)
	withKey := tt.Activity(tt.VillageA)
	withKey["081234567890"] = "x"
	withCode := tt.Activity(tt.VillageA)
	withCode["type"] = "hp081234567890"
	muts := []sync.Mutation{
		{MutationID: "m-hp-0812-3456-7890", Collection: catalog.Activities, ID: "mutKeysBad00001", Op: "upsert", Data: data},
		{MutationID: "m-collection", Collection: "nik1801234567890001", ID: "mutKeysBad00002", Op: "upsert", Data: data},
		{MutationID: "m-field-name", Collection: catalog.Activities, ID: "mutKeysBad00003", Op: "upsert", Data: withKey},
		{MutationID: "m-vocab-code", Collection: catalog.Activities, ID: "mutKeysBad00004", Op: "upsert", Data: withCode},
		{MutationID: "m-good", Collection: catalog.Activities, ID: good, Op: "upsert", Data: data},
	}
	for round := range 2 {
		a := push(t, srv, tok, "install-keys", muts...)
		what := func(i int) string { return fmt.Sprintf("round %d, %s", round, muts[i].MutationID) }
		r := a.Results
		if r[0].Status != sync.StatusRejected || r[0].Replayed {
			t.Errorf("%s: %+v", what(0), r[0])
		}
		idRefusal(t, what(0), r[0].Errors, "mutationId", privacy.CodePhone)
		if r[1].Status != sync.StatusRejected || r[1].Replayed {
			t.Errorf("%s: %+v", what(1), r[1])
		}
		idRefusal(t, what(1), r[1].Errors, "collection", privacy.CodeNIK)
		if fe := r[2].Errors["data"]; r[2].Status != sync.StatusRejected || fe.Code != privacy.CodePhone || strings.Contains(fmt.Sprint(r[2].Errors), "0812") {
			t.Errorf("%s: %+v", what(2), r[2])
		}
		if fe := r[3].Errors["type"]; r[3].Status != sync.StatusRejected || fe.Code != "unknown_code" || r[3].Replayed != (round == 1) {
			t.Errorf("%s: %+v", what(3), r[3])
		}
		if r[4].Status != sync.StatusApplied || r[4].Replayed != (round == 1) {
			t.Errorf("%s: %+v", what(4), r[4])
		}
	}
	var mids []string
	if err := srv.App.DB().NewQuery("SELECT mutation_id FROM sync_mutations ORDER BY mutation_id").Column(&mids); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(mids) != "[m-field-name m-good m-vocab-code]" {
		t.Errorf("remembered: %v", mids)
	}
	var leaked int
	if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM sync_mutations WHERE instr(result, '0812') > 0 OR instr(result, '1801234567890001') > 0").Row(&leaked); err != nil || leaked != 0 {
		t.Errorf("a remembered result holds the identifier: %d %v", leaked, err)
	}
}

// A record stored under such an id before the guard existed (written here
// past the request hooks, which alone check ids): sync can neither change
// nor delete it, and answering does not write its id into the append-only
// audit trail (RxDB would otherwise be shown the server's record, with a
// view entry).
func TestRecordUnderARefusedIDStoredEarlier(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	const old = "hp081234567890x"
	col, err := srv.App.FindCollectionByNameOrId(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	rec := core.NewRecord(col)
	rec.Id = old
	for k, v := range tt.Activity(tt.VillageA) {
		rec.Set(k, v)
	}
	rec.Set("created_by", tt.UserID(tt.OfficerA))
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	entries := func() int {
		var n int
		if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM audit_log WHERE record = {:id}").Bind(dbx.Params{"id": old}).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := entries()
	res := srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push?details=1", tok, []map[string]any{
		{"newDocumentState": rxDoc(old, map[string]any{"title": "diubah"}), "assumedMasterState": rxDoc(old, nil)},
	})
	var rx struct {
		Conflicts []map[string]any `json:"conflicts"`
		Rejected  []sync.Result    `json:"rejected"`
	}
	decode(t, res, &rx)
	if len(rx.Rejected) != 1 || len(rx.Conflicts) != 0 {
		t.Errorf("rxdb: %s", res.Body)
	}
	a := push(t, srv, tok, "install-old", sync.Mutation{MutationID: "m-del-old", Collection: catalog.Activities, ID: old, Op: "delete"})
	if r := a.Results[0]; r.Status != sync.StatusRejected || r.Errors["id"].Code != privacy.CodePhone {
		t.Errorf("native delete: %+v", r)
	}
	if n := entries(); n != before {
		t.Errorf("%d audit entries written under the refused id", n-before)
	}
	if stored, err := srv.App.FindRecordById(catalog.Activities, old); err != nil || stored.GetString("title") == "diubah" {
		t.Errorf("the record changed or went: %v", err)
	}
}
