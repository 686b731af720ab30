package concord

import (
	"context"
	"time"
)

// Role is one of the five roles of SPEC §1.
type Role string

const (
	RoleParty        Role = "party"        // an armed party's operations centre
	RoleHumanitarian Role = "humanitarian" // an aid organisation
	RoleObserver     Role = "observer"     // the ceasefire monitoring mission
	RoleCoordinator  Role = "coordinator"  // the mechanism's secretariat
	RoleAuditor      Role = "auditor"      // read-only verifier of the journal
)

// Roles lists every role, in the order of SPEC §1.
var Roles = []Role{RoleParty, RoleHumanitarian, RoleObserver, RoleCoordinator, RoleAuditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Armed reports whether the role belongs to an armed party: such callers see
// protected sites and safe zones only as coarse covers (SPEC §1).
func (r Role) Armed() bool { return r == RoleParty }

// Actor is the authenticated caller of a request.
type Actor struct {
	Party string // party ID; "coordinator" for the built-in coordinator
	Role  Role
}

// Sees reports whether the actor may see objects owned by party in full
// by ownership alone (own objects, or a coordinator).
func (a Actor) Owns(party string) bool {
	return a.Role == RoleCoordinator || a.Party == party
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Clock is injected wherever time matters, so tests never sleep.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock, in UTC.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC() }
