package airspace

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func sameConflicts(a, b []Conflict) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func diffConflicts(t *testing.T, got, want []Conflict) {
	t.Helper()
	seen := map[[2]string]Conflict{}
	for _, c := range want {
		seen[[2]string{c.A, c.B}] = c
	}
	n := 0
	for _, c := range got {
		w, ok := seen[[2]string{c.A, c.B}]
		if !ok || w != c {
			if n++; n < 5 {
				t.Errorf("got %+v, want %+v (present %v)", c, w, ok)
			}
		}
		delete(seen, [2]string{c.A, c.B})
	}
	for _, c := range seen {
		if n++; n < 10 {
			t.Errorf("missed %+v", c)
		}
	}
}

// Detect returns exactly the brute-force conflicts, numbers and order, on
// random Syria-sized snapshots.
func TestDetectEqualsBruteForce(t *testing.T) {
	sizes := []int{2, 50, 500, 2000, 5000}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, n := range sizes {
		for seed := int64(1); seed <= 3; seed++ {
			for _, opts := range []Options{{}, {SameParty: true}} {
				tracks := Scenario(seed, n, 3)
				got := Detect(tracks, Minima{}, opts)
				want := DetectBruteForce(tracks, Minima{}, opts)
				if !sameConflicts(got, want) {
					t.Errorf("n=%d seed=%d %+v: %d conflicts, brute force %d", n, seed, opts, len(got), len(want))
					diffConflicts(t, got, want)
				}
				if n >= 2000 && len(want) == 0 {
					t.Errorf("n=%d: no conflicts at all; the test proves nothing", n)
				}
			}
		}
	}
}

// hardSnapshot is a dense cloud around a pole or the antimeridian at up to
// 2,000 kt with report times spread over the max lag: the cases where a grid
// scaled by cos(latitude) would miss pairs.
func hardSnapshot(seed int64, n int, lat, lon, radiusM float64) []Track {
	r := rand.New(rand.NewPCG(uint64(seed), 9))
	out := make([]Track, n)
	for i := range out {
		la, lo := destination(lat, lon, uniform(r, 0, 360), radiusM*math.Sqrt(r.Float64()))
		out[i] = Track{
			ID: fmt.Sprintf("T%05d", i), Party: fmt.Sprintf("p%d", r.IntN(2)),
			Lat: la, Lon: lo, AltFt: float64(1000 * r.IntN(8)), GsKt: uniform(r, 0, 2000),
			TrackDeg: uniform(r, 0, 360), VsFpm: math.Round(uniform(r, -6000, 6000) * float64(r.IntN(2))),
			Time: ScenarioTime.Add(time.Duration(r.Int64N(int64(DefaultMaxLag)))),
		}
	}
	return out
}

func TestDetectEqualsBruteForceAtExtremes(t *testing.T) {
	for _, c := range []struct{ lat, lon float64 }{{89.9, 0}, {-90, 0}, {0, 180}, {65, -179.99}, {35, 38}} {
		for seed := int64(1); seed <= 2; seed++ {
			tracks := hardSnapshot(seed, 1500, c.lat, c.lon, 600e3)
			got := Detect(tracks, Minima{}, Options{})
			want := DetectBruteForce(tracks, Minima{}, Options{})
			if !sameConflicts(got, want) {
				t.Errorf("around %v seed %d: %d conflicts, brute force %d", c, seed, len(got), len(want))
				diffConflicts(t, got, want)
			}
			if len(want) == 0 {
				t.Errorf("around %v: no conflicts at all", c)
			}
		}
	}
}

// The pair plane's straight-line paths stay within half of errBound of the
// great circles they stand for, so the broadphase's padding holds with room
// to spare.
func TestPadBound(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	lim := newLimits(Minima{}, DefaultMaxLag, false)
	s := lim.t + DefaultMaxLag.Seconds()
	for range 20000 {
		gsKt := uniform(r, 0, MaxGsKt)
		lmax := gsKt * msPerKt * s
		lat := uniform(r, -89.9, 89.9)
		a := makeState(&Track{Lat: lat, Lon: uniform(r, -180, 180), GsKt: gsKt, TrackDeg: uniform(r, 0, 360), Time: ScenarioTime})
		la, lo := latLon(a.p)
		lb, lob := destination(la, lo, uniform(r, 0, 360), (lim.h+2*lmax)*math.Sqrt(r.Float64()))
		b := makeState(&Track{Lat: lb, Lon: lob, Time: ScenarioTime})
		pl, _ := pairPlane(a.p, b.p)
		off := uniform(r, 0, s)
		vx, vy := pl.velocity(a.p, a.v)
		x := -b.p.sub(a.p).dot(pl.e)*pl.kR/2 + vx*off
		y := -b.p.sub(a.p).dot(pl.n)*pl.kR/2 + vy*off
		gc := trackLeg(&a, off).p1
		gx, gy := gc.dot(pl.e)*pl.kR, gc.dot(pl.n)*pl.kR
		if err, bound := math.Hypot(x-gx, y-gy), errBound(lim.h, lmax)/2; err > bound+0.01 {
			t.Fatalf("gs %.0f kt lat %.1f: plane path %.1f m off the great circle; bound/2 %.1f m", gsKt, lat, err, bound)
		}
	}
}

// Duplicate IDs: the latest report wins; stale reports are dropped with Now.
func TestPrepare(t *testing.T) {
	a := report("A", 35, 38, 30000, 0, 0, 0)
	old := a
	old.Time = a.Time.Add(-time.Second)
	old.Lat = 10
	bad := a
	bad.ID, bad.Lat = "X", math.NaN()
	sts, _ := prepare([]Track{a, old, bad}, Minima{}, Options{})
	if len(sts) != 1 || sts[0].p != makeState(&a).p {
		t.Errorf("prepare kept %d states", len(sts))
	}
	sts, _ = prepare([]Track{a}, Minima{}, Options{Now: a.Time.Add(DefaultMaxLag + 1)})
	if len(sts) != 0 {
		t.Error("stale report kept")
	}
}
