package mechanism

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord"
	"concord/internal/geo"
	"concord/internal/journal"
	"concord/internal/protection"
	"concord/internal/store/sqlite"
	"concord/internal/zones"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// protectionWorld is a mechanism on SQLite with a test clock, a coordinator,
// armed parties A and B, and an aid organisation H.
type protectionWorld struct {
	m     *Mechanism
	clock *testClock
	ctx   context.Context
}

var (
	coordinator = concord.Actor{Party: CoordinatorID, Role: concord.RoleCoordinator}
	partyA      = concord.Actor{Party: "A", Role: concord.RoleParty}
	partyB      = concord.Actor{Party: "B", Role: concord.RoleParty}
	aidH        = concord.Actor{Party: "H", Role: concord.RoleHumanitarian}
)

func newProtectionWorld(t *testing.T, c Config) *protectionWorld {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.New(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "concord.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	skey, vkey, err := journal.GenerateKey("concord.test/journal")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	clock := &testClock{t: time.Date(2016, 9, 18, 12, 0, 0, 0, time.UTC)}
	c.Store, c.Signer, c.Verifier, c.VerifierKey, c.Clock = st, signer, verifier, vkey, clock
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	w := &protectionWorld{m: m, clock: clock, ctx: ctx}
	if _, _, err := m.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []concord.Actor{partyA, partyB, aidH} {
		w.must(t)(m.CreateParty(ctx, Request{Actor: coordinator}, NewParty{ID: p.Party, Name: p.Party, Role: p.Role}))
	}
	return w
}

// must fails the test on an error and returns the answer's document.
func (w *protectionWorld) must(t *testing.T) func(Result, error) map[string]json.RawMessage {
	return func(res Result, err error) map[string]json.RawMessage {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(res.Body, &doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}
}

func idOf(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v struct{ ID string }
	if err := json.Unmarshal(raw, &v); err != nil || v.ID == "" {
		t.Fatalf("no id in %s", raw)
	}
	return v.ID
}

const hospitalLon, hospitalLat = 36.94173, 36.15236

func (w *protectionWorld) hospital(t *testing.T) string {
	t.Helper()
	z := zones.Zone{Kind: zones.ProtectedSite, SiteType: "hospital", Name: "Field hospital", Volumes: []zones.Volume{{
		Footprint: geo.Geometry{Type: geo.TypePoint, Point: geo.Position{hospitalLon, hospitalLat}}, RadiusM: 300, Start: time.Date(2016, 9, 1, 0, 0, 0, 0, time.UTC)}}}
	doc := w.must(t)(w.m.CreateZones(w.ctx, Request{Actor: aidH}, []zones.Zone{z}, false))
	return idOf(t, doc["zone"])
}

// notice is an air operation over the hospital on 19 September 2016, 15:00–18:00.
func notice(t *testing.T, lon, lat float64) protection.Input {
	t.Helper()
	var in protection.Input
	err := in.UnmarshalJSON(fmt.Appendf(nil, `{"kind":"air","purpose":"air patrol","volumes":[{"footprint":
		{"type":"Point","coordinates":[%v,%v]},"radius_m":1000,"start":"2016-09-19T15:00:00Z","end":"2016-09-19T18:00:00Z"}]}`, lon, lat))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func (w *protectionWorld) file(a concord.Actor, in protection.Input) (Result, error) {
	return w.m.CreateOperation(w.ctx, Request{Actor: a}, in)
}

func unacknowledgedOf(t *testing.T, err error) []protection.Coarse {
	t.Helper()
	var ae *AwarenessError
	if !asAwareness(err, &ae) || concord.ErrorCode(err) != concord.ECONFLICT {
		t.Fatalf("got %v, want a refusal for want of awareness", err)
	}
	return ae.Unacknowledged
}

func asAwareness(err error, target **AwarenessError) bool {
	ae, ok := err.(*AwarenessError)
	*target = ae
	return ok
}

// Notification, expiry and re-confirmation: an expired site is neither
// listed to acknowledge nor checked; re-confirming notifies it anew, as a
// new version that must be acknowledged again.
func TestReconfirmExpiry(t *testing.T) {
	w := newProtectionWorld(t, Config{ReconfirmEvery: 7 * 24 * time.Hour})
	id := w.hospital(t)
	un, err := w.m.Unacknowledged(w.ctx, partyA)
	if err != nil || len(un) != 1 || un[0].ID != id {
		t.Fatalf("unacknowledged %+v, %v", un, err)
	}
	in := notice(t, hospitalLon, hospitalLat)
	if got := unacknowledgedOf(t, fileErr(w.file(partyA, in))); len(got) != 1 || got[0].Subject.ID != id || got[0].Subject.Version != 1 {
		t.Fatalf("refusal lists %+v", got)
	}
	w.must(t)(w.m.AckZone(w.ctx, Request{Actor: partyA}, id, nil))

	w.clock.add(8 * 24 * time.Hour)
	n, err := w.m.ZoneNotification(w.ctx, aidH, id)
	if err != nil || !n.Expired || n.ExpiresAt == nil || len(n.Acknowledgements) != 1 || !strings.Contains(strings.Join(n.Pending, ","), "B") {
		t.Fatalf("expired notification %+v, %v", n, err)
	}
	if un, _ := w.m.Unacknowledged(w.ctx, partyB); len(un) != 0 {
		t.Fatalf("an expired site is listed to acknowledge: %+v", un)
	}
	doc := w.must(t)(w.file(partyB, in)) // B never acknowledged it, but it expired
	if strings.Contains(string(doc["operation"]), id) {
		t.Fatalf("a notice conflicts with an expired site: %s", doc["operation"])
	}

	w.must(t)(w.m.ConfirmZone(w.ctx, Request{Actor: aidH}, id))
	n, _ = w.m.ZoneNotification(w.ctx, partyA, id)
	if n.Expired || n.Version != 2 || n.Acknowledged || len(n.Pending) != 0 {
		t.Fatalf("re-confirmed notification as A sees it: %+v", n)
	}
	got := unacknowledgedOf(t, fileErr(w.file(partyA, in)))
	if len(got) != 1 || got[0].Subject.Version != 2 {
		t.Fatalf("after re-confirmation A must acknowledge version 2: %+v", got)
	}
	w.must(t)(w.m.AckZone(w.ctx, Request{Actor: partyA}, id, ptr(2)))
	doc = w.must(t)(w.file(partyA, in))
	var op protection.Notice
	json.Unmarshal(doc["operation"], &op)
	if len(op.Awareness) != 1 || op.Awareness[0].Ack != protection.AckID("A", protection.Ref{Type: "zone", ID: id, Version: 2}) || len(op.Alerts) != 2 { // the site and B's notice
		t.Fatalf("accepted notice %+v", op)
	}
}

func fileErr(_ Result, err error) error { return err }

func ptr(n int) *int { return &n }

// Acknowledgements: armed parties only, the current version only, once.
func TestAckZoneRules(t *testing.T) {
	w := newProtectionWorld(t, Config{})
	id := w.hospital(t)
	for _, tc := range []struct {
		a       concord.Actor
		id      string
		version *int
		code    string
	}{
		{aidH, id, nil, concord.EFORBIDDEN},
		{coordinator, id, nil, concord.EFORBIDDEN},
		{partyA, id, ptr(2), concord.ECONFLICT},
		{partyA, "z_nonesuch", nil, concord.ENOTFOUND},
	} {
		if _, err := w.m.AckZone(w.ctx, Request{Actor: tc.a}, tc.id, tc.version); concord.ErrorCode(err) != tc.code {
			t.Errorf("%s acknowledging %s v%v: %v, want %s", tc.a.Party, tc.id, tc.version, err, tc.code)
		}
	}
	first, err := w.m.AckZone(w.ctx, Request{Actor: partyA}, id, ptr(1))
	if err != nil || len(first.Receipts) != 1 {
		t.Fatalf("first acknowledgement: %+v, %v", first, err)
	}
	again, err := w.m.AckZone(w.ctx, Request{Actor: partyA}, id, nil)
	if err != nil || len(again.Receipts) != 0 {
		t.Fatalf("a second acknowledgement wrote %d leaves (%v)", len(again.Receipts), err)
	}
}

// With refusal turned into a warning, the notice is accepted, records what
// was not acknowledged, and still raises the alert.
func TestAwarenessWarnOnly(t *testing.T) {
	w := newProtectionWorld(t, Config{AwarenessWarnOnly: true})
	id := w.hospital(t)
	doc := w.must(t)(w.file(partyB, notice(t, hospitalLon, hospitalLat)))
	var op protection.Notice
	json.Unmarshal(doc["operation"], &op)
	if len(op.Unacknowledged) != 1 || op.Unacknowledged[0].ID != id || len(op.Awareness) != 0 || len(op.Alerts) != 1 {
		t.Fatalf("notice accepted with a warning: %+v", op)
	}
}

// A protection alert is shown in full to the site's owner and the
// coordinator, coarse to the party that filed the notice, and not at all to
// another party.
func TestProtectionAlertViews(t *testing.T) {
	w := newProtectionWorld(t, Config{})
	id := w.hospital(t)
	w.must(t)(w.m.AckZone(w.ctx, Request{Actor: partyB}, id, nil))
	w.must(t)(w.file(partyB, notice(t, hospitalLon+0.001, hospitalLat)))
	for _, tc := range []struct {
		a     concord.Actor
		count int
		full  bool
	}{{aidH, 1, true}, {coordinator, 1, true}, {partyB, 1, false}, {partyA, 0, false}} {
		als, err := w.m.Alerts(w.ctx, tc.a, AlertQuery{Kinds: []string{AlertProtection}})
		if err != nil || len(als) != tc.count {
			t.Fatalf("%s sees alerts %+v (%v), want %d", tc.a.Party, als, err, tc.count)
		}
		if tc.count == 0 {
			continue
		}
		b, _ := json.Marshal(als[0])
		s := string(b)
		if full := strings.Contains(s, `"detail"`); full != tc.full {
			t.Errorf("%s sees the alert in full=%v: %s", tc.a.Party, full, s)
		}
		if !tc.full && (strings.Contains(s, "36.94") || strings.Contains(s, `"H"`) || !strings.Contains(s, `"site_type":"hospital"`)) {
			t.Errorf("B's coarse alert shows coordinates or the owner, or lacks the kind of site: %s", s)
		}
		if tc.full && !strings.Contains(s, `"exact_overlap":true`) {
			t.Errorf("%s's full alert lacks the exact overlap: %s", tc.a.Party, s)
		}
	}
}

// Two parties' notices conflict; both are told coarsely, only the
// coordinator in full; no awareness is needed of another party's notice.
func TestNoticeAgainstNotice(t *testing.T) {
	w := newProtectionWorld(t, Config{})
	w.must(t)(w.file(partyA, notice(t, 37.3, 36.3)))
	doc := w.must(t)(w.file(partyB, notice(t, 37.305, 36.3)))
	var op protection.Notice
	json.Unmarshal(doc["operation"], &op)
	if len(op.Conflicts) != 1 || op.Conflicts[0].Subject.Type != protection.SubjectOperation || op.Conflicts[0].Subject.Kind != "air" {
		t.Fatalf("conflicts %+v", op.Conflicts)
	}
	for _, a := range []concord.Actor{partyA, partyB} {
		als, _ := w.m.Alerts(w.ctx, a, AlertQuery{})
		if len(als) != 1 {
			t.Fatalf("%s sees %d alerts", a.Party, len(als))
		}
		if b, _ := json.Marshal(als[0]); strings.Contains(string(b), "detail") || strings.Contains(string(b), "air patrol") {
			t.Errorf("%s sees the other party's notice: %s", a.Party, b)
		}
	}
	// Its own notices never conflict with a party.
	doc = w.must(t)(w.file(partyB, notice(t, 37.305, 36.3)))
	json.Unmarshal(doc["operation"], &op)
	if len(op.Conflicts) != 1 {
		t.Fatalf("B's second notice conflicts with %+v, want only A's", op.Conflicts)
	}
	// A withdrawn notice is not checked.
	ops, _ := w.m.Operations(w.ctx, partyA)
	w.must(t)(w.m.WithdrawOperation(w.ctx, Request{Actor: partyA}, ops[0].ID))
	doc = w.must(t)(w.file(partyB, notice(t, 37.305, 36.3)))
	json.Unmarshal(doc["operation"], &op)
	if len(op.Conflicts) != 0 {
		t.Fatalf("a withdrawn notice still conflicts: %+v", op.Conflicts)
	}
	if _, err := w.m.WithdrawOperation(w.ctx, Request{Actor: partyB}, ops[0].ID); concord.ErrorCode(err) != concord.ENOTFOUND {
		t.Fatalf("B withdrawing A's notice: %v", err)
	}
}
