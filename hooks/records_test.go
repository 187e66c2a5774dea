package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/privacy"
)

const activities = "/api/collections/activities/records"

func merge(base map[string]any, extra map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestClientIDs(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	cases := []struct {
		name, id string
		ok       bool
	}{
		{"watermelon 16 chars", "aB3dEf6hIj9kLm0p", true},
		{"uuid", "3f2b8c1e-9a7d-4e2b-8c1f-0a9b8c7d6e5f", true},
		{"underscore", "phone_2025_00001", true},
		{"empty", "", false},
		{"too short", "abc123", false},
		{"too long", strings.Repeat("a", 37), false},
		{"dot", "abc.def.ghi.jkl.mn", false},
		{"slash", "abc/def/ghi/jkl/mn", false},
		{"space", "abc def ghi jkl mn", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := srv.Do(t, http.MethodPost, activities, tok, merge(tt.Activity(tt.VillageA), map[string]any{"id": c.id}))
			if c.ok {
				if res.Status != 200 || res.JSON()["id"] != c.id {
					t.Fatalf("status %d: %s", res.Status, res.Body)
				}
				return
			}
			if res.Status != 400 || res.FieldError("id") == "" {
				t.Fatalf("want 400 with an id field error, got %d: %s", res.Status, res.Body)
			}
			if c.id != "" {
				if _, err := srv.App.FindRecordById(catalog.Activities, c.id); err == nil {
					t.Fatal("refused id stored")
				}
			}
		})
	}
	t.Run("omitted id is generated", func(t *testing.T) {
		res := srv.Do(t, http.MethodPost, activities, tok, tt.Activity(tt.VillageA))
		if id, _ := res.JSON()["id"].(string); res.Status != 200 || len(id) != 15 {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
	})
	t.Run("same id twice", func(t *testing.T) {
		body := merge(tt.Activity(tt.VillageA), map[string]any{"id": "dupDupDupDup0001"})
		if res := srv.Do(t, http.MethodPost, activities, tok, body); res.Status != 200 {
			t.Fatalf("first: %d %s", res.Status, res.Body)
		}
		if res := srv.Do(t, http.MethodPost, activities, tok, body); res.Status != 400 {
			t.Fatalf("second: %d %s", res.Status, res.Body)
		}
	})
}

func TestServerDerivesScopeAndAuthor(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	body := merge(tt.Activity(tt.VillageA), map[string]any{
		"id": "deriveDerive0001", "regency": tt.RegencyB, "district": "18.02.01",
		"created_by": tt.UserID(tt.OfficerB), "status": "approved",
	})
	res := srv.Do(t, http.MethodPost, activities, tok, body)
	if res.Status != 400 || res.FieldError("status") != "invalid_transition" {
		t.Fatalf("an officer created an approved record: %d %s", res.Status, res.Body)
	}
	body["status"] = "draft"
	res = srv.Do(t, http.MethodPost, activities, tok, body)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, "deriveDerive0001")
	if rec.GetString("regency") != tt.RegencyA || rec.GetString("district") != tt.DistrictA || rec.GetString("created_by") != tt.UserID(tt.OfficerA) {
		t.Errorf("regency %s district %s created_by %s", rec.GetString("regency"), rec.GetString("district"), rec.GetString("created_by"))
	}
	// changing the village later re-derives, and is refused outside the officer's village
	res = srv.Do(t, http.MethodPatch, activities+"/deriveDerive0001", tok, map[string]any{"village": tt.VillageA2})
	if res.Status != 400 || res.FieldError("village") != "not_your_area" {
		t.Errorf("moved to another village: %d %s", res.Status, res.Body)
	}
}

