package airspace

import "math"

// Zero relative velocity. Below these relative speeds the pair is treated as
// not moving relative to each other in that dimension: the interval is all
// time when they are inside the minimum now, and empty otherwise, and the
// time to closest approach is 0. 0.01 m/s drifts 3 m in five minutes.
const (
	epsSpeedMS = 0.01 // horizontal, metres per second (≈ 0.02 kt)
	epsVsFtS   = 0.01 // vertical, feet per second (0.6 ft/min)
)

// state is a track report prepared for pair tests.
type state struct {
	p     vec3    // position on the unit sphere
	v     vec3    // ground velocity, m/s, tangent to the sphere at p
	gs    float64 // ground speed, m/s
	z     float64 // altitude, ft
	vz    float64 // vertical speed, ft/s
	t     int64   // report time, Unix nanoseconds
	pty   int32   // party, interned by the caller
	id    string
	party string
}

// before is a total order on states by their numbers alone. The exact test
// always works a pair in this order, so its numbers do not depend on the
// order its callers pass the pair in.
func (a *state) before(b *state) bool {
	switch {
	case a.t != b.t:
		return a.t < b.t
	case a.p != b.p:
		return a.p.x < b.p.x || (a.p.x == b.p.x && (a.p.y < b.p.y || (a.p.y == b.p.y && a.p.z < b.p.z)))
	case a.v != b.v:
		return a.v.x < b.v.x || (a.v.x == b.v.x && (a.v.y < b.v.y || (a.v.y == b.v.y && a.v.z < b.v.z)))
	case a.z != b.z:
		return a.z < b.z
	}
	return a.vz < b.vz
}

// makeState prepares a report. It is not inlined so that every caller runs
// the same machine code and gets bit-identical results.
//
//go:noinline
func makeState(t *Track) state {
	e, n := eastNorth(t.Lat, t.Lon)
	st, ct := math.Sincos(t.TrackDeg * radPer)
	gs := t.GsKt * msPerKt
	return state{
		p: unitVector(t.Lat, t.Lon), v: n.scale(gs * ct).add(e.scale(gs * st)),
		gs: gs, z: t.AltFt, vz: t.VsFpm / 60, t: t.Time.UnixNano(),
		id: t.ID, party: t.Party,
	}
}

// plane is a tangent plane centred on a pair: m is its centre on the unit
// sphere, e and n span it, and kR scales unit-sphere projections to metres
// so that the two reports' distance in the plane is their great-circle
// distance.
type plane struct {
	m, e, n vec3
	kR      float64
}

// pairPlane returns the plane at the midpoint of two unit vectors. ok is false
// for antipodal points.
func pairPlane(a, b vec3) (pl plane, ok bool) {
	s := a.add(b)
	sn := s.norm()
	if sn < 1e-9 {
		return pl, false
	}
	pl.m = s.scale(1 / sn)
	pl.e, pl.n = tangentBasis(pl.m)
	pl.kR = arcPerChord(b.sub(a).norm()) * EarthRadiusM
	return pl, true
}

// arcPerChord returns 2·asin(c/2)/c, the ratio of arc to chord on the unit
// sphere; it is at least 1.
func arcPerChord(c float64) float64 {
	if c > 0.1 {
		return 2 * math.Asin(min(c/2, 1)) / c
	}
	c2 := c * c
	return 1 + c2/24 + 3*c2*c2/640
}

// velocity returns the plane components of v, a velocity tangent at p,
// parallel-transported along the great circle from p to the plane's centre,
// which preserves its magnitude. The rotation taking p to m maps v to
// v − (m·v)/(1 + p·m)·(p + m).
func (pl *plane) velocity(p, v vec3) (x, y float64) {
	k := pl.m.dot(v) / (1 + p.dot(pl.m))
	w := v.sub(p.add(pl.m).scale(k))
	return w.dot(pl.e), w.dot(pl.n)
}

// latLon returns the latitude and longitude of a point of the plane (metres).
func (pl *plane) latLon(x, y float64) (lat, lon float64) {
	qx, qy := x/pl.kR, y/pl.kR
	h := math.Sqrt(max(0, 1-qx*qx-qy*qy))
	return latLon(pl.m.scale(h).plus(pl.e, qx).plus(pl.n, qy))
}

