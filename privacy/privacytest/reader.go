// Package privacytest is a reader of suppressed tables of case figures, for
// tests: it knows the rules of docs/reports.md ("Hidden case figures") and
// nothing of how privacy.SuppressTable chooses, and tries every value of
// every hidden count.
package privacytest

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"jangkau/catalog"
	"jangkau/privacy"
)

// Table is a table of case figures as one reader sees it.
type Table struct {
	Marks  []string      // each count as shown: a number, privacy.SmallMark or privacy.ComplementMark
	Levels []string      // the level of the area each count is of
	Sums   []privacy.Sum // parts that add up to a total, as far as the reader knows
	Known  map[int]int   // counts the reader knows exactly (its own regency's)
	Limit  int           // no count is larger: bounds the search of a "•"
}

// Range is what the reader makes of count i: a known or shown count is
// itself; "<5" is 1 to 4; "•" is at least 1 at province level, and below it
// at least 5, or 4 where it is the total of parts that, each "<5" read as 1,
// add up to 4.
func (t Table) Range(i int) (lo, hi int) {
	if v, ok := t.Known[i]; ok {
		return v, v
	}
	switch t.Marks[i] {
	case privacy.SmallMark:
		return 1, privacy.SmallCellLimit
	case privacy.ComplementMark:
		if t.Levels[i] == catalog.LevelProvince {
			return 1, t.Limit
		}
		if t.pinnedTotal(i) {
			return privacy.SmallCellLimit, t.Limit
		}
		// the only part counted of such a total is that total
		for _, s := range t.Sums {
			if t.pinnedTotal(s.Total) && slices.Contains(s.Parts, i) && t.onlyCounted(s, i) {
				return privacy.SmallCellLimit, t.Limit
			}
		}
		return privacy.SmallCellLimit + 1, t.Limit
	}
	n, err := strconv.Atoi(t.Marks[i])
	if err != nil {
		panic("privacytest: a count reads " + strconv.Quote(t.Marks[i]))
	}
	return n, n
}

// pinnedTotal reports whether count i is a total "•" of parts that, each
// "<5" read as 1, add up to 4: it may be 4.
func (t Table) pinnedTotal(i int) bool {
	if t.Marks[i] != privacy.ComplementMark {
		return false
	}
	for _, s := range t.Sums {
		if s.Total == i && t.partsLow(s) == privacy.SmallCellLimit {
			return true
		}
	}
	return false
}

// onlyCounted reports whether part i is the only part of s not shown as 0.
func (t Table) onlyCounted(s privacy.Sum, i int) bool {
	for _, p := range s.Parts {
		if p != i && t.Marks[p] != "0" {
			return false
		}
	}
	return true
}

// partsLow adds up the least each part of s can be by its mark alone.
func (t Table) partsLow(s privacy.Sum) int {
	low := 0
	for _, p := range s.Parts {
		switch t.Marks[p] {
		case privacy.SmallMark:
			low++
		case privacy.ComplementMark:
			if t.Levels[p] == catalog.LevelProvince {
				low++
			} else {
				low += privacy.SmallCellLimit + 1
			}
		default:
			n, _ := strconv.Atoi(t.Marks[p])
			low += n
		}
	}
	return low
}

// Determined reports whether count i can only be v to the reader: no
// assignment of the counts that fits every sum and every range gives it
// another value. Counts whose range is one value are that value. The
// search narrows the ranges along the sums and splits the narrowest one in
// two, which finds an assignment whenever there is one; ok is false when
// it takes more than budget steps.
func (t Table) Determined(i, v, budget int) (determined, ok bool) {
	n := len(t.Marks)
	lo, hi := make([]int, n), make([]int, n)
	for k := range n {
		lo[k], hi[k] = t.Range(k)
	}
	steps := 0
	for _, side := range [][2]int{{lo[i], v - 1}, {v + 1, hi[i]}} {
		if side[0] > side[1] {
			continue
		}
		l, h := slices.Clone(lo), slices.Clone(hi)
		l[i], h[i] = side[0], side[1]
		found, done := t.feasible(l, h, &steps, budget)
		if !done {
			return false, false
		}
		if found {
			return false, true
		}
	}
	return true, true
}

// feasible reports whether some assignment within [lo, hi] fits every sum;
// done is false when the search ran out of steps.
func (t Table) feasible(lo, hi []int, steps *int, budget int) (found, done bool) {
	if *steps++; *steps > budget {
		return false, false
	}
	if !t.narrow(lo, hi) {
		return false, true
	}
	split := -1
	for k := range lo {
		if lo[k] < hi[k] && (split < 0 || hi[k]-lo[k] < hi[split]-lo[split]) {
			split = k
		}
	}
	if split < 0 {
		return true, true // every count has one value, and every sum adds up
	}
	mid := lo[split] + (hi[split]-lo[split])/2
	for _, side := range [][2]int{{lo[split], mid}, {mid + 1, hi[split]}} {
		l, h := slices.Clone(lo), slices.Clone(hi)
		l[split], h[split] = side[0], side[1]
		if found, done := t.feasible(l, h, steps, budget); found || !done {
			return found, done
		}
	}
	return false, true
}

// narrow tightens the ranges along the sums until nothing changes: a total
// lies between the least and the most its parts add up to, and a part
// between the total less the most and less the least the other parts add
// up to. False when a range comes out empty.
func (t Table) narrow(lo, hi []int) bool {
	for changed := true; changed; {
		changed = false
		for _, s := range t.Sums {
			minP, maxP := 0, 0
			for _, p := range s.Parts {
				minP, maxP = minP+lo[p], maxP+hi[p]
			}
			tighten := func(k, l, h int) {
				if l > lo[k] {
					lo[k], changed = l, true
				}
				if h < hi[k] {
					hi[k], changed = h, true
				}
			}
			tighten(s.Total, minP, maxP)
			for _, p := range s.Parts {
				tighten(p, lo[s.Total]-(maxP-hi[p]), hi[s.Total]-(minP-lo[p]))
			}
			for k := range lo {
				if lo[k] > hi[k] {
					return false
				}
			}
		}
	}
	return true
}

// RandomCount draws a count as case figures run: 0 four times in ten, 1 to
// 4 four times, and 5 to 4 + large twice.
func RandomCount(rng *rand.Rand, large int) int {
	switch x := rng.IntN(10); {
	case x < 4:
		return 0
	case x < 8:
		return 1 + rng.IntN(4)
	default:
		return 5 + rng.IntN(large)
	}
}
