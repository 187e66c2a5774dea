package access

import (
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"

	"jangkau/areas"
	"jangkau/catalog"
)

// The access policy of Jangkau, written once. Every path derives its
// decisions from Table and Placements below: the collections' API rules
// (RulesOf, which the migrations store and a test compares with the
// database), the Go checks of writes on REST, batch and the three sync
// protocols (CheckWrite, CheckFields, KeepFields, CheckUserWrite, and the
// review status moves: Moves), the sync scope (FeedLevel), the account list
// and device management (ManagedSQL, CheckManaged), the device fleet
// (OwnedFilter), the reports and exports (ReportArea, ReadsWholeArea,
// MayUseRawReports), and what a phone's device token may never do
// (Placement.ConsoleOnly, ManageFromPhone). The generated policy test compares what each
// path answers with this table.
//
// A new role is one Row here (and its entry in catalog.Roles and
// catalog.RoleAreaLevel): issue 15's two roles were added so, and
// TestNewRoleIsOneRow adds a third the same way.
// A new collection needs its Placement and its grants in the rows; a change
// of the rules needs a migration storing them: TestPolicyCoversEverything
// fails until both are done, and prints the rules to store.

// Op is an operation on a collection's records.
type Op string

// The operations of the record API.
const (
	List   Op = "list"
	View   Op = "view"
	Create Op = "create"
	Update Op = "update"
	Delete Op = "delete"
)

// Ops lists every operation.
var Ops = []Op{List, View, Create, Update, Delete}

// Reach says which records of a collection a term covers, relative to the
// actor.
type Reach int

// The reaches. A server holds one province, so InArea of a province-level
// role is every record.
const (
	// Anything is every record.
	Anything Reach = iota + 1
	// InArea is the records placed within the actor's area: its village for
	// a village-level role, its regency for a regency-level one, the whole
	// province for a province-level one.
	InArea
	// InAreaOrAbove is InArea plus the figures of the areas above the
	// actor's: a regency's verifier reads the province totals its own
	// figures add up to. (Figures are of a regency or the province only.)
	InAreaOrAbove
	// Own is the actor's own account (users) or what belongs to it (its devices).
	Own
	// Managed is the accounts the actor manages (of the roles its row
	// lists in Manages, within its area), or what belongs to them.
	Managed
)

// Term is one way a role reaches records: a reach, and the further
// conditions a record must meet.
type Term struct {
	Reach Reach
	// OwnCluster: only records of the actor's own cluster, and only when
	// the actor's account has one.
	OwnCluster bool
	// States: only records stored in one of these review states.
	States []string
	// Levels: only records of one of these area levels (activities are
	// recorded at every level; a reviewer reviews the levels below its own).
	Levels []string
	// Limit: on update, only its fields may change; a change to any other
	// is refused with its error. Nil: any field.
	Limit *FieldLimit
	// Keep: on update, these fields are put back silently (phones send
	// whole records, including fields they may not change).
	Keep []string
	// Moves: the review status changes allowed, from -> to; "" is a new
	// record. Only for collections that go through review.
	Moves map[string][]string
}

// FieldLimit is the fields a term lets change, and the error (its code
// and bilingual message) a change of any other field gets.
type FieldLimit struct {
	Fields []string
	Err    validation.Error
}

// Grant is what a role may do with a collection for one operation: any one
// of its terms suffices. Empty: nothing.
type Grant []Term

// Grants are a role's grants on one collection, by operation.
type Grants struct {
	List, View, Create, Update, Delete Grant
}

// Of returns the grant for op.
func (g Grants) Of(op Op) Grant {
	switch op {
	case List:
		return g.List
	case View:
		return g.View
	case Create:
		return g.Create
	case Update:
		return g.Update
	case Delete:
		return g.Delete
	}
	return nil
}

// Row is one role's line of the policy. The area level the role's accounts
// are bound to is catalog.RoleAreaLevel[Role].
type Row struct {
	Role string
	// Cluster: accounts of this role carry a task-force cluster.
	Cluster bool
	// Manages lists the roles whose accounts (and their devices) the role
	// manages within its area: creates, edits, deactivates, enrolls and
	// revokes phones.
	Manages []string
	// Reports: the role reads the reports and exports of its area.
	Reports bool
	// RawReports: the role may ask for the raw report engine (a costly
	// check of the precomputed figures).
	RawReports bool
	// Desk: the role works in the console only and never syncs a phone,
	// whatever its read grants (FeedLevel refuses it).
	Desk bool
	// Collections holds the role's grants; a collection it is not listed
	// under is closed to it.
	Collections map[string]Grants
}

