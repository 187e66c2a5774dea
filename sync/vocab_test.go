package sync_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/vocab"
)

// retireTopic retires a topic through the REST API as the secretariat.
func retireTopic(t *testing.T, srv *tt.Server, code string) {
	t.Helper()
	rec, err := srv.App.FindFirstRecordByFilter(catalog.Vocabularies, "kind = 'topics' && code = {:c}", map[string]any{"c": code})
	if err != nil {
		t.Fatal(err)
	}
	sec := tt.Token(t, srv.App, tt.Secretariat)
	if res := srv.Do(t, http.MethodPatch, "/api/collections/vocabularies/records/"+rec.Id, sec, map[string]any{"active": false}); res.Status != 200 {
		t.Fatalf("retire %s: %d %s", code, res.Status, res.Body)
	}
}

// Phones receive the vocabularies and their changes through the feed on
// all three protocols, read-only.
func TestVocabulariesReachPhonesOnEveryProtocol(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerB)
	_, cursor, _ := pullAll(t, srv, tok, 0)
	first := pull(t, srv, tok, 0, "&collections=vocabularies")
	if n, _ := srv.App.CountRecords(catalog.Vocabularies); len(first.Changes) != int(n) || n < 100 {
		t.Fatalf("first pull sent %d of %d entries", len(first.Changes), n)
	}

	retireTopic(t, srv, "pengasuhan")
	p := pull(t, srv, tok, cursor, "")
	if len(p.Changes) != 1 || p.Changes[0].Collection != catalog.Vocabularies || p.Changes[0].Record["code"] != "pengasuhan" || p.Changes[0].Record["active"] != false {
		t.Fatalf("native pull after the retire: %+v", p.Changes)
	}

	wm := wmPull(t, srv, tok, "0")
	if got := len(wm.Changes[catalog.Vocabularies]["updated"]); got != len(first.Changes) {
		t.Errorf("WatermelonDB first pull: %d entries", got)
	}
	res := srv.Do(t, http.MethodGet, "/api/sync/rxdb/vocabularies/pull?limit=1000", tok, nil)
	var rx struct{ Documents []map[string]any }
	if res.Status != 200 || json.Unmarshal(res.Body, &rx) != nil || len(rx.Documents) != len(first.Changes) {
		t.Errorf("RxDB pull: %d, %d documents", res.Status, len(rx.Documents))
	}

	// Read-only: a push to it is refused, nothing changes.
	a := push(t, srv, tok, "phone-b", upsert("v1", catalog.Vocabularies, "vocabphone00001", map[string]any{
		"kind": "topics", "code": "x_phone", "label_id": "X", "label_en": "X", "active": true}))
	if a.Results[0].Status != "rejected" {
		t.Errorf("push to the vocabularies: %+v", a.Results[0])
	}
}

// A retired code is refused on a new record by the native, WatermelonDB and
// RxDB pushes with the same field and code as REST; a record that already
// holds it keeps it through an edit.
func TestPushesCheckTheVocabularies(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	kept := push(t, srv, tok, "phone-a", upsert("k1", catalog.Activities, "keepsRetired001", newActivity(tt.VillageA, map[string]any{"topics": []string{"pengasuhan"}})))
	if kept.Results[0].Status != "applied" {
		t.Fatalf("draft: %+v", kept.Results[0])
	}
	retireTopic(t, srv, "pengasuhan")

	edit := upsert("n3", catalog.Activities, "keepsRetired001", map[string]any{"title": "Judul baru"})
	edit.BaseVersion = version(kept.Results[0].Version)
	a := push(t, srv, tok, "phone-a",
		upsert("n1", catalog.Activities, "newWithRetired1", newActivity(tt.VillageA, map[string]any{"topics": []string{"pengasuhan"}})),
		upsert("n2", catalog.Activities, "newWithUnknown1", newActivity(tt.VillageA, map[string]any{"topics": []string{"nope"}})),
		edit)
	if r := a.Results[0]; r.Status != "rejected" || r.Errors["topics"].Code != vocab.CodeRetired {
		t.Errorf("native, retired: %+v", r)
	}
	if r := a.Results[1]; r.Status != "rejected" || r.Errors["topics"].Code != vocab.CodeUnknown {
		t.Errorf("native, unknown: %+v", r)
	}
	if r := a.Results[2]; r.Status != "applied" {
		t.Errorf("native, edit keeping the retired code: %+v", r)
	}

	wm := wmPull(t, srv, tok, "0")
	status, ans := wmPush(t, srv, tok, wm.Timestamp, wmChanges(catalog.Activities,
		[]any{wmRecord("wmRetiredTopic1", map[string]any{"topics": `["pengasuhan"]`})}, nil, nil))
	if status != 200 || len(rejectedIDs(ans, catalog.Activities)) != 1 || !strings.Contains(mustJSON(t, ans["rejections"]), vocab.CodeRetired) {
		t.Errorf("WatermelonDB: %d %v", status, ans)
	}

	res := srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push?details=1", tok, []map[string]any{
		{"assumedMasterState": nil, "newDocumentState": rxDoc("rxRetiredTopic1", map[string]any{"topics": []string{"pengasuhan"}})}})
	if res.Status != 200 || !strings.Contains(string(res.Body), vocab.CodeRetired) {
		t.Errorf("RxDB: %d %s", res.Status, res.Body)
	}
	for _, id := range []string{"newWithRetired1", "newWithUnknown1", "wmRetiredTopic1", "rxRetiredTopic1"} {
		if _, err := srv.App.FindRecordById(catalog.Activities, id); err == nil {
			t.Errorf("%s was written", id)
		}
	}
}
