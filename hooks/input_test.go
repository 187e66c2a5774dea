package hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/dbx"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/privacy"
	"jangkau/records"
	"jangkau/sync"
)

// Every way a client can write a village record: REST create and update,
// /api/batch, and the three sync protocols (native, WatermelonDB, RxDB).
// Each write of bad input must be refused with the field named, and leave
// the record as it was.

// writePath writes fields into a new record (or, for an update path, into
// the fixture record) of col and returns the code of the error the answer
// gives for field ("" when the write was accepted).
type writePath struct {
	name   string
	update bool
	write  func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string
}

var fixtureOf = map[string]string{catalog.Activities: tt.ActivityA, catalog.OutreachLogs: tt.OutreachA, catalog.VillagePrograms: tt.ProgramA}

func newFields(col string) map[string]any {
	switch col {
	case catalog.Activities:
		return tt.Activity(tt.VillageA)
	case catalog.OutreachLogs:
		return tt.Outreach(tt.VillageA)
	}
	return map[string]any{"village": tt.VillageA, "program": "desmigratif", "status": "rintisan"}
}

// fieldCode reads the code of field from a PocketBase error body.
func fieldCode(body []byte, path ...string) string {
	var v any
	_ = json.Unmarshal(body, &v)
	for _, p := range append([]string{"data"}, path...) {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	m, _ := v.(map[string]any)
	code, _ := m["code"].(string)
	return code
}

func resultCode(t *testing.T, res sync.Result, field string) string {
	t.Helper()
	if res.Status == sync.StatusApplied || res.Status == sync.StatusDuplicate {
		return ""
	}
	if res.Status != sync.StatusRejected {
		t.Fatalf("unexpected result %+v", res)
	}
	return res.Errors[field].Code
}

var writePaths = []writePath{
	{"rest create", false, func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string {
		res := srv.Do(t, http.MethodPost, "/api/collections/"+col+"/records", tok, merge(merge(newFields(col), fields), map[string]any{"id": id}))
		if res.Status == 200 {
			return ""
		}
		return fieldCode(res.Body, field)
	}},
	{"rest update", true, func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string {
		res := srv.Do(t, http.MethodPatch, "/api/collections/"+col+"/records/"+id, tok, fields)
		if res.Status == 200 {
			return ""
		}
		return fieldCode(res.Body, field)
	}},
	{"batch", false, func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string {
		req := map[string]any{"method": "POST", "url": "/api/collections/" + col + "/records", "body": merge(merge(newFields(col), fields), map[string]any{"id": id})}
		res := srv.Do(t, http.MethodPost, "/api/batch", tok, map[string]any{"requests": []any{req}})
		if res.Status == 200 {
			return ""
		}
		return fieldCode(res.Body, "requests", "0", "response", "data", field)
	}},
	{"native push", false, func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string {
		m := sync.Mutation{MutationID: "m-" + id, Collection: col, ID: id, Op: "upsert", Data: merge(newFields(col), fields)}
		return resultCode(t, nativePush(t, srv, tok, m), field)
	}},
	{"native push update", true, func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string {
		v, err := sync.VersionOf(srv.App, col, id)
		if err != nil {
			t.Fatal(err)
		}
		// a mutation id of its own: a refused update leaves the version as it
		// was, and the same id would replay the earlier answer (letters
		// around the 15-digit version: digits glued to it would read as a NIK)
		m := sync.Mutation{MutationID: fmt.Sprintf("m-%s-v%d-k%d", id, v, updateMutations.Add(1)), Collection: col, ID: id, Op: "upsert", BaseVersion: &v, Data: fields}
		return resultCode(t, nativePush(t, srv, tok, m), field)
	}},
	{"watermelon push", false, func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string {
		seq, err := sync.CurrentSeq(srv.App)
		if err != nil {
			t.Fatal(err)
		}
		rec := merge(merge(newFields(col), fields), map[string]any{"id": id})
		body := map[string]any{col: map[string]any{"created": []any{rec}, "updated": []any{}, "deleted": []any{}}}
		res := srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", seq), tok, body)
		if res.Status != 200 {
			t.Fatalf("watermelon push: %d %s", res.Status, res.Body)
		}
		var ans struct {
			Rejections map[string]map[string]sync.Result `json:"rejections"`
		}
		if err := json.Unmarshal(res.Body, &ans); err != nil {
			t.Fatal(err)
		}
		r, ok := ans.Rejections[col][id]
		if !ok {
			return ""
		}
		return resultCode(t, r, field)
	}},
	{"rxdb push", false, func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string {
		doc := merge(merge(newFields(col), fields), map[string]any{"id": id, "_deleted": false})
		res := srv.Do(t, http.MethodPost, "/api/sync/rxdb/"+col+"/push?details=1", tok, []any{map[string]any{"newDocumentState": doc}})
		if res.Status != 200 {
			t.Fatalf("rxdb push: %d %s", res.Status, res.Body)
		}
		var ans struct {
			Rejected []sync.Result `json:"rejected"`
		}
		if err := json.Unmarshal(res.Body, &ans); err != nil {
			t.Fatal(err)
		}
		for _, r := range ans.Rejected {
			if r.ID == id {
				return resultCode(t, r, field)
			}
		}
		return ""
	}},
}

// updateMutations numbers the native update pushes of writePaths.
var updateMutations atomic.Int64

func nativePush(t *testing.T, srv *tt.Server, tok string, muts ...sync.Mutation) sync.Result {
	t.Helper()
	res := srv.Do(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"clientId": "input-test", "mutations": muts})
	if res.Status != 200 {
		t.Fatalf("native push: %d %s", res.Status, res.Body)
	}
	var ans struct {
		Results []sync.Result `json:"results"`
	}
	if err := json.Unmarshal(res.Body, &ans); err != nil || len(ans.Results) != len(muts) {
		t.Fatalf("native push answer: %v %s", err, res.Body)
	}
	return ans.Results[0]
}

