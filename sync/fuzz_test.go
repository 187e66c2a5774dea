package sync_test

// Fuzz tests of every request decoder of the three sync protocols, over
// real HTTP against the real app, as officer B (so that regency A's
// records are what must never leak). The seeds run in every `go test`;
// `go test -run '^$' -fuzz FuzzX -fuzztime 20s ./sync/` explores further.
//
// Properties, whatever the input:
//   - no 5xx (a panic would be a 500);
//   - a refusal is a 400 (409 for a WatermelonDB conflict) with a message
//     and a per-field error in Bahasa Indonesia and English, and nothing is
//     written: not the feed, records, devices, replays nor the audit trail;
//   - an answer is well-formed for its protocol, sends only records of the
//     caller's scope, and a pull that sends records is in the audit trail;
//   - regency A's records are never shown nor changed.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

// fuzzServer is one app per fuzz target (and fuzz worker), shared by its
// inputs, with officer B's token.
func fuzzServer(f *testing.F) (*tt.Server, string) {
	srv := tt.NewServer(f)
	return srv, tt.Token(f, srv.App, tt.OfficerB)
}

// written sums up everything a request could write, cheaply (the fuzzers
// run it twice per input): every write of a synced record takes a feed
// number in its transaction, replays and audit entries only grow.
func written(t *testing.T, app core.App) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT group_concat(name || '=' || value) FROM sync_counters`,
		`SELECT COUNT(*) FROM sync_mutations`,
		`SELECT COALESCE(MAX(rowid), 0) FROM audit_log`,
		`SELECT COUNT(*) || '/' || COALESCE(MAX(updated), '') FROM devices`,
	} {
		var v string
		if err := app.DB().NewQuery(q).Row(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return strings.Join(out, " ")
}

// fixturesOfA is the stored state of regency A's fixture records.
func fixturesOfA(t *testing.T, app core.App) string {
	return storedState(t, app, catalog.Activities, tt.ActivityA) + storedState(t, app, catalog.OutreachLogs, tt.OutreachA) +
		storedState(t, app, catalog.VillagePrograms, tt.ProgramA)
}

func bilingual(s string) bool {
	i := strings.Index(s, " / ")
	return i > 0 && i+3 < len(s)
}

// checkRefusal asserts a 400 (or the given status) in PocketBase's error
// shape, bilingual, naming one of fields (any field when none given).
func checkRefusal(t *testing.T, res tt.Response, status int, fields ...string) {
	t.Helper()
	var body struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
		Data    map[string]struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"data"`
	}
	if res.Status != status || json.Unmarshal(res.Body, &body) != nil || body.Status != status || !bilingual(body.Message) {
		t.Fatalf("want a bilingual %d, got %d %s", status, res.Status, res.Body)
	}
	if status == http.StatusConflict {
		return
	}
	if len(body.Data) == 0 {
		t.Fatalf("no field named: %s", res.Body)
	}
	named := len(fields) == 0
	for field, fe := range body.Data {
		if fe.Code == "" || !bilingual(fe.Message) {
			t.Errorf("field %s: code %q message %q", field, fe.Code, fe.Message)
		}
		for _, f := range fields {
			named = named || field == f || strings.HasPrefix(field, f+".") || strings.HasSuffix(field, "."+f)
		}
	}
	if !named {
		t.Errorf("names %v, want one of %v", body.Data, fields)
	}
}

// inScopeOfB reports whether a record a pull sent belongs to officer B.
func inScopeOfB(collection string, doc map[string]any) bool {
	switch collection {
	case catalog.Areas:
		id, _ := doc["id"].(string)
		return id == tt.Province || id == tt.RegencyB || strings.HasPrefix(id, tt.RegencyB+".")
	case catalog.RadIndicators, catalog.Vocabularies:
		return true
	}
	return doc["village"] == tt.VillageB && doc["regency"] == tt.RegencyB
}

