package privacy

import (
	"slices"
	"sort"
	"strconv"

	"jangkau/catalog"
)

// Small case counts are hidden in two steps (docs/reports.md, "Hidden case
// figures"):
//
//   - primary: below province level a count from 1 to SmallCellLimit reads
//     SmallMark, so that no victim can be singled out;
//   - complementary: where a table also shows the total those counts add up
//     to, one hidden count would be the total minus the counts shown, and
//     two "<5" adding up to 2 would both be 1. So more counts are hidden,
//     marked ComplementMark, until no hidden count can be worked out exactly
//     from what the table shows — by a reader who knows nothing else, nor by
//     one who knows one group of the table exactly (a regency's own figures,
//     which its verifier enters).
//
// A shown 0 names nobody and stays shown; zeros are never hidden as
// complements either: a hidden zero beside one small count leaves the small
// count as the whole difference (1 + 0 = 1), and would make a reader look for
// cases where there are none.

// SmallCellLimit is the largest count hidden as "<5".
const SmallCellLimit = 4

// The marks of a hidden count.
const (
	SmallMark      = "<5" // a count from 1 to SmallCellLimit
	ComplementMark = "•"  // a count hidden so that a small count beside it cannot be worked out
)

// Hiding says whether a count is shown, and why not.
type Hiding uint8

const (
	Shown            Hiding = iota
	HiddenSmall             // primary: 1 to SmallCellLimit below province level
	HiddenComplement        // complementary: hidden to protect a small count
)

// Show renders the count n as hidden by h: the number, SmallMark or
// ComplementMark.
func (h Hiding) Show(n int) string {
	switch h {
	case HiddenSmall:
		return SmallMark
	case HiddenComplement:
		return ComplementMark
	}
	return strconv.Itoa(n)
}

// isSmall is the primary rule: below province level a count from 1 to
// SmallCellLimit is hidden.
func isSmall(n int, level string) bool {
	return level != catalog.LevelProvince && n >= 1 && n <= SmallCellLimit
}

// Count is one count of a table of case figures.
type Count struct {
	N     int    // the count
	Level string // the level of the area counted: catalog.LevelProvince, LevelRegency...
}

// Sum says that counts of a table add up to another one shown beside them:
// Parts to Total, as indexes into the table. Parts are in display order: a
// complement is the smallest of them, the first one on a tie.
type Sum struct {
	Total int
	Parts []int
}

// holds reports whether the parts of s add up to its total in the table.
// One that does not (a province figure of its own beside its regencies'
// figures, exploitation types of cases with several) gives no exact
// subtraction.
func (s Sum) holds(counts []Count) bool {
	sum := 0
	for _, p := range s.Parts {
		sum += counts[p].N
	}
	return sum == counts[s.Total].N
}

// SuppressTable decides which counts of a table of case figures are hidden:
// the small ones (primary), then complements until no hidden count can be
// worked out exactly from the counts shown, their marks and the sums — by a
// reader who knows nothing more, nor by a reader who knows exactly the
// counts of any one of the known groups (each regency's row: its verifier
// enters them). Counts of the group a reader knows are its own; every other
// hidden count must stay open to it.
//
// The sums must hold in the table to matter (one that does not gives no
// exact subtraction) and a count may be in two of them at most (a row and a
// column); counts must come in display order.
//
// The reader is assumed to know the rules: a count marked "<5" is 1 to 4,
// one marked "•" is at least 1 at province level and below it at least 5 —
// or at least 4 where it is the total of parts that, each "<5" read as 1,
// add up to 4 (four "<5" beside a total of 4 can only be 1 + 1 + 1 + 1, so
// such a total reads "•" rather than "<5") — and the parts of each sum add
// up to its total. A hidden count is safe when another table that fits all
// of that (and the counts the reader knows) gives it another value. Each
// count links the two sums it is in, so the sums form a network, and in a
// table of rows and columns that other table exists exactly when the count
// lies on a cycle of hidden counts, none of them known to the reader, along
// which one can add and take away 1 in turn without leaving their marks'
// ranges (cheapestCycle; the tests check it against a reader who tries
// every value). Where there is none, the cheapest such cycle through shown
// counts is taken and its shown counts are hidden too: the smallest counts,
// the first in display order on a tie. Each round hides at least one count,
// so it ends.
//
// Left open: a count is only kept from being known exactly, not from a
// range such as "1 or 2"; a reader who knows two groups may learn more.
func SuppressTable(counts []Count, sums []Sum, known [][]int) []Hiding {
	return SuppressTableProtecting(counts, sums, known, Guard{})
}

