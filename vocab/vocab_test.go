package vocab_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/vocab"
)

const vocabURL = "/api/collections/vocabularies/records"

// entryID returns the record id of kind/code.
func entryID(t *testing.T, app core.App, kind, code string) string {
	t.Helper()
	rec, err := app.FindFirstRecordByFilter(catalog.Vocabularies, "kind = {:k} && code = {:c}", map[string]any{"k": kind, "c": code})
	if err != nil {
		t.Fatalf("%s/%s: %v", kind, code, err)
	}
	return rec.Id
}

// The secretariat adds a topic and retires another in the console's API;
// at once a record may use the new one, a new record may not take the
// retired one, and a record that already carries it keeps it.
func TestSecretariatEditsAndRecordsFollow(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	off := tt.Token(t, srv.App, tt.OfficerA)

	res := srv.Do(t, http.MethodPost, vocabURL, sec, map[string]any{
		"kind": "topics", "code": "judi_online", "label_id": "Judi online", "label_en": "Online gambling", "order": 5, "active": true})
	if res.Status != 200 {
		t.Fatalf("add: %d %s", res.Status, res.Body)
	}
	a := tt.Activity(tt.VillageA)
	a["topics"] = []string{"judi_online", "migrasi_aman"}
	res = srv.Do(t, http.MethodPost, "/api/collections/activities/records", off, a)
	if res.Status != 200 {
		t.Fatalf("activity with the new topic: %d %s", res.Status, res.Body)
	}
	withNew, _ := res.JSON()["id"].(string)

	// A draft stored with modus_tppo, before it is retired.
	old := tt.Activity(tt.VillageA)
	old["topics"] = []string{"modus_tppo", "migrasi_aman"}
	res = srv.Do(t, http.MethodPost, "/api/collections/activities/records", off, old)
	if res.Status != 200 {
		t.Fatalf("draft: %d %s", res.Status, res.Body)
	}
	stored, _ := res.JSON()["id"].(string)

	id := entryID(t, srv.App, "topics", "modus_tppo")
	if res := srv.Do(t, http.MethodPatch, vocabURL+"/"+id, sec, map[string]any{"active": false, "label_id": "Modus TPPO (lama)"}); res.Status != 200 {
		t.Fatalf("retire: %d %s", res.Status, res.Body)
	}
	a = tt.Activity(tt.VillageA)
	a["topics"] = []string{"modus_tppo"}
	res = srv.Do(t, http.MethodPost, "/api/collections/activities/records", off, a)
	if res.Status != 400 || res.FieldError("topics") != vocab.CodeRetired {
		t.Fatalf("new record with a retired topic: %d %s", res.Status, res.Body)
	}
	if !strings.Contains(string(res.Body), "Modus TPPO (lama)") || !strings.Contains(string(res.Body), " / ") {
		t.Errorf("the refusal names the choice in both languages: %s", res.Body)
	}
	a["topics"] = []string{"no_such_topic"}
	if res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", off, a); res.Status != 400 || res.FieldError("topics") != vocab.CodeUnknown {
		t.Fatalf("unknown topic: %d %s", res.Status, res.Body)
	}

	// The stored draft holding the now retired code is edited: it keeps it.
	if res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+stored, off, map[string]any{"title": "Judul baru"}); res.Status != 200 {
		t.Fatalf("edit of a record keeping its retired topic: %d %s", res.Status, res.Body)
	}
	// ... but adding the retired code to another record is a change: refused.
	if res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+withNew, off, map[string]any{"topics": []string{"judi_online", "modus_tppo"}}); res.Status != 400 || res.FieldError("topics") != vocab.CodeRetired {
		t.Fatalf("retired topic set on an edit: %d %s", res.Status, res.Body)
	}

	// The same check in a batch: nothing of the batch is written.
	before := countActivities(t, srv.App)
	ok, bad := tt.Activity(tt.VillageA), tt.Activity(tt.VillageA)
	bad["topics"] = []string{"modus_tppo"}
	res = srv.Do(t, http.MethodPost, "/api/batch", off, map[string]any{"requests": []map[string]any{
		{"method": "POST", "url": "/api/collections/activities/records", "body": ok},
		{"method": "POST", "url": "/api/collections/activities/records", "body": bad},
	}})
	if res.Status != 400 || !strings.Contains(string(res.Body), vocab.CodeRetired) {
		t.Fatalf("batch with a retired topic: %d %s", res.Status, res.Body)
	}
	if n := countActivities(t, srv.App); n != before {
		t.Errorf("the batch wrote %d records", n-before)
	}
}

