package hooks_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// deviceOf makes officer A's phone known to the server (a pull with a
// client id registers it) and returns the device record's id.
func deviceOf(t *testing.T, srv *tt.Server) string {
	t.Helper()
	if res := srv.Do(t, http.MethodGet, "/api/sync/pull?clientId=hp-desa-a&collections=activities", tt.Token(t, srv.App, tt.OfficerA), nil); res.Status != 200 {
		t.Fatalf("pull: %d %s", res.Status, res.Body)
	}
	rec, err := srv.App.FindFirstRecordByData(catalog.Devices, "client_id", "hp-desa-a")
	if err != nil {
		t.Fatal(err)
	}
	return rec.Id
}

func TestRecordViewsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	device := deviceOf(t, srv)
	reads := []struct{ who, collection, id string }{
		{tt.OfficerA, catalog.Activities, tt.ActivityA},
		{tt.OfficerA, catalog.OutreachLogs, tt.OutreachA},
		{tt.OfficerA, catalog.VillagePrograms, tt.ProgramA},
		{tt.VerifierA, catalog.CaseAggregates, tt.CaseA},
		{tt.VerifierA, catalog.RadAchievements, tt.AchievementA},
		{tt.VerifierA, catalog.Users, tt.UserID(tt.OfficerA)},
		{tt.OfficerA, catalog.Devices, device},
		{tt.SuperuserEmail, catalog.Activities, tt.ActivityB},
	}
	for _, r := range reads {
		before := len(tt.AuditEntries(t, srv.App, audit.ActionView))
		res := srv.Do(t, http.MethodGet, "/api/collections/"+r.collection+"/records/"+r.id, tt.Token(t, srv.App, r.who), nil)
		if res.Status != 200 {
			t.Fatalf("%s views %s/%s: %d %s", r.who, r.collection, r.id, res.Status, res.Body)
		}
		entries := tt.AuditEntries(t, srv.App, audit.ActionView)[before:]
		if len(entries) != 1 {
			t.Fatalf("%s views %s/%s: %d view entries, want 1", r.who, r.collection, r.id, len(entries))
		}
		e := entries[0]
		if e.Collection != r.collection || e.Record != r.id {
			t.Errorf("%s views %s/%s: entry names %s/%s", r.who, r.collection, r.id, e.Collection, e.Record)
		}
		if r.who == tt.SuperuserEmail {
			if e.Superuser == "" || e.User != "" {
				t.Errorf("superuser view audited as user %q superuser %q", e.User, e.Superuser)
			}
		} else if e.User != tt.UserID(r.who) || e.Superuser != "" {
			t.Errorf("%s views %s: audited as user %q superuser %q", r.who, r.collection, e.User, e.Superuser)
		}
	}

	// what is refused or not found is not a view; areas are not audited
	before := len(tt.AuditEntries(t, srv.App, audit.ActionView))
	for _, r := range []struct {
		who, collection, id string
		want                int
	}{
		{tt.OfficerB, catalog.Activities, tt.ActivityA, 404},
		{tt.OfficerA2, catalog.OutreachLogs, tt.OutreachA, 404},
		{tt.VerifierB, catalog.CaseAggregates, tt.CaseA, 404},
		{tt.OfficerA, catalog.CaseAggregates, tt.CaseA, 404},
		{tt.OfficerB, catalog.Users, tt.UserID(tt.OfficerA), 404},
		{tt.OfficerA, catalog.Activities, "doesnotexist0001", 404},
		{"", catalog.Activities, tt.ActivityA, 404},
		{tt.OfficerA, catalog.Areas, tt.VillageA, 200},
	} {
		tok := ""
		if r.who != "" {
			tok = tt.Token(t, srv.App, r.who)
		}
		if res := srv.Do(t, http.MethodGet, "/api/collections/"+r.collection+"/records/"+r.id, tok, nil); res.Status != r.want {
			t.Errorf("%q views %s/%s: %d, want %d", r.who, r.collection, r.id, res.Status, r.want)
		}
	}
	if after := tt.AuditEntries(t, srv.App, audit.ActionView); len(after) != before {
		t.Errorf("refused views audited: %v", after[before:])
	}
}

