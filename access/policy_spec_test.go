package access_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// The policy spec: every role (and anonymous, and a superuser) x every
// collection x every operation x in-scope and out-of-scope targets, written
// out by hand as a person states it. TestTableMatchesSpec checks the policy
// table against it; the generated path test (policy_paths_test.go) checks
// every path against the table.

const anon = ""

var allActors = []string{anon, tt.OfficerA, tt.OfficerA2, tt.OfficerB, tt.VerifierA, tt.VerifierB, tt.Secretariat, tt.Taskforce,
	tt.RegencyMemberA, tt.AgencyOfficer, tt.SuperuserEmail}

var signedIn = []string{tt.OfficerA, tt.OfficerA2, tt.OfficerB, tt.VerifierA, tt.VerifierB, tt.Secretariat, tt.Taskforce,
	tt.RegencyMemberA, tt.AgencyOfficer, tt.SuperuserEmail}

// Activities above village level (issue 15), made by seedLevelActivities:
// a district and a regency activity of regency A's law-enforcement
// cluster (the regency member's), a province activity of the prevention
// cluster (the agency officer's).
const (
	actDistrictA = "actdistrictA001"
	actRegencyA  = "actregencyA0001"
	actProvince  = "actprovince0001"
)

// seedLevelActivities saves the activities above village level, drafts of
// their authors.
func seedLevelActivities(t testing.TB, app core.App) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct{ id, area, cluster, by string }{
		{actDistrictA, tt.DistrictA, "law_enforcement", tt.RegencyMemberA},
		{actRegencyA, tt.RegencyA, "law_enforcement", tt.RegencyMemberA},
		{actProvince, tt.Province, "prevention", tt.AgencyOfficer},
	} {
		r := core.NewRecord(col)
		r.Id = a.id
		for k, v := range tt.LevelActivity(a.area, a.cluster) {
			r.Set(k, v)
		}
		r.Set("created_by", tt.UserID(a.by))
		if err := app.Save(r); err != nil {
			t.Fatalf("activity %s: %v", a.id, err)
		}
	}
}

// levelActivityPolicy: activities above village level are read in their
// area (the agency officer: its cluster's), written by the role that
// records at that level, in its cluster.
var levelActivityPolicy = policy{
	collection: catalog.Activities,
	targets: []target{
		{name: "district", id: actDistrictA, create: withID("newactdistrictA01", tt.LevelActivity(tt.DistrictA, "law_enforcement")), update: map[string]any{"venue": "Aula kecamatan"}},
		{name: "regency", id: actRegencyA, create: withID("newactregencyA001", tt.LevelActivity(tt.RegencyA, "law_enforcement")), update: map[string]any{"venue": "Aula kabupaten"}},
		{name: "regency-other-cluster", id: actRegencyA, create: withID("newactregencyA002", tt.LevelActivity(tt.RegencyA, "social_rehab")), update: map[string]any{"cluster": "social_rehab"}},
		{name: "regencyB", id: actRegencyA, create: withID("newactregencyB001", tt.LevelActivity(tt.RegencyB, "law_enforcement")), update: map[string]any{"area": tt.RegencyB}},
		{name: "province", id: actProvince, create: withID("newactprovince001", tt.LevelActivity(tt.Province, "prevention")), update: map[string]any{"venue": "Aula provinsi"}},
	},
	read: map[string][]string{
		"district":              who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA),
		"regency":               who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA),
		"regency-other-cluster": who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA),
		"regencyB":              who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA),
		"province":              who(tt.Secretariat, tt.Taskforce, tt.AgencyOfficer),
	},
	create: map[string][]string{"district": who(tt.RegencyMemberA), "regency": who(tt.RegencyMemberA), "regency-other-cluster": who(),
		"regencyB": who(), "province": who(tt.AgencyOfficer)},
	update: map[string][]string{"district": who(tt.RegencyMemberA), "regency": who(tt.RegencyMemberA), "regency-other-cluster": who(),
		"regencyB": who(), "province": who(tt.AgencyOfficer)},
	del: map[string][]string{"district": who(tt.RegencyMemberA), "regency": who(tt.RegencyMemberA), "regency-other-cluster": who(tt.RegencyMemberA),
		"regencyB": who(tt.RegencyMemberA), "province": who(tt.AgencyOfficer)},
}

func who(emails ...string) []string { return append(emails, tt.SuperuserEmail) }

// target is one record (existing, or to be created) in one scope.
type target struct {
	name     string
	id       string         // existing record for view, update, delete
	deleteID string         // when deleting id is impossible for other reasons
	create   map[string]any // body of a create in this scope (with its id)
	update   map[string]any // body of an update of id
}

