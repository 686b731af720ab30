package airspace

import (
	"slices"
	"time"
)

// DetectorConfig configures a Detector. Zero fields take their defaults.
type DetectorConfig struct {
	Minima Minima
	// StaleAfter: a track silent for longer is dropped by Expire, and two
	// reports further apart in time are not compared (Options.MaxLag).
	// Default DefaultMaxLag.
	StaleAfter time.Duration
	// SameParty also compares aircraft of one party (default: cross-party
	// only).
	SameParty bool
	// A conflict has changed materially when its time of closest approach
	// moved by more than MaterialTcpaS (default 30 s), its distance at
	// closest approach by more than MaterialDcpaNM (default 0.5 NM), or the
	// aircraft above at CPA is now below. A predicted fence entry is re-sent
	// when its entry time moves by more than MaterialTcpaS.
	MaterialTcpaS  float64
	MaterialDcpaNM float64
	// GridLat, GridLon centre the grid; both zero means the first report's
	// or fence's position. Any centre is correct; a near one is faster.
	GridLat, GridLon float64
	// MaxGsKt is the ground speed the grid is first sized for (default
	// 600 kt); a faster report re-sizes it.
	MaxGsKt float64
}

func (c DetectorConfig) withDefaults() DetectorConfig {
	c.Minima = c.Minima.WithDefaults()
	if c.StaleAfter <= 0 {
		c.StaleAfter = DefaultMaxLag
	}
	if c.MaterialTcpaS <= 0 {
		c.MaterialTcpaS = DefaultMaterialTcpaS
	}
	if c.MaterialDcpaNM <= 0 {
		c.MaterialDcpaNM = DefaultMaterialDcpaNM
	}
	if c.MaxGsKt <= 0 {
		c.MaxGsKt = 600
	}
	return c
}

// Detector keeps the latest report of every track, the conflicts among them
// and their fence incursions, and turns each report into the changes it
// causes. A report re-checks only its own track, against its candidates.
//
// Each track is entered in the grid with a loose box: its swept box widened
// by what it flies in a few seconds, so it moves in the grid only when a
// report leaves that box. Each track also keeps its candidates, the tracks
// whose loose boxes overlap its own (a broadphase pair cache, as in Box2D's
// dynamic tree with fat boxes), updated on both sides when it moves in the
// grid; most reports therefore touch no grid cell at all.
//
// After any sequence of updates, Conflicts equals what Detect returns for
// the live tracks' latest reports with Options{MaxLag: StaleAfter,
// SameParty: SameParty}, numbers included (TestDetectorEqualsDetect).
//
// A Detector is not safe for concurrent use. The slices it returns are
// valid until its next call.
type Detector struct {
	cfg     DetectorConfig
	lim     limits
	framed  bool
	sw      sweep
	maxGs   float64 // m/s the sweep is sized for
	grid    liveGrid
	slots   []slot
	boxes   []box32 // slots' swept boxes, compact for the candidate scan
	sts     []state // slots' states, dense for the candidate scan
	free    []int32
	byID    map[string]int32
	parties map[string]int32
	confs   []confRec
	freeC   []int32
	fences  []liveFence
	freeF   []int32
	fenceID map[string]int32
	fgrid   fenceGrid
	fstamp  []uint32
	epoch   uint32
	out     []Change
	spans   []span
}

// slot is a track in a Detector.
type slot struct {
	st     state
	box    box     // swept box of the latest report
	loose  box     // the box entered in the grid; contains box
	cells  []int32 // grid cells of loose
	cand   []int32 // the slots whose loose boxes overlap loose (same party only if compared)
	fcells []int32 // fence-grid cells of loose
	fgen   uint32  // fence-grid generation fcells was computed at
	links  []link
	fl     []fenceLink
	alive  bool
}

type link struct {
	other, conf int32
	stamp       uint32
}

type confRec struct {
	cur, reported Conflict
}

type fenceLink struct {
	fence     int32
	stamp     uint32
	inc       Incursion // as last computed
	announced float64   // entry time last sent in a PredictedEntry, Unix seconds
}

// NewDetector returns an empty Detector.
func NewDetector(cfg DetectorConfig) *Detector {
	cfg = cfg.withDefaults()
	d := &Detector{
		cfg: cfg, lim: newLimits(cfg.Minima, cfg.StaleAfter, cfg.SameParty),
		grid: newLiveGrid(), byID: map[string]int32{}, parties: map[string]int32{},
		fenceID: map[string]int32{}, fgrid: newFenceGrid(), maxGs: cfg.MaxGsKt * msPerKt,
	}
	if cfg.GridLat != 0 || cfg.GridLon != 0 {
		d.setFrame(unitVector(cfg.GridLat, cfg.GridLon))
	}
	return d
}

