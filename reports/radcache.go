package reports

import (
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/internal/wiring"
)

// RAD values kept between requests (issue 16: a RAD page whose rules are
// counted from a million records in well under a second).
//
// A rule's value for a year depends only on the approved records of its
// source, the village programmes and the area directory. So each value is
// computed once for the whole province, and a regency's page reads its row
// of it (EvalRule gives a regency the same value whether it is asked for
// itself or as a row of the province); a regency's page that finds none
// kept computes and keeps its own, reading only its share of the records. It is kept until a write that can
// change it commits: a record approved, changed while approved, approved
// no more or deleted; any village programme; stats rebuilt; a new area
// directory. Each such write bumps a generation after its transaction
// commits, and a value computed under an older generation is computed
// again. A value computed while such a write commits is stored under the
// generation read before it began, so it is never taken for a newer one.
//
// A few seconds after the last such write (RadWarmDelay), the current
// year's page is computed in the background, so that the first reader after
// a morning of approvals does not wait for it.

// RadWarmDelay is how long after the last write that changes RAD values the
// current year's values are computed again in the background
// (SetRadWarmDelay changes it for one app).
const RadWarmDelay = 3 * time.Second

// radCacheMaxValues bounds the kept values (rules × years); past
// it they are all dropped, a rare event (a page has tens of rules).
const radCacheMaxValues = 4096

const radCacheKey = "jangkau.reports.radCache"

type radValueKey struct {
	rule string
	year int
	area string // the province, or a regency computed alone
}

type radValue struct {
	gen uint64
	dir *Directory
	v   RuleValue
}

// radCache keeps one app's RAD values.
type radCache struct {
	gen     atomic.Uint64
	mu      gosync.Mutex
	values  map[radValueKey]radValue
	warm    *time.Timer
	delay   time.Duration
	closed  bool
	warming gosync.WaitGroup
	hits    atomic.Int64
	misses  atomic.Int64
	warmed  atomic.Int64 // 1 + the generation the last background computation ended in (0: none yet)
}

// radCacheOf returns app's cache of RAD values.
func radCacheOf(app core.App) *radCache {
	return app.Store().GetOrSet(radCacheKey, func() any {
		return &radCache{values: map[radValueKey]radValue{}, delay: RadWarmDelay}
	}).(*radCache)
}

// get returns the kept value of key if it is current.
func (c *radCache) get(key radValueKey, dir *Directory) (RuleValue, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.values[key]
	if !ok || e.gen != c.gen.Load() || e.dir.Directory != dir.Directory {
		return RuleValue{}, false
	}
	return e.v, true
}

// put keeps v, computed from data read under generation gen.
func (c *radCache) put(key radValueKey, gen uint64, dir *Directory, v RuleValue) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen.Load() {
		return // a write committed meanwhile: v may be older than it
	}
	if len(c.values) >= radCacheMaxValues {
		clear(c.values)
	}
	c.values[key] = radValue{gen: gen, dir: dir, v: v}
}

// Changed drops every kept value (a write that can change them has
// committed) and plans the background computation of the current year.
func (c *radCache) changed(app core.App) {
	c.gen.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.values)
	if c.closed {
		return
	}
	if c.warm != nil {
		c.warm.Reset(c.delay)
		return
	}
	c.warm = time.AfterFunc(c.delay, func() {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		c.warming.Add(1)
		c.mu.Unlock()
		defer c.warming.Done()
		gen := c.gen.Load()
		warmRad(app)
		c.warmed.Store(int64(gen) + 1)
	})
}

// close stops the background computation and waits for one under way
// (the app is closing its database).
func (c *radCache) close() {
	c.mu.Lock()
	c.closed = true
	if c.warm != nil {
		c.warm.Stop()
	}
	c.mu.Unlock()
	c.warming.Wait()
}

// warmRad computes the province's RAD page of the current year, keeping
// its rules' values. An error is only logged: a reader computes them then.
func warmRad(app core.App) {
	// an app may close its database without a terminate event (some
	// tests, a command's app): then there is nothing to compute, and a
	// database closed midway must not take the process down
	if !app.IsBootstrapped() {
		return
	}
	defer func() {
		if p := recover(); p != nil && app.IsBootstrapped() {
			app.Logger().Error("RAD values not computed in advance", "panic", p)
		}
	}()
	dir, err := Areas(app)
	if err != nil {
		return
	}
	var province *Area
	if p := dir.Provinces(); len(p) == 1 {
		province, _ = dir.Get(p[0])
	}
	if province == nil {
		return // none, or several: computed when read
	}
	now := time.Now()
	o := Options{App: app, Dir: dir, Area: province, Period: YearPeriod(now.In(WIB).Year()), Now: now, Lang: "id",
		EngineName: EnginePrecomputed, Engine: Memoize(NewEngine(app, EnginePrecomputed)), background: true}
	if _, err := Rad(o); err != nil {
		app.Logger().Warn("RAD values not computed in advance", "error", err)
	}
}

