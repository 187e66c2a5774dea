// Package reports answers the province's eight reports (domain.md): the
// queries, their precomputed aggregates, the RAD's automatic indicators,
// small-cell suppression of case figures, and the CSV and XLSX exports.
//
// Activities and outreach logs are counted through per-month stats tables
// (StatsTable) kept up to date in the write transaction of every change;
// partial months of custom periods are counted from the records. Every
// figure is scoped by the caller's area (RootOf) and counts approved records
// unless the caller asks to include submitted ones.
package reports

import (
	"sort"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
)

// Options are the filters of one report request, already checked.
type Options struct {
	App              core.App
	Dir              *Directory
	Area             *Area
	Period           Period
	IncludeSubmitted bool
	AllStatuses      bool // record exports only (status=all): drafts and returned records too
	Engine           Engine
	EngineName       string
	Cluster          string    // RAD: one cluster only
	Plan             string    // RAD: a plan period ("2022-2026") to report year by year with its summary
	Now              time.Time // RAD pace and "as of"; tests set it
	Lang             string    // export headers: "id" (default) or "en"
	// Reader is who asks (nil: the server itself). Counts cover the area
	// whatever the reader's record grants; a list naming records (report
	// 1's activities of a village) holds only those it may view.
	Reader     *access.Actor
	background bool // RAD values computed ahead of readers (radcache.go): not counted as a reader's
}

// Statuses are the record statuses counted.
func (o Options) Statuses() []string {
	if o.AllStatuses {
		return catalog.Statuses
	}
	if o.IncludeSubmitted {
		return []string{catalog.StatusApproved, catalog.StatusSubmitted}
	}
	return []string{catalog.StatusApproved}
}

// Header opens every report's JSON.
type Header struct {
	Report      string     `json:"report"`
	Title       string     `json:"title"`
	TitleEN     string     `json:"titleEn"`
	Period      PeriodJSON `json:"period"`
	Statuses    []string   `json:"statuses"`
	Area        AreaRef    `json:"area"`
	Breadcrumb  []AreaRef  `json:"breadcrumb"`
	ChildLevel  string     `json:"childLevel"`
	Engine      string     `json:"engine"`
	GeneratedAt string     `json:"generatedAt"`
	Credit      string     `json:"credit"`
}

