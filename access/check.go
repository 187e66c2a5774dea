package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
)

// Actor is the caller as the access checks see it.
type Actor struct {
	ID        string
	Role      string
	Area      string
	Cluster   string
	Superuser bool
	// Device: the caller signed in with a phone's device token, not a
	// password session (see Placement.ConsoleOnly, ManageFromPhone).
	Device bool
}

// ActorOf describes an authenticated record; nil gives the anonymous actor.
func ActorOf(auth *core.Record) Actor {
	if auth == nil {
		return Actor{}
	}
	if auth.IsSuperuser() {
		return Actor{ID: auth.Id, Superuser: true}
	}
	return Actor{
		ID:      auth.Id,
		Role:    auth.GetString("role"),
		Area:    auth.GetString("area"),
		Cluster: auth.GetString("cluster"),
	}
}

// Covers reports whether the actor's area includes the area code.
func (a Actor) Covers(code string) bool {
	if a.Superuser {
		return true
	}
	if a.Role == "" {
		return false
	}
	return areas.Contains(a.Area, code)
}

// Bilingual field messages.
var (
	errNotYourVillage = validation.NewError("not_your_area",
		"Desa/kelurahan ini di luar wilayah Anda. / This village is outside your area.")
	errNotYourRegency = validation.NewError("not_your_area",
		"Wilayah ini di luar kabupaten/kota Anda. / This area is outside your regency.")
	errNotYourCluster = validation.NewError("not_your_cluster",
		"Anda hanya boleh mengisi data klaster Anda sendiri. / You may only enter data of your own cluster.")
	errNotYourLevel = validation.NewError("wrong_area_level",
		"Peran Anda tidak mencatat atau memeriksa kegiatan tingkat wilayah ini. / Your role does not record or review activities at this area level.")
	errNoWriteRole = validation.NewError("forbidden_role",
		"Peran Anda tidak boleh mengubah data ini. / Your role may not change this data.")
	errRoleNotManaged = validation.NewError("forbidden_role",
		"Anda tidak mengelola akun dengan peran ini (verifikator kabupaten hanya mengelola akun operator desa). / "+
			"You do not manage accounts of this role (a district verifier manages village officer accounts only).")
	errServerOwned = validation.NewError("server_owned",
		"Kolom ini diisi oleh server. / This field is set by the server.")
)

// notYourArea is the "outside your area" message for the actor's level.
func notYourArea(a Actor) validation.Error {
	if a.Level() == catalog.LevelVillage {
		return errNotYourVillage
	}
	return errNotYourRegency
}

// opOf is the write rec stands for: a create when it is new.
func opOf(rec *core.Record) Op {
	if rec.IsNew() {
		return Create
	}
	return Update
}

// stateOf is the stored record whose review state conditions apply (nil
// for a new record).
func stateOf(rec *core.Record) Target {
	if rec.IsNew() {
		return nil
	}
	return rec.Original()
}

// CheckWrite checks that the actor may create or update rec as it will be
// stored: its role has a grant for the write, and the record's new place
// (area, cluster, owner) is in the grant's reach. The collection's API
// rule checks the stored record on update; this checks where it goes, on
// every path (REST, batch, sync).
func CheckWrite(a Actor, rec *core.Record) validation.Errors {
	if a.Superuser {
		return nil
	}
	collection := rec.Collection().Name
	p := Placements[collection]
	field := p.Area
	if field == "" {
		field = "id"
	}
	if field == "area" && rec.GetString("village") != "" {
		// a village activity names its village (phones send only that)
		field = "village"
	}
	_, m := firstMatch(a, collection, opOf(rec), rec, stateOf(rec))
	switch m {
	case hit:
		return nil
	case missArea:
		return validation.Errors{field: notYourArea(a)}
	case missCluster:
		return validation.Errors{p.Cluster: errNotYourCluster}
	case missLevel:
		return validation.Errors{p.Level: errNotYourLevel}
	case missRole:
		if p.Role != "" && Can(a, collection, opOf(rec)) {
			return validation.Errors{p.Role: errRoleNotManaged}
		}
	}
	return validation.Errors{field: errNoWriteRole}
}