func TestRecordListsAreAuditedOncePerRequest(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	verifier := tt.Token(t, srv.App, tt.VerifierA)
	for _, id := range []string{"actlistaudit0001", "actlistaudit0002"} {
		a := tt.Activity(tt.VillageA2)
		a["id"] = id
		if res := srv.Do(t, http.MethodPost, activities, tt.Token(t, srv.App, tt.OfficerA2), a); res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
	}
	q := url.Values{"filter": {`title ~ "migrasi"`}, "sort": {"-created"}, "perPage": {"2"}, "page": {"1"}}
	res := srv.Do(t, http.MethodGet, activities+"?"+q.Encode(), verifier, nil)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	items, _ := res.JSON()["items"].([]any)
	entries := tt.AuditEntries(t, srv.App, audit.ActionList)
	if len(entries) != 1 {
		t.Fatalf("%d list entries for one list of %d records, want 1", len(entries), len(items))
	}
	e := entries[0]
	if e.Collection != catalog.Activities || e.Record != "" || e.User != tt.UserID(tt.VerifierA) {
		t.Errorf("entry %+v", e)
	}
	note := e.NoteJSON(t)
	if note["filter"] != `title ~ "migrasi"` || note["sort"] != "-created" || note["page"] != 1.0 || note["perPage"] != 2.0 {
		t.Errorf("query not in the note: %v", note)
	}
	// three activities in regency A, two on this page
	if len(items) != 2 || note["returned"] != 2.0 || note["total"] != 3.0 {
		t.Errorf("%d items; note says returned %v of %v", len(items), note["returned"], note["total"])
	}

	// a phone number typed into a search is not kept; an overlong filter is cut
	q = url.Values{"filter": {`note ~ "0812-3456-7890" || note ~ "` + strings.Repeat("x", 700) + `"`}}
	if res := srv.Do(t, http.MethodGet, "/api/collections/outreach_logs/records?"+q.Encode(), verifier, nil); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	entries = tt.AuditEntries(t, srv.App, audit.ActionList)
	if len(entries) != 2 {
		t.Fatalf("%d list entries, want 2", len(entries))
	}
	filter, _ := entries[1].NoteJSON(t)["filter"].(string)
	if strings.Contains(filter, "3456") || !strings.Contains(filter, "[disamarkan]") || len([]rune(filter)) > audit.MaxNoteValue+20 {
		t.Errorf("filter kept as %q", filter)
	}

	// a guest is shown nothing and leaves nothing; areas are not audited
	if res := srv.Do(t, http.MethodGet, activities, "", nil); res.Status != 200 || len(res.JSON()["items"].([]any)) != 0 {
		t.Errorf("guest list: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodGet, "/api/collections/areas/records?perPage=5", verifier, nil); res.Status != 200 {
		t.Errorf("areas: %d", res.Status)
	}
	if n := len(tt.AuditEntries(t, srv.App, audit.ActionList)); n != 2 {
		t.Errorf("%d list entries after a guest list and an areas list, want 2", n)
	}
}

func TestHistoryReadsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	res := srv.Do(t, http.MethodGet, "/api/audit/activities/"+tt.ActivityA, tt.Token(t, srv.App, tt.VerifierA), nil)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	views := tt.AuditEntries(t, srv.App, audit.ActionView)
	if len(views) != 1 {
		t.Fatalf("%d view entries, want 1", len(views))
	}
	if v := views[0]; v.User != tt.UserID(tt.VerifierA) || v.Collection != catalog.Activities || v.Record != tt.ActivityA || v.Note != audit.NoteHistory {
		t.Errorf("entry %+v", v)
	}
	// by default the history lists changes only; with ?reads=1 it also
	// lists who was shown the record, this read included
	for _, raw := range res.JSON()["entries"].([]any) {
		if a := raw.(map[string]any)["action"]; a != audit.ActionCreate && a != audit.ActionUpdate && a != audit.ActionDelete {
			t.Errorf("a %s entry in the default history", a)
		}
	}
	res = srv.Do(t, http.MethodGet, "/api/audit/activities/"+tt.ActivityA+"?reads=1", tt.Token(t, srv.App, tt.VerifierA), nil)
	entries := res.JSON()["entries"].([]any)
	last := entries[len(entries)-1].(map[string]any)
	if last["action"] != audit.ActionView || last["note"] != audit.NoteHistory || last["user"] != tt.UserID(tt.VerifierA) {
		t.Errorf("last entry %v", last)
	}
	if n := len(tt.AuditEntries(t, srv.App, audit.ActionView)); n != 2 {
		t.Fatalf("%d view entries after two history reads, want 2", n)
	}
	for _, who := range []string{tt.OfficerB, tt.VerifierB} {
		if res := srv.Do(t, http.MethodGet, "/api/audit/activities/"+tt.ActivityA, tt.Token(t, srv.App, who), nil); res.Status != 404 {
			t.Errorf("%s: %d", who, res.Status)
		}
	}
	if n := len(tt.AuditEntries(t, srv.App, audit.ActionView)); n != 2 {
		t.Errorf("%d view entries after refused history reads, want 2", n)
	}
}

func TestAccountAndDeviceListsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	deviceOf(t, srv)
	verifier := tt.Token(t, srv.App, tt.VerifierA)
	res := srv.Do(t, http.MethodGet, "/api/accounts?role=village_officer", verifier, nil)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	res = srv.Do(t, http.MethodGet, "/api/devices", verifier, nil)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	// a village officer manages no accounts
	if res := srv.Do(t, http.MethodGet, "/api/accounts", tt.Token(t, srv.App, tt.OfficerA), nil); res.Status != 403 {
		t.Errorf("officer lists accounts: %d", res.Status)
	}
	entries := tt.AuditEntries(t, srv.App, audit.ActionList)
	if len(entries) != 2 {
		t.Fatalf("%d list entries, want 2: %+v", len(entries), entries)
	}
	users, devs := entries[0].NoteJSON(t), entries[1].NoteJSON(t)
	if entries[0].Collection != catalog.Users || entries[0].User != tt.UserID(tt.VerifierA) || users["role"] != "village_officer" ||
		users["returned"] != 2.0 || users["total"] != 2.0 {
		t.Errorf("accounts entry %+v", entries[0])
	}
	if entries[1].Collection != catalog.Devices || entries[1].User != tt.UserID(tt.VerifierA) || devs["returned"] != 1.0 {
		t.Errorf("devices entry %+v", entries[1])
	}
}

func TestAuditActionsAreChoicesOfTheTrail(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	col, err := srv.App.FindCollectionByNameOrId(audit.Collection)
	if err != nil {
		t.Fatal(err)
	}
	field, ok := col.Fields.GetByName("action").(*core.SelectField)
	if !ok {
		t.Fatal("audit_log.action is not a select field")
	}
	for _, a := range audit.Actions {
		if !slices.Contains(field.Values, a) {
			t.Errorf("action %q is not a choice of audit_log.action", a)
		}
	}
}

// A read whose entry cannot be written sends no data: 500, on every path.
func TestReadsFailClosedWhenTheTrailCannotBeWritten(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	if _, err := srv.App.DB().NewQuery(`CREATE TRIGGER audit_log_refuse BEFORE INSERT ON audit_log
		BEGIN SELECT RAISE(ABORT, 'audit_log is read-only in this test'); END`).Execute(); err != nil {
		t.Fatal(err)
	}
	verifier := tt.Token(t, srv.App, tt.VerifierA)
	for _, path := range []string{
		activities + "/" + tt.ActivityA,
		activities,
		"/api/audit/activities/" + tt.ActivityA,
		"/api/reports/activities?year=2025",
		"/api/accounts",
		"/api/devices",
		"/api/sync/pull",
		"/api/sync/watermelon",
		"/api/sync/rxdb/activities/pull",
	} {
		res := srv.Do(t, http.MethodGet, path, verifier, nil)
		if res.Status != 500 || strings.Contains(string(res.Body), tt.ActivityA) || strings.Contains(string(res.Body), "Sosialisasi") {
			t.Errorf("%s: %d %.200s", path, res.Status, res.Body)
			continue
		}
		if msg, _ := res.JSON()["message"].(string); msg != audit.MessageReadNotRecorded {
			t.Errorf("%s: message %q", path, msg)
		}
	}
}

