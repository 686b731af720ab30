package airspace

import (
	"fmt"

	"concord"
)

// FenceSet is a list of compiled fences checked one by one: the linear
// reference for the Detector's fence index.
type FenceSet struct{ fences []*fenceGeom }

// NewFenceSet validates and compiles fences; the error names the fence by
// index.
func NewFenceSet(fences []Fence) (*FenceSet, error) {
	s := &FenceSet{}
	for i := range fences {
		g, err := compileFence(&fences[i])
		if err != nil {
			return nil, concord.Prefix(fmt.Sprintf("fences[%d]", i), err)
		}
		s.fences = append(s.fences, g)
	}
	return s, nil
}

// Check returns the report's incursions, in fence order: every fence that
// applies to its party which it is inside now or will enter within the
// look-ahead along its straight-line 3-D path. An invalid report has none.
func (s *FenceSet) Check(t Track, m Minima) []Incursion {
	if !t.valid() {
		return nil
	}
	st := makeState(&t)
	look := m.WithDefaults().LookaheadS
	var out []Incursion
	var buf []span
	for _, g := range s.fences {
		if !g.appliesTo(t.Party) {
			continue
		}
		if inc, ok := g.incursion(&st, look, &buf); ok {
			out = append(out, inc)
		}
	}
	return out
}
