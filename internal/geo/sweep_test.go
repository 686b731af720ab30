package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteTouch is the O(n²) reference for sweep.
func bruteTouch(segs []segment, tol float64) bool {
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			if !segs[i].adjacent(segs[j]) && segmentsTouch(segs[i], segs[j], tol) {
				return true
			}
		}
	}
	return false
}

// randomRings returns rings of random vertices: a mix of simple star-shaped
// rings and arbitrary (usually self-intersecting) ones, on a coarse grid so
// that ties, shared x and collinear edges are common.
func randomRings(r *rand.Rand) [][]xy {
	snap := math.Round
	if r.IntN(2) == 0 {
		snap = func(f float64) float64 { return f + r.Float64()*0.3 }
	}
	var rings [][]xy
	for range 1 + r.IntN(3) {
		n := 3 + r.IntN(12)
		ring := make([]xy, n)
		cx, cy := float64(r.IntN(8)), float64(r.IntN(8))
		for i := range ring {
			if r.IntN(2) == 0 {
				a := 2 * math.Pi * float64(i) / float64(n)
				d := 1 + float64(r.IntN(4))
				ring[i] = xy{snap(cx + d*math.Cos(a)), snap(cy + d*math.Sin(a))}
			} else {
				ring[i] = xy{snap(float64(r.IntN(10))), snap(float64(r.IntN(10)))}
			}
		}
		if distinct(ring) && !folds(ring) {
			rings = append(rings, ring)
		}
	}
	return rings
}

// distinct reports whether the ring repeats no vertex, as checkRing ensures
// before the sweep runs.
func distinct(ring []xy) bool {
	seen := map[xy]bool{}
	for _, p := range ring {
		if seen[p] {
			return false
		}
		seen[p] = true
	}
	return true
}

// folds reports whether consecutive edges overlap, as checkFolds rejects.
func folds(ring []xy) bool {
	m := len(ring)
	for k := range m {
		prev, cur, next := ring[(k+m-1)%m], ring[k], ring[(k+1)%m]
		if pointSegDist(prev, segment{lo: cur, hi: next}) <= 1e-9 || pointSegDist(next, segment{lo: prev, hi: cur}) <= 1e-9 {
			return true
		}
	}
	return false
}

func ringSegments(rings [][]xy) []segment {
	var segs []segment
	for ri, ring := range rings {
		m := len(ring)
		for k := range m {
			lo, hi := ring[k], ring[(k+1)%m]
			if lessXY(hi, lo) {
				lo, hi = hi, lo
			}
			segs = append(segs, segment{r: ri, k: k, lo: lo, hi: hi, m: m})
		}
	}
	return segs
}

// TestSweepMatchesBruteForce checks the Shamos–Hoey sweep against the
// quadratic reference on random rings, including degenerate ones (vertical
// edges, shared x, collinear overlaps, repeated points).
func TestSweepMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	found := 0
	for i := range 30000 {
		segs := ringSegments(randomRings(r))
		want := bruteTouch(segs, 1e-9)
		_, _, got := sweep(segs, 1e-9)
		if got != want {
			t.Fatalf("case %d: sweep %v, brute force %v: %v", i, got, want, segs)
		}
		if want {
			found++
		}
	}
	t.Logf("%d of 30000 random ring sets touch", found)
}
