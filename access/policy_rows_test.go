package access_test

import (
	"slices"
	"strings"
	"testing"

	"jangkau/access"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// TestNewRoleIsOneRow adds the two roles issue 15 asks for the way a
// developer would (a catalog entry and one row of the table each) and
// checks what the rest of the policy then derives: API rules, Go checks,
// sync scope, reports, management. Nothing else needs writing.
func TestNewRoleIsOneRow(t *testing.T) {
	const (
		regencyTF = "regency_taskforce_member" // regency level, with a cluster
		agency    = "agency_officer"           // province level, with a cluster
	)
	oldRoles, oldTable, oldActs := catalog.Roles, access.Table, access.Placements[catalog.Activities]
	defer func() {
		catalog.Roles, access.Table = oldRoles, oldTable
		access.Placements[catalog.Activities] = oldActs
		delete(catalog.RoleAreaLevel, regencyTF)
		delete(catalog.RoleAreaLevel, agency)
	}()
	catalog.Roles = append(slices.Clone(catalog.Roles), regencyTF, agency)
	catalog.RoleAreaLevel[regencyTF] = catalog.LevelRegency
	catalog.RoleAreaLevel[agency] = catalog.LevelProvince
	// issue 15 gives activities a cluster: the placement names it
	acts := oldActs
	acts.Cluster = "cluster"
	access.Placements[catalog.Activities] = acts

	all := access.Grant{{Reach: access.Anything}}
	area := access.Grant{{Reach: access.InArea}}
	ownCluster := access.Grant{{Reach: access.InArea, OwnCluster: true}}
	own := access.Grant{{Reach: access.Own}}
	access.Table = append(slices.Clone(access.Table),
		access.Row{Role: regencyTF, Cluster: true, Reports: true, Collections: map[string]access.Grants{
			catalog.Areas:           {List: all, View: all},
			catalog.RadIndicators:   {List: all, View: all},
			catalog.Activities:      {List: area, View: area},
			catalog.OutreachLogs:    {List: area, View: area},
			catalog.VillagePrograms: {List: area, View: area},
			catalog.CaseAggregates:  {List: area, View: area, Create: ownCluster, Update: ownCluster, Delete: ownCluster},
			catalog.Users:           {List: own, View: own},
			catalog.Devices:         {List: own, View: own},
		}},
		access.Row{Role: agency, Cluster: true, Reports: true, Collections: map[string]access.Grants{
			catalog.Areas:          {List: all, View: all},
			catalog.RadIndicators:  {List: all, View: all},
			catalog.Activities:     {List: ownCluster, View: ownCluster},
			catalog.CaseAggregates: {List: area, View: area},
			catalog.Users:          {List: own, View: own},
		}},
	)

	// API rules
	rules := access.RulesOf(catalog.CaseAggregates)
	wantUpdate := `(@request.auth.role = "regency_taskforce_member" && regency = @request.auth.area && @request.auth.cluster != "" && cluster = @request.auth.cluster)`
	if !strings.Contains(*rules.Update, wantUpdate) {
		t.Errorf("case figures update rule lacks the new role's clause %s:\n%s", wantUpdate, *rules.Update)
	}
	if !strings.Contains(*rules.Create, `(@request.auth.role = "regency_taskforce_member")`) {
		t.Errorf("case figures create rule: %s", *rules.Create)
	}
	if acts := access.RulesOf(catalog.Activities); !strings.Contains(*acts.List, `(@request.auth.role = "agency_officer" && @request.auth.cluster != "" && cluster = @request.auth.cluster)`) {
		t.Errorf("activities list rule lacks the agency officer's cluster clause: %s", *acts.List)
	}

	// Go checks: the new record's place decides
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

	// sync: the regency member syncs its regency; the agency officer, whose
	// activities are filtered by cluster (which the feed cannot), does not
	if level, a, ok := access.FeedLevel(member, []string{catalog.Areas, catalog.RadIndicators, catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms}); !ok || level != catalog.LevelRegency || a != tt.RegencyA {
		t.Errorf("regency member's feed: %s %s %v", level, a, ok)
	}
	officer := access.Actor{ID: "o", Role: agency, Area: tt.Province, Cluster: "health_rehab"}
	if _, _, ok := access.FeedLevel(officer, []string{catalog.Activities}); ok {
		t.Error("an agency officer whose activities are filtered by cluster syncs a feed scoped by area only")
	}

	// reports, management
	if a, ok := access.ReportArea(member); !ok || a != tt.RegencyA {
		t.Errorf("regency member's reports: %s %v", a, ok)
	}
	if access.Manages(member) || access.Manages(officer) {
		t.Error("the new roles manage no accounts")
	}
	if !access.HasCluster(regencyTF) || !access.HasCluster(agency) {
		t.Error("the new roles carry a cluster")
	}
}
