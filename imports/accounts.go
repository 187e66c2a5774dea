package imports

import (
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"jangkau/access"
	"jangkau/accounts"
	"jangkau/apierr"
	"jangkau/catalog"
	"jangkau/reports"
	"jangkau/vocab"
)

// The accounts import: a regency's officers (or any accounts the caller
// manages) from a sheet, one row per account with its role and area code
// (a village for a village officer). Accounts are keyed by e-mail: a row
// of an account the caller manages changes it (only when something
// differs); a row of a new e-mail adds an account.
//
// Who: whoever manages accounts in the policy table (access.Table, Row.
// Manages), within the same limits as /api/collections/users: the province
// secretariat any role anywhere, a district verifier village officers of
// its own regency. Each row passes the same checks as a create or update
// by the console (access.CheckUserWrite, then the users hooks: the area's
// level for the role, the regency derived, the privacy guard on name,
// position and agency, the vocabularies for the cluster).
//
// A new account gets a one-time password, answered once in the confirm's
// secrets (never stored by the import, never in its record or the audit
// trail), to be changed at the first sign-in, as a manager's reset does.
// Village officers may as well be enrolled on their phones (QR) and never
// use it.
func init() { Add(accountsImporter{}) }

// AccountsKind is the accounts import's kind.
const AccountsKind = "accounts"

// AccountsSheet is the sheet of the accounts.
const AccountsSheet = "Akun"

type accountsImporter struct{}

func (accountsImporter) Kind() string { return AccountsKind }

func (accountsImporter) Title() string { return apierr.Text("Akun petugas", "Officers' accounts") }

// Allowed: whoever manages accounts, signed in with a password (a phone's
// device token manages nothing).
func (accountsImporter) Allowed(a access.Actor) bool {
	return access.Manages(a) && (!a.Device || access.ManageFromPhone)
}

var accountColumns = []Column{
	{Key: "email", Header: "E-mail", Required: true, Hint: "nama@contoh.go.id", Width: 28},
	{Key: "name", Header: "Nama / Name", Required: true, Width: 26},
	{Key: "role", Header: "Peran / Role", Required: true, Hint: "kode atau nama (lembar Peran) / code or name (sheet Peran)", Width: 24},
	{Key: "area", Header: "Kode wilayah / Area code", Required: true, Hint: "lembar Wilayah / sheet Wilayah", Width: 18},
	{Key: "cluster", Header: "Klaster / Cluster", Hint: "anggota GT dan petugas OPD / task-force members and agency officers", Width: 22},
	{Key: "position", Header: "Jabatan / Position", Width: 22},
	{Key: "agency", Header: "Instansi / Agency", Width: 22},
	{Key: "phone", Header: "Telepon kantor / Office phone", Hint: "+62 721 123456", Width: 18},
}

// managedRoles are the roles whose accounts the actor manages.
func managedRoles(a access.Actor) []string {
	if a.Superuser {
		return catalog.Roles
	}
	if r := access.RowOf(a.Role); r != nil {
		return r.Manages
	}
	return nil
}