func (d *Detector) setFrame(center vec3) {
	d.framed = true
	d.sw = newSweep(newFrame(center), &d.lim, d.lim.t+float64(d.lim.maxLag)*1e-9, d.maxGs)
	d.sw.layer = liveLayer
	d.sw.cell = max(minCellM, 2*d.sw.padH+liveCellFactor*d.maxGs*d.sw.s)
}

// Len returns the number of live tracks.
func (d *Detector) Len() int { return len(d.byID) }

// Update takes a report and returns the changes it causes: conflicts of its
// track that began, changed materially or ended, and its fence events. A
// report that fails Track.Validate, or is older than the track's latest, is
// ignored.
func (d *Detector) Update(t Track) []Change {
	d.out = d.out[:0]
	if !t.valid() {
		return nil
	}
	i, ok := d.byID[t.ID]
	if ok && t.Time.UnixNano() < d.slots[i].st.t {
		return nil
	}
	st := makeState(&t)
	if !d.framed {
		d.setFrame(st.p)
	}
	if st.gs > d.maxGs {
		d.resize(st.gs)
	}
	if !ok {
		i = d.newSlot(t.ID)
	}
	d.place(i, st)
	d.epoch++
	d.check(i)
	if len(d.fences) > 0 {
		d.checkFences(i)
	}
	return d.out
}

func (d *Detector) newSlot(id string) int32 {
	var i int32
	if n := len(d.free); n > 0 {
		i, d.free = d.free[n-1], d.free[:n-1]
	} else {
		i = int32(len(d.slots))
		d.slots = append(d.slots, slot{})
		d.boxes = append(d.boxes, box32{})
		d.sts = append(d.sts, state{})
	}
	d.byID[id] = i
	d.slots[i].alive = true
	return i
}

// place stores a report and keeps its loose box in the grid.
func (d *Detector) place(i int32, st state) {
	s := &d.slots[i]
	if s.alive && s.st.party == st.party && len(s.cells) > 0 {
		st.pty = s.st.pty
	} else {
		st.pty = intern(d.parties, st.party)
	}
	fresh := len(s.cells) == 0 || st.pty != s.st.pty
	s.st = st
	s.box = d.sw.boxOf(&s.st)
	d.boxes[i], d.sts[i] = newBox32(&s.box), s.st
	if !fresh && s.loose.contains(&s.box) {
		return
	}
	d.grid.remove(i, s.cells)
	d.unlink(i)
	h, v := looseMargins(&s.st)
	s.loose = d.sw.loosen(s.box, h, v)
	d.link(i)
	s.cells = d.grid.insert(&s.loose, i, st.pty, s.cells)
	s.fgen = d.fgrid.gen - 1 // fence cells are stale
}

// link finds the candidates of slot u in the grid, on both sides. The grid
// does not yet hold u.
func (d *Detector) link(u int32) {
	s := &d.slots[u]
	s.cand = s.cand[:0]
	d.grid.each(&s.loose, func(c *[4]int32, it *liveItem) {
		if (it.pty != s.st.pty || d.lim.sameParty) && canonical4(&s.loose.c0, &it.c0, c) && it.overlapsBox(&s.loose) {
			s.cand = append(s.cand, it.slot)
			d.slots[it.slot].cand = append(d.slots[it.slot].cand, u)
		}
	})
}

// unlink removes slot u from its candidates' lists.
func (d *Detector) unlink(u int32) {
	s := &d.slots[u]
	for _, v := range s.cand {
		o := &d.slots[v]
		if k := slices.Index(o.cand, u); k >= 0 {
			o.cand[k] = o.cand[len(o.cand)-1]
			o.cand = o.cand[:len(o.cand)-1]
		}
	}
	s.cand = s.cand[:0]
}

// resize grows the speed the grid is sized for and re-enters every track.
func (d *Detector) resize(gs float64) {
	d.maxGs = gs * 1.25
	d.setFrame(d.sw.f.z)
	d.grid = newLiveGrid()
	for i := range d.slots {
		s := &d.slots[i]
		s.cells, s.cand = s.cells[:0], s.cand[:0]
	}
	for i := range d.slots {
		if s := &d.slots[i]; s.alive {
			d.place(int32(i), s.st)
		}
	}
}

