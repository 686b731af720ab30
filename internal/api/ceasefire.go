package api

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"concord"
	"concord/internal/ceasefire"
	"concord/internal/geo"
	"concord/internal/mechanism"
)

func init() {
	register((*Server).ceasefireRoutes)
	bodyLimits["/v1/reports"] = 32 << 20 // up to 1,000 reports with long narratives
	bodyLimits["/v1/evidence"] = mechanism.MaxEvidenceBytes
}

var (
	reportRoles  = []concord.Role{concord.RoleParty, concord.RoleHumanitarian, concord.RoleObserver}
	observerOnly = []concord.Role{concord.RoleObserver}
	partyOnly    = []concord.Role{concord.RoleParty}
)

func (s *Server) ceasefireRoutes() []Route {
	return []Route{
		{"POST", "/v1/reports", "Submit a violation report, or up to 1,000 as {\"reports\": [...]} or a JSON array, atomically.", reportRoles, true, s.submitReports},
		{"GET", "/v1/reports", "List reports (all for observers and the coordinator, else the caller's own) by from, to, category, area, alleged_party, author, bbox.", members, false, s.listReports},
		{"GET", "/v1/reports/{id}", "One report, with the incident holding it.", members, false, s.getReport},
		{"GET", "/v1/reports/{id}/history", "Every version of a report.", members, false, s.reportHistory},
		{"POST", "/v1/reports/{id}/amend", "Amend a report (its author only); the earlier version stays in the journal.", reportRoles, true, s.amendReport},
		{"POST", "/v1/evidence", "Upload evidence (the raw body, typed by Content-Type, at most 20 MiB); stored by SHA-256.", reportRoles, true, s.uploadEvidence},
		{"GET", "/v1/evidence/{sha256}", "Uploaded evidence, to its uploaders, observers and the coordinator.", members, false, s.getEvidence},
		{"GET", "/v1/incidents", "List incidents the caller may see by from, to, category, state, area, alleged_party, bbox.", members, false, s.listIncidents},
		{"GET", "/v1/incidents/export", "Export incidents as CSV with an HXL row (format=csv) or GeoJSON (format=geojson).", members, false, s.exportIncidents},
		{"GET", "/v1/incidents/{id}", "One incident as the caller may see it, with its requests for information.", members, false, s.getIncident},
		{"POST", "/v1/incidents/merge", "Merge incidents (observers); the decision sticks.", observerOnly, true, s.mergeIncidents},
		{"POST", "/v1/incidents/{id}/split", "Take a report out of its incident (observers); the decision sticks.", observerOnly, true, s.splitIncident},
		{"POST", "/v1/incidents/{id}/verdict", "Record a verdict: verify, dispute or reject (observers).", observerOnly, true, s.verdict},
		{"POST", "/v1/incidents/{id}/rfi", "Send a request for information to an alleged party, with a deadline (observers).", observerOnly, true, s.sendRFI},
		{"POST", "/v1/incidents/{id}/response", "Answer a request for information (the alleged party).", partyOnly, true, s.respondRFI},
		{"GET", "/v1/summaries/daily", "The daily summary of date=YYYY-MM-DD (optional area=ZONE) as JSON, or HTML (format=html or Accept: text/html).", members, false, s.dailySummary},
	}
}

// decodeReports reads a submission: one report object, a JSON array of
// reports, or {"reports": [...]}. batch is false for a single object.
func decodeReports(body []byte) ([]ceasefire.Report, bool, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, false, concord.Invalid("body", "a JSON body is required")
	}
	raws, batch, err := splitBatch(trimmed)
	if err != nil || !batch {
		if err != nil {
			return nil, false, err
		}
		r, err := decodeReport(trimmed)
		return []ceasefire.Report{r}, false, err
	}
	if len(raws) > mechanism.MaxReportBatch {
		return nil, true, &concord.Error{Code: concord.ETOOLARGE, Field: "reports", Message: "at most 1000 reports per request"}
	}
	out := make([]ceasefire.Report, len(raws))
	for i, raw := range raws {
		if out[i], err = decodeReport(raw); err != nil {
			return nil, true, concord.Prefix("reports["+strconv.Itoa(i)+"]", err)
		}
	}
	return out, true, nil
}

