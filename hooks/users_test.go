package hooks_test

import (
	"net/http"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

const usersURL = "/api/collections/users/records"

func account(email, role, area string) map[string]any {
	return map[string]any{"email": email, "password": "Sandi-rahasia-1", "passwordConfirm": "Sandi-rahasia-1", "role": role, "area": area}
}

func TestNoPublicSignUp(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	res := srv.Do(t, http.MethodPost, usersURL, "", account("stranger@example.id", catalog.RoleProvinceSecretariat, tt.Province))
	if res.Status < 400 {
		t.Fatalf("anonymous sign-up: %d %s", res.Status, res.Body)
	}
	if _, err := srv.App.FindAuthRecordByEmail(catalog.Users, "stranger@example.id"); err == nil {
		t.Fatal("account created")
	}
}

func TestSelfEscalationRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		who   string
		patch map[string]any
		field string
	}{
		{tt.OfficerA, map[string]any{"role": catalog.RoleProvinceSecretariat, "area": tt.Province}, ""},
		{tt.OfficerA, map[string]any{"role": catalog.RoleDistrictVerifier}, ""},
		{tt.OfficerA, map[string]any{"area": tt.VillageA2}, "area"},
		{tt.VerifierA, map[string]any{"area": tt.RegencyB}, "area"},
		{tt.VerifierA, map[string]any{"role": catalog.RoleProvinceSecretariat, "area": tt.Province}, ""},
		{tt.Taskforce, map[string]any{"cluster": "prevention"}, "cluster"},
		{tt.Secretariat, map[string]any{"role": catalog.RoleTaskforceMember}, "role"},
		{tt.OfficerA, map[string]any{"deactivated": true}, "deactivated"},
	}
	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			srv := tt.NewServer(t)
			before, _ := srv.App.FindAuthRecordByEmail(catalog.Users, c.who)
			res := srv.Do(t, http.MethodPatch, usersURL+"/"+before.Id, tt.Token(t, srv.App, c.who), c.patch)
			if res.Status != 400 {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			if c.field != "" && res.FieldError(c.field) == "" {
				t.Errorf("no field error on %s: %s", c.field, res.Body)
			}
			after, _ := srv.App.FindAuthRecordByEmail(catalog.Users, c.who)
			for _, f := range []string{"role", "area", "regency", "cluster", "deactivated"} {
				if before.GetString(f) != after.GetString(f) {
					t.Errorf("%s changed: %q -> %q", f, before.GetString(f), after.GetString(f))
				}
			}
		})
	}
	t.Run("own name and position may change", func(t *testing.T) {
		srv := tt.NewServer(t)
		res := srv.Do(t, http.MethodPatch, usersURL+"/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.OfficerA), map[string]any{"name": "Siti", "position": "Kasi Kesra"})
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
	})
}

func TestVerifierManagesOnlyItsVillageOfficers(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.VerifierA)
	refused := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"officer in another regency", account("x1@test.jangkau.id", catalog.RoleVillageOfficer, tt.VillageB), "area"},
		{"a verifier", account("x2@test.jangkau.id", catalog.RoleDistrictVerifier, tt.RegencyA), "role"},
		{"a secretariat", account("x3@test.jangkau.id", catalog.RoleProvinceSecretariat, tt.Province), "role"},
		{"officer on a district", account("x4@test.jangkau.id", catalog.RoleVillageOfficer, tt.DistrictA), "area"},
	}
	for _, c := range refused {
		res := srv.Do(t, http.MethodPost, usersURL, tok, c.body)
		if res.Status != 400 || res.FieldError(c.field) == "" {
			t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
		}
		if _, err := srv.App.FindAuthRecordByEmail(catalog.Users, c.body["email"].(string)); err == nil {
			t.Errorf("%s: account created", c.name)
		}
	}
	res := srv.Do(t, http.MethodPost, usersURL, tok, account("ok@test.jangkau.id", catalog.RoleVillageOfficer, tt.VillageA2))
	if res.Status != 200 {
		t.Fatalf("own officer: %d %s", res.Status, res.Body)
	}
	created, _ := srv.App.FindAuthRecordByEmail(catalog.Users, "ok@test.jangkau.id")
	if created.GetString("regency") != tt.RegencyA {
		t.Errorf("regency %q", created.GetString("regency"))
	}
	// moving an own officer to another regency, promoting it, or touching another regency's officer
	for name, req := range map[string]struct {
		id    string
		patch map[string]any
	}{
		"move out":     {created.Id, map[string]any{"area": tt.VillageB}},
		"promote":      {created.Id, map[string]any{"role": catalog.RoleDistrictVerifier, "area": tt.RegencyA}},
		"other's user": {tt.UserID(tt.OfficerB), map[string]any{"position": "x"}},
		"a verifier":   {tt.UserID(tt.VerifierB), map[string]any{"position": "x"}},
	} {
		before, _ := srv.App.FindRecordById(catalog.Users, req.id)
		res := srv.Do(t, http.MethodPatch, usersURL+"/"+req.id, tok, req.patch)
		if res.Status < 400 {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
		after, _ := srv.App.FindRecordById(catalog.Users, req.id)
		if before.GetString("area") != after.GetString("area") || before.GetString("role") != after.GetString("role") || before.GetString("position") != after.GetString("position") {
			t.Errorf("%s: account changed", name)
		}
	}
	// moving within the regency and resetting a password are fine
	res = srv.Do(t, http.MethodPatch, usersURL+"/"+created.Id, tok, map[string]any{"area": tt.VillageA, "password": "Sandi-baru-2026", "passwordConfirm": "Sandi-baru-2026"})
	if res.Status != 200 {
		t.Fatalf("move within regency: %d %s", res.Status, res.Body)
	}
}

func TestRoleAreaLevelMustMatch(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.Secretariat)
	for _, c := range []map[string]any{
		account("l1@test.jangkau.id", catalog.RoleVillageOfficer, tt.RegencyA),
		account("l2@test.jangkau.id", catalog.RoleDistrictVerifier, tt.VillageA),
		account("l3@test.jangkau.id", catalog.RoleProvinceSecretariat, tt.RegencyA),
	} {
		res := srv.Do(t, http.MethodPost, usersURL, tok, c)
		if res.Status != 400 || res.FieldError("area") != "wrong_area_level" {
			t.Errorf("%v: %d %s", c, res.Status, res.Body)
		}
	}
}

func TestDeactivatedAccountIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	if res := srv.Do(t, http.MethodGet, activities, tok, nil); res.Status != 200 {
		t.Fatalf("before: %d", res.Status)
	}
	res := srv.Do(t, http.MethodPatch, usersURL+"/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.VerifierA), map[string]any{"deactivated": true})
	if res.Status != 200 {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}
	if res := srv.Do(t, http.MethodGet, activities, tok, nil); res.Status != 401 {
		t.Errorf("old token after deactivation: %d %s", res.Status, res.Body)
	}
	login := srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]any{"identity": tt.OfficerA, "password": tt.Password})
	if login.Status < 400 {
		t.Errorf("deactivated login: %d %s", login.Status, login.Body)
	}
}
