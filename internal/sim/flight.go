package sim

import (
	"math"
	"time"

	"concord/internal/airspace"
)

// fix is a 4-D point of a trajectory. Between consecutive fixes an aircraft
// flies the great circle at constant ground speed, its altitude changing
// linearly with time: the model of a concord flight plan (airspace.Plan), so
// a flown trajectory can be filed as it is.
type fix struct {
	At    LatLon
	AltFt float64
	T     time.Time
}

// Flight is one aircraft's flight: its mission and the trajectory it flies.
// A flight with a plan files Plan (its trajectory before the departure
// delay) at PlanAt; the others are only tracked.
type Flight struct {
	Party    string
	Callsign string // also its track ID
	Type     string
	Mission  string // patrol, sortie, isr or transit
	Area     string // mission area, or the destination base of a transit
	Fixes    []fix  // as flown
	Plan     []fix  // as filed; nil: no plan
	PlanAt   time.Time
	Orbit    *orbit // patrols and ISR: the race-track flown
	notice   *notice
}

// Start and End are when the flight takes off and lands.
func (f *Flight) Start() time.Time { return f.Fixes[0].T }
func (f *Flight) End() time.Time   { return f.Fixes[len(f.Fixes)-1].T }

// Airborne reports whether the aircraft flies at t (take-off and landing
// instants included).
func (f *Flight) Airborne(t time.Time) bool { return !t.Before(f.Start()) && !t.After(f.End()) }

// At returns the track report of the flight at t, which must be airborne:
// position and altitude interpolated on the current leg, ground speed and
// vertical speed of the leg, and the track towards the leg's end.
func (f *Flight) At(t time.Time) airspace.Track {
	i := legAt(f.Fixes, t)
	a, b := f.Fixes[i], f.Fixes[i+1]
	dur := b.T.Sub(a.T).Seconds()
	frac := t.Sub(a.T).Seconds() / dur
	pos := between(a.At, b.At, frac)
	track := bearingDeg(a.At, b.At)
	if distanceM(pos, b.At) > 1 {
		track = bearingDeg(pos, b.At)
	}
	return airspace.Track{
		ID: f.Callsign, Lat: round(pos.Lat, 1e6), Lon: round(pos.Lon, 1e6),
		AltFt:    math.Round(a.AltFt + frac*(b.AltFt-a.AltFt)),
		GsKt:     round(distanceM(a.At, b.At)/dur*ktPerMS, 10),
		TrackDeg: math.Mod(round(track, 10), 360),
		VsFpm:    math.Round((b.AltFt - a.AltFt) / dur * 60),
		Time:     t.UTC(),
	}
}

// legAt returns the index of the leg [i, i+1] flown at t.
func legAt(fs []fix, t time.Time) int {
	for i := 0; i < len(fs)-2; i++ {
		if t.Before(fs[i+1].T) {
			return i
		}
	}
	return len(fs) - 2
}

func round(x, scale float64) float64 { return math.Round(x*scale) / scale }

// Waypoints returns fixes as a flight plan's waypoints.
func Waypoints(fs []fix) []airspace.Waypoint {
	out := make([]airspace.Waypoint, len(fs))
	for i, f := range fs {
		out[i] = airspace.Waypoint{Lat: round(f.At.Lat, 1e6), Lon: round(f.At.Lon, 1e6), AltFt: f.AltFt, Time: f.T.UTC()}
	}
	return out
}

// shifted returns fs delayed by d.
func shifted(fs []fix, d time.Duration) []fix {
	out := make([]fix, len(fs))
	for i, f := range fs {
		out[i] = fix{f.At, f.AltFt, f.T.Add(d)}
	}
	return out
}