// check re-tests slot u against its candidates and ends the conflicts it no
// longer has.
func (d *Detector) check(u int32) {
	s := &d.slots[u]
	var cf Conflict
	b := &d.boxes[u]
	for _, v := range s.cand {
		if b.overlaps(&d.boxes[v]) && conflictOf(&d.sts[u], &d.sts[v], &d.lim, &cf) {
			d.found(u, v, &cf)
		}
	}
	for k := 0; k < len(s.links); {
		if l := s.links[k]; l.stamp != d.epoch {
			d.endConflict(u, k)
			continue
		}
		k++
	}
}

// found records a conflict of u and v found by u's update.
func (d *Detector) found(u, v int32, c *Conflict) {
	s := &d.slots[u]
	for k := range s.links {
		if l := &s.links[k]; l.other == v {
			l.stamp = d.epoch
			r := &d.confs[l.conf]
			r.cur = *c
			if material(&r.reported, c, d.cfg.MaterialTcpaS, d.cfg.MaterialDcpaNM) {
				r.reported = *c
				d.out = append(d.out, Change{Kind: Changed, Conflict: *c})
			}
			return
		}
	}
	ci := d.newConf(c)
	s.links = append(s.links, link{other: v, conf: ci, stamp: d.epoch})
	d.slots[v].links = append(d.slots[v].links, link{other: u, conf: ci})
	d.out = append(d.out, Change{Kind: Began, Conflict: *c})
}

func (d *Detector) newConf(c *Conflict) int32 {
	if n := len(d.freeC); n > 0 {
		i := d.freeC[n-1]
		d.freeC = d.freeC[:n-1]
		d.confs[i] = confRec{*c, *c}
		return i
	}
	d.confs = append(d.confs, confRec{*c, *c})
	return int32(len(d.confs) - 1)
}

// endConflict ends the k-th conflict of slot u, on both sides.
func (d *Detector) endConflict(u int32, k int) {
	s := &d.slots[u]
	l := s.links[k]
	s.links = slices.Delete(s.links, k, k+1)
	o := &d.slots[l.other]
	for j := range o.links {
		if o.links[j].other == u {
			o.links = slices.Delete(o.links, j, j+1)
			break
		}
	}
	d.out = append(d.out, Change{Kind: Ended, Conflict: d.confs[l.conf].cur})
	d.confs[l.conf] = confRec{}
	d.freeC = append(d.freeC, l.conf)
}

// Expire drops every track silent for more than StaleAfter at now, ending
// its conflicts (Ended) and fence states (Exit, PredictionCleared). It costs
// one pass over the tracks; call it about once a second.
func (d *Detector) Expire(now time.Time) []Change {
	d.out = d.out[:0]
	limit := now.UnixNano() - d.lim.maxLag
	for i := range d.slots {
		if s := &d.slots[i]; s.alive && s.st.t < limit {
			d.drop(int32(i))
		}
	}
	return d.out
}

func (d *Detector) drop(u int32) {
	s := &d.slots[u]
	for len(s.links) > 0 {
		d.endConflict(u, len(s.links)-1)
	}
	for len(s.fl) > 0 {
		d.clearFence(u, len(s.fl)-1)
	}
	d.grid.remove(u, s.cells)
	d.unlink(u)
	delete(d.byID, s.st.id)
	*s = slot{cells: s.cells[:0], cand: s.cand[:0], fcells: s.fcells[:0], links: s.links[:0], fl: s.fl[:0]}
	d.free = append(d.free, u)
}

// Conflicts returns the current conflicts sorted by (A, B), each as last
// computed.
func (d *Detector) Conflicts() []Conflict {
	var out []Conflict
	for i := range d.slots {
		s := &d.slots[i]
		for _, l := range s.links {
			if l.other > int32(i) {
				out = append(out, d.confs[l.conf].cur)
			}
		}
	}
	slices.SortFunc(out, compareConflicts)
	return out
}

// Incursions returns the current fence incursions (inside or predicted)
// sorted by track, then fence.
func (d *Detector) Incursions() []Incursion {
	var out []Incursion
	for i := range d.slots {
		for _, fl := range d.slots[i].fl {
			out = append(out, fl.inc)
		}
	}
	slices.SortFunc(out, compareIncursions)
	return out
}

func compareIncursions(a, b Incursion) int {
	if a.Track != b.Track {
		return cmpString(a.Track, b.Track)
	}
	return cmpString(a.Fence, b.Fence)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// The live grid's altitude layers (feet) and cell size (a fraction of the
// longest swept path), tuned by BenchmarkDetectorUpdate.
const liveLayer, liveCellFactor = 4000.0, 0.3
