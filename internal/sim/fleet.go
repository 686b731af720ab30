package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"concord/internal/airspace"
)

// Fleet is the air traffic of the demo's three armed parties: every flight
// in the air at some time of a period, generated from a seed. It is pure:
// the same seed, period and scale give the same flights.
type Fleet struct {
	Flights []*Flight // by take-off time, then party and callsign
	gens    []*fleetGen
}

// fleetGen is one party's departures drawn so far.
type fleetGen struct {
	spec    fleetSpec
	rng     *rand.Rand
	next    time.Time // the last departure drawn
	pending time.Time // the next departure, drawn but at or after the last Until's end
	n       int       // flights drawn
	from    time.Time // flights landing before are not kept
	scale   float64
}

// Batch is one party's track reports at one instant.
type Batch struct {
	Party  string
	Tracks []airspace.Track
}

// NewFleet generates the flights of parties A, B and C in the air at some
// time in [from, to): departures from three hours before from, at each
// party's rate times scale (fewer by night), each with its mission (patrol,
// sortie, reconnaissance orbit or transit between bases), aircraft type,
// levels, speeds and climb rates drawn from seed. Scale sizes the traffic up
// for load generation (concord bench): scale 10 flies ten times the flights.
func NewFleet(seed uint64, from, to time.Time, scale float64) *Fleet {
	f := &Fleet{}
	for _, spec := range fleets {
		f.gens = append(f.gens, &fleetGen{spec: spec, rng: rand.New(rand.NewPCG(seed, streamOf("fleet/"+spec.Party))),
			next: from.Add(-3 * time.Hour), from: from, scale: scale})
	}
	f.Until(to)
	return f
}

// Until draws the flights taking off before to that are not drawn yet, and
// returns them (in the order of Flights).
func (f *Fleet) Until(to time.Time) []*Flight {
	var added []*Flight
	for _, g := range f.gens {
		added = append(added, g.until(to)...)
	}
	sortFlights(added)
	f.Flights = append(f.Flights, added...)
	sortFlights(f.Flights)
	return added
}

func sortFlights(fs []*Flight) {
	slices.SortStableFunc(fs, func(a, b *Flight) int {
		if c := a.Start().Compare(b.Start()); c != 0 {
			return c
		}
		return cmpStrings(a.Party+a.Callsign, b.Party+b.Callsign)
	})
}

