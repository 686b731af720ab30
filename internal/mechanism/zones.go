package mechanism

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/golang/geo/s2"

	"concord"
	"concord/internal/geo"
	"concord/internal/store"
	"concord/internal/zones"
)

// MaxZoneBatch bounds the zones of one batch or import request.
const MaxZoneBatch = 1000

// mayDeclare lists the zone kinds each role may create (SPEC §1, §2): the
// coordinator declares everything; aid organisations declare protected sites,
// safe zones and besieged areas; an armed party declares its control areas.
var mayDeclare = map[concord.Role][]zones.Kind{
	concord.RoleCoordinator:  zones.Kinds,
	concord.RoleHumanitarian: {zones.ProtectedSite, zones.SafeZone, zones.BesiegedArea},
	concord.RoleParty:        {zones.ControlArea},
}

func checkDeclare(a concord.Actor, k zones.Kind) error {
	if !slices.Contains(mayDeclare[a.Role], k) {
		return &concord.Error{Code: concord.EFORBIDDEN, Field: "kind", Message: "the " + string(a.Role) + " role may not declare " + string(k) + " zones"}
	}
	return nil
}

// CreateZones validates every zone first and then writes them all in one
// transaction: a batch with one bad zone applies nothing.
func (m *Mechanism) CreateZones(ctx context.Context, req Request, zs []zones.Zone, batch bool) (Result, error) {
	if err := m.checkZones(req.Actor, zs, batch); err != nil {
		return Result{}, err
	}
	defer m.zonesChanged(ctx)
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		views := make([]any, len(zs))
		for i := range zs {
			z, err := wt.createZone(ctx, zs[i], "")
			if err != nil {
				return nil, prefixIf(batch, i, err)
			}
			views[i] = m.zoneView(req.Actor, z)
		}
		if batch {
			return map[string]any{"zones": views}, nil
		}
		return map[string]any{"zone": views[0]}, nil
	})
}

func (m *Mechanism) checkZones(a concord.Actor, zs []zones.Zone, batch bool) error {
	if len(zs) == 0 {
		return concord.Invalid("zones", "no zones given")
	}
	if len(zs) > MaxZoneBatch {
		return &concord.Error{Code: concord.ETOOLARGE, Field: "zones", Message: "at most 1000 zones per request"}
	}
	now := m.clock.Now()
	for i := range zs {
		if err := zones.Validate(&zs[i], now); err != nil {
			return prefixIf(batch, i, err)
		}
		if err := checkDeclare(a, zs[i].Kind); err != nil {
			return prefixIf(batch, i, err)
		}
	}
	return nil
}

func prefixIf(batch bool, i int, err error) error {
	if !batch {
		return err
	}
	return concord.Prefix("zones["+strconv.Itoa(i)+"]", err)
}

func (wt *writeTx) createZone(ctx context.Context, z zones.Zone, supersedes string) (zones.Zone, error) {
	z.ID, z.Version, z.Owner, z.Status = newID("z", wt.now), 1, wt.req.Actor.Party, zones.Active
	z.Supersedes, z.SupersededBy = supersedes, ""
	z.CreatedAt, z.UpdatedAt = wt.now, wt.now
	return z, wt.put(ctx, zoneRecord(z), "zone.create", z)
}

func zoneRecord(z zones.Zone) *store.Record {
	r := &store.Record{Type: "zone", ID: z.ID, Version: z.Version, Owner: z.Owner, Kind: string(z.Kind),
		Status: string(z.Status), Cells: zones.IndexCells(z)}
	for i, v := range z.Volumes {
		if i == 0 || v.Start.Before(r.Start) {
			r.Start = v.Start
		}
	}
	for i, v := range z.Volumes {
		switch {
		case v.End == nil:
			r.End = nil
			return r
		case i == 0 || v.End.After(*r.End):
			e := *v.End
			r.End = &e
		}
	}
	return r
}

