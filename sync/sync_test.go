package sync_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"github.com/pocketbase/dbx"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"jangkau/areas"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

type change struct {
	Collection string         `json:"collection"`
	ID         string         `json:"id"`
	Deleted    bool           `json:"deleted"`
	Version    int64          `json:"version"`
	Record     map[string]any `json:"record"`
}

type pullPage struct {
	Cursor  int64    `json:"cursor"`
	HasMore bool     `json:"hasMore"`
	Reset   bool     `json:"reset"`
	Changes []change `json:"changes"`
}

func pull(t *testing.T, srv *tt.Server, token string, cursor int64, extra string) pullPage {
	t.Helper()
	res := srv.Do(t, http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d&limit=5000%s", cursor, extra), token, nil)
	if res.Status != 200 {
		t.Fatalf("pull: %d %s", res.Status, res.Body)
	}
	var p pullPage
	if err := json.Unmarshal(res.Body, &p); err != nil {
		t.Fatalf("pull body: %v", err)
	}
	return p
}

// pullAll pages until caught up and returns the last state per record.
func pullAll(t *testing.T, srv *tt.Server, token string, cursor int64) (map[string]change, int64, bool) {
	t.Helper()
	state := map[string]change{}
	reset := false
	for {
		p := pull(t, srv, token, cursor, "")
		reset = reset || p.Reset
		for _, c := range p.Changes {
			state[c.Collection+"/"+c.ID] = c
		}
		cursor = p.Cursor
		if !p.HasMore {
			return state, cursor, reset
		}
	}
}

type pushAnswer struct {
	Results []sync.Result `json:"results"`
	Cursor  int64         `json:"cursor"`
}

func push(t *testing.T, srv *tt.Server, token, client string, muts ...sync.Mutation) pushAnswer {
	t.Helper()
	res := srv.Do(t, http.MethodPost, "/api/sync/push", token, map[string]any{"clientId": client, "mutations": muts})
	if res.Status != 200 {
		t.Fatalf("push: %d %s", res.Status, res.Body)
	}
	var a pushAnswer
	if err := json.Unmarshal(res.Body, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func upsert(mid, collection, id string, data map[string]any) sync.Mutation {
	return sync.Mutation{MutationID: mid, Collection: collection, ID: id, Op: "upsert", Data: data}
}

func newActivity(village string, extra map[string]any) map[string]any {
	d := tt.Activity(village)
	for k, v := range extra {
		d[k] = v
	}
	return d
}

func version(v int64) *int64 { return &v }

func currentSeq(t *testing.T, srv *tt.Server) int64 {
	n, err := sync.CurrentSeq(srv.App)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// changesSince counts the feed rows numbered after seq (pushes take numbers
// in blocks, so the counter may run ahead of the rows).
func changesSince(t *testing.T, srv *tt.Server, seq int64) int64 {
	var n int64
	if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM sync_changes WHERE seq > {:s}").Bind(dbx.Params{"s": seq}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPullIsScopedOrderedAndComplete(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	state, _, _ := pullAll(t, srv, tt.Token(t, srv.App, tt.OfficerA), 0)
	for _, want := range []string{"activities/" + tt.ActivityA, "outreach_logs/" + tt.OutreachA, "village_programs/" + tt.ProgramA,
		"areas/18", "areas/18.01", "areas/" + tt.VillageA, "areas/" + tt.VillageB[:0] + "18.01.04", "rad_indicators/" + tt.IndicatorID} {
		if _, ok := state[want]; !ok {
			t.Errorf("officer A misses %s", want)
		}
	}
	for key := range state {
		if strings.Contains(key, "B0001") || strings.HasPrefix(key, "areas/18.02") {
			t.Errorf("officer A receives %s", key)
		}
	}
	// of the areas, only those that name its own place: village, district,
	// regency, province (not its district's other villages, nor its
	// regency's other districts)
	var areasSeen []string
	for key := range state {
		if id, ok := strings.CutPrefix(key, "areas/"); ok {
			areasSeen = append(areasSeen, id)
		}
	}
	slices.Sort(areasSeen)
	if want := []string{"18", "18.01", "18.01.04", tt.VillageA}; !slices.Equal(areasSeen, want) {
		t.Errorf("officer A got areas %v; want %v", areasSeen, want)
	}
	// a district verifier still gets its whole regency's areas, and no other's
	verifier, _, _ := pullAll(t, srv, tt.Token(t, srv.App, tt.VerifierA), 0)
	var regencyAreas int
	if err := srv.App.DB().NewQuery(`SELECT COUNT(*) FROM areas WHERE id = '18' OR id = '18.01' OR id LIKE '18.01.%'`).Row(&regencyAreas); err != nil {
		t.Fatal(err)
	}
	verifierAreas := 0
	for key := range verifier {
		if id, ok := strings.CutPrefix(key, "areas/"); ok {
			verifierAreas++
			if id != "18" && !areas.Contains("18.01", id) {
				t.Errorf("verifier A receives area %s", id)
			}
		}
	}
	if verifierAreas != regencyAreas || verifierAreas < 100 {
		t.Errorf("verifier A got %d areas; want its regency's %d and the province", verifierAreas, regencyAreas)
	}

	// the province sees everything, in strictly increasing order, each record once
	p := pull(t, srv, tt.Token(t, srv.App, tt.Secretariat), 0, "")
	seen := map[string]bool{}
	var last int64
	for _, c := range p.Changes {
		if c.Version <= last {
			t.Fatalf("order: %d after %d", c.Version, last)
		}
		last = c.Version
		key := c.Collection + "/" + c.ID
		if seen[key] {
			t.Fatalf("%s twice", key)
		}
		seen[key] = true
	}
	if !seen["activities/"+tt.ActivityB] || !seen["activities/"+tt.ActivityA] {
		t.Error("province misses activities")
	}
	// small pages chain without gaps or repeats
	tok := tt.Token(t, srv.App, tt.VerifierA)
	var cursor int64
	paged := map[string]bool{}
	for i := 0; ; i++ {
		res := srv.Do(t, http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d&limit=50", cursor), tok, nil)
		var pg pullPage
		_ = json.Unmarshal(res.Body, &pg)
		for _, c := range pg.Changes {
			if paged[c.Collection+"/"+c.ID] {
				t.Fatalf("%s repeated across pages", c.ID)
			}
			paged[c.Collection+"/"+c.ID] = true
		}
		cursor = pg.Cursor
		if !pg.HasMore {
			break
		}
	}
	full, _, _ := pullAll(t, srv, tok, 0)
	if len(full) != len(paged) {
		t.Errorf("paged %d records, one page %d", len(paged), len(full))
	}
}

func TestPushAppliesOnceAndReplaysTheFirstResult(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	m := upsert("m-1", catalog.Activities, "phoneRecord00001", newActivity(tt.VillageA, map[string]any{"regency": tt.RegencyB, "created_by": "someoneelse0000"}))
	first := push(t, srv, tok, "phone-1", m)
	if r := first.Results[0]; r.Status != sync.StatusApplied || r.Version == 0 {
		t.Fatalf("first: %+v", r)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, "phoneRecord00001")
	if rec.GetString("regency") != tt.RegencyA || rec.GetString("created_by") != tt.UserID(tt.OfficerA) {
		t.Errorf("server fields taken from the client: regency %s created_by %s", rec.GetString("regency"), rec.GetString("created_by"))
	}
	seq := currentSeq(t, srv)
	again := push(t, srv, tok, "phone-1", m)
	if r := again.Results[0]; !r.Replayed || r.Status != sync.StatusApplied || r.Version != first.Results[0].Version {
		t.Fatalf("replay: %+v", r)
	}
	if currentSeq(t, srv) != seq {
		t.Error("a replay wrote to the feed")
	}
	// the same content under a new mutation id is a duplicate: nothing written
	m.MutationID = "m-2"
	dup := push(t, srv, tok, "phone-1", m)
	if r := dup.Results[0]; r.Status != sync.StatusDuplicate || r.Replayed {
		t.Fatalf("duplicate: %+v", r)
	}
	if currentSeq(t, srv) != seq {
		t.Error("a duplicate wrote to the feed")
	}
}

func TestConcurrentPushesOfOneMutationWriteOnce(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	before := currentSeq(t, srv)
	m := upsert("m-concurrent", catalog.Activities, "concurrentRec001", newActivity(tt.VillageA, nil))
	var wg gosync.WaitGroup
	results := make([]sync.Result, 8)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = push(t, srv, tok, "phone-c", m).Results[0]
		}(i)
	}
	wg.Wait()
	replays := 0
	for _, r := range results {
		if r.Status != sync.StatusApplied {
			t.Errorf("result %+v", r)
		}
		if r.Replayed {
			replays++
		}
	}
	if replays != len(results)-1 {
		t.Errorf("%d replays, want %d", replays, len(results)-1)
	}
	if n := changesSince(t, srv, before); n != 1 {
		t.Errorf("%d feed rows written, want 1", n)
	}
}

func TestConflictReturnsTheServerRecord(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	state, _, _ := pullAll(t, srv, tok, 0)
	base := state["activities/"+tt.ActivityA].Version
	// another phone of the same village edits first
	r1 := push(t, srv, tok, "phone-2", sync.Mutation{MutationID: "a", Collection: catalog.Activities, ID: tt.ActivityA, Op: "upsert", BaseVersion: version(base), Data: map[string]any{"venue": "Masjid"}}).Results[0]
	if r1.Status != sync.StatusApplied {
		t.Fatalf("%+v", r1)
	}
	r2 := push(t, srv, tok, "phone-1", sync.Mutation{MutationID: "b", Collection: catalog.Activities, ID: tt.ActivityA, Op: "upsert", BaseVersion: version(base), Data: map[string]any{"venue": "Sekolah"}}).Results[0]
	if r2.Status != sync.StatusConflict || r2.Record["venue"] != "Masjid" || r2.Version != r1.Version {
		t.Fatalf("conflict: %+v", r2)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	if rec.GetString("venue") != "Masjid" {
		t.Error("conflicting write stored")
	}
	// a create of an id the server already holds with other content is a conflict too
	r3 := push(t, srv, tok, "phone-3", upsert("c", catalog.Activities, tt.ActivityA, newActivity(tt.VillageA, map[string]any{"title": "Lain"}))).Results[0]
	if r3.Status != sync.StatusConflict {
		t.Fatalf("create over existing: %+v", r3)
	}
	// rebased on the new version it applies
	r4 := push(t, srv, tok, "phone-1", sync.Mutation{MutationID: "d", Collection: catalog.Activities, ID: tt.ActivityA, Op: "upsert", BaseVersion: version(r2.Version), Data: map[string]any{"venue": "Sekolah"}}).Results[0]
	if r4.Status != sync.StatusApplied {
		t.Fatalf("rebased: %+v", r4)
	}
}

func TestApprovedRecordIsLockedAndPullRestoresIt(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	r := push(t, srv, officer, "p", sync.Mutation{MutationID: "s", Collection: catalog.Activities, ID: tt.ActivityA, Op: "upsert", BaseVersion: nil, Data: map[string]any{"status": "submitted"}}).Results[0]
	if r.Status != sync.StatusConflict { // no base version: the server holds it already
		t.Fatalf("%+v", r)
	}
	state, cursor, _ := pullAll(t, srv, officer, 0)
	r = push(t, srv, officer, "p", sync.Mutation{MutationID: "s2", Collection: catalog.Activities, ID: tt.ActivityA, Op: "upsert", BaseVersion: version(state["activities/"+tt.ActivityA].Version), Data: map[string]any{"status": "submitted"}}).Results[0]
	if r.Status != sync.StatusApplied {
		t.Fatalf("submit: %+v", r)
	}
	res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tt.Token(t, srv.App, tt.VerifierA), map[string]any{"status": "approved"})
	if res.Status != 200 {
		t.Fatalf("approve: %d %s", res.Status, res.Body)
	}
	p := pull(t, srv, officer, cursor, "")
	var v int64
	for _, c := range p.Changes {
		if c.ID == tt.ActivityA {
			v = c.Version
			if c.Record["status"] != "approved" {
				t.Errorf("pull shows %v", c.Record["status"])
			}
		}
	}
	r = push(t, srv, officer, "p", sync.Mutation{MutationID: "edit", Collection: catalog.Activities, ID: tt.ActivityA, Op: "upsert", BaseVersion: version(v), Data: map[string]any{"title": "Diubah setelah disetujui"}}).Results[0]
	if r.Status != sync.StatusRejected || r.Reason != sync.ReasonLocked {
		t.Fatalf("edit of approved: %+v", r)
	}
	r = push(t, srv, officer, "p", sync.Mutation{MutationID: "del", Collection: catalog.Activities, ID: tt.ActivityA, Op: "delete", BaseVersion: version(v)}).Results[0]
	if r.Status != sync.StatusRejected || r.Reason != sync.ReasonLocked {
		t.Fatalf("delete of approved: %+v", r)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	if rec.GetString("title") != "Sosialisasi migrasi aman" {
		t.Error("locked record changed")
	}
}

func TestOneBadMutationNeverBlocksTheOthers(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	muts := []sync.Mutation{
		upsert("1", catalog.Activities, "goodRecord000001", newActivity(tt.VillageA, nil)),
		upsert("2", catalog.Activities, "nikInTitle000001", newActivity(tt.VillageA, map[string]any{"title": "Korban 1801234567890001"})),
		upsert("3", catalog.Activities, "otherVillage0001", newActivity(tt.VillageB, nil)),
		upsert("4", catalog.Activities, "unknownField0001", newActivity(tt.VillageA, map[string]any{"victim_name": "x"})),
		upsert("5", catalog.Activities, "wrongType0000001", newActivity(tt.VillageA, map[string]any{"male_child": "lima"})),
		upsert("6", "users", "someUserRecord01", map[string]any{"role": "province_secretariat"}),
		upsert("7", catalog.OutreachLogs, "goodOutreach0001", tt.Outreach(tt.VillageA)),
		upsert("8", catalog.Activities, "bad.id", newActivity(tt.VillageA, nil)),
	}
	want := []struct{ status, reason, field, code string }{
		{sync.StatusApplied, "", "", ""},
		{sync.StatusRejected, sync.ReasonInvalid, "title", "privacy_nik"},
		{sync.StatusRejected, sync.ReasonForbidden, "village", "not_your_area"},
		{sync.StatusRejected, sync.ReasonInvalid, "victim_name", "unknown_field"},
		{sync.StatusRejected, sync.ReasonInvalid, "male_child", "invalid_type"},
		{sync.StatusRejected, sync.ReasonInvalid, "collection", "unknown_collection"},
		{sync.StatusApplied, "", "", ""},
		{sync.StatusRejected, sync.ReasonInvalid, "id", "invalid_id"},
	}
	ans := push(t, srv, tok, "phone-x", muts...)
	for i, r := range ans.Results {
		w := want[i]
		if r.Status != w.status || r.Reason != w.reason || (w.field != "" && r.Errors[w.field].Code != w.code) {
			t.Errorf("mutation %d: %+v, want %+v", i+1, r, w)
		}
		if w.field != "" && !strings.Contains(r.Errors[w.field].Message, " / ") {
			t.Errorf("mutation %d: message not bilingual: %q", i+1, r.Errors[w.field].Message)
		}
	}
	for _, id := range []string{"nikInTitle000001", "otherVillage0001", "unknownField0001", "wrongType0000001"} {
		if _, err := srv.App.FindRecordById(catalog.Activities, id); err == nil {
			t.Errorf("%s stored", id)
		}
	}
	// a rejection is remembered: the retry gets the same answer
	again := push(t, srv, tok, "phone-x", muts[1])
	if r := again.Results[0]; !r.Replayed || r.Status != sync.StatusRejected || r.Errors["title"].Code != "privacy_nik" {
		t.Errorf("rejected replay: %+v", r)
	}
}

func TestDeletesReachOtherPhonesAndMissingDeletesAreIgnored(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	_, cursor, _ := pullAll(t, srv, tok, 0)
	r := push(t, srv, tok, "p1", sync.Mutation{MutationID: "d1", Collection: catalog.Activities, ID: tt.ActivityA, Op: "delete", BaseVersion: version(cursorOf(t, srv, tok, tt.ActivityA))}).Results[0]
	if r.Status != sync.StatusApplied {
		t.Fatalf("%+v", r)
	}
	p := pull(t, srv, tok, cursor, "")
	found := false
	for _, c := range p.Changes {
		if c.ID == tt.ActivityA && c.Deleted {
			found = true
		}
	}
	if !found {
		t.Error("delete not pulled")
	}
	r = push(t, srv, tok, "p1", sync.Mutation{MutationID: "d2", Collection: catalog.Activities, ID: "neverExisted0001", Op: "delete"}).Results[0]
	if r.Status != sync.StatusApplied {
		t.Errorf("missing delete: %+v", r)
	}
	// the verifier of another regency never sees the tombstone
	pb := pull(t, srv, tt.Token(t, srv.App, tt.VerifierB), cursor, "")
	for _, c := range pb.Changes {
		if c.ID == tt.ActivityA {
			t.Error("tombstone leaked to another regency")
		}
	}
}

func cursorOf(t *testing.T, srv *tt.Server, tok, id string) int64 {
	state, _, _ := pullAll(t, srv, tok, 0)
	return state["activities/"+id].Version
}

func TestIDOfAnotherVillageIsRefusedWithoutLeaking(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	r := push(t, srv, tt.Token(t, srv.App, tt.OfficerB), "pb", upsert("x", catalog.Activities, tt.ActivityA, newActivity(tt.VillageB, nil))).Results[0]
	if r.Status != sync.StatusRejected || r.Reason != sync.ReasonIDTaken || r.Record != nil {
		t.Fatalf("%+v", r)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	if rec.GetString("village") != tt.VillageA {
		t.Error("record taken over")
	}
}

func TestScopeChangeForcesReset(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	_, cursor, _ := pullAll(t, srv, tok, 0)
	res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.Secretariat), map[string]any{"area": tt.VillageA2})
	if res.Status != 200 {
		t.Fatalf("move: %d %s", res.Status, res.Body)
	}
	tok = tt.Token(t, srv.App, tt.OfficerA)
	state, _, reset := pullAll(t, srv, tok, cursor)
	if !reset {
		t.Fatal("no reset after the user moved")
	}
	if _, ok := state["activities/"+tt.ActivityA]; ok {
		t.Error("old village's record in the re-download")
	}
	if _, ok := state["areas/"+tt.VillageA2]; !ok {
		t.Error("re-download is not a full download")
	}
	// after the reset the cursor is good again
	if p := pull(t, srv, tok, currentSeq(t, srv), ""); p.Reset {
		t.Error("reset again")
	}
}

func TestCursorOlderThanPurgedTombstonesForcesReset(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	_, cursor, _ := pullAll(t, srv, tok, 0)
	push(t, srv, tok, "p", upsert("n", catalog.Activities, "shortLived000001", newActivity(tt.VillageA, nil)))
	push(t, srv, tok, "p", sync.Mutation{MutationID: "d", Collection: catalog.Activities, ID: "shortLived000001", Op: "delete", BaseVersion: version(cursorOf(t, srv, tok, "shortLived000001"))})
	// nothing is purged inside the retention
	if n, _ := sync.PurgeTombstones(srv.App, time.Now().Add(-sync.TombstoneRetention)); n != 0 {
		t.Fatalf("purged %d fresh tombstones", n)
	}
	if sync.TombstoneRetention < 400*24*time.Hour {
		t.Fatal("tombstones kept less than 400 days")
	}
	if p := pull(t, srv, tok, cursor, ""); p.Reset {
		t.Fatal("reset before any purge")
	}
	if n, err := sync.PurgeTombstones(srv.App, time.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if p := pull(t, srv, tok, cursor, ""); !p.Reset {
		t.Fatal("no reset for a cursor older than purged tombstones")
	}
}

// The results of pushes are remembered for the retention, then forgotten
// (sync_mutations would grow by a row per record ever pushed): a mutation
// sent again inside it is replayed, after it applied again, changing
// nothing; other installs' recent results stay.
func TestRememberedResultsArePurgedAfterTheRetention(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	m := upsert("kept-then-purged", catalog.Activities, "rememberedRec001", newActivity(tt.VillageA, nil))
	first := push(t, srv, tok, "phone-lama", m).Results[0]
	push(t, srv, tok, "phone-baru", upsert("other-install", catalog.Activities, "rememberedRec002", newActivity(tt.VillageA, nil)))
	if sync.MutationRetention < 400*24*time.Hour {
		t.Fatal("push results remembered less than 400 days")
	}
	if n, err := sync.PurgeMutations(srv.App, time.Now().Add(-sync.MutationRetention)); err != nil || n != 0 {
		t.Fatalf("purged %d fresh results: %v", n, err)
	}
	if again := push(t, srv, tok, "phone-lama", m).Results[0]; !again.Replayed || again.Version != first.Version {
		t.Fatalf("inside the retention: %+v", again)
	}
	// one install's results grow old
	if _, err := srv.App.DB().NewQuery(`UPDATE sync_mutations SET created = '2024-01-01 00:00:00.000Z' WHERE client_id = 'phone-lama'`).Execute(); err != nil {
		t.Fatal(err)
	}
	if n, err := sync.PurgeMutations(srv.App, time.Now().Add(-sync.MutationRetention)); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	var n int
	if err := srv.App.DB().NewQuery(`SELECT COUNT(*) FROM sync_mutations WHERE client_id = 'phone-baru'`).Row(&n); err != nil || n != 1 {
		t.Errorf("another install's recent result: %d rows", n)
	}
	before := changesSince(t, srv, 0)
	if again := push(t, srv, tok, "phone-lama", m).Results[0]; again.Replayed || again.Status != sync.StatusDuplicate {
		t.Errorf("after the retention, sent again: %+v (want applied again as a duplicate)", again)
	}
	if after := changesSince(t, srv, 0); after != before {
		t.Errorf("sent again after the purge wrote %d feed rows", after-before)
	}
}

func TestRecordMovedToAnotherVillageLeavesTheOldOne(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	a := tt.Token(t, srv.App, tt.OfficerA)
	a2 := tt.Token(t, srv.App, tt.OfficerA2)
	_, ca, _ := pullAll(t, srv, a, 0)
	_, ca2, _ := pullAll(t, srv, a2, 0)
	rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	rec.Set("village", tt.VillageA2)
	if err := srv.App.Save(rec); err != nil { // a correction by an administrator
		t.Fatal(err)
	}
	pa, _, _ := pullAll(t, srv, a, ca)
	if c, ok := pa["activities/"+tt.ActivityA]; !ok || !c.Deleted {
		t.Errorf("old village: %+v", c)
	}
	pa2, ca2, _ := pullAll(t, srv, a2, ca2)
	if c, ok := pa2["activities/"+tt.ActivityA]; !ok || c.Deleted {
		t.Errorf("new village: %+v", c)
	}
	pv, _, _ := pullAll(t, srv, tt.Token(t, srv.App, tt.VerifierA), 0)
	if c := pv["activities/"+tt.ActivityA]; c.Deleted {
		t.Error("the regency's verifier lost the moved record")
	}

	// The same object saved again, to a third village: the village it was
	// stored in last (A2) gets the tombstone, although PocketBase's
	// Original() of the object still says A.
	rec.Set("village", tt.VillageB)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	pa2, _, _ = pullAll(t, srv, a2, ca2)
	if c, ok := pa2["activities/"+tt.ActivityA]; !ok || !c.Deleted {
		t.Errorf("second move: the village it left kept it: %+v", c)
	}
	pb, _, _ := pullAll(t, srv, tt.Token(t, srv.App, tt.OfficerB), 0)
	if c, ok := pb["activities/"+tt.ActivityA]; !ok || c.Deleted {
		t.Errorf("second move: the new village did not get it: %+v", c)
	}
}

func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	before := currentSeq(t, srv)
	many := make([]sync.Mutation, sync.MaxMutations+1)
	for i := range many {
		many[i] = upsert(fmt.Sprint(i), catalog.Activities, fmt.Sprintf("manyRecords%05d", i), newActivity(tt.VillageA, nil))
	}
	cases := []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"malformed json", http.MethodPost, "/api/sync/push", `{"clientId": "x", "mutations": [`, "body"},
		{"unknown top-level field", http.MethodPost, "/api/sync/push", `{"clientId": "x", "mutations": [], "extra": 1}`, "body"},
		{"too many", http.MethodPost, "/api/sync/push", map[string]any{"clientId": "x", "mutations": many}, "mutations"},
		{"no client id", http.MethodPost, "/api/sync/push", map[string]any{"mutations": many[:1]}, "clientId"},
		{"no mutation id", http.MethodPost, "/api/sync/push", map[string]any{"clientId": "x", "mutations": []any{map[string]any{"collection": "activities", "id": "noMutationId0001", "op": "upsert"}}}, "mutations.0.mutationId"},
		{"wrong type of mutations", http.MethodPost, "/api/sync/push", `{"clientId": "x", "mutations": {"a": 1}}`, "body"},
		{"cursor not a number", http.MethodGet, "/api/sync/pull?cursor=abc", nil, "cursor"},
		{"unknown collection", http.MethodGet, "/api/sync/pull?collections=users", nil, "collections"},
		{"limit too big", http.MethodGet, "/api/sync/pull?limit=100000", nil, "limit"},
		{"watermelon unknown table", http.MethodPost, "/api/sync/watermelon?last_pulled_at=0", `{"users": {"created": [], "updated": [], "deleted": []}}`, "users"},
		{"watermelon unknown column", http.MethodPost, "/api/sync/watermelon?last_pulled_at=0", `{"activities": {"created": [{"id": "wmUnknownCol0001", "nik": "1"}], "updated": [], "deleted": []}}`, "activities.nik"},
		{"watermelon malformed", http.MethodPost, "/api/sync/watermelon?last_pulled_at=0", `[1,2`, "body"},
		{"rxdb unknown collection", http.MethodGet, "/api/sync/rxdb/users/pull", nil, "collection"},
		{"rxdb bad checkpoint", http.MethodGet, "/api/sync/rxdb/activities/pull?checkpoint=%7Bseq", nil, "checkpoint"},
		{"rxdb read-only push", http.MethodPost, "/api/sync/rxdb/areas/push", `[]`, "collection"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := srv.Do(t, c.method, c.path, tok, c.body)
			if res.Status != 400 {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			data, _ := res.JSON()["data"].(map[string]any)
			fe, _ := data[c.field].(map[string]any)
			if fe == nil || !strings.Contains(fe["message"].(string), " / ") {
				t.Errorf("no bilingual error naming %q: %s", c.field, res.Body)
			}
		})
	}
	if currentSeq(t, srv) != before {
		t.Error("refused requests wrote to the feed")
	}
	if res := srv.Do(t, http.MethodGet, "/api/sync/pull", "", nil); res.Status != 401 {
		t.Errorf("anonymous pull: %d", res.Status)
	}
}

func TestWatermelonPushConflictAndRejectedIDs(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	before := currentSeq(t, srv)
	// stale last_pulled_at: 409, nothing written
	body := map[string]any{"activities": map[string]any{"created": []any{}, "updated": []any{map[string]any{"id": tt.ActivityA, "venue": "x", "_status": "updated", "_changed": "venue"}}, "deleted": []any{}}}
	res := srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", 1), tok, body)
	if res.Status != 409 {
		t.Fatalf("stale push: %d %s", res.Status, res.Body)
	}
	if currentSeq(t, srv) != before {
		t.Fatal("409 push wrote")
	}
	good := newActivity(tt.VillageA, map[string]any{"id": "wmGoodRecord0001", "topics": `["modus_tppo"]`, "target_groups": "[]"})
	bad := newActivity(tt.VillageA, map[string]any{"id": "wmBadRecord00001", "note": nil, "title": "Hubungi 081234567890"})
	delete(bad, "note")
	body = map[string]any{"activities": map[string]any{"created": []any{good, bad}, "updated": []any{}, "deleted": []any{"wmNeverExisted01"}}}
	res = srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", before), tok, body)
	if res.Status != 200 {
		t.Fatalf("push: %d %s", res.Status, res.Body)
	}
	var ans struct {
		Rejected map[string][]string `json:"experimentalRejectedIds"`
	}
	_ = json.Unmarshal(res.Body, &ans)
	if len(ans.Rejected["activities"]) != 1 || ans.Rejected["activities"][0] != "wmBadRecord00001" {
		t.Errorf("rejected ids: %s", res.Body)
	}
	rec, err := srv.App.FindRecordById(catalog.Activities, "wmGoodRecord0001")
	if err != nil || fmt.Sprint(rec.Get("topics")) != "[modus_tppo]" {
		t.Errorf("good record: %v %v", err, rec)
	}
	// the pull sends lists as JSON strings
	res = srv.Do(t, http.MethodGet, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d&schema_version=1", before), tok, nil)
	var pulled struct {
		Changes   map[string]map[string][]map[string]any `json:"changes"`
		Timestamp int64                                  `json:"timestamp"`
	}
	if err := json.Unmarshal(res.Body, &pulled); err != nil {
		t.Fatalf("%v: %s", err, res.Body)
	}
	up := pulled.Changes["activities"]["updated"]
	if len(up) != 1 || up[0]["topics"] != `["modus_tppo"]` {
		t.Errorf("watermelon pull: %v", up)
	}
}

func TestHintStreamsFollowScope(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	open := func(who, path string) chan string {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", tt.Token(t, srv.App, who))
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("stream: %v %v", err, res)
		}
		t.Cleanup(func() { res.Body.Close() })
		ch := make(chan string, 10)
		go func() {
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				if line := sc.Text(); strings.HasPrefix(line, "data: ") {
					ch <- strings.TrimPrefix(line, "data: ")
				}
			}
		}()
		return ch
	}
	expect := func(ch chan string, want bool, label string) {
		select {
		case ev := <-ch:
			if !want {
				t.Errorf("%s: unexpected event %s", label, ev)
			}
		case <-time.After(500 * time.Millisecond):
			if want {
				t.Errorf("%s: no event", label)
			}
		}
	}
	rxA := open(tt.OfficerA, "/api/sync/rxdb/activities/pull_stream")
	rxB := open(tt.OfficerB, "/api/sync/rxdb/activities/pull_stream")
	nativeV := open(tt.VerifierA, "/api/sync/stream")
	if ev := <-rxA; ev != `"RESYNC"` {
		t.Fatalf("first event %s", ev)
	}
	<-rxB
	<-nativeV
	push(t, srv, tt.Token(t, srv.App, tt.OfficerA), "p", upsert("h", catalog.Activities, "hintRecord000001", newActivity(tt.VillageA, nil)))
	expect(rxA, true, "officer A rxdb")
	expect(nativeV, true, "verifier A native")
	expect(rxB, false, "officer B rxdb")

	// a record moved from village A to village B: both villages' phones
	// are told (A must drop it, B gets it)
	rec, err := srv.App.FindRecordById(catalog.Activities, "hintRecord000001")
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("village", tt.VillageB)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	expect(rxA, true, "move: officer A (the village it left)")
	expect(rxB, true, "move: officer B (the village it reached)")
}

