package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"concord"
	"concord/internal/airspace"
	"concord/internal/mechanism"
)

func init() { register((*Server).airspaceRoutes) }

var (
	trackWriters = []concord.Role{concord.RoleParty, concord.RoleHumanitarian}
	armed        = []concord.Role{concord.RoleParty}
	airViewers   = []concord.Role{concord.RoleParty, concord.RoleCoordinator}
	alertViewers = []concord.Role{concord.RoleParty, concord.RoleHumanitarian, concord.RoleCoordinator}
)

func (s *Server) airspaceRoutes() []Route {
	return []Route{
		{"POST", "/v1/tracks", "Submit a batch of track reports (JSON array or NDJSON); all or nothing.", trackWriters, true, s.submitTracks},
		{"GET", "/v1/tracks", "Live tracks the caller may see (own; others per sharing policy).", airViewers, false, s.listTracks},
		{"POST", "/v1/flightplans", "File a 4-D flight plan; the answer lists its conflicts.", armed, true, s.submitPlan},
		{"GET", "/v1/flightplans", "The caller's flight plans (all, for the coordinator).", airViewers, false, s.listPlans},
		{"GET", "/v1/flightplans/{id}", "One flight plan.", airViewers, false, s.getPlan},
		{"GET", "/v1/alerts", "Alerts the caller is involved in (all, for the coordinator); ?state=&kind=&limit=.", alertViewers, false, s.listAlerts},
		{"GET", "/v1/alerts/{id}", "One alert, as the caller may see it.", alertViewers, false, s.getAlert},
		{"POST", "/v1/alerts/{id}/ack", "Acknowledge an alert (an involved party).", alertViewers, true, s.ackAlert},
		{"POST", "/v1/policies", "Set the sharing policy of a pair of parties.", coordOnly, true, s.setPolicy},
	}
}

// bodyLimits raise the body bound of particular routes.
var bodyLimits = map[string]int64{"/v1/tracks": 8 << 20}

// decodeTracks reads a JSON array or NDJSON of track reports strictly.
func decodeTracks(body []byte) ([]airspace.Track, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, concord.Invalid("body", "no track reports given")
	}
	if trimmed[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, jsonError(err)
		}
		return decodeEach(raws)
	}
	var raws []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(trimmed))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			raws = append(raws, bytes.Clone(line))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, concord.Invalid("body", "malformed NDJSON: %v", err)
	}
	return decodeEach(raws)
}

func decodeEach(raws []json.RawMessage) ([]airspace.Track, error) {
	if len(raws) > mechanism.MaxTrackBatch {
		return nil, &concord.Error{Code: concord.ETOOLARGE, Field: "tracks", Message: "at most 10000 reports per request"}
	}
	out := make([]airspace.Track, len(raws))
	for i, raw := range raws {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out[i]); err != nil {
			return nil, concord.Prefix("tracks["+strconv.Itoa(i)+"]", jsonError(err))
		}
		if out[i].Party != "" {
			return nil, concord.Invalid("tracks["+strconv.Itoa(i)+"].party", "is set by the server from the caller's token")
		}
	}
	return out, nil
}

func (s *Server) submitTracks(c *call) error {
	ts, err := decodeTracks(c.body)
	if err != nil {
		return err
	}
	res, err := s.m.SubmitTracks(c.r.Context(), c.req, ts)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) listTracks(c *call) error {
	ts, err := s.m.Tracks(c.r.Context(), c.actor)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"tracks": ts})
}

func (s *Server) submitPlan(c *call) error {
	var p airspace.Plan
	if err := c.decode(&p); err != nil {
		return err
	}
	if p.ID != "" || p.Party != "" {
		return concord.Invalid("id", "id and party are set by the server")
	}
	res, err := s.m.SubmitPlan(c.r.Context(), c.req, p)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) listPlans(c *call) error {
	ps, err := s.m.FlightPlans(c.r.Context(), c.actor)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"flightplans": ps})
}

func (s *Server) getPlan(c *call) error {
	p, err := s.m.FlightPlan(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"flightplan": p})
}

func (s *Server) listAlerts(c *call) error {
	v := c.r.URL.Query()
	q := mechanism.AlertQuery{States: splitList(v["state"]), Kinds: splitList(v["kind"])}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 10000 {
			return concord.Invalid("limit", "must be an integer in [1, 10000]")
		}
		q.Limit = n
	}
	for _, st := range q.States {
		if !strings.Contains(" open acknowledged resolved expired ", " "+st+" ") {
			return concord.Invalid("state", "must be open, acknowledged, resolved or expired")
		}
	}
	as, err := s.m.Alerts(c.r.Context(), c.actor, q)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"alerts": as})
}

func (s *Server) getAlert(c *call) error {
	a, err := s.m.Alert(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"alert": a})
}

func (s *Server) ackAlert(c *call) error {
	if err := c.noBody(); err != nil {
		return err
	}
	res, err := s.m.AckAlert(c.r.Context(), c.req, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) setPolicy(c *call) error {
	var p mechanism.Policy
	if err := c.decode(&p); err != nil {
		return err
	}
	res, err := s.m.SetPolicy(c.r.Context(), c.req, p)
	if err != nil {
		return err
	}
	return c.result(res)
}
