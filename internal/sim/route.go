package sim

import (
	"math"
	"time"
)

// route builds a trajectory leg by leg, within an aircraft's climb and
// descent rates: a leg whose altitude change would need more than the rate
// allows gets only what the rate allows (the next legs carry on), and one
// that needs less levels off (or starts down) at an inserted fix.
type route struct {
	fixes  []fix
	rate   float64 // climb and descent rate, ft/min
	mStart time.Time
	mEnd   time.Time
	mPts   []LatLon // the mission's points (orbit or sortie), for its notice
	mAlts  [2]float64
}

func newRoute(at LatLon, altFt float64, t time.Time, rateFpm float64) *route {
	return &route{fixes: []fix{{at, altFt, t}}, rate: rateFpm}
}

func (r *route) last() fix { return r.fixes[len(r.fixes)-1] }

// to flies to p at speedKt towards altitude want, changing level at the
// start of the leg.
func (r *route) to(p LatLon, want, speedKt float64) { r.leg(p, want, speedKt, false) }

// leg flies to p at speedKt towards altitude want; late changes level at
// the end of the leg instead of its start (a descent to land).
func (r *route) leg(p LatLon, want, speedKt float64, late bool) {
	a := r.last()
	dur := distanceM(a.At, p) / (speedKt / ktPerMS) // seconds
	if dur < 2 {
		return
	}
	change := want - a.AltFt
	need := math.Abs(change) / r.rate * 60
	switch {
	case need >= 2 && need < dur-2 && late:
		r.add(between(a.At, p, 1-need/dur), a.AltFt, a.T, dur-need)
		r.add(p, want, a.T, dur)
	case need >= 2 && need < dur-2:
		r.add(between(a.At, p, need/dur), want, a.T, need)
		r.add(p, want, a.T, dur)
	default:
		r.add(p, a.AltFt+math.Copysign(math.Min(math.Abs(change), r.rate*dur/60), change), a.T, dur)
	}
}

func (r *route) add(p LatLon, alt float64, from time.Time, secs float64) {
	r.fixes = append(r.fixes, fix{p, math.Round(alt), from.Add(time.Duration(secs * float64(time.Second))).Round(time.Millisecond)})
}

// land flies home from wherever the route ends and lands at speedKt: if the
// base is too close to descend at the route's rate, it first flies out
// along the base's radial to where the descent can begin (a procedure turn).
func (r *route) land(b Base, speedKt float64) {
	a := r.last()
	descentM := (a.AltFt - b.ElevFt) / r.rate * 60 * speedKt / ktPerMS
	if d := distanceM(a.At, b.At); d < descentM {
		r.to(destination(b.At, bearingDeg(b.At, a.At), descentM*1.05), a.AltFt, speedKt)
	}
	r.leg(b.At, b.ElevFt, speedKt, true)
	r.fixLanding(b)
}

// fixLanding makes the last fix the base at its elevation, whatever the
// rate limit left (the final leg then descends a little faster).
func (r *route) fixLanding(b Base) {
	r.fixes[len(r.fixes)-1].AltFt = b.ElevFt
}

// orbit flies laps of o from its first point until at least dur has passed,
// ending at the end of a leg.
func (r *route) orbit(o orbit, speedKt float64, dur time.Duration) {
	pts := o.points()
	r.to(pts[0], o.AltFt, speedKt)
	r.mission(pts, o.AltFt)
	until := r.last().T.Add(dur)
	for i := 1; r.last().T.Before(until); i++ {
		r.to(pts[i%len(pts)], o.AltFt, speedKt)
	}
	r.mEnd = r.last().T
}

// mission marks the start of the route's mission part.
func (r *route) mission(pts []LatLon, alt float64) {
	r.mStart, r.mPts = r.last().T, pts
	r.mAlts = [2]float64{math.Min(alt, r.last().AltFt), alt}
}

// orbit is a race-track pattern: two straight legs Length apart, joined by
// half circles of diameter Width, centred at Center and aligned on Heading.
type orbit struct {
	Center            LatLon
	Heading           float64 // degrees true, of the inbound leg
	LengthNM, WidthNM float64
	AltFt             float64
}

// points returns the pattern's turning points, clockwise from the start of
// the right-hand leg; the half circles are flown as two chords each.
func (o orbit) points() []LatLon {
	half, rr := o.LengthNM/2*metresPerNM, o.WidthNM/2*metresPerNM
	front := destination(o.Center, o.Heading, half)
	back := destination(o.Center, o.Heading+180, half)
	return []LatLon{
		destination(back, o.Heading+90, rr),
		destination(front, o.Heading+90, rr),
		destination(front, o.Heading, rr),
		destination(front, o.Heading-90, rr),
		destination(back, o.Heading-90, rr),
		destination(back, o.Heading+180, rr),
	}
}
