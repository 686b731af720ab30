package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"concord/internal/protection"
	"concord/internal/zones"
)

// notice is an operation notice a party files: where and when it will
// operate, and for what — never a target (SPEC §2).
type notice struct {
	Key                string // the simulator's stable name for it
	Party              string
	Kind               protection.Kind
	Purpose            string
	Box                [4]float64 // minLon, minLat, maxLon, maxLat
	FloorFt, CeilingFt float64
	Start, End         time.Time
	FileAt             time.Time
}

// input is the notice as filed (POST /v1/operations).
func (n *notice) input() protection.Input {
	end := n.End
	return protection.Input{Kind: n.Kind, Purpose: n.Purpose, Volumes: []zones.Volume{{
		Footprint: rect(n.Box[0], n.Box[1], n.Box[2], n.Box[3]), FloorFt: n.FloorFt, CeilingFt: n.CeilingFt,
		Start: n.Start, End: &end}}}
}

var missionNames = map[string]string{"patrol": "Combat air patrol", "sortie": "Air sortie", "isr": "Reconnaissance orbit"}

// notice draws whether the party notifies the flight's mission and, if so,
// the notice: the box around the mission's points padded by 5 km, its levels
// ±1,000 ft, from 10 minutes before the mission to 15 minutes after, filed
// with the flight plan (or 10 minutes before take-off).
func (s fleetSpec) notice(rng *rand.Rand, fl *Flight, r *route) *notice {
	if fl.Mission == "transit" || rng.Float64() >= s.Notices || len(r.mPts) == 0 {
		return nil
	}
	n := &notice{Key: "air/" + fl.Party + "/" + fl.Callsign, Party: fl.Party, Kind: protection.Air,
		Purpose: fmt.Sprintf("%s %s over %s (demo)", missionNames[fl.Mission], fl.Callsign, fl.Area),
		Box:     padBox(bbox(r.mPts), 5000),
		FloorFt: math.Max(0, r.mAlts[0]-1000), CeilingFt: r.mAlts[1] + 1000,
		Start: r.mStart.Add(-10 * time.Minute), End: r.mEnd.Add(15 * time.Minute), FileAt: fl.PlanAt}
	if fl.Plan == nil {
		n.FileAt = fl.Fixes[0].T.Add(-10 * time.Minute)
	}
	return n
}

func bbox(pts []LatLon) [4]float64 {
	b := [4]float64{180, 90, -180, -90}
	for _, p := range pts {
		b = [4]float64{math.Min(b[0], p.Lon), math.Min(b[1], p.Lat), math.Max(b[2], p.Lon), math.Max(b[3], p.Lat)}
	}
	return b
}

// padBox widens b by m metres on every side.
func padBox(b [4]float64, m float64) [4]float64 {
	dLat := m / earthRadiusM * 180 / math.Pi
	dLon := dLat / math.Cos(rad((b[1]+b[3])/2))
	return [4]float64{round(b[0]-dLon, 1e5), round(b[1]-dLat, 1e5), round(b[2]+dLon, 1e5), round(b[3]+dLat, 1e5)}
}

// groundOps are the ground operations party B notifies each day around
// Damascus and Aleppo, where the day's convoys drive (the situation of the
// Urum al-Kubra convoy, 19 September 2016): boxes on the approaches to the
// besieged areas, from mid-morning for six to nine hours.
var groundOps = []struct {
	Name string
	Box  [4]float64
}{
	{"Harasta–Douma road", [4]float64{36.33, 33.54, 36.42, 33.60}},
	{"Darayya–Moadamiyeh", [4]float64{36.19, 33.43, 36.27, 33.48}},
	{"Eastern Aleppo approaches", [4]float64{37.12, 36.18, 37.21, 36.23}},
}

// dailyGroundOps draws B's ground operation notices of the day starting at
// day (05:00 UTC): each filed 30 to 90 minutes into the day.
func dailyGroundOps(rng *rand.Rand, day time.Time) []*notice {
	var out []*notice
	for i, g := range groundOps {
		file := day.Add(time.Duration(30+rng.IntN(61)) * time.Minute)
		start := file.Add(time.Duration(10+rng.IntN(21)) * time.Minute)
		out = append(out, &notice{Key: fmt.Sprintf("ground/B/%s/%d", day.Format(time.DateOnly), i), Party: "B",
			Kind: protection.Ground, Purpose: "Ground operation: route security, " + g.Name + " (demo)", Box: g.Box,
			FloorFt: 0, CeilingFt: 1000, Start: start, End: start.Add(time.Duration(6+rng.IntN(4)) * time.Hour), FileAt: file})
	}
	return out
}