func (accountsImporter) Sheets(app core.App, a access.Actor) ([]Sheet, error) {
	dir, err := reports.Areas(app)
	if err != nil {
		return nil, err
	}
	var roles []map[string]string
	for _, r := range managedRoles(a) {
		roles = append(roles, map[string]string{"code": r, "id": catalog.LabelOf("roles", r, "id"), "en": catalog.LabelOf("roles", r, "en"),
			"area": catalog.LabelOf("area_levels", catalog.RoleAreaLevel[r], "id")})
	}
	// the areas the actor's accounts may be placed in, by code
	var areaRows []map[string]string
	var walk func(code string)
	walk = func(code string) {
		ref := dir.Ref(code)
		areaRows = append(areaRows, map[string]string{"code": ref.Code, "name": ref.Name, "level": catalog.LabelOf("area_levels", ref.Level, "id"),
			"district": ref.District, "regency": ref.Regency})
		for _, c := range dir.Children(code) {
			walk(c)
		}
	}
	if a.Superuser || a.Area == "" {
		for _, p := range dir.Provinces() {
			walk(p)
		}
	} else {
		walk(a.Area)
	}
	set, err := vocab.For(app)
	if err != nil {
		return nil, err
	}
	var clusters []map[string]string
	for _, e := range set.Entries("clusters") {
		if e.Active {
			clusters = append(clusters, map[string]string{"code": e.Code, "id": e.LabelID, "en": e.LabelEN})
		}
	}
	example := map[string]string{"email": "operator.contoh@desa.id", "name": "Contoh Nama", "role": catalog.RoleVillageOfficer,
		"position": "Sekretaris desa", "agency": "Pemerintah desa"}
	for _, r := range areaRows {
		if r["level"] == catalog.LabelOf("area_levels", catalog.LevelVillage, "id") {
			example["area"] = r["code"]
			break
		}
	}
	ref := []Column{{Key: "code", Header: "Kode / Code", Width: 22}, {Key: "id", Header: "Bahasa Indonesia", Width: 40}, {Key: "en", Header: "English", Width: 40}}
	return []Sheet{
		{Name: AccountsSheet, Columns: accountColumns, Examples: []map[string]string{example},
			Note: apierr.Text("Satu baris per akun. Akun baru mendapat kata sandi sekali pakai, ditampilkan sekali setelah disimpan.",
				"One row per account. A new account gets a one-time password, shown once after saving.")},
		{Name: "Peran", Reference: true, Columns: append(slices.Clone(ref), Column{Key: "area", Header: "Tingkat wilayah / Area level", Width: 20}), Rows: roles},
		{Name: "Wilayah", Reference: true, Columns: []Column{{Key: "code", Header: "Kode / Code", Width: 16}, {Key: "name", Header: "Nama / Name", Width: 28},
			{Key: "level", Header: "Tingkat / Level", Width: 16}, {Key: "district", Header: "Kecamatan / District", Width: 24},
			{Key: "regency", Header: "Kabupaten/kota / Regency", Width: 24}}, Rows: areaRows},
		{Name: "Klaster", Reference: true, Columns: ref, Rows: clusters},
	}, nil
}

// accountFields maps the users fields to the sheet's columns (for the
// errors of a save; the regency is derived from the area).
var accountFields = map[string]string{"email": "email", "name": "name", "role": "role", "area": "area", "regency": "area",
	"cluster": "cluster", "position": "position", "agency": "agency", "phone": "phone"}

var (
	msgRole        = apierr.Text("Peran tidak dikenal atau tidak Anda kelola (lihat lembar Peran).", "Unknown role, or one you do not manage (see the sheet Peran).")
	msgArea        = apierr.Text("Kode wilayah tidak dikenal (lihat lembar Wilayah).", "Unknown area code (see the sheet Wilayah).")
	msgAreaOff     = apierr.Text("Wilayah ini sudah tidak aktif.", "This area is no longer active.")
	msgEmailTaken  = apierr.Text("E-mail ini sudah dipakai akun yang tidak Anda kelola.", "This e-mail belongs to an account you do not manage.")
	msgOwnAccount  = apierr.Text("Ini akun Anda sendiri: ubah di Pengaturan.", "This is your own account: change it in the settings.")
	msgDupEmail    = apierr.Text("E-mail ini sudah ada di baris %d berkas ini.", "This e-mail is already in row %d of this file.")
	msgClusterNeed = apierr.Text("Peran ini memerlukan klaster.", "This role needs a cluster.")
	msgSecret      = apierr.Text("Kata sandi sekali pakai", "One-time password")
)

// previewHash stands in for a new account's password in a preview (rolled
// back): hashing a real one at bcrypt's cost per row would only slow the
// preview down.
var previewHash = func() string {
	h, _ := bcrypt.GenerateFromPassword([]byte("preview-only-never-stored"), bcrypt.MinCost)
	return string(h)
}()

