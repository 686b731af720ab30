package mechanism

// Protection (issue 4; SPEC §1–§3): the notification of protected sites and
// safe zones and its expiry, armed parties' acknowledgements, operation
// notices with proof of awareness, and protection alerts. Records:
//
//   - "ack": an armed party's acknowledgement of one version of a protected
//     site, safe zone or movement (protection.AckID: "ack:<party>:<subject>:
//     <version>", written once). Owner is the party; Kind is the subject's
//     ID, so that a subject's acknowledgements are one look-up. Seen in full
//     by the party, the subject's owner and the coordinator.
//   - "operation": an operation notice (protection.Notice), ID "op_…", Owner
//     the party, Kind the operation kind, Status active or withdrawn, Start
//     and End its window, Cells the index cells of its volumes. Seen in full
//     by the party and the coordinator only.
//   - "alert" of kind protection (alerts.go), one per conflict of an
//     accepted notice, written as the system in the notice's transaction.
//
// Notification and expiry: a protected site or safe zone is notified to the
// armed parties (its applies_to parties, or all of them) by each version its
// owner writes while it is active: its creation, and each re-confirmation
// (POST /v1/zones/{id}/confirm, a new version). With Config.ReconfirmEvery
// set, the notification expires that long after the current version's
// updated_at: an expired site is no longer checked against notices nor
// listed to acknowledge, and shows expired (with when) in its notification
// (GET /v1/zones/{id}/notification). Its zone stays active — history is not
// rewritten by the passing of time — and re-confirming revives it as a new
// version, which parties must acknowledge anew.

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"concord"
	"concord/internal/access"
	"concord/internal/protection"
	"concord/internal/store"
	"concord/internal/zones"
)

func init() {
	registerType("ack", RecordType{InFull: func(m *Mechanism, a concord.Actor, r store.Record) bool {
		return a.Owns(r.Owner) || m.ownerOf(r.Kind) == a.Party
	}})
	registerType("operation", RecordType{}) // its party and the coordinator
	kindAlertViews[AlertProtection] = protectionAlertView
	kindAlertViews[AlertMovement] = protectionAlertView
}

// ownerOf returns the owner of record id, or "" (for visibility checks,
// which have no request context).
func (m *Mechanism) ownerOf(id string) string {
	r, err := m.store.Get(context.Background(), id)
	if err != nil {
		return ""
	}
	return r.Owner
}

// Ack is an acknowledgement: proof that a party received the notification
// of one version of a subject.
type Ack struct {
	ID             string         `json:"id"`
	Party          string         `json:"party"`
	Subject        protection.Ref `json:"subject"`
	Kind           string         `json:"kind"`          // the subject's kind: protected-site, safe-zone, movement
	Via            string         `json:"via,omitempty"` // "consent" when written with the party's consent
	AcknowledgedAt time.Time      `json:"acknowledged_at"`
}

// ack records party's acknowledgement of subject (at its current version)
// unless it exists; it returns the acknowledgement and its journal leaf.
func (wt *writeTx) ack(ctx context.Context, s protection.Subject, via string) (Ack, int64, error) {
	id := protection.AckID(wt.req.Actor.Party, s.Ref())
	if r, err := wt.Get(ctx, id); err == nil {
		var a Ack
		return a, r.Leaf, json.Unmarshal(r.Body, &a)
	}
	a := Ack{ID: id, Party: wt.req.Actor.Party, Subject: s.Ref(), Kind: s.Kind, Via: via, AcknowledgedAt: wt.now}
	r := &store.Record{Type: "ack", ID: id, Version: 1, Owner: a.Party, Kind: s.ID, Status: "active"}
	if err := wt.put(ctx, r, string(s.Type)+".ack", a); err != nil {
		return a, 0, err
	}
	return a, r.Leaf, nil
}

// notifiedZone loads an active protected site or safe zone as a subject.
func (wt *writeTx) notifiedZone(ctx context.Context, id string) (zones.Zone, error) {
	r, err := wt.Get(ctx, id)
	if err != nil || r.Type != "zone" {
		return zones.Zone{}, concord.Errorf(concord.ENOTFOUND, "no zone %q", id)
	}
	z, err := decodeZone(r)
	switch {
	case err != nil:
		return z, err
	case !z.Kind.Sensitive():
		return z, concord.Errorf(concord.ECONFLICT, "zone %s is a %s zone: only protected sites and safe zones are notified", id, z.Kind)
	case z.Status != zones.Active:
		return z, concord.Errorf(concord.ECONFLICT, "zone %s is %s", id, z.Status)
	}
	return z, nil
}