// Placement says where a collection's records sit, by naming the fields
// the policy reads. A name with a dot follows a relation ("user.area").
type Placement struct {
	Area    string // the record's area code: its village, or the area of a figure or an account
	Regency string // the regency derived from Area, indexed: what rules of regency-level roles filter on
	Cluster string // the task-force cluster
	Status  string // the review status
	Level   string // the level of the record's area (activities are recorded at every level)
	Owner   string // the user the record is ("id" on users) or belongs to
	Role    string // that user's role
	// ServerOwned fields are written by the server only: a change by any
	// client (superusers excepted) is refused.
	ServerOwned []string
	// ConsoleOnly lists the operations a phone's device token may never
	// do, whatever the role: they need a password session in the console
	// (a lost phone must not take over accounts).
	ConsoleOnly []Op
	// Never lists the operations refused to everyone, superusers included,
	// on every path (hooks enforce them: areas are never deleted, the
	// audit trail is append-only; areas come from the import only).
	Never []Op
}

// ReviewFields are what a reviewer (verifier, secretariat) may change on an
// activity or outreach log: the content belongs to the village.
var ReviewFields = []string{"status", "review_note", "reviewed_by", "reviewed_at", "updated"}

// SelfFields are what a user may change on its own account; everything
// else (role, area, regency, cluster, deactivated, scope_seq, email,
// verified, and any field added later) is someone else's to set. A new
// password needs the old one (PocketBase), and changes the token key.
var SelfFields = []string{"name", "position", "agency", "phone", "emailVisibility", "password", "tokenKey", "updated"}

// AreaFields are what the secretariat may change on an area: its code,
// name and parent follow the official decree and change by import only.
var AreaFields = []string{"local_term", "active", "updated"}

// Field limits and the errors of changes beyond them.
var (
	reviewLimit = &FieldLimit{ReviewFields, validation.NewError("reviewer_edit",
		"Verifikator hanya boleh menyetujui atau mengembalikan; isi catatan diubah oleh desa. / A reviewer may only approve or return; the village edits the content.")}
	selfLimit = &FieldLimit{SelfFields, validation.NewError("self_escalation",
		"Anda tidak boleh mengubah peran, wilayah atau status akun Anda sendiri. / You may not change your own role, area or account state.")}
	areaLimit = &FieldLimit{AreaFields, validation.NewError("locked_field",
		"Kode, nama dan induk wilayah mengikuti Kepmendagri dan hanya berubah lewat impor. / An area's code, name and parent follow the official decree and change only by import.")}
)

var (
	everything = Grant{{Reach: Anything}}
	inArea     = Grant{{Reach: InArea}}
	ownOrMgd   = Grant{{Reach: Own}, {Reach: Managed}}
	selfEdit   = Term{Reach: Own, Limit: selfLimit}

	readAll    = Grants{List: everything, View: everything}
	readArea   = Grants{List: inArea, View: inArea}
	allInArea  = Grants{List: inArea, View: inArea, Create: inArea, Update: inArea, Delete: inArea}
	ownAccount = Grants{List: Grant{{Reach: Own}}, View: Grant{{Reach: Own}}, Update: Grant{selfEdit}}
	accounts   = Grants{List: ownOrMgd, View: ownOrMgd, Create: Grant{{Reach: Managed}}, Update: Grant{selfEdit, {Reach: Managed}}}
	ownDevices = Grants{List: Grant{{Reach: Own}}, View: Grant{{Reach: Own}}}
	mgdDevices = Grants{List: ownOrMgd, View: ownOrMgd}
	// Case figure records are read, changed and deleted by who keeps them
	// (the secretariat, the regency's verifier, a task-force member of the
	// record's cluster); everyone else reads the figures in the reports,
	// suppressed: a verifier reading the province's raw totals could
	// subtract its own regency's from them.
	clusterTerm = Grant{{Reach: InArea, OwnCluster: true}}
	ownCluster  = Grants{List: clusterTerm, View: clusterTerm, Create: clusterTerm, Update: clusterTerm, Delete: clusterTerm}
	regencyFigs = Grants{List: Grant{{Reach: InAreaOrAbove}}, View: Grant{{Reach: InAreaOrAbove}}, Create: inArea, Update: inArea, Delete: inArea}
)

