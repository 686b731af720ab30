package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"concord"
	"concord/internal/geo"
	"concord/internal/mechanism"
	"concord/internal/zones"
)

func (s *Server) zoneRoutes() []Route {
	return []Route{
		{"POST", "/v1/zones", "Declare a zone.", zoneWriter, true, s.createZone},
		{"POST", "/v1/zones/batch", "Declare up to 1,000 zones atomically.", zoneWriter, true, s.createZoneBatch},
		{"POST", "/v1/zones/import", "Import a GeoJSON, KML or ED-269 file atomically.", zoneWriter, true, s.importZones},
		{"GET", "/v1/zones", "List zones by kind, bounding box, time and status.", members, false, s.listZones},
		{"GET", "/v1/zones/export", "Export zones as GeoJSON.", members, false, s.exportZones},
		{"GET", "/v1/zones/{id}", "One zone, as the caller may see it.", members, false, s.getZone},
		{"GET", "/v1/zones/{id}/history", "Every version of a zone.", members, false, s.zoneHistory},
		{"POST", "/v1/zones/{id}/supersede", "Replace a zone by a new one.", zoneWriter, true, s.supersedeZone},
		{"POST", "/v1/zones/{id}/withdraw", "Withdraw a zone (its history stays).", zoneWriter, true, s.withdrawZone},
	}
}

func (s *Server) createZone(c *call) error {
	var z zones.Zone
	if err := c.decodeZone(&z); err != nil {
		return err
	}
	res, err := s.m.CreateZones(c.r.Context(), c.req, []zones.Zone{z}, false)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (c *call) decodeZone(z *zones.Zone) error {
	var in zones.Input
	if err := c.decode(&in); err != nil {
		return err
	}
	*z = in.Zone()
	return nil
}

func (s *Server) createZoneBatch(c *call) error {
	var in struct {
		Zones []zones.Input `json:"zones"`
	}
	if err := c.decode(&in); err != nil {
		return err
	}
	zs := make([]zones.Zone, len(in.Zones))
	for i, z := range in.Zones {
		zs[i] = z.Zone()
	}
	res, err := s.m.CreateZones(c.r.Context(), c.req, zs, true)
	if err != nil {
		return err
	}
	return c.result(res)
}

// importZones takes a file (GeoJSON, KML or ED-269) as the body; ?kind= and
// ?start= give defaults for features that lack them, ?name= the file name.
func (s *Server) importZones(c *call) error {
	q := c.r.URL.Query()
	d := zones.Defaults{Kind: zones.Kind(q.Get("kind"))}
	if v := q.Get("start"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return concord.Invalid("start", "must be an RFC 3339 time")
		}
		d.Start = t
	}
	zs, err := zones.Import(c.body, q.Get("name"), d)
	if err != nil {
		return err
	}
	res, err := s.m.CreateZones(c.r.Context(), c.req, zs, true)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) getZone(c *call) error {
	z, err := s.m.Zone(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"zone": z})
}

func (s *Server) zoneHistory(c *call) error {
	vs, err := s.m.ZoneHistory(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"versions": vs})
}

func (s *Server) supersedeZone(c *call) error {
	var z zones.Zone
	if err := c.decodeZone(&z); err != nil {
		return err
	}
	res, err := s.m.SupersedeZone(c.r.Context(), c.req, c.r.PathValue("id"), z)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) withdrawZone(c *call) error {
	if err := c.noBody(); err != nil {
		return err
	}
	res, err := s.m.WithdrawZone(c.r.Context(), c.req, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) listZones(c *call) error {
	q, err := zoneQuery(c.r.URL.Query())
	if err != nil {
		return err
	}
	l, err := s.m.Zones(c.r.Context(), c.actor, q)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(l.Full)+len(l.Coarse))
	for _, z := range l.Full {
		out = append(out, z)
	}
	for _, z := range l.Coarse {
		out = append(out, z)
	}
	return c.json(http.StatusOK, map[string]any{"zones": out, "next": l.Next})
}

func (s *Server) exportZones(c *call) error {
	v := c.r.URL.Query()
	if f := v.Get("format"); f != "" && f != "geojson" {
		return concord.Invalid("format", "must be geojson")
	}
	v.Del("format")
	q, err := zoneQuery(v)
	if err != nil {
		return err
	}
	l, err := s.m.Zones(c.r.Context(), c.actor, q)
	if err != nil {
		return err
	}
	b, err := zones.FeatureCollection(l.Full, l.Coarse)
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "application/geo+json")
	_, err = c.w.Write(b)
	return err
}

var zoneParams = map[string]bool{"kind": true, "status": true, "owner": true, "bbox": true, "at": true, "from": true, "to": true, "after": true, "limit": true}

func zoneQuery(v url.Values) (mechanism.ZoneQuery, error) {
	var q mechanism.ZoneQuery
	for k := range v {
		if !zoneParams[k] {
			return q, concord.Invalid(k, "unknown query parameter")
		}
	}
	for _, k := range splitList(v["kind"]) {
		if !validKind(zones.Kind(k)) {
			return q, concord.Invalid("kind", "unknown zone kind %q", k)
		}
		q.Kinds = append(q.Kinds, zones.Kind(k))
	}
	for _, st := range splitList(v["status"]) {
		switch zones.Status(st) {
		case zones.Active, zones.Superseded, zones.Withdrawn:
			q.Statuses = append(q.Statuses, zones.Status(st))
		default:
			return q, concord.Invalid("status", "must be active, superseded or withdrawn")
		}
	}
	q.Owner, q.After = v.Get("owner"), v.Get("after")
	if b := v.Get("bbox"); b != "" {
		r, err := geo.ParseBBox(b)
		if err != nil {
			return q, err
		}
		q.BBox = &r
	}
	return q, timesAndLimit(v, &q)
}

func timesAndLimit(v url.Values, q *mechanism.ZoneQuery) error {
	var err error
	parse := func(name string) time.Time {
		s := v.Get(name)
		if s == "" || err != nil {
			return time.Time{}
		}
		t, e := time.Parse(time.RFC3339, s)
		if e != nil {
			err = concord.Invalid(name, "must be an RFC 3339 time")
		}
		return t
	}
	q.From, q.To = parse("from"), parse("to")
	if at := parse("at"); !at.IsZero() {
		q.From, q.To = at, at.Add(time.Millisecond)
	}
	if err != nil {
		return err
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return concord.Invalid("to", "must be after from")
	}
	if l := v.Get("limit"); l != "" {
		n, e := strconv.Atoi(l)
		if e != nil || n < 1 || n > 10000 {
			return concord.Invalid("limit", "must be an integer in [1, 10000]")
		}
		q.Limit = n
	}
	return nil
}

func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func validKind(k zones.Kind) bool {
	for _, x := range zones.Kinds {
		if x == k {
			return true
		}
	}
	return false
}