func zoneSubject(z zones.Zone) protection.Subject {
	return protection.Subject{Type: protection.SubjectZone, ID: z.ID, Version: z.Version, Owner: z.Owner,
		Kind: string(z.Kind), SiteType: z.SiteType, Volumes: z.Volumes}
}

// checkVersion refuses an acknowledgement of another version than the
// current one (0: the current one): a party acknowledges what it is shown.
func checkVersion(want *int, current int) error {
	if want != nil && *want != current {
		return &concord.Error{Code: concord.ECONFLICT, Field: "version",
			Message: "version " + strconv.Itoa(*want) + " is not the current version " + strconv.Itoa(current) + ": acknowledge what you are shown now"}
	}
	return nil
}

// AckZone records an armed party's acknowledgement of a protected site or
// safe zone at its current version (version, if given, must be it). An
// acknowledgement already recorded is answered again, writing nothing.
func (m *Mechanism) AckZone(ctx context.Context, req Request, id string, version *int) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleParty); err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		z, err := wt.notifiedZone(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := checkVersion(version, z.Version); err != nil {
			return nil, err
		}
		a, _, err := wt.ack(ctx, zoneSubject(z), "")
		return map[string]any{"ack": a, "zone": m.zoneView(req.Actor, z)}, err
	})
}

// Notification is the state of a site's notification: when its owner last
// confirmed it, when it expires, and who acknowledged which version.
type Notification struct {
	Zone             string         `json:"zone"`
	Version          int            `json:"version"`
	Kind             zones.Kind     `json:"kind"`
	SiteType         zones.SiteType `json:"site_type,omitempty"`
	ConfirmedAt      time.Time      `json:"confirmed_at"`
	ExpiresAt        *time.Time     `json:"expires_at,omitempty"` // absent: never
	Expired          bool           `json:"expired"`
	Acknowledged     bool           `json:"acknowledged"` // (for an armed party) its acknowledgement of this version
	Acknowledgements []Ack          `json:"acknowledgements"`
	Pending          []string       `json:"pending,omitempty"` // armed parties notified that have not acknowledged this version
}

func (m *Mechanism) expiresAt(z zones.Zone) *time.Time {
	if m.cfg.ReconfirmEvery <= 0 {
		return nil
	}
	t := z.UpdatedAt.Add(m.cfg.ReconfirmEvery)
	return &t
}

// expired reports whether z's notification has expired at now.
func (m *Mechanism) expired(z zones.Zone, now time.Time) bool {
	e := m.expiresAt(z)
	return e != nil && !now.Before(*e)
}

// ConfirmZone re-confirms a protected site or safe zone: its owner (or the
// coordinator) writes a new version, which notifies it anew and restarts
// its expiry.
func (m *Mechanism) ConfirmZone(ctx context.Context, req Request, id string) (Result, error) {
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		z, err := wt.activeZone(ctx, id)
		if err != nil {
			return nil, err
		}
		if !z.Kind.Sensitive() {
			return nil, concord.Errorf(concord.ECONFLICT, "zone %s is a %s zone: only protected sites and safe zones are confirmed", id, z.Kind)
		}
		z.Version++
		z.UpdatedAt = wt.now
		if err := wt.put(ctx, zoneRecord(z), "zone.confirm", z); err != nil {
			return nil, err
		}
		return map[string]any{"zone": m.zoneView(req.Actor, z), "notification": m.notification(z, nil, wt.now)}, nil
	})
}

func (m *Mechanism) notification(z zones.Zone, acks []Ack, now time.Time) Notification {
	if acks == nil {
		acks = []Ack{}
	}
	return Notification{Zone: z.ID, Version: z.Version, Kind: z.Kind, SiteType: z.SiteType, ConfirmedAt: z.UpdatedAt,
		ExpiresAt: m.expiresAt(z), Expired: m.expired(z, now), Acknowledgements: acks}
}

