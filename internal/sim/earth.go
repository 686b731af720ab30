package sim

import "math"

// The simulator's own spherical geometry (a sphere of the mean Earth radius,
// as internal/geo): enough to fly great circles and lay out patterns.
const (
	earthRadiusM = 6371008.8
	metresPerNM  = 1852.0
	ktPerMS      = 3600 / metresPerNM // knots per metre per second
)

// LatLon is a position in degrees.
type LatLon struct{ Lat, Lon float64 }

func rad(d float64) float64 { return d * math.Pi / 180 }
func deg(r float64) float64 { return r * 180 / math.Pi }

// distanceM is the great-circle distance in metres (haversine).
func distanceM(a, b LatLon) float64 {
	dLat, dLon := rad(b.Lat-a.Lat), rad(b.Lon-a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(h)))
}

// bearingDeg is the initial true bearing from a to b, in [0, 360).
func bearingDeg(a, b LatLon) float64 {
	φ1, φ2, dλ := rad(a.Lat), rad(b.Lat), rad(b.Lon-a.Lon)
	y := math.Sin(dλ) * math.Cos(φ2)
	x := math.Cos(φ1)*math.Sin(φ2) - math.Sin(φ1)*math.Cos(φ2)*math.Cos(dλ)
	return math.Mod(deg(math.Atan2(y, x))+360, 360)
}

// destination is the point distM metres from a along the initial bearing.
func destination(a LatLon, bearing, distM float64) LatLon {
	δ, θ, φ1, λ1 := distM/earthRadiusM, rad(bearing), rad(a.Lat), rad(a.Lon)
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	return LatLon{deg(φ2), math.Mod(deg(λ2)+540, 360) - 180}
}

// between is the point a fraction f of the way from a to b along the great
// circle.
func between(a, b LatLon, f float64) LatLon {
	d := distanceM(a, b)
	if d < 0.01 {
		return a
	}
	return destination(a, bearingDeg(a, b), f*d)
}
