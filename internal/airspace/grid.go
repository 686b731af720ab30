package airspace

import "math"

// frame is the rotated Earth-centred frame of a grid: z points at the
// traffic's centroid, so the traffic lies across x and y. Any rotation is
// correct; this one only makes the grid efficient.
type frame struct{ x, y, z vec3 }

func newFrame(center vec3) frame {
	if center.norm() < 1e-6 {
		center = vec3{0, 0, 1}
	}
	center = center.unit()
	e, n := tangentBasis(center)
	return frame{e, n, center}
}

func (f *frame) coords(p vec3) [3]float64 {
	return [3]float64{p.dot(f.x) * EarthRadiusM, p.dot(f.y) * EarthRadiusM, p.dot(f.z) * EarthRadiusM}
}

// Grid geometry bounds.
const (
	// altOffsetFt shifts altitude cell indices above zero and centres
	// 1,000 ft layers on flight levels, so level traffic enters one layer.
	altOffsetFt = 1e6 + 500
	maxCellIdx  = 32767
	minCellM    = 1000
)

// sweep is the broadphase of one detector. Each aircraft is swept over its
// next s seconds along its great circle; the box of that arc (its chord's box
// widened by the arc's sagitta) is widened by padH metres and altitude by
// padV feet, and entered in every grid cell it overlaps.
//
// Why no pair is missed: if the exact test finds the pair within H and V at
// some moment, the sphere points P_a and P_b where the two aircraft then are
// on their great circles lie within padH of their midpoint M, because the
// pair plane differs from the sphere by at most errBound (see padFor), and
// chords are no longer than arcs. So M is inside both padded boxes, the boxes
// overlap, and they share a cell. Vertically, altitudes are linear in time in
// both, so V/2 suffices, plus a rounding margin for climbing aircraft only:
// a level aircraft's altitude is exact. Because the minima are strict, boxes
// must overlap in their interiors (open boxes): two level aircraft exactly V
// apart touch but do not overlap, and a box whose top lies on a cell
// boundary does not enter the cell above.
type sweep struct {
	f     frame
	s     float64 // seconds swept from each report (look-ahead + max lag)
	padH  float64 // metres
	padV  float64 // feet
	cell  float64 // metres
	layer float64 // feet
}

// box is a padded swept box in frame metres and altitude feet, and the
// inclusive range of grid cells it overlaps.
type box struct {
	lo, hi [4]float64
	c0, c1 [4]int32
}

// newSweep returns the broadphase for look-ahead plus lag of s seconds,
// ground speeds up to maxGs m/s and the given minima.
func newSweep(f frame, lim *limits, s, maxGs float64) sweep {
	lmax := maxGs * s
	sw := sweep{f: f, s: s, padH: padFor(lim.h, lmax), padV: lim.v / 2}
	sw.cell = max(minCellM, 2*sw.padH+cellFactor*lmax)
	sw.layer = 1000
	return sw
}

// padFor returns the horizontal padding that keeps the broadphase
// conservative for minimum h and swept length up to lmax (metres). The pair
// plane's straight lines differ from great circles by at most
// R(θλ²/2 + θ²λ + λ³/6), where θ bounds the angle from the pair's centre to
// either report and λ the angle swept; it is taken four times over, and the
// plane-to-chord factor 1+(θ+λ)² is applied. TestPadBound measures the real
// error against this bound.
func padFor(h, lmax float64) float64 {
	return (h/2+errBound(h, lmax))*(1+sq((h/2+2*lmax)/EarthRadiusM)) + 1
}

func errBound(h, lmax float64) float64 {
	θ := (h + 2*lmax) / (2 * EarthRadiusM)
	λ := lmax / EarthRadiusM
	return 4 * EarthRadiusM * (θ*λ*λ/2 + θ*θ*λ + λ*λ*λ/6)
}

func sq(x float64) float64 { return x * x }

// boxOf returns the padded swept box of a report.
func (sw *sweep) boxOf(st *state) box {
	return sw.boxFor(st, sw.s, sw.padH, sw.padV)
}

// boxFor returns the box of st swept over s seconds, padded by padH metres
// (plus the arc's sagitta) and padV feet.
func (sw *sweep) boxFor(st *state, s, padH, padV float64) box {
	l := st.gs * s
	p1 := st.p
	if l > 0 {
		sθ, cθ := math.Sincos(l / EarthRadiusM)
		p1 = st.p.scale(cθ).add(st.v.scale(sθ / st.gs))
	}
	a, b := sw.f.coords(st.p), sw.f.coords(p1)
	pad := padH + l*l/(8*EarthRadiusM)
	var bx box
	for k := range 3 {
		bx.lo[k], bx.hi[k] = min(a[k], b[k])-pad, max(a[k], b[k])+pad
	}
	z1 := st.z + st.vz*s
	if st.vz != 0 {
		padV += 1e-6 + 1e-12*math.Abs(st.z)
	}
	bx.lo[3], bx.hi[3] = min(st.z, z1)-padV, max(st.z, z1)+padV
	sw.cellRange(&bx)
	return bx
}

// cellRange sets the cells of an open box: from the cell of its low corner
// to the last cell its interior reaches.
func (sw *sweep) cellRange(bx *box) {
	for k := range 3 {
		bx.c0[k], bx.c1[k] = cellSpan(bx.lo[k]/sw.cell, bx.hi[k]/sw.cell, -maxCellIdx, maxCellIdx)
	}
	bx.c0[3], bx.c1[3] = cellSpan((bx.lo[3]+altOffsetFt)/sw.layer, (bx.hi[3]+altOffsetFt)/sw.layer, 0, 2*maxCellIdx)
}

// cellSpan returns floor(lo) and ceil(hi)−1 (at least floor(lo)), clamped.
func cellSpan(lo, hi, lowest, highest float64) (int32, int32) {
	a := max(lowest, min(highest, math.Floor(lo)))
	b := max(a, lowest, min(highest, math.Ceil(hi)-1))
	return int32(a), int32(b)
}

// overlaps reports whether two open boxes intersect.
func (b *box) overlaps(o *box) bool {
	for k := range 4 {
		if b.lo[k] >= o.hi[k] || o.lo[k] >= b.hi[k] {
			return false
		}
	}
	return true
}

// canonical reports whether cell c is the first cell two overlapping boxes
// share (the cell of the low corner of their intersection), so that a pair
// entered in several common cells is tested in exactly one.
func canonical(a, b *box, c *[4]int32) bool {
	return max(a.c0[0], b.c0[0]) == c[0] && max(a.c0[1], b.c0[1]) == c[1] &&
		max(a.c0[2], b.c0[2]) == c[2] && max(a.c0[3], b.c0[3]) == c[3]
}

func cellKey(c [4]int32) uint64 {
	return uint64(uint16(c[0])) | uint64(uint16(c[1]))<<16 | uint64(uint16(c[2]))<<32 | uint64(uint16(c[3]))<<48
}

// eachCell calls fn for every cell of a box's range.
func (b *box) eachCell(fn func(c [4]int32)) {
	var c [4]int32
	for c[0] = b.c0[0]; c[0] <= b.c1[0]; c[0]++ {
		for c[1] = b.c0[1]; c[1] <= b.c1[1]; c[1]++ {
			for c[2] = b.c0[2]; c[2] <= b.c1[2]; c[2]++ {
				for c[3] = b.c0[3]; c[3] <= b.c1[3]; c[3]++ {
					fn(c)
				}
			}
		}
	}
}

// cellFactor sizes the snapshot grid's cells as a fraction of the longest swept
// path, tuned by BenchmarkDetect.
const cellFactor = 0.6