// ZoneNotification returns the notification of a protected site or safe
// zone as a may see it: its owner, the coordinator and observers see every
// acknowledgement and the armed parties still to acknowledge; an armed
// party sees its own acknowledgements.
func (m *Mechanism) ZoneNotification(ctx context.Context, a concord.Actor, id string) (Notification, error) {
	if err := readZones(a); err != nil {
		return Notification{}, err
	}
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "zone" {
		return Notification{}, concord.Errorf(concord.ENOTFOUND, "no zone %q", id)
	}
	z, err := decodeZone(r)
	if err != nil || !z.Kind.Sensitive() {
		return Notification{}, concord.Errorf(concord.ENOTFOUND, "zone %s is not a protected site or safe zone: it has no notification", id)
	}
	acks, err := m.acksOf(ctx, id)
	if err != nil {
		return Notification{}, err
	}
	n := m.notification(z, nil, m.clock.Now())
	full := m.zoneInFull(a, z.Kind, z.Owner)
	for _, k := range acks {
		if full || k.Party == a.Party {
			n.Acknowledgements = append(n.Acknowledgements, k)
		}
		n.Acknowledged = n.Acknowledged || k.Party == a.Party && k.Subject.Version == z.Version
	}
	if full {
		n.Pending, err = m.pending(ctx, z, acks)
	}
	return n, err
}

func (m *Mechanism) acksOf(ctx context.Context, subject string) ([]Ack, error) {
	rs, err := m.listAll(ctx, store.Query{Type: "ack", Kinds: []string{subject}})
	if err != nil {
		return nil, err
	}
	out := make([]Ack, 0, len(rs))
	for _, r := range rs {
		var a Ack
		if err := json.Unmarshal(r.Body, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y Ack) int { return x.AcknowledgedAt.Compare(y.AcknowledgedAt) })
	return out, nil
}

