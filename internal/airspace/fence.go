package airspace

import (
	"fmt"
	"time"

	"concord"
)

// Fence is a no-fly volume: a footprint, an altitude band and a time window.
// The footprint is either Polygons (GeoJSON-style [lon, lat] rings, closed,
// the first ring of each polygon its outer boundary and the others holes) or
// a circle of RadiusM metres around (CenterLat, CenterLon).
//
// Edges are great-circle arcs (as in S2); RFC 7946 draws them straight in
// lon/lat, which differs by under 10 m for edges under 20 km at these
// latitudes. Points on the boundary are inside. The band is closed,
// [FloorFt, CeilingFt]; the window is [Start, End), a zero Start meaning
// always and a zero End open-ended. AppliesTo lists the parties the fence
// binds; empty means all. A footprint must lie within MaxFenceRadiusM of its
// centroid.
type Fence struct {
	ID        string           `json:"id"`
	Polygons  [][][][2]float64 `json:"polygons,omitempty"`
	CenterLon float64          `json:"center_lon,omitempty"`
	CenterLat float64          `json:"center_lat,omitempty"`
	RadiusM   float64          `json:"radius_m,omitempty"`
	FloorFt   float64          `json:"floor_ft"`
	CeilingFt float64          `json:"ceiling_ft"`
	Start     time.Time        `json:"start,omitzero"`
	End       time.Time        `json:"end,omitzero"`
	AppliesTo []string         `json:"applies_to,omitempty"`
}

// Fence bounds.
const (
	MaxFenceRadiusM  = 500e3
	MaxFenceVertices = 10000
)

// Validate checks a fence: an ID; exactly one footprint; rings of at least
// four finite, in-range positions, closed; the footprint within
// MaxFenceRadiusM of its centroid; a finite band with floor below ceiling; an
// End after Start. Self-intersection is the zones package's to reject.
func (f *Fence) Validate() error {
	if f.ID == "" {
		return concord.Invalid("id", "is required")
	}
	if err := f.validateFootprint(); err != nil {
		return err
	}
	if err := checkRange("floor_ft", f.FloorFt, -MaxAltFt, 10*MaxAltFt); err != nil {
		return err
	}
	if err := checkRange("ceiling_ft", f.CeilingFt, -MaxAltFt, 10*MaxAltFt); err != nil {
		return err
	}
	if f.FloorFt >= f.CeilingFt {
		return concord.Invalid("ceiling_ft", "must be above floor_ft")
	}
	if !f.End.IsZero() && !f.Start.IsZero() && !f.End.After(f.Start) {
		return concord.Invalid("end", "must be after start")
	}
	return nil
}

func (f *Fence) validateFootprint() error {
	if len(f.Polygons) == 0 {
		if err := checkLatLon(f.CenterLat, f.CenterLon); err != nil {
			return concord.Prefix("center", err)
		}
		return checkRange("radius_m", f.RadiusM, 1e-3, MaxFenceRadiusM)
	}
	if f.RadiusM != 0 {
		return concord.Invalid("radius_m", "must be absent with polygons")
	}
	n := 0
	for i, poly := range f.Polygons {
		if len(poly) == 0 {
			return concord.Invalid(fmt.Sprintf("polygons[%d]", i), "has no rings")
		}
		for j, ring := range poly {
			n += len(ring)
			if err := validateRing(ring); err != nil {
				return concord.Prefix(fmt.Sprintf("polygons[%d][%d]", i, j), err)
			}
		}
	}
	if n > MaxFenceVertices {
		return concord.Invalid("polygons", "%d vertices, more than %d", n, MaxFenceVertices)
	}
	c := polygonCentroid(f.Polygons)
	for i, poly := range f.Polygons {
		for j, ring := range poly {
			for k, p := range ring {
				if angle(c, unitVector(p[1], p[0]))*EarthRadiusM > MaxFenceRadiusM {
					return concord.Invalid(fmt.Sprintf("polygons[%d][%d][%d]", i, j, k),
						"more than %g km from the footprint's centroid", MaxFenceRadiusM/1000)
				}
			}
		}
	}
	return nil
}

func validateRing(ring [][2]float64) error {
	if len(ring) < 4 {
		return concord.Invalid("", "a ring needs at least 4 positions")
	}
	for k, p := range ring {
		if err := checkLatLon(p[1], p[0]); err != nil {
			return concord.Prefix(fmt.Sprintf("[%d]", k), err)
		}
	}
	if ring[0] != ring[len(ring)-1] {
		return concord.Invalid("", "ring is not closed")
	}
	return nil
}

// polygonCentroid returns the normalised mean of the outer rings' vertices.
func polygonCentroid(polys [][][][2]float64) vec3 {
	var c vec3
	for _, poly := range polys {
		ring := poly[0]
		for _, p := range ring[:len(ring)-1] {
			c = c.add(unitVector(p[1], p[0]))
		}
	}
	if c.norm() < 1e-9 {
		return vec3{0, 0, 1}
	}
	return c.unit()
}

// Incursion is a fence event's subject: a track inside a fence, or
// predicted to enter it within the look-ahead along its straight-line path.
// Lat, Lon and AltFt are the entry point (the report's position when
// Inside); TimeToEntryS is 0 when Inside.
type Incursion struct {
	Fence        string    `json:"fence"`
	Track        string    `json:"track_id"`
	Party        string    `json:"party"`
	Inside       bool      `json:"inside"`
	TimeToEntryS float64   `json:"time_to_entry_s"`
	Lat          float64   `json:"lat"`
	Lon          float64   `json:"lon"`
	AltFt        float64   `json:"alt_ft"`
	At           time.Time `json:"at"`
}