// A push numbers its writes from blocks of the counter: versions stay
// strictly increasing and unique, the counter ends at the last one used, a
// later write on another path comes after all of them, and a pull from the
// push's cursor has nothing more to send.
func TestPushNumbersFollowCommitOrder(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	before := currentSeq(t, srv)
	muts := make([]sync.Mutation, 150)
	for i := range muts {
		muts[i] = upsert(fmt.Sprint(i), catalog.Activities, fmt.Sprintf("numberedRecord%03d", i), newActivity(tt.VillageA, nil))
	}
	a := push(t, srv, tok, "numbers", muts...)
	last := before
	for _, r := range a.Results {
		if r.Status != sync.StatusApplied || r.Version <= last || r.Version > a.Cursor {
			t.Fatalf("result %+v after version %d (cursor %d)", r, last, a.Cursor)
		}
		last = r.Version
	}
	if n := changesSince(t, srv, before); n != int64(len(muts)) {
		t.Fatalf("%d feed rows, want %d", n, len(muts))
	}
	if a.Cursor != last || currentSeq(t, srv) != last {
		t.Errorf("cursor %d, counter %d, last version %d: the unused numbers were not given back", a.Cursor, currentSeq(t, srv), last)
	}
	if p := pull(t, srv, tok, a.Cursor, ""); len(p.Changes) != 0 {
		t.Errorf("%d changes after the push's own cursor", len(p.Changes))
	}
	res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/numberedRecord000", tok, map[string]any{"venue": "Aula desa"})
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	p := pull(t, srv, tok, a.Cursor, "")
	if len(p.Changes) != 1 || p.Changes[0].Version <= a.Cursor {
		t.Fatalf("the REST edit after the push: %+v", p.Changes)
	}
	// a one-mutation push takes one number, no block: the counter ends at
	// its record's version
	one := currentSeq(t, srv)
	single := push(t, srv, tok, "numbers", upsert("one", catalog.Activities, "numberedRecord999", newActivity(tt.VillageA, nil)))
	if got := currentSeq(t, srv); got != single.Results[0].Version || got <= one || changesSince(t, srv, one) != 1 {
		t.Errorf("a push of one record: counter %d -> %d, its version %d", one, got, single.Results[0].Version)
	}
}