// Each record a realtime subscriber is sent is recorded as a view by that
// subscriber; a subscriber the rules send nothing leaves no entry.
func TestRealtimeMessagesAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	verifier := subscribe(t, srv, tt.Token(t, srv.App, tt.VerifierA), "activities")
	other := subscribe(t, srv, tt.Token(t, srv.App, tt.VerifierB), "activities")
	res := srv.Do(t, http.MethodPost, activities, tt.Token(t, srv.App, tt.OfficerA), merge(tt.Activity(tt.VillageA), map[string]any{"id": "realtimeAudited1"}))
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if !verifier.Received(700 * time.Millisecond)["realtimeAudited1"] {
		t.Fatal("the verifier was not sent the record")
	}
	if other.Received(100 * time.Millisecond)["realtimeAudited1"] {
		t.Fatal("the other regency's verifier was sent the record")
	}
	var seen []tt.AuditEntry
	for _, v := range tt.AuditEntries(t, srv.App, audit.ActionView) {
		if v.Record == "realtimeAudited1" {
			seen = append(seen, v)
		}
	}
	if len(seen) != 1 {
		t.Fatalf("%d view entries of the record, want 1: %+v", len(seen), seen)
	}
	if v := seen[0]; v.User != tt.UserID(tt.VerifierA) || v.Collection != catalog.Activities || v.NoteJSON(t)["realtime"] != "create" {
		t.Errorf("entry %+v", v)
	}
}

// A record's history names who did what only to a caller who may see that
// account: a task-force member who may read the village's activity, but
// not the officer's or the verifier's account, reads the entries without
// their ids and names (its own read stays named).
func TestHistoryNamesOnlyAccountsTheCallerMaySee(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	created := srv.Do(t, http.MethodPost, "/api/collections/activities/records", tt.Token(t, srv.App, tt.OfficerA), tt.Activity(tt.VillageA))
	if created.Status != 200 {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	id := created.JSON()["id"].(string)
	names := func(who string) (named, hidden map[string]bool) {
		t.Helper()
		res := srv.Do(t, http.MethodGet, "/api/audit/activities/"+id+"?reads=1", tt.Token(t, srv.App, who), nil)
		if res.Status != 200 {
			t.Fatalf("%s: %d %s", who, res.Status, res.Body)
		}
		named, hidden = map[string]bool{}, map[string]bool{}
		for _, raw := range res.JSON()["entries"].([]any) {
			e := raw.(map[string]any)
			if e["userHidden"] == true {
				if e["user"] != "" || e["userName"] != "" {
					t.Errorf("%s: a hidden account with id %v and name %v", who, e["user"], e["userName"])
				}
				hidden[e["action"].(string)] = true
				continue
			}
			if id, _ := e["user"].(string); id != "" {
				named[id] = true
			}
		}
		return named, hidden
	}
	// the verifier manages the village's officer: it sees the creator
	named, _ := names(tt.VerifierA)
	if !named[tt.UserID(tt.OfficerA)] {
		t.Errorf("the verifier does not see the officer who created the record: %v", named)
	}
	for _, who := range []string{tt.Taskforce, tt.RegencyMemberA} {
		if res := srv.Do(t, http.MethodGet, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, who), nil); res.Status != 404 {
			t.Fatalf("%s may view the officer's account (%d): the test needs a caller who may not", who, res.Status)
		}
		named, hidden := names(who)
		if named[tt.UserID(tt.OfficerA)] || named[tt.UserID(tt.VerifierA)] {
			t.Errorf("%s: the history names accounts it may not see: %v", who, named)
		}
		if !hidden[audit.ActionCreate] {
			t.Errorf("%s: the create entry is not marked as by a hidden account", who)
		}
		if !named[tt.UserID(who)] {
			t.Errorf("%s: its own read is not named: %v", who, named)
		}
	}
}
