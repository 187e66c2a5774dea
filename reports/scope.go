package reports

import (
	"errors"
	"sort"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
)

// Area is one area as reports show it.
type Area struct {
	Code      string `db:"id"`
	Name      string `db:"name"`
	Level     string `db:"level"`
	Kind      string `db:"kind"`
	Parent    string `db:"parent"`
	Active    bool   `db:"active"`
	LocalTerm string `db:"local_term"`
}

// AreaRef is an area in a report: a village carries the names of its
// district and regency, since village names repeat.
type AreaRef struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	Kind     string `json:"kind,omitempty"`
	District string `json:"district,omitempty"`
	Regency  string `json:"regency,omitempty"`
	Active   bool   `json:"active"`
}

// Directory is an in-memory copy of the areas table (2,896 rows for Lampung).
type Directory struct {
	byCode   map[string]*Area
	children map[string][]string
}

const directoryKey = "jangkau.reportAreas"

// Areas returns the cached area directory of app.
func Areas(app core.App) (*Directory, error) {
	if d, ok := app.Store().Get(directoryKey).(*Directory); ok {
		return d, nil
	}
	var rows []Area
	if err := app.DB().Select("id", "name", "level", "kind", "parent", "active", "local_term").From(catalog.Areas).All(&rows); err != nil {
		return nil, err
	}
	d := &Directory{byCode: make(map[string]*Area, len(rows)), children: map[string][]string{}}
	for i := range rows {
		a := &rows[i]
		d.byCode[a.Code] = a
		d.children[a.Parent] = append(d.children[a.Parent], a.Code)
	}
	for _, c := range d.children {
		sort.Strings(c)
	}
	app.Store().Set(directoryKey, d)
	return d, nil
}

// ForgetAreas drops the cached directory after an area changes.
func ForgetAreas(app core.App) { app.Store().Remove(directoryKey) }

// Get returns an area by code.
func (d *Directory) Get(code string) (*Area, bool) {
	a, ok := d.byCode[code]
	return a, ok
}

// Name returns an area's name ("" when unknown).
func (d *Directory) Name(code string) string {
	if a, ok := d.byCode[code]; ok {
		return a.Name
	}
	return ""
}

// Children lists the codes directly under code, sorted.
func (d *Directory) Children(code string) []string { return d.children[code] }

// Villages lists the village codes under code (code itself for a village).
func (d *Directory) Villages(code string) []string {
	a, ok := d.byCode[code]
	if !ok {
		return nil
	}
	if a.Level == catalog.LevelVillage {
		return []string{code}
	}
	var out []string
	for _, c := range d.children[code] {
		out = append(out, d.Villages(c)...)
	}
	return out
}

// Provinces lists the province codes.
func (d *Directory) Provinces() []string { return d.children[""] }

// Ref describes an area for a report.
func (d *Directory) Ref(code string) AreaRef {
	a, ok := d.byCode[code]
	if !ok {
		return AreaRef{Code: code, Level: areas.LevelOf(code)}
	}
	r := AreaRef{Code: a.Code, Name: a.Name, Level: a.Level, Kind: a.Kind, Active: a.Active}
	if a.Level == catalog.LevelVillage {
		r.District = d.Name(areas.DistrictOf(code))
		r.Regency = d.Name(areas.RegencyOf(code))
	}
	return r
}

// Breadcrumb lists the area's ancestors and the area, from the top.
func (d *Directory) Breadcrumb(code string) []AreaRef {
	var out []AreaRef
	for c := code; c != ""; c = areas.ParentOf(c) {
		out = append([]AreaRef{d.Ref(c)}, out...)
	}
	return out
}

// Errors of scope resolution; the HTTP layer maps them to 403 and 404. Their
// texts are bilingual sentences for people (staticcheck's ST1005 does not
// apply).
var (
	//lint:ignore ST1005 bilingual sentence for people
	ErrForbidden = errors.New("Laporan hanya untuk sekretariat provinsi, anggota gugus tugas dan verifikator kabupaten/kota. / Reports are for the province secretariat, task-force members and district verifiers.")
	//lint:ignore ST1005 bilingual sentence for people
	ErrOutOfScope = errors.New("Wilayah ini di luar wilayah Anda. / This area is outside your area.")
	//lint:ignore ST1005 bilingual sentence for people
	ErrUnknownArea = errors.New("Kode wilayah tidak dikenal. / Unknown area code.")
)

// RootOf returns the area the actor's reports cover: its own area for the
// roles the policy table gives reports (access.ReportArea: the province
// for the secretariat and task-force members, the regency for a district
// verifier), the province for superusers. Village officers have no reports.
func RootOf(d *Directory, a access.Actor) (string, error) {
	area, ok := access.ReportArea(a)
	switch {
	case !ok:
		return "", ErrForbidden
	case a.Superuser:
		if p := d.Provinces(); len(p) == 1 {
			return p[0], nil
		}
		if _, ok := d.Get(areas.LampungCode); ok {
			return areas.LampungCode, nil
		}
		return "", ErrUnknownArea
	}
	if _, ok := d.Get(area); !ok {
		return "", ErrUnknownArea
	}
	return area, nil
}

// Resolve checks that the actor may see the requested area ("" = its root)
// and returns it.
func Resolve(d *Directory, a access.Actor, requested string) (*Area, error) {
	root, err := RootOf(d, a)
	if err != nil {
		return nil, err
	}
	if requested == "" {
		requested = root
	}
	area, ok := d.Get(requested)
	if !ok {
		return nil, ErrUnknownArea
	}
	if !areas.Contains(root, requested) && !a.Superuser {
		return nil, ErrOutOfScope
	}
	return area, nil
}

// ChildLevel is the level of the rows a report of an area at level shows
// (a village shows itself).
func ChildLevel(level string) string {
	for i, l := range catalog.AreaLevels {
		if l == level && i+1 < len(catalog.AreaLevels) {
			return catalog.AreaLevels[i+1]
		}
	}
	return level
}
