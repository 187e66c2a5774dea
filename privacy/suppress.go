package privacy

import (
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
//     from what the table shows.
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
// worked out exactly from the counts shown, their marks and the sums.
//
// The sums must hold in the table to matter (one that does not gives no
// exact subtraction) and a count may be in two of them at most (a row and a
// column); counts must come in display order.
//
// The reader is assumed to know the rules: a count marked "<5" is 1 to 4,
// one marked "•" is at least 1 (at least 5 below province level, where 1 to
// 4 would read "<5"), and the parts of each sum add up to its total. A
// hidden count is safe when another table that fits all of that gives it
// another value. Each count links the two sums it is in, so the sums form a
// network, and in a table of rows and columns that other table exists
// exactly when the count lies on a cycle of hidden counts along which one
// can add and take away 1 in turn without leaving their marks' ranges
// (cheapestCycle; the tests check it against a reader who tries every
// value). Where there is none, the cheapest such cycle through shown counts
// is taken and its shown counts are hidden too: the smallest counts, the
// first in display order on a tie. Each round hides at least one count, so
// it ends.
//
// Left open: a count is only kept from being known exactly, not from a
// range such as "1 or 2"; and a row whose parts all read "<5" beside a total
// of 4 can only be 1 + 1 + 1 + 1, with nothing left to hide there.
func SuppressTable(counts []Count, sums []Sum) []Hiding {
	hiding := make([]Hiding, len(counts))
	for i, c := range counts {
		if isSmall(c.N, c.Level) {
			hiding[i] = HiddenSmall
		}
	}
	var exact []Sum
	for _, s := range sums {
		if s.holds(counts) {
			exact = append(exact, s)
		}
	}
	net := newNetwork(counts, exact)
	stuck := make([]bool, len(counts)) // given away whatever else is hidden
	for {
		hid := false
		for i := range counts {
			if hiding[i] == Shown || stuck[i] {
				continue
			}
			cost, cycle, found := net.cheapestCycle(i, hiding)
			if !found {
				stuck[i] = true
				continue
			}
			if cost > 0 {
				for _, c := range cycle {
					if hiding[c] == Shown {
						hiding[c] = HiddenComplement
					}
				}
				hid = true
				break // what is safe now has changed: look again from the start
			}
		}
		if !hid {
			net.reveal(hiding, stuck)
			return hiding
		}
	}
}

// reveal shows again each complement that turns out not to be needed once
// the others are hidden (a cycle found early can be made redundant by one
// found later), the largest first: they tell the most.
func (n *network) reveal(hiding []Hiding, stuck []bool) {
	var complements []int
	for i, h := range hiding {
		if h == HiddenComplement {
			complements = append(complements, i)
		}
	}
	sort.SliceStable(complements, func(a, b int) bool {
		return n.counts[complements[a]].N > n.counts[complements[b]].N
	})
	for _, c := range complements {
		hiding[c] = Shown
		for i := range hiding {
			if hiding[i] != Shown && !stuck[i] {
				if cost, _, found := n.cheapestCycle(i, hiding); !found || cost > 0 {
					hiding[c] = HiddenComplement
					break
				}
			}
		}
	}
}

// unbounded stands for "no upper limit known".
const unbounded = 1 << 40

// marked is the range [lo, hi] the mark of a count tells a reader.
func marked(c Count, h Hiding) (lo, hi int) {
	switch h {
	case HiddenSmall:
		return 1, SmallCellLimit
	case HiddenComplement:
		if isSmall(1, c.Level) {
			return SmallCellLimit + 1, unbounded
		}
		return 1, unbounded
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
	counts []Count
	links  [][2]link
	in     [][]int // per sum (and free): the counts in it
	free   int
}

func newNetwork(counts []Count, sums []Sum) *network {
	n := &network{counts: counts, links: make([][2]link, len(counts)), in: make([][]int, len(sums)+1), free: len(sums)}
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
// zeros are not hidden.
func (n *network) step(c, d int, hiding []Hiding) (cost int, ok bool) {
	h, v := hiding[c], n.counts[c].N
	if h == Shown {
		if v == 0 {
			return 0, false
		}
		h = HiddenComplement
		cost = v*(len(n.counts)*len(n.counts)+1) + c + 1
	}
	lo, hi := marked(n.counts[c], h)
	return cost, v+d >= lo && v+d <= hi
}

// A state of the search: at a sum, what it still needs to balance (+1 or
// -1; 0 at free).
type state struct{ sum, need int }

// cheapestCycle looks for the cheapest cycle through the hidden count i:
// counts to move by +1 and -1 in turn so that every sum still adds up and
// every count stays in its range; found is false when there is none. A cost
// of 0 means the cycle runs through hidden counts only: i is safe. Else the
// shown counts of the cycle are to be hidden.
func (n *network) cheapestCycle(i int, hiding []Hiding) (cost int, cycle []int, found bool) {
	a, b := n.links[i][0], n.links[i][1]
	if a.sum == n.free && b.sum == n.free {
		return 0, nil, true // in no sum: nothing gives it away
	}
	best := -1
	for _, d := range []int{1, -1} {
		if _, ok := n.step(i, d, hiding); !ok {
			continue
		}
		// moving i by d unbalances b by b.sign*d, to be made up by the
		// path, which must come back to a with a.sign*d to make up there
		start, goal := state{b.sum, -b.sign * d}, state{a.sum, a.sign * d}
		if a.sum == n.free {
			goal.need = 0
		}
		c, path, ok := n.cheapestPath(i, start, goal, hiding)
		if ok && (best < 0 || c < best) {
			best, cycle = c, path
		}
	}
	return best, cycle, best >= 0
}

// cheapestPath is Dijkstra's search from start to goal, over the counts
// other than i; it returns the counts of the path.
func (n *network) cheapestPath(i int, start, goal state, hiding []Hiding) (int, []int, bool) {
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
				cost, ok := n.step(c, d, hiding)
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