type policy struct {
	collection string
	targets    []target
	// allowed actors per operation and target name
	read, create, update, del map[string][]string
}

func withID(id string, fields map[string]any) map[string]any {
	out := map[string]any{"id": id}
	for k, v := range fields {
		out[k] = v
	}
	return out
}

func newUser(email, role, area string) map[string]any {
	return map[string]any{"email": email, "password": "Sandi-rahasia-1", "passwordConfirm": "Sandi-rahasia-1",
		"role": role, "area": area, "name": "Akun baru"}
}

func villageRecordPolicy(col, idA, idB string, fields func(string) map[string]any, update map[string]any, readers []string, readersA ...string) policy {
	return policy{
		collection: col,
		targets: []target{
			{name: "A", id: idA, create: withID("newrecordvillageA01", fields(tt.VillageA)), update: update},
			{name: "B", id: idB, create: withID("newrecordvillageB01", fields(tt.VillageB)), update: update},
		},
		read: map[string][]string{
			"A": who(append(append([]string{tt.OfficerA, tt.VerifierA, tt.Secretariat}, readers...), readersA...)...),
			"B": who(append([]string{tt.OfficerB, tt.VerifierB, tt.Secretariat}, readers...)...),
		},
		create: map[string][]string{"A": who(tt.OfficerA), "B": who(tt.OfficerB)},
		update: map[string][]string{"A": who(tt.OfficerA), "B": who(tt.OfficerB)},
		del:    map[string][]string{"A": who(tt.OfficerA), "B": who(tt.OfficerB)},
	}
}

