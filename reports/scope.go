package reports

import (
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/areas"
	"jangkau/catalog"
)

// Area is one area as reports read it (the area directory's row).
type Area = areas.Area

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

// Directory is the cached area directory (areas.Cached) with what reports
// add: references that carry the names of a village's district and regency.
type Directory struct{ *areas.Directory }

// Areas returns app's cached area directory.
func Areas(app core.App) (*Directory, error) {
	d, err := areas.Cached(app)
	if err != nil {
		return nil, err
	}
	return &Directory{d}, nil
}

// Ref describes an area for a report.
func (d *Directory) Ref(code string) AreaRef {
	a, ok := d.Get(code)
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

// Errors of scope resolution, in the one error shape (apierr): the field
// is the area parameter (the role, for a role without reports).
var (
	ErrForbidden = apierr.Forbidden("role", CodeForbiddenRole, apierr.Text(
		"Laporan hanya untuk sekretariat provinsi, anggota gugus tugas dan verifikator kabupaten/kota.",
		"Reports are for the province secretariat, task-force members and district verifiers."))
	ErrOutOfScope  = apierr.Forbidden("area", CodeNotYourArea, "Wilayah ini di luar wilayah Anda. / This area is outside your area.")
	ErrUnknownArea = apierr.BadRequest("area", CodeUnknownArea, "Kode wilayah tidak dikenal. / Unknown area code.")
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
