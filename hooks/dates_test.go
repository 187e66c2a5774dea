package hooks_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/records"
)

// badDates are values a client may send for a date that are no date: each
// one PocketBase's date field would turn into an empty date.
var badDates = map[string]any{
	"no 30 February": "2025-02-30",
	"a word":         "besok",
	"day first":      "31/12/2025",
	"month 13":       "2025-13-45",
	"spaces":         "  ",
	"a number":       20250310,
	"true":           true,
	"an object":      map[string]any{"date": "2025-03-10"},
	"a list":         []any{"2025-03-10"},
}

// The date fields probed, one per collection and kind (required or not).
var dateFields = []struct{ col, field string }{
	{catalog.Activities, "start_date"},
	{catalog.Activities, "end_date"},
	{catalog.OutreachLogs, "date"},
	{catalog.OutreachLogs, "follow_up_date"},
	{catalog.VillagePrograms, "valid_to"},
	{catalog.VillagePrograms, "legal_basis_date"},
}

// restPaths are the write paths whose date values the request hook checks
// (the sync pushes check theirs in sync.decodeValue, sync/dates_test.go).
func restPaths() []writePath {
	var out []writePath
	for _, p := range writePaths {
		if strings.HasPrefix(p.name, "rest") || p.name == "batch" {
			out = append(out, p)
		}
	}
	return out
}

// A value that is not a date is refused with invalid_date on its field
// (not dropped, not "cannot be blank" for a required date), and nothing
// is written.
func TestInvalidDatesAreRefusedOnRESTAndBatch(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	n := 0
	for _, p := range restPaths() {
		for _, df := range dateFields {
			for name, v := range badDates {
				t.Run(p.name+"/"+df.col+"."+df.field+"/"+name, func(t *testing.T) {
					n++
					id := fmt.Sprintf("badDateProbe%05d", n)
					if p.update {
						id = fixtureOf[df.col]
					}
					before := storedValue(t, srv, df.col, id, "updated")
					if got := p.write(t, srv, tok, df.col, id, map[string]any{df.field: v}, df.field); got != records.CodeInvalidDate {
						t.Errorf("code %q, want %q", got, records.CodeInvalidDate)
					}
					if after := storedValue(t, srv, df.col, id, "updated"); after != before {
						t.Errorf("written: updated %q, was %q", after, before)
					}
				})
			}
		}
	}
}

// The refusal's body: the field's code and a bilingual message, under a
// bilingual message.
func TestInvalidDateAnswer(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", tok,
		merge(tt.Activity(tt.VillageA), map[string]any{"end_date": "2025-02-30"}))
	if res.Status != http.StatusBadRequest {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	body := res.JSON()
	if msg, _ := body["message"].(string); !strings.Contains(msg, " / ") {
		t.Errorf("message not bilingual: %q", msg)
	}
	field, _ := body["data"].(map[string]any)["end_date"].(map[string]any)
	if field["code"] != records.CodeInvalidDate || !strings.Contains(fmt.Sprint(field["message"]), " / ") {
		t.Errorf("end_date: %v", field)
	}
}

// What PocketBase reads as a date is accepted and stored, on every path;
// an optional date may be empty or null.
func TestValidDatesAreAccepted(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	values := []struct {
		sent any
		want string
	}{
		{"2025-03-12", "2025-03-12 00:00:00.000Z"},
		{"2025-03-12 08:00:00.000Z", "2025-03-12 08:00:00.000Z"},
		{"2025-03-12T08:00:00Z", "2025-03-12 08:00:00.000Z"},
		{"2025-03-12T15:00:00+07:00", "2025-03-12 08:00:00.000Z"},
		{"", ""},
		{nil, ""},
	}
	n := 0
	for _, p := range writePaths {
		if p.update {
			continue
		}
		for _, v := range values {
			t.Run(fmt.Sprintf("%s/%v", p.name, v.sent), func(t *testing.T) {
				n++
				id := fmt.Sprintf("goodDateProbe%04d", n)
				if code := p.write(t, srv, tok, catalog.Activities, id, map[string]any{"end_date": v.sent}, "end_date"); code != "" {
					t.Fatalf("refused: %s", code)
				}
				if got := storedValue(t, srv, catalog.Activities, id, "end_date"); got != v.want {
					t.Errorf("stored %q, want %q", got, v.want)
				}
			})
		}
	}
}

