package sync_test

// An attacker inside the system (issue 12, items 1 and 6): an officer or a
// verifier of regency B, with a user token or a phone's device token, asks
// the three sync protocols about records of regency A. What any answer says
// about a record outside the caller's scope must not depend on whether it
// exists or what it holds: such a record answers as a free id would, except
// that a create which would succeed is refused because the id is taken.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

// marker is written into every record of regency A the probes aim at: an
// answer that carries it (or a code of regency A) leaks that record.
const marker = "RAHASIA-DESA-A"

// attacker is a caller of regency B.
type attacker struct {
	name, email, token, device string
	village                    string // the village it creates records in
}

// phoneOf enrolls (by enroller) and activates a phone of user and returns
// its device token and device id.
func phoneOf(t *testing.T, srv *tt.Server, enroller, user string) (token, device string) {
	t.Helper()
	res := srv.Do(t, http.MethodPost, "/api/devices/enrollments", tt.Token(t, srv.App, enroller), map[string]any{"user": tt.UserID(user)})
	if res.Status != 200 {
		t.Fatalf("enroll: %d %s", res.Status, res.Body)
	}
	res = srv.Do(t, http.MethodPost, "/api/devices/activate", "", map[string]any{"code": res.JSON()["code"], "name": "HP Desa", "platform": "android", "appVersion": "1.4.0"})
	if res.Status != 200 {
		t.Fatalf("activate: %d %s", res.Status, res.Body)
	}
	token, _ = res.JSON()["token"].(string)
	device, _ = res.JSON()["device"].(map[string]any)["id"].(string)
	return token, device
}

// attackers are officer B with its user token and with its phone's device
// token, and verifier B.
func attackers(t *testing.T, srv *tt.Server) []attacker {
	t.Helper()
	phone, device := phoneOf(t, srv, tt.VerifierB, tt.OfficerB)
	return []attacker{
		{name: "officer B", email: tt.OfficerB, token: tt.Token(t, srv.App, tt.OfficerB), village: tt.VillageB},
		{name: "officer B's phone", email: tt.OfficerB, token: phone, device: device, village: tt.VillageB},
		{name: "verifier B", email: tt.VerifierB, token: tt.Token(t, srv.App, tt.VerifierB), village: tt.VillageB},
	}
}

// pushable are the collections phones write, with the fixture record of
// village A in each.
var pushable = []struct{ collection, fixtureA string }{
	{catalog.Activities, tt.ActivityA},
	{catalog.OutreachLogs, tt.OutreachA},
	{catalog.VillagePrograms, tt.ProgramA},
}

// markerField is the text field of each collection that carries the marker.
var markerField = map[string]string{catalog.Activities: "venue", catalog.OutreachLogs: "note", catalog.VillagePrograms: "note"}

// villagesOfA returns a function giving the next three villages of regency
// A, round the regency (village programs are unique per village and
// programme, so the foreign records of a probe get villages of their own).
func villagesOfA(t *testing.T, app core.App) func() []string {
	t.Helper()
	var ids []string
	err := app.DB().NewQuery(`SELECT id FROM areas WHERE id LIKE '18.01.__.____' AND id != {:a} ORDER BY id LIMIT 240`).
		Bind(dbx.Params{"a": tt.VillageA}).Column(&ids)
	if err != nil || len(ids) < 240 {
		t.Fatalf("villages of regency A: %v (%d)", err, len(ids))
	}
	next := 0
	return func() []string {
		next = (next + 3) % len(ids)
		return ids[next : next+3]
	}
}

// recordData returns valid fields of a new record of the collection in village.
func recordData(collection, village string) map[string]any {
	switch collection {
	case catalog.Activities:
		return tt.Activity(village)
	case catalog.OutreachLogs:
		return tt.Outreach(village)
	}
	return map[string]any{"village": village, "program": "desmigratif", "status": "aktif"}
}

// foreignRecords makes records of regency A for a probe: held (as created),
// edited (changed after creation: another version and content) and deleted
// (a tombstone in village A). Each carries the marker.
type foreignSet struct{ held, edited, deleted string }

// foreignSeq numbers the records the parallel tests make (atomic: they share it).
var foreignSeq atomic.Int64