// Reports returns each party's reports at t (parties in order A, B, C; a
// party with nothing in the air is left out), each batch by callsign.
func (f *Fleet) Reports(t time.Time) []Batch {
	by := map[string][]airspace.Track{}
	for _, fl := range f.Flights {
		if fl.Airborne(t) {
			by[fl.Party] = append(by[fl.Party], fl.At(t))
		}
	}
	var out []Batch
	for _, spec := range fleets {
		if ts := by[spec.Party]; len(ts) > 0 {
			slices.SortFunc(ts, func(a, b airspace.Track) int { return cmpStrings(a.ID, b.ID) })
			out = append(out, Batch{spec.Party, ts})
		}
	}
	return out
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// until draws the party's departures before to: exponential intervals
// whose mean is the party's interval over scale, longer by night.
func (g *fleetGen) until(to time.Time) []*Flight {
	var out []*Flight
	for {
		if g.pending.IsZero() {
			mean := float64(g.spec.Every) / (g.scale * daylight(g.next))
			g.pending = g.next.Add(time.Duration(g.rng.ExpFloat64() * mean)).Truncate(time.Second)
		}
		if !g.pending.Before(to) {
			return out // kept for the next call: drawing in steps draws the same flights
		}
		t := g.pending
		g.next, g.pending = t, time.Time{}
		fl := g.spec.flight(g.rng, t, g.n)
		g.n++
		if !fl.End().Before(g.from) {
			out = append(out, fl)
		}
	}
}

// daylight is the share of the daytime rate flown at t: a third by night
// (22:00 to 05:00 in Syria, UTC+3).
func daylight(t time.Time) float64 {
	if h := t.UTC().Add(3 * time.Hour).Hour(); h >= 22 || h < 5 {
		return 1.0 / 3
	}
	return 1
}

// flight draws the n-th flight of the party, taking off at dep.
func (s fleetSpec) flight(rng *rand.Rand, dep time.Time, n int) *Flight {
	typ := s.Types[rng.IntN(len(s.Types))]
	base := bases[s.Bases[rng.IntN(len(s.Bases))]]
	fl := &Flight{Party: s.Party, Type: typ.Name, Mission: typ.Missions[rng.IntN(len(typ.Missions))],
		Callsign: fmt.Sprintf("%s%02d", s.Callsigns[n%len(s.Callsigns)], 11+n/len(s.Callsigns))}
	cruise := typ.Min + rng.Float64()*(typ.Max-typ.Min)
	r := newRoute(base.At, base.ElevFt, dep, 1500+rng.Float64()*1500)
	switch fl.Mission {
	case "transit":
		dest := s.otherBase(rng, base)
		fl.Area = dest.Name
		r.to(between(base.At, dest.At, 0.5), float64(20000+1000*rng.IntN(11)), cruise)
		r.land(dest, 300)
	case "sortie":
		fl.Area = s.Areas[rng.IntN(len(s.Areas))]
		sortie(r, rng, areas[fl.Area].At, float64(18000+500*rng.IntN(29)), cruise)
		r.land(base, 300)
	default: // patrol, isr
		fl.Area = s.Areas[rng.IntN(len(s.Areas))]
		o, dur := patrolOrbit(rng, areas[fl.Area].At, fl.Mission == "isr")
		r.orbit(o, math.Max(300, math.Min(cruise*0.9, 420)), dur)
		fl.Orbit = &o
		r.land(base, 300)
	}
	fl.Fixes = r.fixes
	if rng.Float64() < s.Planned {
		fl.Plan, fl.PlanAt = r.fixes, dep.Add(-time.Duration(15+rng.IntN(31))*time.Minute)
		fl.Fixes = shifted(r.fixes, time.Duration(rng.IntN(361))*time.Second)
	}
	fl.notice = s.notice(rng, fl, r)
	return fl
}

func (s fleetSpec) otherBase(rng *rand.Rand, from Base) Base {
	var others []string
	for _, b := range s.Bases {
		if bases[b].Name != from.Name && !slices.Contains(others, b) {
			others = append(others, b)
		}
	}
	return bases[others[rng.IntN(len(others))]]
}

// patrolOrbit draws a race-track near c: a combat air patrol (20–35 NM legs,
// FL150–FL350 by 500 ft, 30–80 min) or a reconnaissance orbit (40–60 NM,
// FL300–FL350, 90–150 min).
func patrolOrbit(rng *rand.Rand, c LatLon, isr bool) (orbit, time.Duration) {
	o := orbit{Center: destination(c, rng.Float64()*360, rng.Float64()*15000), Heading: rng.Float64() * 180,
		LengthNM: 20 + rng.Float64()*15, WidthNM: 6 + rng.Float64()*4, AltFt: float64(15000 + 500*rng.IntN(41))}
	dur := time.Duration(30+rng.IntN(51)) * time.Minute
	if isr {
		o.LengthNM, o.WidthNM, o.AltFt = 40+rng.Float64()*20, 10, float64(30000+1000*rng.IntN(6))
		dur = time.Duration(90+rng.IntN(61)) * time.Minute
	}
	return o, dur
}

// sortie flies to two or three points within 25 km of c and back out.
func sortie(r *route, rng *rand.Rand, c LatLon, alt, speed float64) {
	pts := make([]LatLon, 2+rng.IntN(2))
	for i := range pts {
		pts[i] = destination(c, rng.Float64()*360, 3000+rng.Float64()*22000)
	}
	r.to(pts[0], alt, speed)
	r.mission(pts, alt)
	for _, p := range pts[1:] {
		r.to(p, alt, speed)
	}
	r.mEnd = r.last().T
}