// pending lists the armed parties z is notified to that have not
// acknowledged its current version.
func (m *Mechanism) pending(ctx context.Context, z zones.Zone, acks []Ack) ([]string, error) {
	parties, err := m.Parties(ctx, concord.Actor{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range parties {
		if p.Role != concord.RoleParty || !notifiedTo(z, p.ID) {
			continue
		}
		if !slices.ContainsFunc(acks, func(k Ack) bool { return k.Party == p.ID && k.Subject.Version == z.Version }) {
			out = append(out, p.ID)
		}
	}
	return out, nil
}

// notifiedTo reports whether z is notified to party: it applies to every
// party, or names it.
func notifiedTo(z zones.Zone, party string) bool {
	return len(z.AppliesTo) == 0 || slices.Contains(z.AppliesTo, party)
}

var notifiedKinds = []string{string(zones.ProtectedSite), string(zones.SafeZone)}

// Unacknowledged lists, as coarse covers, the protected sites and safe
// zones notified to an armed party whose current version it has not
// acknowledged, leaving out expired notifications.
func (m *Mechanism) Unacknowledged(ctx context.Context, a concord.Actor) ([]zones.CoarseZone, error) {
	if err := requireRole(a, concord.RoleParty); err != nil {
		return nil, err
	}
	rs, err := m.listAll(ctx, store.Query{Type: "zone", Kinds: notifiedKinds, Statuses: []string{string(zones.Active)}})
	if err != nil {
		return nil, err
	}
	acked, err := m.ackedBy(ctx, a.Party)
	if err != nil {
		return nil, err
	}
	now := m.clock.Now()
	out := []zones.CoarseZone{}
	for _, r := range rs {
		z, err := decodeZone(r)
		if err != nil {
			return nil, err
		}
		if notifiedTo(z, a.Party) && !m.expired(z, now) && !acked[protection.AckID(a.Party, zoneSubject(z).Ref())] {
			out = append(out, zones.Coarse(z, m.level))
		}
	}
	return out, nil
}

func (m *Mechanism) ackedBy(ctx context.Context, party string) (map[string]bool, error) {
	rs, err := m.listAll(ctx, store.Query{Type: "ack", Owner: party})
	out := map[string]bool{}
	for _, r := range rs {
		out[r.ID] = true
	}
	return out, err
}

// AwarenessError refuses a notice that overlaps sites or movements the
// party has not acknowledged (ECONFLICT): its problem document lists them,
// coarsely, under "unacknowledged".
type AwarenessError struct {
	Err            *concord.Error
	Unacknowledged []protection.Coarse
}

func (e *AwarenessError) Error() string { return e.Err.Error() }
func (e *AwarenessError) Unwrap() error { return e.Err }

// ProblemExtensions are the members added to the problem document (RFC 9457 §3.2).
func (e *AwarenessError) ProblemExtensions() map[string]any {
	return map[string]any{"unacknowledged": e.Unacknowledged}
}

func awarenessError(party string, missing []protection.Coarse) error {
	return &AwarenessError{Unacknowledged: missing, Err: &concord.Error{Code: concord.ECONFLICT, Field: "volumes",
		Message: "the notice overlaps " + strconv.Itoa(len(missing)) + " protected site(s), safe zone(s) or movement(s) that party " + party +
			" has not acknowledged; acknowledge each (POST /v1/zones/{id}/ack or /v1/movements/{id}/ack) and submit the notice again"}}
}

// CreateOperation files an armed party's operation notice. It is checked
// against the protected sites and safe zones whose notification has not
// expired, the movements that may be on the road, and other parties'
// active notices (protection.Check, against their coarse covers). A notice
// that overlaps a site or movement whose current version the party has not
// acknowledged is refused (AwarenessError, nothing written) — or, with
// Config.AwarenessWarnOnly, accepted with the subjects listed under
// "unacknowledged". An accepted notice records the acknowledgements it
// relied on, and each conflict raises a protection alert: in full to the
// site's or movement's owner and the coordinator, coarse to the party.
func (m *Mechanism) CreateOperation(ctx context.Context, req Request, in protection.Input) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleParty); err != nil {
		return Result{}, err
	}
	if err := in.Validate(m.clock.Now()); err != nil {
		return Result{}, err
	}
	subjects, err := m.subjectsNear(ctx, req.Actor.Party, in.Volumes)
	if err != nil {
		return Result{}, err
	}
	conflicts, err := protection.Check(in.Volumes, subjects, m.level)
	if err != nil {
		return Result{}, err
	}
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		n := protection.Notice{ID: newID("op", wt.now), Version: 1, Party: req.Actor.Party, Kind: in.Kind, Volumes: in.Volumes,
			Purpose: in.Purpose, Status: protection.Active, Conflicts: []protection.Coarse{}, CreatedAt: wt.now, UpdatedAt: wt.now}
		if err := wt.awareness(ctx, &n, conflicts); err != nil {
			return nil, err
		}
		alerts := wt.protectionAlerts(n, conflicts)
		for _, al := range alerts {
			n.Alerts = append(n.Alerts, al.ID)
		}
		if err := wt.put(ctx, operationRecord(n), "operation.create", n); err != nil {
			return nil, err
		}
		if err := wt.putSystemAlerts(ctx, alerts, "alert.protection"); err != nil {
			return nil, err
		}
		return map[string]any{"operation": n}, nil
	})
}

// awareness applies the rule of proof of awareness to n's conflicts at the
// subjects' current versions, recording in n the acknowledgements relied on
// (and, where refusal is only a warning, what was not acknowledged).
func (wt *writeTx) awareness(ctx context.Context, n *protection.Notice, cs []protection.Conflict) error {
	var missing []protection.Coarse
	for i := range cs {
		if r, err := wt.Get(ctx, cs[i].Subject.ID); err == nil {
			cs[i].Subject.Version = r.Version // acknowledge what is current now
		}
		c := cs[i].Coarse()
		n.Conflicts = append(n.Conflicts, c)
		if !cs[i].Subject.Notified() {
			continue
		}
		ref := cs[i].Subject.Ref()
		ack, err := wt.Get(ctx, protection.AckID(n.Party, ref))
		if err != nil {
			missing = append(missing, c)
			n.Unacknowledged = append(n.Unacknowledged, ref)
			continue
		}
		n.Awareness = append(n.Awareness, protection.Awareness{Subject: ref, Ack: ack.ID, Leaf: ack.Leaf})
	}
	if len(missing) > 0 && !wt.m.cfg.AwarenessWarnOnly {
		return awarenessError(n.Party, missing)
	}
	return nil
}

