package privacy_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"jangkau/catalog"
	. "jangkau/privacy"
	"jangkau/privacy/privacytest"
)

// grid lays a table of regencies out as SuppressTable sees it: one row per
// regency, then the province row; in each row the parts, then the row's
// total. Every row adds up to its total and every column to the province
// row.
type grid struct {
	rows, cols int // regencies, and parts per row
	counts     []Count
	sums       []Sum
}

// newGrid takes the parts of each regency; the totals are added up.
func newGrid(parts [][]int) *grid {
	g := &grid{rows: len(parts), cols: len(parts[0])}
	prov := make([]int, g.cols+1)
	for _, row := range parts {
		total := 0
		for c, n := range row {
			g.counts = append(g.counts, Count{n, catalog.LevelRegency})
			total += n
			prov[c] += n
		}
		g.counts = append(g.counts, Count{total, catalog.LevelRegency})
		prov[g.cols] += total
	}
	for _, n := range prov {
		g.counts = append(g.counts, Count{n, catalog.LevelProvince})
	}
	for r := 0; r <= g.rows; r++ {
		s := Sum{Total: g.at(r, g.cols)}
		for c := 0; c < g.cols; c++ {
			s.Parts = append(s.Parts, g.at(r, c))
		}
		g.sums = append(g.sums, s)
	}
	for c := 0; c <= g.cols; c++ {
		s := Sum{Total: g.at(g.rows, c)}
		for r := 0; r < g.rows; r++ {
			s.Parts = append(s.Parts, g.at(r, c))
		}
		g.sums = append(g.sums, s)
	}
	return g
}

func (g *grid) at(row, col int) int { return row*(g.cols+1) + col }

// shown renders the table row by row, cells split by spaces, rows by " | ".
func (g *grid) shown(h []Hiding) string {
	var rows []string
	for r := 0; r <= g.rows; r++ {
		var cells []string
		for c := 0; c <= g.cols; c++ {
			i := g.at(r, c)
			cells = append(cells, h[i].Show(g.counts[i].N))
		}
		rows = append(rows, strings.Join(cells, " "))
	}
	return strings.Join(rows, " | ")
}

func TestSmallCountsAreHidden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n     int
		level string
		want  string
	}{
		{0, "regency", "0"}, {1, "regency", "<5"}, {4, "regency", "<5"}, {5, "regency", "5"},
		{3, "district", "<5"}, {3, "province", "3"}, {1, "province", "1"}, {12, "regency", "12"},
	}
	for _, c := range cases {
		h := SuppressTable([]Count{{c.n, c.level}}, nil, nil)
		if got := h[0].Show(c.n); got != c.want {
			t.Errorf("%d at %s reads %q, want %q", c.n, c.level, got, c.want)
		}
	}
}

// One column: three regencies and the province total (the rows' own totals
// equal their one part).
func TestComplementsOfAColumn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		parts []int
		want  string
	}{
		{"one small count: the smallest other non-zero count is hidden too", []int{2, 7, 12}, "<5 <5 | • • | 12 12 | 21 21"},
		{"ties go to the first", []int{2, 9, 9}, "<5 <5 | • • | 9 9 | 20 20"},
		{"two small counts protect each other", []int{2, 3, 12}, "<5 <5 | <5 <5 | 12 12 | 17 17"},
		{"but not when they can only be 1 + 1", []int{1, 1, 12}, "<5 <5 | <5 <5 | • • | 14 14"},
		{"nor 1 + 5: a hidden 5 could not be less, so 20 is hidden", []int{1, 5, 20}, "<5 <5 | 5 5 | • • | 26 26"},
		{"zeros are no complements: the total is hidden", []int{2, 0, 0}, "<5 <5 | 0 0 | 0 0 | • •"},
		{"nothing small, nothing hidden", []int{0, 5, 30}, "0 0 | 5 5 | 30 30 | 35 35"},
	}
	for _, c := range cases {
		var parts [][]int
		for _, n := range c.parts {
			parts = append(parts, []int{n})
		}
		g := newGrid(parts)
		if got := g.shown(SuppressTable(g.counts, g.sums, nil)); got != c.want {
			t.Errorf("%s: %v reads %q, want %q", c.name, c.parts, got, c.want)
		}
	}
}

