package mechanism

// Humanitarian access (issue 4; SPEC §2): movements, consents, state
// changes, live positions and access figures. Records:
//
//   - "movement": access.Movement, ID "mv_…", Owner the aid organisation,
//     Kind the destination (besieged-area zone ID, so that an area's
//     movements are one look-up), Status the state, Start and End the
//     window, Cells the index cells of the corridor. Seen in full by its
//     owner, the coordinator and the parties whose consent it requires (they
//     must see the route to answer); coarse (the corridor's cells, state,
//     window, destination) by every other member.
//   - "consent": a required party's answer, ID "consent:<movement>:<party>"
//     (one answer per party), Owner the party, Kind the movement ID, Status
//     approve or deny. Seen in full by the party, the movement's owner and
//     the coordinator. Answering also acknowledges the movement's version
//     answered (an "ack" record, written first), and the answer that decides
//     the movement writes its next version (approved or denied).
//   - "alert" of kind movement: a convoy reported outside its corridor or
//     window (MovementPosition), to its owner in full, the coordinator, and
//     coarse to the parties whose consent it required; resolved when the
//     convoy is back inside.

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/golang/geo/s2"

	"concord"
	"concord/internal/access"
	"concord/internal/geo"
	"concord/internal/protection"
	"concord/internal/store"
	"concord/internal/zones"
)

func init() {
	registerType("movement", RecordType{
		InFull: func(m *Mechanism, a concord.Actor, r store.Record) bool {
			mv, err := decodeMovement(r)
			return err == nil && movementInFull(a, mv)
		},
		View: func(m *Mechanism, a concord.Actor, r store.Record) (any, bool, error) {
			mv, err := decodeMovement(r)
			if err != nil || a.Role == concord.RoleAuditor {
				return nil, false, err
			}
			return m.movementView(a, mv), true, nil
		},
	})
	registerType("consent", RecordType{InFull: func(m *Mechanism, a concord.Actor, r store.Record) bool {
		return a.Owns(r.Owner) || m.ownerOf(r.Kind) == a.Party
	}})
}

// movingStates are the states in which a convoy may be on the road: its
// corridor is checked against notices.
var movingStates = func() []string {
	var out []string
	for _, s := range access.States {
		if s.Moving() {
			out = append(out, string(s))
		}
	}
	return out
}()

func decodeMovement(r store.Record) (access.Movement, error) {
	var mv access.Movement
	err := json.Unmarshal(r.Body, &mv)
	return mv, err
}

func movementInFull(a concord.Actor, mv access.Movement) bool {
	return a.Role != concord.RoleAuditor && (a.Owns(mv.Owner) || mv.Requires(a.Party))
}

func (m *Mechanism) movementView(a concord.Actor, mv access.Movement) any {
	if movementInFull(a, mv) {
		return mv
	}
	return mv.Coarse(m.level)
}

func movementRecord(mv access.Movement) *store.Record {
	end := mv.End
	cells := zones.IndexCells(zones.Zone{Volumes: []zones.Volume{mv.Volume()}})
	return &store.Record{Type: "movement", ID: mv.ID, Version: mv.Version, Owner: mv.Owner, Kind: mv.Destination,
		Status: string(mv.State), Start: mv.Start, End: &end, Cells: cells}
}

func movementSubject(mv access.Movement) protection.Subject {
	return protection.Subject{Type: protection.SubjectMovement, ID: mv.ID, Version: mv.Version, Owner: mv.Owner,
		Kind: "movement", Volumes: []zones.Volume{mv.Volume()}}
}

// CreateMovement files an aid organisation's movement. The destination must
// be an active besieged-area zone; the required consents are the parties
// responsible for the active control areas the corridor crosses during the
// window (access.RequiredConsents). With none required the movement is
// approved at once.
func (m *Mechanism) CreateMovement(ctx context.Context, req Request, in access.Input) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleHumanitarian); err != nil {
		return Result{}, err
	}
	if err := in.Validate(m.clock.Now()); err != nil {
		return Result{}, err
	}
	if err := m.checkDestination(ctx, in.Destination); err != nil {
		return Result{}, err
	}
	required, err := m.requiredConsents(ctx, in)
	if err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		mv := access.New(newID("mv", wt.now), req.Actor.Party, in, required, wt.now)
		return map[string]any{"movement": mv}, wt.put(ctx, movementRecord(mv), "movement.create", mv)
	})
}

