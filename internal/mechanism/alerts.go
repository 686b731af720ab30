package mechanism

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"concord"
	"concord/internal/store"
)

// Alert kinds (SPEC §2) and states.
const (
	AlertSeparation = "separation"
	AlertNoFly      = "no-fly"
	AlertProtection = "protection"
	AlertMovement   = "movement"
	AlertEscalation = "escalation"

	AlertOpen         = "open"
	AlertAcknowledged = "acknowledged"
	AlertResolved     = "resolved"
	AlertExpired      = "expired"
)

// DefaultAckDeadline is how long involved parties have to acknowledge an
// alert before it escalates to the coordinator.
const DefaultAckDeadline = 60 * time.Second

// Alert is the body of an alert record: one conflict episode from the moment
// it began to the moment it ended, each change a new version in the journal.
type Alert struct {
	ID          string               `json:"id"`
	Version     int                  `json:"version"`
	Kind        string               `json:"kind"`
	State       string               `json:"state"`
	Parties     []string             `json:"parties"` // involved parties; each must acknowledge
	Acks        map[string]time.Time `json:"acks,omitempty"`
	Deadline    time.Time            `json:"ack_deadline"`
	EscalatedAt *time.Time           `json:"escalated_at,omitempty"`
	Subject     *Subject             `json:"subject,omitempty"`
	Separation  *SeparationAlert     `json:"separation,omitempty"`
	NoFly       *NoFlyAlert          `json:"no_fly,omitempty"`
	Detail      json.RawMessage      `json:"detail,omitempty"` // protection and movement alerts
	Cells       []string             `json:"cells,omitempty"`  // coarse place, where the subject is protected
	CreatedAt   time.Time            `json:"created_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
	EndedAt     *time.Time           `json:"ended_at,omitempty"`
}

// Subject names the record an alert is about.
type Subject struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// SeparationAlert is a predicted or actual loss of separation between two
// parties' aircraft: both aircraft as last reported, and the predicted
// closest point of approach.
type SeparationAlert struct {
	TcpaS    float64     `json:"tcpa_s"`
	DcpaNM   float64     `json:"dcpa_nm"`
	DvFt     float64     `json:"dv_ft"`
	TinS     *float64    `json:"tin_s"`  // null: already in loss of separation with no end in sight
	ToutS    *float64    `json:"tout_s"` // null: no end predicted
	CPA      LatLon      `json:"cpa"`
	At       time.Time   `json:"at"`
	Aircraft [2]Aircraft `json:"aircraft"`
}

// NoFlyAlert is an aircraft inside, or predicted to enter, a no-fly zone.
type NoFlyAlert struct {
	Zone         string   `json:"zone"`
	Aircraft     Aircraft `json:"aircraft"`
	Inside       bool     `json:"inside"`
	TimeToEntryS float64  `json:"time_to_entry_s"`
	Entry        LatLon   `json:"entry"`
	EntryAltFt   float64  `json:"entry_alt_ft"`
}

// LatLon is a position in degrees.
type LatLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Aircraft is one aircraft's state as last reported.
type Aircraft struct {
	Party    string    `json:"party"`
	TrackID  string    `json:"track_id,omitempty"`
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
	AltFt    float64   `json:"alt_ft"`
	GsKt     float64   `json:"gs_kt"`
	TrackDeg float64   `json:"track_deg"`
	VsFpm    float64   `json:"vs_fpm"`
	Time     time.Time `json:"time"`
}

func alertRecord(a Alert) *store.Record {
	r := &store.Record{Type: "alert", ID: a.ID, Version: a.Version, Owner: "system", Kind: a.Kind, Status: a.State, Start: a.CreatedAt}
	if a.EndedAt != nil {
		e := *a.EndedAt
		r.End = &e
	}
	return r
}

func decodeAlert(r store.Record) (Alert, error) {
	var a Alert
	err := json.Unmarshal(r.Body, &a)
	return a, err
}

// putAlert writes the next version of a.
func (wt *writeTx) putAlert(ctx context.Context, a *Alert, leafKind string) error {
	a.Version++
	a.UpdatedAt = wt.now
	if a.Version == 1 {
		a.CreatedAt = wt.now
	}
	return wt.put(ctx, alertRecord(*a), leafKind, *a)
}

func (a Alert) involves(party string) bool { return slices.Contains(a.Parties, party) }

func init() {
	registerType("alert", RecordType{
		InFull: func(m *Mechanism, a concord.Actor, r store.Record) bool {
			if a.Role == concord.RoleCoordinator {
				return true
			}
			al, err := decodeAlert(r)
			return err == nil && protectionAlertInFull(a, al)
		},
		View: func(m *Mechanism, a concord.Actor, r store.Record) (any, bool, error) {
			al, err := decodeAlert(r)
			if err != nil {
				return nil, false, err
			}
			v, ok := m.alertView(a, al)
			return v, ok, nil
		},
	})
}

// alertView is what actor a sees of an alert: the coordinator everything; an
// involved party what it needs — its own aircraft, the other aircraft's
// position, altitude and velocity at the time, the predicted closest approach —
// and, under a sharing policy of full, the other aircraft's track ID.
// Protection and movement alerts are shaped by their own views.
func (m *Mechanism) alertView(a concord.Actor, al Alert) (any, bool) {
	if a.Role == concord.RoleCoordinator {
		return al, true
	}
	if v, ok := m.kindAlertView(a, al); ok {
		return v, true
	}
	if !al.involves(a.Party) {
		return nil, false
	}
	if al.Separation != nil {
		s := *al.Separation
		for i := range s.Aircraft {
			if s.Aircraft[i].Party != a.Party && !m.sharesFully(a.Party, s.Aircraft[i].Party) {
				s.Aircraft[i].TrackID = ""
			}
		}
		al.Separation = &s
	}
	return al, true
}

// kindAlertViews shape alerts of kinds owned by other capabilities
// (protection, movement); each returns false when a sees nothing of it.
var kindAlertViews = map[string]func(m *Mechanism, a concord.Actor, al Alert) (any, bool){}

func (m *Mechanism) kindAlertView(a concord.Actor, al Alert) (any, bool) {
	if f, ok := kindAlertViews[al.Kind]; ok {
		return f(m, a, al)
	}
	return nil, false
}

// AlertQuery selects alerts.
type AlertQuery struct {
	States []string
	Kinds  []string
	Limit  int
}

// Alerts lists the alerts a may see, newest first.
func (m *Mechanism) Alerts(ctx context.Context, a concord.Actor, q AlertQuery) ([]any, error) {
	if a.Role == concord.RoleAuditor || a.Role == concord.RoleObserver {
		return nil, concord.Errorf(concord.EFORBIDDEN, "alerts go to the parties involved and the coordinator")
	}
	rs, err := m.store.List(ctx, store.Query{Type: "alert", Statuses: q.States, Kinds: q.Kinds, Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	out := []any{}
	for i := len(rs) - 1; i >= 0; i-- {
		al, err := decodeAlert(rs[i])
		if err != nil {
			return nil, err
		}
		if v, ok := m.alertView(a, al); ok {
			out = append(out, v)
		}
		if q.Limit > 0 && len(out) >= q.Limit {
			break
		}
	}
	return out, nil
}

// Alert returns one alert as a may see it.
func (m *Mechanism) Alert(ctx context.Context, a concord.Actor, id string) (any, error) {
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "alert" {
		return nil, concord.Errorf(concord.ENOTFOUND, "no alert %q", id)
	}
	al, err := decodeAlert(r)
	if err != nil {
		return nil, err
	}
	v, ok := m.alertView(a, al)
	if !ok {
		return nil, concord.Errorf(concord.ENOTFOUND, "no alert %q", id)
	}
	return v, nil
}

// AckAlert records an involved party's acknowledgement (journaled, with the
// party's signature when it has a key). When every involved party has
// acknowledged, the alert's state becomes acknowledged.
func (m *Mechanism) AckAlert(ctx context.Context, req Request, id string) (Result, error) {
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		r, err := wt.Get(ctx, id)
		if err != nil || r.Type != "alert" {
			return nil, concord.Errorf(concord.ENOTFOUND, "no alert %q", id)
		}
		al, err := decodeAlert(r)
		if err != nil {
			return nil, err
		}
		party := req.Actor.Party
		if !al.involves(party) {
			return nil, concord.Errorf(concord.EFORBIDDEN, "party %s is not involved in alert %s", party, id)
		}
		if _, done := al.Acks[party]; done {
			return nil, concord.Errorf(concord.ECONFLICT, "party %s has already acknowledged alert %s", party, id)
		}
		if al.Acks == nil {
			al.Acks = map[string]time.Time{}
		}
		al.Acks[party] = wt.now
		if al.State == AlertOpen && len(al.Acks) == len(al.Parties) {
			al.State = AlertAcknowledged
		}
		if err := wt.putAlert(ctx, &al, "alert.ack"); err != nil {
			return nil, err
		}
		v, _ := m.alertView(req.Actor, al)
		return map[string]any{"alert": v}, nil
	})
}

// Escalate raises an escalation to the coordinator for every open alert
// whose acknowledgement deadline has passed before now with a party still
// silent. Each alert escalates once; the escalation is an alert itself,
// addressed to the coordinator.
func (m *Mechanism) Escalate(ctx context.Context, now time.Time) (int, error) {
	rs, err := m.store.List(ctx, store.Query{Type: "alert", Statuses: []string{AlertOpen}, Limit: store.MaxLimit})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		al, err := decodeAlert(r)
		if err != nil || al.Kind == AlertEscalation || al.EscalatedAt != nil || now.Before(al.Deadline) {
			continue
		}
		if err := m.escalate(ctx, al.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

var systemActor = concord.Actor{Party: "system", Role: concord.RoleCoordinator}

func (m *Mechanism) escalate(ctx context.Context, id string) error {
	_, err := m.write(ctx, Request{Actor: systemActor}, false, func(ctx context.Context, wt *writeTx) (any, error) {
		r, err := wt.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		al, err := decodeAlert(r)
		if err != nil || al.State != AlertOpen || al.EscalatedAt != nil {
			return nil, err
		}
		al.EscalatedAt = &wt.now
		if err := wt.putAlert(ctx, &al, "alert.escalate"); err != nil {
			return nil, err
		}
		var silent []string
		for _, p := range al.Parties {
			if _, ok := al.Acks[p]; !ok {
				silent = append(silent, p)
			}
		}
		detail, _ := json.Marshal(map[string]any{"alert_kind": al.Kind, "silent": silent})
		esc := Alert{ID: newID("al", wt.now), Kind: AlertEscalation, State: AlertOpen, Parties: []string{CoordinatorID},
			Subject: &Subject{Type: "alert", ID: al.ID}, Detail: detail, Deadline: wt.now.Add(m.ackDeadline())}
		return nil, wt.putAlert(ctx, &esc, "alert.escalate")
	})
	return err
}

func (m *Mechanism) ackDeadline() time.Duration {
	if m.cfg.AckDeadline > 0 {
		return m.cfg.AckDeadline
	}
	return DefaultAckDeadline
}

// Run does the mechanism's periodic work every interval until ctx is done:
// escalating overdue alerts and expiring silent tracks.
func (m *Mechanism) Run(ctx context.Context, interval time.Duration) {
	if m.shared() {
		go m.leadDetection(ctx)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := m.Escalate(ctx, m.clock.Now()); err != nil && ctx.Err() == nil {
				m.log.Warn("escalation", "err", err)
			}
			if err := m.ExpireTracks(ctx); err != nil && ctx.Err() == nil {
				m.log.Warn("expiring tracks", "err", err)
			}
		}
	}
}
