package sync_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// rawGet sends a GET with an explicit Accept-Encoding (Go's client would
// otherwise ask for gzip itself and hide it) and returns the status, the
// Content-Encoding and the body as sent.
func rawGet(t *testing.T, srv *tt.Server, path, token, encoding string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Accept-Encoding", encoding)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Encoding"), body
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A phone that accepts gzip gets its pulls compressed: the same answer,
// several times smaller. One that does not gets it as it is, and an
// answer too small to gain (an up-to-date pull) is never compressed.
func TestPullsAreGzippedWhenThePhoneAcceptsIt(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	for _, path := range []string{"/api/sync/pull?cursor=0&limit=1000", "/api/sync/watermelon?last_pulled_at=null"} {
		status, enc, plain := rawGet(t, srv, path, tok, "identity")
		if status != 200 || enc != "" {
			t.Fatalf("%s without gzip: %d %q", path, status, enc)
		}
		status, enc, zipped := rawGet(t, srv, path, tok, "gzip, deflate")
		if status != 200 || enc != "gzip" {
			t.Fatalf("%s with gzip: %d %q", path, status, enc)
		}
		if len(zipped)*4 > len(plain) {
			t.Errorf("%s: %d bytes gzipped, %d plain: not 4x smaller", path, len(zipped), len(plain))
		}
		var a, b map[string]any
		if err := json.Unmarshal(plain, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(gunzip(t, zipped), &b); err != nil {
			t.Fatal(err)
		}
		delete(a, "timestamp") // equal here, but not what this test is about
		delete(b, "timestamp")
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: the gzipped answer differs from the plain one", path)
		}
	}
	head := pull(t, srv, tok, 0, "")
	for head.HasMore {
		head = pull(t, srv, tok, head.Cursor, "")
	}
	status, enc, body := rawGet(t, srv, fmt.Sprintf("/api/sync/pull?cursor=%d", head.Cursor), tok, "gzip")
	if status != 200 || enc != "" || !bytes.Contains(body, []byte(`"changes":[]`)) {
		t.Errorf("up-to-date pull: %d %q %s", status, enc, body)
	}
}

// The feed is read per scope as index ranges (sync.Scope.ranges); what a
// pull sends must be exactly what the scope's rule selects: records of the
// village (or regency), reference data of everyone and of the regency
// (for a village, of its own areas),
// tombstones of records that moved out. Checked against the rule written
// as one plain query over the feed, for each kind of caller, after moves
// and deletes.
func TestPullsSendWhatTheScopeRuleSelects(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	// writes in two villages, a move between them and a delete
	a1, a2 := newActivity(tt.VillageA, nil), newActivity(tt.VillageA2, nil)
	push(t, srv, officer, "scope-rule", upsert("s1", catalog.Activities, "scoperulerec0001", a1), upsert("s2", catalog.Activities, "scoperulerec0002", a1))
	push(t, srv, tt.Token(t, srv.App, tt.OfficerA2), "scope-rule", upsert("s3", catalog.Activities, "scoperulerec0003", a2))
	moved, err := srv.App.FindRecordById(catalog.Activities, "scoperulerec0002")
	if err != nil {
		t.Fatal(err)
	}
	moved.Set("village", tt.VillageA2)
	if err := srv.App.Save(moved); err != nil {
		t.Fatal(err)
	}
	gone, err := srv.App.FindRecordById(catalog.Activities, "scoperulerec0001")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.App.Delete(gone); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		email, where string
	}{
		{tt.OfficerA, "(village = '" + tt.VillageA + "' OR (village = '' AND regency IN ('', '18.01')) OR (collection = 'areas' AND village = '18.01.04'))"},
		{tt.VerifierA, "regency IN ('', '18.01')"},
		{tt.Secretariat, "1=1"},
	} {
		tok := tt.Token(t, srv.App, c.email)
		got, _, _ := pullAll(t, srv, tok, 0)
		var rows []struct {
			Seq        int64  `db:"seq"`
			Collection string `db:"collection"`
			RecordID   string `db:"record_id"`
			Deleted    bool   `db:"deleted"`
		}
		if err := srv.App.DB().NewQuery(`SELECT seq, collection, record_id, deleted FROM sync_changes WHERE ` + c.where + ` ORDER BY seq`).All(&rows); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, r := range rows { // the latest row of each record wins
			want[r.Collection+"/"+r.RecordID] = fmt.Sprint(r.Seq, r.Deleted)
		}
		have := map[string]string{}
		for k, ch := range got {
			have[k] = fmt.Sprint(ch.Version, ch.Deleted)
		}
		if len(want) < 10 || fmt.Sprint(sorted(want)) != fmt.Sprint(sorted(have)) {
			t.Errorf("%s: the pull sent %d records, the rule selects %d; differences: %v", c.email, len(have), len(want), diff(want, have))
		}
	}
}