func (m *Mechanism) checkDestination(ctx context.Context, id string) error {
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "zone" || r.Kind != string(zones.BesiegedArea) || r.Status != string(zones.Active) {
		return concord.Invalid("destination", "%q is not an active besieged-area zone", id)
	}
	return nil
}

func (m *Mechanism) requiredConsents(ctx context.Context, in access.Input) ([]string, error) {
	corridor, err := geo.NewShape(in.Route, geo.Meters(in.WidthM/2))
	if err != nil {
		return nil, concord.Prefix("route", err)
	}
	rs, err := m.listAll(ctx, store.Query{Type: "zone", Kinds: []string{string(zones.ControlArea)},
		Statuses: []string{string(zones.Active)}, From: in.Start, To: in.End, Cells: cellFilters(geo.IndexCovering(corridor))})
	if err != nil {
		return nil, err
	}
	areas := make([]zones.Zone, 0, len(rs))
	for _, r := range rs {
		z, err := decodeZone(r)
		if err != nil {
			return nil, err
		}
		areas = append(areas, z)
	}
	return access.RequiredConsents(corridor, in.Start, in.End, areas)
}

// MovementQuery selects movements.
type MovementQuery struct {
	States []access.State
	Area   string // destination
}

// Movements lists movements as a may see them (in full or coarse).
func (m *Mechanism) Movements(ctx context.Context, a concord.Actor, q MovementQuery) ([]any, error) {
	if err := readZones(a); err != nil {
		return nil, err
	}
	sq := store.Query{Type: "movement"}
	if q.Area != "" {
		sq.Kinds = []string{q.Area}
	}
	for _, s := range q.States {
		sq.Statuses = append(sq.Statuses, string(s))
	}
	rs, err := m.listAll(ctx, sq)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(rs))
	for _, r := range rs {
		mv, err := decodeMovement(r)
		if err != nil {
			return nil, err
		}
		out = append(out, m.movementView(a, mv))
	}
	return out, nil
}

// Movement returns one movement as a may see it.
func (m *Mechanism) Movement(ctx context.Context, a concord.Actor, id string) (any, error) {
	if err := readZones(a); err != nil {
		return nil, err
	}
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "movement" {
		return nil, concord.Errorf(concord.ENOTFOUND, "no movement %q", id)
	}
	mv, err := decodeMovement(r)
	return m.movementView(a, mv), err
}

func (wt *writeTx) movement(ctx context.Context, id string) (access.Movement, error) {
	r, err := wt.Get(ctx, id)
	if err != nil || r.Type != "movement" {
		return access.Movement{}, concord.Errorf(concord.ENOTFOUND, "no movement %q", id)
	}
	return decodeMovement(r)
}

// Consent is a party's answer to a movement, as recorded.
type Consent struct {
	ID              string          `json:"id"`
	Movement        string          `json:"movement"`
	MovementVersion int             `json:"movement_version"`
	Party           string          `json:"party"`
	Decision        access.Decision `json:"decision"`
	Conditions      string          `json:"conditions,omitempty"`
	Reason          string          `json:"reason,omitempty"`
	CreatedAt       time.Time       `json:"created_at"`
}

func consentID(movement, party string) string { return "consent:" + movement + ":" + party }

// ConsentMovement records a required party's answer (itself, never the
// coordinator on its behalf): approve with conditions, or deny with a
// reason, once, while the movement is requested. It first acknowledges the
// version answered; the answer that decides the movement (a denial, or the
// last approval) writes its next version, approved or denied.
func (m *Mechanism) ConsentMovement(ctx context.Context, req Request, id string, in access.ConsentInput) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleParty, concord.RoleCoordinator); err != nil {
		return Result{}, err
	}
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		mv, err := wt.movement(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := wt.mayAnswer(ctx, mv); err != nil {
			return nil, err
		}
		if _, _, err := wt.ack(ctx, movementSubject(mv), "consent"); err != nil {
			return nil, err
		}
		c := Consent{ID: consentID(mv.ID, req.Actor.Party), Movement: mv.ID, MovementVersion: mv.Version, Party: req.Actor.Party,
			Decision: in.Decision, Conditions: in.Conditions, Reason: in.Reason, CreatedAt: wt.now}
		r := &store.Record{Type: "consent", ID: c.ID, Version: 1, Owner: c.Party, Kind: mv.ID, Status: string(c.Decision)}
		if err := wt.put(ctx, r, "movement.consent", c); err != nil {
			return nil, err
		}
		mv, err = wt.decideMovement(ctx, mv)
		return map[string]any{"consent": c, "movement": mv}, err
	})
}

