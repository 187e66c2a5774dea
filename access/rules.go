// Package access decides who may read and write what, by role and area.
// The policy is one table (policy.go); the collections' API rules, the
// first gate on every PocketBase path (REST, batch, realtime, files), are
// generated from it here, and the Go checks of writes (check.go) and the
// scopes of custom routes (sync, reports, accounts, devices) read the same
// table.
package access

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"jangkau/catalog"
)

// Rules is one collection's set of API rules; nil means superusers only.
type Rules struct {
	List, View, Create, Update, Delete *string
}

// Of returns the rule for op.
func (r Rules) Of(op Op) *string {
	switch op {
	case List:
		return r.List
	case View:
		return r.View
	case Create:
		return r.Create
	case Update:
		return r.Update
	case Delete:
		return r.Delete
	}
	return nil
}

const isSignedIn = `@request.auth.collectionName = "` + catalog.Users + `"`

func isRole(role string) string { return `@request.auth.role = "` + role + `"` }

func ptr(s string) *string { return &s }

// RulesOf generates the API rules of collection from the policy table.
// It panics on a grant a rule cannot express (a programming error that
// every test run would show).
func RulesOf(collection string) Rules {
	var r Rules
	for _, op := range Ops {
		rule := ruleOf(collection, op)
		switch op {
		case List:
			r.List = rule
		case View:
			r.View = rule
		case Create:
			r.Create = rule
		case Update:
			r.Update = rule
		case Delete:
			r.Delete = rule
		}
	}
	return r
}

