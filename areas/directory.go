package areas

import (
	"sort"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// Area is one row of the areas collection as the server keeps it in memory.
type Area struct {
	Code      string `db:"id"`
	Name      string `db:"name"`
	Level     string `db:"level"`
	Kind      string `db:"kind"`
	Parent    string `db:"parent"`
	Active    bool   `db:"active"`
	LocalTerm string `db:"local_term"`
}

// Directory is an in-memory copy of the areas collection (2,896 rows for
// Lampung, a few hundred KB): every synced record asks for its village,
// every report for its areas. It is read-only once built.
type Directory struct {
	byCode   map[string]*Area
	children map[string][]string
}

const directoryKey = "jangkau.areas.directory"

// Cached returns app's area directory, reading the collection on first use
// and again after any area changes (Register drops it).
func Cached(app core.App) (*Directory, error) {
	if d, ok := app.Store().Get(directoryKey).(*Directory); ok {
		return d, nil
	}
	var rows []Area
	if err := app.DB().Select("id", "name", "level", "kind", "parent", "active", "local_term").From(catalog.Areas).All(&rows); err != nil {
		return nil, err // not cached: the next call retries
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

// Forget drops app's cached directory; the next Cached reads the areas again.
func Forget(app core.App) { app.Store().Remove(directoryKey) }

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
