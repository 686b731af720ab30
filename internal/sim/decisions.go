package sim

import (
	"context"
	"time"

	"concord/internal/access"
	"concord/internal/ceasefire"
	"concord/internal/mechanism"
)

// onMovement: each party whose consent a new movement needs answers it,
// within 5–25 minutes (one time in seven, 30–50), approving with conditions, or denying when the scenario has the convoy
// denied — and acknowledges the movement.
func (s *Sim) onMovement(id string) {
	mv := s.f.movements[id]
	if mv.State != access.Requested {
		return
	}
	for i, p := range mv.RequiredConsents {
		if s.as[p] == nil || !s.once("consent/"+id+"/"+p) {
			continue
		}
		rng := keyed(s.o.Seed, "consent", p, mv.Name)
		delay := time.Duration(5+rng.IntN(21)) * time.Minute
		if rng.Float64() < 0.15 {
			delay = time.Duration(30+rng.IntN(21)) * time.Minute
		}
		denies := i == 0 && s.byMove[id] != nil && s.byMove[id].Outcome == deny
		s.agenda.add(mv.CreatedAt.Add(delay), "consent/"+p+"/"+mv.Name, func(ctx context.Context, _ time.Time) error {
			return s.consent(ctx, p, id, denies)
		})
	}
}

func (s *Sim) consent(ctx context.Context, party, id string, denies bool) error {
	answer := access.ConsentInput{Decision: access.Approve, Conditions: "Inspection of the cargo at the first checkpoint; no fuel on board."}
	if denies {
		answer = access.ConsentInput{Decision: access.Deny, Reason: "Military operations on the route during the window; request again for a later date."}
	}
	err := s.send(ctx, party, "consents", "POST", "/v1/movements/"+id+"/consent", answer, nil)
	if status(err) == 409 {
		return nil // decided already
	}
	if err != nil {
		return err
	}
	err = s.send(ctx, party, "movement acknowledgements", "POST", "/v1/movements/"+id+"/ack", nil, nil)
	if status(err) == 409 {
		return nil
	}
	return err
}

// onIncident: the observer mission assesses each corroborated incident a
// quarter to three quarters of an hour after it is corroborated — asking
// the alleged party first, more often than not — and gives a verdict; it
// rejects some uncorroborated incidents still alone after three hours.
func (s *Sim) onIncident(id string) {
	d := s.f.incidents[id]
	if d.Status == mechanism.IncidentMerged || len(d.Verdicts) > 0 {
		return
	}
	rng := keyed(s.o.Seed, "assess", id)
	switch {
	case d.State == ceasefire.Corroborated && s.once("assess/"+id):
		s.agenda.add(d.UpdatedAt.Add(time.Duration(15+rng.IntN(31))*time.Minute), "assess/"+id, func(ctx context.Context, now time.Time) error {
			return s.assess(ctx, id, now)
		})
	case d.State == ceasefire.Reported && s.once("lone/"+id):
		s.agenda.add(d.UpdatedAt.Add(3*time.Hour), "lone/"+id, func(ctx context.Context, now time.Time) error {
			if d := s.current(id); d != nil && d.State == ceasefire.Reported && draw(s.o.Seed, "lone", id) < 0.3 {
				return s.verdict(ctx, id, ceasefire.Reject, "A single account; no second source found.")
			}
			return nil
		})
	}
}

// current is the incident as the journal last showed it, nil once it is
// merged or has a verdict.
func (s *Sim) current(id string) *mechanism.IncidentDoc {
	d := s.f.incidents[id]
	if d == nil || d.Status == mechanism.IncidentMerged || len(d.Verdicts) > 0 {
		return nil
	}
	return d
}