// decodeReport decodes one report strictly, as ceasefire.DecodeReport does,
// naming an unknown field in the error.
func decodeReport(b []byte) (ceasefire.Report, error) {
	var r ceasefire.Report
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, jsonError(err)
	}
	if dec.More() {
		return r, concord.Invalid("body", "unexpected data after the report")
	}
	return r, nil
}

// splitBatch returns the raw reports of an array or of {"reports": [...]};
// batch is false for any other object.
func splitBatch(b []byte) ([]json.RawMessage, bool, error) {
	var raws []json.RawMessage
	if b[0] == '[' {
		if err := json.Unmarshal(b, &raws); err != nil {
			return nil, true, jsonError(err)
		}
		return raws, true, nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return nil, false, jsonError(err)
	}
	if _, ok := keys["reports"]; !ok {
		return nil, false, nil
	}
	var in struct {
		Reports []json.RawMessage `json:"reports"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, true, jsonError(err)
	}
	return in.Reports, true, nil
}

func (s *Server) submitReports(c *call) error {
	rs, batch, err := decodeReports(c.body)
	if err != nil {
		return err
	}
	res, err := s.m.SubmitReports(c.r.Context(), c.req, rs, batch)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) amendReport(c *call) error {
	r, err := decodeReport(c.body)
	if err != nil {
		return err
	}
	res, err := s.m.AmendReport(c.r.Context(), c.req, c.r.PathValue("id"), r)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) getReport(c *call) error {
	r, err := s.m.Report(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	inc, err := s.m.IncidentOfReport(c.r.Context(), r)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"report": r, "incident": inc})
}

func (s *Server) reportHistory(c *call) error {
	vs, err := s.m.ReportHistory(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{"versions": vs})
}

func (s *Server) listReports(c *call) error {
	v := c.r.URL.Query()
	if err := knownParams(v, "from", "to", "category", "area", "alleged_party", "author", "bbox", "after", "limit"); err != nil {
		return err
	}
	var q mechanism.ReportQuery
	var err error
	if q.From, q.To, q.Limit, err = window(v); err != nil {
		return err
	}
	if q.Categories, err = categories(v); err != nil {
		return err
	}
	if q.BBox, err = bbox(v); err != nil {
		return err
	}
	q.Area, q.AllegedParty, q.Author, q.After = v.Get("area"), v.Get("alleged_party"), v.Get("author"), v.Get("after")
	l, err := s.m.Reports(c.r.Context(), c.actor, q)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, l)
}

func knownParams(v url.Values, names ...string) error {
	for k := range v {
		ok := false
		for _, n := range names {
			ok = ok || k == n
		}
		if !ok {
			return concord.Invalid(k, "unknown query parameter")
		}
	}
	return nil
}

// window parses from, to (RFC 3339) and limit (1 to 10,000).
func window(v url.Values) (from, to time.Time, limit int, err error) {
	var q mechanism.ZoneQuery
	err = timesAndLimit(v, &q)
	return q.From, q.To, q.Limit, err
}

func categories(v url.Values) ([]ceasefire.Category, error) {
	var out []ceasefire.Category
	for _, c := range splitList(v["category"]) {
		if !ceasefire.Category(c).Valid() {
			return nil, concord.Invalid("category", "unknown category %q", c)
		}
		out = append(out, ceasefire.Category(c))
	}
	return out, nil
}

func bbox(v url.Values) (*geo.Rect, error) {
	b := v.Get("bbox")
	if b == "" {
		return nil, nil
	}
	r, err := geo.ParseBBox(b)
	if err != nil {
		return nil, concord.Prefix("bbox", err)
	}
	return &r, nil
}

func (s *Server) uploadEvidence(c *call) error {
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil {
		return concord.Invalid("Content-Type", "one of %s is required", strings.Join(ceasefire.MediaTypes, ", "))
	}
	res, err := s.m.UploadEvidence(c.r.Context(), c.req, mt, c.body)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) getEvidence(c *call) error {
	ev, content, err := s.m.Evidence(c.r.Context(), c.actor, c.r.PathValue("sha256"))
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", ev.MediaType)
	h.Set("Content-Length", strconv.Itoa(len(content)))
	h.Set("ETag", `"`+ev.SHA256+`"`)
	h.Set("Cache-Control", "private, max-age=31536000, immutable") // content-addressed
	h.Set("Content-Disposition", "attachment")
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(content)
	return err
}

func incidentQuery(v url.Values, extra ...string) (mechanism.IncidentQuery, error) {
	var q mechanism.IncidentQuery
	names := append([]string{"from", "to", "category", "state", "area", "alleged_party", "bbox", "merged", "after", "limit"}, extra...)
	if err := knownParams(v, names...); err != nil {
		return q, err
	}
	var err error
	if q.From, q.To, q.Limit, err = window(v); err != nil {
		return q, err
	}
	if q.Categories, err = categories(v); err != nil {
		return q, err
	}
	if q.BBox, err = bbox(v); err != nil {
		return q, err
	}
	for _, st := range splitList(v["state"]) {
		if !validState(ceasefire.State(st)) {
			return q, concord.Invalid("state", "unknown state %q", st)
		}
		q.States = append(q.States, ceasefire.State(st))
	}
	switch v.Get("merged") {
	case "", "false", "0":
	case "true", "1":
		q.Merged = true
	default:
		return q, concord.Invalid("merged", "must be true or false")
	}
	q.Area, q.AllegedParty, q.After = v.Get("area"), v.Get("alleged_party"), v.Get("after")
	return q, nil
}

func validState(s ceasefire.State) bool {
	for _, x := range ceasefire.States {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Server) listIncidents(c *call) error {
	q, err := incidentQuery(c.r.URL.Query())
	if err != nil {
		return err
	}
	l, err := s.m.Incidents(c.r.Context(), c.actor, q)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, l)
}

func (s *Server) getIncident(c *call) error {
	d, err := s.m.Incident(c.r.Context(), c.actor, c.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, d)
}

// exportIncidents streams the export; it is buffered first so that an
// error is still answered as a problem document.
func (s *Server) exportIncidents(c *call) error {
	v := c.r.URL.Query()
	format := v.Get("format")
	v.Del("format")
	q, err := incidentQuery(v)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := s.m.ExportIncidents(c.r.Context(), c.actor, q, format, &b); err != nil {
		return err
	}
	ct, name := "text/csv; charset=utf-8; header=present", "incidents.csv"
	if format == mechanism.FormatGeoJSON {
		ct, name = "application/geo+json", "incidents.geojson"
	}
	c.w.Header().Set("Content-Type", ct)
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = c.w.Write(b.Bytes())
	return err
}

func (s *Server) mergeIncidents(c *call) error {
	var in mechanism.MergeInput
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.MergeIncidents(c.r.Context(), c.req, in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) splitIncident(c *call) error {
	var in mechanism.SplitInput
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.SplitIncident(c.r.Context(), c.req, c.r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) verdict(c *call) error {
	var in mechanism.VerdictInput
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.RecordVerdict(c.r.Context(), c.req, c.r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) sendRFI(c *call) error {
	var in mechanism.RFIInput
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.SendRFI(c.r.Context(), c.req, c.r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) respondRFI(c *call) error {
	var in mechanism.ResponseInput
	if err := c.decode(&in); err != nil {
		return err
	}
	res, err := s.m.RespondRFI(c.r.Context(), c.req, c.r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return c.result(res)
}

func (s *Server) dailySummary(c *call) error {
	v := c.r.URL.Query()
	if err := knownParams(v, "date", "area", "format"); err != nil {
		return err
	}
	day, err := time.Parse(time.DateOnly, v.Get("date"))
	if err != nil {
		return concord.Invalid("date", "want YYYY-MM-DD")
	}
	html, err := wantsHTML(v.Get("format"), c.r.Header.Get("Accept"))
	if err != nil {
		return err
	}
	sum, err := s.m.DailySummary(c.r.Context(), c.actor, day, v.Get("area"))
	if err != nil {
		return err
	}
	if !html {
		return c.json(http.StatusOK, sum)
	}
	c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	c.w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	_, err = c.w.Write(ceasefire.RenderDailyHTML(sum))
	return err
}

// wantsHTML: format=html or format=json decide; without format, an Accept
// header that names text/html before (or without) application/json.
func wantsHTML(format, accept string) (bool, error) {
	switch format {
	case "html":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, concord.Invalid("format", "must be json or html")
	}
	h, j := strings.Index(accept, "text/html"), strings.Index(accept, "application/json")
	return h >= 0 && (j < 0 || h < j), nil
}
