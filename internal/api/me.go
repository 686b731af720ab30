package api

import "net/http"

func init() { register((*Server).meRoutes) }

func (s *Server) meRoutes() []Route {
	return []Route{
		{"GET", "/v1/me", "The caller's own party: id, name and role (what a console shows after sign-in).", everyone, false, s.me},
	}
}

// me answers with the party the bearer token belongs to, as authenticated
// for this request (so a revoked or unknown token is 401 here as anywhere).
func (s *Server) me(c *call) error {
	return c.json(http.StatusOK, map[string]any{"party": c.party})
}
