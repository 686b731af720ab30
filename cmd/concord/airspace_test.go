package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"concord/internal/client"
	"concord/internal/store/postgres/pgtest"
)

func trackJSON(id string, lat, lon, alt, gs, trk float64, at time.Time) string {
	return fmt.Sprintf(`{"track_id":%q,"lat":%v,"lon":%v,"alt_ft":%v,"gs_kt":%v,"track_deg":%v,"vs_fpm":0,"time":%q}`,
		id, lat, lon, alt, gs, trk, at.Format(time.RFC3339Nano))
}

func postTracks(t *testing.T, c *client.Client, body string) {
	t.Helper()
	if status, b := raw(t, c, "POST", "/v1/tracks", body, map[string]string{"Content-Type": "application/x-ndjson"}); status != 200 {
		t.Fatalf("POST /v1/tracks: %d %s", status, b)
	}
}

type alertDoc struct {
	ID         string
	Kind       string
	State      string
	Parties    []string
	Acks       map[string]time.Time
	Separation *struct {
		TcpaS    float64 `json:"tcpa_s"`
		DcpaNM   float64 `json:"dcpa_nm"`
		Aircraft []struct {
			Party   string
			TrackID string `json:"track_id"`
		}
	}
}

// eventually waits for cond: on PostgreSQL, live detection runs on the
// detection leader, which follows the journal asynchronously.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func alerts(t *testing.T, c *client.Client, query string) []alertDoc {
	t.Helper()
	var out struct{ Alerts []alertDoc }
	if err := c.Do(context.Background(), "GET", "/v1/alerts"+query, nil, "", &out); err != nil {
		t.Fatal(err)
	}
	return out.Alerts
}

func TestAirspaceSQLite(t *testing.T)   { testAirspace(t, Config{}) }
func TestAirspacePostgres(t *testing.T) { testAirspace(t, Config{DB: pgtest.Schema(t)}) }

// Issue 3, item 3 (over HTTP): two parties stream tracks; both receive the
// separation alert over SSE; acknowledgements and the end of the conflict are
// in the journal; neither sees the other's aircraft outside alerts.
func testAirspace(t *testing.T, cfg Config) {
	s := startServer(t, cfg)
	a, b := s.addParty(t, "A", "party"), s.addParty(t, "B", "party")
	now := time.Now().UTC().Truncate(time.Millisecond)
	// Head-on at FL300, about 19.7 NM apart, closing at 900 kt.
	postTracks(t, a, trackJSON("RFA101", 35.0, 38.0, 30000, 450, 90, now)+"\n"+trackJSON("RFA102", 33.0, 36.0, 20000, 300, 0, now))
	postTracks(t, b, trackJSON("USB201", 35.0, 38.4, 30000, 450, 270, now))
	eventually(t, "the separation alert", func() bool { return len(alerts(t, a, "?state=open")) > 0 })
	evA, evB := readEvents(t, a), readEvents(t, b)
	for name, ev := range map[string]string{"A": evA, "B": evB} {
		if !strings.Contains(ev, "event: alert") || !strings.Contains(ev, `"kind":"separation"`) {
			t.Fatalf("party %s's event stream has no separation alert:\n%s", name, ev)
		}
	}
	if strings.Contains(evA, "USB201") || strings.Contains(evB, "RFA101") || strings.Contains(evB, "RFA102") {
		t.Errorf("an alert told a party the other side's track ID under the default policy")
	}
	as := alerts(t, a, "?state=open")
	if len(as) != 1 || as[0].Separation == nil || as[0].Separation.TcpaS < 60 || as[0].Separation.TcpaS > 100 {
		t.Fatalf("A's open alerts = %+v (separation %+v), want one separation alert with tcpa ≈ 79 s", as, as[0].Separation)
	}
	id := as[0].ID
	// Neither sees the other's aircraft outside alerts.
	for name, c := range map[string]*client.Client{"A": a, "B": b} {
		_, body := raw(t, c, "GET", "/v1/tracks", "", nil)
		other := map[string]string{"A": "USB201", "B": "RFA10"}[name]
		if strings.Contains(body, other) {
			t.Errorf("%s sees the other party's tracks under the default policy: %s", name, body)
		}
	}
	// Both acknowledge; then B climbs away and the conflict ends.
	for _, c := range []*client.Client{a, b} {
		if status, body := raw(t, c, "POST", "/v1/alerts/"+id+"/ack", "", nil); status != 200 {
			t.Fatalf("ack: %d %s", status, body)
		}
	}
	if status, _ := raw(t, a, "POST", "/v1/alerts/"+id+"/ack", "", nil); status != 409 {
		t.Errorf("a second acknowledgement by the same party answered %d, want 409", status)
	}
	postTracks(t, b, trackJSON("USB201", 35.0, 38.35, 36000, 450, 270, now.Add(5*time.Second)))
	eventually(t, "the end of the conflict", func() bool { return alerts(t, s.coord, "")[0].State == "resolved" })
	got := alerts(t, s.coord, "")
	if len(got) != 1 || got[0].State != "resolved" || len(got[0].Acks) != 2 {
		t.Fatalf("after the climb: %+v, want one resolved alert acknowledged by both", got)
	}
	kinds := leafKinds(t, s, id)
	for _, want := range []string{"alert.begin", "alert.ack", "alert.end"} {
		if !strings.Contains(kinds, want) {
			t.Errorf("journal lacks %s for alert %s: %s", want, id, kinds)
		}
	}
}

