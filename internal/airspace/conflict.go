package airspace

import (
	"cmp"
	"encoding/json"
	"math"
	"time"
)

// Conflict is a predicted or current loss of separation between two
// aircraft. A is the lesser track ID. Times are seconds from At, the later of
// the two report times, to which both reports were extrapolated.
//
// TinS is negative when the pair is already in loss of separation; it is
// −Inf (and ToutS +Inf) when the pair is inside the minima and not moving
// relative to each other, horizontally and vertically alike (JSON: null).
// TcpaS is the horizontal time of closest approach clamped to ≥ 0 (ACCoRD):
// 0 for a diverging pair or one with zero relative velocity. DcpaNM is the
// horizontal distance at TcpaS, DvFt the altitude of B minus the altitude of A
// at TcpaS (positive: B above), and LatCPA, LonCPA the pair's midpoint then.
type Conflict struct {
	A      string    `json:"a"`
	B      string    `json:"b"`
	PartyA string    `json:"party_a"`
	PartyB string    `json:"party_b"`
	TcpaS  float64   `json:"tcpa_s"`
	DcpaNM float64   `json:"dcpa_nm"`
	TinS   float64   `json:"tin_s"`
	ToutS  float64   `json:"tout_s"`
	DvFt   float64   `json:"dv_ft"`
	LatCPA float64   `json:"lat_cpa"`
	LonCPA float64   `json:"lon_cpa"`
	At     time.Time `json:"at"`
}

// MarshalJSON writes infinite TinS and ToutS as null.
func (c Conflict) MarshalJSON() ([]byte, error) {
	type plain Conflict
	return json.Marshal(struct {
		plain
		TinS  *float64 `json:"tin_s"`
		ToutS *float64 `json:"tout_s"`
	}{plain(c), finitePtr(c.TinS), finitePtr(c.ToutS)})
}

// UnmarshalJSON reads null TinS as −Inf and null ToutS as +Inf.
func (c *Conflict) UnmarshalJSON(b []byte) error {
	type plain Conflict
	var v struct {
		plain
		TinS  *float64 `json:"tin_s"`
		ToutS *float64 `json:"tout_s"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Conflict(v.plain)
	c.TinS, c.ToutS = negInf, inf
	if v.TinS != nil {
		c.TinS = *v.TinS
	}
	if v.ToutS != nil {
		c.ToutS = *v.ToutS
	}
	return nil
}

func finitePtr(x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil
	}
	return &x
}

func compareConflicts(a, b Conflict) int {
	return cmp.Or(cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B))
}

// conflictOf is the exact pair test shared by every detector. It is not
// inlined, and works the pair in the order of state.before, so that every
// caller gets bit-identical numbers whatever the order of a and b; A and B
// are then named in ID order (DvFt changes sign with them).
//
// Rejections, cheapest first: same party (unless allowed); reports more than
// maxLag apart; no vertical overlap within the look-ahead; and no horizontal
// overlap during the vertical one, bounded in 3-D (farApart). Each is
// conservative, so the result is that of the full computation. Two states
// with one ID are never in conflict.
//
//go:noinline
func conflictOf(a, b *state, lim *limits, c *Conflict) bool {
	if !lim.sameParty && a.pty == b.pty {
		return false
	}
	if b.before(a) {
		a, b = b, a
	}
	t0 := b.t // the later report
	if t0-a.t > lim.maxLag {
		return false
	}
	dta := float64(t0-a.t) * 1e-9
	vIn, vOut := verticalInterval(b.z-(a.z+a.vz*dta), b.vz-a.vz, lim.v)
	if !inConflict(vIn, vOut, lim.t) {
		return false
	}
	if farApart(a, b, dta, max(0, vIn), min(vOut, lim.t), lim.h) {
		return false
	}
	pl, ok := pairPlane(a.p, b.p)
	if !ok || a.id == b.id {
		return false
	}
	ex := relate(a, b, dta, 0, pl)
	in, out := ex.losInterval(lim)
	if !inConflict(in, out, lim.t) {
		return false
	}
	*c = ex.conflict(a, b, in, out, t0)
	if a.id > b.id {
		c.A, c.B, c.PartyA, c.PartyB, c.DvFt = c.B, c.A, c.PartyB, c.PartyA, -c.DvFt
	}
	return true
}
func (ex *encounter) conflict(a, b *state, in, out float64, t0 int64) Conflict {
	tc := ex.tcpa()
	dh, dv := ex.at(tc)
	lat, lon := ex.midLatLon(tc)
	return Conflict{
		A: a.id, B: b.id, PartyA: a.party, PartyB: b.party,
		TcpaS: tc, DcpaNM: dh / MetresPerNM, TinS: in, ToutS: out, DvFt: dv,
		LatCPA: lat, LonCPA: lon, At: time.Unix(0, t0).UTC(),
	}
}

// farApart reports whether a and b (a extrapolated by dta seconds) stay at
// least h apart horizontally from t1 to t2 seconds, judged in Earth-centred
// 3-D space without building the pair plane. The plane's relative position
// r(t) and the 3-D one D(t) differ by at most (k−1)·R|d| (the plane is scaled
// from chord to arc) plus (θ/2)·|v| per aircraft per second (each velocity
// is rotated by half the pair's angle θ into the plane), so |D(t)| ≥ h + that
// bound for all t proves |r(t)| ≥ h.
func farApart(a, b *state, dta, t1, t2, h float64) bool {
	d := b.p.sub(a.p)
	chord := d.norm()
	k := arcPerChord(chord)
	drift := (k-1)*chord*EarthRadiusM + k*chord/2*(a.gs+b.gs)*(t2+dta)
	lim := (h+drift)*(1+1e-9) + 1
	w := b.v.sub(a.v)
	d0 := d.scale(EarthRadiusM).sub(a.v.scale(dta))
	ww := w.dot(w)
	t := t1
	if ww > 0 {
		t = max(t1, min(t2, -d0.dot(w)/ww))
	}
	dt := d0.plus(w, t)
	return dt.dot(dt) >= lim*lim
}
