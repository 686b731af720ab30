package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"concord/internal/airspace"
	"concord/internal/protection"
)

// filePlan files a flight's plan as its party.
func (s *Sim) filePlan(fl *Flight) func(context.Context, time.Time) error {
	return func(ctx context.Context, _ time.Time) error {
		p := airspace.Plan{Callsign: fl.Callsign, AircraftType: fl.Type, Waypoints: Waypoints(fl.Plan)}
		var out struct {
			FlightPlan struct {
				Conflicts []json.RawMessage `json:"conflicts"`
			} `json:"flightplan"`
		}
		if err := s.send(ctx, fl.Party, "flight plans", "POST", "/v1/flightplans", p, &out); err != nil {
			return err
		}
		s.stats.Plans++
		if len(out.FlightPlan.Conflicts) > 0 {
			s.stats.PlansWithConflicts++
		}
		return nil
	}
}

// fileNotice files an operation notice as its party. A notice refused for
// want of acknowledgements (409, the problem listing under "unacknowledged"
// what the party must acknowledge first) is filed again once the party has
// acknowledged each — the proof of awareness the journal then holds.
func (s *Sim) fileNotice(n *notice) func(context.Context, time.Time) error {
	return func(ctx context.Context, _ time.Time) error {
		if !s.caps["operation notices"] {
			return nil
		}
		for try := 0; try < 2; try++ {
			code, body, err := s.post(ctx, n.Party, "/v1/operations", n.input())
			switch {
			case err != nil:
				return err
			case code == 201 || code == 200:
				s.stats.Notices++
				return nil
			case code == 409 && try == 0:
				s.stats.NoticesRefused++
				if err := s.acknowledgeAll(ctx, n.Party, body); err != nil {
					return err
				}
			default:
				return fmt.Errorf("operation notice %s: %d %s", n.Key, code, body)
			}
		}
		return nil
	}
}

// acknowledgeAll acknowledges what a refused notice's problem lists.
func (s *Sim) acknowledgeAll(ctx context.Context, party string, problem []byte) error {
	var p struct {
		Unacknowledged []protection.Coarse `json:"unacknowledged"`
	}
	if err := json.Unmarshal(problem, &p); err != nil || len(p.Unacknowledged) == 0 {
		return fmt.Errorf("a refused notice without what to acknowledge: %s", problem)
	}
	for _, u := range p.Unacknowledged {
		path, feature := "/v1/zones/"+u.Subject.ID+"/ack", "site acknowledgements"
		if u.Subject.Type == protection.SubjectMovement {
			path, feature = "/v1/movements/"+u.Subject.ID+"/ack", "movement acknowledgements"
		}
		err := s.send(ctx, party, feature, "POST", path, map[string]int{"version": u.Subject.Version}, nil)
		if err != nil && status(err) != 409 {
			return err
		}
	}
	return nil
}

// submitReport submits a planned violation report as its author.
func (s *Sim) submitReport(pr plannedReport) func(context.Context, time.Time) error {
	return func(ctx context.Context, _ time.Time) error {
		if err := s.send(ctx, pr.Author, "violation reports", "POST", "/v1/reports", pr.Report, nil); err != nil {
			return err
		}
		s.stats.Reports[pr.Author]++
		return nil
	}
}
