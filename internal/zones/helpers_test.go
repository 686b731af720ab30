package zones

import (
	"time"

	"concord/internal/geo"
)

var (
	t0    = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	t1    = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	hosp  = geo.Position{36.2765, 33.5138} // Damascus
	after = func(t time.Time, d time.Duration) *time.Time { u := t.Add(d); return &u }
)

// square returns a Polygon with the given corners (lon, lat), counterclockwise.
func square(minLon, minLat, maxLon, maxLat float64) geo.Geometry {
	return geo.Geometry{Type: geo.TypePolygon, Polygons: [][][]geo.Position{{{
		{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat},
	}}}}
}

// box returns a fresh 0.6° × 0.4° box around Damascus.
func box() geo.Geometry { return square(36.0, 33.3, 36.6, 33.7) }

func pointAt(p geo.Position) geo.Geometry { return geo.Geometry{Type: geo.TypePoint, Point: p} }

// hospital is a valid protected site: 500 m around a point, surface to
// FL600, open-ended.
func hospital() Zone {
	return Zone{
		ID: "z-hosp", Version: 1, Kind: ProtectedSite, SiteType: "hospital", Name: "Al-Mouwasat",
		Status: Active, Owner: "unicef",
		Volumes: []Volume{{Footprint: pointAt(hosp), RadiusM: 500, Start: t0}},
	}
}

// noFly is a valid no-fly zone: a 0.6° × 0.4° box up to 25,000 ft in May.
func noFly() Zone {
	return Zone{
		ID: "z-nfz", Version: 3, Kind: NoFly, Name: "Damascus box", Status: Active,
		AppliesTo: []string{"air-force-a"},
		Volumes:   []Volume{{Footprint: box(), FloorFt: 0, CeilingFt: 25000, Start: t0, End: &t1}},
	}
}