func makeForeign(t *testing.T, app core.App, collection string, villages []string) foreignSet {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(village string) *core.Record {
		rec := core.NewRecord(col)
		rec.Id = fmt.Sprintf("foreignRecord%04d", foreignSeq.Add(1))
		for k, v := range recordData(collection, village) {
			rec.Set(k, v)
		}
		rec.Set(markerField[collection], marker)
		err := app.Save(rec)
		// village programs are unique per village and programme
		for i := 0; err != nil && collection == catalog.VillagePrograms && i < len(catalog.VillageProgramKinds); i++ {
			rec.Set("program", catalog.VillageProgramKinds[i])
			err = app.Save(rec)
		}
		if err != nil {
			t.Fatalf("foreign %s: %v", collection, err)
		}
		return rec
	}
	held, edited, deleted := mk(villages[0]), mk(villages[1]), mk(villages[2])
	edited.Set(markerField[collection], marker+" (diubah)")
	if err := app.Save(edited); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(deleted); err != nil {
		t.Fatal(err)
	}
	return foreignSet{held.Id, edited.Id, deleted.Id}
}

// leaks reports what of regency A an answer carries.
func leaks(body []byte) string {
	s := string(body)
	for _, bad := range []string{marker, `"18.01`, tt.UserID(tt.OfficerA), tt.ActivityA, tt.OutreachA, tt.ProgramA} {
		if strings.Contains(s, bad) {
			return bad
		}
	}
	return ""
}

// storedState is what the probes must leave alone: the stored rows and the
// feed rows of the records.
func storedState(t *testing.T, app core.App, collection string, ids ...string) string {
	t.Helper()
	var sb strings.Builder
	for _, id := range ids {
		var rows, feed []dbx.NullStringMap
		if err := app.DB().NewQuery(`SELECT * FROM ` + collection + ` WHERE id = {:id}`).Bind(dbx.Params{"id": id}).All(&rows); err != nil {
			t.Fatal(err)
		}
		if err := app.DB().NewQuery(`SELECT * FROM sync_changes WHERE collection = {:c} AND record_id = {:id} ORDER BY seq`).
			Bind(dbx.Params{"c": collection, "id": id}).All(&feed); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal([]any{rows, feed})
		sb.Write(raw)
	}
	return sb.String()
}

// noViewsOfForeign fails when the audit trail shows a caller of regency B
// being shown a record of regency A.
func noViewsOfForeign(t *testing.T, app core.App) {
	t.Helper()
	var n int
	err := app.DB().NewQuery(`SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND user IN ({:o}, {:v})
		AND (record IN (SELECT id FROM activities WHERE regency = '18.01') OR record IN (SELECT id FROM outreach_logs WHERE regency = '18.01')
		OR record IN (SELECT id FROM village_programs WHERE regency = '18.01') OR record LIKE 'foreignRecord%')`).
		Bind(dbx.Params{"o": tt.UserID(tt.OfficerB), "v": tt.UserID(tt.VerifierB)}).Row(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		t.Errorf("%d view entries of records of regency A by callers of regency B", n)
	}
}

// ---- item 1: the RxDB pull reads the caller's scope, whatever the checkpoint says

type rxPage struct {
	Documents  []map[string]any `json:"documents"`
	Checkpoint json.RawMessage  `json:"checkpoint"`
}

func rxPull(t *testing.T, srv *tt.Server, tok, collection, checkpoint string, limit int) (rxPage, tt.Response) {
	t.Helper()
	res := srv.Do(t, http.MethodGet, fmt.Sprintf("/api/sync/rxdb/%s/pull?limit=%d&checkpoint=%s", collection, limit, url.QueryEscape(checkpoint)), tok, nil)
	var p rxPage
	if res.Status == 200 {
		if err := json.Unmarshal(res.Body, &p); err != nil {
			t.Fatalf("rxdb pull body: %v %s", err, res.Body)
		}
	}
	return p, res
}

// rxPullAll pages from checkpoint until caught up and returns every
// document sent, in order, the answers' bodies and the last checkpoint.
func rxPullAll(t *testing.T, srv *tt.Server, tok, collection, checkpoint string) ([]map[string]any, [][]byte, string) {
	t.Helper()
	var docs []map[string]any
	var bodies [][]byte
	for i := 0; i < 100; i++ {
		p, res := rxPull(t, srv, tok, collection, checkpoint, 2)
		if res.Status != 200 {
			t.Fatalf("rxdb pull from %s: %d %s", checkpoint, res.Status, res.Body)
		}
		docs = append(docs, p.Documents...)
		bodies = append(bodies, res.Body)
		checkpoint = string(p.Checkpoint)
		if len(p.Documents) < 2 {
			return docs, bodies, checkpoint
		}
	}
	t.Fatal("rxdb pull never caught up")
	return nil, nil, ""
}

