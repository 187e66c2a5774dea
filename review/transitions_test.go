package review_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

// The transition table: every role x every from/to status x every write
// path, against the policy below, with the lock and the audit trail checked
// on each case. An allowed transition runs on a fresh copy of the fixtures.
// A refused one must change nothing, so the refused cases of one path and
// starting status share one copy: the status is set to the starting one
// before each case, and a refusal that wrongly succeeds fails its own case
// (status changed, or an audit entry written).

var actors = []string{tt.OfficerA, tt.OfficerA2, tt.VerifierA, tt.VerifierB, tt.Secretariat, tt.Taskforce, tt.SuperuserEmail}

// allowed is the policy, written out.
func allowed(actor, from, to string) bool {
	switch actor {
	case tt.SuperuserEmail:
		return true
	case tt.OfficerA:
		return (from == catalog.StatusDraft && to == catalog.StatusSubmitted) ||
			(from == catalog.StatusReturned && (to == catalog.StatusSubmitted || to == catalog.StatusDraft))
	case tt.VerifierA:
		return from == catalog.StatusSubmitted && (to == catalog.StatusApproved || to == catalog.StatusReturned)
	case tt.Secretariat:
		return from == catalog.StatusApproved && to == catalog.StatusReturned
	}
	return false
}

type path struct {
	name  string
	write func(t *testing.T, srv *tt.Server, token, to, note string) int // returns HTTP status
}

var paths = []path{
	{"rest", func(t *testing.T, srv *tt.Server, token, to, note string) int {
		return srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, token, map[string]any{"status": to, "review_note": note}).Status
	}},
	{"batch", func(t *testing.T, srv *tt.Server, token, to, note string) int {
		return srv.Do(t, http.MethodPost, "/api/batch", token, map[string]any{"requests": []any{map[string]any{
			"method": "PATCH", "url": "/api/collections/activities/records/" + tt.ActivityA, "body": map[string]any{"status": to, "review_note": note}}}}).Status
	}},
	{"native-sync", func(t *testing.T, srv *tt.Server, token, to, note string) int {
		v, _ := sync.VersionOf(srv.App, catalog.Activities, tt.ActivityA)
		// one mutation id per target status: a copy shared by refused
		// cases must not answer a later case from its replay log
		return srv.Do(t, http.MethodPost, "/api/sync/push", token, map[string]any{"clientId": "t", "mutations": []any{map[string]any{
			"mutationId": "m-" + to, "collection": "activities", "id": tt.ActivityA, "op": "upsert", "baseVersion": v,
			"data": map[string]any{"status": to, "review_note": note}}}}).Status
	}},
	{"watermelon", func(t *testing.T, srv *tt.Server, token, to, note string) int {
		seq, _ := sync.CurrentSeq(srv.App)
		return srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", seq), token, map[string]any{
			"activities": map[string]any{"created": []any{}, "deleted": []any{}, "updated": []any{map[string]any{
				"id": tt.ActivityA, "status": to, "review_note": note, "_status": "updated", "_changed": "status,review_note"}}}}).Status
	}},
	{"rxdb", func(t *testing.T, srv *tt.Server, token, to, note string) int {
		col, _ := srv.App.FindCollectionByNameOrId(catalog.Activities)
		master, err := sync.Document(srv.App, col, tt.ActivityA, sync.Native)
		if err != nil {
			t.Fatal(err)
		}
		next := map[string]any{}
		for k, v := range master {
			next[k] = v
		}
		next["status"], next["review_note"] = to, note
		return srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push", token, []any{map[string]any{"assumedMasterState": master, "newDocumentState": next}}).Status
	}},
}

// auditEntries lists the changes of ActivityA in the audit trail (not its
// reads: a refused RxDB push, for one, shows the phone the server's state).
func auditEntries(t *testing.T, app core.App) []map[string]any {
	var rows []dbx.NullStringMap
	if err := app.DB().Select("action", "changes", "user", "superuser", "note").From(audit.Collection).
		Where(dbx.HashExp{"target_collection": catalog.Activities, "record": tt.ActivityA}).
		AndWhere(dbx.In("action", audit.ActionCreate, audit.ActionUpdate, audit.ActionDelete)).OrderBy("rowid").All(&rows); err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		var changes map[string][2]any
		_ = json.Unmarshal([]byte(r["changes"].String), &changes)
		out[i] = map[string]any{"action": r["action"].String, "changes": changes, "user": r["user"].String, "superuser": r["superuser"].String, "note": r["note"].String}
	}
	return out
}