// A regency's victims by sex and age beside their total.
func TestComplementsOfABreakdownRow(t *testing.T) {
	t.Parallel()
	row := []Count{{3, "regency"}, {0, "regency"}, {6, "regency"}, {9, "regency"}, {18, "regency"}}
	sum := Sum{Total: 4, Parts: []int{0, 1, 2, 3}}
	h := SuppressTable(row, []Sum{sum}, nil)
	var got []string
	for i, c := range row {
		got = append(got, h[i].Show(c.N))
	}
	if strings.Join(got, " ") != "<5 0 • 9 18" {
		t.Errorf("girls 3, boys 0, women 6, men 9, total 18 read %q", strings.Join(got, " "))
	}
	// the province's own figure need not be the sum of its regencies': then
	// nothing can be subtracted and nothing more is hidden
	own := []Count{{2, "regency"}, {3, "regency"}, {10, "province"}}
	h = SuppressTable(own, []Sum{{Total: 2, Parts: []int{0, 1}}}, nil)
	if h[0] != HiddenSmall || h[1] != HiddenSmall || h[2] != Shown {
		t.Errorf("a sum that does not hold: %v", h)
	}
}

// A small count protected in its row and its column: the cheapest cycle of
// four counts through it, so that every row and column still adds up.
func TestComplementsReachAFixedPoint(t *testing.T) {
	t.Parallel()
	g := newGrid([][]int{{2, 6}, {7, 8}, {9, 10}})
	got := g.shown(SuppressTable(g.counts, g.sums, nil))
	if want := "<5 • 8 | • • 15 | 9 10 19 | 18 24 42"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Random tables of 2 to 5 regencies and 2 to 4 groups, against a reader
// who searches every value of every hidden count (privacytest): no count of
// 1 to 4 hidden below province level may come out as one value, neither to
// a reader who knows nothing more nor to one who knows one regency's row
// exactly (its verifier enters it). Some tables have a province figure of
// its own that is not the sum of its regencies', or a row whose parts are
// not a breakdown of its total (exploitation types, where a case can have
// two or none): such sums do not add up, give nothing away and are left
// out of the reader's sums too.
func TestNoHiddenSmallCountCanBeWorkedOut(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 2026))
	value := func() int { return privacytest.RandomCount(rng, 6) }
	readers, cells, pinned := 0, 0, 0
	for round := range 600 {
		parts := make([][]int, 2+rng.IntN(4))
		groups := 2 + rng.IntN(3)
		if round%25 == 0 {
			groups = 4 // now and then a row of 1 + 1 + 1 + 1
		}
		for r := range parts {
			for range groups {
				parts[r] = append(parts[r], value())
			}
		}
		if round%25 == 0 {
			parts[rng.IntN(len(parts))] = []int{1, 1, 1, 1}
			pinned++
		}
		g := newGrid(parts)
		if rng.IntN(4) == 0 {
			// the province's own figure, more than its regencies'
			g.counts[g.at(g.rows, rng.IntN(groups+1))].N += 1 + rng.IntN(3)
		}
		if rng.IntN(4) == 0 {
			// a regency whose parts add up to one more than its total (a
			// case of two types), the province's column likewise
			k := rng.IntN(g.rows)
			if total := g.at(k, g.cols); g.counts[total].N > 0 {
				g.counts[total].N--
				g.counts[g.at(g.rows, g.cols)].N--
			}
		}
		h := SuppressTable(g.counts, g.sums, g.rowGroups())
		for _, known := range append([][]int{nil}, g.rowGroups()...) {
			readers++
			reader := readerOf(g, h, g.sums, known)
			for i, c := range g.counts {
				if c.Level == catalog.LevelProvince || c.N < 1 || c.N > SmallCellLimit || slices.Contains(known, i) {
					continue
				}
				cells++
				determined, ok := reader.Determined(i, c.N, 200_000)
				if !ok {
					t.Fatalf("%v: the search through count %d took too long", parts, i)
				}
				if determined {
					t.Errorf("%v, knowing %v: hidden count %d can only be %d to a reader: %s", parts, known, i, c.N, g.shown(h))
				}
			}
		}
	}
	t.Logf("%d readers, %d hidden counts of 1-4 searched, %d rows of 1 + 1 + 1 + 1", readers, cells, pinned)
}

