package airspace

import (
	"math"
	"slices"
)

// batchGrid is a grid built once for a snapshot, without altitude layers.
// Each cell lists copies of the boxes that overlap it (so a cell is scanned
// sequentially) in increasing order of their floors, so that a cell is swept
// along altitude (sweep and prune) and only pairs overlapping in altitude
// are looked at.
type batchGrid struct {
	cells []batchCell
	items []cellItem
}

type batchCell struct {
	c        [4]int32
	start, n int32
}

// cellItem is a box in single precision, rounded outwards where inexact (a
// level aircraft's altitude bounds stay exact), with its low cell and index.
type cellItem struct {
	lo, hi [4]float32
	c0     [3]int32
	i      int32
	pty    int32
}

func newCellItem(b *box, i int, pty int32) cellItem {
	it := cellItem{c0: [3]int32{b.c0[0], b.c0[1], b.c0[2]}, i: int32(i), pty: pty}
	for k := range 4 {
		it.lo[k], it.hi[k] = down32(b.lo[k]), up32(b.hi[k])
	}
	return it
}

func down32(x float64) float32 {
	f := float32(x)
	if float64(f) > x {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func up32(x float64) float32 {
	f := float32(x)
	if float64(f) < x {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// overlapsAfter reports whether b overlaps a given that b's floor is in
// a's altitude span (the sweep's invariant), so altitude needs no test.
func (a *cellItem) overlapsAfter(b *cellItem) bool {
	return a.lo[0] < b.hi[0] && b.lo[0] < a.hi[0] && a.lo[1] < b.hi[1] && b.lo[1] < a.hi[1] &&
		a.lo[2] < b.hi[2] && b.lo[2] < a.hi[2]
}

func (a *cellItem) canonical(b *cellItem, c *[4]int32) bool {
	return max(a.c0[0], b.c0[0]) == c[0] && max(a.c0[1], b.c0[1]) == c[1] && max(a.c0[2], b.c0[2]) == c[2]
}

// buildBatchGrid builds the grid of boxes given in increasing order of their
// floors.
func buildBatchGrid(boxes []box, sts []state) *batchGrid {
	g := &batchGrid{}
	index := newCellIndex(boxes)
	type entry struct{ cell, item int32 }
	entries := make([]entry, 0, 4*len(boxes))
	for i := range boxes {
		boxes[i].eachCell(func(c [4]int32) {
			ci := index.get(c)
			if ci < 0 {
				ci = int32(len(g.cells))
				index.put(c, ci)
				g.cells = append(g.cells, batchCell{c: c})
			}
			g.cells[ci].n++
			entries = append(entries, entry{ci, int32(i)})
		})
	}
	var next int32
	for i := range g.cells {
		g.cells[i].start = next
		next += g.cells[i].n
		g.cells[i].n = 0
	}
	g.items = make([]cellItem, len(entries))
	for _, e := range entries {
		c := &g.cells[e.cell]
		g.items[c.start+c.n] = newCellItem(&boxes[e.item], int(e.item), sts[e.item].pty)
		c.n++
	}
	return g
}

// cellIndex maps cells to their numbers: densely over the boxes' range of
// cells when it is small (a region), in a map otherwise (the whole Earth).
type cellIndex struct {
	lo, n  [4]int32
	dense  []int32
	sparse map[uint64]int32
}

func newCellIndex(boxes []box) *cellIndex {
	x := &cellIndex{}
	hi := [4]int32{}
	for k := range 4 {
		x.lo[k], hi[k] = math.MaxInt32, math.MinInt32
	}
	for i := range boxes {
		for k := range 4 {
			x.lo[k], hi[k] = min(x.lo[k], boxes[i].c0[k]), max(hi[k], boxes[i].c1[k])
		}
	}
	size := int64(1)
	for k := range 4 {
		x.n[k] = hi[k] - x.lo[k] + 1
		size *= int64(x.n[k])
	}
	if size <= int64(8*len(boxes)+4096) {
		x.dense = slices.Repeat([]int32{-1}, int(size))
	} else {
		x.sparse = make(map[uint64]int32, len(boxes)/8)
	}
	return x
}

func (x *cellIndex) offset(c [4]int32) int {
	o := 0
	for k := range 4 {
		o = o*int(x.n[k]) + int(c[k]-x.lo[k])
	}
	return o
}

func (x *cellIndex) get(c [4]int32) int32 {
	if x.dense != nil {
		return x.dense[x.offset(c)]
	}
	if v, ok := x.sparse[cellKey(c)]; ok {
		return v
	}
	return -1
}

func (x *cellIndex) put(c [4]int32, v int32) {
	if x.dense != nil {
		x.dense[x.offset(c)] = v
		return
	}
	x.sparse[cellKey(c)] = v
}

// cellConflicts appends the conflicts of the pairs whose canonical cell is
// cell ci.
func (g *batchGrid) cellConflicts(ci int, sts []state, lim *limits, out []Conflict) []Conflict {
	c := &g.cells[ci]
	list := g.items[c.start : c.start+c.n]
	var cf Conflict
	for x := range list {
		a := &list[x]
		for y := x + 1; y < len(list); y++ {
			b := &list[y]
			if b.lo[3] >= a.hi[3] {
				break
			}
			if (a.pty == b.pty && !lim.sameParty) || !a.overlapsAfter(b) || !a.canonical(b, &c.c) {
				continue
			}
			if conflictOf(&sts[a.i], &sts[b.i], lim, &cf) {
				out = append(out, cf)
			}
		}
	}
	return out
}