// Forged checkpoints (another scope, a drop the server never started, a
// signature of another user or none) never widen the pull: the caller gets
// its own scope from the start, and every page that sends documents is in
// the audit trail.
func TestRxPullScopeComesFromTheCaller(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	// a checkpoint the server really issued, to officer A
	_, _, ofA := rxPullAll(t, srv, tt.Token(t, srv.App, tt.OfficerA), catalog.Activities, "null")
	var signedA map[string]any
	_ = json.Unmarshal([]byte(ofA), &signedA)
	signedA["scope"] = "province"
	regraded, _ := json.Marshal(signedA)
	forged := []string{
		`{"seq":0,"scope":"province"}`,
		`{"seq":0,"scope":"regency:18.01"}`,
		`{"seq":0,"scope":"village:18.01.04.2001"}`,
		`{"seq":0,"scope":"village:18.02.01.2001","drop":"province"}`,
		`{"seq":0,"scope":"regency:18.02","drop":"regency:18.01","dropUpto":5}`,
		`{"seq":0,"scope":"province","drop":"regency:18.01","dropSeq":0,"sig":"AAAAAAAAAAAAAAAAAAAAAAAA"}`,
		ofA,              // officer A's real checkpoint, signed for A
		string(regraded), // A's checkpoint with the scope changed
	}
	for _, a := range attackers(t, srv) {
		for _, p := range pushable {
			before := len(pulls(t, srv))
			_, honestBodies, _ := rxPullAll(t, srv, a.token, p.collection, "null")
			honest := len(pulls(t, srv)) - before
			for _, cp := range forged {
				t.Run(a.name+"/"+p.collection+"/"+cp, func(t *testing.T) {
					before := len(pulls(t, srv))
					docs, bodies, _ := rxPullAll(t, srv, a.token, p.collection, cp)
					for i, body := range bodies {
						if bad := leaks(body); bad != "" {
							t.Fatalf("page %d carries %q: %s", i, bad, body)
						}
					}
					seen := map[string]bool{}
					for _, d := range docs {
						id, _ := d["id"].(string)
						seen[id] = true
						if d["_deleted"] == true {
							t.Errorf("a fresh start in the caller's scope sends a delete: %v", d)
						}
					}
					own := map[string]string{catalog.Activities: tt.ActivityB, catalog.OutreachLogs: tt.OutreachB, catalog.VillagePrograms: tt.ProgramB}[p.collection]
					if !seen[own] || len(bodies) != len(honestBodies) {
						t.Errorf("not the caller's own scope from the start: %d pages (%d honest), own record sent %v", len(bodies), len(honestBodies), seen[own])
					}
					if n := len(pulls(t, srv)) - before; n != honest {
						t.Errorf("%d sync_pull entries, the same pull from null leaves %d", n, honest)
					}
					entries := pulls(t, srv)
					if last := entries[len(entries)-1]; last.User != tt.UserID(a.email) || last.Device != a.device {
						t.Errorf("entry %+v", last)
					}
				})
			}
		}
	}
	noViewsOfForeign(t, srv.App)
}

// An officer moved to another village: its phone's next pulls drop what it
// could read in the old village (also records changed after the move, and
// deletes there it had not pulled yet), never what the old village got
// after the move, then send the new village.
func TestRxPullAfterAMoveDropsOnlyWhatTheOldScopeShowed(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	push(t, srv, tok, "a", upsert("1", catalog.Activities, "seenThenDeleted1", newActivity(tt.VillageA, nil)),
		upsert("2", catalog.Activities, "seenAndKept00001", newActivity(tt.VillageA, nil)))
	_, _, cp := rxPullAll(t, srv, tok, catalog.Activities, "null")
	var seen struct {
		Sig string `json:"sig"`
	}
	if json.Unmarshal([]byte(cp), &seen) != nil || seen.Sig == "" {
		t.Fatalf("checkpoint not signed: %s", cp)
	}
	// after the phone's last pull, before the move: a delete in village A
	rec, _ := srv.App.FindRecordById(catalog.Activities, "seenThenDeleted1")
	if err := srv.App.Delete(rec); err != nil {
		t.Fatal(err)
	}
	if res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.Secretariat), map[string]any{"area": tt.VillageA2}); res.Status != 200 {
		t.Fatalf("move: %d %s", res.Status, res.Body)
	}
	// after the move: a new record of village A is none of its business
	push(t, srv, tt.Token(t, srv.App, tt.OfficerA2), "a2", upsert("3", catalog.Activities, "inA2FromTheStart", newActivity(tt.VillageA2, nil)))
	rec, _ = srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	rec.Set("venue", "changed after the move")
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	other := core.NewRecord(rec.Collection())
	other.Id = "createdAfterMove"
	for k, v := range tt.Activity(tt.VillageA) {
		other.Set(k, v)
	}
	if err := srv.App.Save(other); err != nil {
		t.Fatal(err)
	}

	tok = tt.Token(t, srv.App, tt.OfficerA)
	docs, _, _ := rxPullAll(t, srv, tok, catalog.Activities, cp)
	deleted, sent := map[string]bool{}, map[string]bool{}
	for _, d := range docs {
		id, _ := d["id"].(string)
		if d["_deleted"] == true {
			deleted[id] = true
		} else {
			sent[id] = true
			if d["village"] != tt.VillageA2 {
				t.Errorf("sent %s of village %v", id, d["village"])
			}
		}
	}
	if !deleted["seenAndKept00001"] || !deleted["seenThenDeleted1"] || !deleted[tt.ActivityA] {
		t.Errorf("old village not dropped: deletes %v", deleted)
	}
	if deleted["createdAfterMove"] {
		t.Errorf("told of changes in the old village after the move: deletes %v", deleted)
	}
	if !sent["inA2FromTheStart"] {
		t.Errorf("new village not sent: %v", sent)
	}

	// the same checkpoint with its scope rewritten is not the server's
	var forged map[string]any
	_ = json.Unmarshal([]byte(cp), &forged)
	forged["scope"] = "province"
	raw, _ := json.Marshal(forged)
	docs, _, _ = rxPullAll(t, srv, tok, catalog.Activities, string(raw))
	for _, d := range docs {
		if d["_deleted"] == true {
			t.Errorf("a forged checkpoint got a delete: %v", d)
		}
	}
}

