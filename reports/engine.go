package reports

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
)

// StatQuery asks for the facts of one collection in an area and period,
// broken down by the area's children (or for the area itself).
type StatQuery struct {
	Collection string
	Area       *Area // the area asked about
	Self       bool  // one row for Area itself instead of a row per child
	Period     Period
	Statuses   []string
	Dims       []string
	ByMonth    bool // keep months apart (YM set on rows)
}

// StatRow is one summed fact.
type StatRow struct {
	Area   string `db:"area"`
	YM     int    `db:"ym"`
	Status string `db:"status"`
	Dim    string `db:"dim"`
	Key    string `db:"key"`
	Measures
}

// Engine answers stat queries. Precomputed reads the stats tables (and
// counts single villages from their records); Raw computes the same answer
// with a naive GROUP BY over the records, for checking and for the
// benchmark.
type Engine interface {
	Stats(q StatQuery) ([]StatRow, error)
	// Reached returns the villages under area with at least one record of
	// collection in the period and statuses.
	Reached(collection string, area *Area, p Period, statuses []string) (map[string]bool, error)
}

// Engine names.
const (
	EnginePrecomputed = "precomputed"
	EngineRaw         = "raw"
)

// NewEngine returns the named engine on app.
func NewEngine(app core.App, name string) Engine {
	if name == EngineRaw {
		return rawEngine{app}
	}
	return precomputed{app}
}

func inList(col string, values []string, params dbx.Params, prefix string) string {
	names := make([]string, len(values))
	for i, v := range values {
		k := fmt.Sprintf("%s%d", prefix, i)
		params[k] = v
		names[i] = "{:" + k + "}"
	}
	return col + " IN (" + strings.Join(names, ",") + ")"
}

// childOf maps a record's area (a village, or an activity's area at any
// level) to the row it is counted under in q: the child area containing
// it, or q's area itself for a record of q's own level (its self row).
func (q StatQuery) childOf(area string) string {
	if q.Self {
		return q.Area.Code
	}
	child := area
	switch ChildLevel(q.Area.Level) {
	case catalog.LevelRegency:
		child = areas.RegencyOf(area)
	case catalog.LevelDistrict:
		child = areas.DistrictOf(area)
	}
	if child == "" {
		return q.Area.Code
	}
	return child
}

type precomputed struct{ app core.App }

// fromRecords tells whether q is answered from the records rather than the
// stats tables: the figures of single villages (a district's villages, or
// one village) are not kept per dimension.
func (q StatQuery) fromRecords() bool {
	if q.Area.Level == catalog.LevelVillage {
		return true
	}
	return q.Area.Level == catalog.LevelDistrict && !q.Self
}

