package airspace

import (
	"math"
	"testing"
	"time"
)

// fuzzPair builds two reports from fuzzed numbers: B placed from A by a
// bearing and a distance up to 60 NM, so that conflicts are common.
func fuzzPair(lat, lon, alt, gs, trk, vs, bearing, distNM, alt2, gs2, trk2, vs2 float64, lagMs int64) (Track, Track) {
	a := Track{ID: "A", Party: "p1", Lat: lat, Lon: lon, AltFt: alt, GsKt: gs, TrackDeg: trk, VsFpm: vs, Time: ScenarioTime}
	la, lo := 0.0, 0.0
	if finite(lat, lon, bearing, distNM) && math.Abs(lat) <= 90 && math.Abs(lon) <= 180 {
		la, lo = destination(lat, lon, bearing, math.Mod(math.Abs(distNM), 60)*MetresPerNM)
	}
	b := Track{ID: "B", Party: "p2", Lat: la, Lon: lo, AltFt: alt2, GsKt: gs2, TrackDeg: trk2, VsFpm: vs2,
		Time: ScenarioTime.Add(time.Duration(lagMs%40000) * time.Millisecond)}
	return a, b
}

// FuzzTrackPair: Validate never panics; for valid pairs, the result does
// not depend on the order of the reports or the detector, the raw pair
// solution is symmetric, and a conflict's numbers obey the conflict rule.
func FuzzTrackPair(f *testing.F) {
	f.Add(35.0, 38.0, 30000.0, 480.0, 0.0, 0.0, 0.0, 40.0, 30000.0, 480.0, 180.0, 0.0, int64(0))
	f.Add(35.0, 38.0, 30000.0, 400.0, 90.0, 0.0, 0.0, 2.0, 25000.0, 400.0, 90.0, 2000.0, int64(1500))
	f.Add(89.99, 179.99, 0.0, 2000.0, 359.0, -30000.0, 45.0, 10.0, 1000.0, 0.0, 0.0, 30000.0, int64(-20000))
	f.Fuzz(func(t *testing.T, lat, lon, alt, gs, trk, vs, bearing, distNM, alt2, gs2, trk2, vs2 float64, lagMs int64) {
		a, b := fuzzPair(lat, lon, alt, gs, trk, vs, bearing, distNM, alt2, gs2, trk2, vs2, lagMs)
		if a.Validate() != nil || b.Validate() != nil {
			return
		}
		ab := Detect([]Track{a, b}, Minima{}, Options{})
		ba := DetectBruteForce([]Track{b, a}, Minima{}, Options{})
		if !sameConflicts(ab, ba) {
			t.Fatalf("order or detector changed the result: %+v vs %+v", ab, ba)
		}
		for _, c := range ab {
			if !inConflict(c.TinS, c.ToutS, 300) || c.TcpaS < 0 || c.DcpaNM < 0 || math.IsNaN(c.LatCPA) {
				t.Fatalf("conflict breaks the rule: %+v", c)
			}
		}
		checkSymmetry(t, a, b)
	})
}

// checkSymmetry solves the pair in both orders without the canonical order
// and compares the numbers.
func checkSymmetry(t *testing.T, a, b Track) {
	sa, sb := makeState(&a), makeState(&b)
	lim := newLimits(Minima{}, time.Hour, true)
	solve := func(x, y *state) (in, out, tc, dh, dv float64) {
		t0 := max(x.t, y.t)
		pl, ok := pairPlane(x.p, y.p)
		if !ok {
			return
		}
		ex := relate(x, y, float64(t0-x.t)*1e-9, float64(t0-y.t)*1e-9, pl)
		in, out = ex.losInterval(&lim)
		tc = ex.tcpa()
		dh, dv = ex.at(tc)
		return
	}
	in1, out1, tc1, dh1, dv1 := solve(&sa, &sb)
	in2, out2, tc2, dh2, dv2 := solve(&sb, &sa)
	close := func(x, y, tol float64) bool {
		return x == y || math.Abs(x-y) <= tol*(1+math.Abs(x)) || (math.IsInf(x, 0) && x == y)
	}
	if !inConflict(in1, out1, 300) && !inConflict(in2, out2, 300) {
		return
	}
	if !close(in1, in2, 1e-6) || !close(out1, out2, 1e-6) || !close(tc1, tc2, 1e-6) ||
		!close(dh1, dh2, 1e-6) || !close(dv1, -dv2, 1e-6) {
		t.Fatalf("asymmetric: (%v %v %v %v %v) vs (%v %v %v %v %v)", in1, out1, tc1, dh1, dv1, in2, out2, tc2, dh2, dv2)
	}
}

// FuzzCheckPlan: no panics; windows are ordered, inside both plans, inside
// the minima at their deepest, and found from either side.
func FuzzCheckPlan(f *testing.F) {
	f.Add(35.0, 38.0, 0.0, 480.0, 30000.0, 30000.0, 180.0, 80.0, 480.0, 30000.0, 31000.0, int64(0))
	f.Add(35.0, 38.0, 90.0, 300.0, 10000.0, 20000.0, 270.0, 20.0, 250.0, 25000.0, 5000.0, int64(30e9))
	f.Fuzz(func(t *testing.T, lat, lon, brg, gs, z0, z1, brg2, dist, gs2, w0, w1 float64, lag int64) {
		if !finite(lat, lon, brg, gs, brg2, dist, gs2) || math.Abs(lat) > 89 || math.Abs(lon) > 180 || gs < 1 || gs2 < 1 {
			return
		}
		p := straight("P", "party-1", lat, lon, brg, min(gs, 2000), 0, 3, 120, ScenarioTime)
		la, lo := nm(lat, lon, brg, math.Mod(math.Abs(dist), 100))
		q := straight("Q", "party-2", la, lo, brg2, min(gs2, 2000), 0, 2, 200, ScenarioTime.Add(time.Duration(lag%int64(time.Hour))))
		p.Waypoints[0].AltFt, p.Waypoints[3].AltFt, q.Waypoints[0].AltFt, q.Waypoints[2].AltFt = z0, z1, w0, w1
		if p.Validate() != nil || q.Validate() != nil {
			return
		}
		pq, qp := CheckPlan(p, []Plan{q}, nil, Minima{}), CheckPlan(q, []Plan{p}, nil, Minima{})
		if len(pq) != len(qp) {
			t.Fatalf("%d windows one way, %d the other", len(pq), len(qp))
		}
		for _, c := range pq {
			if c.End.Before(c.Start) || c.Start.Before(p.Waypoints[0].Time) || c.End.After(p.Waypoints[3].Time.Add(time.Millisecond)) {
				t.Fatalf("window outside the plan: %+v", c)
			}
			if c.LeastSepNM > 5*(1+1e-6) || c.LeastSepFt > 1000*(1+1e-6) {
				t.Fatalf("deepest point outside the minima: %+v", c)
			}
			if !hasWindow(qp, "P", c) && c.End.Sub(c.Start) > time.Millisecond {
				t.Fatalf("no mirror for %+v in %+v", c, qp)
			}
		}
	})
}
