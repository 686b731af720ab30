package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"concord/internal/access"
	"concord/internal/client"
	"concord/internal/journal"
	"concord/internal/mechanism"
	"concord/internal/zones"
)

// follower reads the journal as the coordinator (GET /v1/journal/leaves with
// records=1): every leaf in order, with the record version it commits to. It
// is a complete, ordered and pull-based account of everything that happened,
// which makes it the simulator's way of learning what the server did — each
// simulated actor then acts only on what its own role would be shown (the
// alerts that involve it, the movements that need its consent, the requests
// for information addressed to it), with its own token — and what the
// summary counts.
type follower struct {
	c    *client.Client
	next int64

	alerts     map[string]*mechanism.Alert
	zones      map[string]*zones.Zone
	movements  map[string]*access.Movement
	reached    map[string]map[access.State]bool // states each movement has been in
	incidents  map[string]*mechanism.IncidentDoc
	rfis       map[string]*mechanism.RFIDoc
	operations map[string]string // purpose, by ID
	kinds      map[string]int    // leaves by kind
}

// change is one record version learnt from the journal.
type change struct {
	Leaf    journal.Leaf
	Type    string
	ID      string
	Version int
}

func newFollower(c *client.Client) *follower {
	return &follower{c: c, alerts: map[string]*mechanism.Alert{}, zones: map[string]*zones.Zone{},
		movements: map[string]*access.Movement{}, reached: map[string]map[access.State]bool{},
		incidents: map[string]*mechanism.IncidentDoc{}, rfis: map[string]*mechanism.RFIDoc{},
		operations: map[string]string{}, kinds: map[string]int{}}
}

// poll reads the leaves appended since the last poll and returns the record
// versions they commit to, in journal order.
func (f *follower) poll(ctx context.Context) ([]change, error) {
	var out []change
	for {
		var page struct {
			Leaves []mechanism.LeafView `json:"leaves"`
		}
		path := fmt.Sprintf("/v1/journal/leaves?start=%d&end=%d&records=1", f.next, f.next+mechanism.MaxLeavesPage)
		if err := f.c.Do(ctx, "GET", path, nil, "", &page); err != nil {
			return out, fmt.Errorf("following the journal: %w", err)
		}
		for _, lv := range page.Leaves {
			ch, err := f.take(lv)
			if err != nil {
				return out, fmt.Errorf("leaf %d: %w", lv.Index, err)
			}
			if ch != nil {
				out = append(out, *ch)
			}
			f.next = lv.Index + 1
		}
		if len(page.Leaves) < mechanism.MaxLeavesPage {
			return out, nil
		}
	}
}

// take records one leaf and the record version it carries.
func (f *follower) take(lv mechanism.LeafView) (*change, error) {
	leaf, err := journal.ParseLeaf([]byte(lv.Data))
	if err != nil {
		return nil, err
	}
	f.kinds[leaf.Kind]++
	r := lv.Record
	if r == nil {
		return nil, nil
	}
	if err := f.decode(r.Type, r.ID, []byte(r.Body)); err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Type, r.ID, err)
	}
	return &change{Leaf: leaf, Type: r.Type, ID: r.ID, Version: r.Version}, nil
}

func (f *follower) decode(typ, id string, body []byte) error {
	switch typ {
	case "alert":
		return into(body, f.alerts, id)
	case "zone":
		return into(body, f.zones, id)
	case "incident":
		return into(body, f.incidents, id)
	case "rfi":
		return into(body, f.rfis, id)
	case "operation":
		var n struct {
			Purpose string `json:"purpose"`
		}
		err := json.Unmarshal(body, &n)
		f.operations[id] = n.Purpose
		return err
	case "movement":
		if err := into(body, f.movements, id); err != nil {
			return err
		}
		if f.reached[id] == nil {
			f.reached[id] = map[access.State]bool{}
		}
		f.reached[id][f.movements[id].State] = true
	}
	return nil
}

func into[T any](body []byte, m map[string]*T, id string) error {
	v := new(T)
	if err := json.Unmarshal(body, v); err != nil {
		return err
	}
	m[id] = v
	return nil
}

// sortedKeys returns m's keys in order, for deterministic iteration.
func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
