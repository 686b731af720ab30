package geo

import (
	"math"

	"concord"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// Tolerance is the distance under which two parts of a boundary touch
// (validation) and under which a point counts as on a boundary (containment).
const Tolerance Meters = 0.01

// minRingAreaM2 is the area under which a ring is degenerate.
const minRingAreaM2 = 1e-4

// buildPolygon validates one GeoJSON polygon (exterior ring, then holes) and
// returns it as an S2 polygon. field names the polygon ("coordinates" or
// "coordinates[2]").
func buildPolygon(rings [][]Position, field string) (*s2.Polygon, error) {
	if len(rings) == 0 {
		return nil, concord.Invalid(field, "a polygon needs an exterior ring")
	}
	for r, ring := range rings {
		if err := checkRing(ring, indexField(field, r)); err != nil {
			return nil, err
		}
	}
	if err := checkCrossings(rings, field); err != nil {
		return nil, err
	}
	loops := make([]*s2.Loop, len(rings))
	for r, ring := range rings {
		loops[r] = ringLoop(ring)
		if loops[r].Area()*EarthRadiusM*EarthRadiusM < minRingAreaM2 {
			return nil, concord.Invalid(indexField(field, r), "degenerate ring: it encloses no area")
		}
	}
	if err := checkNesting(loops, field); err != nil {
		return nil, err
	}
	return s2.PolygonFromLoops(loops), nil
}

// checkRing checks one ring on its own: length, positions, closure,
// repeated vertices and antipodal edges.
func checkRing(ring []Position, field string) error {
	if len(ring) < 4 {
		return concord.Invalid(field, "a linear ring needs at least 4 positions, not %d", len(ring))
	}
	for k, p := range ring {
		if err := p.Validate(); err != nil {
			return concord.Prefix(indexField(field, k), err)
		}
	}
	last := len(ring) - 1
	if vertexKey(ring[0]) != vertexKey(ring[last]) {
		return concord.Invalid(indexField(field, last), "ring is not closed: the last position must equal the first (RFC 7946 §3.1.6)")
	}
	seen := make(map[Position]int, last)
	for k, p := range ring[:last] {
		if j, ok := seen[vertexKey(p)]; ok {
			return concord.Invalid(indexField(field, k), "repeats vertex %d; a ring may repeat only its first position, at the end", j)
		}
		seen[vertexKey(p)] = k
	}
	for k := 0; k < last; k++ {
		if antipodal(ring[k], ring[k+1]) {
			return concord.Invalid(indexField(field, k+1), "edge joins antipodal points; its path is undefined")
		}
	}
	return nil
}

func antipodal(a, b Position) bool {
	return a.Point().Angle(b.Point().Vector).Radians() > math.Pi-Tolerance.Angle().Radians()
}

// ringLoop returns the ring as an S2 loop enclosing at most a hemisphere.
func ringLoop(ring []Position) *s2.Loop {
	pts := make([]s2.Point, len(ring)-1)
	for i := range pts {
		pts[i] = ring[i].Point()
	}
	l := s2.LoopFromPoints(pts)
	l.Normalize()
	return l
}

// checkNesting checks that every hole is inside the exterior ring and
// outside every other hole. It relies on checkCrossings: rings that neither
// cross nor touch are nested or disjoint, so one vertex decides.
func checkNesting(loops []*s2.Loop, field string) error {
	shell, holes := loops[0], loops[1:]
	for i, h := range holes {
		if !shell.ContainsPoint(h.Vertex(0)) {
			return concord.Invalid(indexField(field, i+1), "hole is not inside the exterior ring")
		}
	}
	if len(holes) < 2 {
		return nil
	}
	index := s2.NewShapeIndex()
	for _, h := range holes {
		index.Add(h)
	}
	q := s2.NewContainsPointQuery(index, s2.VertexModelOpen)
	for i, h := range holes {
		for _, s := range q.ContainingShapes(h.Vertex(0)) {
			if s != s2.Shape(h) {
				return concord.Invalid(indexField(field, i+1), "hole lies inside another hole")
			}
		}
	}
	return nil
}

// checkCrossings finds two edges of the polygon's rings that cross or touch
// (come within Tolerance), other than consecutive edges of one ring at their
// shared vertex, and consecutive edges that fold back onto each other. Edges
// are geodesics: they are checked in a gnomonic chart centred on the polygon,
// where geodesics are straight, so rings across the antimeridian or around a
// pole need no special case. The sweep takes O(n log n) time plus the size
// of the sweep status, so any 10,000-vertex polygon is checked in
// milliseconds (see BenchmarkValidate).
func checkCrossings(rings [][]Position, field string) error {
	pts := make([][]s2.Point, len(rings))
	var all []s2.Point
	for r, ring := range rings {
		pts[r] = make([]s2.Point, len(ring))
		for k, p := range ring {
			pts[r][k] = p.Point()
		}
		all = append(all, pts[r]...)
	}
	h, ok := newChart(all)
	if !ok {
		return concord.Invalid(field, "polygon too large: every vertex must lie within %d° of its centre", maxSpreadDeg)
	}
	for r := range rings {
		if err := checkFolds(pts[r], indexField(field, r)); err != nil {
			return err
		}
	}
	a, b, found := sweep(chartSegments(h, pts), Tolerance.Angle().Radians())
	if !found {
		return nil
	}
	if b.r < a.r || (b.r == a.r && b.k < a.k) {
		a, b = b, a
	}
	return concord.Invalid(indexField(indexField(field, a.r), a.k),
		"self-intersection: the edge from this vertex crosses or touches the edge from %s",
		indexField(indexField(field, b.r), b.k))
}

func chartSegments(h chart, pts [][]s2.Point) []segment {
	var segs []segment
	for r, ring := range pts {
		m := len(ring) - 1
		xys := make([]xy, len(ring))
		for k, p := range ring {
			xys[k] = h.project(p)
		}
		for k := 0; k < m; k++ {
			lo, hi := xys[k], xys[k+1]
			if lessXY(hi, lo) {
				lo, hi = hi, lo
			}
			segs = append(segs, segment{r: r, k: k, lo: lo, hi: hi, m: m})
		}
	}
	return segs
}

// checkFolds rejects spikes: consecutive edges that overlap because the ring
// turns back by 180° (within Tolerance) at their shared vertex.
func checkFolds(ring []s2.Point, field string) error {
	m := len(ring) - 1
	tol := s1.ChordAngleFromAngle(Tolerance.Angle())
	for k := 0; k < m; k++ {
		prev, cur, next := ring[(k+m-1)%m], ring[k], ring[k+1]
		if s2.IsDistanceLess(prev, cur, next, tol) || s2.IsDistanceLess(next, prev, cur, tol) {
			return concord.Invalid(indexField(field, k), "degenerate ring: it folds back on itself at this vertex")
		}
	}
	return nil
}
