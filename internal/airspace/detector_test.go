package airspace

import (
	"math/rand/v2"
	"testing"
	"time"
)

// advance moves a report dt seconds along its straight-line path.
func advance(t Track, dt time.Duration) Track {
	s := dt.Seconds()
	t.Lat, t.Lon = destination(t.Lat, t.Lon, t.TrackDeg, t.GsKt*msPerKt*s)
	t.AltFt = max(MinAltFt, min(MaxAltFt, t.AltFt+t.VsFpm/60*s))
	t.Time = t.Time.Add(dt)
	return t
}

type pairKey [2]string

// follow applies a detector's changes to a set of pairs and checks they
// make sense (no Began for a live pair, no Ended for a dead one).
func follow(t *testing.T, live map[pairKey]bool, changes []Change) {
	t.Helper()
	for _, c := range changes {
		k := pairKey{c.Conflict.A, c.Conflict.B}
		switch c.Kind {
		case Began:
			if live[k] {
				t.Fatalf("began twice: %v", k)
			}
			live[k] = true
		case Changed:
			if !live[k] {
				t.Fatalf("changed but not live: %v", k)
			}
		case Ended:
			if !live[k] {
				t.Fatalf("ended but not live: %v", k)
			}
			delete(live, k)
		}
	}
}

func checkDetector(t *testing.T, d *Detector, latest map[string]Track, live map[pairKey]bool, what string) {
	t.Helper()
	var snap []Track
	for _, tr := range latest {
		snap = append(snap, tr)
	}
	want := Detect(snap, Minima{}, Options{MaxLag: d.cfg.StaleAfter, SameParty: d.cfg.SameParty})
	got := d.Conflicts()
	if !sameConflicts(got, want) {
		t.Errorf("%s: detector has %d conflicts, Detect %d", what, len(got), len(want))
		diffConflicts(t, got, want)
	}
	if len(live) != len(got) {
		t.Errorf("%s: changes imply %d live conflicts, detector has %d", what, len(live), len(got))
	}
}

// A detector fed a stream equals Detect on the latest reports after every
// round, and its Began/Ended changes add up to its conflict set.
func TestDetectorEqualsDetect(t *testing.T) {
	configs := []DetectorConfig{{}, {SameParty: true, StaleAfter: 6 * time.Second}}
	for _, n := range []int{300, 3000} {
		for seed := int64(1); seed <= 2; seed++ {
			r := rand.New(rand.NewPCG(uint64(seed), 5))
			tracks := Scenario(seed, n, 3)
			d := NewDetector(configs[seed-1])
			latest := map[string]Track{}
			live := map[pairKey]bool{}
			for round := range 6 {
				for i := range tracks {
					if round > 0 {
						tracks[i] = advance(tracks[i], 4*time.Second)
					}
					if r.IntN(4) == 0 && round > 0 {
						continue // silent this round
					}
					follow(t, live, d.Update(tracks[i]))
					latest[tracks[i].ID] = tracks[i]
				}
				checkDetector(t, d, latest, live, "round")
				if n >= 3000 && len(live) == 0 {
					t.Fatal("no conflicts: the test proves nothing")
				}
			}
			now := tracks[0].Time.Add(d.cfg.StaleAfter - 4*time.Second)
			follow(t, live, d.Expire(now))
			for id, tr := range latest {
				if now.Sub(tr.Time) > d.cfg.StaleAfter {
					delete(latest, id)
				}
			}
			checkDetector(t, d, latest, live, "expire")
			follow(t, live, d.Expire(now.Add(time.Hour)))
			if len(live) != 0 || d.Len() != 0 || len(d.Conflicts()) != 0 {
				t.Errorf("after expiring everything: %d live, %d tracks", len(live), d.Len())
			}
		}
	}
}

// Reports older than the track's latest are ignored; a speed beyond the
// grid's sizing re-sizes it without losing pairs.
func TestDetectorOrderAndResize(t *testing.T) {
	lat, lon := nm(35, 38, 0, 40)
	a, b := report("A", 35, 38, 30000, 480, 0, 0), report("B", lat, lon, 30000, 480, 180, 0)
	d := NewDetector(DetectorConfig{MaxGsKt: 100})
	d.Update(a)
	if ch := d.Update(b); len(ch) != 1 || ch[0].Kind != Began {
		t.Fatalf("changes %v", ch)
	}
	old := a
	old.Time = old.Time.Add(-time.Second)
	old.TrackDeg = 90
	if ch := d.Update(old); ch != nil {
		t.Errorf("older report: %v", ch)
	}
	fast := report("C", 35.5, 38, 30000, 1900, 180, 0)
	d.Update(fast)
	want := Detect([]Track{a, b, fast}, Minima{}, Options{})
	if got := d.Conflicts(); !sameConflicts(got, want) {
		t.Errorf("after resize: %v, want %v", got, want)
	}
}

// A conflict that moves little is not re-sent; one whose CPA moves by more
// than 30 s is.
func TestDetectorMaterialChange(t *testing.T) {
	lat, lon := nm(35, 38, 0, 40)
	a, b := report("A", 35, 38, 30000, 480, 0, 0), report("B", lat, lon, 30000, 480, 180, 0)
	d := NewDetector(DetectorConfig{})
	d.Update(a)
	d.Update(b)
	a = advance(a, time.Second)
	if ch := d.Update(a); len(ch) != 0 {
		t.Errorf("1 s later: %v", ch)
	}
	a.GsKt = 240 // closing at 720 kt: tcpa grows by ~50 s
	ch := d.Update(a)
	if len(ch) != 1 || ch[0].Kind != Changed {
		t.Errorf("slowed down: %v", ch)
	}
	a.TrackDeg = 90
	if ch := d.Update(a); len(ch) != 1 || ch[0].Kind != Ended {
		t.Errorf("turned away: %v", ch)
	}
}

// The naive reference counts the same conflicts per track as the Detector.
func TestNaiveAgreesWithDetector(t *testing.T) {
	tracks := Scenario(7, 1500, 3)
	fences := RandomFences(7, 50)
	d := NewDetector(DetectorConfig{})
	for _, f := range fences {
		if _, err := d.AddFence(f); err != nil {
			t.Fatal(err)
		}
	}
	n, err := NewNaive(Minima{}, fences)
	if err != nil {
		t.Fatal(err)
	}
	naiveIncursions := 0
	for _, tr := range tracks {
		d.Update(tr)
		_, inc := n.Update(tr)
		naiveIncursions += inc
	}
	total := 0
	for _, tr := range tracks { // re-count against the full set, both ways
		c, _ := n.Update(tr)
		total += c
	}
	if want := 2 * len(d.Conflicts()); total != want {
		t.Fatalf("naive finds %d conflict ends, detector %d pairs (×2 = %d)", total, len(d.Conflicts()), want)
	}
	if len(d.Conflicts()) == 0 {
		t.Fatal("scenario has no conflicts: the test cannot fail")
	}
}
