package api

import (
	"net/http"

	"concord"
	"concord/internal/mechanism"
)

func init() { register((*Server).witnessRoutes) }

var auditorOnly = []concord.Role{concord.RoleAuditor}

func (s *Server) witnessRoutes() []Route {
	return []Route{
		{"POST", "/v1/journal/cosignatures", "A witness (auditor with a registered key) adds its C2SP cosignature of a checkpoint: {\"checkpoint\": signed note with its cosignature line}.", auditorOnly, true, s.addCosignature},
		{"POST", "/v1/journal/forks", "Report a fork: {\"checkpoints\": two notes of one size with different roots, both signed by the log}.", everyone, true, s.reportFork},
		{"GET", "/v1/journal/forks", "Every fork reported, with its evidence.", everyone, false, s.forks},
	}
}

func (s *Server) addCosignature(c *call) error {
	var body struct {
		Checkpoint string `json:"checkpoint"`
	}
	if err := c.decode(&body); err != nil {
		return err
	}
	if body.Checkpoint == "" {
		return concord.Invalid("checkpoint", "is required: the signed checkpoint with the witness's cosignature line")
	}
	res, err := s.m.AddCosignature(c.r.Context(), c.actor, []byte(body.Checkpoint))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, res)
}

func (s *Server) reportFork(c *call) error {
	var body mechanism.NewForkReport
	if err := c.decode(&body); err != nil {
		return err
	}
	res, err := s.m.ReportFork(c.r.Context(), c.req, body)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) forks(c *call) error {
	fs, err := s.m.Forks(c.r.Context(), c.actor)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"forks": fs})
}