// storedValue is a field of a record as stored ("<none>" when the record
// does not exist).
func storedValue(t *testing.T, srv *tt.Server, col, id, field string) string {
	t.Helper()
	rec, err := srv.App.FindRecordById(col, id)
	if err != nil {
		return "<none>"
	}
	return rec.GetString(field)
}

// refusedBy writes value into field of record id on path p and checks
// that the privacy guard refuses it and the stored field is unchanged.
func refusedBy(t *testing.T, srv *tt.Server, tok string, p writePath, col, id, field string, value any) {
	t.Helper()
	before := storedValue(t, srv, col, id, field)
	code := p.write(t, srv, tok, col, id, map[string]any{field: value}, field)
	if code != privacy.CodeNIK && code != privacy.CodePhone {
		t.Errorf("%q: got %q, want a privacy error on %s", value, code, field)
	}
	if after := storedValue(t, srv, col, id, field); after != before {
		t.Errorf("stored %q", after)
	}
}

// privacyProbes are identifiers written in each way the issue lists (one
// per class: separators, groupings, Unicode digits, invisible characters,
// letters for digits), for a text field.
var privacyProbes = map[string]string{
	"double spaces":       "NIK 1801  2345  6789  0001",
	"slash":               "1801/2345/6789/0001",
	"underscore":          "0812_3456_7890",
	"NBSP":                "0812\u00a03456\u00a07890",
	"tab":                 "0812\t3456\t7890",
	"newline":             "hadir:\n0812\n3456\n7890",
	"8-8":                 "KK 18012345-67890001",
	"6-6-4":               "180123 456789 0001",
	"dots 4-4-4":          "hubungi 0812.3456.7890",
	"brackets":            "(0812) 3456-7890",
	"+62 (0)":             "+62 (0) 812 3456 7890",
	"full-width":          "ＮＩＫ １８０１２３４５６７８９０００１",
	"Arabic-Indic":        "٠٨١٢٣٤٥٦٧٨٩٠",
	"Devanagari":          "१८०१२३४५६७८९०००१",
	"zero-width":          "1801\u200b2345\u200b6789\u200b0001",
	"soft hyphen":         "0812\u00ad3456\u00ad7890",
	"byte order mark":     "18012345\ufeff67890001",
	"O and l for 0 and 1": "l8O1234567890O01",
	"O in a phone":        "O812-3456-789O",
}

func TestPrivacyGuardOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	n := 0
	for _, p := range writePaths {
		for name, text := range privacyProbes {
			for _, c := range []struct{ col, field string }{{catalog.Activities, "outcome_summary"}, {catalog.OutreachLogs, "note"}} {
				t.Run(p.name+"/"+c.col+"/"+name, func(t *testing.T) {
					n++
					id := fmt.Sprintf("privacyProbe%04d", n)
					if p.update {
						id = fixtureOf[c.col]
					}
					refusedBy(t, srv, tok, p, c.col, id, c.field, text)
				})
			}
		}
	}
}

func TestNIKAsJSONNumberOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	probes := map[string]any{
		"number":          map[string]any{"indikator_1": 1801234567890001},
		"number in list":  map[string]any{"skor": []any{1, 2, 1801234567890001}},
		"phone as number": map[string]any{"kontak": 6281234567890},
		"NIK as key":      map[string]any{"1801234567890001": true},
		"64-digit digest": map[string]any{"catatan": strings.Repeat("1801234567890001", 4)},
	}
	n := 0
	for _, p := range writePaths {
		for name, value := range probes {
			t.Run(p.name+"/"+name, func(t *testing.T) {
				n++
				id := fmt.Sprintf("jsonProbe%07d", n)
				if p.update {
					id = tt.ProgramA
				}
				refusedBy(t, srv, tok, p, catalog.VillagePrograms, id, "drppa_assessment", value)
			})
		}
	}
}

func TestOrdinaryNumbersPassOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	text := "Rapat 2025-01-31 pukul 08.00-12.00 di balai desa 18.01.04.2001; anggaran Rp 15.000.000 (Rp 62.850.000 total), " +
		"35 peserta: 12, 15, 8; periode 01/01/2025 - 31/12/2025; Perdes No. 3 Tahun 2024; tahun 2024 2025 2026 2027; SAPA 129; (0721) 123456"
	n := 0
	for _, text := range []string{text, ordinaryReportText} {
		for _, p := range writePaths {
			t.Run(p.name, func(t *testing.T) {
				n++
				id := fmt.Sprintf("ordinaryText%04d", n)
				if p.update {
					id = tt.ActivityA
				}
				if code := p.write(t, srv, tok, catalog.Activities, id, map[string]any{"outcome_summary": text}, "outcome_summary"); code != "" {
					t.Fatalf("refused: %s", code)
				}
				if got := storedValue(t, srv, catalog.Activities, id, "outcome_summary"); got != text {
					t.Errorf("stored %q", got)
				}
			})
		}
	}
}

func TestPrivacyGuardOnAccountsDevicesAndAreas(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	secretariat := tt.Token(t, srv.App, tt.Secretariat)
	superuser := tt.Token(t, srv.App, tt.SuperuserEmail)
	users := "/api/collections/users/records"
	for _, field := range []string{"name", "position", "agency"} {
		for _, text := range []string{"Budi 0812.3456.7890", "Staf (NIK 1801 2345 6789 0001)", "Dinas ０８１２３４５６７８９０"} {
			// own account, an account a manager edits, the admin, a new account
			for _, c := range []struct {
				who, method, path, tok string
				body                   map[string]any
			}{
				{"self", http.MethodPatch, users + "/" + tt.UserID(tt.OfficerA), officer, map[string]any{field: text}},
				{"secretariat", http.MethodPatch, users + "/" + tt.UserID(tt.OfficerB), secretariat, map[string]any{field: text}},
				{"superuser", http.MethodPatch, users + "/" + tt.UserID(tt.VerifierB), superuser, map[string]any{field: text}},
				{"new account", http.MethodPost, users, secretariat, map[string]any{"email": "baru@test.jangkau.id", "password": tt.Password,
					"passwordConfirm": tt.Password, "role": catalog.RoleVillageOfficer, "area": tt.VillageA, "name": "Petugas Baru", field: text}},
			} {
				res := srv.Do(t, c.method, c.path, c.tok, c.body)
				if res.Status != 400 || (res.FieldError(field) != privacy.CodePhone && res.FieldError(field) != privacy.CodeNIK) {
					t.Errorf("%s %s %q: %d %s", c.who, field, text, res.Status, res.Body)
				}
			}
		}
	}
	if _, err := srv.App.FindAuthRecordByEmail(catalog.Users, "baru@test.jangkau.id"); err == nil {
		t.Error("account stored")
	}
	// ordinary names and agencies pass; an account's own work phone is its
	// phone field, which stays allowed
	res := srv.Do(t, http.MethodPatch, users+"/"+tt.UserID(tt.OfficerA), officer, map[string]any{"name": "Siti Aminah", "position": "Kasi Kesra",
		"agency": "Pemerintah Desa Hajimena (Perdes No. 3 Tahun 2024)", "phone": "0812-3456-7890"})
	if res.Status != 200 {
		t.Errorf("ordinary account edit: %d %s", res.Status, res.Body)
	}

	// areas: the local word for village
	res = srv.Do(t, http.MethodPatch, "/api/collections/areas/records/"+tt.RegencyA, secretariat, map[string]any{"local_term": "pekon 0812 3456 7890"})
	if res.Status != 400 || res.FieldError("local_term") != privacy.CodePhone {
		t.Errorf("area local term: %d %s", res.Status, res.Body)
	}

	// devices: the name at activation, and what a syncing app reports
	enr := srv.Do(t, http.MethodPost, "/api/devices/enrollments", tt.Token(t, srv.App, tt.VerifierA), map[string]any{"user": tt.UserID(tt.OfficerA)})
	code, _ := enr.JSON()["code"].(string)
	for _, name := range []string{"HP Budi 0812.3456.7890", "HP (0812) 3456-7890", "HP ٠٨١٢٣٤٥٦٧٨٩٠"} {
		res := srv.Do(t, http.MethodPost, "/api/devices/activate", "", map[string]any{"code": code, "name": name, "platform": "android"})
		if res.Status != 400 || res.FieldError("name") != privacy.CodePhone {
			t.Errorf("device name %q: %d %s", name, res.Status, res.Body)
		}
	}
	srv.Do(t, http.MethodGet, "/api/sync/pull?clientId=install-input-1&appVersion="+strings.ReplaceAll("0812.3456.7890", " ", "%20"), officer, nil)
	var n int
	if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM devices WHERE app_version LIKE '%0812%'").Row(&n); err != nil || n != 0 {
		t.Errorf("an app version holding a phone number was stored: %d %v", n, err)
	}
}

