package review_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"

	"jangkau/catalog"
	"jangkau/internal/crashpoint"
	tt "jangkau/internal/testapp"
)

// A decision whose answer was lost (the server killed right after the
// commit) and that the verifier sends again gets the right answer: 200,
// the record as decided, one audit entry and one notice, not 400 "locked"
// (an approval) or "invalid_transition" (a return). A different decision,
// or the same one by someone else, is still refused.
func TestDecisionSentAgainAfterACrash(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	srv := tt.Serve(t, app)
	officer := tt.Token(t, app, tt.OfficerA)
	for _, c := range []struct{ col, id string }{{catalog.Activities, tt.ActivityA}, {catalog.OutreachLogs, tt.OutreachA}} {
		if r := srv.Do(t, http.MethodPatch, "/api/collections/"+c.col+"/records/"+c.id, officer, map[string]any{"status": "submitted"}); r.Status != 200 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
	}
	returned := map[string]any{"status": "returned", "review_note": "Lengkapi daftar hadir"}
	approved := map[string]any{"status": "approved"}
	decisions := []struct {
		col, id, child string
		body           map[string]any
	}{
		{catalog.Activities, tt.ActivityA, "TestDecisionCrashChildReturn", returned},
		{catalog.OutreachLogs, tt.OutreachA, "TestDecisionCrashChildApprove", approved},
	}
	verifier := tt.Token(t, app, tt.VerifierA)
	for _, d := range decisions {
		tt.RunKilled(t, app, d.child, crashpoint.AfterCommit)
		before, err := app.FindRecordById(d.col, d.id)
		if err != nil || before.GetString("status") != d.body["status"] {
			t.Fatalf("%s: the killed decision did not commit: %v", d.id, err)
		}
		r := srv.Do(t, http.MethodPatch, "/api/collections/"+d.col+"/records/"+d.id, verifier, d.body)
		if r.Status != 200 || r.JSON()["status"] != d.body["status"] || r.JSON()["reviewed_at"] != before.GetString("reviewed_at") {
			t.Errorf("%s: the decision sent again: %d %s", d.id, r.Status, r.Body)
		}
		var entries, notices int
		_ = app.DB().NewQuery("SELECT COUNT(*) FROM audit_log WHERE record = {:id} AND action = 'update' AND changes LIKE '%reviewed_by%'").Bind(dbx.Params{"id": d.id}).Row(&entries)
		_ = app.DB().NewQuery("SELECT COUNT(*) FROM notices WHERE record_id = {:id}").Bind(dbx.Params{"id": d.id}).Row(&notices)
		if entries != 1 || notices != 1 {
			t.Errorf("%s: %d audit entries of the decision, %d notices", d.id, entries, notices)
		}
	}
	// what is not the same decision by the same reviewer stays refused
	if r := srv.Do(t, http.MethodPatch, "/api/collections/outreach_logs/records/"+tt.OutreachA, verifier, returned); r.Status != 400 || r.FieldError("status") != "locked" {
		t.Errorf("another decision on an approved record: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, http.MethodPatch, "/api/collections/outreach_logs/records/"+tt.OutreachA, verifier, map[string]any{"status": "approved", "note": "diubah"}); r.Status != 400 {
		t.Errorf("the same decision with a change: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tt.Token(t, app, tt.Secretariat), returned); r.Status == 200 {
		t.Errorf("the same return by another reviewer: %d %s", r.Status, r.Body)
	}
}

func TestDecisionCrashChildReturn(t *testing.T) {
	app, srv := tt.CrashChild(t)
	srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tt.Token(t, app, tt.VerifierA),
		map[string]any{"status": "returned", "review_note": "Lengkapi daftar hadir"})
	t.Fatal("not killed")
}

func TestDecisionCrashChildApprove(t *testing.T) {
	app, srv := tt.CrashChild(t)
	srv.Do(t, http.MethodPatch, "/api/collections/outreach_logs/records/"+tt.OutreachA, tt.Token(t, app, tt.VerifierA), map[string]any{"status": "approved"})
	t.Fatal("not killed")
}