// ---- items 1 and 6: pushes about records outside the caller's scope

// probe is one push about one record id; it returns the answer with the id
// and the request's own bookkeeping made neutral, so that answers about
// different ids compare.
type probe func(t *testing.T, srv *tt.Server, a attacker, collection, id string) (status int, answer string, body []byte)

func neutral(body []byte, id string) string {
	var v any
	if json.Unmarshal(body, &v) == nil {
		body, _ = json.Marshal(v) // keys in order
	}
	return strings.ReplaceAll(string(body), id, "<id>")
}

// checkProbe runs the probe on a held, an edited and a deleted record of
// regency A and on a free id, and checks what the answers may differ in.
// takenAnswer tells whether an answer is the refusal of a taken id.
func checkProbe(t *testing.T, srv *tt.Server, collection string, villages []string, a attacker, run probe, takenAnswer func(status int, answer string) bool) {
	t.Helper()
	f := makeForeign(t, srv.App, collection, villages)
	free := fmt.Sprintf("neverStored%05d", foreignSeq.Add(1))
	cleanup := func(id string) bool {
		// a create the probe made in the caller's scope is undone, so
		// that every probe meets the same state
		rec, err := srv.App.FindRecordById(collection, id)
		if err != nil || rec.GetString("regency") != tt.RegencyB {
			return false
		}
		if err := srv.App.Delete(rec); err != nil {
			t.Fatal(err)
		}
		return true
	}
	before := storedState(t, srv.App, collection, f.held, f.edited)
	answers := map[string]string{}
	statuses := map[string]int{}
	created := map[string]bool{}
	for _, c := range []struct{ name, id string }{{"held", f.held}, {"edited", f.edited}, {"deleted", f.deleted}, {"free", free}} {
		status, answer, body := run(t, srv, a, collection, c.id)
		if bad := leaks(body); bad != "" {
			t.Fatalf("%s record: the answer carries %q: %s", c.name, bad, body)
		}
		answers[c.name], statuses[c.name] = answer, status
		created[c.name] = cleanup(c.id)
	}
	if answers["held"] != answers["edited"] || statuses["held"] != statuses["edited"] {
		t.Errorf("the answer depends on the record's content or version:\n held   %d %s\n edited %d %s", statuses["held"], answers["held"], statuses["edited"], answers["edited"])
	}
	if answers["deleted"] != answers["free"] || statuses["deleted"] != statuses["free"] {
		t.Errorf("a record deleted in regency A answers unlike a free id:\n deleted %d %s\n free    %d %s", statuses["deleted"], answers["deleted"], statuses["free"], answers["free"])
	}
	if created["free"] {
		if !takenAnswer(statuses["held"], answers["held"]) {
			t.Errorf("a create over a foreign id: %d %s", statuses["held"], answers["held"])
		}
	} else if answers["held"] != answers["free"] || statuses["held"] != statuses["free"] {
		t.Errorf("a record of regency A answers unlike a free id:\n held %d %s\n free %d %s", statuses["held"], answers["held"], statuses["free"], answers["free"])
	}
	if created["held"] || created["edited"] || storedState(t, srv.App, collection, f.held, f.edited) != before {
		t.Error("a record of regency A was changed")
	}
}