// ManageRuleOfUsers generates the users collection's manage rule: a
// manager may set another account's email and password without the old
// one. Never one's own account: a stolen session must not lock its owner out.
func ManageRuleOfUsers() *string {
	var parts []string
	for _, row := range Table {
		for _, t := range row.Collections[catalog.Users].Update {
			if t.Reach == Managed {
				parts = append(parts, roleClause(row.Role, []string{termRule(catalog.Users, row, t, Update)}))
			}
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return ptr(`id != @request.auth.id && (` + or(parts) + `)`)
}

// UserAuthRule refuses sign-in to deactivated accounts.
const UserAuthRule = `deactivated = false`

// ruleOf builds one rule: for each role with a grant, the role test and
// the alternatives of its terms. An alternative every role has (own
// account, or no condition at all) is said once, without the role test.
func ruleOf(collection string, op Op) *string {
	type roleAlts struct {
		role string
		alts []string
	}
	var rows []roleAlts
	for _, row := range Table {
		g := row.Collections[collection].Of(op)
		if len(g) == 0 {
			continue
		}
		var alts []string
		for _, t := range g {
			if c := termRule(collection, row, t, op); !slices.Contains(alts, c) {
				alts = append(alts, c)
			}
		}
		rows = append(rows, roleAlts{row.Role, alts})
	}
	if len(rows) == 0 {
		return nil
	}
	var shared []string
	if len(rows) == len(catalog.Roles) {
		for _, c := range rows[0].alts {
			all := true
			for _, r := range rows[1:] {
				all = all && slices.Contains(r.alts, c)
			}
			if all {
				shared = append(shared, c)
			}
		}
	}
	if slices.Contains(shared, "") {
		return ptr(isSignedIn)
	}
	parts := append([]string(nil), shared...)
	for _, r := range rows {
		var alts []string
		for _, c := range r.alts {
			if !slices.Contains(shared, c) {
				alts = append(alts, c)
			}
		}
		if len(alts) > 0 {
			parts = append(parts, roleClause(r.role, alts))
		}
	}
	return ptr(or(parts))
}

// roleClause is the role test and any one of alts ("" = no condition).
func roleClause(role string, alts []string) string {
	if slices.Contains(alts, "") {
		return isRole(role)
	}
	if len(alts) == 1 {
		return isRole(role) + " && " + alts[0]
	}
	return isRole(role) + " && (" + or(alts) + ")"
}

// or joins alternatives, each in parentheses when there are several.
func or(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, ") || (") + ")"
}

// termRule is a term's conditions as a rule expression ("" = none). A
// create rule names the role only: its record's derived fields (regency)
// are not set yet when PocketBase checks it, so the Go check (CheckWrite)
// places the new record.
func termRule(collection string, row Row, t Term, op Op) string {
	if op == Create {
		return ""
	}
	p := Placements[collection]
	level := catalog.RoleAreaLevel[row.Role]
	var conds []string
	switch t.Reach {
	case Anything:
	case InArea:
		conds = appendNonEmpty(conds, areaRule(collection, p, level))
	case InAreaOrAbove:
		if level != catalog.LevelProvince {
			above := p.Area + `.level = "` + catalog.LevelProvince + `"`
			if level == catalog.LevelVillage {
				above = p.Area + ` = @request.auth.regency || ` + above
			}
			conds = append(conds, "("+areaRule(collection, p, level)+" || "+above+")")
		}
	case Own:
		need(collection, p.Owner, "an owner field")
		conds = append(conds, p.Owner+` = @request.auth.id`)
	case Managed:
		need(collection, p.Role, "a role field")
		if !coversAll(row.Manages) {
			var roles []string
			for _, r := range row.Manages {
				roles = append(roles, p.Role+` = "`+r+`"`)
			}
			conds = append(conds, paren(roles))
		}
		conds = appendNonEmpty(conds, areaRule(collection, p, level))
	default:
		panic(fmt.Sprintf("access: %s: unknown reach %d", collection, t.Reach))
	}
	if t.OwnCluster {
		need(collection, p.Cluster, "a cluster field")
		conds = append(conds, `@request.auth.cluster != "" && `+p.Cluster+` = @request.auth.cluster`)
	}
	if len(t.Levels) > 0 {
		need(collection, p.Level, "a level field")
		var levels []string
		for _, l := range t.Levels {
			levels = append(levels, p.Level+` = "`+l+`"`)
		}
		conds = append(conds, paren(levels))
	}
	if len(t.States) > 0 {
		need(collection, p.Status, "a status field")
		var states []string
		for _, s := range t.States {
			states = append(states, p.Status+` = "`+s+`"`)
		}
		conds = append(conds, paren(states))
	}
	return strings.Join(conds, " && ")
}

// areaRule is "within the actor's area" at the role's level.
func areaRule(collection string, p Placement, level string) string {
	switch level {
	case catalog.LevelProvince:
		return ""
	case catalog.LevelRegency:
		need(collection, p.Regency, "a regency field")
		return p.Regency + ` = @request.auth.area`
	case catalog.LevelVillage:
		need(collection, p.Area, "an area field")
		return p.Area + ` = @request.auth.area`
	}
	panic(fmt.Sprintf("access: %s: no area rule for level %q", collection, level))
}

func need(collection, field, what string) {
	if field == "" {
		panic(fmt.Sprintf("access: %s has no %s for its grants (Placements)", collection, what))
	}
}

func appendNonEmpty(s []string, v string) []string {
	if v == "" {
		return s
	}
	return append(s, v)
}

func paren(alts []string) string {
	if len(alts) == 1 {
		return alts[0]
	}
	return "(" + strings.Join(alts, " || ") + ")"
}

// coversAll reports whether roles lists every role of catalog.Roles.
func coversAll(roles []string) bool {
	for _, r := range catalog.Roles {
		if !slices.Contains(roles, r) {
			return false
		}
	}
	return true
}

// Collections lists the collections the policy places, sorted.
func Collections() []string {
	out := make([]string, 0, len(Placements))
	for c := range Placements {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// The rules by the names the migrations written before the policy table
// use; migration 1764800000_policy_rules stores the table's rules again.

// VillageRecordRules guard activities and outreach logs.
var VillageRecordRules = RulesOf(catalog.Activities)

// VillageProgramRules guard village programme status.
var VillageProgramRules = RulesOf(catalog.VillagePrograms)

// CaseAggregateRules guard aggregate case figures.
var CaseAggregateRules = RulesOf(catalog.CaseAggregates)

// RadIndicatorRules guard the RAD indicators.
var RadIndicatorRules = RulesOf(catalog.RadIndicators)

// RadAchievementRules guard RAD achievements.
var RadAchievementRules = RulesOf(catalog.RadAchievements)

// AreaRules guard the areas.
var AreaRules = RulesOf(catalog.Areas)

// UserRules guard the accounts.
var UserRules = RulesOf(catalog.Users)

// UserManageRule lets account managers set other users' email and password.
var UserManageRule = *ManageRuleOfUsers()
