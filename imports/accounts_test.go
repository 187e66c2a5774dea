package imports_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jangkau/accounts"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

var accountHeader = []string{"E-mail", "Nama / Name", "Peran / Role", "Kode wilayah / Area code", "Klaster / Cluster",
	"Jabatan / Position", "Instansi / Agency", "Telepon kantor / Office phone"}

// A district verifier imports its regency's officers: the same checks as
// the console's account form (its regency only, village officers only,
// the village level, the privacy guard), the errors at their cells; fixed,
// the accounts are created with one-time passwords shown once and stored
// nowhere else.
func TestAccountsImportByVerifier(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.VerifierA)
	good := [][]any{
		{"Baru.Satu@desa.id", "Siti Aminah", "village_officer", tt.VillageA, "", "Sekretaris desa", "Pemerintah desa", "+62 721 123456"},
		{"baru.dua@desa.id", "Budi Santoso", "Operator desa/kelurahan", tt.VillageA2, "", "Kasi kesra", "", ""},
		{tt.OfficerA, "Officer A", "village_officer", tt.VillageA, "", "Kepala desa baru", "", ""},
	}
	bad := [][]any{
		{"lain@desa.id", "Dewi", "village_officer", tt.VillageB, "", "", "", ""},                                  // another regency
		{"verif@desa.id", "Rudi", "district_verifier", tt.RegencyA, "", "", "", ""},                               // a role it does not manage
		{"nik@desa.id", "Ani 1871234567890001", "village_officer", tt.VillageA, "", "", "", ""},                   // a NIK in the name
		{tt.OfficerB, "Officer B", "village_officer", tt.VillageA, "", "", "", ""},                                // another regency's account
		{"level@desa.id", "Tono", "village_officer", tt.RegencyA, "", "", "", ""},                                 // not a village
		{"bukan-email", "Tini", "village_officer", tt.VillageA, "", "", "", ""},                                   // e-mail
		{"kode@desa.id", "Tuti", "village_officer", "18.99.99.9999", "", "", "", ""},                              // unknown area
		{"Baru.Satu@desa.id", "Siti", "village_officer", tt.VillageA, "", "", "", ""},                             // twice in the file
		{"formula@desa.id", formula(`"Ani"&"ta"`), "village_officer", tt.VillageA, "", "", "", ""},                // a formula
		{tt.VerifierA, "Verifier A", "village_officer", tt.VillageA, "", "", "", ""},                              // its own account
		{"telp@desa.id", "Wati", "village_officer", tt.VillageA, "", "", "", "0812 3456 7890 ext"},                // a bad phone
		{"tf@desa.id", "Wawan", "regency_taskforce_member", tt.RegencyA, "law_enforcement", "", "", ""},           // not managed
		{"posisi@desa.id", "Yanti", "village_officer", tt.VillageA, "", "Pendamping korban 081299998888", "", ""}, // phone in position
	}
	wantCodes := []struct{ column, code string }{
		{"area", "not_your_area"}, {"role", "forbidden_role"}, {"name", "privacy_nik"}, {"email", "email_taken"},
		{"area", "wrong_area_level"}, {"email", "validation_is_email"}, {"area", "unknown_area"}, {"email", "duplicate_row"},
		{"name", "formula"}, {"email", "own_account"}, {"phone", "validation_invalid_format"}, {"role", "forbidden_role"},
		{"position", "privacy_phone"},
	}
	data := book(t, "Akun", accountHeader, append(append([][]any{}, good...), bad...)...)
	before := state(t, srv)
	r, res := preview(t, srv, "accounts", token, data)
	if r.Status != http.StatusOK {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	for i, w := range wantCodes {
		line := len(good) + i + 2
		if got := res.errorAt(line, w.column); got != w.code {
			t.Errorf("line %d: %s error %q, want %q (row errors %+v)", line, w.column, got, w.code, res.Rows[line-2].Errors)
		}
	}
	if res.Counts.New != 2 || res.Counts.Changed != 1 || res.Counts.Invalid != len(bad) {
		t.Errorf("counts %+v", res.Counts)
	}
	if !strings.Contains(res.Rows[0].Note, "Hajimena") || !strings.Contains(res.Rows[0].Note, "Natar") {
		t.Errorf("the village of row 2 is not named: %q", res.Rows[0].Note)
	}
	if r, _ := confirm(t, srv, "accounts", token, data, res.File.SHA256); r.Status != http.StatusBadRequest {
		t.Fatalf("confirm with bad rows: %d %s", r.Status, r.Body)
	}
	if after := state(t, srv); after != before {
		t.Fatalf("a preview or a refused confirm wrote: %s -> %s", before, after)
	}

	// fixed: the good rows only
	fixed := book(t, "Akun", accountHeader, good...)
	_, res = preview(t, srv, "accounts", token, fixed)
	r, res = confirm(t, srv, "accounts", token, fixed, res.File.SHA256)
	if r.Status != http.StatusOK || !res.Written || res.Counts.New != 2 || res.Counts.Changed != 1 || len(res.Secrets) != 2 {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	for _, s := range res.Secrets {
		user, err := srv.App.FindAuthRecordByEmail(catalog.Users, s.Key)
		if err != nil {
			t.Fatalf("account %s: %v", s.Key, err)
		}
		if !user.ValidatePassword(s.Value) || !user.GetBool("must_change_password") || user.GetString("regency") != tt.RegencyA {
			t.Errorf("account %s: password %v, must change %v, regency %s", s.Key, user.ValidatePassword(s.Value),
				user.GetBool("must_change_password"), user.GetString("regency"))
		}
		// the password is nowhere but in the answer
		if n := count(t, srv, "SELECT COUNT(*) FROM audit_log WHERE note LIKE '%"+s.Value+"%' OR changes LIKE '%"+s.Value+"%'"); n != 0 {
			t.Errorf("the one-time password of %s is in the audit trail", s.Key)
		}
		if n := count(t, srv, "SELECT COUNT(*) FROM import_runs WHERE file_name LIKE '%"+s.Value+"%'"); n != 0 {
			t.Errorf("the one-time password is in the import record")
		}
		// and it signs in, to change it
		login := srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]string{"identity": s.Key, "password": s.Value})
		if login.Status != http.StatusOK {
			t.Errorf("sign-in with the one-time password of %s: %d %s", s.Key, login.Status, login.Body)
		}
	}
	if a, _ := srv.App.FindAuthRecordByEmail(catalog.Users, tt.OfficerA); a.GetString("position") != "Kepala desa baru" {
		t.Errorf("officer A's position: %q", a.GetString("position"))
	}
	// again: nothing changes, no password is made
	_, res = preview(t, srv, "accounts", token, fixed)
	r, res = confirm(t, srv, "accounts", token, fixed, res.File.SHA256)
	if r.Status != http.StatusOK || res.Counts.Unchanged != 3 || len(res.Secrets) != 0 {
		t.Fatalf("re-import: %d %+v %s", r.Status, res.Counts, r.Body)
	}
}

