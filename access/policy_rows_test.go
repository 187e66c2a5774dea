package access_test

import (
	"slices"
	"strings"
	"testing"

	"jangkau/access"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// TestNewRoleIsOneRow checks what the policy derives from the two rows
// issue 15 added (regency_taskforce_member, agency_officer: a catalog
// entry and one row of the table each): API rules, Go checks, sync scope,
// reports, management. Nothing else was written for them.
func TestNewRoleIsOneRow(t *testing.T) {
	t.Parallel()
	const (
		regencyTF = catalog.RoleRegencyTaskforce // regency level, with a cluster
		agency    = catalog.RoleAgencyOfficer    // province level, with a cluster
	)
	if catalog.RoleAreaLevel[regencyTF] != catalog.LevelRegency || catalog.RoleAreaLevel[agency] != catalog.LevelProvince {
		t.Fatalf("levels: %s %s", catalog.RoleAreaLevel[regencyTF], catalog.RoleAreaLevel[agency])
	}

	// API rules
	rules := access.RulesOf(catalog.CaseAggregates)
	wantUpdate := `(@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area && @request.auth.cluster != "" && cluster = @request.auth.cluster)`
	if !strings.Contains(*rules.Update, wantUpdate) {
		t.Errorf("case figures update rule lacks the new role's clause %s:\n%s", wantUpdate, *rules.Update)
	}
	if !strings.Contains(*rules.Create, `(@request.auth.role = "regency_taskforce_member")`) || strings.Contains(*rules.List, agency) {
		t.Errorf("case figures rules: %s / %s", *rules.Create, *rules.List)
	}
	acts := access.RulesOf(catalog.Activities)
	if !strings.Contains(*acts.List, `(@request.auth.role = "agency_officer" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`) {
		t.Errorf("activities list rule lacks the agency officer's cluster clause: %s", *acts.List)
	}
	if !strings.Contains(*acts.Update, `(@request.auth.role = "district_verifier" && regency = @request.auth.area && (level = "village" || level = "district"))`) {
		t.Errorf("a verifier reviews village and district activities only: %s", *acts.Update)
	}
	if out := access.RulesOf(catalog.OutreachLogs); strings.Contains(*out.List, regencyTF) || strings.Contains(*out.List, agency) {
		t.Errorf("outreach logs are read in the outreach report only by the new roles: %s", *out.List)
	}

	// Go checks: the new record's place, cluster and level decide
	member := access.Actor{ID: "m", Role: regencyTF, Area: tt.RegencyA, Cluster: "law_enforcement"}
	for _, c := range []struct {
		area, cluster string
		want          bool
	}{{tt.RegencyA, "law_enforcement", true}, {tt.RegencyA, "prevention", false}, {tt.RegencyB, "law_enforcement", false}, {tt.Province, "law_enforcement", false}} {
		fig := access.Fields{"area": c.area, "cluster": c.cluster}
		if got := access.Decide(member, catalog.CaseAggregates, access.Create, nil, fig, nil); got != c.want {
			t.Errorf("regency task-force member creates a figure of %s/%s: %v, want %v", c.area, c.cluster, got, c.want)
		}
	}
	for _, c := range []struct {
		area, level string
		want        bool
	}{{tt.RegencyA, catalog.LevelRegency, true}, {tt.DistrictA, catalog.LevelDistrict, true}, {tt.VillageA, catalog.LevelVillage, false}, {tt.Province, catalog.LevelProvince, false}} {
		act := access.Fields{"area": c.area, "level": c.level, "cluster": "law_enforcement", "status": catalog.StatusDraft}
		if got := access.Decide(member, catalog.Activities, access.Create, nil, act, nil); got != c.want {
			t.Errorf("regency task-force member records an activity of %s: %v, want %v", c.area, got, c.want)
		}
	}

	// sync: neither syncs (desk roles; the agency officer's activities are
	// filtered by cluster, which the feed cannot do anyway)
	officer := access.Actor{ID: "o", Role: agency, Area: tt.Province, Cluster: "health_rehab"}
	for _, a := range []access.Actor{member, officer} {
		if _, _, ok := access.FeedLevel(a, []string{catalog.Areas, catalog.RadIndicators, catalog.Activities}); ok {
			t.Errorf("%s syncs: the console is its tool", a.Role)
		}
	}

	// reports, management
	if a, ok := access.ReportArea(member); !ok || a != tt.RegencyA {
		t.Errorf("regency member's reports: %s %v", a, ok)
	}
	if a, ok := access.ReportArea(officer); !ok || a != tt.Province {
		t.Errorf("agency officer's reports: %s %v", a, ok)
	}
	if access.Manages(member) || access.Manages(officer) || access.MayUseRawReports(member) {
		t.Error("the new roles manage no accounts and use no raw engine")
	}
	if !access.HasCluster(regencyTF) || !access.HasCluster(agency) {
		t.Error("the new roles carry a cluster")
	}
	if !slices.Contains(access.RowOf(catalog.RoleProvinceSecretariat).Manages, regencyTF) {
		t.Error("the secretariat manages the new roles' accounts")
	}
}
