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
	t, ok := recordTypes[r.Type]
	if ok && t.View != nil {
		v, ok, err := t.View(m, a, r)
		return Event{ID: r.Leaf, Type: r.Type, Data: v}, ok, err
	}
	if !m.seesInFull(a, r) {
		return Event{}, false, nil
	}
	return Event{ID: r.Leaf, Type: r.Type, Data: json.RawMessage(r.Body)}, true, nil
}

// RecordType says, for one type of record, who may see a version in full
// (and so be given its salt and its events) and what each caller sees of it.
type RecordType struct {
	// InFull reports whether a may see version r in full. nil: its owner
	// and the coordinator.
	InFull func(m *Mechanism, a concord.Actor, r store.Record) bool
	// View returns what a sees of version r in its event stream, and
	// whether it sees anything. nil: the body, to those who see it in full.
	View func(m *Mechanism, a concord.Actor, r store.Record) (any, bool, error)
}

// recordTypes is filled by each capability's init (registerType).
var recordTypes = map[string]RecordType{}

func registerType(name string, t RecordType) { recordTypes[name] = t }

// seesInFull reports whether a may see record version r in full (and so be
// given its commitment's salt). Auditors never do.
func (m *Mechanism) seesInFull(a concord.Actor, r store.Record) bool {
	if a.Role == concord.RoleAuditor {
		return false
	}
	if t, ok := recordTypes[r.Type]; ok && t.InFull != nil {
		return t.InFull(m, a, r)
	}
	return a.Owns(r.Owner)
}