// An end before its start is refused on every path, on the later field;
// the same day is not before (an end given as a date alone, a start at
// 08:00).
func TestDatesOutOfOrderAreRefusedOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	cases := []struct {
		name, col, field, code string
		fields                 map[string]any
	}{
		{"activity ends before it starts", catalog.Activities, "end_date", "end_before_start",
			map[string]any{"start_date": "2025-03-10", "end_date": "2024-01-01"}},
		{"activity ends the day before", catalog.Activities, "end_date", "end_before_start",
			map[string]any{"start_date": "2025-03-10 08:00:00.000Z", "end_date": "2025-03-09 23:59:59.000Z"}},
		{"activity ends the same day", catalog.Activities, "end_date", "",
			map[string]any{"start_date": "2025-03-10 08:00:00.000Z", "end_date": "2025-03-10"}},
		{"follow-up before the outreach", catalog.OutreachLogs, "follow_up_date", "follow_up_before_date",
			map[string]any{"date": "2025-04-02", "follow_up_date": "2025-04-01"}},
		{"follow-up the same day", catalog.OutreachLogs, "follow_up_date", "",
			map[string]any{"date": "2025-04-02 10:00:00.000Z", "follow_up_date": "2025-04-02"}},
	}
	n := 0
	for _, p := range programmePaths() {
		for _, c := range cases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				n++
				id := fmt.Sprintf("dateOrderProbe%04d", n)
				if p.update {
					id = fixtureOf[c.col]
				}
				before := storedValue(t, srv, c.col, id, c.field)
				got := p.write(t, srv, tok, c.col, id, c.fields, c.field)
				if got != c.code {
					t.Errorf("code %q, want %q", got, c.code)
				}
				if after := storedValue(t, srv, c.col, id, c.field); c.code != "" && after != before {
					t.Errorf("stored %q, was %q", after, before)
				}
			})
		}
	}
}

// Moving the start past the stored end is refused too, on the end.
func TestStartMovedPastTheEndIsRefused(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tok, map[string]any{"end_date": "2025-03-11"})
	if res.Status != 200 {
		t.Fatalf("set end: %d %s", res.Status, res.Body)
	}
	res = srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tok, map[string]any{"start_date": "2025-03-12"})
	if got := fieldCode(res.Body, "end_date"); got != "end_before_start" {
		t.Errorf("code %q: %d %s", got, res.Status, res.Body)
	}
}

// A record stored out of order before the rule (or outside the app) is
// not locked by it: a write that leaves both dates as they are is accepted.
func TestStoredOutOfOrderRecordStaysWritable(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	if _, err := srv.App.DB().NewQuery(`UPDATE activities SET start_date = '2025-03-10 08:00:00.000Z', end_date = '2024-01-01 00:00:00.000Z' WHERE id = {:id}`).
		Bind(map[string]any{"id": tt.ActivityA}).Execute(); err != nil {
		t.Fatal(err)
	}
	res := srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tok, map[string]any{"title": "Sosialisasi ulang"})
	if res.Status != 200 {
		t.Errorf("untouched dates: %d %s", res.Status, res.Body)
	}
	res = srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tok, map[string]any{"end_date": "2024-02-01"})
	if got := fieldCode(res.Body, "end_date"); got != "end_before_start" {
		t.Errorf("a changed end still before the start: %q %d %s", got, res.Status, res.Body)
	}
}

// A form (multipart, as the console sends a record with photos) is read
// the same way: its fields are text, and a date that is none is refused.
func TestInvalidDateInAFormIsRefused(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	send := func(end string) (int, []byte) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for k, v := range map[string]string{"village": tt.VillageA, "title": "Sosialisasi", "type": "sosialisasi",
			"start_date": "2025-03-10", "end_date": end} {
			_ = w.WriteField(k, v)
		}
		_ = w.Close()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/collections/activities/records", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	for _, end := range []string{"2025-02-30", "besok", "31/12/2025", "20250310"} {
		if st, b := send(end); st != http.StatusBadRequest || fieldCode(b, "end_date") != records.CodeInvalidDate {
			t.Errorf("%s: %d %s", end, st, b)
		}
	}
	if st, b := send("2025-03-11"); st != 200 {
		t.Errorf("a valid date refused: %d %s", st, b)
	}
}