// do sends a request with extra headers.
func do(t *testing.T, srv *tt.Server, method, path, tok string, body any, headers map[string][]string) tt.Response {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", tok)
	for k, vs := range headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return tt.Response{Status: res.StatusCode, Body: b}
}

func auditCount(t *testing.T, srv *tt.Server) int {
	t.Helper()
	var n int
	if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM audit_log").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestClientTimeIsATimestampOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	long := strings.Repeat("9", 200_000)
	bad := map[string][]string{
		"200,000 characters": {long},
		"41 characters":      {"2025-03-10T09:12:00.123456789+07:00000000"},
		"not a time":         {"kemarin sore"},
		"a phone number":     {"081234567890"},
		"no zone":            {"2025-03-10T09:12:00"},
		"sent twice":         {"2025-03-10T09:12:00Z", "2025-03-10T09:13:00Z"},
		"offset too big":     {"2025-03-10T09:12:00+25:00"},
	}
	n := 0
	for name, header := range bad {
		before := auditCount(t, srv)
		n++
		h := map[string][]string{"X-Client-Time": header}
		// REST, a batch, the three sync pushes: refused before anything is written
		for _, c := range []struct {
			path, method, url string
			body              any
		}{
			{"rest", http.MethodPost, activities, merge(tt.Activity(tt.VillageA), map[string]any{"id": fmt.Sprintf("clientTimeRest%02d", n)})},
			{"batch", http.MethodPost, "/api/batch", map[string]any{"requests": []any{map[string]any{"method": "POST", "url": activities,
				"body": merge(tt.Activity(tt.VillageA), map[string]any{"id": fmt.Sprintf("clientTimeBtch%02d", n)})}}}},
			{"native", http.MethodPost, "/api/sync/push", map[string]any{"clientId": "ct", "mutations": []any{}}},
			{"watermelon", http.MethodPost, "/api/sync/watermelon?last_pulled_at=0", map[string]any{}},
			{"rxdb", http.MethodPost, "/api/sync/rxdb/activities/push", []any{}},
			{"pull", http.MethodGet, "/api/sync/pull", nil},
		} {
			res := do(t, srv, c.method, c.url, tok, c.body, h)
			if res.Status != 400 || fieldCode(res.Body, "X-Client-Time") != audit.CodeClientTime {
				t.Errorf("%s, %s: %d %.300s", name, c.path, res.Status, res.Body)
			}
			if !strings.Contains(string(res.Body), "Waktu ponsel") || !strings.Contains(string(res.Body), "The client time must be") {
				t.Errorf("%s, %s: message not bilingual: %.300s", name, c.path, res.Body)
			}
		}
		if name != "sent twice" {
			// a header inside one request of a batch
			res := srv.Do(t, http.MethodPost, "/api/batch", tok, map[string]any{"requests": []any{map[string]any{"method": "POST", "url": activities,
				"headers": map[string]any{"x-client-time": header[0]}, "body": merge(tt.Activity(tt.VillageA), map[string]any{"id": fmt.Sprintf("clientTimeBtIn%02d", n)})}}})
			if res.Status != 400 || fieldCode(res.Body, "requests", "0", "headers", "X-Client-Time") != audit.CodeClientTime {
				t.Errorf("%s, header of a batch request: %d %.300s", name, res.Status, res.Body)
			}
			// a native mutation's clientTime
			m := sync.Mutation{MutationID: fmt.Sprintf("ct-%d", n), Collection: catalog.Activities, ID: fmt.Sprintf("clientTimeNatv%02d", n), Op: "upsert",
				Data: tt.Activity(tt.VillageA), ClientTime: header[0]}
			res = srv.Do(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"clientId": "ct", "mutations": []any{m}})
			if res.Status != 400 || fieldCode(res.Body, "mutations.0.clientTime") != audit.CodeClientTime {
				t.Errorf("%s, mutation clientTime: %d %.300s", name, res.Status, res.Body)
			}
		}
		if after := auditCount(t, srv); after != before {
			t.Errorf("%s: %d audit entries written", name, after-before)
		}
	}
	var stored int
	_ = srv.App.DB().NewQuery("SELECT COUNT(*) FROM activities WHERE id LIKE 'clientTime%'").Row(&stored)
	if stored != 0 {
		t.Errorf("%d records stored", stored)
	}

	// good times are kept as sent, on REST and in a native push
	for i, good := range []string{"2025-03-10T09:12:00+07:00", "2025-03-10T02:12:00.123Z", "2025-03-10 02:12:00.000Z"} {
		id := fmt.Sprintf("clientTimeGood%02d", i)
		res := do(t, srv, http.MethodPost, activities, tok, merge(tt.Activity(tt.VillageA), map[string]any{"id": id}), map[string][]string{"X-Client-Time": {good}})
		if res.Status != 200 {
			t.Fatalf("%s: %d %s", good, res.Status, res.Body)
		}
		m := sync.Mutation{MutationID: "good-" + id, Collection: catalog.Activities, ID: id + "n", Op: "upsert", Data: tt.Activity(tt.VillageA), ClientTime: good}
		if r := nativePush(t, srv, tok, m); r.Status != sync.StatusApplied {
			t.Fatalf("%s: %+v", good, r)
		}
		for _, rec := range []string{id, id + "n"} {
			var ct string
			if err := srv.App.DB().NewQuery("SELECT client_time FROM audit_log WHERE record = {:r} AND action = 'create'").Bind(dbx.Params{"r": rec}).Row(&ct); err != nil || ct != good {
				t.Errorf("%s: audit client_time %q %v", rec, ct, err)
			}
		}
	}
}

