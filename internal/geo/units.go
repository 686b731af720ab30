package geo

import (
	"math"

	"concord"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// EarthRadiusM is the mean radius of the Earth in metres (IUGG R1), the radius
// of the sphere on which every distance in concord is measured. Distances are
// great-circle distances on this sphere, not on the WGS84 ellipsoid: the
// difference is at most about 0.5 %, well inside every separation minimum.
const EarthRadiusM = 6371008.8

// Meters is a length in metres.
type Meters float64

// Feet is a length in international feet (0.3048 m), the unit of altitudes
// (floor_ft, ceiling_ft, alt_ft).
type Feet float64

// NauticalMiles is a length in international nautical miles (1852 m), the unit
// of horizontal separation minima.
type NauticalMiles float64

// Conversion factors, exact by definition.
const (
	metersPerFoot         = 0.3048
	metersPerNauticalMile = 1852
)

// Meters returns f in metres.
func (f Feet) Meters() Meters { return Meters(float64(f) * metersPerFoot) }

// Meters returns n in metres.
func (n NauticalMiles) Meters() Meters { return Meters(float64(n) * metersPerNauticalMile) }

// Feet returns m in feet.
func (m Meters) Feet() Feet { return Feet(float64(m) / metersPerFoot) }

// NauticalMiles returns m in nautical miles.
func (m Meters) NauticalMiles() NauticalMiles {
	return NauticalMiles(float64(m) / metersPerNauticalMile)
}

// Angle returns the angle that m subtends at the centre of the Earth.
func (m Meters) Angle() s1.Angle { return s1.Angle(float64(m) / EarthRadiusM) }

// AngleMeters returns the length of an arc of angle a on the Earth's surface.
func AngleMeters(a s1.Angle) Meters { return Meters(a.Radians() * EarthRadiusM) }

// LatLng returns p as an s2.LatLng.
func (p Position) LatLng() s2.LatLng { return s2.LatLngFromDegrees(p[1], p[0]) }

// Point returns p as a unit vector on the sphere.
func (p Position) Point() s2.Point { return s2.PointFromLatLng(p.LatLng()) }

// PositionOf returns the position of the unit vector v.
func PositionOf(v s2.Point) Position {
	ll := s2.LatLngFromPoint(v)
	return Position{ll.Lng.Degrees(), ll.Lat.Degrees()}
}

// Validate checks that p is finite, its longitude is in [-180, 180] and its
// latitude in [-90, 90] (RFC 7946 §4: WGS84 degrees). The field of the error is
// "[0]" for the longitude and "[1]" for the latitude, so that
// concord.Prefix("coordinates[3]", err) names "coordinates[3][1]".
func (p Position) Validate() error {
	switch {
	case !finite(p[0]):
		return concord.Invalid("[0]", "longitude must be a finite number")
	case !finite(p[1]):
		return concord.Invalid("[1]", "latitude must be a finite number")
	case p[0] < -180 || p[0] > 180:
		return concord.Invalid("[0]", "longitude %v out of range [-180, 180]", p[0])
	case p[1] < -90 || p[1] > 90:
		return concord.Invalid("[1]", "latitude %v out of range [-90, 90]", p[1])
	}
	return nil
}

// Distance returns the great-circle distance between a and b on the sphere of
// radius EarthRadiusM. Positions ±180° apart in longitude on the antimeridian
// are the same place and have distance 0.
func Distance(a, b Position) Meters {
	return AngleMeters(a.LatLng().Distance(b.LatLng()))
}

// Destination returns the position reached from p by travelling distance d
// along the great circle with initial bearing bearingDeg (degrees clockwise
// from true north). The longitude is normalised to [-180, 180].
func Destination(p Position, bearingDeg float64, d Meters) Position {
	lat1, lon1 := p.LatLng().Lat.Radians(), p.LatLng().Lng.Radians()
	brg := bearingDeg * math.Pi / 180
	delta := d.Angle().Radians()
	sinLat := math.Sin(lat1)*math.Cos(delta) + math.Cos(lat1)*math.Sin(delta)*math.Cos(brg)
	lat2 := math.Asin(math.Max(-1, math.Min(1, sinLat)))
	y := math.Sin(brg) * math.Sin(delta) * math.Cos(lat1)
	x := math.Cos(delta) - math.Sin(lat1)*sinLat
	lon2 := lon1 + math.Atan2(y, x)
	return Position{s1.Angle(lon2).Normalized().Degrees(), lat2 * 180 / math.Pi}
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
