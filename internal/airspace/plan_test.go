package airspace

import (
	"math"
	"testing"
	"time"
)

// straight returns a plan flying from (lat, lon) on a bearing at gsKt,
// level at altFt, with a waypoint every legS seconds, starting at start.
func straight(id, party string, lat, lon, bearing, gsKt, altFt float64, legs int, legS float64, start time.Time) Plan {
	p := Plan{ID: id, Party: party, Callsign: id}
	for i := range legs + 1 {
		la, lo := destination(lat, lon, bearing, gsKt*msPerKt*legS*float64(i))
		p.Waypoints = append(p.Waypoints, Waypoint{Lat: la, Lon: lo, AltFt: altFt,
			Time: start.Add(time.Duration(float64(i) * legS * float64(time.Second)))})
	}
	return p
}

// Two plans head-on at FL300 on one meridian, 80 NM apart at the start,
// 480 kt each: loss of separation from (80−5)·15/4 = 281.25 s to
// (80+5)·15/4 = 318.75 s, deepest at 300 s with 0 NM, at the midpoint.
func TestCheckPlanHeadOn(t *testing.T) {
	lat, lon := nm(35, 38, 0, 80)
	p := straight("P", "party-1", 35, 38, 0, 480, 30000, 6, 100, ScenarioTime)
	q := straight("Q", "party-2", lat, lon, 180, 480, 30000, 4, 150, ScenarioTime)
	got := CheckPlan(p, []Plan{q}, nil, Minima{})
	if len(got) != 1 {
		t.Fatalf("conflicts %+v", got)
	}
	c := got[0]
	near(t, "start", c.Start.Sub(ScenarioTime).Seconds(), 281.25, 0.01)
	near(t, "end", c.End.Sub(ScenarioTime).Seconds(), 318.75, 0.01)
	near(t, "least sep", c.LeastSepNM, 0, 1e-3)
	near(t, "least sep ft", c.LeastSepFt, 0, 1e-9)
	mlat, _ := nm(35, 38, 0, 40)
	near(t, "lat", c.LatMin, mlat, 1e-4)
	if c.Kind != KindSeparation || c.Other != "Q" || c.OtherParty != "party-2" {
		t.Errorf("conflict %+v", c)
	}
	q.Party = p.Party
	if got := CheckPlan(p, []Plan{q}, nil, Minima{}); len(got) != 0 {
		t.Errorf("same party compared: %+v", got)
	}
}

// Exactly 1,000 ft apart is separated; the window of a climb through the
// other's level is where the vertical distance is under 1,000 ft.
func TestCheckPlanVertical(t *testing.T) {
	lat, lon := nm(35, 38, 0, 80)
	p := straight("P", "party-1", 35, 38, 0, 480, 30000, 6, 100, ScenarioTime)
	q := straight("Q", "party-2", lat, lon, 180, 480, 31000, 4, 150, ScenarioTime)
	if got := CheckPlan(p, []Plan{q}, nil, Minima{}); len(got) != 0 {
		t.Errorf("1,000 ft apart: %+v", got)
	}
	// Q flies alongside P, 2 NM east, climbing from 25,000 to 35,000 ft over
	// 600 s: within 1,000 ft of FL300 from 240 s to 360 s.
	la, lo := nm(35, 38, 90, 2)
	q = straight("Q", "party-2", la, lo, 0, 480, 25000, 1, 600, ScenarioTime)
	q.Waypoints[1].AltFt = 35000
	p = straight("P", "party-1", 35, 38, 0, 480, 30000, 1, 600, ScenarioTime)
	got := CheckPlan(p, []Plan{q}, nil, Minima{})
	if len(got) != 1 {
		t.Fatalf("climb: %+v", got)
	}
	near(t, "start", got[0].Start.Sub(ScenarioTime).Seconds(), 240, 0.01)
	near(t, "end", got[0].End.Sub(ScenarioTime).Seconds(), 360, 0.01)
	// The meridians converge northwards, so the pair is closest horizontally
	// at the end; the deepest moment is where dh/5 NM = dv/1,000 ft, just
	// after Q passes P's level.
	near(t, "least sep nm", got[0].LeastSepNM, 1.98, 0.01)
	near(t, "least sep ft", got[0].LeastSepFt, got[0].LeastSepNM/5*1000, 0.01)
}

