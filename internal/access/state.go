package access

import (
	"slices"
	"time"

	"concord"
	"concord/internal/geo"
)

// State is a movement's state (SPEC §2).
type State string

const (
	Requested State = "requested"
	Approved  State = "approved"
	Denied    State = "denied"
	EnRoute   State = "en-route"
	Arrived   State = "arrived"
	Delivered State = "delivered"
	Blocked   State = "blocked"
	Attacked  State = "attacked"
	Cancelled State = "cancelled"
)

// States lists every state, in the order of SPEC §2.
var States = []State{Requested, Approved, Denied, EnRoute, Arrived, Delivered, Blocked, Attacked, Cancelled}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// transitions is the state machine: the states each state may become.
// Approved and denied follow from the consents (Decide); the others are set
// by the movement's owner. Denied, delivered and cancelled are final. A convoy
// may be attacked at any point once approved, and may go on (en-route,
// arrived, delivered) or be cancelled after an attack or a block.
var transitions = map[State][]State{
	Requested: {Approved, Denied, Cancelled},
	Approved:  {EnRoute, Attacked, Cancelled},
	EnRoute:   {Arrived, Blocked, Attacked, Cancelled},
	Blocked:   {EnRoute, Attacked, Cancelled},
	Arrived:   {Delivered, Attacked, Cancelled},
	Attacked:  {EnRoute, Arrived, Delivered, Cancelled},
}

// OwnerStates are the states a movement's owner reports; the others follow
// from the consents.
var OwnerStates = []State{EnRoute, Arrived, Delivered, Blocked, Attacked, Cancelled}

// CanBecome reports whether the state machine allows from → to.
func CanBecome(from, to State) bool { return slices.Contains(transitions[from], to) }

// Final reports whether no state follows s.
func (s State) Final() bool { return len(transitions[s]) == 0 }

// Moving reports whether a convoy in state s may be on the road, so that its
// live positions are checked against its corridor and window, and operations
// over its corridor are conflicts: every state but denied, delivered and
// cancelled (a requested convoy may still go, a blocked or attacked one is
// still there).
func (s State) Moving() bool { return !s.Final() }

// Transition returns the error for an illegal change from → to, or nil:
// EINVALID naming "state" for an unknown state, ECONFLICT for a change the
// state machine does not allow.
func Transition(from, to State) error {
	switch {
	case !to.Valid():
		return concord.Invalid("state", "%q is not a movement state; want one of %s", to, joinStates(OwnerStates))
	case !CanBecome(from, to):
		return &concord.Error{Code: concord.ECONFLICT, Field: "state",
			Message: "a " + string(from) + " movement cannot become " + string(to) + allowed(from)}
	}
	return nil
}

func allowed(from State) string {
	if from.Final() {
		return " (" + string(from) + " is final)"
	}
	return " (it may become " + joinStates(transitions[from]) + ")"
}

func joinStates(ss []State) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += string(s)
	}
	return out
}

// Movement is one version of a movement, as stored.
type Movement struct {
	ID               string       `json:"id"`
	Version          int          `json:"version"`
	Owner            string       `json:"owner"`
	Name             string       `json:"name,omitempty"`
	Route            geo.Geometry `json:"route"`
	WidthM           float64      `json:"width_m"`
	Start            time.Time    `json:"start"`
	End              time.Time    `json:"end"`
	Convoy           Convoy       `json:"convoy"`
	Destination      string       `json:"destination"`
	RequiredConsents []string     `json:"required_consents"`
	State            State        `json:"state"`
	Decision         State        `json:"decision,omitempty"` // approved or denied, once decided
	DecidedAt        *time.Time   `json:"decided_at,omitempty"`
	Consents         []Answer     `json:"consents,omitempty"` // the answers, at the decision
	Note             string       `json:"note,omitempty"`     // with the latest state change
	Delivery         *Delivery    `json:"delivery,omitempty"` // when delivered
	CreatedAt        time.Time    `json:"created_at"`
	UpdatedAt        time.Time    `json:"updated_at"`
}

// New returns version 1 of a movement from a validated input: requested, or
// approved at once when no consent is required.
func New(id, owner string, in Input, required []string, now time.Time) Movement {
	mv := Movement{ID: id, Version: 1, Owner: owner, Name: in.Name, Route: in.Route, WidthM: in.WidthM,
		Start: in.Start, End: in.End, Convoy: in.Convoy, Destination: in.Destination,
		RequiredConsents: required, State: Requested, CreatedAt: now, UpdatedAt: now}
	if mv.RequiredConsents == nil {
		mv.RequiredConsents = []string{}
	}
	if len(required) == 0 {
		mv.decide(Approved, nil, now)
	}
	return mv
}

func (mv *Movement) decide(s State, answers []Answer, now time.Time) {
	mv.State, mv.Decision, mv.Consents = s, s, answers
	mv.DecidedAt = &now
}

// Corridor returns the movement's corridor: its route buffered by half its width.
func (mv Movement) Corridor() (*geo.Shape, error) {
	return geo.NewShape(mv.Route, geo.Meters(mv.WidthM/2))
}

// Requires reports whether party's consent is required.
func (mv Movement) Requires(party string) bool { return slices.Contains(mv.RequiredConsents, party) }
