package airspace

import (
	"math"
	"slices"
	"time"
)

// DefaultMaxLag is how far apart in time two reports may be and still be
// compared, and how long a silent track lives in a Detector. A track silent
// for 30 s at 500 kt has flown 4 NM on a heading nobody knows; extrapolating
// it further would be fiction.
const DefaultMaxLag = 30 * time.Second

// Options tune Detect and DetectBruteForce.
type Options struct {
	// SameParty also compares aircraft of the same party. By default only
	// cross-party pairs are compared (issue 3).
	SameParty bool
	// MaxLag: two reports further apart in time are not compared (the older
	// is stale). Zero means DefaultMaxLag.
	MaxLag time.Duration
	// Now, if set, first drops reports older than Now − MaxLag, as
	// Detector.Expire(Now) would.
	Now time.Time
}

func (o Options) maxLag() time.Duration {
	if o.MaxLag <= 0 {
		return DefaultMaxLag
	}
	return o.MaxLag
}

// Detect returns every conflict among a snapshot of reports, sorted by
// (A, B), using a grid broadphase whose cost follows traffic density. It
// returns exactly what DetectBruteForce returns.
//
// Invalid reports (Track.Validate) are skipped. Where several reports share
// an ID, the latest wins (the last of equal times), as in a Detector.
func Detect(tracks []Track, m Minima, opts Options) []Conflict {
	sts, lim := prepare(tracks, m, opts)
	if len(sts) < 2 {
		return nil
	}
	sw := snapshotSweep(sts, &lim)
	sw.layer = math.Inf(1) // one layer: cells sort by altitude instead
	boxes := make([]box, len(sts))
	for i := range sts {
		boxes[i] = sw.boxOf(&sts[i])
	}
	sts, boxes = byFloor(sts, boxes)
	g := buildBatchGrid(boxes, sts)
	out := make([]Conflict, 0, len(sts)/2)
	for ci := range g.cells {
		out = g.cellConflicts(ci, sts, &lim, out)
	}
	slices.SortFunc(out, compareConflicts)
	return out
}

// DetectBruteForce runs the exact pair test of Detect on every pair. It is
// the reference Detect is checked against.
func DetectBruteForce(tracks []Track, m Minima, opts Options) []Conflict {
	sts, lim := prepare(tracks, m, opts)
	var out []Conflict
	var c Conflict
	for i := range sts {
		for j := i + 1; j < len(sts); j++ {
			if conflictOf(&sts[i], &sts[j], &lim, &c) {
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, compareConflicts)
	return out
}

// prepare filters and converts a snapshot: valid reports, not stale, the
// latest per ID.
func prepare(tracks []Track, m Minima, opts Options) ([]state, limits) {
	lim := newLimits(m, opts.maxLag(), opts.SameParty)
	latest := make(map[string]int, len(tracks))
	for i := range tracks {
		t := &tracks[i]
		if !t.valid() || (!opts.Now.IsZero() && int64(opts.Now.Sub(t.Time)) > lim.maxLag) {
			continue
		}
		if j, ok := latest[t.ID]; !ok || !t.Time.Before(tracks[j].Time) {
			latest[t.ID] = i
		}
	}
	sts := make([]state, 0, len(latest))
	parties := map[string]int32{}
	for i := range tracks {
		if j, ok := latest[tracks[i].ID]; ok && j == i {
			st := makeState(&tracks[i])
			st.pty = intern(parties, st.party)
			sts = append(sts, st)
		}
	}
	return sts, lim
}

// snapshotSweep sizes the broadphase for a snapshot: its centroid, its
// spread of report times (at most the max lag) and its fastest aircraft.
func snapshotSweep(sts []state, lim *limits) sweep {
	var c vec3
	lo, hi := sts[0].t, sts[0].t
	maxGs := 0.0
	for i := range sts {
		c = c.add(sts[i].p)
		lo, hi = min(lo, sts[i].t), max(hi, sts[i].t)
		maxGs = max(maxGs, sts[i].gs)
	}
	lag := float64(min(hi-lo, lim.maxLag)) * 1e-9
	return newSweep(newFrame(c), lim, lim.t+lag, maxGs)
}

func intern(m map[string]int32, s string) int32 {
	i, ok := m[s]
	if !ok {
		i = int32(len(m))
		m[s] = i
	}
	return i
}

// byFloor returns states and boxes in increasing order of the boxes' floors,
// the order the grid's cells are swept in, so that the sweep reads states
// nearly in order.
func byFloor(sts []state, boxes []box) ([]state, []box) {
	order := make([]int32, len(boxes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmpFloat(boxes[a].lo[3], boxes[b].lo[3]) })
	s2, b2 := make([]state, len(sts)), make([]box, len(boxes))
	for i, j := range order {
		s2[i], b2[i] = sts[j], boxes[j]
	}
	return s2, b2
}
