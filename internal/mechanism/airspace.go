package mechanism

import (
	"context"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"concord"
	"concord/internal/airspace"
	"concord/internal/geo"
	"concord/internal/store"
	"concord/internal/zones"
)

// MaxTrackBatch bounds the reports of one POST /v1/tracks.
const MaxTrackBatch = 10000

// air is the node's live picture: the detector over every armed party's
// latest track reports and the no-fly fences, and the alert open for each
// conflict or incursion. Track IDs in the detector are "party/track_id".
type air struct {
	mu       sync.Mutex
	det      *airspace.Detector
	last     map[string]airspace.Track // latest report per detector ID
	open     map[string]string         // ID of the open alert per conflict or incursion key
	fences   []airspace.Fence
	policies map[string]Policy // by pairKey
	dataNow  time.Time         // latest report time seen
	wallAt   time.Time         // wall time when dataNow was seen
}

func (m *Mechanism) minima() airspace.Minima { return m.cfg.Minima.WithDefaults() }

// reset empties the live picture (a node taking over detection).
func (a *air) reset(m *Mechanism) {
	fresh := newAir(m)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.det, a.last, a.open, a.fences, a.dataNow = fresh.det, fresh.last, fresh.open, nil, time.Time{}
}

func newAir(m *Mechanism) *air {
	return &air{
		det:  airspace.NewDetector(airspace.DetectorConfig{Minima: m.minima(), StaleAfter: m.cfg.StaleAfter}),
		last: map[string]airspace.Track{}, open: map[string]string{}, policies: map[string]Policy{},
	}
}

// StartAirspace loads the no-fly fences and sharing policies, and expires
// the live alerts a previous run left open: no live state survives a
// restart, so their conflicts can no longer be followed.
func (m *Mechanism) StartAirspace(ctx context.Context) error {
	if m.air == nil {
		m.air = newAir(m)
	} else {
		m.air.reset(m)
	}
	if err := m.reloadFences(ctx); err != nil {
		return err
	}
	if err := m.loadPolicies(ctx); err != nil {
		return err
	}
	return m.expireOrphans(ctx)
}

