package api

import (
	"bytes"
	"net/http"
	"net/url"

	"concord"
	"concord/internal/protection"
)

func init() { register((*Server).protectionRoutes) }

var (
	armedOnly = []concord.Role{concord.RoleParty}
	armedOrCo = []concord.Role{concord.RoleParty, concord.RoleCoordinator}
	siteOwner = []concord.Role{concord.RoleHumanitarian, concord.RoleCoordinator}
)

func (s *Server) protectionRoutes() []Route {
	return []Route{
		{"POST", "/v1/zones/{id}/confirm", "Re-confirm a protected site or safe zone (its owner): notifies it anew and restarts its expiry.", siteOwner, true, s.confirmZone},
		{"POST", "/v1/zones/{id}/ack", "Acknowledge a protected site or safe zone at its current version (an armed party; optional body {\"version\": n}).", armedOnly, true, s.ackZone},
		{"GET", "/v1/zones/unacknowledged", "Protected sites and safe zones notified to the caller (an armed party) that it has not acknowledged, as S2 cells.", armedOnly, false, s.unacknowledged},
		{"GET", "/v1/zones/{id}/notification", "A site's notification: confirmed when, expiring when, acknowledged by whom.", members, false, s.zoneNotification},
		{"POST", "/v1/operations", "File an operation notice (kind, volumes, purpose — never targets); 409 lists what to acknowledge first.", armedOnly, true, s.createOperation},
		{"GET", "/v1/operations", "Operation notices: an armed party its own, the coordinator all.", armedOrCo, false, s.listOperations},
		{"GET", "/v1/operations/{id}", "One operation notice (its party or the coordinator).", armedOrCo, false, s.getOperation},
		{"POST", "/v1/operations/{id}/withdraw", "Withdraw an operation notice.", armedOrCo, true, s.withdrawOperation},
		{"GET", "/v1/bundles/{type}/{id}", "Evidence bundle of a movement, site or operation: records the caller may see, leaves, inclusion proofs, checkpoint and log key, verifiable offline.", members, false, s.bundle},
	}
}

func (s *Server) confirmZone(c *call) error {
	if err := c.noBody(); err != nil {
		return err
	}
	res, err := s.m.ConfirmZone(c.r.Context(), c.req, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.result(res)
}

// version reads the optional {"version": n} of an acknowledgement.
func (c *call) version() (*int, error) {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil, nil
	}
	var in struct {
		Version *int `json:"version"`
	}
	err := c.decode(&in)
	return in.Version, err
}

func (s *Server) ackZone(c *call) error {
	v, err := c.version()
	if err != nil {
		return err
	}
	res, err := s.m.AckZone(c.r.Context(), c.req, c.r.PathValue("id"), v)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) unacknowledged(c *call) error {
	zs, err := s.m.Unacknowledged(c.r.Context(), c.actor)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"zones": zs})
}

func (s *Server) zoneNotification(c *call) error {
	n, err := s.m.ZoneNotification(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"notification": n})
}

func (s *Server) createOperation(c *call) error {
	var in protection.Input
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.CreateOperation(c.r.Context(), c.req, in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) listOperations(c *call) error {
	if err := noParams(c.r.URL.Query()); err != nil {
		return err
	}
	ns, err := s.m.Operations(c.r.Context(), c.actor)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"operations": ns})
}

func noParams(v url.Values) error {
	for k := range v {
		return concord.Invalid(k, "unknown query parameter")
	}
	return nil
}

func (s *Server) getOperation(c *call) error {
	n, err := s.m.Operation(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"operation": n})
}

func (s *Server) withdrawOperation(c *call) error {
	if err := c.noBody(); err != nil {
		return err
	}
	res, err := s.m.WithdrawOperation(c.r.Context(), c.req, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) bundle(c *call) error {
	b, err := s.m.Bundle(c.r.Context(), c.actor, c.r.PathValue("type"), c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, b)
}
