package access

import (
	"testing"
	"time"

	"concord/internal/geo"
)

// The corridor of a route along the parallel 36°N, 1,000 m wide:
//
//	   · 600 m north: outside
//	 ──────────────────  500 m
//	   · 400 m north: inside
//	===================== route
//	 ──────────────────
func TestCheckPosition(t *testing.T) {
	mv := Movement{Route: geo.Geometry{Type: geo.TypeLineString, Line: []geo.Position{{36.0, 36.0}, {36.1, 36.0}}},
		WidthM: 1000, Start: now2016, End: now2016.Add(4 * time.Hour)}
	corridor, err := mv.Corridor()
	if err != nil {
		t.Fatal(err)
	}
	north := func(m float64) geo.Position { return geo.Destination(geo.Position{36.05, 36.0}, 0, geo.Meters(m)) }
	for _, tc := range []struct {
		name            string
		p               geo.Position
		t               time.Time
		corridor, inWin bool
	}{
		{"on the route", north(0), now2016.Add(time.Hour), true, true},
		{"400 m off", north(400), now2016.Add(time.Hour), true, true},
		{"600 m off", north(600), now2016.Add(time.Hour), false, true},
		{"past the end of the route", geo.Position{36.11, 36.0}, now2016.Add(time.Hour), false, true},
		{"before the window", north(0), now2016.Add(-time.Minute), true, false},
		{"at the end of the window", north(0), now2016.Add(4 * time.Hour), true, false},
		{"both", north(2000), now2016.Add(5 * time.Hour), false, false},
	} {
		d := mv.Check(corridor, tc.p, tc.t)
		if d.OutsideCorridor == tc.corridor || d.OutsideWindow == tc.inWin {
			t.Errorf("%s: %+v", tc.name, d)
		}
		if d.OutsideCorridor != (d.DistanceM > 0) {
			t.Errorf("%s: distance %v with outside=%v", tc.name, d.DistanceM, d.OutsideCorridor)
		}
		if d.Deviates() != (len(d.Reasons()) > 0) {
			t.Errorf("%s: reasons %v", tc.name, d.Reasons())
		}
	}
	if d := mv.Check(corridor, north(1500), now2016.Add(time.Hour)); d.DistanceM < 990 || d.DistanceM > 1010 {
		t.Errorf("1,500 m off a 500 m half-width: distance %v, want about 1,000 m", d.DistanceM)
	}
}
