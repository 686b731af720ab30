package sim

import (
	"context"
	"fmt"
	"math"
	"time"

	"concord/internal/access"
	"concord/internal/airspace"
)

// convoyFixEvery is how often a convoy's tracker reports its position.
const convoyFixEvery = time.Minute

// driveConvoys moves every convoy one step and sends the aid organisation's
// convoy positions (tracks whose ID is the movement's).
func (s *Sim) driveConvoys(ctx context.Context, t time.Time) {
	if !s.caps["movements"] {
		return
	}
	var fixes []airspace.Track
	for _, c := range s.convoys {
		if c.done {
			continue
		}
		if err := s.drive(ctx, c, t); err != nil {
			s.fail("convoy "+c.Key, err)
			c.done = true
			continue
		}
		if onRoad(c.state) && !t.Before(c.lastFix.Add(convoyFixEvery)) {
			fixes = append(fixes, s.convoyFix(c, t))
			c.lastFix = t
		}
	}
	if len(fixes) > 0 {
		s.fail("convoy positions", s.send(ctx, "H", "tracks", "POST", "/v1/tracks", fixes, nil))
	}
}

func onRoad(st access.State) bool {
	return st == access.EnRoute || st == access.Blocked || st == access.Attacked
}

// drive is one step of a convoy's day: requested; approved or denied (by
// the parties, as the journal shows); on the road from the start of its
// window, stopping at checkpoints — held at one if the scenario says so,
// turned back if held too long; struck on the road if the scenario says so;
// arrived; delivered after unloading.
func (s *Sim) drive(ctx context.Context, c *convoy, t time.Time) error {
	switch c.state {
	case "planned":
		if t.Before(c.RequestAt) {
			return nil
		}
		return s.request(ctx, c)
	case access.Requested:
		if mv := s.f.movements[c.id]; mv != nil && mv.State != access.Requested {
			c.state = mv.State
			c.done = mv.State == access.Denied || mv.State == access.Cancelled
		}
	case access.Approved:
		if !t.Before(c.Start) {
			c.lastFix = t.Add(-convoyFixEvery)
			return s.setState(ctx, c, access.EnRoute, "Departed "+c.Road.From+".", nil)
		}
	case access.EnRoute:
		return s.roll(ctx, c, t)
	case access.Blocked:
		if t.Before(c.waitTill) {
			return nil
		}
		if c.Outcome == cancel {
			c.done = true
			return s.setState(ctx, c, access.Cancelled, "Turned back after hours held at the checkpoint.", nil)
		}
		return s.setState(ctx, c, access.EnRoute, "Let through at the checkpoint.", nil)
	case access.Attacked:
		if !t.Before(c.waitTill) {
			return s.setState(ctx, c, access.EnRoute, "Moving again with the vehicles that can.", nil)
		}
	case access.Arrived:
		if !t.Before(c.waitTill) {
			c.done = true
			return s.deliver(ctx, c)
		}
	}
	return nil
}

func (s *Sim) request(ctx context.Context, c *convoy) error {
	dest := s.zoneIDs[c.Road.To]
	if dest == "" {
		return fmt.Errorf("no besieged area %q", c.Road.To)
	}
	var out struct {
		Movement access.Movement `json:"movement"`
	}
	if err := s.send(ctx, "H", "movements", "POST", "/v1/movements", c.input(dest), &out); err != nil {
		return err
	}
	c.id, c.state = out.Movement.ID, out.Movement.State
	s.byMove[c.id] = c
	return nil
}

func (s *Sim) setState(ctx context.Context, c *convoy, st access.State, note string, in *access.StatusInput) error {
	if in == nil {
		in = &access.StatusInput{}
	}
	in.State, in.Note = st, note
	err := s.send(ctx, "H", "movement status", "POST", "/v1/movements/"+c.id+"/status", in, nil)
	if err != nil {
		return err
	}
	c.state = st
	return nil
}