// foreignDoc is the stored document of a record of regency A in the
// flavor: what an attacker who guessed it exactly would send.
func foreignDoc(t *testing.T, app core.App, collection, id string, flavor sync.Flavor) map[string]any {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId(collection)
	doc, err := sync.Document(app, col, id, flavor)
	if err != nil {
		// deleted or free: guess the fixture's content
		doc = recordData(collection, tt.VillageA)
		doc[markerField[collection]] = marker
		if flavor == sync.Watermelon {
			for k, v := range doc {
				if l, ok := v.([]string); ok {
					raw, _ := json.Marshal(l)
					doc[k] = string(raw)
				}
			}
		}
	}
	doc["id"] = id
	return doc
}

// guesses are the data an attacker sends about a record: its exact stored
// content, the same with a wrong value, and a valid record of its own.
func guesses(t *testing.T, app core.App, a attacker, collection, id string, flavor sync.Flavor) map[string]map[string]any {
	right := foreignDoc(t, app, collection, id, flavor)
	wrong := map[string]any{}
	for k, v := range right {
		wrong[k] = v
	}
	wrong[markerField[collection]] = "tebakan salah"
	own := recordData(collection, a.village)
	if flavor == sync.Watermelon {
		for k, v := range own {
			if l, ok := v.([]string); ok {
				raw, _ := json.Marshal(l)
				own[k] = string(raw)
			}
		}
	}
	own["id"] = id
	return map[string]map[string]any{"right guess": right, "wrong guess": wrong, "own data": own}
}

var probeSeq int

func TestNativePushAboutForeignRecordsTellsNothing(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	villages := villagesOfA(t, srv.App)
	before := storedState(t, srv.App, catalog.Activities, tt.ActivityA)
	taken := func(status int, answer string) bool {
		var r sync.Result
		return status == 200 && json.Unmarshal([]byte(answer), &r) == nil && r.Status == sync.StatusRejected && r.Reason == sync.ReasonIDTaken && r.Record == nil
	}
	for _, a := range attackers(t, srv) {
		for _, p := range pushable {
			for _, branch := range []string{"create", "edit from its version", "edit from a wrong version", "delete", "delete from its version"} {
				guessList := []string{"right guess", "wrong guess", "own data"}
				if strings.HasPrefix(branch, "delete") {
					guessList = guessList[:1]
				}
				for _, guess := range guessList {
					t.Run(strings.Join([]string{a.name, p.collection, branch, guess}, "/"), func(t *testing.T) {
						run := func(t *testing.T, srv *tt.Server, a attacker, collection, id string) (int, string, []byte) {
							probeSeq++
							m := sync.Mutation{MutationID: fmt.Sprint("probe-", probeSeq), Collection: collection, ID: id, Op: "upsert",
								Data: guesses(t, srv.App, a, collection, id, sync.Native)[guess]}
							v, _ := sync.VersionOf(srv.App, collection, id)
							if v == 0 { // a free or deleted id: a version it might have had
								v = currentSeq(t, srv)
							}
							switch branch {
							case "edit from its version":
								m.BaseVersion = version(v)
							case "edit from a wrong version":
								m.BaseVersion = version(v + 1000)
							case "delete":
								m.Op, m.Data = "delete", nil
							case "delete from its version":
								m.Op, m.Data, m.BaseVersion = "delete", nil, version(v)
							}
							res := srv.Do(t, http.MethodPost, "/api/sync/push", a.token, map[string]any{"clientId": "probe", "mutations": []sync.Mutation{m}})
							var ans pushAnswer
							if res.Status != 200 || json.Unmarshal(res.Body, &ans) != nil || len(ans.Results) != 1 {
								t.Fatalf("push: %d %s", res.Status, res.Body)
							}
							r := ans.Results[0]
							r.MutationID = ""
							if r.Status == sync.StatusApplied {
								r.Version = 0
							}
							raw, _ := json.Marshal(r)
							return res.Status, neutral(raw, id), res.Body
						}
						checkProbe(t, srv, p.collection, villages(), a, run, taken)
					})
				}
			}
		}
	}
	if storedState(t, srv.App, catalog.Activities, tt.ActivityA) != before {
		t.Error("the fixture record of regency A changed")
	}
	noViewsOfForeign(t, srv.App)
}