func (wt *writeTx) mayAnswer(ctx context.Context, mv access.Movement) error {
	party := wt.req.Actor.Party
	switch {
	case !mv.Requires(party):
		return concord.Errorf(concord.EFORBIDDEN, "movement %s does not require the consent of %s", mv.ID, party)
	case mv.State != access.Requested:
		return concord.Errorf(concord.ECONFLICT, "movement %s is %s: it takes no more answers", mv.ID, mv.State)
	}
	if _, err := wt.Get(ctx, consentID(mv.ID, party)); err == nil {
		return concord.Errorf(concord.ECONFLICT, "%s has already answered movement %s", party, mv.ID)
	}
	return nil
}

// decideMovement writes the movement's next version if the answers given
// so far decide it.
func (wt *writeTx) decideMovement(ctx context.Context, mv access.Movement) (access.Movement, error) {
	var answers []access.Answer
	for _, p := range mv.RequiredConsents {
		r, err := wt.Get(ctx, consentID(mv.ID, p))
		if err != nil {
			continue
		}
		var c Consent
		if err := json.Unmarshal(r.Body, &c); err != nil {
			return mv, err
		}
		answers = append(answers, access.Answer{Party: p, Decision: c.Decision, Conditions: c.Conditions, Reason: c.Reason, At: c.CreatedAt})
	}
	next, ok := mv.Decided(answers, wt.now)
	if !ok {
		return mv, nil
	}
	return next, wt.put(ctx, movementRecord(next), "movement."+string(next.State), next)
}

// Consents lists the answers to a movement that a may see in full.
func (m *Mechanism) Consents(ctx context.Context, a concord.Actor, id string) ([]Consent, error) {
	rs, err := m.listAll(ctx, store.Query{Type: "consent", Kinds: []string{id}})
	if err != nil {
		return nil, err
	}
	out := []Consent{}
	for _, r := range rs {
		if !m.seesInFull(a, r) {
			continue
		}
		var c Consent
		if err := json.Unmarshal(r.Body, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// MovementStatus records a state change reported by the movement's owner
// (access.Movement.Apply: an illegal change is ECONFLICT and writes
// nothing). A movement that ends (delivered, cancelled) resolves its open
// movement alerts.
func (m *Mechanism) MovementStatus(ctx context.Context, req Request, id string, in access.StatusInput) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleHumanitarian); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		mv, err := wt.movement(ctx, id)
		if err != nil {
			return nil, err
		}
		if mv.Owner != req.Actor.Party {
			return nil, concord.Errorf(concord.EFORBIDDEN, "only the movement's owner reports its state")
		}
		next, err := mv.Apply(in, wt.now)
		if err != nil {
			return nil, err
		}
		return map[string]any{"movement": next}, wt.put(ctx, movementRecord(next), "movement.status", next)
	})
}

// AckMovement records an armed party's acknowledgement of a movement at its
// current version (version, if given, must be it). Any armed party may
// acknowledge a movement it may see, even coarse.
func (m *Mechanism) AckMovement(ctx context.Context, req Request, id string, version *int) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleParty); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		mv, err := wt.movement(ctx, id)
		if err != nil {
			return nil, err
		}
		if !mv.State.Moving() {
			return nil, concord.Errorf(concord.ECONFLICT, "movement %s is %s", id, mv.State)
		}
		if err := checkVersion(version, mv.Version); err != nil {
			return nil, err
		}
		a, _, err := wt.ack(ctx, movementSubject(mv), "")
		return map[string]any{"ack": a, "movement": m.movementView(req.Actor, mv)}, err
	})
}

// MovementPosition takes a live position of a convoy: a track reported by
// an aid organisation whose track ID is a movement's ID (ENOTFOUND if it
// is none; EFORBIDDEN if the movement is another party's). While the
// movement is approved and not over, leaving its corridor or its window
// raises a movement alert (journaled, as the system) to its owner, the
// coordinator and the parties whose consent it required; coming back
// inside both resolves it. Positions of a movement not yet approved, or
// over, are ignored.
func (m *Mechanism) MovementPosition(ctx context.Context, party string, trackID string, lat, lon float64, t time.Time) error {
	r, err := m.store.Get(ctx, trackID)
	if err != nil || r.Type != "movement" {
		return concord.Errorf(concord.ENOTFOUND, "no movement %q", trackID)
	}
	mv, err := decodeMovement(r)
	if err != nil {
		return err
	}
	if mv.Owner != party {
		return concord.Errorf(concord.EFORBIDDEN, "movement %s is not %s's", mv.ID, party)
	}
	pos := geo.Position{lon, lat}
	if err := pos.Validate(); err != nil {
		return err
	}
	if mv.State == access.Requested || !mv.State.Moving() {
		return nil
	}
	corridor, err := mv.Corridor()
	if err != nil {
		return err
	}
	d := mv.Check(corridor, pos, t.UTC().Truncate(time.Millisecond))
	open, err := m.openMovementAlert(ctx, mv)
	switch {
	case err != nil:
		return err
	case d.Deviates() && open == nil:
		return m.raiseDeviation(ctx, mv, d, pos, t)
	case !d.Deviates() && open != nil:
		return m.resolveDeviation(ctx, open.ID)
	}
	return nil
}