// encounter is a pair brought to a common time in its own plane: B relative
// to A in position (metres) and velocity (m/s), altitude (ft) and vertical
// speed (ft/s); and the midpoint of the pair and its velocity, for locating
// the closest approach.
type encounter struct {
	pl             plane
	rx, ry, wx, wy float64
	dz, dvz        float64
	mx, my         float64
	mvx, mvy       float64
}

// relate builds the encounter of a and b after extrapolating them by dta and
// dtb seconds.
func relate(a, b *state, dta, dtb float64, pl plane) encounter {
	ax, ay := pl.velocity(a.p, a.v)
	bx, by := pl.velocity(b.p, b.v)
	d := b.p.sub(a.p)
	hx, hy := d.dot(pl.e)*pl.kR/2, d.dot(pl.n)*pl.kR/2 // B's offset from the centre; A's is minus
	ex := encounter{pl: pl, wx: bx - ax, wy: by - ay, mvx: (ax + bx) / 2, mvy: (ay + by) / 2}
	ex.rx = 2*hx + bx*dtb - ax*dta
	ex.ry = 2*hy + by*dtb - ay*dta
	ex.mx = (ax*dta + bx*dtb) / 2
	ex.my = (ay*dta + by*dtb) / 2
	ex.dz = (b.z + b.vz*dtb) - (a.z + a.vz*dta)
	ex.dvz = b.vz - a.vz
	return ex
}

// horizontalInterval returns the open interval of times when |r + w·t| < h,
// (+Inf, −Inf) when there is none, and (−Inf, +Inf) when the relative speed is
// below epsSpeedMS and the pair is inside h now. Touching h exactly is not
// inside.
func horizontalInterval(rx, ry, wx, wy, h float64) (in, out float64) {
	a := wx*wx + wy*wy
	c := rx*rx + ry*ry - h*h
	if a < epsSpeedMS*epsSpeedMS {
		if c < 0 {
			return negInf, inf
		}
		return inf, negInf
	}
	b := rx*wx + ry*wy
	disc := b*b - a*c
	if disc <= 0 {
		return inf, negInf
	}
	q := -(b + math.Copysign(math.Sqrt(disc), b)) // stable roots: q/a and c/q
	t1, t2 := q/a, c/q
	return min(t1, t2), max(t1, t2)
}

// verticalInterval returns the open interval of times when |dz + dvz·t| < v,
// with the same conventions as horizontalInterval.
func verticalInterval(dz, dvz, v float64) (in, out float64) {
	if math.Abs(dvz) < epsVsFtS {
		if math.Abs(dz) < v {
			return negInf, inf
		}
		return inf, negInf
	}
	t1, t2 := (-v-dz)/dvz, (v-dz)/dvz
	return min(t1, t2), max(t1, t2)
}

// tcpa returns the horizontal time of closest approach, clamped to ≥ 0 as in
// ACCoRD's Vect2.tcpa: a diverging pair is closest now. It is 0 when the
// relative speed is below epsSpeedMS.
func (ex *encounter) tcpa() float64 {
	a := ex.wx*ex.wx + ex.wy*ex.wy
	if a < epsSpeedMS*epsSpeedMS {
		return 0
	}
	return max(0, -(ex.rx*ex.wx+ex.ry*ex.wy)/a)
}

// at returns the horizontal distance (m) and vertical offset B−A (ft) at t.
func (ex *encounter) at(t float64) (dh, dv float64) {
	return math.Hypot(ex.rx+ex.wx*t, ex.ry+ex.wy*t), ex.dz + ex.dvz*t
}

// midLatLon returns the pair's midpoint at t.
func (ex *encounter) midLatLon(t float64) (lat, lon float64) {
	return ex.pl.latLon(ex.mx+ex.mvx*t, ex.my+ex.mvy*t)
}

// losInterval returns the open interval of loss of separation: the
// intersection of the horizontal and vertical intervals.
func (ex *encounter) losInterval(lim *limits) (in, out float64) {
	hIn, hOut := horizontalInterval(ex.rx, ex.ry, ex.wx, ex.wy, lim.h)
	vIn, vOut := verticalInterval(ex.dz, ex.dvz, lim.v)
	return max(hIn, vIn), min(hOut, vOut)
}

// inConflict is the conflict rule of BlueSky and DAIDALUS: a loss of
// separation that has not ended and begins within the look-ahead.
func inConflict(in, out, lookahead float64) bool {
	return in < out && out > 0 && in < lookahead
}