func TestWatermelonPushAboutForeignRecordsTellsNothing(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	villages := villagesOfA(t, srv.App)
	taken := func(status int, answer string) bool {
		return status == 200 && strings.Contains(answer, `"reason":"id_taken"`) && strings.Contains(answer, `"experimentalRejectedIds":{"`)
	}
	for _, a := range attackers(t, srv) {
		for _, p := range pushable {
			for _, branch := range []string{"created", "updated", "deleted"} {
				for _, since := range []string{"first push", "stale", "just pulled"} {
					guessList := []string{"right guess", "wrong guess", "own data"}
					if branch == "deleted" {
						guessList = guessList[:1]
					}
					for _, guess := range guessList {
						t.Run(strings.Join([]string{a.name, p.collection, branch, since, guess}, "/"), func(t *testing.T) {
							run := func(t *testing.T, srv *tt.Server, a attacker, collection, id string) (int, string, []byte) {
								var lastPulled int64
								switch since {
								case "stale":
									lastPulled = 1
								case "just pulled":
									lastPulled = currentSeq(t, srv)
								}
								rec := guesses(t, srv.App, a, collection, id, sync.Watermelon)[guess]
								var body map[string]any
								switch branch {
								case "created":
									body = wmChanges(collection, []any{rec}, nil, nil)
								case "updated":
									body = wmChanges(collection, nil, []any{rec}, nil)
								default:
									body = wmChanges(collection, nil, nil, []string{id})
								}
								res := srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", lastPulled), a.token, body)
								if res.Status != 200 && res.Status != 409 {
									t.Fatalf("push: %d %s", res.Status, res.Body)
								}
								return res.Status, neutral(res.Body, id), res.Body
							}
							checkProbe(t, srv, p.collection, villages(), a, run, taken)
						})
					}
				}
			}
		}
	}
	noViewsOfForeign(t, srv.App)
}

func TestRxPushAboutForeignRecordsTellsNothing(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	villages := villagesOfA(t, srv.App)
	taken := func(status int, answer string) bool {
		return status == 200 && strings.HasPrefix(answer, `{"conflicts":[],"rejected":[{`) && strings.Contains(answer, `"reason":"id_taken"`) && !strings.Contains(answer, `"record":{`)
	}
	for _, a := range attackers(t, srv) {
		for _, p := range pushable {
			for _, assumed := range []string{"none", "the right state", "its version only", "a wrong state", "deleted"} {
				for _, doc := range []string{"right guess", "wrong guess", "own data", "a delete"} {
					t.Run(strings.Join([]string{a.name, p.collection, "assumed " + assumed, doc}, "/"), func(t *testing.T) {
						run := func(t *testing.T, srv *tt.Server, a attacker, collection, id string) (int, string, []byte) {
							g := guesses(t, srv.App, a, collection, id, sync.Native)
							row := map[string]any{}
							switch doc {
							case "a delete":
								row["newDocumentState"] = map[string]any{"id": id, "_deleted": true}
							default:
								row["newDocumentState"] = g[doc]
							}
							v, _ := sync.VersionOf(srv.App, collection, id)
							switch assumed {
							case "the right state":
								row["assumedMasterState"] = g["right guess"]
							case "its version only":
								row["assumedMasterState"] = map[string]any{"id": id, "version": v, "_deleted": false}
							case "a wrong state":
								row["assumedMasterState"] = g["wrong guess"]
							case "deleted":
								row["assumedMasterState"] = map[string]any{"id": id, "_deleted": true}
							}
							res := srv.Do(t, http.MethodPost, "/api/sync/rxdb/"+collection+"/push?details=1", a.token, []any{row})
							if res.Status != 200 {
								t.Fatalf("push: %d %s", res.Status, res.Body)
							}
							// the plain answer (what RxDB reads) must tell nothing either
							plain := srv.Do(t, http.MethodPost, "/api/sync/rxdb/"+collection+"/push", a.token, []any{row})
							if bad := leaks(plain.Body); bad != "" {
								t.Fatalf("plain answer carries %q: %s", bad, plain.Body)
							}
							return res.Status, neutral(res.Body, id), res.Body
						}
						checkProbe(t, srv, p.collection, villages(), a, run, taken)
					})
				}
			}
		}
	}
	noViewsOfForeign(t, srv.App)
}

