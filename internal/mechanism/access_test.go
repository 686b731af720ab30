package mechanism

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"concord"
	"concord/internal/access"
	"concord/internal/geo"
	"concord/internal/zones"
)

func rect(lon0, lat0, lon1, lat1 float64) geo.Geometry {
	return geo.Geometry{Type: geo.TypePolygon, Polygons: [][][]geo.Position{{{
		{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}}
}

// zone declares a zone as a.
func (w *protectionWorld) zone(t *testing.T, a concord.Actor, k zones.Kind, fp geo.Geometry, appliesTo ...string) string {
	t.Helper()
	z := zones.Zone{Kind: k, AppliesTo: appliesTo, Volumes: []zones.Volume{{Footprint: fp, Start: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	return idOf(t, w.must(t)(w.m.CreateZones(w.ctx, Request{Actor: a}, []zones.Zone{z}, false))["zone"])
}

// The route runs west from A's area into B's, to a besieged area:
//
//	36.90 — besieged — 36.98 | 37.0 — A's control area — 37.2
//	         B's control area 36.9 – 36.99
//	route: 37.1,36.2 → 37.0,36.18 → 36.96,36.17
func (w *protectionWorld) movement(t *testing.T) (string, string) {
	t.Helper()
	area := w.zone(t, aidH, zones.BesiegedArea, rect(36.9, 36.12, 36.98, 36.18))
	w.zone(t, partyA, zones.ControlArea, rect(36.99, 36.1, 37.2, 36.3))
	w.zone(t, coordinator, zones.ControlArea, rect(36.88, 36.1, 36.99, 36.3), "B")
	w.zone(t, partyA, zones.ControlArea, rect(38, 36, 38.2, 36.2)) // not crossed
	in := access.Input{Route: geo.Geometry{Type: geo.TypeLineString, Line: []geo.Position{{37.1, 36.2}, {37.0, 36.18}, {36.96, 36.17}}},
		WidthM: 1000, Start: time.Date(2016, 9, 19, 8, 0, 0, 0, time.UTC), End: time.Date(2016, 9, 19, 20, 0, 0, 0, time.UTC),
		Convoy:      access.Convoy{Vehicles: 31, Beneficiaries: 78000, Cargo: []access.CargoLine{{Item: "food parcels", Quantity: 1800, Unit: "parcels"}}},
		Destination: area}
	doc := w.must(t)(w.m.CreateMovement(w.ctx, Request{Actor: aidH}, in))
	var mv access.Movement
	json.Unmarshal(doc["movement"], &mv)
	if !slices.Equal(mv.RequiredConsents, []string{"A", "B"}) || mv.State != access.Requested {
		t.Fatalf("movement %+v", mv)
	}
	return mv.ID, area
}

func (w *protectionWorld) consent(a concord.Actor, id string, d access.Decision) (Result, error) {
	in := access.ConsentInput{Decision: d}
	if d == access.Deny {
		in.Reason = "fighting on the road"
	}
	return w.m.ConsentMovement(w.ctx, Request{Actor: a}, id, in)
}

func (w *protectionWorld) state(t *testing.T, id string) access.Movement {
	t.Helper()
	v, err := w.m.Movement(w.ctx, aidH, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.(access.Movement)
}

func TestMovementConsents(t *testing.T) {
	w := newProtectionWorld(t, Config{})
	id, area := w.movement(t)
	if _, err := w.consent(aidH, id, access.Approve); concord.ErrorCode(err) != concord.EFORBIDDEN {
		t.Fatalf("an aid organisation consenting: %v", err)
	}
	if _, err := w.consent(coordinator, id, access.Approve); concord.ErrorCode(err) != concord.EFORBIDDEN {
		t.Fatalf("the coordinator consenting for a party: %v", err)
	}
	doc := w.must(t)(w.consent(partyA, id, access.Approve))
	if w.state(t, id).State != access.Requested || !strings.Contains(string(doc["consent"]), `"movement_version":1`) {
		t.Fatalf("after A's approval: %s", doc["consent"])
	}
	if _, err := w.consent(partyA, id, access.Deny); concord.ErrorCode(err) != concord.ECONFLICT {
		t.Fatalf("A answering twice: %v", err)
	}
	w.clock.add(90 * time.Minute)
	w.must(t)(w.consent(partyB, id, access.Approve))
	mv := w.state(t, id)
	if mv.State != access.Approved || mv.Version != 2 || len(mv.Consents) != 2 || mv.DecidedAt.Sub(mv.CreatedAt) != 90*time.Minute {
		t.Fatalf("after both approvals: %+v", mv)
	}
	// Consenting acknowledged version 1 for both.
	if n, _ := w.m.acksOf(w.ctx, id); len(n) != 2 || n[0].Via != "consent" || n[0].Subject.Version != 1 {
		t.Fatalf("acknowledgements %+v", n)
	}
	cs, _ := w.m.Consents(w.ctx, partyA, id)
	if len(cs) != 1 || cs[0].Party != "A" {
		t.Fatalf("A sees consents %+v, want only its own", cs)
	}
	if cs, _ := w.m.Consents(w.ctx, aidH, id); len(cs) != 2 {
		t.Fatalf("the owner sees consents %+v", cs)
	}
	f, err := w.m.AccessFigures(w.ctx, partyA, area)
	if err != nil || f[0].Approvals != 1 || *f[0].MedianDecisionS != 5400 {
		t.Fatalf("figures %+v, %v", f, err)
	}
}

func TestMovementDenied(t *testing.T) {
	w := newProtectionWorld(t, Config{})
	id, _ := w.movement(t)
	w.must(t)(w.consent(partyB, id, access.Deny))
	if mv := w.state(t, id); mv.State != access.Denied || mv.Consents[0].Reason == "" {
		t.Fatalf("denied: %+v", mv)
	}
	if _, err := w.consent(partyA, id, access.Approve); concord.ErrorCode(err) != concord.ECONFLICT {
		t.Fatalf("answering a denied movement: %v", err)
	}
}

// Visibility: the owner, the coordinator and the required parties see the
// movement in full; another party and another aid organisation its cells.
func TestMovementViews(t *testing.T) {
	w := newProtectionWorld(t, Config{})
	id, _ := w.movement(t)
	other := concord.Actor{Party: "H2", Role: concord.RoleHumanitarian}
	c := concord.Actor{Party: "C", Role: concord.RoleParty}
	for a, full := range map[concord.Actor]bool{aidH: true, coordinator: true, partyA: true, partyB: true, other: false, c: false} {
		v, err := w.m.Movement(w.ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		s := string(b)
		if coarse := strings.Contains(s, `"coarse":true`); coarse == full || strings.Contains(s, "36.96") != full {
			t.Errorf("%s should see the movement in full=%v: %s", a.Party, full, s)
		}
	}
}

// A convoy leaving its corridor raises one alert, resolved when it is back;
// leaving again raises another. Positions before approval are ignored.
func TestMovementDeviation(t *testing.T) {
	w := newProtectionWorld(t, Config{})
	id, _ := w.movement(t)
	at := time.Date(2016, 9, 19, 10, 0, 0, 0, time.UTC)
	off := geo.Destination(geo.Position{37.0, 36.18}, 0, 3000)
	alerts := func(a concord.Actor) []any {
		als, err := w.m.Alerts(w.ctx, a, AlertQuery{Kinds: []string{AlertMovement}})
		if err != nil {
			t.Fatal(err)
		}
		return als
	}
	if err := w.m.MovementPosition(w.ctx, "H", id, off.Lat(), off.Lon(), at); err != nil || len(alerts(aidH)) != 0 {
		t.Fatalf("a requested movement raised an alert (%v)", err)
	}
	w.must(t)(w.consent(partyA, id, access.Approve))
	w.must(t)(w.consent(partyB, id, access.Approve))
	if err := w.m.MovementPosition(w.ctx, "A", id, 36.18, 37.0, at); concord.ErrorCode(err) != concord.EFORBIDDEN {
		t.Fatalf("another party's position for the movement: %v", err)
	}
	if err := w.m.MovementPosition(w.ctx, "H", "mv_nonesuch", 36.18, 37.0, at); concord.ErrorCode(err) != concord.ENOTFOUND {
		t.Fatalf("a track that is no movement: %v", err)
	}
	steps := []struct {
		p    geo.Position
		t    time.Time
		open int // open movement alerts after the report
		all  int
	}{
		{geo.Position{37.0, 36.18}, at, 0, 0},
		{off, at.Add(time.Minute), 1, 1},
		{off, at.Add(2 * time.Minute), 1, 1},
		{geo.Position{36.98, 36.175}, at.Add(3 * time.Minute), 0, 1},
		{geo.Position{36.97, 36.172}, at.Add(11 * time.Hour), 1, 2}, // on the road, after the window
	}
	for i, s := range steps {
		if err := w.m.MovementPosition(w.ctx, "H", id, s.p.Lat(), s.p.Lon(), s.t); err != nil {
			t.Fatal(err)
		}
		open, _ := w.m.Alerts(w.ctx, coordinator, AlertQuery{Kinds: []string{AlertMovement}, States: []string{AlertOpen}})
		if len(open) != s.open || len(alerts(coordinator)) != s.all {
			t.Fatalf("step %d: %d open of %d alerts, want %d of %d", i, len(open), len(alerts(coordinator)), s.open, s.all)
		}
	}
	own, _ := json.Marshal(alerts(aidH))
	coarse, _ := json.Marshal(alerts(partyB))
	if !strings.Contains(string(own), `"outside_corridor":true`) || !strings.Contains(string(own), `"position"`) {
		t.Fatalf("the owner's alerts: %s", own)
	}
	if strings.Contains(string(coarse), `"position"`) || !strings.Contains(string(coarse), `"outside-window"`) || len(alerts(partyB)) != 2 {
		t.Fatalf("a required party's alerts: %s", coarse)
	}
	if c := (concord.Actor{Party: "C", Role: concord.RoleParty}); len(alerts(c)) != 0 {
		t.Fatal("an uninvolved party sees the movement alerts")
	}
}