var policies = []policy{
	// a regency task-force member reads its regency's activities (not its
	// outreach logs: contacts with people, in the outreach report only)
	villageRecordPolicy(catalog.Activities, tt.ActivityA, tt.ActivityB, tt.Activity, map[string]any{"venue": "Aula kecamatan"}, []string{tt.Taskforce}, tt.RegencyMemberA),
	levelActivityPolicy,
	// outreach logs (a note on a household, an agency's case reference) are
	// read by the village, its verifier and the secretariat only (issue 15)
	villageRecordPolicy(catalog.OutreachLogs, tt.OutreachA, tt.OutreachB, tt.Outreach, map[string]any{"note": "Pos layanan di pasar"}, nil),
	{
		collection: catalog.VillagePrograms,
		targets: []target{
			{name: "A", id: tt.ProgramA, create: map[string]any{"id": "newprogramvillageA", "village": tt.VillageA, "program": "drppa", "status": "rintisan"},
				update: map[string]any{"legal_basis_number": "Perdes No. 3 Tahun 2024"}},
			{name: "B", id: tt.ProgramB, create: map[string]any{"id": "newprogramvillageB", "village": tt.VillageB, "program": "drppa", "status": "rintisan"},
				update: map[string]any{"legal_basis_number": "Perdes No. 3 Tahun 2024"}},
		},
		read: map[string][]string{
			"A": who(tt.OfficerA, tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA, tt.AgencyOfficer),
			"B": who(tt.OfficerB, tt.VerifierB, tt.Secretariat, tt.Taskforce, tt.AgencyOfficer),
		},
		create: map[string][]string{"A": who(tt.OfficerA, tt.VerifierA, tt.Secretariat), "B": who(tt.OfficerB, tt.VerifierB, tt.Secretariat)},
		update: map[string][]string{"A": who(tt.OfficerA, tt.VerifierA, tt.Secretariat), "B": who(tt.OfficerB, tt.VerifierB, tt.Secretariat)},
		del:    map[string][]string{"A": who(tt.VerifierA, tt.Secretariat), "B": who(tt.VerifierB, tt.Secretariat)},
	},
	{
		collection: catalog.CaseAggregates,
		targets: []target{
			{name: "A", id: tt.CaseA, create: withID("newcaseregencya", tt.CaseFigure(tt.RegencyA, "law_enforcement")), update: map[string]any{"source_note": "Rekap triwulan"}},
			{name: "B", id: tt.CaseB, create: withID("newcaseregencyb", tt.CaseFigure(tt.RegencyB, "social_rehab")), update: map[string]any{"source_note": "Rekap triwulan"}},
			{name: "P", id: tt.CaseProvince, create: withID("newcaseprovince", tt.CaseFigure(tt.Province, "law_enforcement")), update: map[string]any{"source_note": "Rekap triwulan"}},
		},
		// a case figure record is read by who keeps it (the task-force
		// member's cluster is law_enforcement, B's social_rehab); everyone
		// else reads the figures suppressed in the reports
		// (the regency member keeps its cluster's figures of its regency;
		// the agency officer keeps none)
		read: map[string][]string{
			"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA),
			"B": who(tt.VerifierB, tt.Secretariat),
			"P": who(tt.Secretariat, tt.Taskforce),
		},
		create: map[string][]string{"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA), "B": who(tt.VerifierB, tt.Secretariat), "P": who(tt.Secretariat, tt.Taskforce)},
		update: map[string][]string{"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA), "B": who(tt.VerifierB, tt.Secretariat), "P": who(tt.Secretariat, tt.Taskforce)},
		del:    map[string][]string{"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA), "B": who(tt.VerifierB, tt.Secretariat), "P": who(tt.Secretariat, tt.Taskforce)},
	},
	{
		collection: catalog.RadIndicators,
		targets: []target{{name: "all", id: tt.IndicatorID, deleteID: tt.IndicatorFree,
			create: map[string]any{"id": "newradindicator", "code": "P.9.9", "rad_period": "2022-2026", "cluster": "prevention", "level": "province", "counting": "manual"},
			update: map[string]any{"unit": "desa"}}},
		read:   map[string][]string{"all": signedIn},
		create: map[string][]string{"all": who(tt.Secretariat)},
		update: map[string][]string{"all": who(tt.Secretariat)},
		del:    map[string][]string{"all": who(tt.Secretariat)},
	},
	{
		collection: catalog.RadAchievements,
		targets: []target{
			{name: "A", id: tt.AchievementA, create: map[string]any{"id": "newachievementa", "indicator": tt.IndicatorID, "area": tt.RegencyA, "year": 2026, "period_type": "year", "value": 1}, update: map[string]any{"note": "Dokumen terlampir"}},
			{name: "B", id: tt.AchievementB, create: map[string]any{"id": "newachievementb", "indicator": tt.IndicatorID, "area": tt.RegencyB, "year": 2026, "period_type": "year", "value": 1}, update: map[string]any{"note": "Dokumen terlampir"}},
		},
		read: map[string][]string{
			"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce, tt.RegencyMemberA, tt.AgencyOfficer),
			"B": who(tt.VerifierB, tt.Secretariat, tt.Taskforce, tt.AgencyOfficer),
		},
		create: map[string][]string{"A": who(tt.VerifierA, tt.Secretariat), "B": who(tt.VerifierB, tt.Secretariat)},
		update: map[string][]string{"A": who(tt.VerifierA, tt.Secretariat), "B": who(tt.VerifierB, tt.Secretariat)},
		del:    map[string][]string{"A": who(tt.VerifierA, tt.Secretariat), "B": who(tt.VerifierB, tt.Secretariat)},
	},
	{
		collection: catalog.Areas,
		// Areas are created only by the import command (official codes hold
		// dots, which the generic record API refuses) and never deleted.
		targets: []target{{name: "regency", id: tt.RegencyA,
			create: map[string]any{"id": "18.01.99", "name": "Kecamatan Baru", "level": "district", "kind": "kecamatan", "parent": tt.RegencyA, "active": true},
			update: map[string]any{"local_term": "pekon"}}},
		read:   map[string][]string{"regency": signedIn},
		create: map[string][]string{"regency": nil},
		update: map[string][]string{"regency": who(tt.Secretariat)},
		del:    map[string][]string{"regency": nil},
	},
	{
		collection: catalog.Users,
		targets: []target{
			{name: "officerA", id: tt.UserID(tt.OfficerA), create: newUser("new.a@test.jangkau.id", catalog.RoleVillageOfficer, tt.VillageA), update: map[string]any{"position": "Sekdes"}},
			{name: "officerB", id: tt.UserID(tt.OfficerB), create: newUser("new.b@test.jangkau.id", catalog.RoleVillageOfficer, tt.VillageB), update: map[string]any{"position": "Sekdes"}},
			{name: "verifierA", id: tt.UserID(tt.VerifierA), create: newUser("new.va@test.jangkau.id", catalog.RoleDistrictVerifier, tt.RegencyA), update: map[string]any{"position": "Kabid PPA"}},
		},
		read: map[string][]string{
			"officerA":  who(tt.OfficerA, tt.VerifierA, tt.Secretariat),
			"officerB":  who(tt.OfficerB, tt.VerifierB, tt.Secretariat),
			"verifierA": who(tt.VerifierA, tt.Secretariat),
		},
		create: map[string][]string{"officerA": who(tt.VerifierA, tt.Secretariat), "officerB": who(tt.VerifierB, tt.Secretariat), "verifierA": who(tt.Secretariat)},
		update: map[string][]string{"officerA": who(tt.OfficerA, tt.VerifierA, tt.Secretariat), "officerB": who(tt.OfficerB, tt.VerifierB, tt.Secretariat), "verifierA": who(tt.VerifierA, tt.Secretariat)},
		del:    map[string][]string{"officerA": who(), "officerB": who(), "verifierA": who()},
	},
}

// actorOf is the access actor of a fixture account ("" anonymous).
func actorOf(t *testing.T, app core.App, email string) access.Actor {
	switch email {
	case anon:
		return access.Actor{}
	case tt.SuperuserEmail:
		return access.Actor{ID: "superuser", Superuser: true}
	}
	rec, err := app.FindAuthRecordByEmail(catalog.Users, email)
	if err != nil {
		t.Fatal(err)
	}
	return access.ActorOf(rec)
}

// bodyTarget is a request body as the policy reads it.
func bodyTarget(body map[string]any) access.Fields {
	f := access.Fields{}
	for k, v := range body {
		f[k] = fmt.Sprint(v)
	}
	// an activity is placed as the server places it (records.PlaceActivity):
	// its area is its village unless named, its level the area's
	if f["area"] == "" && f["village"] != "" {
		f["area"] = f["village"]
	}
	if f["level"] == "" && f["area"] != "" {
		f["level"] = areas.LevelOf(f["area"])
	}
	return f
}

// recordTarget is a stored record as the policy reads it, with the
// related fields its placement names ("user.area") filled in.
func recordTarget(t testing.TB, app core.App, rec *core.Record) access.Fields {
	f := access.Fields{"id": rec.Id}
	for _, fld := range rec.Collection().Fields {
		f[fld.GetName()] = rec.GetString(fld.GetName())
	}
	p := access.Placements[rec.Collection().Name]
	for _, name := range []string{p.Area, p.Regency, p.Cluster, p.Status, p.Owner, p.Role, p.Level} {
		rel, field, ok := strings.Cut(name, ".")
		if !ok {
			continue
		}
		if id := rec.GetString(rel); id != "" {
			if other, err := app.FindRecordById(catalog.Users, id); err == nil {
				f[name] = other.GetString(field)
			}
		}
	}
	return f
}

// overlay is the target after an update of fields.
func overlay(f access.Fields, fields map[string]any) (access.Fields, []string) {
	out := access.Fields{}
	for k, v := range f {
		out[k] = v
	}
	var changed []string
	for k, v := range fields {
		if s := fmt.Sprint(v); s != f[k] {
			out[k] = s
			changed = append(changed, k)
		}
	}
	return out, changed
}

// TestTableMatchesSpec checks the policy table against the policy written
// out by hand above (the spec a person reviews): every role (and
// anonymous, and a superuser) x collection x operation x in and out of
// scope. The generated path test then checks that every path answers as
// the table does.
func TestTableMatchesSpec(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	seedLevelActivities(t, app)
	cases := 0
	for _, p := range policies {
		for _, tg := range p.targets {
			stored, err := app.FindRecordById(p.collection, tg.id)
			if err != nil {
				t.Fatal(err)
			}
			before := recordTarget(t, app, stored)
			next, changed := overlay(before, tg.update)
			delID := tg.id
			if tg.deleteID != "" {
				delID = tg.deleteID
			}
			delRec, err := app.FindRecordById(p.collection, delID)
			if err != nil {
				t.Fatal(err)
			}
			for _, email := range allActors {
				a := actorOf(t, app, email)
				check := func(op access.Op, want []string, got bool) {
					t.Helper()
					cases++
					if w := slices.Contains(want, email); got != w {
						t.Errorf("%s %s %s by %s: table says %v, spec %v", p.collection, op, tg.name, label(email), got, w)
					}
				}
				check(access.List, p.read[tg.name], access.Decide(a, p.collection, access.List, before, nil, nil))
				check(access.View, p.read[tg.name], access.Decide(a, p.collection, access.View, before, nil, nil))
				check(access.Create, p.create[tg.name], access.Decide(a, p.collection, access.Create, nil, bodyTarget(tg.create), nil))
				check(access.Update, p.update[tg.name], access.Decide(a, p.collection, access.Update, before, next, changed))
				check(access.Delete, p.del[tg.name], access.Decide(a, p.collection, access.Delete, recordTarget(t, app, delRec), nil, nil))
			}
		}
	}
	t.Logf("table vs spec: %d cases", cases)
}

func label(actor string) string {
	if actor == anon {
		return "anonymous"
	}
	return actor
}