// term returns the actor's term that covers the write of rec (nil: none).
func term(a Actor, rec *core.Record) *Term {
	t, _ := firstMatch(a, rec.Collection().Name, opOf(rec), rec, stateOf(rec))
	return t
}

// KeepFields puts back the fields the actor's update term keeps (the
// review note an officer's phone sends back, for instance).
func KeepFields(a Actor, rec *core.Record) {
	if a.Superuser || rec.IsNew() {
		return
	}
	if t := term(a, rec); t != nil {
		orig := rec.Original()
		for _, f := range t.Keep {
			if rec.Collection().Fields.GetByName(f) != nil {
				rec.Set(f, orig.Get(f))
			}
		}
	}
}

// CheckFields refuses an update of fields outside the limit of the actor's
// term (a reviewer changes the review fields only, a user the personal
// fields of its own account, the secretariat an area's local term and
// state), and of server-owned fields.
func CheckFields(a Actor, rec *core.Record) validation.Errors {
	if a.Superuser || rec.IsNew() {
		return nil
	}
	changed := ChangedFields(rec)
	for _, f := range Placements[rec.Collection().Name].ServerOwned {
		if slices.Contains(changed, f) {
			return validation.Errors{f: errServerOwned}
		}
	}
	t := term(a, rec)
	if t == nil || t.Limit == nil {
		return nil
	}
	for _, f := range changed {
		if !slices.Contains(t.Limit.Fields, f) {
			return validation.Errors{f: t.Limit.Err}
		}
	}
	return nil
}

// Moves returns the review status changes the actor's term for the write
// of rec allows (from -> to, "" for a new record), and whether the actor's
// role writes such records itself (their author, rather than a reviewer).
func Moves(a Actor, rec *core.Record) (moves map[string][]string, author bool) {
	author = Can(a, rec.Collection().Name, Create)
	if t := term(a, rec); t != nil {
		return t.Moves, author
	}
	return nil, author
}

// ChangedFields lists the fields whose value differs from the last saved one.
func ChangedFields(rec *core.Record) []string {
	orig := rec.Original()
	var changed []string
	for _, f := range rec.Collection().Fields {
		name := f.GetName()
		if fmt.Sprint(rec.Get(name)) != fmt.Sprint(orig.Get(name)) {
			changed = append(changed, name)
		}
	}
	return changed
}

// CheckUserWrite checks an account create or update by the actor: on its
// own account a user changes only SelfFields; other accounts are those it
// manages, before (the API rule) and after the change (here).
func CheckUserWrite(a Actor, rec *core.Record) validation.Errors {
	if a.Superuser {
		return nil
	}
	if errs := CheckFields(a, rec); errs != nil {
		return errs
	}
	if !rec.IsNew() && rec.Id == a.ID {
		if term(a, rec) == nil {
			return validation.Errors{"id": errNoWriteRole}
		}
		return nil
	}
	// another account: only through a Managed term
	if g, row := a.grant(catalog.Users, opOf(rec)); row != nil {
		p := Placements[catalog.Users]
		for _, t := range g {
			if t.Reach != Managed {
				continue
			}
			switch match(a, row, p, t, rec, nil) {
			case hit:
				return nil
			case missRole:
				return validation.Errors{"role": errRoleNotManaged}
			default:
				return validation.Errors{"area": notYourArea(a)}
			}
		}
	}
	return validation.Errors{"role": errNoWriteRole}
}

// ManageVerdict is why an actor may or may not manage an account.
type ManageVerdict int

// The verdicts of CheckManaged.
const (
	ManageOK          ManageVerdict = iota
	ManageNoRole                    // the actor's role manages no accounts
	ManageRoleNot                   // it does not manage accounts of this role
	ManageNotInArea                 // the account is outside the actor's area
	ManageConsoleOnly               // a phone's device token manages nothing (ManageFromPhone)
)