// villageRecords are the grants of the village that writes activities and
// outreach logs: drafts and returned records are edited and submitted, a
// draft may be deleted, the review note is the reviewer's.
var villageRecords = Grants{
	List: inArea, View: inArea,
	Create: Grant{{Reach: InArea, Moves: map[string][]string{"": {catalog.StatusDraft, catalog.StatusSubmitted}}}},
	Update: Grant{{Reach: InArea, Keep: []string{"review_note"}, Moves: map[string][]string{
		catalog.StatusDraft:    {catalog.StatusDraft, catalog.StatusSubmitted},
		catalog.StatusReturned: {catalog.StatusReturned, catalog.StatusDraft, catalog.StatusSubmitted},
	}}},
	Delete: Grant{{Reach: InArea, States: []string{catalog.StatusDraft}}},
}

// reviewing are a reviewer's grants on activities and outreach logs: read
// its area, change only the review fields, with the status changes moves.
func reviewing(moves map[string][]string) Grants {
	return Grants{List: inArea, View: inArea, Update: Grant{{Reach: InArea, Limit: reviewLimit, Moves: moves}}}
}

// The review moves.
var (
	decide  = map[string][]string{catalog.StatusSubmitted: {catalog.StatusApproved, catalog.StatusReturned}}
	reopen  = map[string][]string{catalog.StatusApproved: {catalog.StatusReturned}}
	decideR = map[string][]string{catalog.StatusSubmitted: {catalog.StatusApproved, catalog.StatusReturned}, catalog.StatusApproved: {catalog.StatusReturned}}
)

// reviewingLevels are a reviewer's grants on activities, which are
// reviewed one level up: it decides on the submitted activities of levels,
// and (the secretariat) reopens approved ones of any level with reopen.
func reviewingLevels(levels []string, moves map[string][]string, reopen map[string][]string) Grants {
	g := Grants{List: inArea, View: inArea, Update: Grant{{Reach: InArea, Levels: levels, Limit: reviewLimit, Moves: moves}}}
	if reopen != nil {
		g.Update = append(g.Update, Term{Reach: InArea, Limit: reviewLimit, Moves: reopen})
	}
	return g
}

// authoring are the grants of a role that records activities of its own
// cluster at levels within its area, as a village officer does its
// village's: drafts and returned records edited and submitted, drafts
// deleted, the review note the reviewer's. read is what it reads.
func authoring(read Grant, levels []string) Grants {
	return Grants{
		List: read, View: read,
		Create: Grant{{Reach: InArea, OwnCluster: true, Levels: levels, Moves: map[string][]string{"": {catalog.StatusDraft, catalog.StatusSubmitted}}}},
		Update: Grant{{Reach: InArea, OwnCluster: true, Levels: levels, Keep: []string{"review_note"}, Moves: map[string][]string{
			catalog.StatusDraft:    {catalog.StatusDraft, catalog.StatusSubmitted},
			catalog.StatusReturned: {catalog.StatusReturned, catalog.StatusDraft, catalog.StatusSubmitted},
		}}},
		Delete: Grant{{Reach: InArea, OwnCluster: true, Levels: levels, States: []string{catalog.StatusDraft}}},
	}
}