// refusedOrServed runs a request and checks what every answer must hold:
// no 5xx, nothing leaked, nothing of regency A changed, and a refusal
// (with one of the statuses allowed) writes nothing. It returns the answer.
func refusedOrServed(t *testing.T, srv *tt.Server, method, path, token string, body any, allowed ...int) tt.Response {
	t.Helper()
	before, fixtures := written(t, srv.App), fixturesOfA(t, srv.App)
	res := srv.Do(t, method, path, token, body)
	if bad := leaks(res.Body); bad != "" {
		// ids the request names come back in its results
		asked, _ := json.Marshal(body)
		if b, ok := body.([]byte); ok {
			asked = b
		}
		if !strings.Contains(path+string(asked), bad) || strings.Contains(string(res.Body), marker) {
			t.Fatalf("the answer carries %q: %s", bad, res.Body)
		}
	}
	if fixturesOfA(t, srv.App) != fixtures {
		t.Fatal("a record of regency A changed")
	}
	if res.Status == http.StatusOK {
		return res
	}
	ok := false
	for _, s := range allowed {
		ok = ok || res.Status == s
	}
	if !ok {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	if after := written(t, srv.App); after != before {
		t.Fatalf("a refused request (%d) wrote: %s -> %s", res.Status, before, after)
	}
	return res
}

// badNumber reports whether a query value can never be a count (not empty,
// not one of the words for "none", not digits).
func badNumber(raw string, words ...string) bool {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return false
	}
	for _, w := range words {
		if raw == w {
			return false
		}
	}
	_, err := strconv.ParseUint(strings.TrimPrefix(raw, "+"), 10, 63)
	return err != nil
}

// clientReportQuery adds the sync-health parameters and tells whether they
// are bad (so the answer must be a 400 naming one of them).
func clientReportQuery(q url.Values, clientID, queueLength, appVersion string) (bad []string) {
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("clientId", clientID)
	set("queueLength", queueLength)
	set("appVersion", appVersion)
	if len(clientID) > 100 {
		bad = append(bad, "clientId")
	}
	if len(appVersion) > 50 {
		bad = append(bad, "appVersion")
	}
	if n, err := strconv.Atoi(queueLength); queueLength != "" && (err != nil || n < 0) {
		bad = append(bad, "queueLength")
	}
	return bad
}

// fuzzPull sends a pull: a refusal must be a bilingual 400 naming one of
// fields and write nothing; bad input must be refused. ok tells that it was
// answered; entries is the number of sync_pull entries before it.
func fuzzPull(t *testing.T, srv *tt.Server, path, tok string, bad []string, fields ...string) (res tt.Response, entries int64, ok bool) {
	t.Helper()
	entries = pullEntries(t, srv.App)
	res = refusedOrServed(t, srv, http.MethodGet, path, tok, nil, http.StatusBadRequest, http.StatusConflict)
	if res.Status == http.StatusConflict { // a position the server never reached: restored
		checkRefusal(t, res, http.StatusConflict, fields...)
		return res, entries, false
	}
	if res.Status != http.StatusOK {
		checkRefusal(t, res, http.StatusBadRequest, fields...)
		return res, entries, false
	}
	if len(bad) > 0 {
		t.Fatalf("bad %v accepted: %s", bad, res.Body)
	}
	return res, entries, true
}

// jsonSeed encodes a seed body.
func jsonSeed(v any) []byte {
	raw, _ := json.Marshal(v)
	return raw
}

