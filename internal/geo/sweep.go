package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/golang/geo/r3"
	"github.com/golang/geo/s2"
)

// maxSpreadDeg bounds how far from its centre any vertex of a polygon may
// lie. Within it the gnomonic projection below is well conditioned.
const maxSpreadDeg = 80

// chart is a gnomonic projection centred on c: it maps every great circle
// through the open hemisphere around c to a straight line, so geodesic edges
// become straight segments and planar intersection tests are exact up to
// rounding. Planar distances are never shorter than distances on the sphere.
type chart struct {
	c, e1, e2 r3.Vector
}

// newChart returns a chart centred on the bounding cap of pts, or false if
// some point lies more than maxSpreadDeg from that centre.
func newChart(pts []s2.Point) (chart, bool) {
	b := s2.NewRectBounder()
	for _, p := range pts {
		b.AddPoint(p)
	}
	c := b.RectBound().CapBound().Center()
	limit := math.Cos(maxSpreadDeg * math.Pi / 180)
	for _, p := range pts {
		if p.Dot(c.Vector) < limit {
			return chart{}, false
		}
	}
	// An arbitrary rotation of the axes keeps meridians and parallels (common
	// in real data) off the vertical, where the sweep has ties.
	o := s2.Ortho(c).Vector
	u := c.Cross(o)
	const sin, cos = 0.5646424733950354, 0.8253356149096783 // angle 0.6 rad
	return chart{c: c.Vector, e1: o.Mul(cos).Add(u.Mul(sin)), e2: u.Mul(cos).Sub(o.Mul(sin))}, true
}

type xy struct{ x, y float64 }

func (h chart) project(p s2.Point) xy {
	d := p.Dot(h.c)
	return xy{p.Dot(h.e1) / d, p.Dot(h.e2) / d}
}

func lessXY(a, b xy) bool { return a.x < b.x || (a.x == b.x && a.y < b.y) }

// segment is edge k of ring r, from vertex k to vertex k+1, with lo the
// lexicographically smaller end.
type segment struct {
	r, k   int
	lo, hi xy
	m      int // number of edges in ring r
}

// adjacent reports whether a and b are consecutive edges of one ring.
func (a segment) adjacent(b segment) bool {
	return a.r == b.r && (a.k == (b.k+1)%a.m || b.k == (a.k+1)%a.m)
}

// yAt returns the segment's y at x, for lo.x <= x <= hi.x.
func (a segment) yAt(x float64) float64 {
	if a.hi.x == a.lo.x {
		return a.lo.y
	}
	return a.lo.y + (x-a.lo.x)*(a.hi.y-a.lo.y)/(a.hi.x-a.lo.x)
}

func (a segment) slope() float64 {
	if a.hi.x == a.lo.x {
		return math.Inf(1)
	}
	return (a.hi.y - a.lo.y) / (a.hi.x - a.lo.x)
}

type event struct {
	p      xy
	remove bool
	seg    int
}

// sweep finds two segments that cross or touch (within tol, in chart units),
// other than consecutive edges of one ring, with the Shamos–Hoey sweep
// (Shamos & Hoey 1976): O(n log n) comparisons to sort the events plus a
// status list of the segments under the sweep line, kept in y order. It
// returns the two segments, or ok == false. Rings must not repeat a vertex
// nor fold back (checkRing, checkFolds).
func sweep(segs []segment, tol float64) (a, b segment, ok bool) {
	if a, b, ok := sharedEndpoint(segs); ok {
		return a, b, true
	}
	events := make([]event, 0, 2*len(segs))
	for i, s := range segs {
		events = append(events, event{s.lo, false, i}, event{s.hi, true, i})
	}
	slices.SortFunc(events, func(e, f event) int {
		if c := cmp.Or(cmp.Compare(e.p.x, f.p.x), cmp.Compare(e.p.y, f.p.y)); c != 0 {
			return c
		}
		if e.remove != f.remove { // removals first: consecutive edges never overlap in the status
			if e.remove {
				return -1
			}
			return 1
		}
		return cmp.Compare(e.seg, f.seg)
	})
	var status []int
	for _, e := range events {
		var i, j int
		if e.remove {
			i, j, status = removeSeg(status, e.seg)
		} else {
			var at int
			at, status = insertSeg(status, segs, e.seg, tol)
			if hit, ok := checkPair(segs, status, at-1, at, tol); ok {
				return segs[hit[0]], segs[hit[1]], true
			}
			i, j = at, at+1
		}
		if hit, ok := checkPair(segs, status, i, j, tol); ok {
			return segs[hit[0]], segs[hit[1]], true
		}
	}
	return segment{}, segment{}, false
}

// sharedEndpoint finds two rings with a vertex in common. The sweep removes
// the segments ending at a point before it inserts those starting there (so
// that consecutive edges never meet in the status), so it would miss them.
func sharedEndpoint(segs []segment) (a, b segment, ok bool) {
	owner := make(map[xy]int, len(segs))
	for i, s := range segs {
		for _, p := range [2]xy{s.lo, s.hi} {
			j, seen := owner[p]
			if seen && segs[j].r != s.r {
				return segs[j], s, true
			}
			owner[p] = i
		}
	}
	return segment{}, segment{}, false
}

// insertSeg inserts segs[s] into status at its y order at its left end.
func insertSeg(status []int, segs []segment, s int, tol float64) (int, []int) {
	n := segs[s]
	at, _ := slices.BinarySearchFunc(status, n, func(t int, n segment) int {
		y := segs[t].yAt(n.lo.x)
		switch {
		case y < n.lo.y-tol:
			return -1
		case y > n.lo.y+tol:
			return 1
		}
		return cmp.Compare(segs[t].slope(), n.slope())
	})
	return at, slices.Insert(status, at, s)
}

// removeSeg removes s from status and returns the positions of its former
// neighbours, which are now next to each other.
func removeSeg(status []int, s int) (int, int, []int) {
	at := slices.Index(status, s)
	if at < 0 {
		return -1, -1, status
	}
	return at - 1, at, slices.Delete(status, at, at+1)
}

func checkPair(segs []segment, status []int, i, j int, tol float64) ([2]int, bool) {
	if i < 0 || j >= len(status) || i >= j {
		return [2]int{}, false
	}
	a, b := segs[status[i]], segs[status[j]]
	if a.adjacent(b) || !segmentsTouch(a, b, tol) {
		return [2]int{}, false
	}
	return [2]int{status[i], status[j]}, true
}

// segmentsTouch reports whether a and b cross, or come within tol of each
// other.
func segmentsTouch(a, b segment, tol float64) bool {
	o1, o2 := orient(a.lo, a.hi, b.lo), orient(a.lo, a.hi, b.hi)
	o3, o4 := orient(b.lo, b.hi, a.lo), orient(b.lo, b.hi, a.hi)
	if o1*o2 < 0 && o3*o4 < 0 {
		return true
	}
	return pointSegDist(b.lo, a) <= tol || pointSegDist(b.hi, a) <= tol ||
		pointSegDist(a.lo, b) <= tol || pointSegDist(a.hi, b) <= tol
}

func orient(a, b, c xy) float64 { return (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x) }

func pointSegDist(p xy, s segment) float64 {
	dx, dy := s.hi.x-s.lo.x, s.hi.y-s.lo.y
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = max(0, min(1, ((p.x-s.lo.x)*dx+(p.y-s.lo.y)*dy)/l2))
	}
	return math.Hypot(p.x-(s.lo.x+t*dx), p.y-(s.lo.y+t*dy))
}
