package api

import (
	"net/http"

	"concord"
	"concord/internal/access"
	"concord/internal/mechanism"
)

func init() { register((*Server).accessRoutes) }

var aidOnly = []concord.Role{concord.RoleHumanitarian}

func (s *Server) accessRoutes() []Route {
	return []Route{
		{"POST", "/v1/movements", "Request a movement (an aid organisation): route, corridor width_m, window, convoy, destination; required consents are computed.", aidOnly, true, s.createMovement},
		{"GET", "/v1/movements", "Movements (?state=&area=), in full or as S2 cells as the caller may see them.", members, false, s.listMovements},
		{"GET", "/v1/movements/{id}", "One movement, as the caller may see it.", members, false, s.getMovement},
		{"GET", "/v1/movements/{id}/consents", "The answers to a movement that the caller may see.", members, false, s.listConsents},
		{"POST", "/v1/movements/{id}/consent", "Answer a movement (a required party): approve with conditions, or deny with a reason.", armedOrCo, true, s.consentMovement},
		{"POST", "/v1/movements/{id}/status", "Report a movement's state (its owner): en-route, arrived, delivered (full or partial, with quantities), blocked, attacked, cancelled.", aidOnly, true, s.movementStatus},
		{"POST", "/v1/movements/{id}/ack", "Acknowledge a movement at its current version (an armed party; optional body {\"version\": n}).", armedOnly, true, s.ackMovement},
		{"GET", "/v1/access/figures", "Access figures per besieged area (?area=ZONE&format=json|csv): requests, approvals, denials, median time to decision, deliveries, beneficiaries reached.", members, false, s.accessFigures},
	}
}

func (s *Server) createMovement(c *call) error {
	var in access.Input
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.CreateMovement(c.r.Context(), c.req, in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) listMovements(c *call) error {
	v := c.r.URL.Query()
	var q mechanism.MovementQuery
	for k := range v {
		if k != "state" && k != "area" {
			return concord.Invalid(k, "unknown query parameter")
		}
	}
	for _, st := range splitList(v["state"]) {
		if !access.State(st).Valid() {
			return concord.Invalid("state", "unknown movement state %q", st)
		}
		q.States = append(q.States, access.State(st))
	}
	q.Area = v.Get("area")
	ms, err := s.m.Movements(c.r.Context(), c.actor, q)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"movements": ms})
}

func (s *Server) getMovement(c *call) error {
	mv, err := s.m.Movement(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"movement": mv})
}

func (s *Server) listConsents(c *call) error {
	cs, err := s.m.Consents(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"consents": cs})
}

func (s *Server) consentMovement(c *call) error {
	var in access.ConsentInput
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.ConsentMovement(c.r.Context(), c.req, c.r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) movementStatus(c *call) error {
	var in access.StatusInput
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.MovementStatus(c.r.Context(), c.req, c.r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) ackMovement(c *call) error {
	v, err := c.version()
	if err != nil {
		return err
	}
	res, err := s.m.AckMovement(c.r.Context(), c.req, c.r.PathValue("id"), v)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) accessFigures(c *call) error {
	v := c.r.URL.Query()
	for k := range v {
		if k != "area" && k != "format" {
			return concord.Invalid(k, "unknown query parameter")
		}
	}
	format := v.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return concord.Invalid("format", "must be json or csv")
	}
	fs, err := s.m.AccessFigures(c.r.Context(), c.actor, v.Get("area"))
	if err != nil {
		return err
	}
	if format != "csv" {
		return c.json(http.StatusOK, map[string]any{"figures": fs})
	}
	c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return access.WriteCSV(c.w, fs)
}