func (m *Mechanism) openMovementAlert(ctx context.Context, mv access.Movement) (*Alert, error) {
	rs, err := m.listAll(ctx, store.Query{Type: "alert", Kinds: []string{AlertMovement}, Statuses: []string{AlertOpen, AlertAcknowledged}})
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		al, err := decodeAlert(r)
		if err != nil {
			return nil, err
		}
		if al.Subject != nil && al.Subject.ID == mv.ID && al.EndedAt == nil {
			return &al, nil
		}
	}
	return nil, nil
}

func (m *Mechanism) raiseDeviation(ctx context.Context, mv access.Movement, d access.Deviation, pos geo.Position, t time.Time) error {
	_, err := m.write(ctx, Request{Actor: systemActor}, true, func(ctx context.Context, wt *writeTx) (any, error) {
		cell := s2.CellIDFromLatLng(pos.LatLng()).Parent(m.level).ToToken()
		coarse := protection.Coarse{Subject: protection.CoarseSubject{Type: protection.SubjectMovement, ID: mv.ID, Version: mv.Version, Kind: "movement"},
			CellLevel: m.level, Cells: []string{cell}, Window: protection.Window{Start: t.UTC()}, FloorFt: zones.MinAltitudeFt, CeilingFt: zones.DefaultCeilingFt}
		al := wt.newAlert(AlertMovement, uniqueSorted(append([]string{mv.Owner}, mv.RequiredConsents...)...),
			&Subject{Type: "movement", ID: mv.ID},
			alertDetail{FullTo: mv.Owner, Coarse: coarse, Deviation: &d, Position: &positionReport{Lat: pos.Lat(), Lon: pos.Lon(), Time: t.UTC()}})
		return nil, wt.putAlert(ctx, al, "alert.movement")
	})
	return err
}

func (m *Mechanism) resolveDeviation(ctx context.Context, id string) error {
	_, err := m.write(ctx, Request{Actor: systemActor}, false, func(ctx context.Context, wt *writeTx) (any, error) {
		r, err := wt.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		al, err := decodeAlert(r)
		if err != nil || al.EndedAt != nil {
			return nil, err
		}
		al.State, al.EndedAt = AlertResolved, &wt.now
		return nil, wt.putAlert(ctx, &al, "alert.resolve")
	})
	return err
}

// AccessFigures returns the access figures of one besieged area, or of
// every besieged area that has movements when area is "" (access.Compute).
func (m *Mechanism) AccessFigures(ctx context.Context, a concord.Actor, area string) ([]access.Figures, error) {
	if err := readZones(a); err != nil {
		return nil, err
	}
	q := store.Query{Type: "movement"}
	if area != "" {
		if err := m.checkArea(ctx, area); err != nil {
			return nil, err
		}
		q.Kinds = []string{area}
	}
	rs, err := m.listAll(ctx, q)
	if err != nil {
		return nil, err
	}
	byArea := map[string][]access.Movement{}
	for _, r := range rs {
		mv, err := decodeMovement(r)
		if err != nil {
			return nil, err
		}
		byArea[mv.Destination] = append(byArea[mv.Destination], mv)
	}
	if area != "" {
		return []access.Figures{access.Compute(area, byArea[area])}, nil
	}
	out := []access.Figures{}
	for _, id := range slices.Sorted(maps.Keys(byArea)) {
		out = append(out, access.Compute(id, byArea[id]))
	}
	return out, nil
}

func (m *Mechanism) checkArea(ctx context.Context, id string) error {
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "zone" || r.Kind != string(zones.BesiegedArea) {
		return concord.Invalid("area", "%q is not a besieged-area zone", id)
	}
	return nil
}