// A push validates records as PocketBase does (it makes the database
// lookups once per push): every bad record gets the field and code the REST
// API gives for the same data, and good ones pass.
func TestPushValidatesLikePocketBase(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("indicator%06d", i)
	}
	cases := []struct {
		name, id, field string
		extra           map[string]any
	}{
		{"a related record that does not exist", "relMissing00001", "rad_indicators", map[string]any{"rad_indicators": []string{"noSuchIndicator1"}}},
		{"a related record that exists beside one that does not", "relHalfMissing1", "rad_indicators", map[string]any{"rad_indicators": []string{tt.IndicatorID, "noSuchIndicator2"}}},
		{"too many related records", "relTooMany00001", "rad_indicators", map[string]any{"rad_indicators": tooMany}},
		{"an id taken in another case", strings.ToUpper(tt.ActivityA), "id", nil},
		{"a title too long", "titleTooLong001", "title", map[string]any{"title": strings.Repeat("a", 301)}},
		{"an unknown type", "unknownType0001", "type", map[string]any{"type": "bogus"}},
		{"no title", "noTitle00000001", "title", map[string]any{"title": ""}},
		// the model checks (made beside the writer for a push's creates)
		{"a phone number in the summary", "privacyText0001", "outcome_summary", map[string]any{"outcome_summary": "Hubungi Bu Sari di 081234567890 untuk jadwal."}},
		{"an end before the start", "endBeforeStart1", "end_date", map[string]any{"end_date": "2025-03-09 08:00:00.000Z"}},
		{"a title too long and an end before the start", "twoFailures0001", "end_date", map[string]any{"title": strings.Repeat("a", 301), "end_date": "2025-03-09 08:00:00.000Z"}},
		{"a village that is a district", "villageIsDist01", "village", map[string]any{"village": "18.01.04"}},
		{"an unknown topic and a phone number", "vocabAndPhone01", "venue", map[string]any{"topics": []string{"bogus_topic"}, "venue": "Rumah 081234567890"}},
	}
	var muts []sync.Mutation
	for i, c := range cases {
		muts = append(muts, upsert(fmt.Sprint("bad", i), catalog.Activities, c.id, newActivity(tt.VillageA, c.extra)))
	}
	good := newActivity(tt.VillageA, map[string]any{"rad_indicators": []string{tt.IndicatorID}})
	muts = append(muts, upsert("good", catalog.Activities, "relGood00000001", good))
	results := push(t, srv, tok, "validation", muts...).Results
	for i, c := range cases {
		r := results[i]
		body := newActivity(tt.VillageA, c.extra)
		body["id"] = c.id
		rest := srv.Do(t, http.MethodPost, "/api/collections/activities/records", tok, body)
		want := rest.FieldError(c.field)
		if rest.Status != 400 || want == "" {
			t.Fatalf("%s: REST answered %d %s", c.name, rest.Status, rest.Body)
		}
		if r.Status != sync.StatusRejected || r.Errors[c.field].Code != want {
			t.Errorf("%s: push %+v, REST refuses %s with %s", c.name, r, c.field, want)
		}
		// refused for the same faults, not only the one named
		restFields, _ := rest.JSON()["data"].(map[string]any)
		if len(restFields) != len(r.Errors) {
			t.Errorf("%s: push refuses %v, REST %v", c.name, r.Errors, restFields)
		}
		if _, err := srv.App.FindRecordById(catalog.Activities, c.id); err == nil && c.field != "id" {
			t.Errorf("%s: stored", c.name)
		}
	}
	if r := results[len(cases)]; r.Status != sync.StatusApplied {
		t.Fatalf("good record: %+v", r)
	}
	rec, err := srv.App.FindRecordById(catalog.Activities, "relGood00000001")
	if err != nil || len(rec.GetStringSlice("rad_indicators")) != 1 {
		t.Fatalf("good record stored: %v %v", rec, err)
	}

	// Within one push: a case variant of an id created earlier in it is
	// taken; after a delete in the push the id is free again.
	vp := tt.Token(t, srv.App, tt.OfficerA)
	first := push(t, srv, vp, "validation", upsert("c1", catalog.Activities, "caseInPush00001", newActivity(tt.VillageA, nil)),
		upsert("c2", catalog.Activities, "CASEINPUSH00001", newActivity(tt.VillageA, nil))).Results
	if first[0].Status != sync.StatusApplied || first[1].Status != sync.StatusRejected || first[1].Errors["id"].Code != "validation_pk_invalid" {
		t.Fatalf("case variant within a push: %+v", first)
	}
	again := push(t, srv, vp, "validation",
		sync.Mutation{MutationID: "d1", Collection: catalog.Activities, ID: "caseInPush00001", Op: "delete", BaseVersion: version(first[0].Version)},
		upsert("c3", catalog.Activities, "CASEINPUSH00001", newActivity(tt.VillageA, nil))).Results
	if again[0].Status != sync.StatusApplied || again[1].Status != sync.StatusApplied {
		t.Fatalf("id free after a delete in the push: %+v", again)
	}
}
