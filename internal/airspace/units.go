package airspace

import "math"

// Units and constants. Distances inside the package are metres, altitudes
// feet, vertical speeds feet per second, times seconds, unless a name says
// otherwise.
const (
	// EarthRadiusM is the mean Earth radius (IUGG) used for every spherical
	// computation in this package.
	EarthRadiusM = 6371008.8
	// MetresPerNM is the international nautical mile.
	MetresPerNM = 1852.0
	// MetresPerFt is the international foot.
	MetresPerFt = 0.3048

	msPerKt = MetresPerNM / 3600
	radPer  = math.Pi / 180
)

var (
	inf    = math.Inf(1)
	negInf = math.Inf(-1)
)

// vec3 is a vector in Earth-centred, Earth-fixed Cartesian coordinates,
// usually a unit vector (a position on the unit sphere) or a velocity.
type vec3 struct{ x, y, z float64 }

func (a vec3) add(b vec3) vec3      { return vec3{a.x + b.x, a.y + b.y, a.z + b.z} }
func (a vec3) sub(b vec3) vec3      { return vec3{a.x - b.x, a.y - b.y, a.z - b.z} }
func (a vec3) scale(k float64) vec3 { return vec3{a.x * k, a.y * k, a.z * k} }
func (a vec3) dot(b vec3) float64   { return a.x*b.x + a.y*b.y + a.z*b.z }
func (a vec3) norm() float64        { return math.Sqrt(a.dot(a)) }
func (a vec3) unit() vec3           { return a.scale(1 / a.norm()) }
func (a vec3) cross(b vec3) vec3 {
	return vec3{a.y*b.z - a.z*b.y, a.z*b.x - a.x*b.z, a.x*b.y - a.y*b.x}
}
func (a vec3) at(i int) float64            { return [3]float64{a.x, a.y, a.z}[i] }
func (a vec3) plus(b vec3, k float64) vec3 { return vec3{a.x + b.x*k, a.y + b.y*k, a.z + b.z*k} }

// unitVector returns the position of latitude and longitude (degrees) on the
// unit sphere.
func unitVector(latDeg, lonDeg float64) vec3 {
	sφ, cφ := math.Sincos(latDeg * radPer)
	sλ, cλ := math.Sincos(lonDeg * radPer)
	return vec3{cφ * cλ, cφ * sλ, sφ}
}

// eastNorth returns the local east and north unit vectors at a position. They
// are defined at the poles too (east follows the longitude given).
func eastNorth(latDeg, lonDeg float64) (east, north vec3) {
	sφ, cφ := math.Sincos(latDeg * radPer)
	sλ, cλ := math.Sincos(lonDeg * radPer)
	return vec3{-sλ, cλ, 0}, vec3{-sφ * cλ, -sφ * sλ, cφ}
}

// latLon returns the latitude and longitude in degrees of a non-zero vector.
func latLon(p vec3) (lat, lon float64) {
	return math.Atan2(p.z, math.Hypot(p.x, p.y)) / radPer, math.Atan2(p.y, p.x) / radPer
}

// tangentBasis returns east and north unit vectors at the unit vector m. At a
// pole any orthonormal pair is returned.
func tangentBasis(m vec3) (e, n vec3) {
	h2 := m.x*m.x + m.y*m.y
	if h2 < 1e-24 {
		e = vec3{1, 0, 0}
	} else {
		r := 1 / math.Sqrt(h2)
		e = vec3{-m.y * r, m.x * r, 0}
	}
	return e, m.cross(e)
}

// angle returns the angle in radians between two unit vectors, accurate for
// small and large angles alike.
func angle(a, b vec3) float64 {
	return math.Atan2(a.cross(b).norm(), a.dot(b))
}

// greatCircleM returns the great-circle distance in metres between two
// positions in degrees.
func greatCircleM(lat1, lon1, lat2, lon2 float64) float64 {
	return angle(unitVector(lat1, lon1), unitVector(lat2, lon2)) * EarthRadiusM
}

// slerp returns the point a fraction f along the great-circle arc from unit
// vector a to unit vector b, whose angle is theta.
func slerp(a, b vec3, theta, f float64) vec3 {
	if theta < 1e-12 {
		return a.scale(1 - f).add(b.scale(f)).unit()
	}
	s := math.Sin(theta)
	return a.scale(math.Sin((1-f)*theta) / s).add(b.scale(math.Sin(f*theta) / s))
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
