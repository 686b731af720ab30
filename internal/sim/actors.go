package sim

import (
	"context"
	"strconv"
	"strings"
	"time"

	"concord/internal/mechanism"
	"concord/internal/zones"
)

// learn reads the journal since the last step and schedules each actor's
// reaction to what it would be shown: the involved parties acknowledge an
// alert, the armed parties a site notified to them, the parties whose
// consent a movement needs answer it, the observers assess incidents, and
// the parties answer requests for information.
func (s *Sim) learn(ctx context.Context) error {
	chs, err := s.f.poll(ctx)
	if err != nil {
		return err
	}
	for _, ch := range chs {
		switch ch.Type {
		case "alert":
			s.onAlert(ch.ID)
		case "zone":
			s.onZone(ch.ID)
		case "movement":
			s.onMovement(ch.ID)
		case "incident":
			s.onIncident(ch.ID)
		case "rfi":
			s.onRFI(ch.ID)
		}
	}
	return nil
}

// once reports whether key is new, and marks it seen.
func (s *Sim) once(key string) bool {
	if s.done[key] {
		return false
	}
	s.done[key] = true
	return true
}

// onAlert: each involved party (the coordinator for an escalation)
// acknowledges the alert, most within the deadline, some late.
func (s *Sim) onAlert(id string) {
	al := s.f.alerts[id]
	key := s.alertKey(al)
	for _, p := range al.Parties {
		if s.as[p] == nil || !s.once("ack/"+id+"/"+p) {
			continue
		}
		s.agenda.add(al.CreatedAt.Add(ackDelay(s.o.Seed, p, key)), "ack/"+p+"/"+key, func(ctx context.Context, _ time.Time) error {
			err := s.send(ctx, p, "alert acknowledgements", "POST", "/v1/alerts/"+id+"/ack", nil, nil)
			if status(err) == 409 {
				return nil // acknowledged already
			}
			return err
		})
	}
}

// ackDelay is how long who takes to acknowledge an alert: an armed party's
// operations centre within 6–45 s, one time in seven late (1½ to 7
// minutes); the aid organisation within 20–50 s, one time in four late (up
// to 10 minutes); the coordinator an escalation within 10–50 s.
func ackDelay(seed uint64, who, key string) time.Duration {
	late, v := draw(seed, "ack-late", who, key), draw(seed, "ack-delay", who, key)
	secs := 6 + 39*v
	switch {
	case who == "coordinator":
		secs = 10 + 40*v
	case who == "H" && late < 0.25:
		secs = 90 + 510*v
	case who == "H":
		secs = 20 + 30*v
	case late < 0.15:
		secs = 90 + 330*v
	}
	return time.Duration(secs * float64(time.Second))
}

// alertKey describes an alert in stable terms: kind, time, parties, and
// the aircraft (call signs), zone, movement, notice or alert it is about.
func (s *Sim) alertKey(al *mechanism.Alert) string {
	parts := []string{al.Kind, al.CreatedAt.UTC().Format(time.RFC3339Nano), strings.Join(al.Parties, ",")}
	if sep := al.Separation; sep != nil {
		for _, a := range sep.Aircraft {
			parts = append(parts, a.Party+"/"+a.TrackID)
		}
	}
	if nf := al.NoFly; nf != nil {
		parts = append(parts, nf.Aircraft.Party+"/"+nf.Aircraft.TrackID, s.zoneName(nf.Zone))
	}
	if al.Subject != nil {
		parts = append(parts, s.subjectName(al.Subject))
	}
	return strings.Join(parts, "|")
}

func (s *Sim) subjectName(sub *mechanism.Subject) string {
	switch sub.Type {
	case "zone":
		return "zone:" + s.zoneName(sub.ID)
	case "movement":
		if mv := s.f.movements[sub.ID]; mv != nil {
			return "movement:" + mv.Name
		}
	case "operation":
		return "operation:" + s.f.operations[sub.ID]
	case "alert":
		if al := s.f.alerts[sub.ID]; al != nil && al.Kind != mechanism.AlertEscalation {
			return "alert:" + s.alertKey(al)
		}
	}
	return sub.Type
}

func (s *Sim) zoneName(id string) string {
	if z := s.f.zones[id]; z != nil {
		return z.Name
	}
	return "?"
}

// onZone: each armed party acknowledges each protected site or safe zone
// notified to it (each version), most within half an hour, some after
// hours — until then its notices over the site are refused.
func (s *Sim) onZone(id string) {
	z := s.f.zones[id]
	if (z.Kind != zones.ProtectedSite && z.Kind != zones.SafeZone) || z.Status != zones.Active {
		return
	}
	for _, p := range []string{"A", "B", "C"} {
		if (len(z.AppliesTo) > 0 && !contains(z.AppliesTo, p)) || !s.once("zack/"+id+"/"+strconv.Itoa(z.Version)+"/"+p) {
			continue
		}
		key := z.Name + "/" + strconv.Itoa(z.Version)
		rng := keyed(s.o.Seed, "zone-ack", p, key)
		delay := time.Duration(2+rng.IntN(29)) * time.Minute
		if rng.Float64() < 0.3 {
			delay = time.Duration(60+rng.IntN(181)) * time.Minute
		}
		version := z.Version
		s.agenda.add(z.UpdatedAt.Add(delay), "zone-ack/"+p+"/"+key, func(ctx context.Context, _ time.Time) error {
			return s.ackZone(ctx, p, id, version)
		})
	}
}

func (s *Sim) ackZone(ctx context.Context, party, id string, version int) error {
	err := s.send(ctx, party, "site acknowledgements", "POST", "/v1/zones/"+id+"/ack", map[string]int{"version": version}, nil)
	if status(err) == 409 {
		return nil // acknowledged already, or superseded
	}
	return err
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