// SupersedeZone replaces an active zone by a new one of the same kind: the new
// zone is created and the old one's next version records superseded_by.
func (m *Mechanism) SupersedeZone(ctx context.Context, req Request, id string, z zones.Zone) (Result, error) {
	zs := []zones.Zone{z}
	if err := m.checkZones(req.Actor, zs, false); err != nil {
		return Result{}, err
	}
	z = zs[0] // validated and normalised
	defer m.zonesChanged(ctx)
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		old, err := wt.activeZone(ctx, id)
		if err != nil {
			return nil, err
		}
		if z.Kind != old.Kind {
			return nil, concord.Invalid("kind", "a %s zone can only be superseded by another %s zone", old.Kind, old.Kind)
		}
		nz, err := wt.createZone(ctx, z, old.ID)
		if err != nil {
			return nil, err
		}
		old.Version++
		old.Status, old.SupersededBy, old.UpdatedAt = zones.Superseded, nz.ID, wt.now
		if err := wt.put(ctx, zoneRecord(old), "zone.supersede", old); err != nil {
			return nil, err
		}
		return map[string]any{"zone": m.zoneView(req.Actor, nz), "superseded": m.zoneView(req.Actor, old)}, nil
	})
}

// WithdrawZone ends an active zone; its history stays.
func (m *Mechanism) WithdrawZone(ctx context.Context, req Request, id string) (Result, error) {
	defer m.zonesChanged(ctx)
	return m.write(ctx, req, false, func(ctx context.Context, wt *writeTx) (any, error) {
		z, err := wt.activeZone(ctx, id)
		if err != nil {
			return nil, err
		}
		z.Version++
		z.Status, z.UpdatedAt = zones.Withdrawn, wt.now
		if err := wt.put(ctx, zoneRecord(z), "zone.withdraw", z); err != nil {
			return nil, err
		}
		return map[string]any{"zone": m.zoneView(req.Actor, z)}, nil
	})
}

// activeZone loads a zone the request's actor may change.
func (wt *writeTx) activeZone(ctx context.Context, id string) (zones.Zone, error) {
	r, err := wt.Get(ctx, id)
	if err != nil || r.Type != "zone" {
		return zones.Zone{}, concord.Errorf(concord.ENOTFOUND, "no zone %q", id)
	}
	z, err := decodeZone(r)
	if err != nil {
		return z, err
	}
	if !wt.req.Actor.Owns(z.Owner) {
		if wt.m.seesInFull(wt.req.Actor, r) || z.Kind.Sensitive() {
			return z, concord.Errorf(concord.EFORBIDDEN, "only the zone's owner or the coordinator may change it")
		}
	}
	if z.Status != zones.Active {
		return z, concord.Errorf(concord.ECONFLICT, "zone %s is %s", id, z.Status)
	}
	return z, nil
}

// zonesChanged brings the live picture up to date after zones were written:
// the no-fly fences the detector enforces.
func (m *Mechanism) zonesChanged(ctx context.Context) {
	if m.air == nil {
		return
	}
	if err := m.reloadFences(ctx); err != nil {
		m.log.Error("reloading no-fly fences", "err", err)
	}
}

func decodeZone(r store.Record) (zones.Zone, error) {
	var z zones.Zone
	err := json.Unmarshal(r.Body, &z)
	return z, err
}

// zoneView is what actor a sees of z: the zone in full, or its coarse cover
// for callers that must not learn where a protected site or safe zone is.
func (m *Mechanism) zoneView(a concord.Actor, z zones.Zone) any {
	if m.zoneInFull(a, z.Kind, z.Owner) {
		return z
	}
	return zones.Coarse(z, m.level)
}

// zoneInFull: sensitive zones in full only to their owner, the coordinator and
// the observer mission (SPEC §1); every other zone to every role but auditors.
func (m *Mechanism) zoneInFull(a concord.Actor, k zones.Kind, owner string) bool {
	switch {
	case a.Role == concord.RoleAuditor:
		return false
	case !k.Sensitive():
		return true
	default:
		return a.Owns(owner) || a.Role == concord.RoleObserver
	}
}

func init() {
	registerType("zone", RecordType{
		InFull: func(m *Mechanism, a concord.Actor, r store.Record) bool {
			return m.zoneInFull(a, zones.Kind(r.Kind), r.Owner)
		},
		View: func(m *Mechanism, a concord.Actor, r store.Record) (any, bool, error) {
			z, err := decodeZone(r)
			return m.zoneView(a, z), err == nil, err
		},
	})
}

func readZones(a concord.Actor) error {
	if a.Role == concord.RoleAuditor {
		return concord.Errorf(concord.EFORBIDDEN, "auditors see the journal, not its records")
	}
	return nil
}

