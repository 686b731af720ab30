package airspace

// Naive is the reference a Detector is measured against (SPEC §6): the
// latest report of every track in a slice, and each new report compared by
// linear scan with every other track (the same exact pair test as Detect)
// and with every fence (FenceSet.Check). It finds the same conflicts and
// incursions as a Detector, at a cost proportional to the traffic and the
// number of fences rather than to the density around the report.
type Naive struct {
	m      Minima
	lim    limits
	index  map[string]int
	states []state
	fences *FenceSet
	party  map[string]int32
}

// NewNaive returns an empty reference over fences.
func NewNaive(m Minima, fences []Fence) (*Naive, error) {
	fs, err := NewFenceSet(fences)
	if err != nil {
		return nil, err
	}
	m = m.WithDefaults()
	return &Naive{m: m, lim: newLimits(m, DefaultMaxLag, false), index: map[string]int{},
		fences: fs, party: map[string]int32{}}, nil
}

// Update records t and returns how many tracks it is now in conflict with
// and how many fences it is inside or predicted to enter.
func (n *Naive) Update(t Track) (conflicts, incursions int) {
	st := makeState(&t)
	st.pty = intern(n.party, st.party)
	i, ok := n.index[t.ID]
	if !ok {
		i = len(n.states)
		n.index[t.ID] = i
		n.states = append(n.states, st)
	}
	n.states[i] = st
	var c Conflict
	for j := range n.states {
		if j != i && conflictOf(&n.states[i], &n.states[j], &n.lim, &c) {
			conflicts++
		}
	}
	return conflicts, len(n.fences.Check(t, n.m))
}