// The reader that knows a regency's row subtracts it from the province's:
// with two regencies, the province's counts are hidden too.
func TestAReaderWhoKnowsARegency(t *testing.T) {
	g := newGrid([][]int{{2}, {9}})
	if got := g.shown(SuppressTable(g.counts, g.sums, nil)); got != "<5 <5 | • • | 11 11" {
		t.Errorf("against a reader who knows nothing: %q", got)
	}
	// 11 - 9 = 2 to the verifier of the second regency
	if got := g.shown(SuppressTable(g.counts, g.sums, g.rowGroups())); got != "<5 <5 | 9 9 | • •" {
		t.Errorf("against a reader who knows one regency: %q", got)
	}
	// with a third regency, a regency's count can hide behind it
	g = newGrid([][]int{{2}, {9}, {20}})
	if got := g.shown(SuppressTable(g.counts, g.sums, g.rowGroups())); got != "<5 <5 | • • | • • | 31 31" {
		t.Errorf("three regencies: %q", got)
	}
	// four "<5" beside a total of 4 are 1 + 1 + 1 + 1: the total reads "•"
	g = newGrid([][]int{{1, 1, 1, 1}, {2, 5, 0, 6}, {3, 6, 7, 0}})
	h := SuppressTable(g.counts, g.sums, g.rowGroups())
	if h[g.at(0, 4)] != HiddenComplement {
		t.Errorf("the total of 1 + 1 + 1 + 1 reads %q: %s", h[g.at(0, 4)].Show(4), g.shown(h))
	}
}

// rowGroups lists the counts of each regency's row: what its verifier knows.
func (g *grid) rowGroups() [][]int {
	var out [][]int
	for r := 0; r < g.rows; r++ {
		var row []int
		for c := 0; c <= g.cols; c++ {
			row = append(row, g.at(r, c))
		}
		out = append(out, row)
	}
	return out
}

// readerOf is the table as a reader who knows the counts known sees it,
// with the sums that hold.
func readerOf(g *grid, h []Hiding, sums []Sum, known []int) privacytest.Table {
	r := privacytest.Table{Known: map[int]int{}}
	for i, c := range g.counts {
		r.Marks = append(r.Marks, h[i].Show(c.N))
		r.Levels = append(r.Levels, c.Level)
		r.Limit += c.N
	}
	for _, s := range sums {
		total := 0
		for _, p := range s.Parts {
			total += g.counts[p].N
		}
		if total == g.counts[s.Total].N {
			r.Sums = append(r.Sums, s)
		}
	}
	for _, i := range known {
		r.Known[i] = g.counts[i].N
	}
	return r
}

// A table the size of Lampung's: 15 regencies of 20 counts each (four in
// ten small), their totals and the province's; against a reader who knows
// nothing more, and against one who knows any one regency.
func BenchmarkSuppressTableLampung(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 18))
	parts := make([][]int, 15)
	for r := range parts {
		for range 20 {
			parts[r] = append(parts[r], privacytest.RandomCount(rng, 20))
		}
	}
	g := newGrid(parts)
	for _, c := range []struct {
		name  string
		known [][]int
	}{{"nobody", nil}, {"regencies", g.rowGroups()}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				SuppressTable(g.counts, g.sums, c.known)
			}
		})
	}
}
