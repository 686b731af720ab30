package ceasefire

import "math"

// EarthRadiusM is the mean radius of the Earth in metres (IUGG R1), the sphere
// on which DistanceM measures.
const EarthRadiusM = 6_371_008.8

const degree = math.Pi / 180

// DistanceM returns the great-circle distance in metres between a and b on a
// sphere of radius EarthRadiusM, by the haversine formula, which stays accurate
// for short distances. It is symmetric: DistanceM(a, b) == DistanceM(b, a)
// exactly. Errors against the WGS84 ellipsoid are up to about 0.5%.
func DistanceM(a, b Point) float64 {
	sinLat := math.Sin((b.Lat - a.Lat) * degree / 2)
	sinLon := math.Sin((b.Lon - a.Lon) * degree / 2)
	h := sinLat*sinLat + math.Cos(a.Lat*degree)*math.Cos(b.Lat*degree)*sinLon*sinLon
	return 2 * EarthRadiusM * math.Asin(math.Sqrt(min(h, 1)))
}
