package airspace

import "math"

// fenceCellM is the size of the fence grid's cells.
const fenceCellM = 50e3

// liveFence is a fence in a Detector: its geometry, its box in the
// Detector's frame, the interned parties it binds, and its grid cells.
type liveFence struct {
	g      *fenceGeom
	id     string
	lo, hi [3]float64
	ptys   []int32
	cells  []int32
	alive  bool
}

// fenceGrid indexes fence boxes by 3-D cell.
type fenceGrid struct {
	index map[uint64]int32
	cells [][]int32
	gen   uint32 // bumped when a cell is created, to invalidate tracks' caches
}

func newFenceGrid() fenceGrid { return fenceGrid{index: map[uint64]int32{}} }

func fenceCellRange(lo, hi [3]float64) (c0, c1 [3]int32) {
	for k := range 3 {
		c0[k] = cellIndexOf(lo[k] / fenceCellM)
		c1[k] = cellIndexOf(hi[k] / fenceCellM)
	}
	return c0, c1
}

func cellIndexOf(x float64) int32 {
	return int32(max(-maxCellIdx, min(maxCellIdx, math.Floor(x))))
}

func eachCell3(c0, c1 [3]int32, fn func(c [4]int32)) {
	for x := c0[0]; x <= c1[0]; x++ {
		for y := c0[1]; y <= c1[1]; y++ {
			for z := c0[2]; z <= c1[2]; z++ {
				fn([4]int32{x, y, z, 0})
			}
		}
	}
}

func (g *fenceGrid) insert(f int32, lf *liveFence) {
	c0, c1 := fenceCellRange(lf.lo, lf.hi)
	lf.cells = lf.cells[:0]
	eachCell3(c0, c1, func(c [4]int32) {
		k := cellKey(c)
		ci, ok := g.index[k]
		if !ok {
			ci = int32(len(g.cells))
			g.index[k] = ci
			g.cells = append(g.cells, nil)
			g.gen++
		}
		g.cells[ci] = append(g.cells[ci], f)
		lf.cells = append(lf.cells, ci)
	})
}

func (g *fenceGrid) remove(f int32, lf *liveFence) {
	for _, ci := range lf.cells {
		list := g.cells[ci]
		for k, x := range list {
			if x == f {
				list[k] = list[len(list)-1]
				g.cells[ci] = list[:len(list)-1]
				break
			}
		}
	}
}

// cellsOf returns the existing fence cells a track box overlaps.
func (g *fenceGrid) cellsOf(b *box, out []int32) []int32 {
	c0, c1 := fenceCellRange([3]float64{b.lo[0], b.lo[1], b.lo[2]}, [3]float64{b.hi[0], b.hi[1], b.hi[2]})
	out = out[:0]
	eachCell3(c0, c1, func(c [4]int32) {
		if ci, ok := g.index[cellKey(c)]; ok {
			out = append(out, ci)
		}
	})
	return out
}

// fenceBox returns a fence's box in a frame: its vertices' (or its circle's
// centre's) frame coordinates, widened by the sagitta of its longest edge
// (edges are great-circle arcs) and the bulge of its cap over the vertices'
// plane, or by its radius, and 100 m.
func fenceBox(g *fenceGeom, f *frame) (lo, hi [3]float64) {
	for k := range 3 {
		lo[k], hi[k] = math.Inf(1), math.Inf(-1)
	}
	add := func(p vec3, pad float64) {
		c := f.coords(p)
		for k := range 3 {
			lo[k], hi[k] = min(lo[k], c[k]-pad), max(hi[k], c[k]+pad)
		}
	}
	if g.circle {
		add(g.c, g.f.RadiusM+100)
		return lo, hi
	}
	pad := g.maxEdge*g.maxEdge/(8*EarthRadiusM) + EarthRadiusM*g.reach*g.reach/2 + 100
	for _, poly := range g.f.Polygons {
		for _, p := range poly[0] {
			add(unitVector(p[1], p[0]), pad)
		}
	}
	return lo, hi
}

// mayMeet is the fence's cheap test against a track's swept box: space,
// altitude band and time window.
func (lf *liveFence) mayMeet(b *box, t0 int64, lookahead float64) bool {
	for k := range 3 {
		if lf.lo[k] > b.hi[k] || b.lo[k] > lf.hi[k] {
			return false
		}
	}
	g := lf.g
	return g.f.FloorFt <= b.hi[3] && b.lo[3] <= g.f.CeilingFt &&
		g.end > t0 && g.start <= t0+int64(lookahead*1e9)
}
