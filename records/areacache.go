package records

import (
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// areaInfo is what a write needs to know about an area.
type areaInfo struct {
	Level  string `db:"level"`
	Active bool   `db:"active"`
}

const areaCacheKey = "jangkau.areaCache"

// lookupArea answers from an in-memory copy of the areas table: every
// synced record asks for its village, and 2,896 rows fit in a few hundred KB.
func lookupArea(app core.App, code string) (areaInfo, bool) {
	cache, _ := app.Store().GetOrSet(areaCacheKey, func() any {
		var rows []struct {
			ID string `db:"id"`
			areaInfo
		}
		if err := app.DB().Select("id", "level", "active").From(catalog.Areas).All(&rows); err != nil {
			return map[string]areaInfo(nil) // not cached: the next call retries
		}
		m := make(map[string]areaInfo, len(rows))
		for _, r := range rows {
			m[r.ID] = r.areaInfo
		}
		return m
	}).(map[string]areaInfo)
	if cache == nil {
		app.Store().Remove(areaCacheKey)
		rec, err := app.FindRecordById(catalog.Areas, code)
		if err != nil {
			return areaInfo{}, false
		}
		return areaInfo{Level: rec.GetString("level"), Active: rec.GetBool("active")}, true
	}
	info, ok := cache[code]
	return info, ok
}

// ForgetAreas drops the cached areas after an area changes.
func ForgetAreas(app core.App) { app.Store().Remove(areaCacheKey) }
