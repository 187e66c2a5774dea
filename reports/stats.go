package reports

import (
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
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

// SchemaSQL creates the stats tables.
func SchemaSQL() []string {
	var out []string
	for _, name := range Counted {
		t := StatsTable[name]
		out = append(out,
			`CREATE TABLE IF NOT EXISTS `+t+` (
				parent TEXT NOT NULL,
				ym     INTEGER NOT NULL,
				area   TEXT NOT NULL,
				status TEXT NOT NULL,
				dim    TEXT NOT NULL,
				key    TEXT NOT NULL,
				n      INTEGER NOT NULL DEFAULT 0,
				mc     INTEGER NOT NULL DEFAULT 0,
				fc     INTEGER NOT NULL DEFAULT 0,
				ma     INTEGER NOT NULL DEFAULT 0,
				fa     INTEGER NOT NULL DEFAULT 0,
				dis    INTEGER NOT NULL DEFAULT 0,
				budget REAL NOT NULL DEFAULT 0,
				PRIMARY KEY (parent, status, dim, ym, area, key)
			) WITHOUT ROWID`,
			// villages reached in a run of months (coverage)
			`CREATE INDEX IF NOT EXISTS idx_`+t+`_reach ON `+t+` (ym, status, area) WHERE dim = 'all' AND length(area) = 13`,
		)
	}
	return out
}

type statKey struct {
	parent, area string
	ym           int
	status       string
	dim, key     string
}

// levelsOf returns the (parent, area) pairs a village's facts are counted
// under: the village (dimension "all" only), its district and its regency.
func levelsOf(village string) [][2]string {
	d, r := areas.DistrictOf(village), areas.RegencyOf(village)
	if d == "" || r == "" || len(village) != 13 {
		return nil
	}
	return [][2]string{{d, village}, {r, d}, {areas.ParentOf(r), r}}
}

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
	for i, lv := range levelsOf(c.Village) {
		for _, f := range c.Facts {
			if i == 0 && f.Dim != DimAll {
				continue
			}
			add(statKey{lv[0], lv[1], c.YM, c.Status, f.Dim, f.Key}, f.M)
			if i == 2 {
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
	err := app.DB().NewQuery(`SELECT ` + rowColumns[collection] + ` FROM ` + collection + ` WHERE id = {:id}`).
		Bind(dbx.Params{"id": id}).One(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c := Contribute(collection, r)
	return &c, nil
}

// ApplyDelta updates the stats of collection for a record that changed from
// old to new (either may be nil: create, delete). It runs inside the write
// transaction of the change; a save that changes no counted field writes
// nothing.
func ApplyDelta(app core.App, collection string, old, new *Contribution) error {
	acc := map[statKey]Measures{}
	if old != nil {
		addContribution(acc, *old, -1)
	}
	if new != nil {
		addContribution(acc, *new, +1)
	}
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
	if err := upsert(app.DB(), table, keys, acc); err != nil {
		return err
	}
	if negative {
		// rows whose count fell to zero go, so that "reached" means n > 0
		del := app.DB().NewQuery(`DELETE FROM ` + table + ` WHERE parent = {:p} AND ym = {:y} AND area = {:a} AND status = {:s}
			AND dim = {:d} AND key = {:k} AND n <= 0`)
		del.Prepare()
		defer del.Close()
		for _, k := range keys {
			if acc[k].N >= 0 {
				continue
			}
			if _, err := del.Bind(dbx.Params{"p": k.parent, "y": k.ym, "a": k.area, "s": k.status, "d": k.dim, "k": k.key}).Execute(); err != nil {
				return err
			}
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

// upsert adds the measures to the rows of keys, through one prepared
// statement (without the executor: one statement with the values written in).
func upsert(db dbx.Builder, table string, keys []statKey, acc map[statKey]Measures) error {
	if ex := executorOf(db); ex != nil {
		stmt, err := ex.Prepare(`INSERT INTO ` + table + upsertSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, k := range keys {
			m := acc[k]
			if _, err := stmt.Exec(k.parent, k.ym, k.area, k.status, k.dim, k.key, m.N, m.MC, m.FC, m.MA, m.FA, m.Dis, m.Budget); err != nil {
				return err
			}
		}
		return nil
	}
	var sb strings.Builder
	sb.WriteString(`INSERT INTO ` + table + ` ` + insertColumns + ` VALUES `)
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte(',')
		}
		writeValues(&sb, k, acc[k])
	}
	sb.WriteString(` ON CONFLICT (parent, status, dim, ym, area, key) DO UPDATE SET n = n + excluded.n, mc = mc + excluded.mc,
		fc = fc + excluded.fc, ma = ma + excluded.ma, fa = fa + excluded.fa, dis = dis + excluded.dis, budget = budget + excluded.budget`)
	_, err := db.NewQuery(sb.String()).Execute()
	return err
}

// executorOf returns the database/sql executor under a dbx builder (nil if
// it cannot be reached), to prepare a statement once and run it for many
// rows with positional arguments: dbx's named parameters cost more than the
// rows themselves.
func executorOf(db dbx.Builder) dbx.Executor {
	var b dbx.Builder
	switch t := db.(type) {
	case *dbx.Tx:
		b = t.Builder
	case *dbx.DB:
		b = t.Builder
	}
	if x, ok := b.(interface{ Executor() dbx.Executor }); ok {
		return x.Executor()
	}
	return nil
}

func writeValues(sb *strings.Builder, k statKey, m Measures) {
	sb.WriteByte('(')
	for _, v := range []string{sqlText(k.parent), strconv.Itoa(k.ym), sqlText(k.area), sqlText(k.status), sqlText(k.dim), sqlText(k.key),
		strconv.FormatInt(m.N, 10), strconv.FormatInt(m.MC, 10), strconv.FormatInt(m.FC, 10), strconv.FormatInt(m.MA, 10),
		strconv.FormatInt(m.FA, 10), strconv.FormatInt(m.Dis, 10)} {
		sb.WriteString(v)
		sb.WriteByte(',')
	}
	sb.WriteString(strconv.FormatFloat(m.Budget, 'f', -1, 64))
	sb.WriteByte(')')
}

// Rebuild recomputes the stats of every counted collection from the records
// (after raw imports, restores, or to check the incremental upkeep). It
// reads the records in village order, so that each district's records come
// together and memory stays bounded by one district.
func Rebuild(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		for _, name := range Counted {
			if err := rebuild(tx, name); err != nil {
				return fmt.Errorf("rebuild %s stats: %w", name, err)
			}
		}
		return nil
	})
}

func rebuild(app core.App, collection string) error {
	table := StatsTable[collection]
	db := app.DB()
	if _, err := db.NewQuery(`DELETE FROM ` + table).Execute(); err != nil {
		return err
	}
	rows, err := db.NewQuery(`SELECT ` + rowColumns[collection] + ` FROM ` + collection + ` ORDER BY village`).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	w := &bulkWriter{db: db, table: table}
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
		if c.YM == 0 || c.Status == "" || lv == nil {
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
		FROM ` + table + ` WHERE length(area) = 8 GROUP BY parent, status, dim, ym, key`).Execute()
	return err
}

func addTo(acc map[statKey]Measures, k statKey, m Measures) {
	x := acc[k]
	x.Add(m)
	acc[k] = x
}

// bulkWriter inserts stat rows in key order through one prepared
// statement (in key order, the table's pages fill one after the other).
type bulkWriter struct {
	db    dbx.Builder
	table string
	stmt  *sql.Stmt
}

const insertColumns = `(parent, ym, area, status, dim, key, n, mc, fc, ma, fa, dis, budget)`

func (w *bulkWriter) addAll(acc map[statKey]Measures) error {
	keys := make([]statKey, 0, len(acc))
	for k := range acc {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessKey(keys[i], keys[j]) })
	if w.stmt == nil {
		if ex := executorOf(w.db); ex != nil {
			stmt, err := ex.Prepare(`INSERT INTO ` + w.table + ` ` + insertColumns + ` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			w.stmt = stmt
		}
	}
	if w.stmt == nil {
		return upsert(w.db, w.table, keys, acc) // no executor: one statement per batch
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
	if w.stmt != nil {
		_ = w.stmt.Close()
	}
}

// sqlText quotes a code for SQL. Codes never hold "{:" (dbx's placeholder
// mark); one that did would be written with a space inside it rather than
// be misread as a parameter.
func sqlText(s string) string {
	if strings.Contains(s, "{:") {
		s = strings.ReplaceAll(s, "{:", "{ :")
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
