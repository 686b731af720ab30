package airspace

import (
	"math"
	"slices"
	"time"
)

type pt struct{ x, y float64 }

// fenceGeom is a compiled fence: its footprint in the gnomonic plane at its
// centroid (where great circles are straight lines), in metres.
type fenceGeom struct {
	f          *Fence
	c, e, n    vec3
	circle     bool
	r2         float64  // squared circle radius in the plane
	polys      [][][]pt // projected rings
	chordReach float64  // chord of the footprint's angular radius (unit sphere)
	reach      float64  // its angular radius
	start, end int64    // window, Unix ns, end exclusive
	maxEdge    float64  // longest edge chord, metres
}

func compileFence(f *Fence) (*fenceGeom, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	g := &fenceGeom{f: f, start: math.MinInt64, end: math.MaxInt64}
	if !f.Start.IsZero() {
		g.start = f.Start.UnixNano()
	}
	if !f.End.IsZero() {
		g.end = f.End.UnixNano()
	}
	if len(f.Polygons) == 0 {
		g.compileCircle()
	} else {
		g.compilePolygons()
	}
	g.chordReach = 2 * math.Sin(g.reach/2)
	return g, nil
}

func (g *fenceGeom) compileCircle() {
	g.circle = true
	g.c = unitVector(g.f.CenterLat, g.f.CenterLon)
	g.e, g.n = tangentBasis(g.c)
	g.reach = g.f.RadiusM / EarthRadiusM
	g.r2 = sq(EarthRadiusM * math.Tan(g.reach))
}

func (g *fenceGeom) compilePolygons() {
	g.c = polygonCentroid(g.f.Polygons)
	g.e, g.n = tangentBasis(g.c)
	for _, poly := range g.f.Polygons {
		var rings [][]pt
		for _, ring := range poly {
			proj := make([]pt, len(ring))
			for k, p := range ring {
				u := unitVector(p[1], p[0])
				g.reach = max(g.reach, angle(g.c, u))
				proj[k] = g.project(u)
				if k > 0 {
					g.maxEdge = max(g.maxEdge, math.Hypot(proj[k].x-proj[k-1].x, proj[k].y-proj[k-1].y))
				}
			}
			rings = append(rings, proj)
		}
		g.polys = append(g.polys, rings)
	}
}

// project is the gnomonic projection at the centroid, in metres. It is
// defined for the hemisphere around c.
func (g *fenceGeom) project(p vec3) pt {
	k := EarthRadiusM / p.dot(g.c)
	return pt{p.dot(g.e) * k, p.dot(g.n) * k}
}

func (g *fenceGeom) unproject(q pt) vec3 {
	return g.c.plus(g.e, q.x/EarthRadiusM).plus(g.n, q.y/EarthRadiusM).unit()
}

// appliesTo reports whether the fence binds party.
func (g *fenceGeom) appliesTo(party string) bool {
	return len(g.f.AppliesTo) == 0 || slices.Contains(g.f.AppliesTo, party)
}

// span is a closed interval of seconds.
type span struct{ a, b float64 }

// leg is a piece of a 4-D path: from p0 to p1 along the great circle (angle
// theta) at constant speed over dur seconds from t0 (Unix ns), altitude linear
// from z0 to z1.
type leg struct {
	p0, p1     vec3
	theta, dur float64
	z0, z1     float64
	t0         int64
}

// maxLegAngle bounds the pieces a leg is cut into for fence tests, so every
// piece stays well inside the gnomonic plane's hemisphere.
const maxLegAngle = 0.02 // ≈ 127 km

// intervals appends the closed spans of seconds (from l.t0) during which the
// leg is inside the fence's footprint, band and window.
func (g *fenceGeom) intervals(l leg, out []span) []span {
	if !g.nearLeg(&l) {
		return out
	}
	n := max(1, int(math.Ceil(l.theta/maxLegAngle)))
	prev := l.p0
	for i := 1; i <= n; i++ {
		f := float64(i) / float64(n)
		next := l.p1
		if i < n {
			next = slerp(l.p0, l.p1, l.theta, f)
		}
		sub := leg{p0: prev, p1: next, theta: l.theta / float64(n), dur: l.dur / float64(n),
			z0: l.z0 + (l.z1-l.z0)*float64(i-1)/float64(n), z1: l.z0 + (l.z1-l.z0)*f,
			t0: l.t0 + int64(l.dur*float64(i-1)/float64(n)*1e9)}
		off := l.dur * float64(i-1) / float64(n)
		out = g.pieceIntervals(sub, off, out)
		prev = next
	}
	return mergeSpans(out)
}

