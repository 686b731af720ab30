package geo

import (
	"fmt"

	"concord"

	"github.com/golang/geo/s2"
)

// Bounds on one geometry (SPEC §7: vertex counts bounded).
const (
	MaxVertices = 10000 // positions per geometry, all rings counted, closing positions included
	MaxPolygons = 100   // polygons per MultiPolygon
)

// Validate checks g against RFC 7946 and concord's stricter rules, and returns
// the first problem as a *concord.Error whose field is relative to the
// geometry ("type", "coordinates[0][3][1]"):
//
//   - Type is Point, LineString, Polygon (exactly one entry in Polygons) or
//     MultiPolygon (1..MaxPolygons entries).
//   - Every coordinate is finite, longitude in [-180, 180], latitude in
//     [-90, 90]. Longitudes -180 and 180 name the same meridian.
//   - At most MaxVertices positions in all (ETOOLARGE).
//   - A LineString has at least two distinct positions.
//   - A polygon has an exterior ring and any number of holes. Each ring is
//     closed (first position equals last), has at least 4 positions, repeats
//     no vertex other than the closing one, and is not degenerate (it
//     encloses a non-zero area; a ring that folds back on itself is rejected).
//   - No two edges of a polygon's rings cross or touch, other than
//     consecutive edges of one ring at their shared vertex. Touching means
//     closer than Tolerance (1 cm). Holes lie inside the exterior ring and
//     outside each other.
//   - No edge joins two antipodal points (its geodesic would be undefined).
//
// Edges are geodesics (great-circle arcs) on the sphere, as in S2, not
// straight lines in longitude and latitude: RFC 7946 §3.1.1 leaves the
// interpretation to the implementation. So a ring may cross the antimeridian
// (longitude 179 followed by -179 is a 2° edge, not a 358° one) and no ring
// ever needs to be cut at ±180 as RFC 7946 §3.1.9 suggests; a cut ring (two
// rings touching along the antimeridian in one MultiPolygon) is also accepted,
// since the polygons of a MultiPolygon may touch or overlap (the footprint is
// their union).
//
// Winding is not checked (RFC 7946 §3.1.6: parsers should not reject
// clockwise shells): every ring is taken to enclose the smaller of the two
// regions it bounds, so a footprint never covers more than a hemisphere.
func (g Geometry) Validate() error {
	_, err := compile(g)
	return err
}

// compiled is a validated geometry in S2 form.
type compiled struct {
	polygons []*s2.Polygon // Polygon, MultiPolygon: one S2 polygon each
}

func compile(g Geometry) (compiled, error) {
	if err := checkType(g); err != nil {
		return compiled{}, err
	}
	if n := g.NumVertices(); n > MaxVertices {
		return compiled{}, &concord.Error{Code: concord.ETOOLARGE, Field: "coordinates",
			Message: fmt.Sprintf("%d positions; at most %d are allowed", n, MaxVertices)}
	}
	switch g.Type {
	case TypePoint:
		return compiled{}, concord.Prefix("coordinates", g.Point.Validate())
	case TypeLineString:
		return compiled{}, checkLine(g.Line)
	}
	polys := make([]*s2.Polygon, len(g.Polygons))
	for i, rings := range g.Polygons {
		p, err := buildPolygon(rings, polygonField(g, i))
		if err != nil {
			return compiled{}, err
		}
		polys[i] = p
	}
	return compiled{polygons: polys}, nil
}

func checkType(g Geometry) error {
	switch g.Type {
	case TypePoint, TypeLineString:
		return nil
	case TypePolygon:
		if len(g.Polygons) != 1 {
			return concord.Invalid("coordinates", "a Polygon holds exactly one polygon, not %d", len(g.Polygons))
		}
		return nil
	case TypeMultiPolygon:
		return checkPolygonCount(len(g.Polygons))
	case "":
		return concord.Invalid("type", "required")
	}
	return concord.Invalid("type", "unsupported geometry type %q; want Point, LineString, Polygon or MultiPolygon", g.Type)
}

func checkPolygonCount(n int) error {
	switch {
	case n == 0:
		return concord.Invalid("coordinates", "a MultiPolygon needs at least one polygon")
	case n > MaxPolygons:
		return &concord.Error{Code: concord.ETOOLARGE, Field: "coordinates",
			Message: fmt.Sprintf("%d polygons; at most %d are allowed", n, MaxPolygons)}
	}
	return nil
}

// NumVertices returns the number of positions in g, closing positions of
// rings included.
func (g Geometry) NumVertices() int {
	switch g.Type {
	case TypePoint:
		return 1
	case TypeLineString:
		return len(g.Line)
	}
	n := 0
	for _, p := range g.Polygons {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

func polygonField(g Geometry, i int) string {
	if g.Type == TypePolygon {
		return "coordinates"
	}
	return fmt.Sprintf("coordinates[%d]", i)
}

func indexField(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

func checkLine(line []Position) error {
	for i, p := range line {
		if err := p.Validate(); err != nil {
			return concord.Prefix(indexField("coordinates", i), err)
		}
	}
	if !hasTwoDistinct(line) {
		return concord.Invalid("coordinates", "a LineString needs at least two distinct positions")
	}
	for i := 1; i < len(line); i++ {
		if antipodal(line[i-1], line[i]) {
			return concord.Invalid(indexField("coordinates", i), "edge joins antipodal points; its path is undefined")
		}
	}
	return nil
}

func hasTwoDistinct(line []Position) bool {
	for _, p := range line {
		if vertexKey(p) != vertexKey(line[0]) {
			return true
		}
	}
	return false
}

// vertexKey maps positions naming the same place to one key: longitude -180
// is 180, and every longitude at a pole is 0.
func vertexKey(p Position) Position {
	if p[1] == 90 || p[1] == -90 {
		return Position{0, p[1]}
	}
	if p[0] == -180 {
		return Position{180, p[1]}
	}
	return p
}