// roll drives an en-route convoy for one step, unless it is stopped.
func (s *Sim) roll(ctx context.Context, c *convoy, t time.Time) error {
	if t.Before(c.waitTill) {
		return nil
	}
	length := c.Road.length()
	c.at = math.Min(length, c.at+c.SpeedKmh/3.6*s.step.Seconds())
	if c.AttackAt > 0 && c.at >= c.AttackAt*length {
		c.at, c.AttackAt = c.AttackAt*length, 0
		c.waitTill = t.Add(time.Duration(15+c.rng.IntN(11)) * time.Minute)
		where, _ := c.Road.position(c.at)
		for _, pr := range attackReports(c, where, t) {
			s.agenda.add(pr.At, "report/"+pr.Key, s.submitReport(pr))
		}
		return s.setState(ctx, c, access.Attacked, "Struck on the road; vehicles hit, drivers injured.", nil)
	}
	if c.stop < len(c.Road.Checkpoints) && c.at >= c.Road.Checkpoints[c.stop]*length {
		c.at = c.Road.Checkpoints[c.stop] * length
		c.stop++
		if c.stop == 1 && (c.Outcome == blocked || c.Outcome == cancel) {
			held := 20 + c.rng.IntN(16)
			if c.Outcome == cancel {
				held = 30 + c.rng.IntN(16)
			}
			c.waitTill = t.Add(time.Duration(held) * time.Minute)
			return s.setState(ctx, c, access.Blocked, fmt.Sprintf("Held at checkpoint %d.", c.stop), nil)
		}
		c.waitTill = t.Add(time.Duration(3+c.rng.IntN(10)) * time.Minute)
		return nil
	}
	if c.at >= length {
		c.waitTill = t.Add(time.Duration(15+c.rng.IntN(16)) * time.Minute)
		return s.setState(ctx, c, access.Arrived, "Arrived; unloading.", nil)
	}
	return nil
}

// deliver reports the delivery: in full, or in part (half to four fifths
// of each line) for a convoy the scenario has deliver in part or that was
// struck on the way.
func (s *Sim) deliver(ctx context.Context, c *convoy) error {
	in := &access.StatusInput{Delivery: "full"}
	people := c.People
	if c.Outcome == partial || c.Outcome == attacked {
		share := 0.5 + 0.3*c.rng.Float64()
		in.Delivery = "partial"
		for _, l := range c.Cargo {
			in.Delivered = append(in.Delivered, access.CargoLine{Item: l.Item, Unit: l.Unit, Quantity: math.Max(1, math.Floor(l.Quantity*share))})
		}
		people = int(float64(people) * share)
	}
	in.Beneficiaries = &people
	return s.setState(ctx, c, access.Delivered, "Delivered; distribution by the local council.", in)
}

// convoyFix is the convoy's tracker report at t: on its road, or — during
// its detour — about two kilometres off it, outside its corridor.
func (s *Sim) convoyFix(c *convoy, t time.Time) airspace.Track {
	pos, heading := c.Road.position(c.at)
	moving := c.state == access.EnRoute && !t.Before(c.waitTill)
	if c.Detour > 0 && c.at >= c.Detour*c.Road.length() && c.state == access.EnRoute {
		if c.detourEnd.IsZero() {
			c.detourEnd = t.Add(time.Duration(8+c.rng.IntN(8)) * time.Minute)
		}
		if t.Before(c.detourEnd) {
			pos = destination(pos, heading+90, 2000)
		} else {
			c.Detour = 0
		}
	}
	gs := 0.0
	if moving {
		gs = round(c.SpeedKmh/3.6*ktPerMS, 10)
	}
	return airspace.Track{ID: c.id, Lat: round(pos.Lat, 1e6), Lon: round(pos.Lon, 1e6), AltFt: c.Road.ElevFt,
		GsKt: gs, TrackDeg: math.Mod(round(heading, 10), 360), Time: t.UTC()}
}