func countActivities(t *testing.T, app core.App) int {
	t.Helper()
	n, err := app.CountRecords(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// Codes are never changed, deleted nor reused; only the secretariat edits;
// a kind must be one of the vocabularies.
func TestCodesAreNeverChangedOrDeleted(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	id := entryID(t, srv.App, "activity_types", "pelatihan")

	if res := srv.Do(t, http.MethodPatch, vocabURL+"/"+id, sec, map[string]any{"code": "pelatihan_baru"}); res.Status != 400 || res.FieldError("code") != "code_locked" {
		t.Errorf("code change: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodPatch, vocabURL+"/"+id, sec, map[string]any{"kind": "topics"}); res.Status != 400 || res.FieldError("kind") != "code_locked" {
		t.Errorf("kind change: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodDelete, vocabURL+"/"+id, sec, nil); res.Status < 400 {
		t.Errorf("delete: %d %s", res.Status, res.Body)
	}
	su := tt.Token(t, srv.App, tt.SuperuserEmail)
	if res := srv.Do(t, http.MethodDelete, vocabURL+"/"+id, su, nil); res.Status < 400 {
		t.Errorf("delete by a superuser: %d %s", res.Status, res.Body)
	}
	// The same code again in the same list: the unique index refuses it.
	res := srv.Do(t, http.MethodPost, vocabURL, sec, map[string]any{"kind": "activity_types", "code": "pelatihan", "label_id": "X", "label_en": "X", "active": true})
	if res.Status != 400 {
		t.Errorf("code reused: %d %s", res.Status, res.Body)
	}
	res = srv.Do(t, http.MethodPost, vocabURL, sec, map[string]any{"kind": "roles", "code": "boss", "label_id": "X", "label_en": "X", "active": true})
	if res.Status != 400 || res.FieldError("kind") != "unknown_kind" {
		t.Errorf("a list that is not a vocabulary: %d %s", res.Status, res.Body)
	}
	for _, who := range []string{tt.VerifierA, tt.OfficerA, tt.Taskforce} {
		tok := tt.Token(t, srv.App, who)
		if res := srv.Do(t, http.MethodPatch, vocabURL+"/"+id, tok, map[string]any{"label_id": "Diubah"}); res.Status != 404 && res.Status != 403 && res.Status != 400 {
			t.Errorf("%s edits a label: %d %s", who, res.Status, res.Body)
		}
		if res := srv.Do(t, http.MethodGet, vocabURL+"?perPage=500", tok, nil); res.Status != 200 || !strings.Contains(string(res.Body), `"pelatihan"`) {
			t.Errorf("%s reads the vocabularies: %d", who, res.Status)
		}
	}
	if res := srv.Do(t, http.MethodGet, vocabURL, "", nil); res.Status == 200 && strings.Contains(string(res.Body), "pelatihan") {
		t.Errorf("anonymous read: %s", res.Body)
	}
	rec, err := srv.App.FindRecordById(catalog.Vocabularies, id)
	if err != nil || rec.GetString("code") != "pelatihan" || rec.GetString("label_id") != "Pelatihan" {
		t.Errorf("entry changed: %v %v", rec, err)
	}
}

// A later release's built-in codes are added at startup, after the
// secretariat's entries, without undoing its edits.
func TestBuiltinsAddedWithoutOverwritingEdits(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	id := entryID(t, srv.App, "exploitation_types", "organ")
	if res := srv.Do(t, http.MethodPatch, vocabURL+"/"+id, sec, map[string]any{"label_id": "Perdagangan organ", "active": false}); res.Status != 200 {
		t.Fatalf("edit: %d %s", res.Status, res.Body)
	}
	builtins := append(vocab.Builtins(),
		vocab.Builtin{Kind: "exploitation_types", Code: "forced_criminality", LabelID: "Pemaksaan melakukan kejahatan", LabelEN: "Forced criminality"},
		vocab.Builtin{Kind: "case_services", Code: "identifikasi", LabelID: "Pengaduan dan identifikasi", LabelEN: "Complaint and identification"})
	n, err := vocab.EnsureBuiltins(srv.App, builtins)
	if err != nil || n != 2 {
		t.Fatalf("added %d, %v", n, err)
	}
	if n, _ := vocab.EnsureBuiltins(srv.App, builtins); n != 0 {
		t.Errorf("second run added %d", n)
	}
	set, err := vocab.For(srv.App)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := set.Lookup("exploitation_types", "organ")
	if e.LabelID != "Perdagangan organ" || e.Active {
		t.Errorf("the secretariat's edit was overwritten: %+v", e)
	}
	entries := set.Entries("exploitation_types")
	if last := entries[len(entries)-1]; last.Code != "forced_criminality" || !last.Active || last.LabelEN != "Forced criminality" {
		t.Errorf("new built-in not last and active: %+v", last)
	}
}

// A new code of a single and of a multiple choice is accepted by
// PocketBase's own check of select fields too (the choices follow the
// vocabulary), and reports and exports name it with its label.
func TestNewCodeGetsLabelInExports(t *testing.T) {
	srv := tt.NewServer(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	off := tt.Token(t, srv.App, tt.OfficerA)
	for _, e := range []map[string]any{
		{"kind": "activity_types", "code": "lomba", "label_id": "Lomba anak", "label_en": "Children's contest", "order": 95, "active": true},
		{"kind": "target_groups", "code": "ojek", "label_id": "Pengemudi ojek", "label_en": "Motorcycle-taxi drivers", "order": 115, "active": true},
	} {
		if res := srv.Do(t, http.MethodPost, vocabURL, sec, e); res.Status != 200 {
			t.Fatalf("add: %d %s", res.Status, res.Body)
		}
	}
	col, _ := srv.App.FindCachedCollectionByNameOrId(catalog.Activities)
	if f := col.Fields.GetByName("target_groups").(*core.SelectField); f.MaxSelect < len(f.Values) {
		t.Errorf("target_groups accepts %d of %d choices", f.MaxSelect, len(f.Values))
	}
	a := tt.Activity(tt.VillageA)
	a["type"], a["target_groups"], a["status"] = "lomba", []string{"ojek", "umum"}, "draft"
	res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", off, a)
	if res.Status != 200 {
		t.Fatalf("activity with new codes: %d %s", res.Status, res.Body)
	}
	if got := catalog.LabelOf("activity_types", "lomba", "en"); got != "Children's contest" {
		t.Errorf("label of the new code: %q", got)
	}
	id := entryID(t, srv.App, "activity_types", "lomba")
	if res := srv.Do(t, http.MethodPatch, vocabURL+"/"+id, sec, map[string]any{"label_id": "Lomba anak dan remaja"}); res.Status != 200 {
		t.Fatalf("rename: %d", res.Status)
	}
	if got := catalog.LabelOf("activity_types", "lomba", "id"); got != "Lomba anak dan remaja" {
		t.Errorf("label after the rename: %q", got)
	}
	// The report export has a column for the new type, under its label.
	res = srv.Do(t, http.MethodGet, "/api/exports/report_activities.csv?year=2025&lang=id", sec, nil)
	if res.Status != 200 || !strings.Contains(string(res.Body), "Lomba anak dan remaja") {
		t.Errorf("export: %d, no column of the new type: %.300s", res.Status, res.Body)
	}
	found := false
	for _, c := range catalog.CodesOf("activity_types") {
		found = found || c == "lomba"
	}
	if !found {
		t.Errorf("report columns miss the new type: %v", catalog.CodesOf("activity_types"))
	}
}

// A built-in code of this release that the database does not hold yet (an
// upgraded server before it starts serving, a release's fixtures) is valid
// at once, and stored when the server starts.
func TestBuiltinMissingFromTheDatabaseIsValid(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	if _, err := app.DB().NewQuery(`DELETE FROM vocabularies WHERE kind = 'topics' AND code = 'pengasuhan'`).Execute(); err != nil {
		t.Fatal(err)
	}
	vocab.Invalidate(app)
	col, err := app.FindCollectionByNameOrId(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	rec := core.NewRecord(col)
	a := tt.Activity(tt.VillageA)
	a["topics"] = []string{"pengasuhan"}
	rec.Load(a)
	rec.Set("created_by", tt.UserID(tt.OfficerA))
	if errs, err := vocab.Check(app, rec); err != nil || errs != nil {
		t.Fatalf("built-in code refused: %v %v", errs, err)
	}
	srv := tt.Serve(t, app) // serve stores it
	if _, err := srv.App.FindFirstRecordByFilter(catalog.Vocabularies, "kind = 'topics' && code = 'pengasuhan'"); err != nil {
		t.Errorf("not stored at startup: %v", err)
	}
}
