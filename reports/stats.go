package reports

import (
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/txbatch"
)

// StatsTable is the precomputed aggregate table of each counted collection:
// one row per (area, month, status, dimension, key) for every district and
// regency, and per (village, month, status) for the dimension "all" (which
// villages were reached, and how much). Regencies also have one row per day
// (ym holds YYYYMMDD), so that the partial months at the ends of a custom
// period are read, not recounted, in province views. Figures of single
// villages are counted from the records when asked: a district holds a few
// hundred records a year. The key leads with the parent area, the status
// and the dimension, so that one drill-down step over a run of months (or
// days) is a handful of index ranges.
var StatsTable = map[string]string{
	catalog.Activities:   "report_stats_activities",
	catalog.OutreachLogs: "report_stats_outreach",
}

// Counted lists the collections with stats tables.
var Counted = []string{catalog.Activities, catalog.OutreachLogs}

// The stats tables are made by migrations/1764600000_report_stats.go; what
// they hold is derived here (KeepStats, Rebuild, RebuildIfMissing).

type statKey struct {
	parent, area string
	ym           int
	status       string
	dim, key     string
}

// levelsOf returns the (parent, area) pairs the facts of a record of area
// are counted under: for a village, the village (dimension "all" only), its
// district and its regency. A record above village level (an activity of a
// district, a regency or the province) is counted under its own area's
// "self" pair (area, area) and under its area and the area's ancestors
// below the province: the children of a view plus its self pair add up to
// the view's whole, each record once.
func levelsOf(area string) [][2]string {
	switch areas.LevelOf(area) {
	case catalog.LevelVillage:
		d, r := areas.DistrictOf(area), areas.RegencyOf(area)
		return [][2]string{{d, area}, {r, d}, {areas.ParentOf(r), r}}
	case catalog.LevelDistrict:
		r := areas.RegencyOf(area)
		return [][2]string{{area, area}, {r, area}, {areas.ParentOf(r), r}}
	case catalog.LevelRegency:
		return [][2]string{{area, area}, {areas.ParentOf(area), area}}
	case catalog.LevelProvince:
		return [][2]string{{area, area}}
	}
	return nil
}

// byDay tells whether the pair's rows are kept per day too: the rows under
// the province (regencies, and the province's own), which province views
// read for the partial months of a custom period.
func byDay(pair [2]string) bool { return areas.LevelOf(pair[0]) == catalog.LevelProvince }

func addContribution(acc map[statKey]Measures, c Contribution, sign int) {
	if c.YM == 0 || c.Status == "" {
		return
	}
	add := func(k statKey, m Measures) {
		x := acc[k]
		if sign < 0 {
			x.Add(m.neg())
		} else {
			x.Add(m)
		}
		acc[k] = x
	}
	village := areas.LevelOf(c.Area) == catalog.LevelVillage
	for i, lv := range levelsOf(c.Area) {
		for _, f := range c.Facts {
			if village && i == 0 && f.Dim != DimAll {
				continue
			}
			add(statKey{lv[0], lv[1], c.YM, c.Status, f.Dim, f.Key}, f.M)
			if byDay(lv) {
				add(statKey{lv[0], lv[1], c.Day, c.Status, f.Dim, f.Key}, f.M)
			}
		}
	}
}

