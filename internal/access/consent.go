package access

import (
	"slices"
	"time"

	"concord"
	"concord/internal/geo"
	"concord/internal/zones"
)

// Decision is a party's answer to a movement.
type Decision string

const (
	Approve Decision = "approve"
	Deny    Decision = "deny"
)

// ConsentInput is what a party submits: approve (with optional conditions)
// or deny (with a reason).
type ConsentInput struct {
	Decision   Decision `json:"decision"`
	Conditions string   `json:"conditions,omitempty"`
	Reason     string   `json:"reason,omitempty"`
}

// Validate checks the answer, naming the field: decision is approve or deny;
// a denial gives a reason and no conditions; an approval gives no reason;
// both texts at most MaxNoteLen characters.
func (c ConsentInput) Validate() error {
	switch c.Decision {
	case Approve:
		if c.Reason != "" {
			return concord.Invalid("reason", "an approval has conditions, not a reason")
		}
		return checkText("conditions", c.Conditions, 0, MaxNoteLen)
	case Deny:
		if c.Conditions != "" {
			return concord.Invalid("conditions", "a denial has a reason, not conditions")
		}
		return checkText("reason", c.Reason, 1, MaxNoteLen)
	default:
		return concord.Invalid("decision", "%q is not a decision; want approve or deny", c.Decision)
	}
}

// Answer is a party's consent as the movement records it at its decision.
type Answer struct {
	Party      string    `json:"party"`
	Decision   Decision  `json:"decision"`
	Conditions string    `json:"conditions,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	At         time.Time `json:"at"`
}

// Decide applies the approval rule to the answers given so far (at most one
// per party; answers of parties not required are ignored): any denial by a
// required party denies the movement; an approval by every required party
// approves it; otherwise it stays requested (decided is false).
func Decide(required []string, answers []Answer) (s State, decided bool) {
	approved := 0
	for _, a := range answers {
		if !slices.Contains(required, a.Party) {
			continue
		}
		if a.Decision == Deny {
			return Denied, true
		}
		approved++
	}
	if approved == len(required) {
		return Approved, true
	}
	return Requested, false
}

// Decided returns the movement's next version when answers decide it, and
// whether they do. The answers are kept in the order of RequiredConsents.
func (mv Movement) Decided(answers []Answer, now time.Time) (Movement, bool) {
	s, ok := Decide(mv.RequiredConsents, answers)
	if !ok || mv.State != Requested {
		return mv, false
	}
	kept := slices.Clone(answers)
	slices.SortFunc(kept, func(a, b Answer) int {
		return slices.Index(mv.RequiredConsents, a.Party) - slices.Index(mv.RequiredConsents, b.Party)
	})
	mv.Version++
	mv.UpdatedAt = now
	mv.decide(s, kept, now)
	return mv, true
}

// RequiredConsents returns the parties whose consent a movement needs: for
// every active control-area zone in force during [start, end) one of whose
// footprints (with its radius) meets the corridor, the zone's applies_to
// parties, or its owner when applies_to is empty. Sorted, without
// duplicates; empty when the corridor crosses no control area. Zones of
// other kinds are ignored; a zone whose footprint is invalid is an error.
func RequiredConsents(corridor *geo.Shape, start, end time.Time, areas []zones.Zone) ([]string, error) {
	var out []string
	for _, z := range areas {
		if z.Kind != zones.ControlArea || z.Status != zones.Active {
			continue
		}
		crosses, err := meets(corridor, start, end, z)
		if err != nil {
			return nil, err
		}
		if crosses {
			out = append(out, responsible(z)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// meets reports whether a volume of z in force during [start, end) meets the corridor.
func meets(corridor *geo.Shape, start, end time.Time, z zones.Zone) (bool, error) {
	shapes, err := zones.Shapes(z)
	if err != nil {
		return false, concord.Prefix("zone "+z.ID, err)
	}
	for i, s := range shapes {
		if z.Volumes[i].OverlapsWindow(start, end) && s.IntersectsShape(corridor) {
			return true, nil
		}
	}
	return false, nil
}

func responsible(z zones.Zone) []string {
	if len(z.AppliesTo) > 0 {
		return z.AppliesTo
	}
	return []string{z.Owner}
}