// Guard is what other tables of the same figures ask of one table
// (SuppressTableProtecting): Protect marks counts (above 0) to hide whatever
// their size and to keep from being worked out like the small ones; Low,
// where above 0, is the least a reader reads a count marked "•" to be (4:
// a small total whose parts, each "<5" read as 1, add up to 4 in another
// table, and a part that is the only one counted of such a total), and such
// a count is marked "•" even when small. Public lists counts shown
// elsewhere as they are (a district's outreach counts, which the regency's
// view lists, beside its villages'): never hidden, and known to every reader.
type Guard struct {
	Protect []bool
	Low     []int
	Public  []int
}

// SuppressTableProtecting is SuppressTable with a guard: a total that
// another table of the same figures hides (victims by sex and victims by
// age band share the victims' total) must stay open in this one as well.
func SuppressTableProtecting(counts []Count, sums []Sum, known [][]int, g Guard) []Hiding {
	hiding := make([]Hiding, len(counts))
	isPublic := make([]bool, len(counts))
	for _, i := range g.Public {
		isPublic[i] = true
	}
	protected := func(i int) bool { return g.Protect != nil && g.Protect[i] && counts[i].N > 0 }
	for i, c := range counts {
		switch {
		case isPublic[i]:
		case protected(i) && g.Low != nil && g.Low[i] > 0:
			hiding[i] = HiddenComplement
		case isSmall(c.N, c.Level):
			hiding[i] = HiddenSmall
		case protected(i):
			hiding[i] = HiddenComplement
		}
	}
	var exact []Sum
	for _, s := range sums {
		if s.holds(counts) {
			exact = append(exact, s)
		}
	}
	net := newNetwork(counts, exact)
	net.low = g.Low
	net.unpin(hiding)

	// a reader per known group, then one who knows nothing: the knowing
	// ones first, as what protects a count from them mostly protects it
	// from the other too
	var readers [][]bool
	for _, g := range slices.Concat(known, [][]int{nil}) { // then a reader who knows only the public counts
		fixed := slices.Clone(isPublic)
		for _, i := range g {
			fixed[i] = true
		}
		readers = append(readers, fixed)
	}
	// per reader and count: checked (safe, or given away whatever is
	// hidden: stuck) and the cycle that keeps it safe
	checked, stuck := grid[bool](len(readers), len(counts)), grid[bool](len(readers), len(counts))
	witness := grid[[]int](len(readers), len(counts))
	for changed := true; changed; {
		changed = false
		for i := range counts {
			for k, fixed := range readers {
				if hiding[i] == Shown || !(isSmall(counts[i].N, counts[i].Level) || protected(i)) || fixed[i] || checked[k][i] {
					continue
				}
				checked[k][i] = true
				if w, ok := avoiding(witness, i, fixed); ok {
					witness[k][i] = w // a cycle kept for another reader holds for this one too
					continue
				}
				cost, cycle, found := net.cheapestCycle(i, hiding, fixed)
				if !found {
					stuck[k][i] = true
					continue
				}
				if cost > 0 {
					for _, c := range cycle {
						if hiding[c] == Shown {
							hiding[c] = HiddenComplement
							changed = true
						}
					}
				}
				// hiding more only widens what a reader must allow, so a
				// count once safe stays safe while complements are added
				witness[k][i] = cycle
			}
		}
	}
	net.reveal(hiding, readers, checked, stuck, witness, protected)
	return hiding
}

// avoiding finds a cycle already kept safe for count i (for any reader)
// that runs through no count the reader knows.
func avoiding(witness [][][]int, i int, fixed []bool) ([]int, bool) {
	for _, w := range witness {
		if w[i] != nil && !slices.ContainsFunc(w[i], func(c int) bool { return fixed[c] }) {
			return w[i], true
		}
	}
	return nil, false
}

func grid[T any](rows, cols int) [][]T {
	out := make([][]T, rows)
	for k := range out {
		out[k] = make([]T, cols)
	}
	return out
}

// unpin hides as "•" a small total whose parts can only be 1 each (four
// "<5" beside a "<5" total of 4): read as "<5" it would give every part away.
func (n *network) unpin(hiding []Hiding) {
	for _, s := range n.sums {
		if hiding[s.Total] == HiddenSmall && n.partsLow(s, hiding) >= SmallCellLimit {
			hiding[s.Total] = HiddenComplement
		}
	}
}

