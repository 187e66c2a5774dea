package privacytest_test

import (
	"math/rand/v2"
	"testing"

	"jangkau/catalog"
	"jangkau/privacy"
	"jangkau/privacy/privacytest"
)

// Determined agrees with a plain enumeration of every assignment (each open
// count tried at every value its range allows, pruned only where a sum can
// no longer add up) on small random tables of two or three regencies.
func TestDeterminedMatchesEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 2026))
	compared, determined := 0, 0
	for range 300 {
		rows, cols := 2+rng.IntN(2), 2
		// counts by row, each row's parts then its total; the province last
		var counts []privacy.Count
		prov := make([]int, cols+1)
		for range rows {
			total := 0
			for c := range cols {
				n := privacytest.RandomCount(rng, 3)
				counts = append(counts, privacy.Count{N: n, Level: catalog.LevelRegency})
				total += n
				prov[c] += n
			}
			counts = append(counts, privacy.Count{N: total, Level: catalog.LevelRegency})
			prov[cols] += total
		}
		for _, n := range prov {
			counts = append(counts, privacy.Count{N: n, Level: catalog.LevelProvince})
		}
		at := func(r, c int) int { return r*(cols+1) + c }
		var sums []privacy.Sum
		for r := 0; r <= rows; r++ {
			s := privacy.Sum{Total: at(r, cols)}
			for c := range cols {
				s.Parts = append(s.Parts, at(r, c))
			}
			sums = append(sums, s)
		}
		for c := 0; c <= cols; c++ {
			s := privacy.Sum{Total: at(rows, c)}
			for r := range rows {
				s.Parts = append(s.Parts, at(r, c))
			}
			sums = append(sums, s)
		}
		// marks of a table suppressed against nobody, so that some counts
		// are determined to a reader who knows a row
		h := privacy.SuppressTable(counts, sums, nil)
		table := privacytest.Table{Sums: sums, Known: map[int]int{}}
		for i, c := range counts {
			table.Marks = append(table.Marks, h[i].Show(c.N))
			table.Levels = append(table.Levels, c.Level)
			table.Limit += c.N
		}
		if rng.IntN(2) == 0 {
			r := rng.IntN(rows)
			for c := 0; c <= cols; c++ {
				table.Known[at(r, c)] = counts[at(r, c)].N
			}
		}
		values := enumerate(table)
		for i, c := range counts {
			if lo, hi := table.Range(i); lo == hi {
				continue
			}
			got, ok := table.Determined(i, c.N, 1_000_000)
			if !ok {
				t.Fatal("search too long")
			}
			if want := len(values[i]) == 1; got != want {
				t.Errorf("%v %v known %v: count %d (%d) determined %v, enumeration %v", counts, table.Marks, table.Known, i, c.N, got, values[i])
			}
			compared++
			if got {
				determined++
			}
		}
	}
	t.Logf("%d counts compared, %d of them determined", compared, determined)
	if determined == 0 || determined == compared {
		t.Error("the tables do not tell determined counts from open ones")
	}
}

// enumerate tries every value of every open count and keeps, per count,
// the values of the assignments that fit every sum.
func enumerate(t privacytest.Table) map[int]map[int]bool {
	n := len(t.Marks)
	lo, hi := make([]int, n), make([]int, n)
	val, set := make([]int, n), make([]bool, n)
	var open []int
	for i := range n {
		lo[i], hi[i] = t.Range(i)
		if lo[i] == hi[i] {
			val[i], set[i] = lo[i], true
		} else {
			open = append(open, i)
		}
	}
	seen := map[int]map[int]bool{}
	for _, i := range open {
		seen[i] = map[int]bool{}
	}
	possible := func() bool {
		for _, s := range t.Sums {
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
	var walk func(k int)
	walk = func(k int) {
		if k == len(open) {
			for _, i := range open {
				seen[i][val[i]] = true
			}
			return
		}
		i := open[k]
		for v := lo[i]; v <= hi[i]; v++ {
			val[i], set[i] = v, true
			if possible() {
				walk(k + 1)
			}
		}
		set[i] = false
	}
	walk(0)
	return seen
}