func (e precomputed) Stats(q StatQuery) ([]StatRow, error) {
	if len(q.Dims) == 0 || len(q.Statuses) == 0 {
		return nil, nil
	}
	if q.fromRecords() {
		rows, err := e.records(q, q.Period.From, q.Period.To)
		if err != nil {
			return nil, err
		}
		return mergeRows(rows), nil
	}
	first, last, ok, edges := q.Period.split()
	var out []StatRow
	if ok {
		rows, err := e.table(q, first, last, false)
		if err != nil {
			return nil, err
		}
		out = rows
	}
	// regency rows have days too: in province views (and a regency's own
	// figures) the partial months are read from them
	regencyRows := q.Area.Level == catalog.LevelProvince || (q.Self && q.Area.Level == catalog.LevelRegency)
	for _, edge := range edges {
		var rows []StatRow
		var err error
		if regencyRows {
			rows, err = e.table(q, ymd(edge[0]), ymd(edge[1].AddDate(0, 0, -1)), true)
		} else {
			rows, err = e.records(q, edge[0], edge[1])
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return mergeRows(out), nil
}

// table sums the stats rows of q from month (or day) first to last.
func (e precomputed) table(q StatQuery, first, last int, days bool) ([]StatRow, error) {
	params := dbx.Params{"a": first, "b": last}
	// the rows of the area's children; Self reads the area's own row under its parent
	parent, only := q.Area.Code, ""
	if q.Self && q.Area.Level != catalog.LevelProvince {
		parent, only = q.Area.Parent, q.Area.Code
	}
	params["p"] = parent
	where := `parent = {:p} AND ` + inList("status", q.Statuses, params, "s") + ` AND ` + inList("dim", q.Dims, params, "d") + ` AND ym >= {:a} AND ym <= {:b}`
	if only != "" {
		where += ` AND area = {:only}`
		params["only"] = only
	}
	group, ymCol := "area, status, dim, key", "0 AS ym"
	if q.ByMonth {
		group, ymCol = "area, ym, status, dim, key", "ym"
		if days {
			group, ymCol = "area, ym / 100, status, dim, key", "ym / 100 AS ym"
		}
	}
	var rows []StatRow
	err := e.app.DB().NewQuery(`SELECT area, ` + ymCol + `, status, dim, key, SUM(n) AS n, SUM(mc) AS mc, SUM(fc) AS fc, SUM(ma) AS ma,
		SUM(fa) AS fa, SUM(dis) AS dis, SUM(budget) AS budget FROM ` + StatsTable[q.Collection] + ` WHERE ` + where + ` GROUP BY ` + group).Bind(params).All(&rows)
	if err != nil {
		return nil, err
	}
	if q.Self {
		for i := range rows {
			rows[i].Area = q.Area.Code
		}
	}
	return rows, nil
}

// records counts the records of q's area between from and to (partial
// months, single villages) through the same Contribute as the stats tables.
func (e precomputed) records(q StatQuery, from, to time.Time) ([]StatRow, error) {
	params := dbx.Params{"f": storedTime(from), "t": storedTime(to)}
	col := dateColumn[q.Collection]
	scope := scopeWhere(q.Area, params)
	if q.Area.Level == catalog.LevelDistrict {
		// through the (village, date) index rather than a scan of the period
		if d, err := Areas(e.app); err == nil && len(d.Children(q.Area.Code)) > 0 {
			// and the district's own activities (no village), by the district
			scope = "(" + inList("village", d.Children(q.Area.Code), params, "v") + " OR (village = '' AND district = {:scope}))"
		}
	}
	where := col + ` >= {:f} AND ` + col + ` < {:t} AND ` + inList("status", q.Statuses, params, "s") + ` AND ` + scope
	rows, err := e.app.DB().NewQuery(`SELECT ` + rowColumns[q.Collection] + ` FROM ` + q.Collection + ` WHERE ` + where).Bind(params).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	dims := map[string]bool{}
	for _, d := range q.Dims {
		dims[d] = true
	}
	acc := map[[5]string]*StatRow{}
	for rows.Next() {
		var r Row
		if err := rows.ScanStruct(&r); err != nil {
			return nil, err
		}
		c := Contribute(q.Collection, r)
		if c.YM == 0 {
			continue
		}
		area := q.childOf(r.Area)
		m := 0
		if q.ByMonth {
			m = c.YM
		}
		for _, f := range c.Facts {
			if !dims[f.Dim] {
				continue
			}
			k := [5]string{area, strconv.Itoa(m), c.Status, f.Dim, f.Key}
			s, ok := acc[k]
			if !ok {
				s = &StatRow{Area: area, YM: m, Status: c.Status, Dim: f.Dim, Key: f.Key}
				acc[k] = s
			}
			s.Measures.Add(f.M)
		}
	}
	out := make([]StatRow, 0, len(acc))
	for _, s := range acc {
		out = append(out, *s)
	}
	return out, rows.Err()
}

// scopeWhere limits records to an area by their derived columns.
func scopeWhere(a *Area, params dbx.Params) string {
	params["scope"] = a.Code
	switch a.Level {
	case catalog.LevelProvince:
		// (the province's own activities have no regency: one province a server)
		params["scope"] = a.Code + ".%"
		return "(regency LIKE {:scope} OR regency = '')"
	case catalog.LevelRegency:
		return "regency = {:scope}"
	case catalog.LevelDistrict:
		return "district = {:scope}"
	}
	return "village = {:scope}"
}

// mergeRows sums rows with the same area, month, status, dimension and key,
// and orders them.
func mergeRows(rows []StatRow) []StatRow {
	idx := map[[5]string]int{}
	var out []StatRow
	for _, r := range rows {
		k := [5]string{r.Area, fmt.Sprint(r.YM), r.Status, r.Dim, r.Key}
		if i, ok := idx[k]; ok {
			out[i].Measures.Add(r.Measures)
			continue
		}
		idx[k] = len(out)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Area != b.Area {
			return a.Area < b.Area
		}
		if a.YM != b.YM {
			return a.YM < b.YM
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		if a.Dim != b.Dim {
			return a.Dim < b.Dim
		}
		return a.Key < b.Key
	})
	return out
}

func (e precomputed) Reached(collection string, area *Area, p Period, statuses []string) (map[string]bool, error) {
	out := map[string]bool{}
	first, last, ok, edges := p.split()
	if ok {
		params := dbx.Params{"a": first, "b": last}
		where := `dim = 'all' AND length(area) = 13 AND ym >= {:a} AND ym <= {:b} AND ` + inList("status", statuses, params, "s")
		where += ` AND substr(area, 1, {:len}) = {:code}`
		params["len"], params["code"] = len(area.Code), area.Code
		var villages []string
		if err := e.app.DB().NewQuery(`SELECT DISTINCT area FROM ` + StatsTable[collection] + ` WHERE ` + where).Bind(params).Column(&villages); err != nil {
			return nil, err
		}
		for _, v := range villages {
			out[v] = true
		}
	}
	// the partial months at the ends are read from the records
	for _, edge := range edges {
		villages, err := rawEngine(e).Reached(collection, area, Period{From: edge[0], To: edge[1]}, statuses)
		if err != nil {
			return nil, err
		}
		for v := range villages {
			out[v] = true
		}
	}
	return out, nil
}

// memo answers repeated queries of one request once (the annual report asks
// several reports for the same counts), also when asked concurrently.
type memo struct {
	inner Engine
	mu    gosync.Mutex
	calls map[string]*memoCall
}

type memoCall struct {
	once    gosync.Once
	rows    []StatRow
	reached map[string]bool
	err     error
}

// Memoize wraps an engine for the life of one request.
func Memoize(e Engine) Engine {
	if _, ok := e.(*memo); ok {
		return e
	}
	return &memo{inner: e, calls: map[string]*memoCall{}}
}

func (m *memo) call(key string) *memoCall {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.calls[key]
	if !ok {
		c = &memoCall{}
		m.calls[key] = c
	}
	return c
}

func (m *memo) Stats(q StatQuery) ([]StatRow, error) {
	key := fmt.Sprintf("stats|%s|%s|%v|%d|%d|%v|%v|%v", q.Collection, q.Area.Code, q.Self, q.Period.From.Unix(), q.Period.To.Unix(), q.Statuses, q.Dims, q.ByMonth)
	c := m.call(key)
	c.once.Do(func() { c.rows, c.err = m.inner.Stats(q) })
	return c.rows, c.err
}

func (m *memo) Reached(collection string, area *Area, p Period, statuses []string) (map[string]bool, error) {
	key := fmt.Sprintf("reached|%s|%s|%d|%d|%v", collection, area.Code, p.From.Unix(), p.To.Unix(), statuses)
	c := m.call(key)
	c.once.Do(func() { c.reached, c.err = m.inner.Reached(collection, area, p, statuses) })
	return c.reached, c.err
}