// TestOnePushCannotGrowTheAuditLog replays the probe of the issue: 400
// mutations each with a huge clientTime. The push is refused whole and the
// database file does not grow.
func TestOnePushCannotGrowTheAuditLog(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	size := func() int64 {
		if _, err := srv.App.DB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(tt.DataFile(srv.App))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before, entries := size(), auditCount(t, srv)
	huge := strings.Repeat("2", 20_000)
	muts := make([]any, 400)
	for i := range muts {
		muts[i] = sync.Mutation{MutationID: fmt.Sprintf("huge-%d", i), Collection: catalog.Activities, ID: fmt.Sprintf("hugeClientTm%04d", i),
			Op: "upsert", Data: tt.Activity(tt.VillageA), ClientTime: huge}
	}
	res := srv.Do(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"clientId": "huge", "mutations": muts})
	if res.Status != 400 || fieldCode(res.Body, "mutations.0.clientTime") != audit.CodeClientTime {
		t.Fatalf("%d %.300s", res.Status, res.Body)
	}
	if after := size(); after > before {
		t.Errorf("database grew by %d bytes", after-before)
	}
	if auditCount(t, srv) != entries {
		t.Error("audit entries written")
	}
}

// TestNamesAPushEchoesAreBounded: a native push stores each mutation's
// result (for retries), and a refused mutation's result repeats its
// collection, id and field names.
func TestNamesAPushEchoesAreBounded(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	long := strings.Repeat("x", 100_001)
	for field, m := range map[string]sync.Mutation{
		"collection": {MutationID: "long-1", Collection: long, ID: "longNamesProbe01", Op: "upsert"},
		"id":         {MutationID: "long-2", Collection: catalog.Activities, ID: long, Op: "upsert"},
		"data":       {MutationID: "long-3", Collection: catalog.Activities, ID: "longNamesProbe03", Op: "upsert", Data: map[string]any{long: 1}},
	} {
		res := srv.Do(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"clientId": "long", "mutations": []any{m}})
		if res.Status != 400 || fieldCode(res.Body, "mutations.0."+field) != "too_long" {
			t.Errorf("%s: %d %.300s", field, res.Status, res.Body)
		}
	}
	many := map[string]any{}
	for i := 0; i < 101; i++ {
		many[fmt.Sprintf("field_%03d", i)] = i
	}
	m := sync.Mutation{MutationID: "long-4", Collection: catalog.Activities, ID: "longNamesProbe04", Op: "upsert", Data: many}
	res := srv.Do(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"clientId": "long", "mutations": []any{m}})
	if res.Status != 400 || fieldCode(res.Body, "mutations.0.data") != "too_many_fields" {
		t.Errorf("101 fields: %d %.300s", res.Status, res.Body)
	}
	var n int
	if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM sync_mutations WHERE client_id = 'long'").Row(&n); err != nil || n != 0 {
		t.Errorf("results stored: %d %v", n, err)
	}
}

