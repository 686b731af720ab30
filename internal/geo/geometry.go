// Package geo holds the geometry every other package shares: WGS84 positions
// (RFC 7946 order: longitude, latitude), typed units, the GeoJSON geometries
// concord accepts, their validation, and S2 cell coverings. It does no I/O.
//
// Assumptions, everywhere in this package:
//
//   - The Earth is a sphere of radius EarthRadiusM; distances are great-circle
//     distances on it.
//   - Edges of lines and polygons are geodesics (great-circle arcs), as in S2
//     (github.com/golang/geo), not straight lines in longitude/latitude. So
//     geometries may cross the antimeridian without being cut (RFC 7946
//     §3.1.9 asks producers to cut them; concord accepts both forms), and an
//     edge along a parallel bulges towards the pole.
//   - A ring encloses the smaller of the two regions it bounds, whatever its
//     winding (RFC 7946 §3.1.6 says parsers should not reject clockwise
//     shells); no footprint covers more than a hemisphere.
//   - Boundaries are closed: a point on an edge, a vertex, or exactly at the
//     radius of a site is inside (see Shape and Tolerance).
//
// Spatial look-ups in SQL use S2 cell IDs mapped to int64 (CellKey), with the
// predicate documented at Ancestors (SPEC §5).
package geo

// Position is a GeoJSON position: [longitude, latitude] in degrees (RFC 7946 §3.1.1).
type Position [2]float64

// Lon returns the longitude in degrees.
func (p Position) Lon() float64 { return p[0] }

// Lat returns the latitude in degrees.
func (p Position) Lat() float64 { return p[1] }

// Geometry is one of the GeoJSON geometries concord accepts: Point, LineString,
// Polygon or MultiPolygon. Exactly one of the coordinate fields is set, as Type
// says. A Polygon is stored as a MultiPolygon of one.
type Geometry struct {
	Type     string         // "Point", "LineString", "Polygon", "MultiPolygon"
	Point    Position       // Type == "Point"
	Line     []Position     // Type == "LineString"
	Polygons [][][]Position // Type == "Polygon" (one entry) or "MultiPolygon"; rings closed
}
