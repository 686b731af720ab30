package mechanism

import (
	"context"
	"encoding/json"
	"time"

	"concord"
	"concord/internal/airspace"
	"concord/internal/store"
)

// FlightPlan is a stored flight plan with the conflicts found when it was
// submitted. concord informs; it does not command: a plan is stored whether
// or not it conflicts.
type FlightPlan struct {
	airspace.Plan
	Version   int                     `json:"version"`
	Conflicts []airspace.PlanConflict `json:"conflicts"`
	CreatedAt time.Time               `json:"created_at"`
}

func init() {
	registerType("flightplan", RecordType{})
}

// SubmitPlan checks a plan against other parties' plans that overlap it in
// time and against the no-fly zones, along its whole trajectory, then
// stores it with the conflicts found.
func (m *Mechanism) SubmitPlan(ctx context.Context, req Request, p airspace.Plan) (Result, error) {
	if err := requireRole(req.Actor, concord.RoleParty); err != nil {
		return Result{}, err
	}
	p.Party = req.Actor.Party
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	start, end := p.Waypoints[0].Time, p.Waypoints[len(p.Waypoints)-1].Time
	others, err := m.plansOverlapping(ctx, start, end)
	if err != nil {
		return Result{}, err
	}
	m.air.mu.Lock()
	fences := m.air.fences
	m.air.mu.Unlock()
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		p.ID = newID("fp", wt.now)
		fp := FlightPlan{Plan: p, Version: 1, Conflicts: airspace.CheckPlan(p, others, fences, m.minima()), CreatedAt: wt.now}
		if fp.Conflicts == nil {
			fp.Conflicts = []airspace.PlanConflict{}
		}
		e := end
		r := &store.Record{Type: "flightplan", ID: p.ID, Version: 1, Owner: p.Party, Kind: "plan", Status: "filed", Start: start, End: &e}
		return map[string]any{"flightplan": fp}, wt.put(ctx, r, "flightplan.submit", fp)
	})
}

func (m *Mechanism) plansOverlapping(ctx context.Context, from, to time.Time) ([]airspace.Plan, error) {
	var out []airspace.Plan
	q := store.Query{Type: "flightplan", From: from, To: to.Add(time.Millisecond), Limit: store.MaxLimit}
	for {
		rs, err := m.store.List(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			var fp FlightPlan
			if err := json.Unmarshal(r.Body, &fp); err != nil {
				return nil, err
			}
			out = append(out, fp.Plan)
		}
		if len(rs) < q.Limit {
			return out, nil
		}
		q.After = rs[len(rs)-1].ID
	}
}

// FlightPlans lists the plans a may see: its own, or all for the coordinator.
func (m *Mechanism) FlightPlans(ctx context.Context, a concord.Actor) ([]json.RawMessage, error) {
	if err := requireRole(a, concord.RoleParty, concord.RoleCoordinator); err != nil {
		return nil, err
	}
	q := store.Query{Type: "flightplan", Limit: store.MaxLimit}
	if a.Role != concord.RoleCoordinator {
		q.Owner = a.Party
	}
	rs, err := m.store.List(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, len(rs))
	for i, r := range rs {
		out[i] = r.Body
	}
	return out, nil
}

// FlightPlan returns one plan, to its party or the coordinator.
func (m *Mechanism) FlightPlan(ctx context.Context, a concord.Actor, id string) (json.RawMessage, error) {
	r, err := m.store.Get(ctx, id)
	if err != nil || r.Type != "flightplan" || !a.Owns(r.Owner) {
		return nil, concord.Errorf(concord.ENOTFOUND, "no flight plan %q", id)
	}
	return r.Body, nil
}
