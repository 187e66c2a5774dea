package sync

import (
	"github.com/pocketbase/dbx"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
)

// Scope is the part of the feed one caller may read: the whole of the
// caller's area, by the level its role works at (access.FeedLevel, from
// the policy table's list grants of the synced collections).
//
// Of the areas, a village's phone gets only those it names a place with:
// its village, district, regency and the province (4 rows rather than its
// regency's ~280: a village officer sees its own village only, and its
// first pull is a third of the size). Area feed rows are keyed so
// (scopeOfRecord): a village or a district by its own code in the village
// column, a regency by its code in the regency column; a regency's reader
// gets them all.
type Scope struct {
	All     bool   // a province-level role, or a superuser
	Village string // a village-level role
	Regency string // a regency-level role, or a village's regency (for reference data)
}

// ScopeOf returns the caller's scope; ok is false for callers who may not sync.
func ScopeOf(a access.Actor) (s Scope, ok bool) {
	level, area, ok := access.FeedLevel(a, Collections)
	if !ok {
		return Scope{}, false
	}
	switch level {
	case catalog.LevelProvince:
		return Scope{All: true}, true
	case catalog.LevelRegency:
		return Scope{Regency: area}, true
	case catalog.LevelVillage:
		return Scope{Village: area, Regency: areas.RegencyOf(area)}, true
	}
	return Scope{}, false
}

// Key names the scope; RxDB checkpoints carry it so a changed scope is noticed.
func (s Scope) Key() string {
	switch {
	case s.All:
		return "province"
	case s.Village != "":
		return "village:" + s.Village
	default:
		return "regency:" + s.Regency
	}
}

// Covers reports whether a feed row of collection with these scope columns
// is in the scope.
func (s Scope) Covers(collection, village, regency string) bool {
	switch {
	case s.All:
		return true
	case s.Village != "":
		return village == s.Village || (village == "" && (regency == "" || regency == s.Regency)) ||
			(collection == catalog.Areas && village == areas.DistrictOf(s.Village) && regency == s.Regency)
	default:
		return regency == "" || regency == s.Regency
	}
}

// where is the feed filter of the scope as one expression: its ranges
// (feedscan.go) joined, so the two never differ.
func (s Scope) where() dbx.Expression {
	var exps []dbx.Expression
	for _, f := range s.ranges() {
		exps = append(exps, f.exp())
	}
	return dbx.Or(exps...)
}
