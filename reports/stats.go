package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
)

// StatsTable is the precomputed aggregate table of each counted collection:
// one row per (area, month, status, dimension, key), for every village, its
// district and its regency. The parent column leads the key so that the rows
// of one drill-down step (the children of one area over a run of months) lie
// together.
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
				PRIMARY KEY (parent, ym, area, status, dim, key)
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
// under: the village, its district and its regency.
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
	for _, lv := range levelsOf(c.Village) {
		for _, f := range c.Facts {
			k := statKey{lv[0], lv[1], c.YM, c.Status, f.Dim, f.Key}
			m := acc[k]
			if sign < 0 {
				m.Add(f.M.neg())
			} else {
				m.Add(f.M)
			}
			acc[k] = m
		}
	}
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
	if a.ym != b.ym {
		return a.ym < b.ym
	}
	if a.area != b.area {
		return a.area < b.area
	}
	if a.status != b.status {
		return a.status < b.status
	}
	if a.dim != b.dim {
		return a.dim < b.dim
	}
	return a.key < b.key
}

// upsert adds the measures to the rows of keys, 60 rows per statement.
func upsert(db dbx.Builder, table string, keys []statKey, acc map[statKey]Measures) error {
	for start := 0; start < len(keys); start += 60 {
		end := min(start+60, len(keys))
		var sb strings.Builder
		sb.WriteString(`INSERT INTO ` + table + ` (parent, ym, area, status, dim, key, n, mc, fc, ma, fa, dis, budget) VALUES `)
		params := dbx.Params{}
		for i, k := range keys[start:end] {
			m := acc[k]
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "({:p%[1]d},{:y%[1]d},{:a%[1]d},{:s%[1]d},{:d%[1]d},{:k%[1]d},{:n%[1]d},{:mc%[1]d},{:fc%[1]d},{:ma%[1]d},{:fa%[1]d},{:dis%[1]d},{:b%[1]d})", i)
			for name, v := range map[string]any{"p": k.parent, "y": k.ym, "a": k.area, "s": k.status, "d": k.dim, "k": k.key,
				"n": m.N, "mc": m.MC, "fc": m.FC, "ma": m.MA, "fa": m.FA, "dis": m.Dis, "b": m.Budget} {
				params[fmt.Sprint(name, i)] = v
			}
		}
		sb.WriteString(` ON CONFLICT (parent, ym, area, status, dim, key) DO UPDATE SET n = n + excluded.n, mc = mc + excluded.mc,
			fc = fc + excluded.fc, ma = ma + excluded.ma, fa = fa + excluded.fa, dis = dis + excluded.dis, budget = budget + excluded.budget`)
		if _, err := db.NewQuery(sb.String()).Bind(params).Execute(); err != nil {
			return err
		}
	}
	return nil
}

// Rebuild recomputes the stats of every counted collection from the records
// (after raw imports, restores, or to check the incremental upkeep). It
// reads the records village by village, so memory stays bounded.
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
	insert := db.NewQuery(`INSERT INTO ` + table + ` (parent, ym, area, status, dim, key, n, mc, fc, ma, fa, dis, budget)
		VALUES ({:p}, {:y}, {:a}, {:s}, {:d}, {:k}, {:n}, {:mc}, {:fc}, {:ma}, {:fa}, {:dis}, {:b})`)
	insert.Prepare()
	defer insert.Close()
	acc := map[statKey]Measures{}
	flush := func() error {
		for k, m := range acc {
			if _, err := insert.Bind(dbx.Params{"p": k.parent, "y": k.ym, "a": k.area, "s": k.status, "d": k.dim, "k": k.key,
				"n": m.N, "mc": m.MC, "fc": m.FC, "ma": m.MA, "fa": m.FA, "dis": m.Dis, "b": m.Budget}).Execute(); err != nil {
				return err
			}
		}
		clear(acc)
		return nil
	}
	village := ""
	var r Row
	for rows.Next() {
		r = Row{}
		if err := rows.ScanStruct(&r); err != nil {
			return err
		}
		if r.Village != village {
			if err := flush(); err != nil {
				return err
			}
			village = r.Village
		}
		c := Contribute(collection, r)
		if c.YM == 0 || c.Status == "" || len(r.Village) != 13 {
			continue
		}
		lv := levelsOf(r.Village)[0] // the village level; districts and regencies are summed below
		for _, f := range c.Facts {
			k := statKey{lv[0], lv[1], c.YM, c.Status, f.Dim, f.Key}
			m := acc[k]
			m.Add(f.M)
			acc[k] = m
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	// districts from villages, regencies from districts
	for _, from := range []int{13, 8} {
		parentLen := 5
		if from == 8 {
			parentLen = 2
		}
		if _, err := db.NewQuery(fmt.Sprintf(`INSERT INTO %[1]s (parent, ym, area, status, dim, key, n, mc, fc, ma, fa, dis, budget)
			SELECT substr(parent, 1, %[2]d), ym, parent, status, dim, key, SUM(n), SUM(mc), SUM(fc), SUM(ma), SUM(fa), SUM(dis), SUM(budget)
			FROM %[1]s WHERE length(area) = %[3]d GROUP BY parent, ym, status, dim, key`, table, parentLen, from)).Execute(); err != nil {
			return err
		}
	}
	return nil
}
