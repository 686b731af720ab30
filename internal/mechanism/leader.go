package mechanism

import (
	"context"
	"encoding/json"
	"time"

	"concord/internal/airspace"
	"concord/internal/store"
)

// Live detection on several nodes (SPEC §5): every node accepts and
// journals track batches, but the live picture is kept by one node at a
// time — the holder of the store's "detector" leadership — which tails the
// journaled batches from the database in journal order. When it dies, its
// database session ends and another node takes over within a couple of
// seconds: it rebuilds the picture from the recent batches and expires the
// alerts its predecessor left open (their conflicts begin again, under new
// alerts, if they still exist).

// catchUpLeaves is how far back in the journal a new leader looks for
// track batches to rebuild the live picture from.
const catchUpLeaves = 5000

// shared reports whether live detection is led by one node of several.
func (m *Mechanism) shared() bool {
	_, ok := m.store.(store.Leader)
	return ok
}

// leadDetection competes for the detector leadership until ctx is done.
func (m *Mechanism) leadDetection(ctx context.Context) {
	leader := m.store.(store.Leader)
	for ctx.Err() == nil {
		lost, release, ok, err := leader.TryLead(ctx, "detector")
		if err != nil && ctx.Err() == nil {
			m.log.Warn("detector leadership", "err", err)
		}
		if ok {
			m.log.Info("this node now detects live conflicts")
			if err := m.detect(ctx, lost); err != nil && ctx.Err() == nil {
				m.log.Error("live detection", "err", err)
			}
			release()
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// detect rebuilds the live picture and follows the journaled track batches
// until leadership is lost.
func (m *Mechanism) detect(ctx context.Context, lost <-chan struct{}) error {
	if err := m.StartAirspace(ctx); err != nil {
		return err
	}
	size, err := m.store.Size(ctx)
	if err != nil {
		return err
	}
	after := max(-1, size-catchUpLeaves-1)
	for {
		wake := m.Changed()
		next, err := m.followBatches(ctx, after)
		if err != nil {
			return err
		}
		if next != after {
			after = next
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-lost:
			return nil
		case <-wake:
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// followBatches feeds the track batches journaled after leaf index after.
func (m *Mechanism) followBatches(ctx context.Context, after int64) (int64, error) {
	rs, err := m.store.Changes(ctx, after, 500)
	if err != nil {
		return after, err
	}
	for _, r := range rs {
		after = r.Leaf
		switch {
		case r.Type == "zone" && r.Kind == "no-fly": // declared on any node
			if err := m.reloadFences(ctx); err != nil {
				return after, err
			}
			continue
		case r.Type == "policy":
			if err := m.loadPolicies(ctx); err != nil {
				return after, err
			}
			continue
		case r.Type != "trackbatch" || r.Kind != "tracks":
			continue
		}
		var b struct{ Tracks []airspace.Track }
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return after, err
		}
		if err := m.feed(ctx, b.Tracks); err != nil {
			return after, err
		}
	}
	return after, nil
}
