package ceasefire

import "math"

// grid is a filter for candidate links: a multi-level grid over unit vectors
// (points on the unit sphere in 3-D), so it has no trouble at the poles or the
// antimeridian. Each site sits at the finest level whose cells are at least
// twice its extent, where extent is the chord of its disc radius plus half of
// RadiusM; a query scans, at every level in use, the cells within its own
// extent plus half a cell. Two linked sites have discs (of radius R/2 + u) that
// overlap, so their chord distance is at most the sum of their extents and each
// is found from the other. The grid only proposes candidates; linked decides.
type grid struct {
	base   float64 // cell size at level 0, in chord units
	levels []*gridLevel
}

type gridLevel struct {
	size  float64
	items []int32 // in insertion order; the sweep evicts from the front
	head  int
	cells map[[3]int32][]int32
}

// maxLevel bounds the levels: at base ≥ minCell, level 22 cells exceed the
// sphere's diameter.
const (
	maxLevel = 24
	minCell  = 1e-6 // chord units, about 6 m
)

func newGrid(p Params) *grid {
	return &grid{base: max(2*chordExtent(p.RadiusM/2), minCell)}
}

// chordExtent returns the chord of an arc of length m metres plus a margin of
// a metre, capped at the diameter. The margin absorbs rounding in the distance
// and the unit vectors.
func chordExtent(m float64) float64 {
	half := (m + 1) / (2 * EarthRadiusM)
	if !(half < math.Pi/2) {
		return 2
	}
	return 2 * math.Sin(half)
}

func (g *grid) level(ext float64) *gridLevel {
	l, size := 0, g.base
	for size < 2*ext && l < maxLevel {
		l, size = l+1, size*2
	}
	for len(g.levels) <= l {
		g.levels = append(g.levels, nil)
	}
	if g.levels[l] == nil {
		g.levels[l] = &gridLevel{size: g.base * math.Exp2(float64(l)), cells: map[[3]int32][]int32{}}
	}
	return g.levels[l]
}

func (lv *gridLevel) key(v [3]float64) [3]int32 {
	return [3]int32{int32(math.Floor(v[0] / lv.size)), int32(math.Floor(v[1] / lv.size)), int32(math.Floor(v[2] / lv.size))}
}

func (g *grid) add(i int32, s *site) {
	lv := g.level(s.ext)
	lv.items = append(lv.items, i)
	k := lv.key(s.v)
	lv.cells[k] = append(lv.cells[k], i)
}

// evict drops, at every level, the sites observed before t. Sites must have
// been added in time order.
func (g *grid) evict(t int64, sites []site) {
	for _, lv := range g.levels {
		for lv != nil && lv.head < len(lv.items) && sites[lv.items[lv.head]].t < t {
			i := lv.items[lv.head]
			lv.head++
			k := lv.key(sites[i].v)
			if rest := lv.cells[k][1:]; len(rest) > 0 {
				lv.cells[k] = rest
			} else {
				delete(lv.cells, k)
			}
		}
	}
}

// query calls fn for every site that may be linked to s, and possibly others.
func (g *grid) query(s *site, fn func(int32)) {
	for _, lv := range g.levels {
		if lv != nil && lv.head < len(lv.items) {
			lv.query(s, fn)
		}
	}
}

func (lv *gridLevel) query(s *site, fn func(int32)) {
	h := s.ext + lv.size/2
	var lo, hi [3]float64
	cells := 1.0
	for a := range 3 {
		lo[a], hi[a] = math.Floor((s.v[a]-h)/lv.size), math.Floor((s.v[a]+h)/lv.size)
		cells *= hi[a] - lo[a] + 1
	}
	if !(cells <= float64(len(lv.items)-lv.head)) {
		for _, i := range lv.items[lv.head:] {
			fn(i)
		}
		return
	}
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			for z := lo[2]; z <= hi[2]; z++ {
				for _, i := range lv.cells[[3]int32{int32(x), int32(y), int32(z)}] {
					fn(i)
				}
			}
		}
	}
}