// Table is the access policy: one row per role of catalog.Roles.
// Superusers may do anything; anonymous callers nothing.
var Table = []Row{
	{
		Role: catalog.RoleVillageOfficer,
		Collections: map[string]Grants{
			catalog.Areas:           readAll,
			catalog.RadIndicators:   readAll,
			catalog.Vocabularies:    readAll,
			catalog.Activities:      villageRecords,
			catalog.OutreachLogs:    villageRecords,
			catalog.VillagePrograms: {List: inArea, View: inArea, Create: inArea, Update: inArea},
			catalog.Users:           ownAccount,
			catalog.Devices:         ownDevices,
		},
	},
	{
		Role:    catalog.RoleDistrictVerifier,
		Manages: []string{catalog.RoleVillageOfficer},
		Reports: true,
		Collections: map[string]Grants{
			catalog.Areas:         readAll,
			catalog.RadIndicators: readAll,
			catalog.Vocabularies:  readAll,
			// a verifier reviews its regency's village and district activities;
			// regency activities go one level up, to the secretariat
			catalog.Activities:      reviewingLevels([]string{catalog.LevelVillage, catalog.LevelDistrict}, decide, nil),
			catalog.OutreachLogs:    reviewing(decide),
			catalog.VillagePrograms: allInArea,
			catalog.CaseAggregates:  allInArea,
			catalog.RadAchievements: regencyFigs,
			catalog.Users:           accounts,
			catalog.Devices:         mgdDevices,
		},
	},
	{
		Role:       catalog.RoleProvinceSecretariat,
		Manages:    catalog.Roles,
		Reports:    true,
		RawReports: true,
		Collections: map[string]Grants{
			catalog.Areas:           {List: everything, View: everything, Update: Grant{{Reach: Anything, Limit: areaLimit}}},
			catalog.RadIndicators:   {List: everything, View: everything, Create: everything, Update: everything, Delete: everything},
			catalog.Vocabularies:    {List: everything, View: everything, Create: everything, Update: everything},
			catalog.Activities:      reviewingLevels([]string{catalog.LevelRegency, catalog.LevelProvince}, decideR, reopen),
			catalog.OutreachLogs:    reviewing(reopen),
			catalog.VillagePrograms: allInArea,
			catalog.CaseAggregates:  allInArea,
			catalog.RadAchievements: allInArea,
			catalog.Users:           accounts,
			catalog.Devices:         mgdDevices,
			catalog.AuditLog:        readAll,
		},
	},
	{
		Role:    catalog.RoleTaskforceMember,
		Cluster: true,
		Reports: true,
		Collections: map[string]Grants{
			catalog.Areas:         readAll,
			catalog.RadIndicators: readAll,
			catalog.Vocabularies:  readAll,
			catalog.Activities:    readArea,
			// Outreach logs (contacts with households: a free-text note, the
			// receiving agency's case reference) are read by the village,
			// its verifiers and the secretariat only; task-force agencies,
			// police included, read the outreach report's counts (issue 15).
			catalog.VillagePrograms: readArea,
			catalog.CaseAggregates:  ownCluster,
			catalog.RadAchievements: readArea,
			catalog.Users:           ownAccount,
			catalog.Devices:         ownDevices,
		},
	},
	{
		// A regency task force's member records its agency's district and
		// regency activities and its cluster's case figures of its regency,
		// at a desk. Outreach logs (contacts with people) it reads in the
		// outreach report only.
		Role:    catalog.RoleRegencyTaskforce,
		Cluster: true,
		Reports: true,
		Desk:    true,
		Collections: map[string]Grants{
			catalog.Areas:           readAll,
			catalog.RadIndicators:   readAll,
			catalog.Vocabularies:    readAll,
			catalog.Activities:      authoring(inArea, []string{catalog.LevelDistrict, catalog.LevelRegency}),
			catalog.VillagePrograms: readArea,
			catalog.CaseAggregates:  ownCluster,
			catalog.RadAchievements: readArea,
			catalog.Users:           ownAccount,
			catalog.Devices:         ownDevices,
		},
	},
	{
		// A province agency's officer records the agency's province
		// activities and reads its cluster's activities at every level (the
		// cluster view); figures it reads in the reports, suppressed.
		Role:    catalog.RoleAgencyOfficer,
		Cluster: true,
		Reports: true,
		Desk:    true,
		Collections: map[string]Grants{
			catalog.Areas:           readAll,
			catalog.RadIndicators:   readAll,
			catalog.Vocabularies:    readAll,
			catalog.Activities:      authoring(clusterTerm, []string{catalog.LevelProvince}),
			catalog.VillagePrograms: readArea,
			catalog.RadAchievements: readArea,
			catalog.Users:           ownAccount,
			catalog.Devices:         ownDevices,
		},
	},
}

// Placements name, for every collection of the app, the fields the policy
// reads. A collection missing here is a test failure: add it, and its
// grants to Table (none: superusers only).
var Placements = map[string]Placement{
	catalog.Areas:           {Never: []Op{Create, Delete}},
	catalog.RadIndicators:   {},
	catalog.Vocabularies:    {Never: []Op{Delete}},
	catalog.Activities:      {Area: "area", Regency: "regency", Cluster: "cluster", Status: "status", Level: "level"},
	catalog.OutreachLogs:    {Area: "village", Regency: "regency", Status: "status"},
	catalog.VillagePrograms: {Area: "village", Regency: "regency"},
	catalog.CaseAggregates:  {Area: "area", Regency: "regency", Cluster: "cluster"},
	catalog.RadAchievements: {Area: "area", Regency: "regency"},
	catalog.Users: {Area: "area", Regency: "regency", Cluster: "cluster", Owner: "id", Role: "role",
		ServerOwned: []string{"scope_seq", "must_change_password", "password_changed"}, ConsoleOnly: []Op{Create, Update, Delete}},
	catalog.Devices:           {Area: "user.area", Regency: "user.regency", Owner: "user", Role: "user.role"},
	catalog.AuditLog:          {Never: []Op{Create, Update, Delete}},
	catalog.DeviceKeys:        {},
	catalog.DeviceEnrollments: {},
	// issue 17's notification tables: custom routes only (package notify)
	catalog.NotifyKeys: {}, catalog.NotifySubscriptions: {}, catalog.NotifyPrefs: {}, catalog.Notices: {},
}