// Records in the caller's own scope still come back on a conflict or a
// refusal, and each such answer is a read in the audit trail, with the
// device that was shown it.
func TestPushAnswersWithServerRecordsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	phone, device := phoneOf(t, srv, tt.VerifierA, tt.OfficerA)
	views := func() []tt.AuditEntry { return tt.AuditEntries(t, srv.App, audit.ActionView) }
	n := len(views())

	// native: a conflict sends the server's record
	r := push(t, srv, phone, "", sync.Mutation{MutationID: "c", Collection: catalog.Activities, ID: tt.ActivityA, Op: "upsert", BaseVersion: version(1), Data: map[string]any{"venue": "x"}}).Results[0]
	if r.Status != sync.StatusConflict || r.Record == nil {
		t.Fatalf("native conflict: %+v", r)
	}
	v := views()
	if len(v) != n+1 || v[n].Record != tt.ActivityA || v[n].Device != device || v[n].User != tt.UserID(tt.OfficerA) || v[n].Collection != catalog.Activities {
		t.Fatalf("native conflict view entries: %+v", v[n:])
	}
	if note := v[n].NoteJSON(t); note["sync_push"] != sync.StatusConflict {
		t.Errorf("note %v", note)
	}

	// RxDB: a conflict and a refusal (an approved record is locked) send the master state
	col, _ := srv.App.FindCollectionByNameOrId(catalog.OutreachLogs)
	doc, _ := sync.Document(srv.App, col, tt.OutreachA, sync.Native)
	stale := map[string]any{}
	for k, val := range doc {
		stale[k] = val
	}
	stale["note"] = "not what the server holds"
	delete(stale, "version")
	res := srv.Do(t, http.MethodPost, "/api/sync/rxdb/outreach_logs/push", phone, []any{map[string]any{"assumedMasterState": stale, "newDocumentState": map[string]any{"id": tt.OutreachA, "note": "mine"}}})
	var masters []map[string]any
	if res.Status != 200 || json.Unmarshal(res.Body, &masters) != nil || len(masters) != 1 {
		t.Fatalf("rxdb conflict: %d %s", res.Status, res.Body)
	}
	if v := views(); len(v) != n+2 || v[n+1].Record != tt.OutreachA || v[n+1].Device != device {
		t.Fatalf("rxdb conflict view entries: %+v", v[n+1:])
	}
	rec, _ := srv.App.FindRecordById(catalog.OutreachLogs, tt.OutreachA)
	rec.Set("status", catalog.StatusApproved)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	doc, _ = sync.Document(srv.App, col, tt.OutreachA, sync.Native)
	edit := map[string]any{}
	for k, val := range doc {
		edit[k] = val
	}
	edit["note"] = "after approval"
	res = srv.Do(t, http.MethodPost, "/api/sync/rxdb/outreach_logs/push?details=1", phone, []any{map[string]any{"assumedMasterState": doc, "newDocumentState": edit}})
	if res.Status != 200 || !strings.Contains(string(res.Body), `"reason":"locked"`) || !strings.Contains(string(res.Body), `"status":"approved"`) {
		t.Fatalf("rxdb locked: %d %s", res.Status, res.Body)
	}
	if v := views(); len(v) != n+3 || v[n+2].Record != tt.OutreachA {
		t.Fatalf("rxdb refusal view entries: %+v", v[n+2:])
	} else if note := v[n+2].NoteJSON(t); note["sync_push"] != sync.ReasonLocked {
		t.Errorf("note %v", note)
	}

	// answers without a record leave nothing
	push(t, srv, phone, "", upsert("new", catalog.Activities, "auditedNothing01", newActivity(tt.VillageA, nil)))
	if v := views(); len(v) != n+3 {
		t.Errorf("a push without a server record left views: %+v", v[n+3:])
	}
	if !reflect.DeepEqual(r.Record["id"], tt.ActivityA) {
		t.Errorf("conflict record %v", r.Record)
	}
}

// A record moved out of the caller's village left a delete in its scope:
// that delete is the caller's business, so an edit of the record is met as
// an edit of a deleted record (409, or a deleted master state), never with
// the record's new village or content.
func TestEditOfARecordMovedOutOfScopeMeetsItsDelete(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	seen := cursorOf(t, srv, tok, tt.ActivityA)
	rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	rec.Set("village", tt.VillageB)
	rec.Set("venue", marker)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	wm := wmChanges(catalog.Activities, nil, []any{wmRecord(tt.ActivityA, map[string]any{"venue": "edited offline"})}, nil)
	res := srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", seen), tok, wm)
	if res.Status != 409 || strings.Contains(string(res.Body), marker) || strings.Contains(string(res.Body), tt.VillageB) {
		t.Fatalf("watermelon: %d %s", res.Status, res.Body)
	}
	doc := rxDoc(tt.ActivityA, nil)
	res = srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push", tok, []any{map[string]any{"assumedMasterState": doc, "newDocumentState": rxDoc(tt.ActivityA, map[string]any{"venue": "edited offline"})}})
	var masters []map[string]any
	if res.Status != 200 || json.Unmarshal(res.Body, &masters) != nil || len(masters) != 1 || masters[0]["_deleted"] != true || strings.Contains(string(res.Body), marker) {
		t.Fatalf("rxdb: %d %s", res.Status, res.Body)
	}
	r := push(t, srv, tok, "p", sync.Mutation{MutationID: "m", Collection: catalog.Activities, ID: tt.ActivityA, Op: "upsert", BaseVersion: version(seen), Data: map[string]any{"venue": "edited offline"}}).Results[0]
	if r.Status != sync.StatusConflict || r.Record != nil {
		t.Fatalf("native: %+v", r)
	}
	if rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA); rec.GetString("venue") != marker {
		t.Error("the moved record was changed")
	}
}

