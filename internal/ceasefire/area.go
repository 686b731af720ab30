package ceasefire

import (
	"math"
	"slices"
	"time"

	"concord/internal/geo"
)

// Area is a ceasefire area (a zone of kind ceasefire-area) as monitoring needs
// it: its footprint, the period in force and the parties covered.
type Area struct {
	ID       string
	Name     string
	Polygons [][][]geo.Position // each an outer ring then holes; rings closed, lon/lat
	Start    time.Time          // in force from; zero: since always
	End      *time.Time         // in force until, exclusive; nil: open-ended
	Parties  []string           // party IDs the ceasefire covers; empty: every party
}

// Contains reports whether the point is inside the area, by even-odd ray
// casting on the plane of longitude and latitude in degrees (a planar
// approximation: edges are straight in lon/lat, not great circles, which is
// how GeoJSON (RFC 7946 §3.1.1) draws them too). Holes are out. A point
// exactly on an edge or vertex may fall either side, deterministically.
// Polygons crossing the antimeridian are not supported.
func (a *Area) Contains(lat, lon float64) bool {
	for _, poly := range a.Polygons {
		if polygonContains(poly, lat, lon) {
			return true
		}
	}
	return false
}

func polygonContains(rings [][]geo.Position, lat, lon float64) bool {
	in := false
	for _, ring := range rings {
		if ringCrossings(ring, lat, lon)%2 == 1 {
			in = !in
		}
	}
	return in
}

// ringCrossings counts the edges a ray from the point towards +lon crosses.
func ringCrossings(ring []geo.Position, lat, lon float64) int {
	n := 0
	for i := 0; i+1 < len(ring); i++ {
		p, q := ring[i], ring[i+1]
		if (p[1] > lat) != (q[1] > lat) && lon < p[0]+(lat-p[1])*(q[0]-p[0])/(q[1]-p[1]) {
			n++
		}
	}
	return n
}

// InForce reports whether the area's period covers t: Start ≤ t < End.
func (a *Area) InForce(t time.Time) bool {
	return !t.Before(a.Start) && (a.End == nil || t.Before(*a.End))
}

// Covers reports whether the ceasefire binds the party ("" binds nobody
// in particular and is always covered).
func (a *Area) Covers(party string) bool {
	return party == "" || len(a.Parties) == 0 || slices.Contains(a.Parties, party)
}

// AreaFlags returns the flags a report earns against the ceasefire areas,
// sorted: outside-ceasefire-area when no area contains its centre;
// outside-period when some do but none is in force at observed_at;
// party-not-covered when none of those in force binds its alleged party. Such
// reports are accepted and flagged, never refused.
func AreaFlags(r *Report, areas []Area) []string {
	c, _ := r.Disc()
	var holding, inForce []*Area
	for i := range areas {
		if a := &areas[i]; a.Contains(c.Lat, c.Lon) {
			holding = append(holding, a)
			if a.InForce(r.ObservedAt) {
				inForce = append(inForce, a)
			}
		}
	}
	switch {
	case len(holding) == 0:
		return []string{FlagOutsideArea}
	case len(inForce) == 0:
		return []string{FlagOutsidePeriod}
	case !slices.ContainsFunc(inForce, func(a *Area) bool { return a.Covers(r.AllegedParty) }):
		return []string{FlagPartyNotCovered}
	}
	return nil
}

// areasAt returns the IDs of the areas containing p, in the order given.
func areasAt(p Point, areas []Area) []string {
	var out []string
	for i := range areas {
		if areas[i].Contains(p.Lat, p.Lon) {
			out = append(out, areas[i].ID)
		}
	}
	return out
}

// areaIndex tests many points against the same areas, skipping areas by their
// bounding boxes.
type areaIndex struct {
	areas []Area
	boxes [][4]float64 // min lon, min lat, max lon, max lat
}

func newAreaIndex(areas []Area) *areaIndex {
	ix := &areaIndex{areas: areas, boxes: make([][4]float64, len(areas))}
	for i, a := range areas {
		b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for _, poly := range a.Polygons {
			for _, ring := range poly {
				for _, p := range ring {
					b = [4]float64{min(b[0], p[0]), min(b[1], p[1]), max(b[2], p[0]), max(b[3], p[1])}
				}
			}
		}
		ix.boxes[i] = b
	}
	return ix
}

// at calls fn with the index of every area containing p.
func (ix *areaIndex) at(p Point, fn func(int)) {
	for i, b := range ix.boxes {
		if p.Lon >= b[0] && p.Lon <= b[2] && p.Lat >= b[1] && p.Lat <= b[3] && ix.areas[i].Contains(p.Lat, p.Lon) {
			fn(i)
		}
	}
}
