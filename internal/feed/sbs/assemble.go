package sbs

import (
	"time"

	"concord/internal/airspace"
)

// DefaultMaxAge is how old a position, altitude or velocity may be and
// still be combined with newer parts.
const DefaultMaxAge = 10 * time.Second

// Assembler merges the messages of each aircraft into airspace tracks. An
// ADS-B aircraft sends its position (MSG,3, or MSG,2 on the surface), its
// velocity (MSG,4) and its altitude in separate messages; the Assembler
// yields a track when it has all three, none older than MaxAge than the
// position. The track's ID is the hex ident, its Party the Assembler's, its
// time the position's; a missing vertical rate counts as 0.
//
// A message's time is its generated time, else its logged time; a message
// with neither is ignored, as is any part older than the one held. An
// Assembler is not safe for concurrent use.
type Assembler struct {
	party  string
	maxAge time.Duration
	ac     map[uint32]*aircraft
}

type aircraft struct {
	id                  string
	lat, lon            float64
	alt                 float64
	gs, trk, vr         float64
	posAt, altAt, velAt time.Time
	vrAt                time.Time
	callsign            string
	last                time.Time
}

// NewAssembler returns an Assembler of tracks for party; maxAge ≤ 0 means
// DefaultMaxAge.
func NewAssembler(party string, maxAge time.Duration) *Assembler {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	return &Assembler{party: party, maxAge: maxAge, ac: map[uint32]*aircraft{}}
}

// Len returns the number of aircraft held.
func (a *Assembler) Len() int { return len(a.ac) }

// Add merges a message. It returns a track when the message brought a new
// position or velocity and the aircraft's position, altitude and velocity
// are all known and fresh.
func (a *Assembler) Add(m Message) (airspace.Track, bool) {
	at, ok := messageTime(&m)
	if !ok {
		return airspace.Track{}, false
	}
	key := m.ICAO
	if m.NonICAO {
		key |= 1 << 24
	}
	ac := a.ac[key]
	if ac == nil {
		ac = &aircraft{id: m.HexIdent()}
		a.ac[key] = ac
	}
	if at.After(ac.last) {
		ac.last = at
	}
	moved := ac.merge(&m, at)
	if !moved {
		return airspace.Track{}, false
	}
	return a.track(ac)
}

func messageTime(m *Message) (time.Time, bool) {
	switch {
	case m.Has&HasGenerated != 0:
		return m.Generated, true
	case m.Has&HasLogged != 0:
		return m.Logged, true
	}
	return time.Time{}, false
}

// merge takes the message's parts that are newer than those held and
// reports whether it brought a position or a velocity.
func (ac *aircraft) merge(m *Message, at time.Time) (moved bool) {
	if m.Has&HasCallsign != 0 {
		ac.callsign = m.Callsign
	}
	if m.Has&HasAltitude != 0 && !at.Before(ac.altAt) {
		ac.alt, ac.altAt = m.AltitudeFt, at
	}
	if m.HasAll(HasPosition) && !at.Before(ac.posAt) {
		ac.lat, ac.lon, ac.posAt, moved = m.Lat, m.Lon, at, true
	}
	if m.HasAll(HasGroundSpeed|HasTrack) && !at.Before(ac.velAt) {
		ac.gs, ac.trk, ac.velAt, moved = m.GroundSpeedKt, m.TrackDeg, at, true
	}
	if m.Has&HasVerticalRate != 0 && !at.Before(ac.vrAt) {
		ac.vr, ac.vrAt = m.VerticalRateFpm, at
	}
	return moved
}

func (a *Assembler) track(ac *aircraft) (airspace.Track, bool) {
	if ac.posAt.IsZero() || ac.altAt.IsZero() || ac.velAt.IsZero() ||
		a.stale(ac.altAt, ac.posAt) || a.stale(ac.velAt, ac.posAt) {
		return airspace.Track{}, false
	}
	vr := ac.vr
	if ac.vrAt.IsZero() || a.stale(ac.vrAt, ac.posAt) {
		vr = 0
	}
	t := airspace.Track{ID: ac.id, Party: a.party, Lat: ac.lat, Lon: ac.lon, AltFt: ac.alt,
		GsKt: ac.gs, TrackDeg: ac.trk, VsFpm: vr, Time: ac.posAt}
	return t, t.Validate() == nil
}

// stale reports whether a part taken at t is more than maxAge from ref.
func (a *Assembler) stale(t, ref time.Time) bool {
	d := ref.Sub(t)
	return d > a.maxAge || -d > a.maxAge
}

// Callsign returns the last callsign heard from an aircraft, by hex ident.
func (a *Assembler) Callsign(icao uint32) string {
	if ac := a.ac[icao]; ac != nil {
		return ac.callsign
	}
	return ""
}

// Expire forgets the aircraft not heard from for more than MaxAge at now.
func (a *Assembler) Expire(now time.Time) {
	for k, ac := range a.ac {
		if now.Sub(ac.last) > a.maxAge {
			delete(a.ac, k)
		}
	}
}
