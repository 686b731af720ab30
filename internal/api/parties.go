package api

import (
	"net/http"

	"concord/internal/mechanism"
)

func (s *Server) partyRoutes() []Route {
	return []Route{
		{"POST", "/v1/parties", "Create a party and its first token (shown once).", coordOnly, true, s.createParty},
		{"GET", "/v1/parties", "List parties, their roles and public keys.", everyone, false, s.listParties},
		{"GET", "/v1/parties/{id}", "One party.", everyone, false, s.getParty},
		{"POST", "/v1/parties/{id}/key", "Register the party's Ed25519 public key; its writes must then be signed.", members, true, s.registerKey},
		{"POST", "/v1/parties/{id}/tokens", "Issue another token for a party.", coordOnly, true, s.issueToken},
	}
}

func (s *Server) createParty(c *call) error {
	var np mechanism.NewParty
	if err := c.decode(&np); err != nil {
		return err
	}
	res, err := s.m.CreateParty(c.r.Context(), c.req, np)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) listParties(c *call) error {
	ps, err := s.m.Parties(c.r.Context(), c.actor)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"parties": ps})
}

func (s *Server) getParty(c *call) error {
	p, err := s.m.Party(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"party": p})
}

func (s *Server) registerKey(c *call) error {
	var body struct {
		PublicKey string `json:"public_key"`
	}
	if err := c.decode(&body); err != nil {
		return err
	}
	res, err := s.m.RegisterKey(c.r.Context(), c.req, c.r.PathValue("id"), body.PublicKey)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) issueToken(c *call) error {
	if err := c.noBody(); err != nil {
		return err
	}
	res, err := s.m.IssueToken(c.r.Context(), c.req, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.result(res)
}
