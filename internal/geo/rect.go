package geo

import (
	"math"
	"strconv"
	"strings"

	"concord"

	"github.com/golang/geo/r1"
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// Rect is a longitude/latitude rectangle in degrees, edges included. Its
// latitude sides are parallels and its longitude sides meridians (it is not a
// polygon with geodesic edges). MinLon > MaxLon means the rectangle crosses
// the antimeridian: it spans MinLon..180 and -180..MaxLon. MinLat > MaxLat
// means empty. This is the form of an RFC 7946 §5 bbox.
type Rect struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// EmptyRect returns the empty rectangle, the identity of Union.
func EmptyRect() Rect { return fromS2Rect(s2.EmptyRect()) }

// FullRect returns the rectangle covering the whole Earth.
func FullRect() Rect { return Rect{-180, -90, 180, 90} }

// IsEmpty reports whether r contains no point.
func (r Rect) IsEmpty() bool { return !(r.MinLat <= r.MaxLat) }

// CrossesAntimeridian reports whether r spans longitude ±180 with MinLon > MaxLon.
func (r Rect) CrossesAntimeridian() bool { return !r.IsEmpty() && r.MinLon > r.MaxLon }

// ContainsPoint reports whether p lies in r, edges included.
func (r Rect) ContainsPoint(p Position) bool { return r.s2().ContainsLatLng(p.LatLng()) }

// Intersects reports whether r and o have a point in common.
func (r Rect) Intersects(o Rect) bool { return r.s2().Intersects(o.s2()) }

// Union returns the smallest rectangle containing r and o. Across the
// antimeridian it picks the narrower of the two ways round.
func (r Rect) Union(o Rect) Rect { return fromS2Rect(r.s2().Union(o.s2())) }

// Expanded returns a rectangle containing every point within d of r: latitudes
// grow by d (up to the poles, where longitude becomes full) and longitudes by
// d at the latitude farthest from the equator. It may contain a little more
// than that set near its corners.
func (r Rect) Expanded(d Meters) Rect { return fromS2Rect(expandRect(r.s2(), d.Angle())) }

// String formats r as a bbox query parameter, the inverse of ParseBBox.
func (r Rect) String() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return f(r.MinLon) + "," + f(r.MinLat) + "," + f(r.MaxLon) + "," + f(r.MaxLat)
}

// ParseBBox parses "minLon,minLat,maxLon,maxLat" in degrees (the order of an
// RFC 7946 §5 bbox). Longitudes are in [-180, 180], latitudes in [-90, 90]
// with minLat <= maxLat; minLon > maxLon selects the rectangle that crosses the
// antimeridian. Errors are EINVALID naming field "bbox".
func ParseBBox(s string) (Rect, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return Rect{}, concord.Invalid("bbox", "want minLon,minLat,maxLon,maxLat, got %d values", len(parts))
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !finite(f) {
			return Rect{}, concord.Invalid("bbox", "value %d (%q) is not a finite number", i+1, p)
		}
		v[i] = f
	}
	r := Rect{v[0], v[1], v[2], v[3]}
	return r, r.validate()
}

func (r Rect) validate() error {
	for _, p := range []Position{{r.MinLon, r.MinLat}, {r.MaxLon, r.MaxLat}} {
		if err := p.Validate(); err != nil {
			return concord.Invalid("bbox", "%s", concord.ErrorMessage(err))
		}
	}
	if r.MinLat > r.MaxLat {
		return concord.Invalid("bbox", "minLat %v is greater than maxLat %v", r.MinLat, r.MaxLat)
	}
	return nil
}

// Bound returns the smallest rectangle containing g, computed on the sphere:
// geodesic edges bulge towards the poles, a polygon around a pole spans every
// longitude, and a polygon across the antimeridian has MinLon > MaxLon. For a
// Point it is the point itself (callers add the radius with Expanded). An
// invalid geometry returns the bound of its vertices.
func (g Geometry) Bound() Rect {
	if g.Type == TypePoint {
		return Rect{g.Point[0], g.Point[1], g.Point[0], g.Point[1]}
	}
	if c, err := compile(g); err == nil && len(c.polygons) > 0 {
		b := s2.EmptyRect()
		for _, p := range c.polygons {
			b = b.Union(p.RectBound())
		}
		return fromS2Rect(b)
	}
	return fromS2Rect(vertexBound(g))
}

func vertexBound(g Geometry) s2.Rect {
	b := s2.NewRectBounder()
	add := func(ps []Position) {
		for _, p := range ps {
			b.AddPoint(p.Point())
		}
	}
	add(g.Line)
	for _, poly := range g.Polygons {
		for _, ring := range poly {
			add(ring)
		}
	}
	return b.RectBound()
}

func (r Rect) s2() s2.Rect {
	if r.IsEmpty() {
		return s2.EmptyRect()
	}
	lat := r1.Interval{Lo: rad(math.Max(r.MinLat, -90)), Hi: rad(math.Min(r.MaxLat, 90))}
	return s2.Rect{Lat: lat, Lng: s1.IntervalFromEndpoints(rad(r.MinLon), rad(r.MaxLon))}
}

func fromS2Rect(b s2.Rect) Rect {
	if b.IsEmpty() {
		return Rect{180, 90, -180, -90}
	}
	if b.Lng.IsFull() {
		return Rect{-180, deg(b.Lat.Lo), 180, deg(b.Lat.Hi)}
	}
	return Rect{deg(b.Lng.Lo), deg(b.Lat.Lo), deg(b.Lng.Hi), deg(b.Lat.Hi)}
}

// expandRect grows b by angle a: see Rect.Expanded.
func expandRect(b s2.Rect, a s1.Angle) s2.Rect {
	if b.IsEmpty() || a <= 0 {
		return b
	}
	lat := r1.Interval{Lo: b.Lat.Lo - a.Radians(), Hi: b.Lat.Hi + a.Radians()}
	if lat.Lo <= -math.Pi/2 || lat.Hi >= math.Pi/2 {
		lat = lat.Intersection(r1.Interval{Lo: -math.Pi / 2, Hi: math.Pi / 2})
		return s2.Rect{Lat: lat, Lng: s1.FullInterval()}
	}
	maxAbs := math.Max(math.Abs(lat.Lo), math.Abs(lat.Hi))
	dLng := math.Asin(math.Min(1, math.Sin(a.Radians())/math.Cos(maxAbs)))
	if dLng >= math.Pi/2 {
		return s2.Rect{Lat: lat, Lng: s1.FullInterval()}
	}
	return s2.Rect{Lat: lat, Lng: b.Lng.Expanded(dLng)}
}

func rad(d float64) float64 { return d * math.Pi / 180 }
func deg(r float64) float64 { return r * 180 / math.Pi }