func TestVillageFieldErrors(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	// the level checks run on every path: a superuser (who passes every
	// scope check) meets them too
	su := tt.Token(t, srv.App, tt.SuperuserEmail)
	cases := []struct {
		name, field, code string
		patch             map[string]any
		token             string
	}{
		{"another village", "village", "not_your_area", map[string]any{"village": tt.VillageB}, tok},
		{"a district", "village", "wrong_area_level", map[string]any{"village": tt.DistrictA}, su},
		{"a regency", "village", "wrong_area_level", map[string]any{"village": tt.RegencyA}, su},
		{"unknown code", "village", "unknown_area", map[string]any{"village": "18.01.04.2999"}, su},
		{"negative count", "female_child", "validation_min_number_constraint", map[string]any{"female_child": -1}, tok},
		{"fractional count", "male_adult", "validation_only_int_constraint", map[string]any{"male_adult": 2.5}, tok},
		{"unknown type", "type", "unknown_code", map[string]any{"type": "pesta"}, tok},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := merge(tt.Activity(tt.VillageA), c.patch)
			body["id"] = "fieldErrorCase01"
			res := srv.Do(t, http.MethodPost, activities, c.token, body)
			if res.Status != 400 || res.FieldError(c.field) != c.code {
				t.Fatalf("want 400 %s=%s, got %d: %s", c.field, c.code, res.Status, res.Body)
			}
			if _, err := srv.App.FindRecordById(catalog.Activities, "fieldErrorCase01"); err == nil {
				t.Fatal("refused record stored")
			}
		})
	}
	// a village officer's message is bilingual
	res := srv.Do(t, http.MethodPost, activities, tok, merge(tt.Activity(tt.VillageB), nil))
	msg := res.JSON()["data"].(map[string]any)["village"].(map[string]any)["message"].(string)
	if !strings.Contains(msg, "wilayah Anda") || !strings.Contains(msg, "outside your area") {
		t.Errorf("message not bilingual: %q", msg)
	}
}

// freeTextFields are every free-text field a phone can fill, per collection.
var freeTextFields = map[string][]string{
	catalog.Activities:   {"title", "venue", "type_other", "resource_agencies", "partner_agencies", "materials", "outcome_summary", "follow_up_plan"},
	catalog.OutreachLogs: {"referral_reference", "note"},
}

func TestPrivacyGuardOnEveryFreeTextField(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	bad := map[string]string{
		"NIK":          "Korban NIK 1801234567890001 dirujuk",
		"NIK grouped":  "KK 1801-2345-6789-0001",
		"phone 08":     "hubungi 081234567890",
		"phone +62":    "WA +62 812-3456-7890",
		"phone 62":     "kontak 6281234567890 malam",
		"phone spaced": "nomor 0812 3456 7890",
	}
	base := map[string]func(string) map[string]any{catalog.Activities: tt.Activity, catalog.OutreachLogs: tt.Outreach}
	for col, fields := range freeTextFields {
		for _, field := range fields {
			for name, text := range bad {
				t.Run(col+"/"+field+"/"+name, func(t *testing.T) {
					body := merge(base[col](tt.VillageA), map[string]any{field: text, "id": "privacyCase00001"})
					res := srv.Do(t, http.MethodPost, "/api/collections/"+col+"/records", tok, body)
					code := res.FieldError(field)
					if res.Status != 400 || (code != privacy.CodeNIK && code != privacy.CodePhone) {
						t.Fatalf("want 400 with a privacy error on %s, got %d: %s", field, res.Status, res.Body)
					}
					if _, err := srv.App.FindRecordById(col, "privacyCase00001"); err == nil {
						t.Fatal("stored")
					}
				})
			}
		}
	}
	// ordinary numbers pass, in every field
	ok := "Anggaran Rp 15.000.000 (APBDes 2025), 35 peserta, 12 leaflet, Perdes No. 3 Tahun 2024, Rp 62.850.000, tgl 10-03-2025"
	for col, fields := range freeTextFields {
		body := base[col](tt.VillageA)
		for _, f := range fields {
			body[f] = ok
		}
		body["referral_reference"] = "REF-2025-000123"
		res := srv.Do(t, http.MethodPost, "/api/collections/"+col+"/records", tok, body)
		if res.Status != 200 {
			t.Errorf("%s: ordinary numbers refused: %d %s", col, res.Status, res.Body)
		}
	}
	// updates are guarded too
	res := srv.Do(t, http.MethodPatch, activities+"/"+tt.ActivityA, tok, map[string]any{"outcome_summary": "Ibu X (0812-3456-7890) hadir"})
	if res.Status != 400 || res.FieldError("outcome_summary") != privacy.CodePhone {
		t.Errorf("update: %d %s", res.Status, res.Body)
	}
}