// cachedRule is EvalRule for a page of the RAD report, kept while current
// (above): a regency reads its row of the province's value when that is
// kept (the background computation keeps it), else its own.
func cachedRule(o Options, scope *Area, year int, r RadRule) (RuleValue, error) {
	province := scope
	if scope.Level == catalog.LevelRegency {
		province, _ = o.Dir.Get(scope.Parent)
	}
	if o.EngineName == EngineRaw || province == nil || province.Level != catalog.LevelProvince {
		// the raw engine is the reference a kept value is compared with: never kept
		regencies := []string{scope.Code}
		if scope.Level == catalog.LevelProvince {
			regencies = o.Dir.Children(scope.Code)
		}
		return EvalRule(o, scope, regencies, year, r)
	}
	c := radCacheOf(o.App)
	key := radValueKey{rule: r.Key(), year: year, area: province.Code}
	v, ok := c.get(key, o.Dir)
	if !ok && scope != province {
		// not kept for the province: a regency's own value, kept for it
		// (a regency alone reads its share of the records, faster)
		if own, kept := c.get(radValueKey{rule: r.Key(), year: year, area: scope.Code}, o.Dir); kept {
			v, ok = own, true
		}
	}
	switch {
	case o.background:
	case ok:
		c.hits.Add(1)
	default:
		c.misses.Add(1)
	}
	if !ok {
		gen := c.gen.Load()
		var err error
		if scope == province {
			v, err = EvalRule(o, province, o.Dir.Children(province.Code), year, r)
		} else {
			v, err = EvalRule(o, scope, []string{scope.Code}, year, r)
			key.area = scope.Code
		}
		if err != nil {
			return RuleValue{}, err
		}
		c.put(key, gen, o.Dir, v)
	}
	if scope == province {
		return v, nil
	}
	row := v.ByRegency[scope.Code]
	return RuleValue{Total: row, ByRegency: map[string]float64{scope.Code: row}, Path: v.Path}, nil
}

// SetRadWarmDelay sets how long after the last write that changes RAD
// values app computes the current year's again (tests).
func SetRadWarmDelay(app core.App, d time.Duration) {
	c := radCacheOf(app)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delay = d
	if c.warm != nil {
		c.warm.Reset(d)
	}
}

// RadCacheCounts returns how many rule values readers' pages read kept and
// computed, and whether a background computation has ended since the last
// write that changed them (benchmarks and tests).
func RadCacheCounts(app core.App) (hits, misses int64, warm bool) {
	c := radCacheOf(app)
	return c.hits.Load(), c.misses.Load(), c.warmed.Load() == int64(c.gen.Load())+1
}

// registerRadCache drops the kept RAD values when a write that can change
// them commits (the After…Success hooks run after the commit). An update
// is told by its status before the write, read while Original() still
// holds it (hooks refresh it once the write is done).
func registerRadCache(app core.App) {
	var wasApproved gosync.Map // *core.Record being updated → true
	app.OnRecordUpdateExecute(Counted...).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.reports.radCache", Priority: wiring.ExecReportStats,
		Func: func(e *core.RecordEvent) error {
			if e.Record.Original().GetString("status") == catalog.StatusApproved {
				wasApproved.Store(e.Record, true)
			}
			return e.Next()
		}})
	// one id per collection group: a second handler of the same id on the
	// same hook would replace the first
	const id = "jangkau.reports.radCacheChanged"
	changed := func(only func(*core.RecordEvent) bool) *hook.Handler[*core.RecordEvent] {
		id := id + ".records"
		if only == nil {
			id = "jangkau.reports.radCacheChanged.any"
		}
		return &hook.Handler[*core.RecordEvent]{Id: id, Func: func(e *core.RecordEvent) error {
			if only == nil || only(e) {
				radCacheOf(e.App).changed(e.App)
			}
			return e.Next()
		}}
	}
	approved := func(e *core.RecordEvent) bool {
		_, was := wasApproved.LoadAndDelete(e.Record)
		return was || e.Record.GetString("status") == catalog.StatusApproved
	}
	app.OnRecordAfterCreateSuccess(Counted...).Bind(changed(approved))
	app.OnRecordAfterUpdateSuccess(Counted...).Bind(changed(approved))
	app.OnRecordAfterUpdateError(Counted...).Bind(&hook.Handler[*core.RecordErrorEvent]{Id: id + ".records", Func: func(e *core.RecordErrorEvent) error {
		wasApproved.Delete(e.Record)
		return e.Next()
	}})
	app.OnRecordAfterDeleteSuccess(append([]string{catalog.VillagePrograms}, Counted...)...).Bind(changed(nil))
	app.OnRecordAfterCreateSuccess(catalog.VillagePrograms).Bind(changed(nil))
	app.OnRecordAfterUpdateSuccess(catalog.VillagePrograms).Bind(changed(nil))
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{Id: "jangkau.reports.radCacheClose", Func: func(e *core.TerminateEvent) error {
		radCacheOf(e.App).close()
		return e.Next()
	}})
}
