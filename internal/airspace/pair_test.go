package airspace

import (
	"math"
	"testing"
	"time"
)

// report returns a report at ScenarioTime of aircraft id, of its own party.
func report(id string, lat, lon, altFt, gsKt, trackDeg, vsFpm float64) Track {
	return Track{ID: id, Party: "party-" + id, Lat: lat, Lon: lon, AltFt: altFt, GsKt: gsKt,
		TrackDeg: trackDeg, VsFpm: vsFpm, Time: ScenarioTime}
}

// nm returns the point distNM from (lat, lon) on the given bearing.
func nm(lat, lon, bearingDeg, distNM float64) (float64, float64) {
	return destination(lat, lon, bearingDeg, distNM*MetresPerNM)
}

// pair runs both detectors on two reports and checks they agree.
func pair(t *testing.T, a, b Track) (Conflict, bool) {
	t.Helper()
	got := Detect([]Track{a, b}, Minima{}, Options{})
	if brute := DetectBruteForce([]Track{b, a}, Minima{}, Options{}); !sameConflicts(got, brute) {
		t.Fatalf("Detect %v != DetectBruteForce %v", got, brute)
	}
	if len(got) == 0 {
		return Conflict{}, false
	}
	return got[0], true
}

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol && !(math.IsInf(got, 0) && got == want) {
		t.Errorf("%s = %.6f, want %.6f ± %g", name, got, want, tol)
	}
}

// Head-on at FL300, 40 NM apart on one meridian, 480 kt each: closing at
// 960 kt = 4/15 NM/s, so LoS from (40−5)·15/4 = 131.25 s to 45·15/4 =
// 168.75 s, CPA at 150 s with 0 NM.
//
//	A ──480 kt──▶        ◀──480 kt── B
//	|<─────────── 40 NM ───────────>|
func TestHeadOnSameLevel(t *testing.T) {
	lat, lon := nm(35, 38, 0, 40)
	c, ok := pair(t, report("A", 35, 38, 30000, 480, 0, 0), report("B", lat, lon, 30000, 480, 180, 0))
	if !ok {
		t.Fatal("no conflict")
	}
	near(t, "tin", c.TinS, 131.25, 1e-3)
	near(t, "tout", c.ToutS, 168.75, 1e-3)
	near(t, "tcpa", c.TcpaS, 150, 1e-3)
	near(t, "dcpa", c.DcpaNM, 0, 1e-6)
	near(t, "dv", c.DvFt, 0, 0)
	near(t, "lat_cpa", c.LatCPA, (35+lat)/2, 1e-6)
	if c.A != "A" || c.B != "B" || c.PartyA != "party-A" || !c.At.Equal(ScenarioTime) {
		t.Errorf("conflict = %+v", c)
	}
}

// Level pairs exactly 1,000 ft apart are separated (the minima are strict);
// 999.9 ft apart are not.
func TestLevelExactly1000ftApart(t *testing.T) {
	lat, lon := nm(35, 38, 0, 40)
	a := report("A", 35, 38, 30000, 480, 0, 0)
	if c, ok := pair(t, a, report("B", lat, lon, 31000, 480, 180, 0)); ok {
		t.Errorf("1,000 ft apart: conflict %+v", c)
	}
	if _, ok := pair(t, a, report("B", lat, lon, 30999.9, 480, 180, 0)); !ok {
		t.Error("999.9 ft apart: no conflict")
	}
}

// Parallel eastbound tracks 3 NM apart, B 40 kt faster: already in LoS, which
// began when B was 4 NM behind: |40·t/3600| < 4 for |t| < 360 s.
func TestParallelAlreadyInLoS(t *testing.T) {
	lat, lon := nm(35, 38, 0, 3)
	c, ok := pair(t, report("A", 35, 38, 30000, 400, 90, 0), report("B", lat, lon, 30000, 440, 90, 0))
	if !ok {
		t.Fatal("no conflict")
	}
	near(t, "tin", c.TinS, -360, 1e-2)
	near(t, "tout", c.ToutS, 360, 1e-2)
	near(t, "tcpa", c.TcpaS, 0, 1e-6)
	near(t, "dcpa", c.DcpaNM, 3, 1e-6)
}

// B flies alongside A 2 NM away at the same speed, 5,000 ft below, climbing
// at 2,000 ft/min: inside 1,000 ft from (5000−1000)/(2000/60) = 120 s to
// 180 s.
func TestClimbThroughLevel(t *testing.T) {
	lat, lon := nm(35, 38, 0, 2)
	c, ok := pair(t, report("A", 35, 38, 30000, 400, 90, 0), report("B", lat, lon, 25000, 400, 90, 2000))
	if !ok {
		t.Fatal("no conflict")
	}
	near(t, "tin", c.TinS, 120, 1e-6)
	near(t, "tout", c.ToutS, 180, 1e-6)
	near(t, "tcpa", c.TcpaS, 0, 0)
	near(t, "dcpa", c.DcpaNM, 2, 1e-6)
	near(t, "dv", c.DvFt, -5000, 0)
}

// missBy returns two reports that pass at missNM 100 s from now: A
// northbound and B southbound, B missNM east of A at the closest point.
func missBy(missNM float64) (Track, Track) {
	la, loa := nm(35, 38, 180, 400.0/36)
	lc, loc := nm(35, 38, 90, missNM)
	lb, lob := nm(lc, loc, 0, 400.0/36)
	return report("A", la, loa, 20000, 400, 0, 0), report("B", lb, lob, 20000, 400, 180, 0)
}

