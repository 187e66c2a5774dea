package audit_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"

	"jangkau/audit"
	"jangkau/internal/testapp"
)

func TestRedactQuery(t *testing.T) {
	cases := map[string]string{
		"/api/collections/activities/records":                            "/api/collections/activities/records",
		"/api/collections/activities/records?filter=title~'Siti'&page=2": "/api/collections/activities/records?filter=_&page=_",
		"https://jangkau.example/console/?q=Siti+Aminah#/activities":     "https://jangkau.example/console/?q=_",
		"/x?a=1&a=2&b":      "/x?a=_&b=_",
		"/x#frag?name=Siti": "/x",
		// an identifier a client put in the path
		"/api/collections/activities/records/hp081234567890x":          "/api/collections/activities/records/hp[disamarkan]x",
		"/api/collections/activities/records/hp0812%203456%207890?a=1": "/api/collections/activities/records/hp[disamarkan]?a=_",
		"/api/collections/activities/records/Xy3kP9qLm2Vn8RtB":         "/api/collections/activities/records/Xy3kP9qLm2Vn8RtB",
	}
	for in, want := range cases {
		if got := audit.RedactQuery(in); got != want {
			t.Errorf("RedactQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// A list filter typed by an officer (here a name) reaches PocketBase's
// request log without its value, through the real router and logger.
func TestRequestLogKeepsNoTypedValue(t *testing.T) {
	srv := loggingServer(t)
	token := testapp.Token(t, srv.App, testapp.VerifierA)
	typed := "Siti Aminah 0812"
	filter := url.QueryEscape("title~'" + typed + "'")
	res := srv.Do(t, "GET", "/api/collections/activities/records?filter="+filter+"&perPage=5", token, nil)
	if res.Status != 200 {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	logs := requestLogs(t, srv, 1)
	found := false
	for _, l := range logs {
		u, _ := l.Data["url"].(string)
		if strings.HasPrefix(u, "/api/collections/activities/records") {
			found = true
			if u != "/api/collections/activities/records?filter=_&perPage=_" {
				t.Errorf("logged url %q", u)
			}
		}
		if strings.Contains(l.Message, "Siti") {
			t.Errorf("request log message keeps the typed value: %q", l.Message)
		}
		raw, _ := l.Data.MarshalJSON()
		if strings.Contains(string(raw), "Siti") || strings.Contains(string(raw), "0812") {
			t.Errorf("request log keeps the typed value: %s", raw)
		}
	}
	if !found {
		t.Fatalf("the list request was not logged at all (%d log rows): the test no longer sees PocketBase's request log", len(logs))
	}
}

// loggingServer is a test server that keeps a request log, as a served
// app does (5 days); the test template keeps none.
func loggingServer(t *testing.T) *testapp.Server {
	t.Helper()
	srv := testapp.NewServer(t)
	settings := srv.App.Settings()
	settings.Logs.MaxDays = 5
	if err := srv.App.Save(settings); err != nil {
		t.Fatal(err)
	}
	return srv
}

// requestLogs flushes PocketBase's request log until it holds at least n
// rows, and returns them.
func requestLogs(t *testing.T, srv *testapp.Server, n int) []*core.Log {
	t.Helper()
	handler, ok := srv.App.Logger().Handler().(*logger.BatchHandler)
	if !ok {
		t.Fatalf("PocketBase's logger is %T, not the batch handler this test flushes", srv.App.Logger().Handler())
	}
	// PocketBase hands the entry to its logger in a goroutine: flush until
	// the rows are there.
	var logs []*core.Log
	for range 200 {
		if err := handler.WriteAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		logs = nil
		if err := srv.App.AuxModelQuery(&core.Log{}).All(&logs); err != nil {
			t.Fatal(err)
		}
		if len(logs) >= n {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return logs
}

// A refused request's log row keeps its error and details, which may
// repeat what the client sent: an unknown vocabulary code (REST), an
// unknown table and a record id (a WatermelonDB push), a record id in the
// path. What the privacy guard refuses is masked in all of them.
func TestRequestLogMasksIdentifiersInRefusals(t *testing.T) {
	srv := loggingServer(t)
	token := testapp.Token(t, srv.App, testapp.OfficerA)
	body := testapp.Activity(testapp.VillageA)
	body["type"] = "hp 081234567890"
	if res := srv.Do(t, "POST", "/api/collections/activities/records", token, body); res.Status != 400 || !strings.Contains(string(res.Body), "0812") {
		t.Fatalf("the refusal no longer repeats the code, so this test shows nothing: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, "POST", "/api/sync/watermelon?last_pulled_at=0", token, map[string]any{"t1801234567890001": map[string]any{}}); res.Status != 400 {
		t.Fatalf("unknown table: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, "GET", "/api/collections/activities/records/hp081234567890x", token, nil); res.Status != 404 {
		t.Fatalf("unknown record: %d %s", res.Status, res.Body)
	}
	logs := requestLogs(t, srv, 3)
	if len(logs) < 3 {
		t.Fatalf("%d log rows: the test no longer sees PocketBase's request log", len(logs))
	}
	masked := 0
	for _, l := range logs {
		raw, _ := l.Data.MarshalJSON()
		if strings.Contains(string(raw), "0812") || strings.Contains(string(raw), "1801234567890001") || strings.Contains(l.Message, "0812") {
			t.Errorf("the request log keeps an identifier: %s %s", l.Message, raw)
		}
		masked += strings.Count(string(raw), "disamarkan")
	}
	if masked < 3 {
		t.Errorf("%d masked values, want at least 3 (details, error, path)", masked)
	}
}