func (o Options) header(report, title, titleEN string) Header {
	engine := o.EngineName
	if engine == "" {
		engine = EnginePrecomputed
	}
	child := ChildLevel(o.Area.Level)
	if o.Area.Level == catalog.LevelVillage {
		child = ""
	}
	return Header{
		Report: report, Title: title, TitleEN: titleEN, Period: o.Period.JSON(), Statuses: o.Statuses(),
		Area: o.Dir.Ref(o.Area.Code), Breadcrumb: o.Dir.Breadcrumb(o.Area.Code), ChildLevel: child, Engine: engine,
		GeneratedAt: o.now().UTC().Format(time.RFC3339), Credit: areas.Credit,
	}
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// children lists the rows a report shows: the area's children, or none for
// a village.
func (o Options) children() []string {
	if o.Area.Level == catalog.LevelVillage {
		return nil
	}
	return o.Dir.Children(o.Area.Code)
}

// figuresByArea counts a collection from its stats table, as reports 1 and
// 5 do: the figures of the whole area (of the village itself when the
// report is of one), a row made by row for each child area, and the month
// series of the whole area. figures reads one area's grouped stats.
func figuresByArea[F, R any](o Options, collection string, dims []string,
	figures func(map[string]map[string]Measures) F, row func(AreaRef, F) R) (totals F, rows []R, months []MonthPoint, err error) {
	totals, _, rows, months, err = figuresWithOwn(o, collection, dims, figures, row)
	return totals, rows, months, err
}

// figuresWithOwn is figuresByArea with the figures of the records of the
// area's own level (activities of a district, regency or the province
// itself): in totals, in no child row. Nil for a village.
func figuresWithOwn[F, R any](o Options, collection string, dims []string,
	figures func(map[string]map[string]Measures) F, row func(AreaRef, F) R) (totals F, own *F, rows []R, months []MonthPoint, err error) {
	q := StatQuery{Collection: collection, Area: o.Area, Period: o.Period, Statuses: o.Statuses(), Dims: dims}
	if o.Area.Level == catalog.LevelVillage {
		q.Self = true
	}
	stats, err := o.Engine.Stats(q)
	if err != nil {
		return totals, nil, nil, nil, err
	}
	g := group(stats)
	if q.Self {
		totals = figures(g[o.Area.Code])
	} else {
		totals = figures(g.total())
		f := figures(g[o.Area.Code])
		own = &f
	}
	rows = []R{} // an empty list rather than null in the JSON of a village
	for _, c := range o.children() {
		rows = append(rows, row(o.Dir.Ref(c), figures(g[c])))
	}
	monthly, err := o.Engine.Stats(StatQuery{Collection: collection, Area: o.Area, Self: true, Period: o.Period,
		Statuses: o.Statuses(), Dims: []string{DimAll}, ByMonth: true})
	if err != nil {
		return totals, nil, nil, nil, err
	}
	return totals, own, rows, series(o.Period, monthly), nil
}

// Participants are the four participant counts, their total and people with
// disabilities.
type Participants struct {
	MaleChild   int64 `json:"male_child"`
	FemaleChild int64 `json:"female_child"`
	MaleAdult   int64 `json:"male_adult"`
	FemaleAdult int64 `json:"female_adult"`
	Total       int64 `json:"total"`
	Disabled    int64 `json:"disabled"`
}

func participantsOf(m Measures) Participants {
	return Participants{m.MC, m.FC, m.MA, m.FA, m.Participants(), m.Dis}
}

// Breakdown is one value of a dimension.
type Breakdown struct {
	Key          string  `json:"key"`
	Count        int64   `json:"count"`
	Participants int64   `json:"participants"`
	Budget       float64 `json:"budget,omitempty"`
	// Mark is set when the count is hidden by the small-count rule
	// (outreach counts of villages): "<5" or "•"; Count and Participants
	// are then 0 and mean nothing.
	Mark string `json:"mark,omitempty"`
}

// breakdown lists every code of the vocabulary in order (zeros included, so
// charts keep their order), then any other key found.
func breakdown(codes []string, got map[string]Measures) []Breakdown {
	out := make([]Breakdown, 0, len(codes))
	seen := map[string]bool{}
	for _, c := range codes {
		m := got[c]
		seen[c] = true
		out = append(out, Breakdown{Key: c, Count: m.N, Participants: m.Participants(), Budget: m.Budget})
	}
	var extra []string
	for k := range got {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		m := got[k]
		out = append(out, Breakdown{Key: k, Count: m.N, Participants: m.Participants(), Budget: m.Budget})
	}
	return out
}

// grouped indexes stat rows by area, then dimension, then key (statuses and
// months summed).
type grouped map[string]map[string]map[string]Measures

func group(rows []StatRow) grouped {
	g := grouped{}
	for _, r := range rows {
		byDim, ok := g[r.Area]
		if !ok {
			byDim = map[string]map[string]Measures{}
			g[r.Area] = byDim
		}
		byKey, ok := byDim[r.Dim]
		if !ok {
			byKey = map[string]Measures{}
			byDim[r.Dim] = byKey
		}
		m := byKey[r.Key]
		m.Add(r.Measures)
		byKey[r.Key] = m
	}
	return g
}

func (g grouped) all(area string) Measures { return g[area][DimAll][""] }

// total sums every area of g.
func (g grouped) total() map[string]map[string]Measures {
	t := map[string]map[string]Measures{}
	for _, byDim := range g {
		for dim, byKey := range byDim {
			if t[dim] == nil {
				t[dim] = map[string]Measures{}
			}
			for k, m := range byKey {
				x := t[dim][k]
				x.Add(m)
				t[dim][k] = x
			}
		}
	}
	return t
}

// medianKey returns the median of a histogram whose keys are numbers, and
// whether there was any count.
func medianKey(hist map[string]Measures) (int64, bool) {
	type bucket struct{ v, n int64 }
	var b []bucket
	var total int64
	for k, m := range hist {
		v, err := strconv.ParseInt(k, 10, 64)
		if err != nil || m.N <= 0 {
			continue
		}
		b = append(b, bucket{v, m.N})
		total += m.N
	}
	if total == 0 {
		return 0, false
	}
	sort.Slice(b, func(i, j int) bool { return b[i].v < b[j].v })
	half := (total + 1) / 2 // the lower median
	var seen int64
	for _, x := range b {
		seen += x.n
		if seen >= half {
			return x.v, true
		}
	}
	return b[len(b)-1].v, true
}

// countAtMost counts the histogram entries with key <= limit.
func countAtMost(hist map[string]Measures, limit int64) int64 {
	var n int64
	for k, m := range hist {
		if v, err := strconv.ParseInt(k, 10, 64); err == nil && v <= limit {
			n += m.N
		}
	}
	return n
}

func pct(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(int64(float64(part)*1000/float64(whole)+0.5)) / 10
}

// MonthPoint is one month of a series.
type MonthPoint struct {
	Month        string `json:"month"`
	Count        int64  `json:"count"`
	Participants int64  `json:"participants"`
}

// series lists every month of the period with its counts.
func series(p Period, rows []StatRow) []MonthPoint {
	by := map[int]Measures{}
	for _, r := range rows {
		if r.Dim == DimAll {
			m := by[r.YM]
			m.Add(r.Measures)
			by[r.YM] = m
		}
	}
	var out []MonthPoint
	for t := time.Date(p.From.Year(), p.From.Month(), 1, 0, 0, 0, 0, WIB); t.Before(p.To); t = t.AddDate(0, 1, 0) {
		m := by[ym(t)]
		out = append(out, MonthPoint{Month: ymLabel(ym(t)), Count: m.N, Participants: m.Participants()})
	}
	return out
}
