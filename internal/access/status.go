package access

import (
	"fmt"
	"slices"
	"time"

	"concord"
)

// StatusInput is a state change reported by a movement's owner. A delivery
// ("delivered") says whether it was full or partial; a partial one lists
// the quantities delivered.
type StatusInput struct {
	State         State       `json:"state"`
	Note          string      `json:"note,omitempty"`
	Delivery      string      `json:"delivery,omitempty"`      // full | partial (delivered only)
	Delivered     []CargoLine `json:"delivered,omitempty"`     // quantities delivered (partial; optional when full)
	Beneficiaries *int        `json:"beneficiaries,omitempty"` // people reached (delivered only)
}

// Delivery is what a delivered movement delivered.
type Delivery struct {
	Kind          string      `json:"kind"` // full | partial
	Delivered     []CargoLine `json:"delivered"`
	Beneficiaries int         `json:"beneficiaries"`
}

// Apply returns the movement's next version after the owner's report in,
// at now. Errors name the field: EINVALID for an unknown state, a state that
// follows from consents (approved, denied, requested), or a bad delivery;
// ECONFLICT for a change the state machine does not allow (delivered →
// requested), checked before anything else about the target state.
//
// A full delivery delivers the whole cargo (delivered, if given, must equal
// it) and reaches the planned beneficiaries unless told otherwise; a partial
// one lists each delivered line (an item and unit of the cargo, at most the
// quantity carried) and reaches the beneficiaries given (0 if none).
func (mv Movement) Apply(in StatusInput, now time.Time) (Movement, error) {
	if err := Transition(mv.State, in.State); err != nil {
		return mv, err
	}
	if !slices.Contains(OwnerStates, in.State) {
		return mv, concord.Invalid("state", "%s follows from the required parties' consents; it is not reported", in.State)
	}
	if err := checkText("note", in.Note, 0, MaxNoteLen); err != nil {
		return mv, err
	}
	d, err := mv.delivery(in)
	if err != nil {
		return mv, err
	}
	mv.Version++
	mv.State, mv.Note, mv.Delivery, mv.UpdatedAt = in.State, in.Note, d, now
	return mv, nil
}

func (mv Movement) delivery(in StatusInput) (*Delivery, error) {
	if in.State != Delivered {
		switch {
		case in.Delivery != "":
			return nil, concord.Invalid("delivery", "only a delivered movement has a delivery")
		case in.Delivered != nil:
			return nil, concord.Invalid("delivered", "only a delivered movement has delivered quantities")
		case in.Beneficiaries != nil:
			return nil, concord.Invalid("beneficiaries", "only a delivered movement reports beneficiaries reached")
		}
		return nil, nil
	}
	if in.Beneficiaries != nil && (*in.Beneficiaries < 0 || *in.Beneficiaries > MaxBeneficiaries) {
		return nil, concord.Invalid("beneficiaries", "must be between 0 and %d", MaxBeneficiaries)
	}
	switch in.Delivery {
	case "full":
		return mv.fullDelivery(in)
	case "partial":
		return mv.partialDelivery(in)
	default:
		return nil, concord.Invalid("delivery", "%q: a delivery is full or partial", in.Delivery)
	}
}

func (mv Movement) fullDelivery(in StatusInput) (*Delivery, error) {
	if in.Delivered == nil {
		in.Delivered = mv.Convoy.Cargo
	}
	if err := checkLines("delivered", in.Delivered); err != nil {
		return nil, err
	}
	if !sameLines(in.Delivered, mv.Convoy.Cargo) {
		return nil, concord.Invalid("delivered", "a full delivery delivers the whole cargo; report a partial one otherwise")
	}
	d := &Delivery{Kind: "full", Delivered: slices.Clone(mv.Convoy.Cargo), Beneficiaries: mv.Convoy.Beneficiaries}
	if in.Beneficiaries != nil {
		d.Beneficiaries = *in.Beneficiaries
	}
	return d, nil
}

func (mv Movement) partialDelivery(in StatusInput) (*Delivery, error) {
	if len(in.Delivered) == 0 {
		return nil, concord.Invalid("delivered", "a partial delivery lists the quantities delivered")
	}
	if err := checkLines("delivered", in.Delivered); err != nil {
		return nil, err
	}
	for i, l := range in.Delivered {
		carried, ok := mv.carried(l)
		switch {
		case !ok:
			return nil, concord.Invalid(fmt.Sprintf("delivered[%d]", i), "the convoy carried no %q in %q", l.Item, l.Unit)
		case l.Quantity > carried:
			return nil, concord.Invalid(fmt.Sprintf("delivered[%d].quantity", i), "%g %s delivered, but the convoy carried %g", l.Quantity, l.Unit, carried)
		}
	}
	d := &Delivery{Kind: "partial", Delivered: slices.Clone(in.Delivered)}
	if in.Beneficiaries != nil {
		d.Beneficiaries = *in.Beneficiaries
	}
	return d, nil
}

func (mv Movement) carried(l CargoLine) (float64, bool) {
	for _, c := range mv.Convoy.Cargo {
		if c.key() == l.key() {
			return c.Quantity, true
		}
	}
	return 0, false
}

// sameLines reports whether a and b, each without repeated lines, list the
// same lines in any order.
func sameLines(a, b []CargoLine) bool {
	if len(a) != len(b) {
		return false
	}
	for _, l := range a {
		if !slices.Contains(b, l) {
			return false
		}
	}
	return true
}
