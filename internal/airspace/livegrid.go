package airspace

import "math"

// liveGrid is the Detector's grid: 4-D cells (three Earth-centred axes and
// altitude layers), each holding copies of the loose boxes of the tracks in
// it, so a cell is scanned sequentially.
type liveGrid struct {
	index map[uint64]int32
	cells []liveCell
}

type liveCell struct {
	c     [4]int32
	items []liveItem
}

// liveItem is a track's loose box in single precision, rounded outwards
// where inexact, with its low cell, slot and party.
type liveItem struct {
	lo, hi [4]float32
	c0     [4]int32
	slot   int32
	pty    int32
}

func newLiveGrid() liveGrid { return liveGrid{index: map[uint64]int32{}} }

func (g *liveGrid) cellOf(c [4]int32) int32 {
	k := cellKey(c)
	ci, ok := g.index[k]
	if !ok {
		ci = int32(len(g.cells))
		g.index[k] = ci
		g.cells = append(g.cells, liveCell{c: c})
	}
	return ci
}

func makeItem(b *box, slot, pty int32) liveItem {
	it := liveItem{c0: b.c0, slot: slot, pty: pty}
	for k := range 4 {
		it.lo[k], it.hi[k] = down32(b.lo[k]), up32(b.hi[k])
	}
	return it
}

// insert enters a box in every cell it overlaps and returns those cells.
func (g *liveGrid) insert(b *box, slot, pty int32, cells []int32) []int32 {
	it := makeItem(b, slot, pty)
	cells = cells[:0]
	b.eachCell(func(c [4]int32) {
		ci := g.cellOf(c)
		g.cells[ci].items = append(g.cells[ci].items, it)
		cells = append(cells, ci)
	})
	return cells
}

// remove takes a slot out of the given cells.
func (g *liveGrid) remove(slot int32, cells []int32) {
	for _, ci := range cells {
		items := g.cells[ci].items
		for k := range items {
			if items[k].slot == slot {
				items[k] = items[len(items)-1]
				g.cells[ci].items = items[:len(items)-1]
				break
			}
		}
	}
}

// overlapsBox reports whether a cell item's open box meets an open box.
func (it *liveItem) overlapsBox(b *box) bool {
	for k := range 4 {
		if float64(it.lo[k]) >= b.hi[k] || b.lo[k] >= float64(it.hi[k]) {
			return false
		}
	}
	return true
}

// canonical4 reports whether cell c is the first cell shared by boxes whose
// low cells are a and b.
func canonical4(a, b, c *[4]int32) bool {
	return max(a[0], b[0]) == c[0] && max(a[1], b[1]) == c[1] && max(a[2], b[2]) == c[2] && max(a[3], b[3]) == c[3]
}

// contains reports whether b contains o.
func (b *box) contains(o *box) bool {
	for k := range 4 {
		if o.lo[k] < b.lo[k] || o.hi[k] > b.hi[k] {
			return false
		}
	}
	return true
}

// loosen returns b widened by h metres and v feet, with its cells.
func (sw *sweep) loosen(b box, h, v float64) box {
	for k := range 3 {
		b.lo[k] -= h
		b.hi[k] += h
	}
	b.lo[3] -= v
	b.hi[3] += v
	sw.cellRange(&b)
	return b
}

// looseMargins is how far a loose box reaches beyond the true one: the
// distance flown and climbed in looseS seconds, so a track is re-entered in
// the grid about that often.
const looseS = 20

func looseMargins(st *state) (h, v float64) {
	return st.gs*looseS + 200, math.Abs(st.vz) * looseS
}

// each calls fn for every item of every cell a box overlaps, with the cell.
func (g *liveGrid) each(b *box, fn func(c *[4]int32, it *liveItem)) {
	b.eachCell(func(c [4]int32) {
		ci, ok := g.index[cellKey(c)]
		if !ok {
			return
		}
		cell := &g.cells[ci]
		for k := range cell.items {
			fn(&cell.c, &cell.items[k])
		}
	})
}

// box32 is a box in single precision, rounded outwards where inexact.
type box32 struct{ lo, hi [4]float32 }

func newBox32(b *box) box32 {
	var c box32
	for k := range 4 {
		c.lo[k], c.hi[k] = down32(b.lo[k]), up32(b.hi[k])
	}
	return c
}

// overlaps reports whether two open boxes intersect.
func (b *box32) overlaps(o *box32) bool {
	return b.lo[0] < o.hi[0] && o.lo[0] < b.hi[0] && b.lo[1] < o.hi[1] && o.lo[1] < b.hi[1] &&
		b.lo[2] < o.hi[2] && o.lo[2] < b.hi[2] && b.lo[3] < o.hi[3] && o.lo[3] < b.hi[3]
}