// leafKinds lists the kinds of the journal leaves that concern record id.
func leafKinds(t *testing.T, s *server, id string) string {
	t.Helper()
	var out struct{ Leaves []struct{ Data string } }
	if err := s.coord.Do(context.Background(), "GET", fmt.Sprintf("/v1/journal/leaves?start=0&end=%d", s.size(t)), nil, "", &out); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, l := range out.Leaves {
		if strings.Contains(l.Data, "\nrecord "+id+"\n") {
			kinds = append(kinds, strings.SplitN(strings.SplitN(l.Data, "\nkind ", 2)[1], "\n", 2)[0])
		}
	}
	return strings.Join(kinds, " ")
}

// An alert not acknowledged by its deadline escalates to the coordinator, once.
func TestAlertEscalation(t *testing.T) {
	s := startServer(t, Config{})
	a, b := s.addParty(t, "A", "party"), s.addParty(t, "B", "party")
	now := time.Now().UTC()
	postTracks(t, a, trackJSON("A1", 35.0, 38.0, 30000, 450, 90, now))
	postTracks(t, b, trackJSON("B1", 35.0, 38.4, 30000, 450, 270, now))
	raw(t, a, "POST", "/v1/alerts/"+alerts(t, a, "")[0].ID+"/ack", "", nil)
	ctx := context.Background()
	if n, err := s.Mech.Escalate(ctx, now.Add(30*time.Second)); err != nil || n != 0 {
		t.Fatalf("before the deadline: %d escalations, %v", n, err)
	}
	if n, err := s.Mech.Escalate(ctx, now.Add(2*time.Minute)); err != nil || n != 1 {
		t.Fatalf("after the deadline: %d escalations, %v", n, err)
	}
	if n, _ := s.Mech.Escalate(ctx, now.Add(3*time.Minute)); n != 0 {
		t.Fatalf("escalated twice")
	}
	esc := alerts(t, s.coord, "?kind=escalation")
	if len(esc) != 1 || esc[0].Parties[0] != "coordinator" {
		t.Fatalf("escalations = %+v", esc)
	}
	if len(alerts(t, b, "?kind=escalation")) != 0 {
		t.Error("a party sees the coordinator's escalation")
	}
}

