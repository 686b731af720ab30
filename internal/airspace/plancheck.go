package airspace

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Kinds of plan conflict.
const (
	KindSeparation = "separation"
	KindNoFly      = "no-fly"
)

// PlanConflict is a window during which a plan loses separation with
// another party's plan, or is inside a no-fly fence that binds its party.
//
// For separation, LatMin, LonMin are the pair's midpoint at the moment of
// the window when the pair is deepest inside the minima — when
// max(horizontal/H, vertical/V) is least — and LeastSepNM, LeastSepFt the
// horizontal and vertical distances then. For no-fly, they are the entry
// point and 0.
type PlanConflict struct {
	Kind       string    `json:"kind"`
	Other      string    `json:"other"`
	OtherParty string    `json:"other_party,omitempty"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	LatMin     float64   `json:"lat"`
	LonMin     float64   `json:"lon"`
	LeastSepNM float64   `json:"least_sep_nm"`
	LeastSepFt float64   `json:"least_sep_ft"`
}

// maxSliceS bounds the time slices on which a pair of plans is solved with
// constant velocities, so that the pair plane's straight lines stay within
// metres of the great circles.
const maxSliceS = 120

// CheckPlan checks plan p against other parties' plans and the no-fly fences
// binding p's party over its whole trajectory (great circles at constant
// speed between waypoints, altitude linear in time), with the same minima
// and strict cylinder as live detection. It returns every window of loss of
// separation or fence incursion, sorted by start. Plans of p's own party or
// with p's ID are not compared; invalid plans and fences are skipped, and an
// invalid p has no conflicts. The look-ahead of m is not used.
//
// Candidates are cut by time overlap, then by the boxes of the overlapping
// parts, then per pair of legs, before any exact solve.
func CheckPlan(p Plan, others []Plan, fences []Fence, m Minima) []PlanConflict {
	if p.Validate() != nil {
		return nil
	}
	lim := newLimits(m, 0, false)
	self := newPath(&p)
	var out []PlanConflict
	for i := range others {
		q := &others[i]
		if q.ID == p.ID || q.Party == p.Party || !self.overlapsInTime(q) || q.Validate() != nil {
			continue
		}
		out = append(out, self.separation(newPath(q), &lim)...)
	}
	for i := range fences {
		out = append(out, self.noFly(&fences[i])...)
	}
	slices.SortFunc(out, func(a, b PlanConflict) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Other, b.Other))
	})
	return out
}

// path is a validated plan prepared for checks: waypoints on the unit
// sphere, times in seconds from base.
type path struct {
	plan *Plan
	base time.Time
	p    []vec3
	t    []float64
	z    []float64
}

func newPath(pl *Plan) *path {
	w := pl.Waypoints
	ph := &path{plan: pl, base: w[0].Time, p: make([]vec3, len(w)), t: make([]float64, len(w)), z: make([]float64, len(w))}
	for i := range w {
		ph.p[i] = unitVector(w[i].Lat, w[i].Lon)
		ph.t[i] = w[i].Time.Sub(ph.base).Seconds()
		ph.z[i] = w[i].AltFt
	}
	return ph
}

func (ph *path) start() time.Time { return ph.plan.Waypoints[0].Time }
func (ph *path) end() time.Time   { return ph.plan.Waypoints[len(ph.plan.Waypoints)-1].Time }

func (ph *path) overlapsInTime(q *Plan) bool {
	n := len(q.Waypoints)
	return n > 0 && q.Waypoints[0].Time.Before(ph.end()) && ph.start().Before(q.Waypoints[n-1].Time)
}

// at returns the position and altitude at t (seconds from base), and the
// index of the leg holding t.
func (ph *path) at(t float64) (vec3, float64, int) {
	i := ph.legAt(t)
	p, z := ph.on(i, t)
	return p, z, i
}

func (ph *path) legAt(t float64) int {
	return max(0, min(len(ph.t)-2, lastAtOrBefore(ph.t, t)))
}

// on returns the position and altitude at t on leg i's great circle.
func (ph *path) on(i int, t float64) (vec3, float64) {
	f := (t - ph.t[i]) / (ph.t[i+1] - ph.t[i])
	return slerp(ph.p[i], ph.p[i+1], angle(ph.p[i], ph.p[i+1]), f), ph.z[i] + (ph.z[i+1]-ph.z[i])*f
}

// lastAtOrBefore returns the index of the last time ≤ t (−1 if none).
func lastAtOrBefore(ts []float64, t float64) int {
	i, _ := slices.BinarySearch(ts, t)
	if i < len(ts) && ts[i] == t {
		return i
	}
	return i - 1
}

// box returns the Earth-centred box (metres) and altitude range of the path
// between times a and b, each widened by pad metres and padFt.
func (ph *path) box(a, b, pad, padFt float64) (lo, hi [4]float64) {
	p0, z0, i := ph.at(a)
	p1, z1, j := ph.at(b)
	pts := append([]vec3{p0, p1}, ph.p[i+1:j+1]...)
	zs := append([]float64{z0, z1}, ph.z[i+1:j+1]...)
	sag := 0.0
	for k := i; k <= j; k++ {
		sag = max(sag, sq(angle(ph.p[k], ph.p[k+1]))*EarthRadiusM/8)
	}
	for k := range 4 {
		lo[k], hi[k] = math.Inf(1), math.Inf(-1)
	}
	for k, p := range pts {
		c := [4]float64{p.x * EarthRadiusM, p.y * EarthRadiusM, p.z * EarthRadiusM, zs[k]}
		for d := range 4 {
			lo[d], hi[d] = min(lo[d], c[d]), max(hi[d], c[d])
		}
	}
	for d := range 3 {
		lo[d], hi[d] = lo[d]-pad-sag, hi[d]+pad+sag
	}
	lo[3], hi[3] = lo[3]-padFt, hi[3]+padFt
	return lo, hi
}

func boxesMeet(alo, ahi, blo, bhi [4]float64) bool {
	for k := range 4 {
		if alo[k] >= bhi[k] || blo[k] >= ahi[k] {
			return false
		}
	}
	return true
}

// lossSpan is a stretch of loss of separation, seconds from the checked
// plan's base, with its deepest point.
type lossSpan struct {
	a, b     float64
	depth    float64 // max(dh/H, |dv|/V) at the deepest point
	minor    float64 // min(dh/H, |dv|/V) there, to break ties
	dh, dv   float64 // metres, feet
	lat, lon float64
}

// separation returns the loss-of-separation windows of ph against q.
func (ph *path) separation(q *path, lim *limits) []PlanConflict {
	off := q.base.Sub(ph.base).Seconds()
	t0 := max(ph.t[0], q.t[0]+off)
	t1 := min(ph.t[len(ph.t)-1], q.t[len(q.t)-1]+off)
	alo, ahi := ph.box(t0, t1, lim.h/2+1, lim.v/2)
	blo, bhi := q.box(t0-off, t1-off, lim.h/2+1, lim.v/2)
	if !boxesMeet(alo, ahi, blo, bhi) {
		return nil
	}
	var spans []lossSpan
	for a := t0; a < t1; {
		b := min(t1, min(a+maxSliceS, min(ph.next(a), q.next(a-off)+off)))
		if s, ok := ph.sliceLoss(q, a, b, off, lim); ok {
			spans = append(spans, s)
		}
		a = b
	}
	return ph.windows(KindSeparation, q.plan.ID, q.plan.Party, mergeLoss(spans), lim)
}

// next returns the first waypoint time more than a microsecond after t, so
// that slicing always moves on whatever the rounding between time bases.
func (ph *path) next(t float64) float64 {
	i := lastAtOrBefore(ph.t, t+1e-6) + 1
	if i >= len(ph.t) {
		return math.Inf(1)
	}
	return ph.t[i]
}

// sliceLoss solves the pair on the time slice [a, b] (ph's seconds), with
// both aircraft at constant velocity on it.
func (ph *path) sliceLoss(q *path, a, b, off float64, lim *limits) (lossSpan, bool) {
	sa := ph.sliceState(a, b)
	sb := q.sliceState(a-off, b-off)
	dt := b - a
	// Cheap rejections: vertically apart all slice long, or horizontally
	// further apart than both can fly in it (chords are no longer than arcs).
	if z0, z1 := sb.z-sa.z, (sb.z+sb.vz*dt)-(sa.z+sa.vz*dt); min(math.Abs(z0), math.Abs(z1)) >= lim.v && z0*z1 > 0 {
		return lossSpan{}, false
	}
	if sb.p.sub(sa.p).norm()*EarthRadiusM >= lim.h+(sa.gs+sb.gs)*dt+1 {
		return lossSpan{}, false
	}
	pl, ok := pairPlane(sa.p, sb.p)
	if !ok {
		return lossSpan{}, false
	}
	ex := relate(&sa, &sb, 0, 0, pl)
	in, out := ex.losInterval(lim)
	in, out = max(in, 0), min(out, dt)
	if !(in < out) {
		return lossSpan{}, false
	}
	s := ex.deepest(in, out, lim)
	s.a, s.b = in+a, out+a
	return s, true
}

// sliceState returns the state of the path over [a, b]: position at a, the
// great-circle velocity of its leg, altitude and vertical speed. The leg is
// the one holding the slice's middle, so that rounding at a waypoint never
// picks the neighbouring leg.
func (ph *path) sliceState(a, b float64) state {
	i := ph.legAt((a + b) / 2)
	p0, z0 := ph.on(i, a)
	_, z1 := ph.on(i, b)
	st := state{p: p0, z: z0}
	if dt := b - a; dt > 0 {
		st.vz = (z1 - z0) / dt
	}
	if th := angle(ph.p[i], ph.p[i+1]); th > 0 {
		u := ph.p[i+1].sub(p0.scale(p0.dot(ph.p[i+1])))
		if n := u.norm(); n > 0 {
			st.gs = th * EarthRadiusM / (ph.t[i+1] - ph.t[i])
			st.v = u.scale(st.gs / n)
		}
	}
	return st
}

// deepest finds the moment in [a, b] when max(dh/H, |dz|/V) is least, and
// of several such moments (a plateau, when one term is flat) the one where
// the other term is least too. Both terms are convex in t, so those moments
// are among the ends, the terms' own minima and the points where they cross.
func (ex *encounter) deepest(a, b float64, lim *limits) lossSpan {
	cand := []float64{a, b}
	if ww := ex.wx*ex.wx + ex.wy*ex.wy; ww > 0 {
		cand = append(cand, -(ex.rx*ex.wx+ex.ry*ex.wy)/ww)
	}
	if ex.dvz != 0 {
		cand = append(cand, -ex.dz/ex.dvz)
	}
	h2, v2 := lim.h*lim.h, lim.v*lim.v
	qa := (ex.wx*ex.wx+ex.wy*ex.wy)/h2 - ex.dvz*ex.dvz/v2
	qb := (ex.rx*ex.wx+ex.ry*ex.wy)/h2 - ex.dz*ex.dvz/v2
	qc := (ex.rx*ex.rx+ex.ry*ex.ry)/h2 - ex.dz*ex.dz/v2
	cand = append(cand, quadRoots(qa, qb, qc)...)
	best := lossSpan{depth: math.Inf(1), minor: math.Inf(1)}
	for _, t := range cand {
		if t < a || t > b {
			continue
		}
		dh, dv := ex.at(t)
		h, v := dh/lim.h, math.Abs(dv)/lim.v
		if s := (lossSpan{depth: max(h, v), minor: min(h, v), dh: dh, dv: math.Abs(dv)}); s.deeper(&best) {
			best = s
			best.lat, best.lon = ex.midLatLon(t)
		}
	}
	return best
}

// deeper orders deepest points: by depth, then on a plateau by the other
// term. Depths within 1e-6 (under 1 cm at 5 NM, far below the difference
// between two pair planes) count as a plateau.
func (s *lossSpan) deeper(o *lossSpan) bool {
	return s.depth < o.depth-1e-6 || (s.depth < o.depth+1e-6 && s.minor < o.minor)
}

// quadRoots returns the real roots of a·t² + 2b·t + c.
func quadRoots(a, b, c float64) []float64 {
	if a == 0 {
		if b == 0 {
			return nil
		}
		return []float64{-c / (2 * b)}
	}
	disc := b*b - a*c
	if disc < 0 {
		return nil
	}
	s := math.Sqrt(disc)
	return []float64{(-b - s) / a, (-b + s) / a}
}

// mergeLoss joins spans that touch (consecutive slices), keeping the
// deepest point.
func mergeLoss(s []lossSpan) []lossSpan {
	var out []lossSpan
	for _, v := range s {
		if n := len(out); n > 0 && v.a <= out[n-1].b+1e-6 {
			last := &out[n-1]
			last.b = max(last.b, v.b)
			if v.deeper(last) {
				v.a, v.b = last.a, last.b
				*last = v
			}
			continue
		}
		out = append(out, v)
	}
	return out
}

func (ph *path) windows(kind, other, party string, spans []lossSpan, lim *limits) []PlanConflict {
	out := make([]PlanConflict, 0, len(spans))
	for _, s := range spans {
		out = append(out, PlanConflict{
			Kind: kind, Other: other, OtherParty: party,
			Start: ph.base.Add(seconds(s.a)), End: ph.base.Add(seconds(s.b)),
			LatMin: s.lat, LonMin: s.lon, LeastSepNM: s.dh / MetresPerNM, LeastSepFt: s.dv,
		})
	}
	return out
}

func seconds(s float64) time.Duration { return time.Duration(math.Round(s * 1e9)) }

// noFly returns the windows during which the plan is inside fence f, if f
// binds its party.
func (ph *path) noFly(f *Fence) []PlanConflict {
	if (!f.End.IsZero() && !f.End.After(ph.start())) || f.Start.After(ph.end()) ||
		f.FloorFt > slices.Max(ph.z) || f.CeilingFt < slices.Min(ph.z) {
		return nil
	}
	g, err := compileFence(f)
	if err != nil || !g.appliesTo(ph.plan.Party) {
		return nil
	}
	var spans []lossSpan
	var buf []span
	for i := 0; i+1 < len(ph.p); i++ {
		l := leg{p0: ph.p[i], p1: ph.p[i+1], theta: angle(ph.p[i], ph.p[i+1]), dur: ph.t[i+1] - ph.t[i],
			z0: ph.z[i], z1: ph.z[i+1], t0: ph.base.UnixNano() + int64(ph.t[i]*1e9)}
		buf = g.intervals(l, buf[:0])
		for _, s := range buf {
			p := slerp(l.p0, l.p1, l.theta, s.a/l.dur)
			lat, lon := latLon(p)
			spans = append(spans, lossSpan{a: ph.t[i] + s.a, b: ph.t[i] + s.b, lat: lat, lon: lon})
		}
	}
	return ph.windows(KindNoFly, f.ID, "", mergeFirst(spans), nil)
}

// mergeFirst joins touching spans, keeping the first one's point.
func mergeFirst(s []lossSpan) []lossSpan {
	var out []lossSpan
	for _, v := range s {
		if n := len(out); n > 0 && v.a <= out[n-1].b+1e-6 {
			out[n-1].b = max(out[n-1].b, v.b)
			continue
		}
		out = append(out, v)
	}
	return out
}