// A plan through a circular no-fly fence: inside while crossing it, and
// not at all when the fence binds another party or is above the plan.
func TestCheckPlanNoFly(t *testing.T) {
	p := straight("P", "party-1", 35, 38, 90, 400, 10000, 3, 200, ScenarioTime)
	f := circleAhead(200, 0, 20000)
	got := CheckPlan(p, nil, []Fence{f}, Minima{})
	if len(got) != 1 || got[0].Kind != KindNoFly || got[0].Other != "nfz" {
		t.Fatalf("conflicts %+v", got)
	}
	near(t, "start", got[0].Start.Sub(ScenarioTime).Seconds(), 200, 0.05)
	near(t, "end", got[0].End.Sub(ScenarioTime).Seconds(), 200+10000/(400*msPerKt), 0.05)
	f.AppliesTo = []string{"party-2"}
	if got := CheckPlan(p, nil, []Fence{f}, Minima{}); len(got) != 0 {
		t.Errorf("another party's fence: %+v", got)
	}
	f = circleAhead(200, 20000, 30000)
	if got := CheckPlan(p, nil, []Fence{f}, Minima{}); len(got) != 0 {
		t.Errorf("below the band: %+v", got)
	}
}

func TestPlanValidate(t *testing.T) {
	ok := straight("P", "party-1", 35, 38, 90, 400, 10000, 3, 200, ScenarioTime)
	for _, c := range []struct {
		field string
		edit  func(p *Plan)
	}{
		{"waypoints", func(p *Plan) { p.Waypoints = p.Waypoints[:1] }},
		{"waypoints[2].time", func(p *Plan) { p.Waypoints[2].Time = p.Waypoints[1].Time }},
		{"waypoints[1].lat", func(p *Plan) { p.Waypoints[1].Lat = math.NaN() }},
		{"waypoints[3].alt_ft", func(p *Plan) { p.Waypoints[3].AltFt = -5000 }},
		{"waypoints[1].time", func(p *Plan) { p.Waypoints[1].Time = p.Waypoints[0].Time.Add(time.Second) }},
		{"waypoints[3].time", func(p *Plan) { p.Waypoints[3].Time = p.Waypoints[0].Time.Add(49 * time.Hour) }},
		{"callsign", func(p *Plan) { p.Callsign = string(make([]byte, 65)) }},
	} {
		p := ok
		p.Waypoints = append([]Waypoint(nil), ok.Waypoints...)
		c.edit(&p)
		if err := p.Validate(); !hasField(err, c.field) {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
}

// Checking P against Q finds the windows checking Q against P finds.
func TestCheckPlanSymmetric(t *testing.T) {
	plans := RandomPlans(5, 400)
	pairs := 0
	for i := range plans {
		p := plans[i]
		for _, c := range CheckPlan(p, plans, nil, Minima{}) {
			var q Plan
			for _, x := range plans {
				if x.ID == c.Other {
					q = x
				}
			}
			back := CheckPlan(q, []Plan{p}, nil, Minima{})
			if !hasWindow(back, p.ID, c) {
				t.Errorf("%s vs %s: %+v has no mirror in %+v", p.ID, q.ID, c, back)
			}
			pairs++
		}
	}
	if pairs == 0 {
		t.Error("no plan conflicts: the test proves nothing")
	}
}

func hasWindow(cs []PlanConflict, other string, w PlanConflict) bool {
	for _, c := range cs {
		if c.Other == other && absDur(c.Start.Sub(w.Start)) < time.Millisecond &&
			absDur(c.End.Sub(w.End)) < time.Millisecond && math.Abs(c.LeastSepNM-w.LeastSepNM) < 1e-3 &&
			math.Abs(c.LeastSepFt-w.LeastSepFt) < 1e-2 {
			return true
		}
	}
	return false
}

func absDur(d time.Duration) time.Duration { return max(d, -d) }