func operationRecord(n protection.Notice) *store.Record {
	start, end := n.Window()
	return &store.Record{Type: "operation", ID: n.ID, Version: n.Version, Owner: n.Party, Kind: string(n.Kind),
		Status: string(n.Status), Start: start, End: &end, Cells: zones.IndexCells(zones.Zone{Volumes: n.Volumes})}
}

// subjectsNear loads what a notice by party with volumes may conflict with:
// the records whose index cells meet the notice's query cells and whose
// window overlaps the notice's.
func (m *Mechanism) subjectsNear(ctx context.Context, party string, vols []zones.Volume) ([]protection.Subject, error) {
	cells, err := protection.QueryCells(vols, m.level)
	if err != nil {
		return nil, err
	}
	n := protection.Notice{Volumes: vols}
	from, to := n.Window()
	near := store.Query{Cells: cellFilters(cells), From: from, To: to}
	var out []protection.Subject
	for _, load := range []func(context.Context, store.Query, string) ([]protection.Subject, error){
		m.sitesNear, m.movementsNear, m.operationsNear,
	} {
		ss, err := load(ctx, near, party)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

func (m *Mechanism) sitesNear(ctx context.Context, q store.Query, _ string) ([]protection.Subject, error) {
	q.Type, q.Kinds, q.Statuses = "zone", notifiedKinds, []string{string(zones.Active)}
	rs, err := m.listAll(ctx, q)
	if err != nil {
		return nil, err
	}
	now := m.clock.Now()
	var out []protection.Subject
	for _, r := range rs {
		z, err := decodeZone(r)
		if err != nil {
			return nil, err
		}
		if !m.expired(z, now) {
			out = append(out, zoneSubject(z))
		}
	}
	return out, nil
}

func (m *Mechanism) movementsNear(ctx context.Context, q store.Query, _ string) ([]protection.Subject, error) {
	q.Type, q.Statuses = "movement", movingStates
	rs, err := m.listAll(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]protection.Subject, 0, len(rs))
	for _, r := range rs {
		mv, err := decodeMovement(r)
		if err != nil {
			return nil, err
		}
		out = append(out, movementSubject(mv))
	}
	return out, nil
}

func (m *Mechanism) operationsNear(ctx context.Context, q store.Query, party string) ([]protection.Subject, error) {
	q.Type, q.Statuses = "operation", []string{string(protection.Active)}
	rs, err := m.listAll(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []protection.Subject
	for _, r := range rs {
		if r.Owner == party {
			continue
		}
		n, err := decodeNotice(r)
		if err != nil {
			return nil, err
		}
		out = append(out, protection.Subject{Type: protection.SubjectOperation, ID: n.ID, Version: n.Version,
			Owner: n.Party, Kind: string(n.Kind), Volumes: n.Volumes})
	}
	return out, nil
}

func decodeNotice(r store.Record) (protection.Notice, error) {
	var n protection.Notice
	err := json.Unmarshal(r.Body, &n)
	return n, err
}

// Operations lists notices: an armed party its own, the coordinator all.
func (m *Mechanism) Operations(ctx context.Context, a concord.Actor) ([]protection.Notice, error) {
	q := store.Query{Type: "operation"}
	switch a.Role {
	case concord.RoleParty:
		q.Owner = a.Party
	case concord.RoleCoordinator:
	default:
		return nil, concord.Errorf(concord.EFORBIDDEN, "operation notices go to the coordinator; the %s role may not list them", a.Role)
	}
	rs, err := m.listAll(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]protection.Notice, 0, len(rs))
	for _, r := range rs {
		n, err := decodeNotice(r)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// Operation returns one notice to its party or the coordinator; to anyone
// else it does not exist.
func (m *Mechanism) Operation(ctx context.Context, a concord.Actor, id string) (protection.Notice, error) {
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "operation" || !m.seesInFull(a, r) {
		return protection.Notice{}, concord.Errorf(concord.ENOTFOUND, "no operation %q", id)
	}
	return decodeNotice(r)
}

// WithdrawOperation withdraws an active notice (its party or the
// coordinator); later notices are no longer checked against it.
func (m *Mechanism) WithdrawOperation(ctx context.Context, req Request, id string) (Result, error) {
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		r, err := wt.Get(ctx, id)
		if err != nil || r.Type != "operation" || !req.Actor.Owns(r.Owner) {
			return nil, concord.Errorf(concord.ENOTFOUND, "no operation %q", id)
		}
		n, err := decodeNotice(r)
		if err != nil {
			return nil, err
		}
		if n.Status != protection.Active {
			return nil, concord.Errorf(concord.ECONFLICT, "operation %s is %s", id, n.Status)
		}
		n.Version++
		n.Status, n.UpdatedAt = protection.Withdrawn, wt.now
		return map[string]any{"operation": n}, wt.put(ctx, operationRecord(n), "operation.withdraw", n)
	})
}

// alertDetail is the Detail of protection and movement alerts: what the
// involved armed parties may see (Coarse), and what only the coordinator
// and FullTo — the owner of the site or movement — see.
type alertDetail struct {
	FullTo    string            `json:"full_to,omitempty"`
	Coarse    protection.Coarse `json:"coarse"`
	Conflict  *protection.Full  `json:"conflict,omitempty"`  // protection alerts
	Deviation *access.Deviation `json:"deviation,omitempty"` // movement alerts
	Position  *positionReport   `json:"position,omitempty"`  // movement alerts
}

// positionReport is the convoy position that raised a movement alert.
type positionReport struct {
	Lat  float64   `json:"lat"`
	Lon  float64   `json:"lon"`
	Time time.Time `json:"time"`
}

// CoarseAlert is what an involved party sees of a protection or movement
// alert that it may not see in full: the subject's kind, the cells, the
// window and band; no coordinate, no owner, nothing about the exact
// footprint.
type CoarseAlert struct {
	ID        string                   `json:"id"`
	Version   int                      `json:"version"`
	Kind      string                   `json:"kind"`
	State     string                   `json:"state"`
	Coarse    bool                     `json:"coarse"` // always true
	Parties   []string                 `json:"parties"`
	Acks      map[string]time.Time     `json:"acks,omitempty"`
	Deadline  time.Time                `json:"ack_deadline"`
	Subject   protection.CoarseSubject `json:"subject"`
	Window    protection.Window        `json:"window"`
	CellLevel int                      `json:"cell_level"`
	Cells     []string                 `json:"cells"`
	FloorFt   float64                  `json:"floor_ft"`
	CeilingFt float64                  `json:"ceiling_ft"`
	Reasons   []string                 `json:"reasons,omitempty"`   // movement alerts
	Operation string                   `json:"operation,omitempty"` // the viewer's own notice that raised it
	CreatedAt time.Time                `json:"created_at"`
	UpdatedAt time.Time                `json:"updated_at"`
	EndedAt   *time.Time               `json:"ended_at,omitempty"`
}

// protectionAlertView shapes protection and movement alerts (registered in
// kindAlertViews; the coordinator sees every alert in full before it is
// asked): the owner of the site or movement sees the alert in full; the
// other involved parties see it coarse, without the owner among the
// parties; anyone else sees nothing.
func protectionAlertView(m *Mechanism, a concord.Actor, al Alert) (any, bool) {
	var d alertDetail
	if json.Unmarshal(al.Detail, &d) != nil {
		return nil, false
	}
	switch {
	case protectionAlertInFull(a, al):
		return al, true
	case al.involves(a.Party):
		return coarseAlert(a, al, d), true
	}
	return nil, false
}

// protectionAlertInFull reports whether a may see a protection or movement
// alert in full, and so be given its salt: the coordinator, and the owner of
// the site or movement. (alerts.go's InFull for "alert" records should
// consult it, so that the owner's evidence bundles carry these alerts.)
func protectionAlertInFull(a concord.Actor, al Alert) bool {
	var d alertDetail
	return a.Role == concord.RoleCoordinator || json.Unmarshal(al.Detail, &d) == nil && d.FullTo != "" && d.FullTo == a.Party
}

func coarseAlert(a concord.Actor, al Alert, d alertDetail) CoarseAlert {
	c := CoarseAlert{ID: al.ID, Version: al.Version, Kind: al.Kind, State: al.State, Coarse: true, Deadline: al.Deadline,
		Subject: d.Coarse.Subject, Window: d.Coarse.Window, CellLevel: d.Coarse.CellLevel, Cells: d.Coarse.Cells,
		FloorFt: d.Coarse.FloorFt, CeilingFt: d.Coarse.CeilingFt, CreatedAt: al.CreatedAt, UpdatedAt: al.UpdatedAt, EndedAt: al.EndedAt}
	for _, p := range al.Parties {
		if p != d.FullTo {
			c.Parties = append(c.Parties, p)
		}
	}
	for p, t := range al.Acks {
		if p != d.FullTo {
			if c.Acks == nil {
				c.Acks = map[string]time.Time{}
			}
			c.Acks[p] = t
		}
	}
	if d.Deviation != nil {
		c.Reasons = d.Deviation.Reasons()
	}
	if d.Conflict != nil && d.Conflict.Party == a.Party {
		c.Operation = d.Conflict.Operation
	}
	return c
}

// protectionAlerts returns one alert per conflict of notice n: its
// parties are n's and the subject's owner's.
func (wt *writeTx) protectionAlerts(n protection.Notice, cs []protection.Conflict) []*Alert {
	var out []*Alert
	for _, k := range cs {
		full := k.Full(n)
		d := alertDetail{Coarse: full.Coarse, Conflict: &full}
		if k.Subject.Type != protection.SubjectOperation {
			d.FullTo = k.Subject.Owner // another party's notice is not shown to its party in full
		}
		out = append(out, wt.newAlert(AlertProtection, uniqueSorted(n.Party, k.Subject.Owner),
			&Subject{Type: string(k.Subject.Type), ID: k.Subject.ID}, d))
	}
	return out
}

func (wt *writeTx) newAlert(kind string, parties []string, subject *Subject, d alertDetail) *Alert {
	detail, _ := json.Marshal(d) // plain data: cannot fail
	return &Alert{ID: newID("al", wt.now), Kind: kind, State: AlertOpen, Parties: parties, Subject: subject,
		Detail: detail, Cells: d.Coarse.Cells, Deadline: wt.now.Add(wt.m.ackDeadline())}
}

// putSystemAlerts writes alerts as concord itself (journal actor "system",
// unsigned), within the transaction of the request that raised them.
func (wt *writeTx) putSystemAlerts(ctx context.Context, alerts []*Alert, leafKind string) error {
	saved := wt.req
	wt.req = Request{Actor: systemActor}
	defer func() { wt.req = saved }()
	for _, al := range alerts {
		if err := wt.putAlert(ctx, al, leafKind); err != nil {
			return err
		}
	}
	return nil
}

// Bundle assembles the evidence bundle (protection.Bundle) of a movement,
// a site (protected site or safe zone) or an operation, for caller a: every
// version of the subject; its acknowledgements, consents and alerts (every
// version); the operation notices those alerts name — or, for an operation,
// its alerts, the acknowledgements it relied on and the subject versions it
// conflicted with. Each is included with its leaf and inclusion proof in the
// latest checkpoint; its body and salt only if a may see it in full. An
// operation's bundle is for its party and the coordinator only.
func (m *Mechanism) Bundle(ctx context.Context, a concord.Actor, typ, id string) (protection.Bundle, error) {
	if err := readZones(a); err != nil {
		return protection.Bundle{}, err
	}
	recs, err := m.bundleRecords(ctx, a, typ, id)
	if err != nil {
		return protection.Bundle{}, err
	}
	size, cp, err := m.Integrate(ctx)
	if err != nil {
		return protection.Bundle{}, err
	}
	b := protection.Bundle{Format: protection.BundleFormat, Subject: protection.BundleSubject{Type: typ, ID: id},
		For: a.Party, CreatedAt: m.clock.Now().UTC().Truncate(time.Millisecond), LogKey: m.vkey, Checkpoint: string(cp),
		Entries: []protection.Entry{}}
	slices.SortFunc(recs, func(x, y store.Record) int { return cmp.Compare(x.Leaf, y.Leaf) })
	recs = slices.CompactFunc(recs, func(x, y store.Record) bool { return x.Leaf == y.Leaf })
	for _, r := range recs {
		if r.Leaf >= size {
			continue
		}
		e, err := m.bundleEntry(ctx, a, r, size)
		if err != nil {
			return b, err
		}
		b.Entries = append(b.Entries, e)
	}
	return b, nil
}

func (m *Mechanism) bundleEntry(ctx context.Context, a concord.Actor, r store.Record, size int64) (protection.Entry, error) {
	ls, err := m.store.Leaves(ctx, r.Leaf, r.Leaf+1)
	if err != nil || len(ls) != 1 {
		return protection.Entry{}, concord.Errorf(concord.EINTERNAL, "leaf %d of record %s: %v", r.Leaf, r.ID, err)
	}
	proof, err := m.InclusionProof(ctx, r.Leaf, size)
	if err != nil {
		return protection.Entry{}, err
	}
	e := protection.Entry{Index: r.Leaf, Leaf: string(ls[0].Data), LeafHash: b64(ls[0].Hash[:]), Proof: proof}
	if m.seesInFull(a, r) {
		e.Record = &protection.Record{Type: r.Type, ID: r.ID, Version: r.Version, Body: string(r.Body), Salt: b64(r.Salt)}
	}
	return e, nil
}

// bundleRecords collects the record versions of a bundle.
func (m *Mechanism) bundleRecords(ctx context.Context, a concord.Actor, typ, id string) ([]store.Record, error) {
	c := &collector{m: m}
	switch typ {
	case "movement", "site":
		if err := c.subject(ctx, typ, id); err != nil {
			return nil, err
		}
	case "operation":
		if err := c.operation(ctx, a, id); err != nil {
			return nil, err
		}
	default:
		return nil, concord.Invalid("type", "%q: a bundle is of a movement, a site or an operation", typ)
	}
	return c.recs, c.err
}

// collector gathers record versions, remembering the first error.
type collector struct {
	m    *Mechanism
	recs []store.Record
	err  error
}

func (c *collector) add(rs []store.Record, err error) []store.Record {
	if err != nil && c.err == nil && concord.ErrorCode(err) != concord.ENOTFOUND {
		c.err = err
	}
	c.recs = append(c.recs, rs...)
	return rs
}

func (c *collector) history(ctx context.Context, id string) []store.Record {
	return c.add(c.m.store.History(ctx, id))
}

func (c *collector) version(ctx context.Context, id string, v int) {
	r, err := c.m.store.Version(ctx, id, v)
	if err == nil {
		c.add([]store.Record{r}, nil)
	} else {
		c.add(nil, err)
	}
}

// subject collects a movement or site, what answers it and what it alerted.
func (c *collector) subject(ctx context.Context, typ, id string) error {
	r, err := c.m.store.Get(ctx, id)
	wantType := map[string]string{"movement": "movement", "site": "zone"}[typ]
	if err != nil || r.Type != wantType || typ == "site" && !zones.Kind(r.Kind).Sensitive() {
		return concord.Errorf(concord.ENOTFOUND, "no %s %q", typ, id)
	}
	c.history(ctx, id)
	c.add(c.m.listAll(ctx, store.Query{Type: "ack", Kinds: []string{id}}))
	c.add(c.m.listAll(ctx, store.Query{Type: "consent", Kinds: []string{id}}))
	alerts, err := c.m.listAll(ctx, store.Query{Type: "alert", Kinds: []string{AlertProtection, AlertMovement}})
	if err != nil {
		return err
	}
	for _, r := range alerts {
		al, err := decodeAlert(r)
		if err != nil || al.Subject == nil || al.Subject.ID != id {
			continue
		}
		c.history(ctx, al.ID)
		var d alertDetail
		if json.Unmarshal(al.Detail, &d) == nil && d.Conflict != nil {
			c.history(ctx, d.Conflict.Operation)
		}
	}
	return nil
}

// operation collects a notice, its alerts, the acknowledgements it relied
// on and the subject versions it met.
func (c *collector) operation(ctx context.Context, a concord.Actor, id string) error {
	r, err := c.m.store.Get(ctx, id)
	if err != nil || r.Type != "operation" || !c.m.seesInFull(a, r) {
		return concord.Errorf(concord.ENOTFOUND, "no operation %q", id)
	}
	for _, v := range c.history(ctx, id) {
		n, err := decodeNotice(v)
		if err != nil {
			return err
		}
		for _, al := range n.Alerts {
			c.history(ctx, al)
		}
		for _, aw := range n.Awareness {
			c.version(ctx, aw.Ack, 1)
		}
		for _, k := range n.Conflicts {
			c.version(ctx, k.Subject.ID, k.Subject.Version)
		}
	}
	return nil
}
