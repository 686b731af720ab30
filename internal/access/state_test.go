package access

import (
	"testing"
	"time"

	"concord"
)

// The whole transition table, both ways: every pair not listed is refused.
func TestTransitionTable(t *testing.T) {
	legal := map[[2]State]bool{}
	for _, p := range [][2]State{
		{Requested, Approved}, {Requested, Denied}, {Requested, Cancelled},
		{Approved, EnRoute}, {Approved, Attacked}, {Approved, Cancelled},
		{EnRoute, Arrived}, {EnRoute, Blocked}, {EnRoute, Attacked}, {EnRoute, Cancelled},
		{Blocked, EnRoute}, {Blocked, Attacked}, {Blocked, Cancelled},
		{Arrived, Delivered}, {Arrived, Attacked}, {Arrived, Cancelled},
		{Attacked, EnRoute}, {Attacked, Arrived}, {Attacked, Delivered}, {Attacked, Cancelled},
	} {
		legal[p] = true
	}
	for _, from := range States {
		for _, to := range States {
			err := Transition(from, to)
			if legal[[2]State{from, to}] != (err == nil) {
				t.Errorf("%s → %s: %v", from, to, err)
			}
			if err != nil && concord.ErrorCode(err) != concord.ECONFLICT {
				t.Errorf("%s → %s: %v, want a conflict", from, to, err)
			}
		}
	}
	if err := Transition(Requested, "flying"); concord.ErrorCode(err) != concord.EINVALID {
		t.Errorf("unknown state: %v", err)
	}
}

func TestApply(t *testing.T) {
	mv := testMovement(t)
	at := now2016.Add(time.Hour)
	if _, err := mv.Apply(StatusInput{State: EnRoute}, at); concord.ErrorCode(err) != concord.ECONFLICT {
		t.Fatalf("en-route before approval: %v", err)
	}
	if _, err := mv.Apply(StatusInput{State: Approved}, at); concord.ErrorField(err) != "state" || concord.ErrorCode(err) != concord.EINVALID {
		t.Fatalf("approved reported by the owner: %v", err)
	}
	mv, _ = mv.Decided([]Answer{{Party: "A", Decision: Approve}, {Party: "B", Decision: Approve}}, at)
	steps := []StatusInput{{State: EnRoute, Note: "left Aleppo"}, {State: Arrived}}
	for _, s := range steps {
		next, err := mv.Apply(s, at)
		if err != nil {
			t.Fatalf("%s: %v", s.State, err)
		}
		if next.Version != mv.Version+1 || next.State != s.State {
			t.Fatalf("%s gave %+v", s.State, next)
		}
		mv = next
	}
	full, err := mv.Apply(StatusInput{State: Delivered, Delivery: "full"}, at)
	if err != nil || full.Delivery.Beneficiaries != 78000 || len(full.Delivery.Delivered) != 2 {
		t.Fatalf("full delivery: %+v, %v", full.Delivery, err)
	}
	if _, err := full.Apply(StatusInput{State: Requested}, at); concord.ErrorCode(err) != concord.ECONFLICT {
		t.Fatalf("delivered → requested: %v, want a conflict", err)
	}
}

func TestDelivery(t *testing.T) {
	mv := testMovement(t)
	mv.State = Arrived
	n := 40000
	for _, tc := range []struct {
		name  string
		in    StatusInput
		field string
	}{
		{"partial", StatusInput{State: Delivered, Delivery: "partial", Beneficiaries: &n,
			Delivered: []CargoLine{{"food parcels", 900, "parcels"}}}, ""},
		{"full with lines", StatusInput{State: Delivered, Delivery: "full",
			Delivered: []CargoLine{{"medical supplies", 12, "t"}, {"food parcels", 1800, "parcels"}}}, ""},
		{"full but short", StatusInput{State: Delivered, Delivery: "full",
			Delivered: []CargoLine{{"food parcels", 1800, "parcels"}}}, "delivered"},
		{"full twice a line", StatusInput{State: Delivered, Delivery: "full",
			Delivered: []CargoLine{{"food parcels", 1800, "parcels"}, {"food parcels", 1800, "parcels"}}}, "delivered[1]"},
		{"no kind", StatusInput{State: Delivered}, "delivery"},
		{"partial without lines", StatusInput{State: Delivered, Delivery: "partial"}, "delivered"},
		{"more than carried", StatusInput{State: Delivered, Delivery: "partial",
			Delivered: []CargoLine{{"medical supplies", 13, "t"}}}, "delivered[0].quantity"},
		{"not carried", StatusInput{State: Delivered, Delivery: "partial",
			Delivered: []CargoLine{{"fuel", 1, "t"}}}, "delivered[0]"},
		{"wrong unit", StatusInput{State: Delivered, Delivery: "partial",
			Delivered: []CargoLine{{"medical supplies", 1, "kg"}}}, "delivered[0]"},
		{"delivery when blocked", StatusInput{State: Attacked, Delivery: "full"}, "delivery"},
		{"negative beneficiaries", StatusInput{State: Delivered, Delivery: "full", Beneficiaries: new(-1)}, "beneficiaries"},
		{"long note", StatusInput{State: Attacked, Note: string(make([]rune, MaxNoteLen+1))}, "note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next, err := mv.Apply(tc.in, now2016)
			if concord.ErrorField(err) != tc.field || (tc.field == "") != (err == nil) {
				t.Fatalf("got %v, want field %q", err, tc.field)
			}
			if err == nil && tc.in.Delivery == "partial" && (next.Delivery.Beneficiaries != n || next.Delivery.Kind != "partial") {
				t.Fatalf("partial delivery recorded as %+v", next.Delivery)
			}
		})
	}
}

// FuzzStatus applies arbitrary reports to an arrived movement: never a
// panic; an accepted report is a legal change by the owner, and a delivery
// never exceeds the cargo.
func FuzzStatus(f *testing.F) {
	f.Add(`{"state":"delivered","delivery":"full"}`)
	f.Add(`{"state":"delivered","delivery":"partial","delivered":[{"item":"food parcels","quantity":1,"unit":"parcels"}],"beneficiaries":3}`)
	f.Add(`{"state":"requested"}`)
	f.Add(`{"state":"attacked","note":"x"}`)
	f.Fuzz(func(t *testing.T, s string) {
		mv := testMovement(t)
		mv.State = Arrived
		var in StatusInput
		if err := concord.DecodeStrict([]byte(s), &in); err != nil {
			return
		}
		next, err := mv.Apply(in, now2016)
		if err != nil {
			return
		}
		if !CanBecome(Arrived, next.State) || next.Version != mv.Version+1 {
			t.Fatalf("accepted %s → %s", mv.State, next.State)
		}
		if next.Delivery != nil {
			for _, l := range next.Delivery.Delivered {
				if c, ok := mv.carried(l); !ok || l.Quantity > c {
					t.Fatalf("delivered %+v of cargo %+v", l, mv.Convoy.Cargo)
				}
			}
		}
	})
}
