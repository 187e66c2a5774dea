package records

import (
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
)

// areaInfo is what a write needs to know about an area.
type areaInfo struct {
	Level  string
	Active bool
}

// lookupArea answers from the cached area directory (areas.Cached), or,
// should the areas not be readable at once, from the record itself.
func lookupArea(app core.App, code string) (areaInfo, bool) {
	if d, err := areas.Cached(app); err == nil {
		a, ok := d.Get(code)
		if !ok {
			return areaInfo{}, false
		}
		return areaInfo{Level: a.Level, Active: a.Active}, true
	}
	rec, err := app.FindRecordById(catalog.Areas, code)
	if err != nil {
		return areaInfo{}, false
	}
	return areaInfo{Level: rec.GetString("level"), Active: rec.GetBool("active")}, true
}
