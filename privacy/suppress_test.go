package privacy

import (
	"math/rand/v2"
	"strings"
	"testing"

	"jangkau/catalog"
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
		h := SuppressTable([]Count{{c.n, c.level}}, nil)
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
		if got := g.shown(SuppressTable(g.counts, g.sums)); got != c.want {
			t.Errorf("%s: %v reads %q, want %q", c.name, c.parts, got, c.want)
		}
	}
}

// A regency's victims by sex and age beside their total.
func TestComplementsOfABreakdownRow(t *testing.T) {
	t.Parallel()
	row := []Count{{3, "regency"}, {0, "regency"}, {6, "regency"}, {9, "regency"}, {18, "regency"}}
	sum := Sum{Total: 4, Parts: []int{0, 1, 2, 3}}
	h := SuppressTable(row, []Sum{sum})
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
	h = SuppressTable(own, []Sum{{Total: 2, Parts: []int{0, 1}}})
	if h[0] != HiddenSmall || h[1] != HiddenSmall || h[2] != Shown {
		t.Errorf("a sum that does not hold: %v", h)
	}
}

// A small count protected in its row and its column: the complements need
// complements of their own, until every row and column is safe.
func TestComplementsReachAFixedPoint(t *testing.T) {
	t.Parallel()
	g := newGrid([][]int{{2, 6}, {7, 8}, {9, 10}})
	got := g.shown(SuppressTable(g.counts, g.sums))
	if want := "<5 • 8 | • • 15 | 9 10 19 | 18 24 42"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Random tables of 2 to 4 regencies and 2 to 4 groups, against a reader who
// tries every value of every hidden count: no count hidden as "<5" may come
// out as one value, except in the case SuppressTable documents (all parts of
// a row "<5" and its total 4: 1 + 1 + 1 + 1). Some tables have a province
// figure of its own that is not the sum of its regencies', or a row whose
// parts are not a breakdown of its total (exploitation types): those sums
// give nothing away and are left out of the reader's sums too.
func TestNoHiddenSmallCountCanBeWorkedOut(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 2026))
	value := func() int {
		switch x := rng.IntN(10); {
		case x < 4:
			return 0
		case x < 8:
			return 1 + rng.IntN(4)
		default:
			return 5 + rng.IntN(6)
		}
	}
	tried, skipped := 0, 0
	for range 600 {
		parts := make([][]int, 2+rng.IntN(3))
		groups := 2 + rng.IntN(3)
		for r := range parts {
			for range groups {
				parts[r] = append(parts[r], value())
			}
		}
		g := newGrid(parts)
		if rng.IntN(4) == 0 {
			g.counts[g.at(g.rows, rng.IntN(groups+1))].N += 1 + rng.IntN(3)
		}
		sums := g.sums
		if rng.IntN(4) == 0 {
			k := rng.IntN(g.rows)
			sums = append(append([]Sum{}, sums[:k]...), sums[k+1:]...)
		}
		h := SuppressTable(g.counts, sums)
		values, ok := readerValues(g.counts, h, sums, 300_000)
		if !ok {
			skipped++
			continue
		}
		tried++
		for i, vs := range values {
			if h[i] == HiddenSmall && len(vs) < 2 && !allOnes(g, h, i) {
				t.Errorf("%v: hidden count %d is %v to a reader: %s", parts, i, vs, g.shown(h))
			}
		}
	}
	if tried < 590 {
		t.Errorf("only %d tables searched through (%d too big)", tried, skipped)
	}
}

// allOnes says whether count i is in a regency row of four parts that all
// read "<5" beside a total of 4.
func allOnes(g *grid, h []Hiding, i int) bool {
	r := i / (g.cols + 1)
	if r == g.rows || g.cols != SmallCellLimit || g.counts[g.at(r, g.cols)].N != SmallCellLimit {
		return false
	}
	for c := 0; c < g.cols; c++ {
		if h[g.at(r, c)] != HiddenSmall {
			return false
		}
	}
	return true
}

// readerValues tries every value of every hidden count that the marks
// allow (up to the sum of the table, more than any count can be) and keeps
// those that fit all the sums that hold; false if the search takes more
// than budget steps.
func readerValues(counts []Count, h []Hiding, sums []Sum, budget int) (map[int]map[int]bool, bool) {
	limit := 0
	for _, c := range counts {
		limit += c.N
	}
	var exact []Sum
	for _, s := range sums {
		if s.holds(counts) {
			exact = append(exact, s)
		}
	}
	var hidden []int
	lo, hi := make([]int, len(counts)), make([]int, len(counts))
	for i, c := range counts {
		l, u := marked(c, h[i])
		lo[i], hi[i] = l, min(u, limit)
		if h[i] != Shown {
			hidden = append(hidden, i)
		}
	}
	seen := map[int]map[int]bool{}
	for _, i := range hidden {
		seen[i] = map[int]bool{}
	}
	val := make([]int, len(counts))
	set := make([]bool, len(counts))
	for i, c := range counts {
		if h[i] == Shown {
			val[i], set[i] = c.N, true
		}
	}
	// possible: each sum can still add up given what is set so far
	possible := func() bool {
		for _, s := range exact {
			minP, maxP := 0, 0
			for _, p := range s.Parts {
				if set[p] {
					minP, maxP = minP+val[p], maxP+val[p]
				} else {
					minP, maxP = minP+lo[p], maxP+hi[p]
				}
			}
			tLo, tHi := lo[s.Total], hi[s.Total]
			if set[s.Total] {
				tLo, tHi = val[s.Total], val[s.Total]
			}
			if minP > tHi || maxP < tLo {
				return false
			}
		}
		return true
	}
	steps := 0
	var walk func(k int) bool
	walk = func(k int) bool {
		if steps++; steps > budget {
			return false
		}
		if k == len(hidden) {
			for _, i := range hidden {
				seen[i][val[i]] = true
			}
			return true
		}
		i := hidden[k]
		for v := lo[i]; v <= hi[i]; v++ {
			val[i], set[i] = v, true
			if possible() && !walk(k+1) {
				return false
			}
		}
		set[i] = false
		return true
	}
	return seen, walk(0)
}
