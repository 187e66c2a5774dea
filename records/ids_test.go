package records_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/privacy"
)

// A client may choose the id of a record it creates (REST and batch, any
// collection): the id is stored, shown and synced, so one that carries a
// NIK, a phone number or a passport number is refused with the guard's
// code and a bilingual message naming the id, and nothing is written (a
// batch is rolled back whole). Ids clients make pass: the field app's and
// WatermelonDB's 16 letters and digits, a UUID, PocketBase's own.
func TestClientChosenIDsAreGuardedOnRESTAndBatch(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer, sec := tt.Token(t, srv.App, tt.OfficerA), tt.Token(t, srv.App, tt.Secretariat)
	n := 0
	bodies := []struct {
		collection, token string
		body              func() map[string]any
	}{
		{catalog.Activities, officer, func() map[string]any { return tt.Activity(tt.VillageA) }},
		{catalog.OutreachLogs, officer, func() map[string]any { return tt.Outreach(tt.VillageA) }},
		{catalog.Vocabularies, sec, func() map[string]any {
			n++
			return map[string]any{"kind": "topics", "code": "id_probe_" + string(rune('a'+n%26)) + string(rune('a'+n/26)), "label_id": "Topik", "label_en": "Topic", "order": 90, "active": true}
		}},
		{catalog.Users, sec, func() map[string]any {
			n++
			return map[string]any{"email": "id-probe-" + string(rune('a'+n%26)) + string(rune('a'+n/26)) + "@test.jangkau.id", "password": tt.Password, "passwordConfirm": tt.Password,
				"name": "Operator Uji", "role": catalog.RoleVillageOfficer, "area": tt.VillageA}
		}},
	}
	// lowercase, 15 characters: PocketBase's own id pattern takes them
	bad := []struct{ id, code string }{
		{"hp081234567890x", privacy.CodePhone},
		{"nik180123456789", ""}, // 15 digits: no NIK, no phone; passes
		{"wa6281234567890", privacy.CodePhone},
		{"k1801234567890001", privacy.CodeNIK},
	}
	count := func(col string) int {
		n, err := srv.App.CountRecords(col)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	for _, b := range bodies {
		url := "/api/collections/" + b.collection + "/records"
		for _, p := range bad {
			if p.code == "" {
				continue
			}
			before := count(b.collection)
			body := b.body()
			body["id"] = p.id
			res := srv.Do(t, http.MethodPost, url, b.token, body)
			checkIDRefusal(t, "REST "+b.collection+" "+p.id, res, []string{}, p.code)
			res = srv.Do(t, http.MethodPost, "/api/batch", b.token, map[string]any{"requests": []map[string]any{
				{"method": "POST", "url": url, "body": b.body()},
				{"method": "POST", "url": url, "body": body},
			}})
			checkIDRefusal(t, "batch "+b.collection+" "+p.id, res, []string{"requests", "1", "response"}, p.code)
			if after := count(b.collection); after != before {
				t.Errorf("%s %s: %d records written", b.collection, p.id, after-before)
			}
		}
	}
	// ids clients make pass (a 15-digit run reads as neither a NIK nor a
	// phone number, as in text)
	for _, ok := range []struct{ collection, token, id string }{
		{catalog.Activities, officer, "Xy3kP9qLm2Vn8RtB"},
		{catalog.Activities, officer, "75339d31-1860-4527-9779-12ab5613c3e2"},
		{catalog.OutreachLogs, officer, "aB3dE5gH7jK9mN1p"},
		{catalog.Vocabularies, sec, core.GenerateDefaultRandomId()},
		{catalog.Vocabularies, sec, "nik180123456789"},
	} {
		var body map[string]any
		for _, b := range bodies {
			if b.collection == ok.collection {
				body = b.body()
			}
		}
		body["id"] = ok.id
		if res := srv.Do(t, http.MethodPost, "/api/collections/"+ok.collection+"/records", ok.token, body); res.Status != http.StatusOK {
			t.Errorf("%s %q: %d %s", ok.collection, ok.id, res.Status, res.Body)
		}
	}
}

// checkIDRefusal expects a 400 whose data (under path) names id with code
// and a bilingual message naming the id.
func checkIDRefusal(t *testing.T, what string, res tt.Response, path []string, code string) {
	t.Helper()
	var v any = res.JSON()
	for _, p := range append([]string{"data"}, path...) {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	if len(path) > 0 {
		m, _ := v.(map[string]any)
		v = m["data"]
	}
	m, _ := v.(map[string]any)
	fe, _ := m["id"].(map[string]any)
	got, _ := fe["code"].(string)
	msg, _ := fe["message"].(string)
	if res.Status != http.StatusBadRequest || got != code || !strings.HasPrefix(strings.ToLower(msg), "id tidak boleh") || !strings.Contains(msg, " / id must not") {
		t.Errorf("%s: %d %s", what, res.Status, res.Body)
	}
}