func TestMissBy499And501NM(t *testing.T) {
	a, b := missBy(4.99)
	c, ok := pair(t, a, b)
	if !ok {
		t.Fatal("4.99 NM: no conflict")
	}
	near(t, "dcpa", c.DcpaNM, 4.99, 2e-3)
	near(t, "tcpa", c.TcpaS, 100, 0.1)
	a, b = missBy(5.01)
	if c, ok := pair(t, a, b); ok {
		t.Errorf("5.01 NM: conflict %+v", c)
	}
}

// With no relative velocity the pair is in conflict for all time when inside
// the minima now (tin = −Inf, tout = +Inf, tcpa = 0), never when outside.
func TestZeroRelativeVelocity(t *testing.T) {
	a := report("A", 35, 38, 30000, 400, 90, 0)
	lat, lon := nm(35, 38, 0, 3)
	c, ok := pair(t, a, report("B", lat, lon, 30500, 400, 90, 0))
	if !ok {
		t.Fatal("inside: no conflict")
	}
	if !math.IsInf(c.TinS, -1) || !math.IsInf(c.ToutS, 1) || c.TcpaS != 0 {
		t.Errorf("inside: tin %v tout %v tcpa %v; want -Inf +Inf 0", c.TinS, c.ToutS, c.TcpaS)
	}
	lat, lon = nm(35, 38, 0, 6)
	if c, ok := pair(t, a, report("B", lat, lon, 30000, 400, 90, 0)); ok {
		t.Errorf("outside: conflict %+v", c)
	}
	still := report("A", 35, 38, 30000, 0, 0, 0)
	if _, ok := pair(t, still, report("B", 35, 38.01, 30000, 0, 0, 0)); !ok {
		t.Error("two hovering aircraft 0.5 NM apart: no conflict")
	}
}

// tcpa is clamped at 0: a diverging pair in LoS is closest now.
func TestDivergingTcpaClamped(t *testing.T) {
	lat, lon := nm(35, 38, 0, 2)
	c, ok := pair(t, report("A", 35, 38, 30000, 400, 180, 0), report("B", lat, lon, 30000, 400, 0, 0))
	if !ok {
		t.Fatal("no conflict")
	}
	near(t, "tcpa", c.TcpaS, 0, 0)
	near(t, "dcpa", c.DcpaNM, 2, 1e-6)
	if c.TinS >= 0 || c.ToutS <= 0 {
		t.Errorf("tin %v tout %v", c.TinS, c.ToutS)
	}
}

// Reports at different times are compared at the later one: B reported 20 s
// later than A has A extrapolated 20 s.
func TestCommonTime(t *testing.T) {
	lat, lon := nm(35, 38, 0, 40)
	a := report("A", 35, 38, 30000, 480, 0, 0)
	b := report("B", lat, lon, 30000, 480, 180, 0)
	b.Time = b.Time.Add(20 * time.Second)
	c, ok := pair(t, a, b)
	if !ok {
		t.Fatal("no conflict")
	}
	// A flew 480 kt × 20 s = 8/3 NM closer: (40 − 8/3)·15/4 = 140 s.
	near(t, "tcpa", c.TcpaS, 140, 1e-2)
	if !c.At.Equal(b.Time) {
		t.Errorf("At = %v, want %v", c.At, b.Time)
	}
	b.Time = a.Time.Add(DefaultMaxLag + time.Millisecond)
	if _, ok := pair(t, a, b); ok {
		t.Error("reports more than MaxLag apart were compared")
	}
}

func TestSamePartyOnlyWhenAsked(t *testing.T) {
	lat, lon := nm(35, 38, 0, 40)
	a, b := report("A", 35, 38, 30000, 480, 0, 0), report("B", lat, lon, 30000, 480, 180, 0)
	b.Party = a.Party
	if got := Detect([]Track{a, b}, Minima{}, Options{}); len(got) != 0 {
		t.Errorf("same party compared by default: %v", got)
	}
	if got := Detect([]Track{a, b}, Minima{}, Options{SameParty: true}); len(got) != 1 {
		t.Errorf("SameParty: %d conflicts, want 1", len(got))
	}
}

// The pair plane's distance is the great-circle distance: within 0.01 NM at
// 100 NM, anywhere but the poles' exact points, in any direction.
func TestPairDistanceIsGreatCircle(t *testing.T) {
	for _, lat := range []float64{-80, -35, 0, 33, 37.5, 60, 85} {
		for bearing := 0.0; bearing < 360; bearing += 30 {
			lb, lob := nm(lat, 179.5, bearing, 100)
			a := makeState(&Track{Lat: lat, Lon: 179.5, Time: ScenarioTime})
			b := makeState(&Track{Lat: lb, Lon: lob, Time: ScenarioTime})
			pl, _ := pairPlane(a.p, b.p)
			ex := relate(&a, &b, 0, 0, pl)
			got := math.Hypot(ex.rx, ex.ry) / MetresPerNM
			want := greatCircleM(lat, 179.5, lb, lob) / MetresPerNM
			if math.Abs(got-want) > 0.01 || math.Abs(want-100) > 1e-6 {
				t.Errorf("lat %v bearing %v: plane %.6f NM, great circle %.6f NM", lat, bearing, got, want)
			}
		}
	}
}
