package devices

import (
	"math"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
)

// Device states as the fleet view shows them.
const (
	StateActive     = "active"     // enrolled and not revoked
	StateRevoked    = "revoked"    // refused on every path
	StateUnenrolled = "unenrolled" // seen by sync with a user token, never enrolled
)

// Filter narrows the fleet list. Zero values mean "no filter".
type Filter struct {
	StaleDays int    // not revoked, and no sync (pull or push) for at least this many days
	State     string // StateActive, StateRevoked or StateUnenrolled
	User      string
	Regency   string
	Page      int
	PerPage   int
}

// FleetPage is one page of the fleet list.
type FleetPage struct {
	Page       int              `json:"page"`
	PerPage    int              `json:"perPage"`
	TotalItems int              `json:"totalItems"`
	TotalPages int              `json:"totalPages"`
	Items      []map[string]any `json:"items"`
}

// MaxPerPage caps one page of the fleet list.
const MaxPerPage = 500

// lastSyncSQL is the last contact that counts as a sync: the later of the
// last pull and push; a device that never synced counts from its
// enrollment (or from when sync first saw it).
const lastSyncSQL = "COALESCE(NULLIF(MAX([[last_pull]], [[last_push]]), ''), NULLIF([[enrolled_at]], ''), [[created]])"

// ParseFilter reads the fleet filter from query values, refusing bad ones
// with a field error.
func ParseFilter(get func(string) string) (Filter, error) {
	f := Filter{State: get("state"), User: get("user"), Regency: get("regency"), Page: 1, PerPage: 50}
	if s := get("stale"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 3650 {
			return f, fieldErr("stale", CodeInvalidValue, "Parameter stale harus bilangan hari 1-3650. / The stale parameter must be a number of days, 1-3650.")
		}
		f.StaleDays = n
	}
	switch f.State {
	case "", StateActive, StateRevoked, StateUnenrolled:
	default:
		return f, fieldErr("state", CodeInvalidValue, "Parameter state harus active, revoked atau unenrolled. / The state parameter must be active, revoked or unenrolled.")
	}
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &f.Page, math.MaxInt32}, {"perPage", &f.PerPage, MaxPerPage}} {
		if s := get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return f, fieldErr(p.name, CodeInvalidValue, "Parameter "+p.name+" harus bilangan bulat positif. / The "+p.name+" parameter must be a positive whole number.")
			}
			*p.dst = min(n, p.max)
		}
	}
	return f, nil
}

// scopeExpr limits the fleet to what the actor may see: everything for the
// province and superusers; for a verifier, the devices of its regency's
// village officers (those it can enroll and revoke) and its own; for
// anyone else, their own devices.
func scopeExpr(a access.Actor) dbx.Expression { return fleetScope(a) }

