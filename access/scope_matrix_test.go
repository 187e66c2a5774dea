package access_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// The scope matrix: every role (and anonymous, and a superuser) x every
// collection x every operation x in-scope and out-of-scope targets, run
// through real HTTP against the real app. The expected outcomes below are
// the policy written out as a table; the test derives every case from it.

const anon = ""

var allActors = []string{anon, tt.OfficerA, tt.OfficerA2, tt.OfficerB, tt.VerifierA, tt.VerifierB, tt.Secretariat, tt.Taskforce, tt.SuperuserEmail}

var signedIn = []string{tt.OfficerA, tt.OfficerA2, tt.OfficerB, tt.VerifierA, tt.VerifierB, tt.Secretariat, tt.Taskforce, tt.SuperuserEmail}

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

func villageRecordPolicy(col, idA, idB string, fields func(string) map[string]any, update map[string]any) policy {
	return policy{
		collection: col,
		targets: []target{
			{name: "A", id: idA, create: withID("newrecordvillageA01", fields(tt.VillageA)), update: update},
			{name: "B", id: idB, create: withID("newrecordvillageB01", fields(tt.VillageB)), update: update},
		},
		read: map[string][]string{
			"A": who(tt.OfficerA, tt.VerifierA, tt.Secretariat, tt.Taskforce),
			"B": who(tt.OfficerB, tt.VerifierB, tt.Secretariat, tt.Taskforce),
		},
		create: map[string][]string{"A": who(tt.OfficerA), "B": who(tt.OfficerB)},
		update: map[string][]string{"A": who(tt.OfficerA), "B": who(tt.OfficerB)},
		del:    map[string][]string{"A": who(tt.OfficerA), "B": who(tt.OfficerB)},
	}
}