// pieceIntervals handles one piece of a leg; off shifts its spans.
func (g *fenceGeom) pieceIntervals(l leg, off float64, out []span) []span {
	if l.p0.dot(g.c) <= 0 || l.p1.dot(g.c) <= 0 || !g.nearLeg(&l) {
		return out
	}
	band, ok := g.bandSpan(l)
	if !ok {
		return out
	}
	win, ok := g.windowSpan(l)
	if !ok {
		return out
	}
	lo, hi := max(band.a, win.a), min(band.b, win.b)
	if lo > hi {
		return out
	}
	x0, x1 := g.project(l.p0), g.project(l.p1)
	var us [16]span
	for _, u := range g.footprintSpans(x0, x1, us[:0]) {
		a, b := g.timeAt(l, x0, x1, u.a), g.timeAt(l, x0, x1, u.b)
		if a, b = max(a, lo), min(b, hi); a <= b {
			out = append(out, span{a + off, b + off})
		}
	}
	return out
}

// nearLeg reports whether a leg may come within the footprint's angular
// radius: its arc lies within the sagitta θ²/8 of its chord, and the
// footprint within chordReach of the centroid.
func (g *fenceGeom) nearLeg(l *leg) bool {
	d := l.p1.sub(l.p0)
	t := 0.0
	if dd := d.dot(d); dd > 0 {
		t = max(0, min(1, g.c.sub(l.p0).dot(d)/dd))
	}
	q := l.p0.plus(d, t).sub(g.c)
	lim := g.chordReach + l.theta*l.theta/8 + 1e-9
	return q.dot(q) < lim*lim
}

// bandSpan returns the seconds of the piece inside the altitude band.
func (g *fenceGeom) bandSpan(l leg) (span, bool) {
	lo, hi := 0.0, l.dur
	dz := l.z1 - l.z0
	if dz == 0 || l.dur == 0 {
		return span{lo, hi}, l.z0 >= g.f.FloorFt && l.z0 <= g.f.CeilingFt
	}
	rate := dz / l.dur
	a, b := (g.f.FloorFt-l.z0)/rate, (g.f.CeilingFt-l.z0)/rate
	a, b = min(a, b), max(a, b)
	a, b = max(a, lo), min(b, hi)
	return span{a, b}, a <= b
}

// windowSpan returns the seconds of the piece inside the time window.
func (g *fenceGeom) windowSpan(l leg) (span, bool) {
	a, b := 0.0, l.dur
	if g.start != math.MinInt64 {
		a = max(a, float64(g.start-l.t0)*1e-9)
	}
	if g.end != math.MaxInt64 {
		b = min(b, float64(g.end-1-l.t0)*1e-9)
	}
	return span{a, b}, a <= b
}

// timeAt converts a fraction u of the projected segment to seconds: the
// great-circle angle from the start over the piece's angle.
func (g *fenceGeom) timeAt(l leg, x0, x1 pt, u float64) float64 {
	if u <= 0 || l.theta == 0 {
		return 0
	}
	if u >= 1 {
		return l.dur
	}
	p := g.unproject(pt{x0.x + (x1.x-x0.x)*u, x0.y + (x1.y-x0.y)*u})
	return min(l.dur, angle(l.p0, p)/l.theta*l.dur)
}

// footprintSpans appends the closed fractions of the segment x0→x1 inside
// the footprint.
func (g *fenceGeom) footprintSpans(x0, x1 pt, out []span) []span {
	if g.circle {
		return circleSpan(x0, x1, g.r2, out)
	}
	var buf [32]float64
	cuts := append(buf[:0], 0)
	for _, poly := range g.polys {
		for _, ring := range poly {
			for k := 1; k < len(ring); k++ {
				if u, ok := crossing(x0, x1, ring[k-1], ring[k]); ok {
					cuts = append(cuts, u)
				}
			}
		}
	}
	cuts = append(cuts, 1)
	slices.Sort(cuts)
	return g.classify(x0, x1, cuts, out)
}

// classify walks the cut points of a segment, keeping the stretches whose
// middles (or, for a point segment, whose start) are inside.
func (g *fenceGeom) classify(x0, x1 pt, cuts []float64, out []span) []span {
	at := func(u float64) pt { return pt{x0.x + (x1.x-x0.x)*u, x0.y + (x1.y-x0.y)*u} }
	if g.inside(x0) {
		out = append(out, span{0, 0})
	}
	for i := 1; i < len(cuts); i++ {
		a, b := cuts[i-1], cuts[i]
		if b > a && g.inside(at((a+b)/2)) {
			out = append(out, span{a, b})
		} else if g.inside(at(b)) {
			out = append(out, span{b, b})
		}
	}
	return mergeSpans(out)
}