// checkPullAudited asserts that a pull which sent records added one
// sync_pull entry to the trail after position before (pullEntries), and
// one that sent nothing added none.
func checkPullAudited(t *testing.T, app core.App, before int64, sent int) {
	t.Helper()
	var n int
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM audit_log WHERE rowid > {:r} AND action = 'sync_pull'`).
		Bind(dbx.Params{"r": before}).Row(&n); err != nil {
		t.Fatal(err)
	}
	if n != min(sent, 1) {
		t.Errorf("%d records sent, %d sync_pull entries added", sent, n)
	}
}

// pullEntries is the position of the audit trail's last entry.
func pullEntries(t *testing.T, app core.App) int64 {
	t.Helper()
	var n int64
	if err := app.DB().NewQuery(`SELECT COALESCE(MAX(rowid), 0) FROM audit_log`).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// ---- native

func FuzzNativePullQuery(f *testing.F) {
	srv, tok := fuzzServer(f)
	f.Add("0", "1000", "", "install-1", "3", "1.4.0")
	f.Add("", "", "activities,outreach_logs", "", "", "")
	f.Add("null", "1", "areas", "", "", "")
	f.Add("abc", "10", "", "", "", "")
	f.Add("-1", "0", "users", "", "-3", "")
	f.Add("999999999999", "5001", "activities,,areas", strings.Repeat("x", 101), "x", strings.Repeat("9", 51))
	f.Add(" 12 ", "+5", "activities,activities", "", "0", "")
	f.Add("18446744073709551616", "1e3", "village_programs", "", "", "")
	f.Fuzz(func(t *testing.T, cursor, limit, collections, clientID, queueLength, appVersion string) {
		q := url.Values{}
		q.Set("cursor", cursor)
		q.Set("limit", limit)
		if collections != "" {
			q.Set("collections", collections)
		}
		bad := clientReportQuery(q, clientID, queueLength, appVersion)
		if badNumber(cursor, "null", "undefined") {
			bad = append(bad, "cursor")
		}
		if badNumber(limit) || limit == "0" {
			bad = append(bad, "limit")
		}
		res, entries, ok := fuzzPull(t, srv, "/api/sync/pull?"+q.Encode(), tok, bad, "cursor", "limit", "collections", "clientId", "queueLength", "appVersion")
		if !ok {
			return
		}
		var p pullPage
		if err := json.Unmarshal(res.Body, &p); err != nil {
			t.Fatalf("answer: %v %s", err, res.Body)
		}
		sent := 0
		for _, c := range p.Changes {
			if !sync.IsSynced(c.Collection) || (collections != "" && !strings.Contains(","+collections+",", ","+c.Collection+",")) {
				t.Errorf("change of %q for collections=%q", c.Collection, collections)
			}
			if !c.Deleted && !inScopeOfB(c.Collection, c.Record) {
				t.Errorf("out of scope: %s %v", c.Collection, c.Record)
			}
			sent++
		}
		checkPullAudited(t, srv.App, entries, sent)
	})
}

func FuzzNativePushBody(f *testing.F) {
	srv, tok := fuzzServer(f)
	own := newActivity(tt.VillageB, nil)
	f.Add(jsonSeed(map[string]any{"clientId": "fz", "mutations": []any{upsert("m1", catalog.Activities, "fuzzActivity0001", own)}}))
	f.Add(jsonSeed(map[string]any{"clientId": "fz", "queueLength": 2, "appVersion": "1.4.0", "mutations": []any{
		map[string]any{"mutationId": "m2", "collection": "outreach_logs", "id": "fuzzOutreach0001", "op": "upsert", "data": tt.Outreach(tt.VillageB)},
		map[string]any{"mutationId": "m3", "collection": "village_programs", "id": tt.ProgramB, "op": "upsert", "baseVersion": 1, "data": map[string]any{"status": "aktif"}},
		map[string]any{"mutationId": "m4", "collection": "activities", "id": "fuzzActivity0001", "op": "delete", "baseVersion": nil},
	}}))
	// the probes of issue 12: records of regency A
	f.Add(jsonSeed(map[string]any{"clientId": "fz", "mutations": []any{
		upsert("a1", catalog.Activities, tt.ActivityA, newActivity(tt.VillageA, nil)),
		sync.Mutation{MutationID: "a2", Collection: catalog.OutreachLogs, ID: tt.OutreachA, Op: "upsert", BaseVersion: version(5), Data: map[string]any{"note": "x"}},
		sync.Mutation{MutationID: "a3", Collection: catalog.VillagePrograms, ID: tt.ProgramA, Op: "delete"},
		upsert("a4", catalog.Activities, strings.ToUpper(tt.ActivityA), own),
	}}))
	f.Add([]byte(`{"clientId": "fz", "mutations": [`))
	f.Add([]byte(`{"clientId": "fz", "mutations": []} trailing`))
	f.Add([]byte(`{"clientId": "fz", "mutations": [], "extra": 1}`))
	f.Add([]byte(`{"mutations": [{"mutationId": "x", "collection": "activities", "id": "noClientId000001", "op": "upsert"}]}`))
	f.Add([]byte(`{"clientId": "fz", "queueLength": -1, "mutations": []}`))
	f.Add([]byte(`{"clientId": "fz", "mutations": [{"mutationId": "", "collection": "activities"}]}`))
	f.Add([]byte(`{"clientId": "fz", "mutations": [{"mutationId": "d", "collection": "users", "id": "x", "op": "drop", "baseVersion": 1e40, "data": {"a": [1]}}]}`))
	f.Add([]byte(`{"clientId": "fz", "mutations": [{"mutationId": "t", "collection": "activities", "id": "typesAreWrong001", "op": "upsert", "data": {"male_child": "3", "topics": "x", "title": 5, "budget": -1, "start_date": "kemarin"}}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		res := refusedOrServed(t, srv, http.MethodPost, "/api/sync/push", tok, body, http.StatusBadRequest)
		if !json.Valid(body) && res.Status != http.StatusBadRequest {
			t.Fatalf("invalid JSON accepted: %d %s", res.Status, res.Body)
		}
		if res.Status != http.StatusOK {
			checkRefusal(t, res, http.StatusBadRequest, "body", "mutations", "clientId", "appVersion", "queueLength")
			return
		}
		var sent struct {
			Mutations []json.RawMessage `json:"mutations"`
		}
		var ans pushAnswer
		if json.Unmarshal(body, &sent) != nil || json.Unmarshal(res.Body, &ans) != nil || len(ans.Results) != len(sent.Mutations) {
			t.Fatalf("%d mutations, answer %s", len(sent.Mutations), res.Body)
		}
		for _, r := range ans.Results {
			checkResult(t, r)
		}
	})
}

// checkResult asserts what every per-mutation result holds.
func checkResult(t *testing.T, r sync.Result) {
	t.Helper()
	switch r.Status {
	case sync.StatusApplied, sync.StatusDuplicate:
	case sync.StatusConflict:
		if r.Record != nil && !inScopeOfB(r.Collection, r.Record) {
			t.Errorf("conflict record out of scope: %+v", r)
		}
	case sync.StatusRejected:
		if r.Reason == "" || len(r.Errors) == 0 {
			t.Errorf("rejected without reason or field: %+v", r)
		}
		for field, fe := range r.Errors {
			if fe.Code == "" || fe.Message == "" {
				t.Errorf("field %s: %+v", field, fe)
			}
		}
	default:
		t.Errorf("status %q", r.Status)
	}
}

// ---- WatermelonDB

func FuzzWatermelonPullQuery(f *testing.F) {
	srv, tok := fuzzServer(f)
	f.Add("0", "1", "", "", "", "", "")
	f.Add("null", "3", `{"from":1,"tables":["village_programs"],"columns":[{"table":"activities","columns":["cluster"]}]}`, "activities,outreach_logs", "wm-1", "0", "2.0.0")
	f.Add("2900", "", "null", "activities,activities", "", "", "")
	f.Add("abc", "", "{", "users", "", "", "")
	f.Add("-5", "", `{"from":"x"}`, "activities,", "", "1.5", "")
	f.Add("99999999999", "", `[]`, "", strings.Repeat("c", 101), "", strings.Repeat("v", 51))
	f.Fuzz(func(t *testing.T, lastPulled, schemaVersion, migration, tables, clientID, queueLength, appVersion string) {
		q := url.Values{}
		q.Set("last_pulled_at", lastPulled)
		q.Set("schema_version", schemaVersion)
		if migration != "" {
			q.Set("migration", migration)
		}
		if tables != "" {
			q.Set("tables", tables)
		}
		bad := clientReportQuery(q, clientID, queueLength, appVersion)
		if badNumber(lastPulled, "null", "undefined") {
			bad = append(bad, "last_pulled_at")
		}
		if migration != "" && migration != "null" && !json.Valid([]byte(migration)) {
			bad = append(bad, "migration")
		}
		res, entries, ok := fuzzPull(t, srv, "/api/sync/watermelon?"+q.Encode(), tok, bad, "last_pulled_at", "tables", "migration", "clientId", "queueLength", "appVersion")
		if !ok {
			return
		}
		var p struct {
			Changes   map[string]map[string][]json.RawMessage `json:"changes"`
			Timestamp *int64                                  `json:"timestamp"`
		}
		if err := json.Unmarshal(res.Body, &p); err != nil || p.Timestamp == nil {
			t.Fatalf("answer: %v %s", err, res.Body)
		}
		sent := 0
		for table, ch := range p.Changes {
			if !sync.IsSynced(table) || (tables != "" && !strings.Contains(","+tables+",", ","+table+",")) {
				t.Errorf("table %q for tables=%q", table, tables)
			}
			if len(ch["created"]) != 0 {
				t.Errorf("%s: created is not empty", table)
			}
			for _, raw := range ch["updated"] {
				var doc map[string]any
				if json.Unmarshal(raw, &doc) != nil || !inScopeOfB(table, doc) {
					t.Errorf("out of scope: %s %s", table, raw)
				}
				sent++
			}
			sent += len(ch["deleted"])
		}
		checkPullAudited(t, srv.App, entries, sent)
	})
}

func FuzzWatermelonPushBody(f *testing.F) {
	srv, tok := fuzzServer(f)
	rec := newActivity(tt.VillageB, map[string]any{"id": "fuzzWmActivity01", "topics": `["migrasi_aman"]`, "target_groups": `["calon_pmi"]`, "_status": "created", "_changed": ""})
	f.Add("0", jsonSeed(wmChanges(catalog.Activities, []any{rec}, nil, nil)))
	f.Add("1", jsonSeed(wmChanges(catalog.Activities, nil, []any{rec}, []string{"fuzzWmActivity02"})))
	// the probes of issue 12: records of regency A, right and wrong guesses
	right := newActivity(tt.VillageA, map[string]any{"id": tt.ActivityA, "topics": `["migrasi_aman","modus_tppo"]`, "target_groups": `["calon_pmi","orang_tua"]`})
	f.Add("1", jsonSeed(wmChanges(catalog.Activities, nil, []any{right}, nil)))
	f.Add("1", jsonSeed(wmChanges(catalog.OutreachLogs, nil, []any{map[string]any{"id": tt.OutreachA, "note": "x"}}, []string{tt.OutreachA})))
	f.Add("0", jsonSeed(wmChanges(catalog.VillagePrograms, nil, nil, []string{tt.ProgramA})))
	f.Add("0", jsonSeed(wmChanges(catalog.Areas, nil, []any{map[string]any{"id": tt.VillageB, "name": "x"}}, nil)))
	f.Add("0", []byte(`{"users": {"created": [], "updated": [], "deleted": []}}`))
	f.Add("0", []byte(`{"activities": {"created": [{"id": "wmUnknownCol0001", "nik": "1"}], "updated": [], "deleted": []}}`))
	f.Add("0", []byte(`{"activities": {"created": [null], "updated": [{"id": 5}], "deleted": [""]}}`))
	f.Add("x", []byte(`{}`))
	f.Add("0", []byte(`[1,2`))
	f.Add("0", []byte(`{} {}`))
	f.Add("0", []byte(`{"activities": null, "areas": {"created": "x"}}`))
	f.Fuzz(func(t *testing.T, lastPulled string, body []byte) {
		res := refusedOrServed(t, srv, http.MethodPost, "/api/sync/watermelon?last_pulled_at="+url.QueryEscape(lastPulled), tok, body,
			http.StatusBadRequest, http.StatusConflict)
		if (!json.Valid(body) || badNumber(lastPulled, "null", "undefined")) && res.Status != http.StatusBadRequest {
			t.Fatalf("bad input accepted: %d %s", res.Status, res.Body)
		}
		switch res.Status {
		case http.StatusConflict:
			checkRefusal(t, res, http.StatusConflict)
			var c struct {
				Conflicts []struct{ Table, ID string } `json:"conflicts"`
			}
			if json.Unmarshal(res.Body, &c) != nil || len(c.Conflicts) == 0 {
				t.Fatalf("409 without conflicts: %s", res.Body)
			}
			return
		case http.StatusBadRequest:
			checkRefusal(t, res, http.StatusBadRequest)
			return
		}
		var ans struct {
			Rejected   map[string][]string               `json:"experimentalRejectedIds"`
			Rejections map[string]map[string]sync.Result `json:"rejections"`
		}
		if err := json.Unmarshal(res.Body, &ans); err != nil || ans.Rejected == nil {
			t.Fatalf("answer: %v %s", err, res.Body)
		}
		for table, ids := range ans.Rejected {
			for _, id := range ids {
				r, ok := ans.Rejections[table][id]
				if !ok || r.Status != sync.StatusRejected {
					t.Errorf("%s %s rejected without its reason: %s", table, id, res.Body)
				}
				checkResult(t, r)
			}
		}
	})
}

// ---- RxDB

func FuzzRxPullQuery(f *testing.F) {
	srv, tok := fuzzServer(f)
	f.Add("activities", "null", "10", "")
	f.Add("outreach_logs", `{"seq":0,"scope":"village:18.02.01.2001"}`, "", "rx-1")
	f.Add("areas", `{"seq":5,"scope":""}`, "5000", "")
	// the probes of issue 12: another scope, a drop, a forged signature
	f.Add("activities", `{"seq":0,"scope":"province"}`, "50", "")
	f.Add("village_programs", `{"seq":0,"scope":"regency:18.01","drop":"province","dropUpto":3}`, "50", "")
	f.Add("activities", `{"seq":0,"scope":"village:18.02.01.2001","drop":"regency:18.01","dropAt":"9999","sig":"AAAAAAAAAAAAAAAAAAAAAAAA"}`, "50", "")
	f.Add("users", "null", "", "")
	f.Add("activities", `{seq`, "", "")
	f.Add("activities", `{"seq":-1}`, "0", "")
	f.Add("activities", `{"seq":1,"dropSeq":-4}`, "x", "")
	f.Add("activities", `[]`, "", strings.Repeat("c", 101))
	f.Add("activities", `{"seq":99999999999}`, "", "")
	f.Fuzz(func(t *testing.T, collection, checkpoint, limit, clientID string) {
		if collection == "" || collection == "." || collection == ".." {
			return // not a path of this endpoint
		}
		q := url.Values{}
		if checkpoint != "" {
			q.Set("checkpoint", checkpoint)
		}
		q.Set("limit", limit)
		bad := clientReportQuery(q, clientID, "", "")
		if badNumber(limit) || limit == "0" {
			bad = append(bad, "limit")
		}
		if !sync.IsSynced(collection) {
			bad = append(bad, "collection")
		}
		if checkpoint != "" && checkpoint != "null" && !json.Valid([]byte(checkpoint)) {
			bad = append(bad, "checkpoint")
		}
		res, entries, ok := fuzzPull(t, srv, "/api/sync/rxdb/"+url.PathEscape(collection)+"/pull?"+q.Encode(), tok, bad, "collection", "checkpoint", "limit", "clientId")
		if !ok {
			return
		}
		var p struct {
			Documents  []map[string]any  `json:"documents"`
			Checkpoint sync.RxCheckpoint `json:"checkpoint"`
		}
		if err := json.Unmarshal(res.Body, &p); err != nil {
			t.Fatalf("answer: %v %s", err, res.Body)
		}
		n, _ := strconv.Atoi(limit)
		if n == 0 {
			n = sync.DefaultPageSize
		}
		if len(p.Documents) > n {
			t.Errorf("%d documents for limit %d", len(p.Documents), n)
		}
		// no checkpoint of the fuzzer carries the server's signature: the
		// pull is in the caller's own scope, never a drop of another
		if p.Checkpoint.Scope != "village:"+tt.VillageB || p.Checkpoint.Drop != "" || p.Checkpoint.Sig == "" {
			t.Errorf("checkpoint %+v", p.Checkpoint)
		}
		for _, d := range p.Documents {
			if d["_deleted"] != true && !inScopeOfB(collection, d) {
				t.Errorf("out of scope: %v", d)
			}
		}
		checkPullAudited(t, srv.App, entries, len(p.Documents))
	})
}

func FuzzRxPushBody(f *testing.F) {
	srv, tok := fuzzServer(f)
	doc := newActivity(tt.VillageB, map[string]any{"id": "fuzzRxActivity01", "_deleted": false})
	f.Add("activities", false, jsonSeed([]any{map[string]any{"assumedMasterState": nil, "newDocumentState": doc}}))
	f.Add("activities", true, jsonSeed([]any{map[string]any{"assumedMasterState": doc, "newDocumentState": map[string]any{"id": "fuzzRxActivity01", "_deleted": true}}}))
	f.Add("village_programs", true, jsonSeed([]any{map[string]any{"assumedMasterState": map[string]any{"id": tt.ProgramB, "version": 1}, "newDocumentState": map[string]any{"id": tt.ProgramB, "status": "aktif"}}}))
	// the probes of issue 12: records of regency A
	f.Add("activities", false, jsonSeed([]any{map[string]any{"assumedMasterState": nil, "newDocumentState": map[string]any{"id": tt.ActivityA}}}))
	f.Add("outreach_logs", true, jsonSeed([]any{map[string]any{"assumedMasterState": map[string]any{"id": tt.OutreachA, "_deleted": false}, "newDocumentState": map[string]any{"id": tt.OutreachA, "note": "x"}}}))
	f.Add("village_programs", false, jsonSeed([]any{map[string]any{"newDocumentState": map[string]any{"id": tt.ProgramA, "_deleted": true}}}))
	f.Add("areas", false, []byte(`[]`))
	f.Add("users", false, []byte(`[]`))
	f.Add("activities", false, []byte(`[{"assumedMasterState": null}]`))
	f.Add("activities", false, []byte(`[{"newDocumentState": {"id": 5, "_deleted": "yes"}}]`))
	f.Add("activities", false, []byte(`{"newDocumentState": {}}`))
	f.Add("activities", false, []byte(`[] []`))
	f.Add("activities", true, []byte(`[{"assumedMasterState": {"version": "x"}, "newDocumentState": {"id": "fuzzRxActivity02", "title": null}}]`))
	f.Fuzz(func(t *testing.T, collection string, details bool, body []byte) {
		if collection == "" || collection == "." || collection == ".." {
			return // not a path of this endpoint
		}
		path := "/api/sync/rxdb/" + url.PathEscape(collection) + "/push"
		if details {
			path += "?details=1"
		}
		res := refusedOrServed(t, srv, http.MethodPost, path, tok, body, http.StatusBadRequest)
		if (!json.Valid(body) || !sync.IsWritable(collection)) && res.Status != http.StatusBadRequest {
			t.Fatalf("bad input accepted: %d %s", res.Status, res.Body)
		}
		if res.Status != http.StatusOK {
			checkRefusal(t, res, http.StatusBadRequest, "collection", "body", "newDocumentState", "clientId", "queueLength", "appVersion")
			return
		}
		var masters []map[string]any
		if details {
			var ans struct {
				Conflicts []map[string]any `json:"conflicts"`
				Rejected  []sync.Result    `json:"rejected"`
			}
			if err := json.Unmarshal(res.Body, &ans); err != nil || ans.Conflicts == nil || ans.Rejected == nil {
				t.Fatalf("answer: %v %s", err, res.Body)
			}
			for _, r := range ans.Rejected {
				checkResult(t, r)
			}
			masters = ans.Conflicts
		} else if err := json.Unmarshal(res.Body, &masters); err != nil || masters == nil {
			t.Fatalf("answer: %v %s", err, res.Body)
		}
		for _, m := range masters {
			if m["_deleted"] != true && !inScopeOfB(collection, m) {
				t.Errorf("master state out of scope: %v", m)
			}
		}
	})
}
