package airspace

import (
	"math"
	"slices"
	"testing"
	"time"
)

// circleAhead returns a circular fence of 5 km radius on the eastbound
// great circle from (35, 38), placed so that a 400 kt aircraft reaches its
// edge in entryS seconds.
func circleAhead(entryS float64, floorFt, ceilingFt float64) Fence {
	lat, lon := destination(35, 38, 90, 5000+entryS*400*msPerKt)
	return Fence{ID: "nfz", CenterLat: lat, CenterLon: lon, RadiusM: 5000, FloorFt: floorFt, CeilingFt: ceilingFt}
}

func incursions(t *testing.T, tr Track, fences ...Fence) []Incursion {
	t.Helper()
	set, err := NewFenceSet(fences)
	if err != nil {
		t.Fatal(err)
	}
	got := set.Check(tr, Minima{})
	d := NewDetector(DetectorConfig{})
	for _, f := range fences {
		if _, err := d.AddFence(f); err != nil {
			t.Fatal(err)
		}
	}
	d.Update(tr)
	if det := d.Incursions(); !slices.Equal(det, got) {
		t.Errorf("detector %v, linear scan %v", det, got)
	}
	return got
}

// An eastbound aircraft at 400 kt, 200 s from a fence: predicted entry in
// 200 s at the fence's western edge.
func TestFencePredictedEntryIn200s(t *testing.T) {
	got := incursions(t, report("A", 35, 38, 10000, 400, 90, 0), circleAhead(200, 0, 20000))
	if len(got) != 1 || got[0].Inside {
		t.Fatalf("incursions %+v", got)
	}
	near(t, "time to entry", got[0].TimeToEntryS, 200, 0.05)
	if d := greatCircleM(got[0].Lat, got[0].Lon, 35, 38); math.Abs(d-200*400*msPerKt) > 10 {
		t.Errorf("entry point %v m from the start", d)
	}
}

// Above the band: none. Descending into it: entry = max(horizontal entry,
// band entry): at 1,400 ft/min the band's 20,000 ft is reached after
// 5,000/1,400·60 ≈ 214.3 s, while the aircraft crosses the 10 km circle from
// 200 s to 248.6 s.
func TestFenceAltitudeBand(t *testing.T) {
	if got := incursions(t, report("A", 35, 38, 30000, 400, 90, 0), circleAhead(200, 0, 20000)); len(got) != 0 {
		t.Errorf("above the band: %+v", got)
	}
	got := incursions(t, report("A", 35, 38, 25000, 400, 90, -1400), circleAhead(200, 0, 20000))
	if len(got) != 1 {
		t.Fatalf("descending: %+v", got)
	}
	near(t, "time to entry", got[0].TimeToEntryS, 5000/1400.0*60, 1e-6)
	if got := incursions(t, report("A", 35, 38, 25000, 400, 90, -1000), circleAhead(200, 0, 20000)); len(got) != 0 {
		t.Errorf("reaching the band after crossing the circle: %+v", got)
	}
	near(t, "entry altitude", got[0].AltFt, 20000, 1e-6)
}

// A window opening in 240 s delays the entry; one that closed is none.
func TestFenceWindow(t *testing.T) {
	f := circleAhead(200, 0, 20000)
	f.Start = ScenarioTime.Add(240 * time.Second)
	got := incursions(t, report("A", 35, 38, 10000, 400, 90, 0), f)
	if len(got) != 1 {
		t.Fatalf("incursions %+v", got)
	}
	near(t, "time to entry", got[0].TimeToEntryS, 240, 1e-6)
	f.Start, f.End = ScenarioTime.Add(-time.Hour), ScenarioTime
	if got := incursions(t, report("A", 35, 38, 10000, 400, 90, 0), f); len(got) != 0 {
		t.Errorf("closed window: %+v", got)
	}
}

// A square fence with a square hole, crossed west to east:
//
//	+-------------+
//	|   +-----+   |
//	| A-|-----|-->|
//	|   +-----+   |
//	+-------------+
//
// A starts inside, and the hole does not count.
func TestFencePolygonWithHole(t *testing.T) {
	sq := func(half float64) [][2]float64 {
		var ring [][2]float64
		for _, b := range []float64{45, 135, 225, 315, 45} {
			la, lo := destination(35, 38, b, half*math.Sqrt2)
			ring = append(ring, [2]float64{lo, la})
		}
		return ring
	}
	f := Fence{ID: "sq", Polygons: [][][][2]float64{{sq(20000), sq(5000)}}, CeilingFt: 60000}
	la, lo := destination(35, 38, 270, 10000)
	got := incursions(t, report("A", la, lo, 10000, 400, 90, 0), f)
	if len(got) != 1 || !got[0].Inside || got[0].TimeToEntryS != 0 {
		t.Fatalf("inside: %+v", got)
	}
	got = incursions(t, report("A", 35, 38, 10000, 400, 90, 0), f) // in the hole
	if len(got) != 1 || got[0].Inside {
		t.Fatalf("in the hole: %+v", got)
	}
	near(t, "time to leave the hole", got[0].TimeToEntryS, 5000/(400*msPerKt), 0.1)
}

