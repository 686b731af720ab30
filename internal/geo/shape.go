package geo

import (
	"math"
	"slices"

	"concord"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// MaxRadius bounds the buffer radius of a Shape.
const MaxRadius Meters = 1_000_000

// Shape is a footprint ready for spatial queries: a validated geometry (its
// "base") plus a buffer radius. The shape is every point whose great-circle
// distance to the base is at most the radius:
//
//   - a Point with radius r is a spherical cap (disc) of radius r;
//   - a LineString with radius r is a corridor of half-width r with round ends;
//   - a Polygon or MultiPolygon with radius 0 is the polygon itself, with
//     radius r > 0 its exact geodesic buffer (Minkowski sum with a disc of
//     radius r), evaluated by distance queries on an S2 shape index rather
//     than by building an approximate buffer polygon.
//
// Boundaries are closed and slightly fat: a point at distance up to radius +
// Tolerance (1 cm) from the base is inside. So a point on a polygon's edge or
// vertex, or exactly radius_m from a site, is inside — the conservative choice
// for keeping operations away from a zone. (S2's own polygon containment is
// semi-open; Shape does not use it alone.)
//
// A Shape is immutable and safe for concurrent use.
type Shape struct {
	base   Geometry
	center s2.Point       // Point
	index  *s2.ShapeIndex // LineString (one polyline), polygons (one S2 polygon per GeoJSON polygon)
	polys  []*s2.Polygon
	radius Meters
	reach  s1.ChordAngle // radius + Tolerance
	bound  s2.Rect       // includes the radius
	cap    s2.Cap        // bounding cap, includes the radius
}

// NewShape validates g and radius (finite, 0..MaxRadius) and builds the
// shape and its S2 indexes: about twice the cost of Validate.
func NewShape(g Geometry, radius Meters) (*Shape, error) {
	if !finite(float64(radius)) || radius < 0 || radius > MaxRadius {
		return nil, concord.Invalid("radius_m", "must be a finite number between 0 and %v", float64(MaxRadius))
	}
	c, err := compile(g)
	if err != nil {
		return nil, err
	}
	g = g.clone() // the shape's base must not change under it
	s := &Shape{base: g, radius: radius, reach: s1.ChordAngleFromAngle((radius + Tolerance).Angle())}
	switch g.Type {
	case TypePoint:
		s.center = g.Point.Point()
		s.cap = s2.CapFromCenterChordAngle(s.center, s.reach)
		s.bound = s.cap.RectBound()
		return s, nil
	case TypeLineString:
		s.index = s2.NewShapeIndex()
		s.index.Add(lineShape(g.Line))
	default:
		s.polys = c.polygons
		s.index = s2.NewShapeIndex()
		for _, p := range c.polygons {
			s.index.Add(p)
		}
	}
	s.bound = expandRect(baseBound(g, c), (radius + Tolerance).Angle())
	s.cap = s.bound.CapBound()
	s.build()
	return s, nil
}

// build builds the S2 indexes now: golang/geo builds them lazily on the
// first query, which races with concurrent queries.
func (s *Shape) build() {
	s.index.Build()
	face := s2.CellFromCellID(s2.CellIDFromFace(0))
	for _, p := range s.polys {
		p.IntersectsCell(face) // builds the polygon's own index
	}
}

func baseBound(g Geometry, c compiled) s2.Rect {
	if g.Type == TypeLineString {
		return vertexBound(g)
	}
	b := s2.EmptyRect()
	for _, p := range c.polygons {
		b = b.Union(p.RectBound())
	}
	return b
}

func (g Geometry) clone() Geometry {
	g.Line = slices.Clone(g.Line)
	if g.Polygons != nil {
		polys := make([][][]Position, len(g.Polygons))
		for i, p := range g.Polygons {
			polys[i] = make([][]Position, len(p))
			for r, ring := range p {
				polys[i][r] = slices.Clone(ring)
			}
		}
		g.Polygons = polys
	}
	return g
}

func lineShape(line []Position) *s2.Polyline {
	pts := make([]s2.Point, 0, len(line))
	for i, p := range line {
		if i > 0 && vertexKey(p) == vertexKey(line[i-1]) {
			continue // S2 polylines must not repeat a vertex consecutively
		}
		pts = append(pts, p.Point())
	}
	pl := s2.Polyline(pts)
	return &pl
}

// Geometry returns the shape's base geometry.
func (s *Shape) Geometry() Geometry { return s.base }

// Radius returns the buffer radius.
func (s *Shape) Radius() Meters { return s.radius }

// Bound returns a rectangle containing the shape, radius included.
func (s *Shape) Bound() Rect { return fromS2Rect(s.bound) }

// ContainsPoint reports whether p is within the shape (boundary included, see
// Shape).
func (s *Shape) ContainsPoint(p Position) bool {
	pt := p.Point()
	if !s.bound.ContainsPoint(pt) {
		return false
	}
	if s.index == nil {
		return s.cap.ContainsPoint(pt)
	}
	for _, poly := range s.polys {
		if poly.ContainsPoint(pt) {
			return true
		}
	}
	return s.query(false).IsDistanceLess(s2.NewMinDistanceToPointTarget(pt), s.reach.Successor())
}

// query returns a closest-edge query on the base. With interiors, points
// inside polygons are at distance 0.
func (s *Shape) query(interiors bool) *s2.EdgeQuery {
	return s2.NewClosestEdgeQuery(s.index, s2.NewClosestEdgeQueryOptions().IncludeInteriors(interiors))
}

// DistanceTo returns the distance from p to the shape: 0 inside, otherwise
// the distance to the base minus the radius.
func (s *Shape) DistanceTo(p Position) Meters {
	pt := p.Point()
	var d s1.ChordAngle
	if s.index == nil {
		d = s2.ChordAngleBetweenPoints(s.center, pt)
	} else {
		d = s.query(true).Distance(s2.NewMinDistanceToPointTarget(pt))
	}
	return max(0, AngleMeters(d.Angle())-s.radius)
}

// IntersectsShape reports whether s and o have a point in common: whether the
// distance between their bases is at most the sum of their radii (plus
// Tolerance). Polygons that contain one another intersect.
func (s *Shape) IntersectsShape(o *Shape) bool {
	if !s.bound.Intersects(o.bound) {
		return false
	}
	limit := s1.ChordAngleFromAngle((s.radius + o.radius + Tolerance).Angle()).Successor()
	switch {
	case s.index == nil && o.index == nil:
		return s2.ChordAngleBetweenPoints(s.center, o.center) < limit
	case s.index == nil:
		return o.query(true).IsDistanceLess(s2.NewMinDistanceToPointTarget(s.center), limit)
	case o.index == nil:
		return s.query(true).IsDistanceLess(s2.NewMinDistanceToPointTarget(o.center), limit)
	}
	return s.query(true).IsDistanceLess(s2.NewMinDistanceToShapeIndexTarget(o.index), limit)
}

// IntersectsRect reports whether the shape and r have a point in common. For
// a Point it is exact (distance from the centre to the rectangle). For lines
// and polygons without radius it is exact: a vertex in r, r's centre in a
// polygon, or an edge crossing r's sides (parallels and meridians, which are
// not geodesics, are handled as such). With a radius, r is first grown by the
// radius (Rect.Expanded), which may report an intersection up to about 0.4 ×
// radius beyond the buffer near r's corners: a conservative answer.
func (s *Shape) IntersectsRect(r Rect) bool {
	rr := r.s2()
	if rr.IsEmpty() || !s.bound.Intersects(rr) {
		return false
	}
	if s.index == nil {
		return rr.DistanceToLatLng(s2.LatLngFromPoint(s.center)) <= (s.radius + Tolerance).Angle()
	}
	rr = expandRect(rr, (s.radius + Tolerance).Angle())
	if s.base.Type == TypeLineString {
		return chainIntersectsRect(s.base.Line, rr)
	}
	for _, p := range s.polys {
		if p.ContainsPoint(s2.PointFromLatLng(rr.Center())) {
			return true
		}
	}
	for _, poly := range s.base.Polygons {
		for _, ring := range poly {
			if chainIntersectsRect(ring, rr) {
				return true
			}
		}
	}
	return false
}

// chainIntersectsRect reports whether any edge of the chain has a point in r.
func chainIntersectsRect(chain []Position, r s2.Rect) bool {
	for i, p := range chain {
		if r.ContainsLatLng(p.LatLng()) {
			return true
		}
		if i > 0 && edgeIntersectsRectSides(chain[i-1].Point(), p.Point(), r) {
			return true
		}
	}
	return false
}

// edgeIntersectsRectSides reports whether the geodesic edge ab meets one of
// r's sides: a meridian side (a geodesic, tested with S2's robust crossing
// predicate) or a parallel side (solved for the points of ab at that
// latitude).
func edgeIntersectsRectSides(a, b s2.Point, r s2.Rect) bool {
	if !r.Lng.IsFull() {
		for _, lng := range []float64{r.Lng.Lo, r.Lng.Hi} {
			if meridianCrosses(a, b, lng, r.Lat.Lo, r.Lat.Hi) {
				return true
			}
		}
	}
	for _, lat := range []float64{r.Lat.Lo, r.Lat.Hi} {
		if parallelCrosses(a, b, lat, r.Lng) {
			return true
		}
	}
	return false
}

func meridianCrosses(a, b s2.Point, lng, lat0, lat1 float64) bool {
	// Split the side at its middle so that no piece spans 180°.
	mid := (lat0 + lat1) / 2
	for _, piece := range [][2]float64{{lat0, mid}, {mid, lat1}} {
		c := s2.PointFromLatLng(s2.LatLng{Lat: s1.Angle(piece[0]), Lng: s1.Angle(lng)})
		d := s2.PointFromLatLng(s2.LatLng{Lat: s1.Angle(piece[1]), Lng: s1.Angle(lng)})
		if c != d && s2.CrossingSign(a, b, c, d) != s2.DoNotCross {
			return true
		}
	}
	return false
}

// parallelCrosses reports whether the geodesic ab passes through latitude
// lat at a longitude in lngs. Points of the great circle are
// a·cos t + u·sin t, whose z is R·cos(t − φ); solve for z = sin(lat).
func parallelCrosses(a, b s2.Point, lat float64, lngs s1.Interval) bool {
	if math.Abs(lat) >= math.Pi/2 {
		return false
	}
	n := a.PointCross(b)
	u := s2.Point{Vector: n.Cross(a.Vector).Normalize()}
	theta := a.Angle(b.Vector).Radians()
	R := math.Hypot(a.Z, u.Z)
	z := math.Sin(lat)
	if R == 0 || math.Abs(z) > R {
		return false
	}
	phi := math.Atan2(u.Z, a.Z)
	acos := math.Acos(z / R)
	for _, t := range []float64{phi + acos, phi - acos} {
		t = math.Mod(t+4*math.Pi, 2*math.Pi)
		if t > theta+1e-15 {
			continue
		}
		p := s2.Point{Vector: a.Mul(math.Cos(t)).Add(u.Mul(math.Sin(t)))}
		if lngs.Contains(s2.LatLngFromPoint(p).Lng.Radians()) {
			return true
		}
	}
	return false
}