// assess sends a request for information to the alleged party (six times
// in ten, when there is one), with two hours to answer, or gives the
// verdict at once.
func (s *Sim) assess(ctx context.Context, id string, now time.Time) error {
	d := s.current(id)
	if d == nil {
		return nil
	}
	if len(d.AllegedParties) > 0 && s.caps["requests for information"] && draw(s.o.Seed, "ask", id) < 0.6 {
		in := mechanism.RFIInput{Party: d.AllegedParties[0], Deadline: now.Add(2 * time.Hour),
			Question: "Were your forces active at the place and time of this incident? Give units, weapons and targets' nature if so."}
		err := s.send(ctx, "O", "requests for information", "POST", "/v1/incidents/"+id+"/rfi", in, nil)
		if err == nil {
			s.agenda.add(in.Deadline.Add(15*time.Minute), "verdict/"+id, func(ctx context.Context, _ time.Time) error {
				return s.decide(ctx, id)
			})
			return nil
		}
		if status(err) != 409 && status(err) != 404 {
			return err
		}
	}
	return s.decide(ctx, id)
}

// decide gives the verdict: verify (three times in four, or whenever the
// alleged party accepted the allegation), dispute or reject.
func (s *Sim) decide(ctx context.Context, id string) error {
	d := s.current(id)
	if d == nil {
		return nil
	}
	u := draw(s.o.Seed, "verdict", id)
	verdict, reason := ceasefire.Verify, "Corroborated by independent sources; consistent with the observers' own assessment."
	switch {
	case s.accepted(id) && d.State == ceasefire.Corroborated:
	case u >= 0.9:
		verdict, reason = ceasefire.Reject, "The accounts do not describe one event as alleged."
	case u >= 0.75 || d.State != ceasefire.Corroborated:
		verdict, reason = ceasefire.Dispute, "The accounts conflict on who fired; the evidence does not settle it."
	}
	return s.verdict(ctx, id, verdict, reason)
}

func (s *Sim) verdict(ctx context.Context, id string, v ceasefire.Event, reason string) error {
	err := s.send(ctx, "O", "verdicts", "POST", "/v1/incidents/"+id+"/verdict", mechanism.VerdictInput{Verdict: v, Reason: reason}, nil)
	if st := status(err); st == 409 || st == 404 {
		return nil // merged, re-clustered or decided meanwhile
	}
	return err
}

// accepted reports whether an alleged party accepted the allegation.
func (s *Sim) accepted(incident string) bool {
	for _, id := range sortedKeys(s.f.rfis) {
		q := s.f.rfis[id]
		if string(q.Incident) == incident && q.Response != nil && q.Response.Accepts != nil && *q.Response.Accepts {
			return true
		}
	}
	return false
}

// onRFI: the party asked answers — seven times in ten within the two hours,
// otherwise late; the observers give their verdict soon after the answer.
func (s *Sim) onRFI(id string) {
	q := s.f.rfis[id]
	key := string(q.Incident) + "/" + q.Party
	if q.Response != nil {
		if s.once("rfi-answered/" + id) {
			at := q.Response.At.Add(time.Duration(10+keyed(s.o.Seed, "rfi-verdict", key).IntN(21)) * time.Minute)
			s.agenda.add(at, "verdict/"+string(q.Incident), func(ctx context.Context, _ time.Time) error {
				return s.decide(ctx, string(q.Incident))
			})
		}
		return
	}
	if s.as[q.Party] == nil || !s.once("rfi/"+id) {
		return
	}
	rng := keyed(s.o.Seed, "rfi", key)
	delay := time.Duration(20+rng.IntN(71)) * time.Minute
	if rng.Float64() < 0.3 {
		delay = time.Duration(135+rng.IntN(106)) * time.Minute
	}
	accepts := rng.Float64() < 0.2
	in := mechanism.ResponseInput{RFI: id, Accepts: &accepts, Text: "Our forces were not active at the place and time given."}
	if accepts {
		in.Text = "Our forces returned fire at the place given; we regret any harm to civilians and are investigating."
	}
	s.agenda.add(q.SentAt.Add(delay), "rfi-answer/"+key, func(ctx context.Context, _ time.Time) error {
		err := s.send(ctx, q.Party, "responses", "POST", "/v1/incidents/"+string(q.Incident)+"/response", in, nil)
		if st := status(err); st == 409 || st == 404 {
			return nil
		}
		return err
	})
}