func TestEvidenceLinksAreWebAddresses(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.VerifierA)
	url := "/api/collections/rad_achievements/records"
	base := map[string]any{"indicator": tt.IndicatorID, "area": tt.RegencyA, "year": 2025, "period_type": "quarter", "period_index": 2, "value": 3}
	bad := []any{
		[]any{"javascript:alert(document.cookie)"}, []any{"JaVaScRiPt:alert(1)"}, []any{"https://ok.id/a", "javascript://x.id/%0aalert(1)"},
		[]any{" javascript:alert(1)"}, []any{"java\tscript:alert(1)"}, []any{"data:text/html,<script>alert(1)</script>"},
		[]any{"vbscript:msgbox(1)"}, []any{"file:///etc/passwd"}, []any{"ftp://files.example.id/a"}, []any{"//evil.example/x"},
		[]any{"https:alert(1)"}, []any{"https://user:pw@example.id/"}, []any{"https://example.id/a b"}, []any{"notulen.pdf"},
		[]any{"https://" + strings.Repeat("a", records.MaxLinkLength) + ".id"}, []any{"\u202ehttps://example.id"},
	}
	for _, links := range bad {
		res := srv.Do(t, http.MethodPost, url, tok, merge(base, map[string]any{"evidence_links": links}))
		if res.Status != 400 || res.FieldError("evidence_links") != "invalid_url" {
			t.Errorf("%q: %d %.300s", links, res.Status, res.Body)
		}
		res = srv.Do(t, http.MethodPatch, url+"/"+tt.AchievementA, tok, map[string]any{"evidence_links": links})
		if res.Status != 400 || res.FieldError("evidence_links") != "invalid_url" {
			t.Errorf("update %q: %d %.300s", links, res.Status, res.Body)
		}
		res = srv.Do(t, http.MethodPost, "/api/batch", tok, map[string]any{"requests": []any{map[string]any{"method": "POST", "url": url,
			"body": merge(base, map[string]any{"evidence_links": links})}}})
		if res.Status != 400 || fieldCode(res.Body, "requests", "0", "response", "data", "evidence_links") != "invalid_url" {
			t.Errorf("batch %q: %d %.300s", links, res.Status, res.Body)
		}
	}
	for _, v := range []any{map[string]any{"a": "https://example.id"}, "https://example.id", []any{1}} {
		res := srv.Do(t, http.MethodPost, url, tok, merge(base, map[string]any{"evidence_links": v}))
		if res.Status != 400 || res.FieldError("evidence_links") != "invalid_links" {
			t.Errorf("%v: %d %.300s", v, res.Status, res.Body)
		}
	}
	var n int
	_ = srv.App.DB().NewQuery("SELECT COUNT(*) FROM rad_achievements WHERE evidence_links LIKE '%script%' OR evidence_links LIKE '%data:%' OR evidence_links LIKE '%file:%'").Row(&n)
	if n != 0 {
		t.Errorf("%d bad links stored", n)
	}
	good := []any{"https://example.id/notulen-1", "http://dinas.lampungprov.go.id/berita?id=12#foto", "https://drive.google.com/file/d/abc/view"}
	res := srv.Do(t, http.MethodPost, url, tok, merge(base, map[string]any{"evidence_links": good}))
	if res.Status != 200 {
		t.Errorf("good links: %d %s", res.Status, res.Body)
	}
}