// StoredContribution reads what the stored record id of collection counts
// (nil when there is no such record). The hooks read the row itself rather
// than the record's Original(), which PocketBase does not refresh when one
// record object is saved twice.
func StoredContribution(app core.App, collection, id string) (*Contribution, error) {
	var r Row
	err := txbatch.QueryRow(app, `SELECT `+rowColumns[collection]+` FROM `+collection+` WHERE id = ?`, id).Scan(r.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c := Contribute(collection, r)
	return &c, nil
}

// KeepStats keeps the stats of rec's collection in step with one write of
// rec (deleted: a delete); write performs the write itself, inside app's
// transaction. What the stored row counted before the write is taken away,
// what it counts after is added.
//
// In a transaction with a txbatch (a sync push), the deltas of all its
// records are summed and written once, when the batch ends, and a record the
// batch creates is read once, then, in its final state (one query for many
// records instead of one per write).
func KeepStats(app core.App, rec *core.Record, deleted bool, write func() error) error {
	name := rec.Collection().Name
	isNew := rec.IsNew()
	p, batched := txbatch.Deferred(app, "reports.stats", newPendingStats).(*pendingStats)
	if batched && (isNew || p.created[name][rec.Id]) {
		if err := write(); err != nil {
			return err
		}
		if p.created[name] == nil {
			p.created[name] = map[string]bool{}
		}
		if deleted {
			delete(p.created[name], rec.Id)
		} else {
			p.created[name][rec.Id] = true
		}
		return nil
	}
	var old, now *Contribution
	if !isNew {
		var err error
		if old, err = StoredContribution(app, name, fmt.Sprint(rec.LastSavedPK())); err != nil {
			return err
		}
	}
	if err := write(); err != nil {
		return err
	}
	if !deleted {
		var err error
		if now, err = StoredContribution(app, name, rec.Id); err != nil {
			return err
		}
	}
	if batched {
		addDelta(p.accOf(name), old, now)
		return nil
	}
	acc := map[statKey]Measures{}
	addDelta(acc, old, now)
	return writeDelta(app, name, acc)
}

func addDelta(acc map[statKey]Measures, old, new *Contribution) {
	if old != nil {
		addContribution(acc, *old, -1)
	}
	if new != nil {
		addContribution(acc, *new, +1)
	}
}

// pendingStats sums the deltas of a batch's records, per collection, and
// lists the records the batch created (counted at its end).
type pendingStats struct {
	acc     map[string]map[statKey]Measures
	created map[string]map[string]bool
}

func newPendingStats() txbatch.Part {
	return &pendingStats{acc: map[string]map[statKey]Measures{}, created: map[string]map[string]bool{}}
}

func (p *pendingStats) accOf(collection string) map[statKey]Measures {
	if p.acc[collection] == nil {
		p.acc[collection] = map[statKey]Measures{}
	}
	return p.acc[collection]
}

// Flush counts the created records as stored now and writes the summed
// deltas.
func (p *pendingStats) Flush(app core.App) error {
	for _, name := range Counted {
		ids := make([]any, 0, len(p.created[name]))
		for id := range p.created[name] {
			ids = append(ids, id)
		}
		if len(ids) <= fewCreated {
			// one prepared statement per record, compiled once per
			// connection, costs less than compiling an IN list per push
			for _, id := range ids {
				c, err := StoredContribution(app, name, id.(string))
				if err != nil {
					return err
				}
				if c != nil {
					addContribution(p.accOf(name), *c, +1)
				}
			}
			ids = nil
		}
		for start := 0; start < len(ids); start += 500 {
			end := min(start+500, len(ids))
			chunk := ids[start:end]
			in, padded := txbatch.ListOf(chunk)
			rows, err := txbatch.Query(app, `SELECT `+rowColumns[name]+` FROM `+name+` WHERE id IN `+in, padded...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var r Row
				if err := rows.Scan(r.fields()...); err != nil {
					rows.Close()
					return err
				}
				addContribution(p.accOf(name), Contribute(name, r), +1)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if err := writeDelta(app, name, p.acc[name]); err != nil {
			return err
		}
	}
	return nil
}

// fewCreated is the most created records Flush reads one by one.
const fewCreated = 32

// writeDelta adds the measures of acc to the stats rows of collection, in
// key order, and drops rows whose count fell to zero (so that "reached"
// means n > 0).
func writeDelta(app core.App, collection string, acc map[statKey]Measures) error {
	var keys []statKey
	negative := false
	for k, m := range acc {
		if m.zero() {
			continue
		}
		keys = append(keys, k)
		negative = negative || m.N < 0
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Slice(keys, func(i, j int) bool { return lessKey(keys[i], keys[j]) })
	table := StatsTable[collection]
	up, release, err := txbatch.Prepared(app, `INSERT INTO `+table+upsertSQL)
	if err != nil {
		return err
	}
	defer release()
	for _, k := range keys {
		m := acc[k]
		if _, err := up.Exec(k.parent, k.ym, k.area, k.status, k.dim, k.key, m.N, m.MC, m.FC, m.MA, m.FA, m.Dis, m.Budget); err != nil {
			return err
		}
	}
	if !negative {
		return nil
	}
	del, releaseDel, err := txbatch.Prepared(app, `DELETE FROM `+table+` WHERE parent = ? AND ym = ? AND area = ? AND status = ?
		AND dim = ? AND key = ? AND n <= 0`)
	if err != nil {
		return err
	}
	defer releaseDel()
	for _, k := range keys {
		if acc[k].N >= 0 {
			continue
		}
		if _, err := del.Exec(k.parent, k.ym, k.area, k.status, k.dim, k.key); err != nil {
			return err
		}
	}
	return nil
}

func lessKey(a, b statKey) bool {
	if a.parent != b.parent {
		return a.parent < b.parent
	}
	if a.status != b.status {
		return a.status < b.status
	}
	if a.dim != b.dim {
		return a.dim < b.dim
	}
	if a.ym != b.ym {
		return a.ym < b.ym
	}
	if a.area != b.area {
		return a.area < b.area
	}
	return a.key < b.key
}

// upsertSQL adds one row's measures to the row of its key.
const upsertSQL = ` ` + insertColumns + ` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (parent, status, dim, ym, area, key) DO UPDATE SET n = n + excluded.n, mc = mc + excluded.mc,
	fc = fc + excluded.fc, ma = ma + excluded.ma, fa = fa + excluded.fa, dis = dis + excluded.dis, budget = budget + excluded.budget`

// Rebuild recomputes the stats of every counted collection from the records
// (after raw imports, restores, or to check the incremental upkeep). It
// reads the records in village order, so that each district's records come
// together and memory stays bounded by one district.
func Rebuild(app core.App) error {
	err := app.RunInTransaction(func(tx core.App) error {
		for _, name := range Counted {
			if err := rebuild(tx, name); err != nil {
				return fmt.Errorf("rebuild %s stats: %w", name, err)
			}
		}
		return nil
	})
	radCacheOf(app).changed(app) // the RAD values read from them
	return err
}

// RebuildIfMissing rebuilds the stats when a counted collection holds
// records but no stats table holds a row: a database whose records predate
// the stats tables (migrations create them empty and never compute them,
// so that a migration runs no live code), or one restored without them. It
// reports whether it rebuilt.
func RebuildIfMissing(app core.App) (bool, error) {
	for _, name := range Counted {
		var stats, records bool
		if err := app.DB().NewQuery(`SELECT EXISTS (SELECT 1 FROM ` + StatsTable[name] + `)`).Row(&stats); err != nil {
			return false, err
		}
		if stats {
			continue
		}
		if err := app.DB().NewQuery(`SELECT EXISTS (SELECT 1 FROM ` + name + `)`).Row(&records); err != nil {
			return false, err
		}
		if records {
			return true, Rebuild(app)
		}
	}
	return false, nil
}

func rebuild(app core.App, collection string) error {
	table := StatsTable[collection]
	db := app.DB()
	if _, err := db.NewQuery(`DELETE FROM ` + table).Execute(); err != nil {
		return err
	}
	rows, err := db.NewQuery(`SELECT ` + rowColumns[collection] + ` FROM ` + collection + ` WHERE village != '' ORDER BY village`).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	w := &bulkWriter{app: app, table: table}
	defer w.close()
	acc := map[statKey]Measures{}  // one district's villages and the district
	days := map[statKey]Measures{} // one regency's days
	district, regency := "", ""
	var r Row
	for rows.Next() {
		r = Row{}
		if err := rows.ScanStruct(&r); err != nil {
			return err
		}
		if d := areas.DistrictOf(r.Village); d != district {
			if err := w.addAll(acc); err != nil {
				return err
			}
			clear(acc)
			district = d
		}
		if g := areas.RegencyOf(r.Village); g != regency {
			if err := w.addAll(days); err != nil {
				return err
			}
			clear(days)
			regency = g
		}
		c := Contribute(collection, r)
		lv := levelsOf(r.Village)
		if c.YM == 0 || c.Status == "" || len(lv) != 3 {
			continue
		}
		for _, f := range c.Facts {
			// villages (totals only) and districts by month; regencies by day
			// here, by month below (summed from the districts)
			if f.Dim == DimAll {
				addTo(acc, statKey{lv[0][0], lv[0][1], c.YM, c.Status, f.Dim, f.Key}, f.M)
			}
			addTo(acc, statKey{lv[1][0], lv[1][1], c.YM, c.Status, f.Dim, f.Key}, f.M)
			addTo(days, statKey{lv[2][0], lv[2][1], c.Day, c.Status, f.Dim, f.Key}, f.M)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := w.addAll(acc); err != nil {
		return err
	}
	if err := w.addAll(days); err != nil {
		return err
	}
	_, err = db.NewQuery(`INSERT INTO ` + table + ` (parent, ym, area, status, dim, key, n, mc, fc, ma, fa, dis, budget)
		SELECT substr(parent, 1, 2), ym, parent, status, dim, key, SUM(n), SUM(mc), SUM(fc), SUM(ma), SUM(fa), SUM(dis), SUM(budget)
		FROM ` + table + ` WHERE length(area) = 8 AND parent != area GROUP BY parent, status, dim, ym, key`).Execute()
	if err != nil {
		return err
	}
	// records above village level (activities of a district, a regency or
	// the province: a few) are added as the hooks add them
	acc = map[statKey]Measures{}
	above, err := db.NewQuery(`SELECT ` + rowColumns[collection] + ` FROM ` + collection + ` WHERE village = ''`).Rows()
	if err != nil {
		return err
	}
	defer above.Close()
	for above.Next() {
		r = Row{}
		if err := above.ScanStruct(&r); err != nil {
			return err
		}
		addContribution(acc, Contribute(collection, r), +1)
	}
	if err := above.Err(); err != nil {
		return err
	}
	return writeDelta(app, collection, acc)
}

func addTo(acc map[statKey]Measures, k statKey, m Measures) {
	x := acc[k]
	x.Add(m)
	acc[k] = x
}

// bulkWriter inserts stat rows in key order through one prepared
// statement (in key order, the table's pages fill one after the other).
type bulkWriter struct {
	app     core.App
	table   string
	stmt    *sql.Stmt
	release func()
}

const insertColumns = `(parent, ym, area, status, dim, key, n, mc, fc, ma, fa, dis, budget)`

func (w *bulkWriter) addAll(acc map[statKey]Measures) error {
	keys := make([]statKey, 0, len(acc))
	for k := range acc {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessKey(keys[i], keys[j]) })
	if w.stmt == nil {
		var err error
		w.stmt, w.release, err = txbatch.Prepared(w.app, `INSERT INTO `+w.table+` `+insertColumns+` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
	}
	for _, k := range keys {
		m := acc[k]
		if _, err := w.stmt.Exec(k.parent, k.ym, k.area, k.status, k.dim, k.key, m.N, m.MC, m.FC, m.MA, m.FA, m.Dis, m.Budget); err != nil {
			return err
		}
	}
	return nil
}

func (w *bulkWriter) close() {
	if w.release != nil {
		w.release()
	}
}
