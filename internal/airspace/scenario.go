package airspace

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// The benchmark area of issue 3: a Syria-sized box.
const (
	ScenarioLatMin, ScenarioLatMax = 32.0, 37.5
	ScenarioLonMin, ScenarioLonMax = 35.5, 42.5
)

// ScenarioTime is the base time of the generated scenarios: the day of the
// 2015 air-safety memorandum.
var ScenarioTime = time.Date(2015, 10, 20, 12, 0, 0, 0, time.UTC)

func scenarioRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// Scenario returns a random, realistic snapshot of n aircraft of the given
// number of parties ("party-1"…) over the benchmark area: ground speeds
// 150–550 kt, 70% level at flight levels FL50–FL400 by the semicircular rule
// (odd thousands eastbound, even westbound), 30% climbing or descending at
// 500–3,000 ft/min, reports within 2 s of ScenarioTime. IDs are distinct
// 24-bit hex addresses. The same seed gives the same snapshot.
func Scenario(seed int64, n int, parties int) []Track {
	r := scenarioRand(seed, 1)
	parties = max(parties, 1)
	out := make([]Track, n)
	for i := range out {
		t := Track{
			ID:       fmt.Sprintf("%06X", 0x700000+i),
			Party:    fmt.Sprintf("party-%d", r.IntN(parties)+1),
			Lat:      uniform(r, ScenarioLatMin, ScenarioLatMax),
			Lon:      uniform(r, ScenarioLonMin, ScenarioLonMax),
			GsKt:     uniform(r, 150, 550),
			TrackDeg: uniform(r, 0, 360),
			Time:     ScenarioTime.Add(time.Duration(r.IntN(2000)) * time.Millisecond),
		}
		t.AltFt, t.VsFpm = scenarioLevel(r, t.TrackDeg)
		out[i] = t
	}
	return out
}

func scenarioLevel(r *rand.Rand, trackDeg float64) (altFt, vsFpm float64) {
	if r.Float64() < 0.7 {
		fl := 5 + 2*r.IntN(18) // FL50..FL390, odd
		if trackDeg >= 180 {
			fl++ // FL60..FL400, even
		}
		return float64(fl) * 1000, 0
	}
	vs := uniform(r, 500, 3000)
	if r.IntN(2) == 0 {
		vs = -vs
	}
	return math.Round(uniform(r, 5000, 40000)), math.Round(vs)
}

// RandomFences returns n random no-fly fences over the benchmark area: 40%
// circles of 1–10 km radius, 60% polygons of 4–10 vertices within 1–12 km of
// their centre; half from the surface to FL600, half a random band; 80% open
// windows, 20% a window of a few hours around ScenarioTime; 30% applying to
// one of three parties only.
func RandomFences(seed int64, n int) []Fence {
	r := scenarioRand(seed, 2)
	out := make([]Fence, n)
	for i := range out {
		f := Fence{ID: fmt.Sprintf("fence-%d", i+1), FloorFt: 0, CeilingFt: 60000}
		lat, lon := uniform(r, ScenarioLatMin, ScenarioLatMax), uniform(r, ScenarioLonMin, ScenarioLonMax)
		if r.Float64() < 0.4 {
			f.CenterLat, f.CenterLon, f.RadiusM = lat, lon, uniform(r, 1000, 10000)
		} else {
			f.Polygons = [][][][2]float64{{randomRing(r, lat, lon)}}
		}
		if r.IntN(2) == 0 {
			f.FloorFt = float64(1000 * r.IntN(30))
			f.CeilingFt = f.FloorFt + float64(1000*(5+r.IntN(20)))
		}
		if r.Float64() < 0.2 {
			f.Start = ScenarioTime.Add(time.Duration(r.IntN(7)-3) * time.Hour)
			f.End = f.Start.Add(time.Duration(1+r.IntN(4)) * time.Hour)
		}
		if r.Float64() < 0.3 {
			f.AppliesTo = []string{fmt.Sprintf("party-%d", r.IntN(3)+1)}
		}
		out[i] = f
	}
	return out
}

// randomRing returns a closed star-shaped ring around a centre.
func randomRing(r *rand.Rand, lat, lon float64) [][2]float64 {
	k := 4 + r.IntN(7)
	ring := make([][2]float64, 0, k+1)
	for j := range k {
		bearing := (float64(j) + 0.8*r.Float64()) * 360 / float64(k)
		la, lo := destination(lat, lon, bearing, uniform(r, 1000, 12000))
		ring = append(ring, [2]float64{lo, la})
	}
	return append(ring, ring[0])
}

// destination returns the point reached from (lat, lon) along the great
// circle of initial bearing bearingDeg after distM metres.
func destination(lat, lon, bearingDeg, distM float64) (float64, float64) {
	e, n := eastNorth(lat, lon)
	sb, cb := math.Sincos(bearingDeg * radPer)
	u := n.scale(cb).add(e.scale(sb))
	sθ, cθ := math.Sincos(distM / EarthRadiusM)
	return latLon(unitVector(lat, lon).scale(cθ).add(u.scale(sθ)))
}

// RandomPlans returns n random flight plans over the benchmark area, of three
// parties: 4–20 waypoints each, 150–550 kt, starting within 24 h of
// ScenarioTime, cruising at a flight level with climbs and descents between
// waypoints.
func RandomPlans(seed int64, n int) []Plan {
	r := scenarioRand(seed, 3)
	out := make([]Plan, n)
	for i := range out {
		out[i] = randomPlan(r, i)
	}
	return out
}

func randomPlan(r *rand.Rand, i int) Plan {
	p := Plan{
		ID: fmt.Sprintf("plan-%d", i+1), Party: fmt.Sprintf("party-%d", r.IntN(3)+1),
		Callsign: fmt.Sprintf("CN%04d", i+1), AircraftType: "C130",
	}
	lat, lon := uniform(r, ScenarioLatMin, ScenarioLatMax), uniform(r, ScenarioLonMin, ScenarioLonMax)
	at := ScenarioTime.Add(time.Duration(r.Int64N(int64(24 * time.Hour))))
	gs := uniform(r, 150, 550) * msPerKt
	bearing := uniform(r, 0, 360)
	alt := float64(1000 * (5 + r.IntN(36)))
	for range 4 + r.IntN(17) {
		p.Waypoints = append(p.Waypoints, Waypoint{Lat: lat, Lon: lon, AltFt: alt, Time: at})
		leg := uniform(r, 20000, 120000)
		bearing = math.Mod(bearing+uniform(r, -60, 60)+360, 360)
		lat, lon = destination(lat, lon, bearing, leg)
		lat = max(ScenarioLatMin, min(ScenarioLatMax, lat))
		lon = max(ScenarioLonMin, min(ScenarioLonMax, lon))
		at = at.Add(time.Duration(leg / gs * float64(time.Second)))
		if r.IntN(3) == 0 {
			alt = float64(1000 * (5 + r.IntN(36)))
		}
	}
	return p
}