// ManageFromPhone says whether a phone's device token may enroll and
// revoke phones: no, that is done in the console with a password.
const ManageFromPhone = false

// PhoneMay reports whether a phone's device token may do op on collection.
func PhoneMay(collection string, op Op) bool {
	return !slices.Contains(Placements[collection].ConsoleOnly, op)
}

// RowOf returns the policy row of a role (nil: the role has none).
func RowOf(role string) *Row {
	for i := range Table {
		if Table[i].Role == role {
			return &Table[i]
		}
	}
	return nil
}

// HasCluster reports whether accounts of the role carry a cluster.
func HasCluster(role string) bool {
	r := RowOf(role)
	return r != nil && r.Cluster
}

// Level returns the area level the actor's role works at ("" for
// superusers and anonymous callers).
func (a Actor) Level() string { return catalog.RoleAreaLevel[a.Role] }

// grant returns the actor's grant on collection for op (nil for
// superusers, who need none, and for anyone without one).
func (a Actor) grant(collection string, op Op) (Grant, *Row) {
	if a.Superuser || a.Role == "" {
		return nil, nil
	}
	row := RowOf(a.Role)
	if row == nil {
		return nil, nil
	}
	return row.Collections[collection].Of(op), row
}

// Can reports whether the actor may do op on some records of collection.
func Can(a Actor, collection string, op Op) bool {
	if a.Superuser {
		return true
	}
	g, _ := a.grant(collection, op)
	return len(g) > 0
}

// Target is a record as the policy reads it: the value of a field by name.
// *core.Record is one; Fields is one for records whose placement follows
// a relation.
type Target interface {
	GetString(field string) string
}

// Fields is a Target from a map of field values ("user.area" included).
type Fields map[string]string

// GetString returns the value of field.
func (f Fields) GetString(field string) string { return f[field] }

// miss is why a term does not cover a record; it names the field to blame.
type miss int

const (
	hit miss = iota
	missArea
	missCluster
	missRole
	missOwner
	missState
	missLevel
)

// match tells whether term t of row covers the record: placement from rec,
// review state from stored (nil: no state condition is checked).
func match(a Actor, row *Row, p Placement, t Term, rec, stored Target) miss {
	switch t.Reach {
	case Anything:
	case InArea:
		if !areas.Contains(a.Area, rec.GetString(p.Area)) {
			return missArea
		}
	case InAreaOrAbove:
		code := rec.GetString(p.Area)
		if !areas.Contains(a.Area, code) && !areas.Contains(code, a.Area) {
			return missArea
		}
	case Own:
		if a.ID == "" || rec.GetString(p.Owner) != a.ID {
			return missOwner
		}
	case Managed:
		if !slices.Contains(row.Manages, rec.GetString(p.Role)) {
			return missRole
		}
		if !areas.Contains(a.Area, rec.GetString(p.Area)) {
			return missArea
		}
	default:
		return missArea
	}
	if t.OwnCluster && (a.Cluster == "" || rec.GetString(p.Cluster) != a.Cluster) {
		return missCluster
	}
	if len(t.States) > 0 && stored != nil && !slices.Contains(t.States, stored.GetString(p.Status)) {
		return missState
	}
	if len(t.Levels) > 0 && !slices.Contains(t.Levels, rec.GetString(p.Level)) {
		return missLevel
	}
	return hit
}

// firstMatch returns the first term of the actor's grant that covers rec,
// and why none does (the miss of the first term).
func firstMatch(a Actor, collection string, op Op, rec, stored Target) (*Term, miss) {
	g, row := a.grant(collection, op)
	if len(g) == 0 {
		return nil, missRole
	}
	p := Placements[collection]
	first := hit
	for i := range g {
		m := match(a, row, p, g[i], rec, stored)
		if m == hit {
			return &g[i], hit
		}
		if i == 0 {
			first = m
		}
	}
	return nil, first
}

