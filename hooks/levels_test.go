package hooks_test

import (
	"net/http"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// TestActivitiesOneLevelUp: a regency task-force member records district
// and regency activities of its cluster, an agency officer province ones;
// the regency's verifier reviews district activities, the secretariat
// regency and province ones. Through REST, as the console does.
func TestActivitiesOneLevelUp(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	member := tt.Token(t, srv.App, tt.RegencyMemberA)
	officer := tt.Token(t, srv.App, tt.AgencyOfficer)
	verifier := tt.Token(t, srv.App, tt.VerifierA)
	secretariat := tt.Token(t, srv.App, tt.Secretariat)

	create := func(tok, id, area string, status string) tt.Response {
		body := tt.LevelActivity(area, "")
		delete(body, "cluster") // the server fills in the member's cluster
		body["id"], body["status"] = id, status
		return srv.Do(t, http.MethodPost, activities, tok, body)
	}
	review := func(tok, id, status string) tt.Response {
		return srv.Do(t, http.MethodPatch, activities+"/"+id, tok, map[string]any{"status": status})
	}

	res := create(member, "lvlregency00001", tt.RegencyA, catalog.StatusSubmitted)
	if res.Status != 200 {
		t.Fatalf("regency member's regency activity: %d %s", res.Status, res.Body)
	}
	doc := res.JSON()
	if doc["level"] != catalog.LevelRegency || doc["area"] != tt.RegencyA || doc["cluster"] != "law_enforcement" || doc["village"] != "" || doc["regency"] != tt.RegencyA {
		t.Errorf("placed as %v %v %v %v %v", doc["level"], doc["area"], doc["cluster"], doc["village"], doc["regency"])
	}
	if res := review(verifier, "lvlregency00001", catalog.StatusApproved); res.Status == 200 {
		t.Errorf("the regency's verifier approved a regency activity (the secretariat's): %s", res.Body)
	}
	if res := review(secretariat, "lvlregency00001", catalog.StatusApproved); res.Status != 200 {
		t.Errorf("the secretariat approves a regency activity: %d %s", res.Status, res.Body)
	}

	if res := create(member, "lvldistrict0001", tt.DistrictA, catalog.StatusSubmitted); res.Status != 200 {
		t.Fatalf("regency member's district activity: %d %s", res.Status, res.Body)
	}
	if res := review(secretariat, "lvldistrict0001", catalog.StatusApproved); res.Status == 200 {
		t.Errorf("the secretariat approved a district activity (the verifier's): %s", res.Body)
	}
	if res := review(verifier, "lvldistrict0001", catalog.StatusApproved); res.Status != 200 {
		t.Errorf("the verifier approves a district activity: %d %s", res.Status, res.Body)
	}
	if res := review(secretariat, "lvldistrict0001", catalog.StatusReturned); res.Status != 400 || res.FieldError("review_note") != "note_required" {
		t.Errorf("the secretariat reopens without a note: %d %s", res.Status, res.Body)
	}

	if res := create(officer, "lvlprovince0001", tt.Province, catalog.StatusSubmitted); res.Status != 200 {
		t.Fatalf("agency officer's province activity: %d %s", res.Status, res.Body)
	}
	if res := review(secretariat, "lvlprovince0001", catalog.StatusApproved); res.Status != 200 {
		t.Errorf("the secretariat approves a province activity: %d %s", res.Status, res.Body)
	}

	// refusals name the field
	for _, c := range []struct {
		name, tok   string
		body        map[string]any
		field, code string
	}{
		{"member, a village activity", member, tt.Activity(tt.VillageA), "level", "wrong_area_level"},
		{"member, another regency", member, tt.LevelActivity(tt.RegencyB, "law_enforcement"), "area", "not_your_area"},
		{"member, another cluster", member, tt.LevelActivity(tt.RegencyA, "prevention"), "cluster", "not_your_cluster"},
		{"officer, a regency activity", officer, tt.LevelActivity(tt.RegencyA, "prevention"), "level", "wrong_area_level"},
		{"a level that is not the area's", member, merge(tt.LevelActivity(tt.RegencyA, "law_enforcement"), map[string]any{"level": "district"}), "level", "wrong_area_level"},
		{"no area", member, merge(tt.LevelActivity("", "law_enforcement"), map[string]any{}), "area", "validation_required"},
		{"village is a district", tt.Token(t, srv.App, tt.SuperuserEmail), merge(tt.LevelActivity(tt.DistrictA, ""), map[string]any{"village": tt.DistrictA}), "village", "wrong_area_level"},
		{"village officer, a district", tt.Token(t, srv.App, tt.OfficerA), tt.LevelActivity(tt.DistrictA, ""), "area", "not_your_area"},
	} {
		c.body["id"] = "lvlrefusedcase01"
		res := srv.Do(t, http.MethodPost, activities, c.tok, c.body)
		if res.Status != 400 || res.FieldError(c.field) != c.code {
			t.Errorf("%s: want 400 %s=%s, got %d %s", c.name, c.field, c.code, res.Status, res.Body)
		}
	}

	// desk roles do not sync (the console is their tool)
	for _, tok := range []string{member, officer} {
		if res := srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0", tok, nil); res.Status != 403 {
			t.Errorf("a desk role's sync pull: %d %s", res.Status, res.Body)
		}
	}
	// the agency officer lists its cluster's activities only
	res = srv.Do(t, http.MethodGet, activities+"?perPage=200", officer, nil)
	for _, it := range res.JSON()["items"].([]any) {
		if c := it.(map[string]any)["cluster"]; c != "prevention" {
			t.Errorf("agency officer lists an activity of cluster %v", c)
		}
	}
}

// TestOutreachNoteReaders: an outreach log's note and the receiving
// agency's reference are read by the village, its regency's verifier and
// the secretariat; no task-force agency (police included) reads the log,
// nor finds it by filtering on the note. They read the outreach report.
func TestOutreachNoteReaders(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	const logs = "/api/collections/outreach_logs/records"
	for who, want := range map[string]bool{
		tt.OfficerA: true, tt.VerifierA: true, tt.Secretariat: true,
		tt.Taskforce: false, tt.RegencyMemberA: false, tt.AgencyOfficer: false, tt.VerifierB: false, tt.OfficerA2: false,
	} {
		tok := tt.Token(t, srv.App, who)
		res := srv.Do(t, http.MethodGet, logs+"/"+tt.OutreachA, tok, nil)
		if got := res.Status == 200; got != want {
			t.Errorf("%s views outreach log A: %d, want readable %v", who, res.Status, want)
		}
		if want && res.JSON()["referral_reference"] != "BP3MI-LPG-2025-0042" {
			t.Errorf("%s reads no reference: %s", who, res.Body)
		}
		res = srv.Do(t, http.MethodGet, logs+`?filter=(id="`+tt.OutreachA+`"%26%26referral_reference~"BP3MI")`, tok, nil)
		n := len(res.JSON()["items"].([]any))
		if (n > 0) != want {
			t.Errorf("%s finds %d logs by the reference", who, n)
		}
	}
	res := srv.Do(t, http.MethodGet, "/api/reports/outreach?year=2025", tt.Token(t, srv.App, tt.Taskforce), nil)
	if res.Status != 200 {
		t.Errorf("a task-force member reads the outreach report: %d", res.Status)
	}
}
