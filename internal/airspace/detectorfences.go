package airspace

import (
	"math"
	"slices"
)

// AddFence validates and adds a fence (replacing one with the same ID) and
// returns the fence events of the live tracks it concerns.
func (d *Detector) AddFence(f Fence) ([]Change, error) {
	g, err := compileFence(&f)
	if err != nil {
		return nil, err
	}
	d.out = d.out[:0]
	if fi, ok := d.fenceID[f.ID]; ok {
		d.removeFence(fi)
	}
	if !d.framed {
		d.setFrame(g.c)
	}
	lf := liveFence{g: g, id: f.ID, alive: true}
	lf.lo, lf.hi = fenceBox(g, &d.sw.f)
	for _, p := range f.AppliesTo {
		lf.ptys = append(lf.ptys, intern(d.parties, p))
	}
	fi := d.newFence(lf)
	d.fgrid.insert(fi, &d.fences[fi])
	for i := range d.slots {
		if s := &d.slots[i]; s.alive {
			d.epoch++
			fb := d.sw.boxFor(&s.st, d.lim.t, 1, 0)
			l := trackLeg(&s.st, d.lim.t)
			d.fenceCandidate(int32(i), fi, &fb, &l)
		}
	}
	return d.out, nil
}

func (d *Detector) newFence(lf liveFence) int32 {
	var fi int32
	if n := len(d.freeF); n > 0 {
		fi, d.freeF = d.freeF[n-1], d.freeF[:n-1]
		d.fences[fi] = lf
	} else {
		fi = int32(len(d.fences))
		d.fences = append(d.fences, lf)
		d.fstamp = append(d.fstamp, 0)
	}
	d.fenceID[lf.id] = fi
	return fi
}

// RemoveFence removes a fence, returning Exit and PredictionCleared for the
// tracks that were inside it or predicted to enter.
func (d *Detector) RemoveFence(id string) []Change {
	d.out = d.out[:0]
	if fi, ok := d.fenceID[id]; ok {
		d.removeFence(fi)
	}
	return d.out
}

func (d *Detector) removeFence(fi int32) {
	lf := &d.fences[fi]
	delete(d.fenceID, lf.id)
	d.fgrid.remove(fi, lf)
	for i := range d.slots {
		s := &d.slots[i]
		for k := range s.fl {
			if s.fl[k].fence == fi {
				d.clearFence(int32(i), k)
				break
			}
		}
	}
	*lf = liveFence{}
	d.freeF = append(d.freeF, fi)
}

// checkFences re-tests slot u against the fences near its box and clears
// the fence states it no longer has.
func (d *Detector) checkFences(u int32) {
	s := &d.slots[u]
	if s.fgen != d.fgrid.gen {
		s.fcells = d.fgrid.cellsOf(&s.loose, s.fcells)
		s.fgen = d.fgrid.gen
	}
	fb := d.sw.boxFor(&s.st, d.lim.t, 1, 0)
	l := trackLeg(&s.st, d.lim.t)
	for _, ci := range s.fcells {
		for _, fi := range d.fgrid.cells[ci] {
			if d.fstamp[fi] != d.epoch {
				d.fstamp[fi] = d.epoch
				d.fenceCandidate(u, fi, &fb, &l)
			}
		}
	}
	for k := 0; k < len(s.fl); {
		if s.fl[k].stamp != d.epoch {
			d.clearFence(u, k)
			continue
		}
		k++
	}
}

// fenceCandidate tests slot u, whose path over the look-ahead is l, in box
// fb, against fence fi and records the outcome.
func (d *Detector) fenceCandidate(u, fi int32, fb *box, l *leg) {
	s := &d.slots[u]
	lf := &d.fences[fi]
	if !lf.alive || (len(lf.ptys) > 0 && !slices.Contains(lf.ptys, s.st.pty)) ||
		!lf.mayMeet(fb, s.st.t, d.lim.t) {
		return
	}
	inc, ok := lf.g.incursionOn(&s.st, *l, &d.spans)
	if !ok {
		return
	}
	d.fenceState(u, fi, &inc)
}

// fenceState records that slot u is inside fence fi or predicted to enter
// it, emitting what changed.
func (d *Detector) fenceState(u, fi int32, inc *Incursion) {
	s := &d.slots[u]
	for k := range s.fl {
		fl := &s.fl[k]
		if fl.fence != fi {
			continue
		}
		fl.stamp = d.epoch
		was := fl.inc.Inside
		fl.inc = *inc
		switch {
		case was && !inc.Inside:
			fl.announced = entryTime(inc)
			d.out = append(d.out, Change{Kind: Exit, Incursion: d.here(s, fi)}, Change{Kind: PredictedEntry, Incursion: *inc})
		case !was && inc.Inside:
			d.out = append(d.out, Change{Kind: Enter, Incursion: *inc})
		case !inc.Inside && math.Abs(fl.announced-entryTime(inc)) > d.cfg.MaterialTcpaS:
			fl.announced = entryTime(inc)
			d.out = append(d.out, Change{Kind: PredictedEntry, Incursion: *inc})
		}
		return
	}
	s.fl = append(s.fl, fenceLink{fence: fi, stamp: d.epoch, inc: *inc, announced: entryTime(inc)})
	kind := PredictedEntry
	if inc.Inside {
		kind = Enter
	}
	d.out = append(d.out, Change{Kind: kind, Incursion: *inc})
}

func entryTime(inc *Incursion) float64 {
	return float64(inc.At.UnixNano())*1e-9 + inc.TimeToEntryS
}

// clearFence ends the k-th fence state of slot u.
func (d *Detector) clearFence(u int32, k int) {
	s := &d.slots[u]
	fl := s.fl[k]
	s.fl = slices.Delete(s.fl, k, k+1)
	kind := PredictionCleared
	if fl.inc.Inside {
		kind = Exit
	}
	d.out = append(d.out, Change{Kind: kind, Incursion: d.here(s, fl.fence)})
}

// here is the incursion record of a track's current position, for Exit and
// PredictionCleared.
func (d *Detector) here(s *slot, fi int32) Incursion {
	lat, lon, at := positionNow(&s.st)
	return Incursion{Fence: d.fences[fi].id, Track: s.st.id, Party: s.st.party, Lat: lat, Lon: lon, AltFt: s.st.z, At: at}
}