// A flight plan is checked against other parties' plans and no-fly zones
// along its whole trajectory, and stored either way.
func TestFlightPlanConflicts(t *testing.T) {
	s := startServer(t, Config{})
	a, b := s.addParty(t, "A", "party"), s.addParty(t, "B", "party")
	t0 := time.Date(2016, 9, 12, 10, 0, 0, 0, time.UTC)
	plan := func(cs string, lon0, lon1 float64) string {
		return fmt.Sprintf(`{"callsign":%q,"aircraft_type":"SU24","waypoints":[
			{"lat":35,"lon":%v,"alt_ft":30000,"time":%q},{"lat":35,"lon":%v,"alt_ft":30000,"time":%q}]}`,
			cs, lon0, t0.Format(time.RFC3339), lon1, t0.Add(20*time.Minute).Format(time.RFC3339))
	}
	var first struct{ Flightplan struct{ Conflicts []any } }
	if err := a.Do(context.Background(), "POST", "/v1/flightplans", json.RawMessage(plan("A1", 37, 39)), "", &first); err != nil {
		t.Fatal(err)
	}
	if len(first.Flightplan.Conflicts) != 0 {
		t.Fatalf("first plan has conflicts: %+v", first)
	}
	var second struct {
		Flightplan struct {
			ID        string
			Conflicts []struct {
				Kind       string
				OtherParty string  `json:"other_party"`
				LeastSepNM float64 `json:"least_sep_nm"`
			}
		}
	}
	if err := b.Do(context.Background(), "POST", "/v1/flightplans", json.RawMessage(plan("B1", 39, 37)), "", &second); err != nil {
		t.Fatal(err)
	}
	cs := second.Flightplan.Conflicts
	if len(cs) != 1 || cs[0].Kind != "separation" || cs[0].LeastSepNM > 0.1 {
		t.Fatalf("reverse plan conflicts = %+v, want one head-on separation conflict", cs)
	}
	if status, _ := raw(t, a, "GET", "/v1/flightplans/"+second.Flightplan.ID, "", nil); status != 404 {
		t.Errorf("A can read B's flight plan: %d", status)
	}
}

// A no-fly zone declared by the coordinator: a track predicted to enter it
// within the look-ahead raises a no-fly alert to its party; one flying above
// the zone's band does not; entering and leaving are followed.
func TestNoFlyIncursion(t *testing.T) {
	s := startServer(t, Config{})
	a := s.addParty(t, "A", "party")
	now := time.Now().UTC().Truncate(time.Millisecond)
	zone := fmt.Sprintf(`{"kind":"no-fly","name":"Test NFZ","volumes":[{"footprint":{"type":"Point","coordinates":[38.5,35.0]},
		"radius_m":10000,"floor_ft":0,"ceiling_ft":25000,"start":%q}]}`, now.Add(-time.Hour).Format(time.RFC3339))
	if status, body := raw(t, s.coord, "POST", "/v1/zones", zone, nil); status != 201 {
		t.Fatalf("declare no-fly zone: %d %s", status, body)
	}
	// 450 kt = 0.125 NM/s; the zone's edge is 25 NM east of A1 less 10 km: entry in about 150 s.
	lon := 38.5 - 25.0/60/0.8192
	postTracks(t, a, trackJSON("A1", 35.0, lon, 20000, 450, 90, now)+"\n"+trackJSON("A2", 35.0, lon, 30000, 450, 90, now))
	got := alerts(t, a, "?kind=no-fly")
	if len(got) != 1 {
		t.Fatalf("no-fly alerts = %+v, want one (A1 below the ceiling, not A2 above it)", got)
	}
	var nf struct {
		Alert struct {
			NoFly struct {
				Inside       bool
				TimeToEntryS float64 `json:"time_to_entry_s"`
				Aircraft     struct {
					TrackID string `json:"track_id"`
				}
			} `json:"no_fly"`
		}
	}
	if err := a.Do(context.Background(), "GET", "/v1/alerts/"+got[0].ID, nil, "", &nf); err != nil {
		t.Fatal(err)
	}
	if n := nf.Alert.NoFly; n.Inside || n.TimeToEntryS < 120 || n.TimeToEntryS > 180 || n.Aircraft.TrackID != "A1" {
		t.Fatalf("predicted entry = %+v, want A1 entering in about 150 s", n)
	}
	// Inside the zone, then out of it: entered, then resolved.
	postTracks(t, a, trackJSON("A1", 35.0, 38.5, 20000, 450, 90, now.Add(time.Second)))
	if al := alerts(t, a, "?kind=no-fly")[0]; al.State != "open" {
		t.Fatalf("inside: state %s", al.State)
	}
	postTracks(t, a, trackJSON("A1", 35.0, 38.5, 20000, 450, 0, now.Add(2*time.Second))+"\n"+
		trackJSON("A1", 36.0, 38.5, 20000, 450, 0, now.Add(3*time.Second)))
	if al := alerts(t, a, "?kind=no-fly")[0]; al.State != "resolved" {
		t.Fatalf("after leaving: state %s", al.State)
	}
}