func TestTransitionTable(t *testing.T) {
	t.Parallel()
	cases := 0
	for _, p := range paths {
		for _, from := range catalog.Statuses {
			refusals := tt.NewServer(t) // shared by the refused cases of p and from
			for _, actor := range actors {
				for _, to := range catalog.Statuses {
					if from == to {
						continue
					}
					cases++
					t.Run(fmt.Sprintf("%s/%s/%s->%s", p.name, actor, from, to), func(t *testing.T) {
						want := allowed(actor, from, to)
						srv := refusals
						if want {
							t.Parallel() // on its own copy: runs once the refused cases are done
							srv = tt.NewServer(t)
						}
						rec, err := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
						if err != nil {
							t.Fatal(err)
						}
						rec.Set("status", from)
						if err := srv.App.Save(rec); err != nil { // set up the starting state
							t.Fatal(err)
						}
						before := auditEntries(t, srv.App)
						note := ""
						if to == catalog.StatusReturned {
							note = "Lengkapi daftar narasumber"
						}
						status := p.write(t, srv, tt.Token(t, srv.App, actor), to, note)
						after, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
						entries := auditEntries(t, srv.App)[len(before):]
						if want {
							if after.GetString("status") != to {
								t.Fatalf("allowed transition not made (HTTP %d)", status)
							}
							if len(entries) != 1 {
								t.Fatalf("%d audit entries, want 1", len(entries))
							}
							ch := entries[0]["changes"].(map[string][2]any)["status"]
							if ch[0] != from || ch[1] != to {
								t.Errorf("audit diff %v", ch)
							}
							if actor == tt.SuperuserEmail {
								if entries[0]["superuser"] == "" {
									t.Error("superuser not named in the audit")
								}
							} else if entries[0]["user"] != tt.UserID(actor) {
								t.Errorf("audit user %v", entries[0]["user"])
							}
							if to == catalog.StatusApproved || to == catalog.StatusReturned {
								if after.GetString("reviewed_at") == "" {
									t.Error("reviewed_at not stamped")
								}
								if actor != tt.SuperuserEmail && after.GetString("reviewed_by") != tt.UserID(actor) {
									t.Error("reviewed_by not stamped")
								}
							}
							if to == catalog.StatusReturned && after.GetString("review_note") != note {
								t.Error("return note lost")
							}
						} else {
							if after.GetString("status") != from {
								t.Fatalf("refused transition made (HTTP %d)", status)
							}
							if len(entries) != 0 {
								t.Fatalf("refused transition audited: %v", entries)
							}
						}
					})
				}
			}
		}
	}
	t.Logf("transition table: %d cases", cases)
}

func TestReturnNeedsANote(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	rec.Set("status", catalog.StatusSubmitted)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tt.Token(t, srv.App, tt.VerifierA), map[string]any{"status": "returned", "review_note": "  "})
	if res.Status != 400 || res.FieldError("review_note") != "note_required" {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
}

func TestApprovedIsLockedForContentOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	rec.Set("status", catalog.StatusApproved)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	officer := tt.Token(t, srv.App, tt.OfficerA)
	seq, _ := sync.CurrentSeq(srv.App)
	v, _ := sync.VersionOf(srv.App, catalog.Activities, tt.ActivityA)
	srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, officer, map[string]any{"title": "x1"})
	srv.Do(t, http.MethodPost, "/api/batch", officer, map[string]any{"requests": []any{map[string]any{"method": "PATCH", "url": "/api/collections/activities/records/" + tt.ActivityA, "body": map[string]any{"title": "x2"}}}})
	srv.Do(t, http.MethodDelete, "/api/collections/activities/records/"+tt.ActivityA, officer, nil)
	srv.Do(t, http.MethodPost, "/api/sync/push", officer, map[string]any{"clientId": "t", "mutations": []any{map[string]any{"mutationId": "a", "collection": "activities", "id": tt.ActivityA, "op": "upsert", "baseVersion": v, "data": map[string]any{"title": "x3"}}}})
	srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", seq), officer, map[string]any{"activities": map[string]any{"created": []any{}, "deleted": []any{}, "updated": []any{map[string]any{"id": tt.ActivityA, "title": "x4"}}}})
	col, _ := srv.App.FindCollectionByNameOrId(catalog.Activities)
	master, _ := sync.Document(srv.App, col, tt.ActivityA, sync.Native)
	next := map[string]any{}
	for k, val := range master {
		next[k] = val
	}
	next["title"] = "x5"
	srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push", officer, []any{map[string]any{"assumedMasterState": master, "newDocumentState": next}})
	// a verifier cannot edit content either, even before approval
	after, err := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	if err != nil || after.GetString("title") != "Sosialisasi migrasi aman" {
		t.Fatalf("approved record changed: %v %q", err, after.GetString("title"))
	}
	if n := len(auditEntries(t, srv.App)); n != 2 { // the fixture's create and the approval above
		t.Errorf("%d audit entries, want 2", n)
	}
}
