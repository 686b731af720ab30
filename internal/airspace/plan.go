package airspace

import (
	"fmt"
	"time"

	"concord"
)

// Plan is a 4-D flight plan (SPEC §2): between consecutive waypoints the
// aircraft flies the great circle at constant ground speed, its altitude
// changing linearly with time.
type Plan struct {
	ID           string     `json:"id"`
	Party        string     `json:"party,omitempty"`
	Callsign     string     `json:"callsign"`
	AircraftType string     `json:"aircraft_type"`
	Waypoints    []Waypoint `json:"waypoints"`
}

// Waypoint is a position, altitude and time of a plan.
type Waypoint struct {
	Lat   float64   `json:"lat"`
	Lon   float64   `json:"lon"`
	AltFt float64   `json:"alt_ft"`
	Time  time.Time `json:"time"`
}

// Plan bounds.
const (
	MinWaypoints    = 2
	MaxWaypoints    = 1000
	MaxPlanDuration = 48 * time.Hour
	MaxLegM         = 2000e3 // a longer leg must be split
	maxTextLen      = 64
)

// Validate checks a plan: 2..1000 waypoints, each finite and in range, times
// strictly increasing, no leg faster than 2,000 kt or longer than 2,000 km,
// the whole no longer than 48 h, and callsign and type at most 64 bytes. The
// error names the field, as "waypoints[3].time".
func (p *Plan) Validate() error {
	if len(p.Callsign) > maxTextLen {
		return concord.Invalid("callsign", "longer than %d bytes", maxTextLen)
	}
	if len(p.AircraftType) > maxTextLen {
		return concord.Invalid("aircraft_type", "longer than %d bytes", maxTextLen)
	}
	n := len(p.Waypoints)
	if n < MinWaypoints || n > MaxWaypoints {
		return concord.Invalid("waypoints", "has %d waypoints; want %d..%d", n, MinWaypoints, MaxWaypoints)
	}
	for i := range p.Waypoints {
		if err := p.validateWaypoint(i); err != nil {
			return concord.Prefix(fmt.Sprintf("waypoints[%d]", i), err)
		}
	}
	if d := p.Waypoints[n-1].Time.Sub(p.Waypoints[0].Time); d > MaxPlanDuration {
		return concord.Invalid(fmt.Sprintf("waypoints[%d].time", n-1), "plan lasts %v, more than %v", d, MaxPlanDuration)
	}
	return nil
}

func (p *Plan) validateWaypoint(i int) error {
	w := &p.Waypoints[i]
	if err := checkLatLon(w.Lat, w.Lon); err != nil {
		return err
	}
	if err := checkRange("alt_ft", w.AltFt, MinAltFt, MaxAltFt); err != nil {
		return err
	}
	if w.Time.IsZero() {
		return concord.Invalid("time", "is required")
	}
	if i == 0 {
		return nil
	}
	prev := &p.Waypoints[i-1]
	if !w.Time.After(prev.Time) {
		return concord.Invalid("time", "must be after the previous waypoint's")
	}
	dist := greatCircleM(prev.Lat, prev.Lon, w.Lat, w.Lon)
	if dist > MaxLegM {
		return concord.Invalid("lat", "leg of %.0f km is longer than %.0f km", dist/1000, MaxLegM/1000)
	}
	if kt := dist / w.Time.Sub(prev.Time).Seconds() / msPerKt; kt > MaxGsKt {
		return concord.Invalid("time", "leg flown at %.0f kt, more than %d kt", kt, MaxGsKt)
	}
	return nil
}