func TestBatchFollowsScopeAndIsAllOrNothing(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	req := func(id, village string) map[string]any {
		return map[string]any{"method": "POST", "url": activities, "body": merge(tt.Activity(village), map[string]any{"id": id})}
	}
	res := srv.Do(t, http.MethodPost, "/api/batch", tok, map[string]any{"requests": []any{req("batchInScope0001", tt.VillageA), req("batchOutScope001", tt.VillageB)}})
	if res.Status != 400 {
		t.Fatalf("mixed batch: %d %s", res.Status, res.Body)
	}
	for _, id := range []string{"batchInScope0001", "batchOutScope001"} {
		if _, err := srv.App.FindRecordById(catalog.Activities, id); err == nil {
			t.Errorf("%s written by a failed batch", id)
		}
	}
	res = srv.Do(t, http.MethodPost, "/api/batch", tok, map[string]any{"requests": []any{req("batchInScope0001", tt.VillageA), req("batchInScope0002", tt.VillageA)}})
	if res.Status != 200 {
		t.Fatalf("batch: %d %s", res.Status, res.Body)
	}
	rec, err := srv.App.FindRecordById(catalog.Activities, "batchInScope0002")
	if err != nil || rec.GetString("regency") != tt.RegencyA || rec.GetString("created_by") != tt.UserID(tt.OfficerA) {
		t.Fatalf("batch record: %v", err)
	}
	// reading through batch is not possible, and updating another village's record is refused
	res = srv.Do(t, http.MethodPost, "/api/batch", tok, map[string]any{"requests": []any{
		map[string]any{"method": "PATCH", "url": activities + "/" + tt.ActivityB, "body": map[string]any{"venue": "x"}},
	}})
	if res.Status == 200 {
		t.Fatalf("batch update of another village: %d %s", res.Status, res.Body)
	}
}

// subscribe connects to realtime and subscribes to topics with token.
func subscribe(t *testing.T, srv *tt.Server, token string, topics ...string) *tt.Realtime {
	t.Helper()
	c := tt.ConnectRealtime(t, srv)
	if r := c.Subscribe(t, token, topics...); r.Status != 204 {
		t.Fatalf("subscribe: %d %s", r.Status, r.Body)
	}
	return c
}

func TestRealtimeDeliversOnlyInScope(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	subs := map[string]*tt.Realtime{}
	for _, who := range []string{tt.OfficerA, tt.OfficerA2, tt.OfficerB, tt.VerifierA, tt.VerifierB, tt.Secretariat} {
		subs[who] = subscribe(t, srv, tt.Token(t, srv.App, who), "activities")
	}
	anonSub := subscribe(t, srv, "", "activities")
	res := srv.Do(t, http.MethodPost, activities, tt.Token(t, srv.App, tt.OfficerA), merge(tt.Activity(tt.VillageA), map[string]any{"id": "realtimeVillageA"}))
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	want := map[string]bool{tt.OfficerA: true, tt.VerifierA: true, tt.Secretariat: true}
	for who, c := range subs {
		got := c.Received(700 * time.Millisecond)["realtimeVillageA"]
		if got != want[who] {
			t.Errorf("%s received=%v, want %v", who, got, want[who])
		}
	}
	if anonSub.Received(100 * time.Millisecond)["realtimeVillageA"] {
		t.Error("anonymous subscriber received the record")
	}
}