// PocketBase refuses a new id that differs from one in use only in letter
// case: a create with such a variant of another regency's id answers as
// the exact id does, on the three protocols.
func TestIDOfRegencyAInAnotherCaseAnswersAsTheExactID(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerB)
	variant := strings.ToUpper(tt.ActivityA)
	for i, id := range []string{tt.ActivityA, variant} {
		r := push(t, srv, tok, "case", upsert(fmt.Sprint("case", i), catalog.Activities, id, newActivity(tt.VillageB, nil))).Results[0]
		if r.Status != sync.StatusRejected || r.Reason != sync.ReasonIDTaken || r.Record != nil || len(r.Errors) != 1 {
			t.Errorf("native %s: %+v", id, r)
		}
		wm := wmChanges(catalog.Activities, []any{wmRecord(id, map[string]any{"village": tt.VillageB})}, nil, nil)
		if status, ans := wmPush(t, srv, tok, 0, wm); status != 200 || len(rejectedIDs(ans, catalog.Activities)) != 1 {
			t.Errorf("watermelon %s: %d %v", id, status, ans)
		}
		res := srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push?details=1", tok, []any{map[string]any{"newDocumentState": newActivity(tt.VillageB, map[string]any{"id": id})}})
		if res.Status != 200 || !strings.Contains(string(res.Body), `"reason":"id_taken"`) || strings.Contains(string(res.Body), `"record":{`) {
			t.Errorf("rxdb %s: %d %s", id, res.Status, res.Body)
		}
	}
	if _, err := srv.App.FindRecordById(catalog.Activities, variant); err == nil {
		t.Error("a case variant of a taken id was stored")
	}
}

// The numbers a phone sees (its records' versions, a push's and a pull's
// cursor) follow the server's clock (sync.SeqClock), not a count of
// changes: from two of them a phone cannot tell how many changes other
// villages made in between, only the time, which the records' dates show.
func TestFeedNumbersTellNoCountOfChangesElsewhere(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officerA, officerB := tt.Token(t, srv.App, tt.OfficerA), tt.Token(t, srv.App, tt.OfficerB)
	write := func(mid, id string) int64 {
		before := sync.SeqClock(time.Now())
		ans := push(t, srv, officerA, "clock-a", upsert(mid, catalog.Activities, id, newActivity(tt.VillageA, nil)))
		after := sync.SeqClock(time.Now())
		if len(ans.Results) != 1 || ans.Results[0].Status != sync.StatusApplied {
			t.Fatalf("push: %+v", ans.Results)
		}
		v := ans.Results[0].Version
		// the clock at the write, not the 3,000-odd changes the store holds
		if v <= before || v > after+1000 || ans.Cursor < v {
			t.Errorf("version %d, cursor %d of a write between clock %d and %d", v, ans.Cursor, before, after)
		}
		if len(fmt.Sprint(v)) != 15 {
			t.Errorf("version %d: not 15 digits (16 read as a NIK)", v)
		}
		return v
	}
	write("clock-1", "clockrecord00001")
	// another regency's village writes 300 records; the next number A sees
	// is still the clock
	var muts []sync.Mutation
	for i := range 300 {
		muts = append(muts, upsert(fmt.Sprint("clock-b-", i), catalog.Activities, fmt.Sprintf("clockrecordb%04d", i), newActivity(tt.VillageB, nil)))
	}
	if ans := push(t, srv, officerB, "clock-b", muts...); len(ans.Results) != 300 || ans.Results[299].Status != sync.StatusApplied {
		t.Fatalf("B's push: %d results", len(ans.Results))
	}
	write("clock-2", "clockrecord00002")
	// a pull of A that finds nothing new answers a position of the clock too
	before := sync.SeqClock(time.Now())
	if p := pull(t, srv, officerA, currentSeq(t, srv), ""); p.Cursor > sync.SeqClock(time.Now())+1000 || p.Cursor < before-6_000_000 {
		t.Errorf("caught-up pull's cursor %d, clock %d", p.Cursor, before)
	}
}