// Zone returns the current version of a zone as a may see it.
func (m *Mechanism) Zone(ctx context.Context, a concord.Actor, id string) (any, error) {
	if err := readZones(a); err != nil {
		return nil, err
	}
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "zone" {
		return nil, concord.Errorf(concord.ENOTFOUND, "no zone %q", id)
	}
	z, err := decodeZone(r)
	return m.zoneView(a, z), err
}

// ZoneHistory returns every version of a zone as a may see it.
func (m *Mechanism) ZoneHistory(ctx context.Context, a concord.Actor, id string) ([]any, error) {
	if err := readZones(a); err != nil {
		return nil, err
	}
	rs, err := m.store.History(ctx, id)
	if err != nil || rs[0].Type != "zone" {
		return nil, concord.Errorf(concord.ENOTFOUND, "no zone %q", id)
	}
	out := make([]any, len(rs))
	for i, r := range rs {
		z, err := decodeZone(r)
		if err != nil {
			return nil, err
		}
		out[i] = m.zoneView(a, z)
	}
	return out, nil
}

// ZoneQuery selects zones.
type ZoneQuery struct {
	Kinds    []zones.Kind
	Statuses []zones.Status // default: active only
	Owner    string
	BBox     *geo.Rect
	From, To time.Time // window overlap; At sets both
	After    string
	Limit    int
}

// ZoneList is one page of zones as the caller may see them.
type ZoneList struct {
	Full   []zones.Zone
	Coarse []zones.CoarseZone
	Next   string // pass as After for the next page; "" at the end
}

// Zones lists zones. A bounding box is matched against what the caller may
// see: exact footprints for full views, the coarse cells for coarse ones (so
// no sequence of ever smaller boxes can locate a protected site).
func (m *Mechanism) Zones(ctx context.Context, a concord.Actor, q ZoneQuery) (ZoneList, error) {
	if err := readZones(a); err != nil {
		return ZoneList{}, err
	}
	sq := store.Query{Type: "zone", Owner: q.Owner, From: q.From, To: q.To, After: q.After, Limit: q.Limit}
	for _, k := range q.Kinds {
		sq.Kinds = append(sq.Kinds, string(k))
	}
	for _, s := range q.Statuses {
		sq.Statuses = append(sq.Statuses, string(s))
	}
	if len(sq.Statuses) == 0 {
		sq.Statuses = []string{string(zones.Active)}
	}
	if q.BBox != nil {
		sq.Cells = cellFilters(geo.RectCovering(*q.BBox))
	}
	if sq.Limit <= 0 || sq.Limit > store.MaxLimit {
		sq.Limit = store.DefaultLimit
	}
	rs, err := m.store.List(ctx, sq)
	if err != nil {
		return ZoneList{}, err
	}
	var out ZoneList
	for _, r := range rs {
		if err := m.addZone(a, r, q.BBox, &out); err != nil {
			return out, err
		}
	}
	if len(rs) == sq.Limit {
		out.Next = rs[len(rs)-1].ID
	}
	return out, nil
}

func (m *Mechanism) addZone(a concord.Actor, r store.Record, bbox *geo.Rect, out *ZoneList) error {
	z, err := decodeZone(r)
	if err != nil {
		return err
	}
	switch v := m.zoneView(a, z).(type) {
	case zones.Zone:
		if bbox == nil || z.IntersectsRect(*bbox) {
			out.Full = append(out.Full, v)
		}
	case zones.CoarseZone:
		if bbox == nil || cellsIntersect(v.Cells, *bbox) {
			out.Coarse = append(out.Coarse, v)
		}
	}
	return nil
}

func cellFilters(cells []s2.CellID) []store.CellFilter {
	out := make([]store.CellFilter, len(cells))
	for i, c := range cells {
		lo, hi := geo.CellRange(c)
		out[i] = store.CellFilter{Lo: lo, Hi: hi}
		for _, p := range geo.Ancestors(c) {
			out[i].Ancestors = append(out[i].Ancestors, geo.CellKey(p))
		}
	}
	return out
}

// cellsIntersect reports whether any of the cells (tokens) meets the box.
func cellsIntersect(tokens []string, r geo.Rect) bool {
	for _, t := range tokens {
		if geo.CellIntersectsRect(s2.CellIDFromToken(t), r) {
			return true
		}
	}
	return false
}