var policies = []policy{
	villageRecordPolicy(catalog.Activities, tt.ActivityA, tt.ActivityB, tt.Activity, map[string]any{"venue": "Aula kecamatan"}),
	villageRecordPolicy(catalog.OutreachLogs, tt.OutreachA, tt.OutreachB, tt.Outreach, map[string]any{"note": "Pos layanan di pasar"}),
	{
		collection: catalog.VillagePrograms,
		targets: []target{
			{name: "A", id: tt.ProgramA, create: map[string]any{"id": "newprogramvillageA", "village": tt.VillageA, "program": "drppa", "status": "rintisan"},
				update: map[string]any{"legal_basis_number": "Perdes No. 3 Tahun 2024"}},
			{name: "B", id: tt.ProgramB, create: map[string]any{"id": "newprogramvillageB", "village": tt.VillageB, "program": "drppa", "status": "rintisan"},
				update: map[string]any{"legal_basis_number": "Perdes No. 3 Tahun 2024"}},
		},
		read: map[string][]string{
			"A": who(tt.OfficerA, tt.VerifierA, tt.Secretariat, tt.Taskforce),
			"B": who(tt.OfficerB, tt.VerifierB, tt.Secretariat, tt.Taskforce),
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
		read: map[string][]string{
			"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce),
			"B": who(tt.VerifierB, tt.Secretariat, tt.Taskforce),
			"P": who(tt.VerifierA, tt.VerifierB, tt.Secretariat, tt.Taskforce),
		},
		create: map[string][]string{"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce), "B": who(tt.VerifierB, tt.Secretariat), "P": who(tt.Secretariat, tt.Taskforce)},
		update: map[string][]string{"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce), "B": who(tt.VerifierB, tt.Secretariat), "P": who(tt.Secretariat, tt.Taskforce)},
		del:    map[string][]string{"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce), "B": who(tt.VerifierB, tt.Secretariat), "P": who(tt.Secretariat, tt.Taskforce)},
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
			"A": who(tt.VerifierA, tt.Secretariat, tt.Taskforce),
			"B": who(tt.VerifierB, tt.Secretariat, tt.Taskforce),
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

func label(actor string) string {
	if actor == anon {
		return "anonymous"
	}
	return actor
}

func TestScopeMatrix(t *testing.T) {
	t.Parallel()
	readSrv := tt.NewServer(t)
	tokens := map[string]string{}
	for _, a := range allActors {
		if a != anon {
			tokens[a] = tt.Token(t, readSrv.App, a)
		}
	}
	cases := 0
	for _, p := range policies {
		base := "/api/collections/" + p.collection + "/records"
		for _, actor := range allActors {
			// list: exactly the in-scope targets are visible
			t.Run(fmt.Sprintf("%s/list/%s", p.collection, label(actor)), func(t *testing.T) {
				t.Parallel()
				res := readSrv.Do(t, http.MethodGet, base+"?perPage=500", tokens[actor], nil)
				visible := map[string]bool{}
				if res.Status == http.StatusOK {
					items, _ := res.JSON()["items"].([]any)
					for _, it := range items {
						visible[it.(map[string]any)["id"].(string)] = true
					}
				}
				for _, tg := range p.targets {
					if want := slices.Contains(p.read[tg.name], actor); visible[tg.id] != want {
						t.Errorf("list shows %s=%v, want %v (status %d)", tg.name, visible[tg.id], want, res.Status)
					}
				}
			})
			cases++
			for _, tg := range p.targets {
				t.Run(fmt.Sprintf("%s/view/%s/%s", p.collection, tg.name, label(actor)), func(t *testing.T) {
					t.Parallel()
					res := readSrv.Do(t, http.MethodGet, base+"/"+tg.id, tokens[actor], nil)
					if want := slices.Contains(p.read[tg.name], actor); (res.Status == http.StatusOK) != want {
						t.Errorf("view status %d, want allowed=%v: %s", res.Status, want, res.Body)
					}
				})
				cases++
			}
		}
	}

	// Writes: an allowed write runs on a fresh copy of the fixtures. A
	// refused write must change nothing, so the refused writes of one
	// target and operation share one copy: a refusal that wrongly succeeds
	// fails its own case and, having changed the target, any case that
	// sees the change (cases run in parallel: none can pass because of
	// another).
	for _, p := range policies {
		base := "/api/collections/" + p.collection + "/records"
		for _, tg := range p.targets {
			refusals := map[string]*tt.Server{"create": tt.NewServer(t), "update": tt.NewServer(t), "delete": tt.NewServer(t)}
			serverFor := func(t *testing.T, op string, allowed bool) *tt.Server {
				if allowed {
					return tt.NewServer(t)
				}
				return refusals[op]
			}
			for _, actor := range allActors {
				t.Run(fmt.Sprintf("%s/create/%s/%s", p.collection, tg.name, label(actor)), func(t *testing.T) {
					t.Parallel()
					want := slices.Contains(p.create[tg.name], actor)
					srv := serverFor(t, "create", want)
					res := srv.Do(t, http.MethodPost, base, tokenFor(t, srv, actor), tg.create)
					exists := createdExists(srv.App, p.collection, tg.create)
					if want && (res.Status != http.StatusOK || !exists) {
						t.Errorf("create refused (status %d, stored %v), want allowed: %s", res.Status, exists, res.Body)
					}
					if !want && (res.Status < 400 || exists) {
						t.Errorf("create allowed (status %d, stored %v), want refused: %s", res.Status, exists, res.Body)
					}
				})
				t.Run(fmt.Sprintf("%s/update/%s/%s", p.collection, tg.name, label(actor)), func(t *testing.T) {
					t.Parallel()
					want := slices.Contains(p.update[tg.name], actor)
					srv := serverFor(t, "update", want)
					res := srv.Do(t, http.MethodPatch, base+"/"+tg.id, tokenFor(t, srv, actor), tg.update)
					changed := fieldsMatch(srv.App, p.collection, tg.id, tg.update)
					if want && (res.Status != http.StatusOK || !changed) {
						t.Errorf("update refused (status %d, stored %v), want allowed: %s", res.Status, changed, res.Body)
					}
					if !want && (res.Status < 400 || changed) {
						t.Errorf("update allowed (status %d, stored %v), want refused: %s", res.Status, changed, res.Body)
					}
				})
				t.Run(fmt.Sprintf("%s/delete/%s/%s", p.collection, tg.name, label(actor)), func(t *testing.T) {
					t.Parallel()
					want := slices.Contains(p.del[tg.name], actor)
					srv := serverFor(t, "delete", want)
					id := tg.id
					if tg.deleteID != "" {
						id = tg.deleteID
					}
					res := srv.Do(t, http.MethodDelete, base+"/"+id, tokenFor(t, srv, actor), nil)
					_, err := srv.App.FindRecordById(p.collection, id)
					gone := err != nil
					if want && (res.Status != http.StatusNoContent || !gone) {
						t.Errorf("delete refused (status %d, gone %v), want allowed: %s", res.Status, gone, res.Body)
					}
					if !want && (res.Status < 400 || gone) {
						t.Errorf("delete allowed (status %d, gone %v), want refused: %s", res.Status, gone, res.Body)
					}
				})
				cases += 3
			}
		}
	}
	t.Logf("scope matrix: %d cases", cases)
}

func tokenFor(t *testing.T, srv *tt.Server, actor string) string {
	if actor == anon {
		return ""
	}
	return tt.Token(t, srv.App, actor)
}

func createdExists(app core.App, collection string, body map[string]any) bool {
	if collection == catalog.Users {
		_, err := app.FindAuthRecordByEmail(collection, body["email"].(string))
		return err == nil
	}
	_, err := app.FindRecordById(collection, body["id"].(string))
	return err == nil
}

func fieldsMatch(app core.App, collection, id string, fields map[string]any) bool {
	rec, err := app.FindRecordById(collection, id)
	if err != nil {
		return false
	}
	for k, v := range fields {
		if fmt.Sprint(rec.Get(k)) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}
