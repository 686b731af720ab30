package mechanism

import (
	"context"
	"encoding/json"

	"concord"
	"concord/internal/store"
)

// Event is one change the caller may see, identified by the journal leaf that
// recorded it (so a stream resumes from Last-Event-ID = that index).
type Event struct {
	ID   int64  // leaf index
	Type string // record type: "zone", "party", ...
	Data any    // the record version as the caller may see it
}

// Events returns the changes after leaf index after that a may see, reading
// at most limit record versions; next is the index to resume from.
func (m *Mechanism) Events(ctx context.Context, a concord.Actor, after int64, limit int) ([]Event, int64, error) {
	rs, err := m.store.Changes(ctx, after, limit)
	if err != nil {
		return nil, after, err
	}
	next := after
	var out []Event
	for _, r := range rs {
		next = r.Leaf
		ev, ok, err := m.event(a, r)
		if err != nil {
			return nil, after, err
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out, next, nil
}

func (m *Mechanism) event(a concord.Actor, r store.Record) (Event, bool, error) {
	if a.Role == concord.RoleAuditor {
		return Event{}, false, nil
	}
	switch r.Type {
	case "zone":
		z, err := decodeZone(r)
		return Event{ID: r.Leaf, Type: r.Type, Data: m.zoneView(a, z)}, err == nil, err
	case "party":
		p, err := decodeParty(r)
		return Event{ID: r.Leaf, Type: r.Type, Data: p}, err == nil, err
	default:
		if !m.seesInFull(a, r) {
			return Event{}, false, nil
		}
		return Event{ID: r.Leaf, Type: r.Type, Data: json.RawMessage(r.Body)}, true, nil
	}
}