func TestFenceAppliesTo(t *testing.T) {
	f := circleAhead(0, 0, 20000)
	f.AppliesTo = []string{"party-B"}
	if got := incursions(t, report("A", 35, 38, 10000, 400, 90, 0), f); len(got) != 0 {
		t.Errorf("fence of another party: %+v", got)
	}
}

// A stream of reports of an aircraft flying through a fence gives, in
// order, PredictedEntry, Enter, Exit; removing the fence clears the rest.
func TestDetectorFenceEvents(t *testing.T) {
	d := NewDetector(DetectorConfig{})
	if _, err := d.AddFence(circleAhead(400, 0, 20000)); err != nil {
		t.Fatal(err)
	}
	a := report("A", 35, 38, 10000, 400, 90, 0)
	var kinds []ChangeKind
	for range 90 {
		for _, c := range d.Update(a) {
			kinds = append(kinds, c.Kind)
		}
		a = advance(a, 10*time.Second)
	}
	want := []ChangeKind{PredictedEntry, Enter, Exit}
	if !slices.Equal(kinds, want) {
		t.Errorf("events %v, want %v", kinds, want)
	}
	d.AddFence(circleAhead(100, 0, 20000)) // behind it now
	b := report("B", 35, 38, 10000, 400, 90, 0)
	if ch := d.Update(b); len(ch) != 1 || ch[0].Kind != PredictedEntry {
		t.Fatalf("B: %v", ch)
	}
	if ch := d.RemoveFence("nfz"); len(ch) != 1 || ch[0].Kind != PredictionCleared || ch[0].Incursion.Track != "B" {
		t.Errorf("remove: %v", ch)
	}
}

// The Detector's fence index finds exactly the incursions of the linear
// scan, for a random snapshot and random fences.
func TestDetectorFencesEqualLinearScan(t *testing.T) {
	tracks := Scenario(3, 3000, 3)
	fences := RandomFences(3, 1000)
	set, err := NewFenceSet(fences)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDetector(DetectorConfig{})
	for _, f := range fences {
		d.AddFence(f)
	}
	var want []Incursion
	for _, tr := range tracks {
		d.Update(tr)
		want = append(want, set.Check(tr, Minima{})...)
	}
	slices.SortFunc(want, compareIncursions)
	got := d.Incursions()
	if !slices.Equal(got, want) {
		t.Errorf("detector %d incursions, linear scan %d", len(got), len(want))
	}
	inside := 0
	for _, inc := range want {
		if inc.Inside {
			inside++
		}
	}
	if inside == 0 || inside == len(want) {
		t.Errorf("%d of %d inside: the test proves little", inside, len(want))
	}
}

func TestFenceValidate(t *testing.T) {
	ok := circleAhead(0, 0, 1000)
	for _, c := range []struct {
		field string
		edit  func(f *Fence)
	}{
		{"id", func(f *Fence) { f.ID = "" }},
		{"radius_m", func(f *Fence) { f.RadiusM = 0 }},
		{"center.lat", func(f *Fence) { f.CenterLat = 91 }},
		{"ceiling_ft", func(f *Fence) { f.CeilingFt = f.FloorFt }},
		{"end", func(f *Fence) { f.Start, f.End = ScenarioTime, ScenarioTime }},
		{"polygons[0][0]", func(f *Fence) { f.RadiusM = 0; f.Polygons = [][][][2]float64{{{{1, 1}, {2, 2}, {1, 1}}}} }},
		{"polygons[0][0]", func(f *Fence) { f.RadiusM = 0; f.Polygons = [][][][2]float64{{{{1, 1}, {2, 2}, {2, 1}, {1, 2}}}} }},
		{"polygons[0][0][1].lon", func(f *Fence) {
			f.RadiusM = 0
			f.Polygons = [][][][2]float64{{{{1, 1}, {math.NaN(), 2}, {2, 1}, {1, 1}}}}
		}},
		{"polygons[0][0][6]", func(f *Fence) {
			f.RadiusM = 0
			f.Polygons = [][][][2]float64{{{{1, 1}, {1, 1.01}, {1.005, 1.015}, {1.01, 1.01}, {1.01, 1.005}, {1.01, 1}, {20, 1}, {1, 1}}}}
		}},
	} {
		f := ok
		c.edit(&f)
		if err := f.Validate(); err == nil || !hasField(err, c.field) {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
}
