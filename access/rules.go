// Package access decides who may read and write what, by role and area. The
// collection API rules below are the first gate on every PocketBase path
// (REST, batch, realtime); the Check functions add the field-level checks
// that rules cannot express, and custom routes (sync, exports) reuse both.
package access

import (
	"strings"

	"jangkau/catalog"
)

// Rule fragments shared by the collection rules.
const (
	isProvince  = `@request.auth.role = "` + catalog.RoleProvinceSecretariat + `"`
	isTaskforce = `@request.auth.role = "` + catalog.RoleTaskforceMember + `"`
	isVerifier  = `@request.auth.role = "` + catalog.RoleDistrictVerifier + `"`
	isOfficer   = `@request.auth.role = "` + catalog.RoleVillageOfficer + `"`
	isSignedIn  = `@request.auth.collectionName = "` + catalog.Users + `"`
)

func or(parts ...string) string { return "(" + strings.Join(parts, ") || (") + ")" }

// Rules is one collection's set of API rules; nil means superusers only.
type Rules struct {
	List, View, Create, Update, Delete *string
}

func ptr(s string) *string { return &s }

// VillageRecordRules guard activities and outreach logs: an officer works on
// its own village, a verifier reviews its regency, the province reads all and
// may reopen, task-force members read.
var VillageRecordRules = Rules{
	List:   ptr(villageRead),
	View:   ptr(villageRead),
	Create: ptr(isOfficer),
	Update: ptr(or(isOfficer+` && village = @request.auth.area`, isVerifier+` && regency = @request.auth.area`, isProvince)),
	Delete: ptr(isOfficer + ` && village = @request.auth.area && status = "` + catalog.StatusDraft + `"`),
}

var villageRead = or(isProvince, isTaskforce, isVerifier+` && regency = @request.auth.area`, isOfficer+` && village = @request.auth.area`)

// VillageProgramRules guard village programme status: the village, its
// regency's verifier and the province may keep it up to date.
var VillageProgramRules = Rules{
	List:   ptr(villageRead),
	View:   ptr(villageRead),
	Create: ptr(or(isOfficer, isVerifier, isProvince)),
	Update: ptr(or(isOfficer+` && village = @request.auth.area`, isVerifier+` && regency = @request.auth.area`, isProvince)),
	Delete: ptr(or(isVerifier+` && regency = @request.auth.area`, isProvince)),
}

var regencyFigureRead = or(isProvince, isTaskforce, isVerifier+` && (regency = @request.auth.area || area.level = "province")`)

// caseFigureKeeper is who keeps a case figure record: the secretariat, the
// verifier of its regency, a task-force member of its cluster (one without
// a cluster none).
var caseFigureKeeper = or(isProvince, isVerifier+` && regency = @request.auth.area`,
	isTaskforce+` && @request.auth.cluster != "" && cluster = @request.auth.cluster`)

// CaseAggregateRules guard aggregate case figures: a record is read, changed
// and deleted only by who keeps it; everyone else reads the figures in the
// reports, suppressed (docs/reports.md, "Hidden case figures"). A verifier
// reading the province's raw totals could subtract its own regency's from
// them; village officers see none.
var CaseAggregateRules = Rules{
	List:   ptr(caseFigureKeeper),
	View:   ptr(caseFigureKeeper),
	Create: ptr(or(isProvince, isVerifier, isTaskforce)),
	Update: ptr(caseFigureKeeper),
	Delete: ptr(caseFigureKeeper),
}

// RadIndicatorRules: every signed-in user reads the RAD (phones tag
// activities with indicators); only the secretariat edits it.
var RadIndicatorRules = Rules{
	List:   ptr(isSignedIn),
	View:   ptr(isSignedIn),
	Create: ptr(isProvince),
	Update: ptr(isProvince),
	Delete: ptr(isProvince),
}

// RadAchievementRules: achievements per area; a verifier enters its
// regency's, the secretariat any.
var RadAchievementRules = Rules{
	List:   ptr(regencyFigureRead),
	View:   ptr(regencyFigureRead),
	Create: ptr(or(isProvince, isVerifier)),
	Update: ptr(or(isProvince, isVerifier+` && regency = @request.auth.area`)),
	Delete: ptr(or(isProvince, isVerifier+` && regency = @request.auth.area`)),
}

// AreaRules: areas are reference data every signed-in user reads; the
// secretariat may set a regency's local word for village or deactivate an
// area; nobody deletes one.
var AreaRules = Rules{
	List:   ptr(isSignedIn),
	View:   ptr(isSignedIn),
	Create: nil,
	Update: ptr(isProvince),
	Delete: nil,
}

var manageableUser = or(isProvince, isVerifier+` && role = "`+catalog.RoleVillageOfficer+`" && regency = @request.auth.area`)

// UserRules: no public sign-up; the secretariat manages every account, a
// verifier the village officers of its regency; accounts are deactivated,
// never deleted through the API.
var UserRules = Rules{
	List:   ptr(or(`id = @request.auth.id`, manageableUser)),
	View:   ptr(or(`id = @request.auth.id`, manageableUser)),
	Create: ptr(or(isProvince, isVerifier)),
	Update: ptr(or(`id = @request.auth.id`, manageableUser)),
	Delete: nil,
}

// UserManageRule lets account managers set other users' email and password.
var UserManageRule = manageableUser

// UserAuthRule refuses sign-in to deactivated accounts.
const UserAuthRule = `deactivated = false`