// partsLow is the least the parts of s can add up to, as their marks read
// (a "•" part read as its plain lower bound).
func (n *network) partsLow(s Sum, hiding []Hiding) int {
	low := 0
	for _, p := range s.Parts {
		switch hiding[p] {
		case HiddenSmall:
			low++
		case HiddenComplement:
			low += complementLow(n.counts[p].Level)
		default:
			low += n.counts[p].N
		}
	}
	return low
}

// complementLow is the least a "•" count can be: 1 at province level, and
// below it SmallCellLimit + 1, since 1 to SmallCellLimit would read "<5".
func complementLow(level string) int {
	if isSmall(1, level) {
		return SmallCellLimit + 1
	}
	return 1
}

// reveal shows again each complement that turns out not to be needed once
// the others are hidden (a cycle found early can be made redundant by one
// found later), the largest first: they tell the most. A complement that
// is itself a small count (a total of 1 + 1 + 1 + 1) stays hidden.
func (n *network) reveal(hiding []Hiding, readers [][]bool, checked, stuck [][]bool, witness [][][]int, protected func(int) bool) {
	var complements []int
	for i, h := range hiding {
		if h == HiddenComplement && !isSmall(n.counts[i].N, n.counts[i].Level) && !protected(i) {
			complements = append(complements, i)
		}
	}
	sort.SliceStable(complements, func(a, b int) bool {
		return n.counts[complements[a]].N > n.counts[complements[b]].N
	})
	type pair struct{ k, i int }
	for _, c := range complements {
		hiding[c] = Shown
		redone := map[pair][]int{}
		needed := false
	check:
		for k, fixed := range readers {
			for i := range hiding {
				if i == c || hiding[i] == Shown || !checked[k][i] || stuck[k][i] || !slices.Contains(witness[k][i], c) {
					continue
				}
				cost, cycle, found := n.cheapestCycle(i, hiding, fixed)
				if !found || cost > 0 {
					needed = true
					break check
				}
				redone[pair{k, i}] = cycle
			}
		}
		if needed {
			hiding[c] = HiddenComplement
			continue
		}
		for p, cycle := range redone {
			witness[p.k][p.i] = cycle
		}
	}
}

// unbounded stands for "no upper limit known".
const unbounded = 1 << 40

// marked is the range [lo, hi] that count i marked h tells a reader, given
// the other marks of the table.
func (n *network) marked(i int, h Hiding, hiding []Hiding) (lo, hi int) {
	c := n.counts[i]
	switch h {
	case HiddenSmall:
		return 1, SmallCellLimit
	case HiddenComplement:
		lo := complementLow(c.Level)
		if n.low != nil && n.low[i] > 0 {
			lo = min(lo, n.low[i])
		}
		for _, s := range n.totalOf[i] {
			if lo > SmallCellLimit && n.partsLow(n.sums[s], hiding) == SmallCellLimit {
				lo = SmallCellLimit // it may be a total of 1 + 1 + 1 + 1 (unpin)
			}
		}
		return lo, unbounded
	}
	return c.N, c.N
}

// A link is where a count enters a sum: the sum and the count's sign in it
// (+1 a part, -1 the total).
type link struct{ sum, sign int }

// network links each count to the sums it is in. A count in fewer than two
// is linked to free, which stands for "no sum": nothing needs to balance
// there.
type network struct {
	counts  []Count
	sums    []Sum
	links   [][2]link
	in      [][]int // per sum (and free): the counts in it
	totalOf [][]int // per count: the sums it is the total of
	free    int
	low     []int // Guard.Low
}

func newNetwork(counts []Count, sums []Sum) *network {
	n := &network{counts: counts, sums: sums, links: make([][2]link, len(counts)), in: make([][]int, len(sums)+1),
		totalOf: make([][]int, len(counts)), free: len(sums)}
	linked := make([]int, len(counts))
	add := func(c int, l link) {
		if linked[c] == 2 {
			panic("privacy: a count is in more than two sums")
		}
		n.links[c][linked[c]] = l
		linked[c]++
		n.in[l.sum] = append(n.in[l.sum], c)
	}
	for k, s := range sums {
		add(s.Total, link{k, -1})
		n.totalOf[s.Total] = append(n.totalOf[s.Total], k)
		for _, p := range s.Parts {
			add(p, link{k, 1})
		}
	}
	for c := range counts {
		for linked[c] < 2 {
			add(c, link{n.free, 0})
		}
	}
	return n
}