func (accountsImporter) Apply(run *Run) error {
	set, err := vocab.For(run.Tx)
	if err != nil {
		return err
	}
	dir, err := reports.Areas(run.Tx)
	if err != nil {
		return err
	}
	col, err := run.Tx.FindCachedCollectionByNameOrId(catalog.Users)
	if err != nil {
		return err
	}
	roles := managedRoles(run.Actor)
	seen := map[string]int{}
	for _, row := range run.Rows(AccountsSheet) {
		if err := applyAccountRow(run, set, dir, col, roles, row, seen); err != nil {
			return err
		}
		run.Done()
	}
	return nil
}

func roleCode(v string) (string, bool) {
	n := norm(v)
	for _, r := range catalog.Roles {
		if n == norm(r) || n == norm(catalog.LabelOf("roles", r, "id")) || n == norm(catalog.LabelOf("roles", r, "en")) {
			return r, true
		}
	}
	return "", false
}

func applyAccountRow(run *Run, set *vocab.Set, dir *reports.Directory, col *core.Collection, roles []string, row *Row, seen map[string]int) error {
	email := strings.ToLower(row.Get("email"))
	row.Key = email
	if email != "" {
		if first, dup := seen[email]; dup {
			row.Fail("email", "duplicate_row", fmt.Sprintf(msgDupEmail, first, first))
			return nil
		}
		seen[email] = row.Line
	}
	fields := map[string]any{"email": email, "name": row.Get("name"), "position": row.Get("position"), "agency": row.Get("agency"), "phone": row.Get("phone")}
	role := ""
	if v := row.Get("role"); v != "" {
		if r, ok := roleCode(v); ok && slices.Contains(roles, r) {
			role = r
			fields["role"] = r
		} else if !hasError(row, "role") {
			row.Fail("role", "forbidden_role", msgRole)
		}
	}
	if code := row.Get("area"); code != "" && !hasError(row, "area") {
		if ar, ok := dir.Get(code); !ok {
			row.Fail("area", "unknown_area", msgArea)
		} else if !ar.Active {
			row.Fail("area", "inactive_area", msgAreaOff)
		} else {
			fields["area"] = ar.Code
			ref := dir.Ref(ar.Code)
			row.Note = strings.Join(nonEmpty(ref.Name, ref.District, ref.Regency), ", ")
		}
	}
	fields["cluster"] = ""
	if access.HasCluster(role) {
		if v := row.Get("cluster"); v == "" {
			row.Fail("cluster", "validation_required", msgClusterNeed)
		} else if c, ok := activeCode(set, "clusters", v); ok {
			fields["cluster"] = c
		} else if !hasError(row, "cluster") {
			row.Fail("cluster", "unknown_code", msgCluster)
		}
	}
	if email == "" {
		return nil
	}

	var stored *core.Record
	var id string
	err := run.Tx.DB().NewQuery(`SELECT id FROM users WHERE email = {:e} COLLATE NOCASE LIMIT 1`).Bind(dbx.Params{"e": email}).Row(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if id != "" {
		if stored, err = run.Tx.FindRecordById(catalog.Users, id); err != nil {
			return err
		}
		fields["email"] = stored.GetString("email") // the same address, as stored
	}
	rec := stored
	if stored != nil {
		if !run.Actor.Superuser && stored.Id == run.Actor.ID {
			row.Fail("email", "own_account", msgOwnAccount)
			return nil
		}
		if access.CheckManaged(run.Actor, stored) != access.ManageOK {
			row.Fail("email", "email_taken", msgEmailTaken)
			return nil
		}
	} else {
		rec = core.NewRecord(col)
	}
	var changed []string
	for _, k := range []string{"email", "name", "role", "area", "cluster", "position", "agency", "phone"} {
		if rec.GetString(k) != fields[k] {
			changed = append(changed, k)
			rec.Set(k, fields[k])
		}
	}
	sort.Strings(changed)
	// the same confirm sent again after its answer was lost: the accounts it
	// made, untouched since, get their one-time password again (it was only
	// in that answer) and are answered as new, as the first time
	again := stored != nil && len(changed) == 0 && !row.Failed() && madeByLostAnswer(run, stored)
	if stored != nil && len(changed) == 0 && !row.Failed() && !again {
		row.SetUnchanged()
		return nil
	}
	// the policy, as the users API checks a create or update of the caller
	if errs := access.CheckUserWrite(run.Actor, rec); errs != nil {
		if !row.Failed() {
			row.FailWith(errs, accountFields)
		}
		return nil
	}
	password := ""
	if stored == nil || again {
		if run.Confirm {
			if p, ok := run.Prepared[preparedKey(email)].(preparedPassword); ok {
				password = p.plain
				rec.SetRaw("password", &core.PasswordFieldValue{Plain: p.plain, Hash: p.hash})
			} else { // new since the checking pass
				if password, err = accounts.OneTimePassword(); err != nil {
					return err
				}
				rec.SetPassword(password)
			}
		} else {
			rec.SetRaw("password", &core.PasswordFieldValue{Hash: previewHash})
		}
		rec.Set(accounts.FieldMustChange, true)
		if again {
			accounts.MarkManagerReset(rec) // a password its owner did not choose
		} else {
			rec.Set("emailVisibility", false)
		}
	}
	if ok, err := run.Save(row, rec, accountFields); err != nil || !ok {
		return err
	}
	if stored == nil || again {
		row.SetNew()
		run.Reveal(row, msgSecret, password)
	} else {
		row.SetChanged(changed...)
	}
	return nil
}

// madeByLostAnswer reports whether stored was made by the confirm this
// run repeats (Run.RetryOf: same caller, file and job) and is untouched
// since: still to change its one-time password, made within the hour
// before that confirm's commit, not updated after the latest repeat's
// (which made its password again).
func madeByLostAnswer(run *Run, stored *core.Record) bool {
	if !stored.GetBool(accounts.FieldMustChange) {
		return false
	}
	first, last, ok := run.RetryOf(AccountsKind)
	if !ok {
		return false
	}
	created, updated := stored.GetDateTime("created").Time(), stored.GetDateTime("updated").Time()
	return !created.After(first) && first.Sub(created) < time.Hour && !updated.After(last)
}

// preparedPassword is a new account's one-time password and its hash,
// made by Prepare outside the transaction.
type preparedPassword struct{ plain, hash string }

func preparedKey(email string) string { return "password:" + email }

// Prepare makes the one-time passwords of the new accounts and their
// bcrypt hashes before the writing pass, on every core, so that the
// database's write lock is held only for the writes (a thousand hashes
// take a minute of one core).
func (accountsImporter) Prepare(app core.App, run *Run) error {
	var emails []string
	for _, row := range run.Rows(AccountsSheet) {
		if row.Action == ActionNew {
			emails = append(emails, row.Key)
		}
	}
	cost := bcrypt.DefaultCost
	if col, err := app.FindCachedCollectionByNameOrId(catalog.Users); err == nil {
		if f, ok := col.Fields.GetByName("password").(*core.PasswordField); ok && f.Cost > 0 {
			cost = f.Cost
		}
	}
	out := make([]preparedPassword, len(emails))
	errs := make([]error, len(emails))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				plain, err := accounts.OneTimePassword()
				if err == nil {
					var h []byte
					h, err = bcrypt.GenerateFromPassword([]byte(plain), cost)
					out[i] = preparedPassword{plain, string(h)}
				}
				errs[i] = err
			}
		}()
	}
	for i := range emails {
		next <- i
		run.Done()
	}
	close(next)
	wg.Wait()
	for i, e := range emails {
		if errs[i] != nil {
			return errs[i]
		}
		run.Prepared[preparedKey(e)] = out[i]
	}
	return nil
}

func nonEmpty(s ...string) []string {
	out := s[:0]
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func isNotFound(err error) bool { return errors.Is(err, sql.ErrNoRows) }