// CheckManaged decides whether the actor manages the account user (to
// enroll or revoke its phones): the roles of its row's Manages, within its
// area. Unlike the users manage rule, one's own account counts.
func CheckManaged(a Actor, user Target) ManageVerdict {
	if a.Superuser {
		return ManageOK
	}
	row := RowOf(a.Role)
	if row == nil || len(row.Manages) == 0 {
		return ManageNoRole
	}
	if a.Device && !ManageFromPhone {
		return ManageConsoleOnly
	}
	switch match(a, row, Placements[catalog.Users], Term{Reach: Managed}, user, nil) {
	case hit:
		return ManageOK
	case missRole:
		return ManageRoleNot
	}
	return ManageNotInArea
}

// AccountInArea reports whether the account user lies in the actor's area
// (every account, for a superuser), whatever its role: an account outside
// it is, to the actor, one that does not exist.
func AccountInArea(a Actor, user Target) bool {
	return a.Superuser || areas.Contains(a.Area, user.GetString(Placements[catalog.Users].Area))
}

// ManagedFilter is the SQL condition on the users table (columns prefixed
// with alias and a dot, when given) selecting the accounts the actor
// manages: nil for every account; ok is false when it manages none.
func ManagedFilter(a Actor, alias string) (cond dbx.Expression, ok bool) {
	sql, params, ok := ManagedSQL(a, alias)
	if !ok || sql == "" {
		return nil, ok
	}
	return dbx.NewExp(sql, params), true
}

// managedSQL is ManagedFilter as SQL text and its parameters ("" = all).
func ManagedSQL(a Actor, alias string) (sql string, params dbx.Params, ok bool) {
	if a.Superuser {
		return "", nil, true
	}
	row := RowOf(a.Role)
	if row == nil || len(row.Manages) == 0 {
		return "", nil, false
	}
	col := func(f string) string {
		if alias != "" {
			f = alias + "." + f
		}
		return "[[" + f + "]]"
	}
	p := Placements[catalog.Users]
	params = dbx.Params{}
	var conds []string
	if !coversAll(row.Manages) {
		var names []string
		for i, r := range row.Manages {
			name := fmt.Sprintf("policyRole%d", i)
			params[name] = r
			names = append(names, "{:"+name+"}")
		}
		conds = append(conds, col(p.Role)+" IN ("+strings.Join(names, ", ")+")")
	}
	params["policyArea"] = a.Area
	switch a.Level() {
	case catalog.LevelProvince:
	case catalog.LevelRegency:
		conds = append(conds, col(p.Regency)+" = {:policyArea}")
	default:
		conds = append(conds, col(p.Area)+" = {:policyArea}")
	}
	return strings.Join(conds, " AND "), params, true
}

// OwnedFilter is the SQL condition on a collection whose records belong to
// a user (devices) selecting those the actor may list: its own, and those
// of the accounts it manages when its grant says so. nil: all of them; ok
// is false when the actor may list none.
func OwnedFilter(a Actor, collection string) (cond dbx.Expression, ok bool) {
	if a.Superuser {
		return nil, true
	}
	g, _ := a.grant(collection, List)
	if len(g) == 0 {
		return nil, false
	}
	owner := "[[" + Placements[collection].Owner + "]]"
	params := dbx.Params{"policyMe": a.ID}
	var alts []string
	for _, t := range g {
		switch t.Reach {
		case Own:
			alts = append(alts, owner+" = {:policyMe}")
		case Managed:
			sql, p, ok := ManagedSQL(a, "")
			if !ok {
				continue
			}
			if sql == "" {
				return nil, true
			}
			for k, v := range p {
				params[k] = v
			}
			alts = append(alts, owner+" IN (SELECT [[id]] FROM {{"+catalog.Users+"}} WHERE "+sql+")")
		default:
			panic("access: OwnedFilter: " + collection + " has a grant that is not by owner")
		}
	}
	return dbx.NewExp("("+strings.Join(alts, ") OR (")+")", params), true
}
