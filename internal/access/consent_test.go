package access

import (
	"slices"
	"testing"
	"time"

	"concord"
	"concord/internal/geo"
	"concord/internal/zones"
)

// box returns a rectangle footprint [lon0,lat0]–[lon1,lat1].
func box(lon0, lat0, lon1, lat1 float64) geo.Geometry {
	return geo.Geometry{Type: geo.TypePolygon, Polygons: [][][]geo.Position{{{
		{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}}
}

func controlArea(id, owner string, appliesTo []string, fp geo.Geometry, start time.Time, end *time.Time) zones.Zone {
	return zones.Zone{ID: id, Owner: owner, Kind: zones.ControlArea, Status: zones.Active, AppliesTo: appliesTo,
		Volumes: []zones.Volume{{Footprint: fp, FloorFt: 0, CeilingFt: 60000, Start: start, End: end}}}
}

func testMovement(t *testing.T) Movement {
	t.Helper()
	in, err := decodeInput(t, validMovement)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Validate(now2016); err != nil {
		t.Fatal(err)
	}
	return New("mv_1", "H", in, []string{"A", "B"}, now2016)
}

// The route runs from 37.1 (east, A's side) to 36.96 (west, B's side):
//
//	36.90      36.98 | 37.02        37.20
//	   B's area      |   A's area
//	  <--- route: 36.96 ............ 37.10
func TestRequiredConsents(t *testing.T) {
	mv := testMovement(t)
	corridor, err := mv.Corridor()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	ended := start.AddDate(0, 1, 0)
	areas := []zones.Zone{
		controlArea("z_a", "A", nil, box(37.02, 36.1, 37.2, 36.3), start, nil),
		controlArea("z_b", "coordinator", []string{"B", "B2"}, box(36.9, 36.1, 36.98, 36.3), start, nil),
		controlArea("z_far", "C", nil, box(38, 36.1, 38.2, 36.3), start, nil),       // not crossed
		controlArea("z_old", "D", nil, box(37.02, 36.1, 37.2, 36.3), start, &ended), // ended before the window
		{ID: "z_nofly", Owner: "E", Kind: zones.NoFly, Status: zones.Active,
			Volumes: []zones.Volume{{Footprint: box(37, 36, 37.2, 36.3), CeilingFt: 60000, Start: start}}},
	}
	withdrawn := controlArea("z_w", "F", nil, box(37.02, 36.1, 37.2, 36.3), start, nil)
	withdrawn.Status = zones.Withdrawn
	areas = append(areas, withdrawn)
	got, err := RequiredConsents(corridor, mv.Start, mv.End, areas)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A", "B", "B2"}; !slices.Equal(got, want) {
		t.Fatalf("required %v, want %v", got, want)
	}
}

// A control area beside the route, closer than half the corridor's width,
// is crossed by the corridor; one farther is not.
func TestRequiredConsentsCorridorWidth(t *testing.T) {
	route := geo.Geometry{Type: geo.TypeLineString, Line: []geo.Position{{36.0, 36.0}, {36.1, 36.0}}}
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	north := func(m float64) zones.Zone { // an area starting m metres north of the route
		lat := 36.0 + m/111_195
		return controlArea("z", "A", nil, box(36.02, lat, 36.05, lat+0.05), start, nil)
	}
	for _, tc := range []struct {
		widthM, gapM float64
		want         bool
	}{{1000, 400, true}, {1000, 600, false}, {2000, 990, true}} {
		corridor, err := geo.NewShape(route, geo.Meters(tc.widthM/2))
		if err != nil {
			t.Fatal(err)
		}
		got, err := RequiredConsents(corridor, start, start.Add(time.Hour), []zones.Zone{north(tc.gapM)})
		if err != nil {
			t.Fatal(err)
		}
		if (len(got) == 1) != tc.want {
			t.Errorf("width %v m, area %v m away: required %v, want crossed=%v", tc.widthM, tc.gapM, got, tc.want)
		}
	}
}

func TestConsentInputValidate(t *testing.T) {
	for _, tc := range []struct {
		in    ConsentInput
		field string
	}{
		{ConsentInput{Decision: Approve}, ""},
		{ConsentInput{Decision: Approve, Conditions: "escort from km 12"}, ""},
		{ConsentInput{Decision: Deny, Reason: "active hostilities on the road"}, ""},
		{ConsentInput{Decision: Deny}, "reason"},
		{ConsentInput{Decision: "maybe"}, "decision"},
		{ConsentInput{Decision: Approve, Reason: "x"}, "reason"},
		{ConsentInput{Decision: Deny, Reason: "x", Conditions: "y"}, "conditions"},
	} {
		if got := concord.ErrorField(tc.in.Validate()); got != tc.field || (tc.field == "") != (tc.in.Validate() == nil) {
			t.Errorf("%+v: error field %q, want %q", tc.in, got, tc.field)
		}
	}
}

func TestDecide(t *testing.T) {
	ok := func(p string) Answer { return Answer{Party: p, Decision: Approve} }
	no := func(p string) Answer { return Answer{Party: p, Decision: Deny, Reason: "no"} }
	req := []string{"A", "B"}
	for _, tc := range []struct {
		answers []Answer
		want    State
		decided bool
	}{
		{nil, Requested, false},
		{[]Answer{ok("A")}, Requested, false},
		{[]Answer{ok("A"), ok("C")}, Requested, false}, // C's answer does not count
		{[]Answer{ok("A"), ok("B")}, Approved, true},
		{[]Answer{ok("B"), ok("A")}, Approved, true},
		{[]Answer{no("B")}, Denied, true},
		{[]Answer{ok("A"), no("B")}, Denied, true},
		{[]Answer{no("C")}, Requested, false},
	} {
		s, d := Decide(req, tc.answers)
		if s != tc.want || d != tc.decided {
			t.Errorf("%v: got %s, %v; want %s, %v", tc.answers, s, d, tc.want, tc.decided)
		}
	}
	if s, d := Decide(nil, nil); s != Approved || !d {
		t.Errorf("no consent required: got %s %v, want approved", s, d)
	}
}

func TestDecided(t *testing.T) {
	mv := testMovement(t)
	at := now2016.Add(90 * time.Minute)
	next, ok := mv.Decided([]Answer{{Party: "B", Decision: Approve, Conditions: "c"}, {Party: "A", Decision: Approve}}, at)
	if !ok || next.State != Approved || next.Decision != Approved || next.Version != 2 || !next.DecidedAt.Equal(at) {
		t.Fatalf("decided %+v", next)
	}
	if next.Consents[0].Party != "A" || next.Consents[1].Conditions != "c" {
		t.Fatalf("answers kept as %+v, want in the order of required consents", next.Consents)
	}
	if _, ok := next.Decided(nil, at); ok {
		t.Fatal("an approved movement was decided again")
	}
	if none := New("mv_2", "H", Input{}, nil, now2016); none.State != Approved || none.DecidedAt == nil {
		t.Fatalf("a movement needing no consent is %s", none.State)
	}
}