func circleSpan(x0, x1 pt, r2 float64, out []span) []span {
	dx, dy := x1.x-x0.x, x1.y-x0.y
	a := dx*dx + dy*dy
	b := x0.x*dx + x0.y*dy
	c := x0.x*x0.x + x0.y*x0.y - r2
	if a == 0 {
		if c <= 0 {
			out = append(out, span{0, 1})
		}
		return out
	}
	disc := b*b - a*c
	if disc < 0 {
		return out
	}
	s := math.Sqrt(disc)
	lo, hi := max(0, (-b-s)/a), min(1, (-b+s)/a)
	if lo <= hi {
		out = append(out, span{lo, hi})
	}
	return out
}

// crossing returns where segment p→q meets edge a→b, as a fraction of p→q.
func crossing(p, q, a, b pt) (float64, bool) {
	dx, dy := q.x-p.x, q.y-p.y
	ex, ey := b.x-a.x, b.y-a.y
	den := dx*ey - dy*ex
	if den == 0 {
		return 0, false
	}
	wx, wy := a.x-p.x, a.y-p.y
	u := (wx*ey - wy*ex) / den
	s := (wx*dy - wy*dx) / den
	return u, u > 0 && u < 1 && s >= 0 && s <= 1
}

// inside reports whether a plane point is in the footprint: in any polygon
// (even-odd over its rings, so holes are out), boundary included.
func (g *fenceGeom) inside(q pt) bool {
	if g.circle {
		return q.x*q.x+q.y*q.y <= g.r2
	}
	for _, poly := range g.polys {
		if inPolygon(poly, q) {
			return true
		}
	}
	return false
}

func inPolygon(rings [][]pt, q pt) bool {
	in := false
	for _, ring := range rings {
		for k := 1; k < len(ring); k++ {
			a, b := ring[k-1], ring[k]
			if onEdge(a, b, q) {
				return true
			}
			if (a.y > q.y) != (b.y > q.y) && q.x < (b.x-a.x)*(q.y-a.y)/(b.y-a.y)+a.x {
				in = !in
			}
		}
	}
	return in
}

func onEdge(a, b, q pt) bool {
	cross := (b.x-a.x)*(q.y-a.y) - (b.y-a.y)*(q.x-a.x)
	return cross == 0 && q.x >= min(a.x, b.x) && q.x <= max(a.x, b.x) &&
		q.y >= min(a.y, b.y) && q.y <= max(a.y, b.y)
}

// mergeSpans sorts spans and joins those that touch or overlap.
func mergeSpans(s []span) []span {
	if len(s) < 2 {
		return s
	}
	slices.SortFunc(s, func(x, y span) int { return cmpFloat(x.a, y.a) })
	out := s[:1]
	for _, v := range s[1:] {
		last := &out[len(out)-1]
		if v.a <= last.b+1e-9 {
			last.b = max(last.b, v.b)
		} else {
			out = append(out, v)
		}
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// trackLeg returns a report's straight-line path over the look-ahead.
func trackLeg(st *state, lookahead float64) leg {
	l := leg{p0: st.p, p1: st.p, dur: lookahead, z0: st.z, z1: st.z + st.vz*lookahead, t0: st.t}
	if st.gs > 0 {
		l.theta = st.gs * lookahead / EarthRadiusM
		sθ, cθ := math.Sincos(l.theta)
		l.p1 = st.p.scale(cθ).add(st.v.scale(sθ / st.gs))
	}
	return l
}

// incursion evaluates a report against a fence over the look-ahead. ok is
// false when the track is neither inside nor predicted to enter.
func (g *fenceGeom) incursion(st *state, lookahead float64, buf *[]span) (Incursion, bool) {
	return g.incursionOn(st, trackLeg(st, lookahead), buf)
}

// incursionOn is incursion with the report's path l over the look-ahead
// already made. buf is scratch space, kept between calls.
func (g *fenceGeom) incursionOn(st *state, l leg, buf *[]span) (Incursion, bool) {
	lookahead := l.dur
	spans := g.intervals(l, (*buf)[:0])
	*buf = spans
	if len(spans) == 0 {
		return Incursion{}, false
	}
	t := spans[0].a
	lat, lon := latLon(slerp(l.p0, l.p1, l.theta, t/lookahead))
	return Incursion{
		Fence: g.f.ID, Track: st.id, Party: st.party, Inside: t == 0, TimeToEntryS: t,
		Lat: lat, Lon: lon, AltFt: st.z + st.vz*t, At: time.Unix(0, st.t).UTC(),
	}, true
}