// List returns the devices in the actor's scope that pass the filter,
// those with the oldest last sync first (the ones to chase).
func List(app core.App, a access.Actor, f Filter) (*FleetPage, error) {
	var conds []dbx.Expression
	if s := scopeExpr(a); s != nil {
		conds = append(conds, s)
	}
	if f.User != "" {
		conds = append(conds, dbx.HashExp{"user": f.User})
	}
	if f.Regency != "" {
		conds = append(conds, dbx.NewExp("[[user]] IN (SELECT [[id]] FROM [[users]] WHERE [[regency]] = {:regency})", dbx.Params{"regency": f.Regency}))
	}
	switch f.State {
	case StateActive:
		conds = append(conds, dbx.NewExp("[[enrolled]] = TRUE AND [[revoked_at]] = ''"))
	case StateRevoked:
		conds = append(conds, dbx.NewExp("[[revoked_at]] != ''"))
	case StateUnenrolled:
		conds = append(conds, dbx.NewExp("[[enrolled]] = FALSE AND [[revoked_at]] = ''"))
	}
	now := Now(app)
	if f.StaleDays > 0 {
		threshold, _ := types.ParseDateTime(now.Add(-time.Duration(f.StaleDays) * 24 * time.Hour))
		conds = append(conds, dbx.NewExp("[[revoked_at]] = '' AND "+lastSyncSQL+" < {:threshold}", dbx.Params{"threshold": threshold.String()}))
	}
	where := dbx.And(conds...)

	var total int
	if err := app.DB().Select("COUNT(*)").From(catalog.Devices).Where(where).Row(&total); err != nil {
		return nil, err
	}
	var recs []*core.Record
	err := app.RecordQuery(catalog.Devices).Where(where).
		OrderBy(lastSyncSQL+" ASC", "[[id]] ASC").
		Limit(int64(f.PerPage)).Offset(int64((f.Page - 1) * f.PerPage)).
		All(&recs)
	if err != nil {
		return nil, err
	}
	page := &FleetPage{Page: f.Page, PerPage: f.PerPage, TotalItems: total, TotalPages: (total + f.PerPage - 1) / f.PerPage, Items: []map[string]any{}}

	users := map[string]*core.Record{}
	var userIDs []string
	for _, r := range recs {
		if _, ok := users[r.GetString("user")]; !ok {
			users[r.GetString("user")] = nil
			userIDs = append(userIDs, r.GetString("user"))
		}
	}
	if len(userIDs) > 0 {
		found, err := app.FindRecordsByIds(catalog.Users, userIDs)
		if err != nil {
			return nil, err
		}
		for _, u := range found {
			users[u.Id] = u
		}
	}
	names := map[string]string{}
	var codes []string
	for _, u := range users {
		if u == nil {
			continue
		}
		area := u.GetString("area")
		for _, c := range []string{area, areas.DistrictOf(area), areas.RegencyOf(area)} {
			if _, ok := names[c]; c != "" && !ok {
				names[c] = ""
				codes = append(codes, c)
			}
		}
	}
	if len(codes) > 0 {
		found, err := app.FindRecordsByIds(catalog.Areas, codes)
		if err != nil {
			return nil, err
		}
		for _, r := range found {
			names[r.Id] = r.GetString("name")
		}
	}
	for _, r := range recs {
		item := JSON(r)
		if u := users[r.GetString("user")]; u != nil {
			area := u.GetString("area")
			item["userName"] = u.GetString("name")
			item["userEmail"] = u.Email()
			item["userRole"] = u.GetString("role")
			item["area"] = area
			item["areaName"] = names[area]
			item["district"] = areas.DistrictOf(area)
			item["districtName"] = names[areas.DistrictOf(area)]
			item["regency"] = areas.RegencyOf(area)
			item["regencyName"] = names[areas.RegencyOf(area)]
		}
		item["daysSinceSync"] = nil
		if last := lastSync(r); !last.IsZero() {
			item["daysSinceSync"] = int(now.Sub(last.Time()).Hours() / 24)
		}
		page.Items = append(page.Items, item)
	}
	return page, nil
}

func lastSync(dev *core.Record) types.DateTime {
	pull, push := dev.GetDateTime("last_pull"), dev.GetDateTime("last_push")
	if push.After(pull) {
		return push
	}
	return pull
}

// State is the fleet state of a device record.
func State(dev *core.Record) string {
	switch {
	case !dev.GetDateTime("revoked_at").IsZero():
		return StateRevoked
	case dev.GetBool("enrolled"):
		return StateActive
	}
	return StateUnenrolled
}

// JSON is the public view of a device record, as activation, refresh,
// revocation and the fleet list return it. Credentials never appear.
func JSON(dev *core.Record) map[string]any {
	date := func(f string) string { return dev.GetDateTime(f).String() }
	revokedBy := dev.GetString("revoked_by")
	if revokedBy == "" && dev.GetString("revoked_by_superuser") != "" {
		revokedBy = "superuser"
	}
	return map[string]any{
		"id":               dev.Id,
		"user":             dev.GetString("user"),
		"name":             dev.GetString("name"),
		"platform":         dev.GetString("platform"),
		"appVersion":       dev.GetString("app_version"),
		"clientId":         dev.GetString("client_id"),
		"state":            State(dev),
		"enrolled":         dev.GetBool("enrolled"),
		"enrolledAt":       date("enrolled_at"),
		"lastSeen":         date("last_seen"),
		"lastPull":         date("last_pull"),
		"lastPush":         date("last_push"),
		"lastSync":         lastSync(dev).String(),
		"queueLength":      dev.GetInt("queue_length"),
		"refreshExpiresAt": date("refresh_expires"),
		"revokedAt":        date("revoked_at"),
		"revokedReason":    dev.GetString("revoked_reason"),
		"revokedBy":        revokedBy,
		"wipe":             dev.GetBool("wipe"),
		"wipedAt":          date("wiped_at"),
	}
}