// Who may run which import, from the policy table: the RAD matrix the
// province secretariat; accounts whoever manages accounts. Everyone else
// gets 403 on every route, and the list shows only what one may run.
func TestImportRoles(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	rad := book(t, "Indikator", radHeader, radRow("R.1", nil))
	acc := book(t, "Akun", accountHeader, []any{"x@desa.id", "X", "village_officer", tt.VillageA})
	cases := book(t, "Angka kasus", caseHeader, caseRow(nil))
	// case figures: whoever enters them (the policy table's create grant)
	for _, c := range []struct {
		who                  string
		rad, accounts, cases bool
	}{
		{tt.SuperuserEmail, true, true, true},
		{tt.Secretariat, true, true, true},
		{tt.VerifierA, false, true, true},
		{tt.OfficerA, false, false, false},
		{tt.Taskforce, false, false, true},
		{tt.RegencyMemberA, false, false, true},
		{tt.AgencyOfficer, false, false, false},
	} {
		token := tt.Token(t, srv.App, c.who)
		for kind, may := range map[string]bool{"rad": c.rad, "accounts": c.accounts, "cases": c.cases} {
			data := rad
			switch kind {
			case "accounts":
				data = acc
			case "cases":
				data = cases
			}
			want := http.StatusOK
			if !may {
				want = http.StatusForbidden
			}
			if r := srv.Do(t, http.MethodGet, "/api/imports/"+kind+"/template", token, nil); r.Status != want {
				t.Errorf("%s template %s: %d, want %d", c.who, kind, r.Status, want)
			}
			if r := upload(t, srv, "/api/imports/"+kind+"/preview", token, "x.xlsx", data, nil); r.Status != want {
				t.Errorf("%s preview %s: %d, want %d %s", c.who, kind, r.Status, want, r.Body)
			}
			if !may {
				if r := upload(t, srv, "/api/imports/"+kind+"/confirm", token, "x.xlsx", data, map[string]string{"sha256": "x"}); r.Status != http.StatusForbidden {
					t.Errorf("%s confirm %s: %d, want 403", c.who, kind, r.Status)
				}
			}
		}
		list := srv.Do(t, http.MethodGet, "/api/imports", token, nil)
		kinds, _ := list.JSON()["kinds"].([]any)
		if list.Status != http.StatusOK || len(kinds) != btoi(c.rad)+btoi(c.accounts)+btoi(c.cases) {
			t.Errorf("%s list: %d %d kinds", c.who, list.Status, len(kinds))
		}
	}
	// a phone's device token runs no import, whoever's phone it is
	res := srv.Do(t, http.MethodPost, "/api/devices/enrollments", tt.Token(t, srv.App, tt.Secretariat), map[string]any{"user": tt.UserID(tt.Secretariat)})
	res = srv.Do(t, http.MethodPost, "/api/devices/activate", "", map[string]any{"code": res.JSON()["code"], "name": "HP", "platform": "android", "appVersion": "1.4.0"})
	phone, _ := res.JSON()["token"].(string)
	if phone == "" {
		t.Fatalf("no phone token: %d %s", res.Status, res.Body)
	}
	for _, kind := range []string{"rad", "accounts", "cases"} {
		if r := upload(t, srv, "/api/imports/"+kind+"/preview", phone, "x.xlsx", rad, nil); r.Status != http.StatusForbidden || r.FieldError("token") != "device_token" {
			t.Errorf("phone preview %s: %d %s", kind, r.Status, r.Body)
		}
	}
	if kinds, _ := srv.Do(t, http.MethodGet, "/api/imports", phone, nil).JSON()["kinds"].([]any); len(kinds) != 0 {
		t.Errorf("a phone is offered %d import kinds", len(kinds))
	}
	if r := srv.Do(t, http.MethodGet, "/api/imports", "", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("anonymous list: %d", r.Status)
	}
	if r := upload(t, srv, "/api/imports/rad/preview", "", "x.xlsx", rad, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("anonymous preview: %d", r.Status)
	}
	// a verifier's template lists its own regency's villages only
	r := srv.Do(t, http.MethodGet, "/api/imports/accounts/template", tt.Token(t, srv.App, tt.VerifierA), nil)
	f, err := excelize.OpenReader(strings.NewReader(string(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	areas, _ := f.GetRows("Wilayah")
	for _, row := range areas[1:] {
		if !strings.HasPrefix(row[0], tt.RegencyA) {
			t.Fatalf("the verifier's template lists %v", row)
		}
	}
	roles, _ := f.GetRows("Peran")
	if len(roles) != 2 || roles[1][0] != catalog.RoleVillageOfficer {
		t.Errorf("the verifier's roles %q", roles)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A confirm that fails half-way (here the database refuses the 30th new
// indicator, as a crash or a full disk would) leaves the database as it
// was: no indicator, version, audit line, sync change or import record of
// the first 29. Then progress reported the rows done.
func TestImportFailingHalfWayWritesNothing(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	var rows [][]any
	for i := range 40 {
		rows = append(rows, radRow("H."+string(rune('A'+i/26))+string(rune('A'+i%26)), nil))
	}
	data := book(t, "Indikator", radHeader, rows...)
	_, res := preview(t, srv, "rad", token, data)
	if !res.OK || res.Counts.New != 40 {
		t.Fatalf("preview %+v", res.Counts)
	}
	if _, err := srv.App.DB().NewQuery(`CREATE TRIGGER refuse_30th BEFORE INSERT ON rad_indicators
		WHEN (SELECT COUNT(*) FROM rad_indicators WHERE code LIKE 'H.%') >= 29
		BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`).Execute(); err != nil {
		t.Fatal(err)
	}
	before := state(t, srv)
	r := upload(t, srv, "/api/imports/rad/confirm?job=halfway0001", token, "x.xlsx", data, map[string]string{"sha256": res.File.SHA256})
	if r.Status != http.StatusInternalServerError {
		t.Fatalf("confirm failing half-way: %d %s", r.Status, r.Body)
	}
	if after := state(t, srv); after != before {
		t.Fatalf("a failed import left writes: %s -> %s", before, after)
	}
	p := srv.Do(t, http.MethodGet, "/api/imports/rad/progress/halfway0001", token, nil)
	if p.Status != http.StatusOK || p.JSON()["stage"] != "done" || p.JSON()["total"] != float64(40) {
		t.Errorf("progress: %d %s", p.Status, p.Body)
	}
	// another user does not see that job
	if p := srv.Do(t, http.MethodGet, "/api/imports/rad/progress/halfway0001", tt.Token(t, srv.App, tt.VerifierA), nil); p.JSON()["total"] != float64(0) {
		t.Errorf("another user's progress: %s", p.Body)
	}
	// without the trigger the same confirm writes all 40
	if _, err := srv.App.DB().NewQuery(`DROP TRIGGER refuse_30th`).Execute(); err != nil {
		t.Fatal(err)
	}
	if r, res := confirm(t, srv, "rad", token, data, res.File.SHA256); r.Status != http.StatusOK || res.Counts.New != 40 {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	if n := count(t, srv, "SELECT COUNT(*) FROM rad_indicators WHERE code LIKE 'H.%'"); n != 40 {
		t.Errorf("%d indicators", n)
	}
}

// A confirm sent again after its answer was lost (the same job, file and
// caller): the accounts it made get their one-time password again (it was
// only in the lost answer), as often as the answer is lost; another job
// (an import made again on purpose) leaves them unchanged, and so does an
// account whose owner has set a password since.
func TestAccountsImportConfirmRetried(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.VerifierA)
	data := book(t, "Akun", accountHeader,
		[]any{"ulang.satu@desa.id", "Siti Aminah", "village_officer", tt.VillageA, "", "", "", ""},
		[]any{"ulang.dua@desa.id", "Budi Santoso", "village_officer", tt.VillageA2, "", "", "", ""})
	_, pre := preview(t, srv, "accounts", token, data)
	send := func(job string) result {
		t.Helper()
		r := upload(t, srv, "/api/imports/accounts/confirm?job="+job, token, "akun.xlsx", data, map[string]string{"sha256": pre.File.SHA256})
		if r.Status != http.StatusOK {
			t.Fatalf("confirm of job %s: %d %s", job, r.Status, r.Body)
		}
		return decode(t, r)
	}
	signsIn := func(email, password string) bool {
		r := srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]string{"identity": email, "password": password})
		return r.Status == http.StatusOK
	}
	lost := send("ulangjob0001") // its answer never arrives
	if lost.Counts.New != 2 || len(lost.Secrets) != 2 {
		t.Fatalf("first confirm: %+v", lost.Counts)
	}
	for round := 1; round <= 2; round++ { // lost twice
		again := send("ulangjob0001")
		if again.Counts.New != 2 || len(again.Secrets) != 2 {
			t.Fatalf("retry %d: counts %+v, %d passwords", round, again.Counts, len(again.Secrets))
		}
		for i, s := range again.Secrets {
			if !signsIn(s.Key, s.Value) {
				t.Errorf("retry %d: the new password of %s does not sign in", round, s.Key)
			}
			if signsIn(lost.Secrets[i].Key, lost.Secrets[i].Value) {
				t.Errorf("retry %d: the lost password of %s still signs in", round, s.Key)
			}
		}
		lost = again
	}
	if other := send("anotherjob0001"); other.Counts.Unchanged != 2 || len(other.Secrets) != 0 {
		t.Errorf("another job: counts %+v, %d passwords", other.Counts, len(other.Secrets))
	}

	// one owner sets a password: the same job leaves that account alone
	login := srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]string{"identity": lost.Secrets[0].Key, "password": lost.Secrets[0].Value})
	var auth struct{ Token string }
	if err := json.Unmarshal(login.Body, &auth); err != nil || auth.Token == "" {
		t.Fatalf("sign-in: %d %s", login.Status, login.Body)
	}
	if r := srv.Do(t, http.MethodPost, accounts.ChangePasswordPath, auth.Token, map[string]string{"oldPassword": lost.Secrets[0].Value,
		"password": "sandi-sendiri-2026", "passwordConfirm": "sandi-sendiri-2026"}); r.Status != http.StatusOK && r.Status != http.StatusNoContent {
		t.Fatalf("password change: %d %s", r.Status, r.Body)
	}
	last := send("ulangjob0001")
	if last.Counts.New != 1 || last.Counts.Unchanged != 1 || len(last.Secrets) != 1 || last.Secrets[0].Key == lost.Secrets[0].Key {
		t.Errorf("after a password was set: counts %+v, passwords %v", last.Counts, len(last.Secrets))
	}
	if !signsIn(lost.Secrets[0].Key, "sandi-sendiri-2026") {
		t.Error("the password its owner set was replaced")
	}
}