// step says whether count c may move by d (+1 or -1) and stay in the range
// its mark gives it, and what hiding it costs: nothing if it is hidden, its
// size (then its place, for ties) if it is shown. A shown 0 never moves:
// zeros are not hidden; nor does a count the reader knows (fixed).
func (n *network) step(c, d int, hiding []Hiding, fixed []bool) (cost int, ok bool) {
	if fixed[c] {
		return 0, false
	}
	h, v := hiding[c], n.counts[c].N
	if h == Shown {
		if v == 0 {
			return 0, false
		}
		h = HiddenComplement
		cost = v*(len(n.counts)*len(n.counts)+1) + c + 1
	}
	lo, hi := n.marked(c, h, hiding)
	return cost, v+d >= lo && v+d <= hi
}

// A state of the search: at a sum, what it still needs to balance (+1 or
// -1; 0 at free).
type state struct{ sum, need int }

// cheapestCycle looks for the cheapest cycle through the hidden count i
// that avoids the counts the reader knows (fixed): counts to move by +1 and
// -1 in turn so that every sum still adds up and every count stays in its
// range; found is false when there is none. A cost of 0 means the cycle
// runs through hidden counts only: i is safe. Else the shown counts of the
// cycle are to be hidden.
func (n *network) cheapestCycle(i int, hiding []Hiding, fixed []bool) (cost int, cycle []int, found bool) {
	a, b := n.links[i][0], n.links[i][1]
	if a.sum == n.free && b.sum == n.free {
		return 0, nil, true // in no sum: nothing gives it away
	}
	best := -1
	for _, d := range []int{1, -1} {
		if _, ok := n.step(i, d, hiding, fixed); !ok {
			continue
		}
		// moving i by d unbalances b by b.sign*d, to be made up by the
		// path, which must come back to a with a.sign*d to make up there
		start, goal := state{b.sum, -b.sign * d}, state{a.sum, a.sign * d}
		if a.sum == n.free {
			goal.need = 0
		}
		c, path, ok := n.cheapestPath(i, start, goal, hiding, fixed)
		if ok && (best < 0 || c < best) {
			best, cycle = c, path
		}
	}
	return best, cycle, best >= 0
}

// cheapestPath is Dijkstra's search from start to goal, over the counts
// other than i; it returns the counts of the path.
func (n *network) cheapestPath(i int, start, goal state, hiding []Hiding, fixed []bool) (int, []int, bool) {
	// states by index: sum*3 + need+1
	index := func(s state) int { return s.sum*3 + s.need + 1 }
	size := len(n.in) * 3
	dist, prevState, prevCount := make([]int, size), make([]int, size), make([]int, size)
	done := make([]bool, size)
	for k := range dist {
		dist[k] = -1
	}
	dist[index(start)] = 0
	for {
		cur := -1
		for k, d := range dist {
			if d >= 0 && !done[k] && (cur < 0 || d < dist[cur]) {
				cur = k
			}
		}
		if cur < 0 {
			return 0, nil, false
		}
		if cur == index(goal) {
			var path []int
			for k := cur; k != index(start); k = prevState[k] {
				path = append(path, prevCount[k])
			}
			return dist[cur], path, true
		}
		done[cur] = true
		at := state{cur / 3, cur%3 - 1}
		if at.sum == goal.sum {
			continue // back at i's other sum out of balance
		}
		for _, c := range n.in[at.sum] {
			if c == i {
				continue
			}
			here, there := n.links[c][0], n.links[c][1]
			if here.sum != at.sum {
				here, there = there, here
			}
			if here.sum == n.free && there.sum == n.free {
				continue
			}
			moves := []int{at.need * here.sign}
			if at.sum == n.free {
				moves = []int{1, -1}
			}
			for _, d := range moves {
				cost, ok := n.step(c, d, hiding, fixed)
				if !ok {
					continue
				}
				next := state{there.sum, -there.sign * d}
				if there.sum == n.free {
					next.need = 0
				}
				k := index(next)
				if !done[k] && (dist[k] < 0 || dist[cur]+cost < dist[k]) {
					dist[k], prevState[k], prevCount[k] = dist[cur]+cost, cur, c
				}
			}
		}
	}
}