// Reaches reports whether the actor may do op on the stored record t: what
// the collection's API rule decides (for create: whether the new record is
// placed where the actor may create).
func Reaches(a Actor, collection string, op Op, t Target) bool {
	if a.Superuser {
		return true
	}
	term, _ := firstMatch(a, collection, op, t, t)
	return term != nil
}

// FeedLevel returns the level and area of the sync feed the actor may
// read: the change feed is scoped by village and regency only, so a role
// syncs when its list grant of every synced collection is the whole of
// its area (or everything) with no further condition, and its row is not
// a desk role's. ok is false for anyone else, who may not sync.
func FeedLevel(a Actor, collections []string) (level, area string, ok bool) {
	if a.Superuser {
		return catalog.LevelProvince, "", true
	}
	if r := RowOf(a.Role); r != nil && r.Desk {
		return "", "", false
	}
	for _, c := range collections {
		if !ReadsWholeArea(a, c) {
			return "", "", false
		}
	}
	return a.Level(), a.Area, a.Level() != ""
}

// ReadsWholeArea reports whether the actor may list every record of
// collection within its area (or anywhere) without further condition:
// what paths that scope by area alone (sync, record exports) require.
func ReadsWholeArea(a Actor, collection string) bool {
	if a.Superuser {
		return true
	}
	g, _ := a.grant(collection, List)
	if len(g) != 1 {
		return false
	}
	t := g[0]
	return (t.Reach == Anything || t.Reach == InArea) && !t.OwnCluster && len(t.States) == 0 && len(t.Levels) == 0
}

// ReportArea returns the area whose reports and exports the actor reads;
// ok is false for roles without reports. Superusers read the province's
// (the caller finds its code).
func ReportArea(a Actor) (area string, ok bool) {
	if a.Superuser {
		return "", true
	}
	r := RowOf(a.Role)
	if r == nil || !r.Reports {
		return "", false
	}
	return a.Area, true
}

// MayUseRawReports reports whether the actor may ask for the raw report engine.
func MayUseRawReports(a Actor) bool {
	if a.Superuser {
		return true
	}
	r := RowOf(a.Role)
	return r != nil && r.RawReports
}

// HasPhone reports whether accounts of the role may have an enrolled phone:
// desk roles work in the console only (Row.Desk), so enrolling one is
// refused on every path (devices.CreateEnrollment and Activate).
func HasPhone(role string) bool {
	r := RowOf(role)
	return r != nil && !r.Desk
}

// Manages reports whether the actor manages some accounts (and their phones).
func Manages(a Actor) bool {
	if a.Superuser {
		return true
	}
	r := RowOf(a.Role)
	return r != nil && len(r.Manages) > 0
}

// Decide is the policy's whole answer to the actor doing op on a record:
// stored is the record before (nil for a create), next the record after a
// create or update (nil otherwise), changed the fields an update changes.
// The API rule decides on stored, the Go checks on next; kept fields do
// not count as changed. Every path must answer the same: the policy test
// compares them. Checks outside the policy (validation, privacy, the note
// a return needs) are not part of it.
func Decide(a Actor, collection string, op Op, stored, next Target, changed []string) bool {
	p := Placements[collection]
	if slices.Contains(p.Never, op) || (a.Device && slices.Contains(p.ConsoleOnly, op)) {
		return false
	}
	if a.Superuser {
		return true
	}
	g, row := a.grant(collection, op)
	if len(g) == 0 {
		return false
	}
	if op != Create {
		ruled := false
		for _, t := range g {
			ruled = ruled || match(a, row, p, t, stored, stored) == hit
		}
		if !ruled || op == List || op == View || op == Delete {
			return ruled
		}
	}
	var t *Term
	for i := range g {
		if match(a, row, p, g[i], next, stored) == hit {
			t = &g[i]
			break
		}
	}
	if t == nil {
		return false
	}
	for _, f := range changed {
		if slices.Contains(t.Keep, f) {
			continue
		}
		if slices.Contains(p.ServerOwned, f) || (t.Limit != nil && !slices.Contains(t.Limit.Fields, f)) {
			return false
		}
	}
	if p.Status != "" {
		from, to := "", next.GetString(p.Status)
		if stored != nil {
			from = stored.GetString(p.Status)
		}
		if to == "" {
			to = catalog.StatusDraft
		}
		if !slices.Contains(t.Moves[from], to) {
			return false
		}
	}
	return true
}