// sbsLines renders an aircraft as the BaseStation messages an ADS-B
// receiver sends: position with altitude (MSG,3) and velocity (MSG,4).
func sbsLines(hex string, lat, lon, alt, gs, trk float64, at time.Time) string {
	d, tm := at.Format("2006/01/02"), at.Format("15:04:05.000")
	return fmt.Sprintf("MSG,3,1,1,%s,1,%s,%s,%s,%s,,%v,,,%v,%v,,,0,0,0,0\r\n", hex, d, tm, d, tm, alt, lat, lon) +
		fmt.Sprintf("MSG,4,1,1,%s,1,%s,%s,%s,%s,,,%v,%v,,,0,,,,,0\r\n", hex, d, tm, d, tm, gs, trk)
}

// Issue 3, item 3: party A streams over HTTP, party B's ADS-B receiver over
// SBS-1; both receive the alert over SSE.
func TestAirspaceOverSBS(t *testing.T) {
	s := startServer(t, Config{SBSListen: "127.0.0.1:0", SBSParty: "B"})
	a, b := s.addParty(t, "A", "party"), s.addParty(t, "B", "party")
	now := time.Now().UTC().Truncate(time.Millisecond)
	conn, err := net.Dial("tcp", s.SBSAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, sbsLines("4CA2D6", 35.0, 38.4, 30000, 450, 270, now)); err != nil {
		t.Fatal(err)
	}
	postTracks(t, a, trackJSON("RFA101", 35.0, 38.0, 30000, 450, 90, now))
	deadline := time.Now().Add(5 * time.Second)
	for len(alerts(t, s.coord, "")) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond) // the feed is batched every 250 ms
		postTracks(t, a, trackJSON("RFA101", 35.0, 38.0, 30000, 450, 90, now))
	}
	for name, c := range map[string]*client.Client{"A": a, "B": b} {
		if ev := readEvents(t, c); !strings.Contains(ev, `"kind":"separation"`) {
			t.Fatalf("party %s received no separation alert:\n%s", name, ev)
		}
	}
	var tracks struct {
		Tracks []struct {
			TrackID string `json:"track_id"`
		}
	}
	b.Do(context.Background(), "GET", "/v1/tracks", nil, "", &tracks)
	if len(tracks.Tracks) != 1 || tracks.Tracks[0].TrackID != "4CA2D6" {
		t.Fatalf("B's tracks from its SBS-1 feed = %+v", tracks)
	}
}

// Sharing policies widen what a party sees of another's aircraft: none by
// default, those within the radius under proximity, all under full.
func TestSharingPolicies(t *testing.T) {
	s := startServer(t, Config{})
	a, b := s.addParty(t, "A", "party"), s.addParty(t, "B", "party")
	now := time.Now().UTC()
	postTracks(t, a, trackJSON("A1", 35.0, 38.0, 30000, 450, 0, now))
	postTracks(t, b, trackJSON("NEAR", 35.2, 38.0, 20000, 450, 0, now)+"\n"+trackJSON("FAR", 33.0, 36.0, 20000, 450, 0, now))
	seen := func() string { _, body := raw(t, a, "GET", "/v1/tracks", "", nil); return body }
	if body := seen(); strings.Contains(body, "NEAR") || strings.Contains(body, "FAR") {
		t.Fatalf("default policy shows B's aircraft to A: %s", body)
	}
	for _, tc := range []struct {
		policy    string
		near, far bool
	}{
		{`{"parties":["A","B"],"mode":"proximity","radius_nm":30}`, true, false},
		{`{"parties":["B","A"],"mode":"full"}`, true, true},
		{`{"parties":["A","B"],"mode":"alerts-only"}`, false, false},
	} {
		if status, body := raw(t, s.coord, "POST", "/v1/policies", tc.policy, nil); status != 200 {
			t.Fatalf("set %s: %d %s", tc.policy, status, body)
		}
		body := seen()
		if strings.Contains(body, "NEAR") != tc.near || strings.Contains(body, "FAR") != tc.far {
			t.Errorf("under %s A sees %s", tc.policy, body)
		}
	}
	for _, bad := range []string{`{"parties":["A","A"],"mode":"full"}`, `{"parties":["A","B"],"mode":"proximity"}`, `{"parties":["A","B"],"mode":"everything"}`} {
		if status, _ := raw(t, s.coord, "POST", "/v1/policies", bad, nil); status != 400 {
			t.Errorf("policy %s answered %d, want 400", bad, status)
		}
	}
	if status, _ := raw(t, a, "POST", "/v1/policies", `{"parties":["A","B"],"mode":"full"}`, nil); status != 403 {
		t.Errorf("a party set a policy: %d", status)
	}
}