func (m *Mechanism) expireOrphans(ctx context.Context) error {
	rs, err := m.store.List(ctx, store.Query{Type: "alert", Kinds: []string{AlertSeparation, AlertNoFly},
		Statuses: []string{AlertOpen, AlertAcknowledged}, Limit: store.MaxLimit})
	if err != nil || len(rs) == 0 {
		return err
	}
	_, err = m.write(ctx, Request{Actor: systemActor}, false, func(ctx context.Context, wt *writeTx) (any, error) {
		for _, r := range rs {
			al, err := decodeAlert(r)
			if err != nil {
				return nil, err
			}
			al.State, al.EndedAt = AlertExpired, &wt.now
			if err := wt.putAlert(ctx, &al, "alert.expire"); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	return err
}

// reloadFences rebuilds the detector's fences from the active no-fly zones.
func (m *Mechanism) reloadFences(ctx context.Context) error {
	rs, err := m.store.List(ctx, store.Query{Type: "zone", Kinds: []string{string(zones.NoFly)},
		Statuses: []string{string(zones.Active)}, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	var fences []airspace.Fence
	for _, r := range rs {
		z, err := decodeZone(r)
		if err != nil {
			return err
		}
		fences = append(fences, FencesOf(z)...)
	}
	a := m.air
	a.mu.Lock()
	defer a.mu.Unlock()
	var changes []airspace.Change
	for _, f := range a.fences {
		changes = append(changes, a.det.RemoveFence(f.ID)...)
	}
	a.fences = nil
	for _, f := range fences {
		ch, err := a.det.AddFence(f)
		if err != nil {
			m.log.Warn("no-fly zone not enforced", "fence", f.ID, "err", err)
			continue
		}
		a.fences = append(a.fences, f)
		changes = append(changes, ch...)
	}
	return m.applyChanges(ctx, changes)
}

// FencesOf turns a no-fly zone into one fence per volume ("zoneID#i"). A
// polygon's radius_m buffer is not applied to the fence (a fence is its
// footprint); points need their radius.
func FencesOf(z zones.Zone) []airspace.Fence {
	var out []airspace.Fence
	for i, v := range z.Volumes {
		f := airspace.Fence{ID: z.ID + "#" + strconv.Itoa(i), FloorFt: v.FloorFt, CeilingFt: v.CeilingFt,
			Start: v.Start, AppliesTo: z.AppliesTo}
		if v.End != nil {
			f.End = *v.End
		}
		g := v.Footprint
		if g.Type == geo.TypePoint {
			f.CenterLon, f.CenterLat, f.RadiusM = g.Point[0], g.Point[1], v.RadiusM
		} else {
			for _, poly := range g.Polygons {
				var rings [][][2]float64
				for _, ring := range poly {
					rs := make([][2]float64, len(ring))
					for k, p := range ring {
						rs[k] = [2]float64(p)
					}
					rings = append(rings, rs)
				}
				f.Polygons = append(f.Polygons, rings)
			}
		}
		out = append(out, f)
	}
	return out
}

func fenceZone(fenceID string) string {
	z, _, _ := strings.Cut(fenceID, "#")
	return z
}

// SubmitTracks accepts a batch of track reports: the whole batch is
// validated before any of it applies; it is journaled as one submission;
// then armed parties' reports feed live detection. Reports from
// humanitarian organisations are their movements' positions.
func (m *Mechanism) SubmitTracks(ctx context.Context, req Request, ts []airspace.Track) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleParty, concord.RoleHumanitarian); err != nil {
		return Result{}, err
	}
	if len(ts) == 0 {
		return Result{}, concord.Invalid("tracks", "no track reports given")
	}
	if len(ts) > MaxTrackBatch {
		return Result{}, &concord.Error{Code: concord.ETOOLARGE, Field: "tracks", Message: "at most 10000 reports per request"}
	}
	for i := range ts {
		ts[i].Party = req.Actor.Party
		if err := ts[i].Validate(); err != nil {
			return Result{}, concord.Prefix("tracks["+strconv.Itoa(i)+"]", err)
		}
	}
	res, err := m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		id := newID("tb", wt.now)
		r := &store.Record{Type: "trackbatch", ID: id, Version: 1, Owner: req.Actor.Party, Kind: "tracks", Status: "accepted",
			Start: ts[0].Time}
		body := map[string]any{"id": id, "party": req.Actor.Party, "tracks": ts}
		return map[string]any{"accepted": len(ts), "batch": id}, wt.put(ctx, r, "tracks.submit", body)
	})
	if err != nil || res.Replayed {
		return res, err
	}
	if req.Actor.Role == concord.RoleHumanitarian {
		m.followMovements(ctx, ts)
		return res, nil
	}
	if m.shared() {
		return res, nil // on a shared store, the detection leader picks the batch up
	}
	// The batch is durable and accepted: a failure to write the alerts it
	// causes is the server's to report, not the submitter's.
	if err := m.feed(ctx, ts); err != nil {
		m.log.Error("writing alerts", "err", err)
	}
	return res, nil
}

// followMovements passes an aid organisation's reports to the movements they
// track (a report whose track_id is a movement's ID); other reports are its
// own business. Deviations raise movement alerts.
func (m *Mechanism) followMovements(ctx context.Context, ts []airspace.Track) {
	for _, t := range ts {
		err := m.MovementPosition(ctx, t.Party, t.ID, t.Lat, t.Lon, t.Time)
		if err != nil && concord.ErrorCode(err) != concord.ENOTFOUND {
			m.log.Warn("movement position", "movement", t.ID, "err", err)
		}
	}
}

// feed updates the live picture with reports and writes the alert changes.
func (m *Mechanism) feed(ctx context.Context, ts []airspace.Track) error {
	a := m.air
	a.mu.Lock()
	defer a.mu.Unlock()
	var changes []airspace.Change
	for _, t := range ts {
		t.ID = t.Party + "/" + t.ID
		a.last[t.ID] = t
		if t.Time.After(a.dataNow) {
			a.dataNow, a.wallAt = t.Time, time.Now()
		}
		changes = append(changes, a.det.Update(t)...)
	}
	return m.applyChanges(ctx, changes)
}

// ExpireTracks drops tracks silent for longer than the stale time, on the
// feeds' own clock (the latest report time, advanced by the wall time since),
// and ends their conflicts.
func (m *Mechanism) ExpireTracks(ctx context.Context) error {
	a := m.air
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.dataNow.IsZero() {
		return nil
	}
	now := a.dataNow.Add(time.Since(a.wallAt))
	changes := slices.Clone(a.det.Expire(now))
	for id, t := range a.last {
		if now.Sub(t.Time) > m.staleAfter() {
			delete(a.last, id)
		}
	}
	return m.applyChanges(ctx, changes)
}

func (m *Mechanism) staleAfter() time.Duration {
	if m.cfg.StaleAfter > 0 {
		return m.cfg.StaleAfter
	}
	return airspace.DefaultMaxLag
}

// applyChanges turns detector changes into alert versions, in one
// transaction. Called with a.mu held.
func (m *Mechanism) applyChanges(ctx context.Context, changes []airspace.Change) error {
	if len(changes) == 0 {
		return nil
	}
	a := m.air
	open := maps.Clone(a.open)
	_, err := m.write(ctx, Request{Actor: systemActor}, false, func(ctx context.Context, wt *writeTx) (any, error) {
		for _, c := range changes {
			if err := m.applyChange(ctx, wt, open, c); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err == nil {
		a.open = open
	}
	return err
}

func (m *Mechanism) applyChange(ctx context.Context, wt *writeTx, open map[string]string, c airspace.Change) error {
	key, kind := changeKey(c)
	id, exists := open[key]
	var al Alert
	if exists { // the current version: parties may have acknowledged it since
		r, err := wt.Get(ctx, id)
		if err != nil {
			return err
		}
		if al, err = decodeAlert(r); err != nil {
			return err
		}
	}
	switch c.Kind {
	case airspace.Began, airspace.Changed, airspace.Enter, airspace.PredictedEntry:
		leaf := "alert.change"
		if !exists {
			al = Alert{ID: newID("al", wt.now), Kind: kind, State: AlertOpen, Deadline: wt.now.Add(m.ackDeadline())}
			leaf = "alert.begin"
		}
		m.describe(&al, c)
		if err := wt.putAlert(ctx, &al, leaf); err != nil {
			return err
		}
		open[key] = al.ID
	case airspace.Ended, airspace.Exit, airspace.PredictionCleared:
		if !exists {
			return nil
		}
		al.State, al.EndedAt = AlertResolved, &wt.now
		if err := wt.putAlert(ctx, &al, "alert.end"); err != nil {
			return err
		}
		delete(open, key)
	}
	return nil
}

func changeKey(c airspace.Change) (string, string) {
	if c.Kind.IsFence() {
		return "nofly:" + c.Incursion.Fence + "|" + c.Incursion.Track, AlertNoFly
	}
	return "sep:" + c.Conflict.A + "|" + c.Conflict.B, AlertSeparation
}

// describe fills the alert's parties and details from a detector change.
func (m *Mechanism) describe(al *Alert, c airspace.Change) {
	a := m.air
	if c.Kind.IsFence() {
		in := c.Incursion
		al.Parties = []string{in.Party}
		al.Subject = &Subject{Type: "zone", ID: fenceZone(in.Fence)}
		al.NoFly = &NoFlyAlert{Zone: fenceZone(in.Fence), Aircraft: aircraftOf(a.last[in.Track]), Inside: in.Inside,
			TimeToEntryS: in.TimeToEntryS, Entry: LatLon{in.Lat, in.Lon}, EntryAltFt: in.AltFt}
		return
	}
	k := c.Conflict
	al.Parties = uniqueSorted(k.PartyA, k.PartyB)
	al.Separation = &SeparationAlert{TcpaS: k.TcpaS, DcpaNM: k.DcpaNM, DvFt: k.DvFt, TinS: finite(k.TinS), ToutS: finite(k.ToutS),
		CPA: LatLon{k.LatCPA, k.LonCPA}, At: k.At, Aircraft: [2]Aircraft{aircraftOf(a.last[k.A]), aircraftOf(a.last[k.B])}}
}

func aircraftOf(t airspace.Track) Aircraft {
	_, id, _ := strings.Cut(t.ID, "/")
	return Aircraft{Party: t.Party, TrackID: id, Lat: t.Lat, Lon: t.Lon, AltFt: t.AltFt, GsKt: t.GsKt, TrackDeg: t.TrackDeg, VsFpm: t.VsFpm, Time: t.Time}
}

func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

func uniqueSorted(ps ...string) []string {
	out := slices.Clone(ps)
	slices.Sort(out)
	return slices.Compact(out)
}

// Policy widens what two parties see of each other's aircraft (set by the
// coordinator). The default, alerts-only, shows the other party's aircraft
// only inside alerts that involve both.
type Policy struct {
	Parties  [2]string `json:"parties"`
	Mode     string    `json:"mode"` // alerts-only, proximity, full
	RadiusNM float64   `json:"radius_nm,omitempty"`
}

func pairKey(p, q string) string {
	if q < p {
		p, q = q, p
	}
	return p + "|" + q
}

func (m *Mechanism) loadPolicies(ctx context.Context) error {
	rs, err := m.store.List(ctx, store.Query{Type: "policy", Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	m.air.mu.Lock()
	defer m.air.mu.Unlock()
	for _, r := range rs {
		var p Policy
		if err := json.Unmarshal(r.Body, &p); err != nil {
			return err
		}
		m.air.policies[pairKey(p.Parties[0], p.Parties[1])] = p
	}
	return nil
}

// SetPolicy sets the sharing policy of a pair of parties (coordinator only).
func (m *Mechanism) SetPolicy(ctx context.Context, req Request, p Policy) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleCoordinator); err != nil {
		return Result{}, err
	}
	if err := validatePolicy(&p); err != nil {
		return Result{}, err
	}
	res, err := m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		for i, id := range p.Parties {
			if pr, err := wt.party(ctx, id); err != nil || pr.Role != concord.RoleParty {
				return nil, concord.Invalid("parties["+strconv.Itoa(i)+"]", "%q is not an armed party", id)
			}
		}
		id := "policy:" + strings.Replace(pairKey(p.Parties[0], p.Parties[1]), "|", ":", 1) // party IDs have no ':'

		version := 1
		if old, err := wt.Get(ctx, id); err == nil {
			version = old.Version + 1
		}
		r := &store.Record{Type: "policy", ID: id, Version: version, Owner: CoordinatorID, Kind: p.Mode, Status: "active"}
		return map[string]any{"policy": p}, wt.put(ctx, r, "policy.set", p)
	})
	if err == nil {
		m.air.mu.Lock()
		m.air.policies[pairKey(p.Parties[0], p.Parties[1])] = p
		m.air.mu.Unlock()
	}
	return res, err
}

func validatePolicy(p *Policy) error {
	switch {
	case p.Parties[0] == "" || p.Parties[1] == "" || p.Parties[0] == p.Parties[1]:
		return concord.Invalid("parties", "must name two different parties")
	case p.Mode != "alerts-only" && p.Mode != "proximity" && p.Mode != "full":
		return concord.Invalid("mode", "must be alerts-only, proximity or full")
	case p.Mode == "proximity" && !(p.RadiusNM > 0 && p.RadiusNM <= 500):
		return concord.Invalid("radius_nm", "a proximity policy needs a radius in (0, 500] NM")
	case p.Mode != "proximity" && p.RadiusNM != 0:
		return concord.Invalid("radius_nm", "only a proximity policy has a radius")
	}
	return nil
}

// sharesFully reports whether viewer sees other's aircraft in full.
func (m *Mechanism) sharesFully(viewer, other string) bool {
	if m.air == nil {
		return false
	}
	m.air.mu.Lock()
	defer m.air.mu.Unlock()
	return m.air.policies[pairKey(viewer, other)].Mode == "full"
}

// Tracks returns the live tracks a may see: its own; another party's only
// under a full policy, or within the radius of one of its own aircraft under
// a proximity policy; every track for the coordinator.
func (m *Mechanism) Tracks(ctx context.Context, a concord.Actor) ([]airspace.Track, error) {
	if err := requireRole(a, concord.RoleParty, concord.RoleCoordinator); err != nil {
		return nil, err
	}
	air := m.air
	air.mu.Lock()
	defer air.mu.Unlock()
	var own []airspace.Track
	for _, t := range air.last {
		if t.Party == a.Party {
			own = append(own, t)
		}
	}
	out := []airspace.Track{}
	for _, t := range air.last {
		if a.Role == concord.RoleCoordinator || t.Party == a.Party || air.visible(a.Party, t, own) {
			t.ID = strings.TrimPrefix(t.ID, t.Party+"/")
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(x, y airspace.Track) int { return strings.Compare(x.Party+x.ID, y.Party+y.ID) })
	return out, nil
}

func (air *air) visible(viewer string, t airspace.Track, own []airspace.Track) bool {
	p := air.policies[pairKey(viewer, t.Party)]
	switch p.Mode {
	case "full":
		return true
	case "proximity":
		for _, o := range own {
			d := geo.Distance(geo.Position{o.Lon, o.Lat}, geo.Position{t.Lon, t.Lat})
			if float64(d.NauticalMiles()) <= p.RadiusNM {
				return true
			}
		}
	}
	return false
}