func sorted(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func diff(want, have map[string]string) []string {
	var out []string
	for k, v := range want {
		if have[k] != v {
			out = append(out, fmt.Sprintf("%s: want %s, have %q", k, v, have[k]))
		}
	}
	for k, v := range have {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%s: not in scope, sent %s", k, v))
		}
	}
	sort.Strings(out)
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

// Documents pulls send are kept per version: a record changed after one
// phone pulled it reaches the next phone changed, as does reference data.
func TestKeptDocumentsFollowEveryChange(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	title := func(state map[string]change, key string) any { return state[key].Record["title"] }
	first, _, _ := pullAll(t, srv, tok, 0)
	if title(first, catalog.Activities+"/"+tt.ActivityA) == nil {
		t.Fatal("the fixture activity was not pulled")
	}
	rec, err := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("title", "Judul baru setelah tarikan pertama")
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	area, err := srv.App.FindRecordById(catalog.Areas, tt.VillageA)
	if err != nil {
		t.Fatal(err)
	}
	area.Set("name", "Hajimena Baru")
	if err := srv.App.Save(area); err != nil {
		t.Fatal(err)
	}
	second, _, _ := pullAll(t, srv, tok, 0) // another phone's first pull
	if got := title(second, catalog.Activities+"/"+tt.ActivityA); got != "Judul baru setelah tarikan pertama" {
		t.Errorf("second first pull: title %v", got)
	}
	if got := second[catalog.Areas+"/"+tt.VillageA].Record["name"]; got != "Hajimena Baru" {
		t.Errorf("second first pull: area name %v", got)
	}
}

// A phone that is up to date and says nothing new about itself leaves no
// write behind: no audit entry, no device update.
func TestUpToDatePullsWriteNothing(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	state := pull(t, srv, tok, 0, "&clientId=quiet-phone&appVersion=2.0.0&queueLength=0")
	for state.HasMore {
		state = pull(t, srv, tok, state.Cursor, "&clientId=quiet-phone&appVersion=2.0.0&queueLength=0")
	}
	counts := func() (audits, devices int, updated string) {
		_ = srv.App.DB().NewQuery(`SELECT COUNT(*) FROM audit_log`).Row(&audits)
		_ = srv.App.DB().NewQuery(`SELECT COUNT(*), MAX(updated) FROM devices WHERE client_id = 'quiet-phone'`).Row(&devices, &updated)
		return
	}
	a0, d0, u0 := counts()
	if d0 != 1 {
		t.Fatalf("%d device records for the phone", d0)
	}
	for i := 0; i < 5; i++ {
		if p := pull(t, srv, tok, state.Cursor, "&clientId=quiet-phone&appVersion=2.0.0&queueLength=0"); len(p.Changes) != 0 {
			t.Fatalf("up-to-date pull sent %d changes", len(p.Changes))
		}
	}
	if a1, d1, u1 := counts(); a1 != a0 || d1 != d0 || u1 != u0 {
		t.Errorf("up-to-date pulls wrote: audit %d -> %d, device updated %s -> %s", a0, a1, u0, u1)
	}
	// something new about the phone is written at once
	pull(t, srv, tok, state.Cursor, "&clientId=quiet-phone&appVersion=2.0.1&queueLength=4")
	var version string
	var queue int
	if err := srv.App.DB().NewQuery(`SELECT app_version, queue_length FROM devices WHERE client_id = 'quiet-phone'`).Row(&version, &queue); err != nil || version != "2.0.1" || queue != 4 {
		t.Errorf("new app version not recorded: %q %d %v", version, queue, err)
	}
}
