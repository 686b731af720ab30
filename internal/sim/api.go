package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"concord/internal/client"
)

// features are the routes the simulator drives, by capability. Each is
// looked up in the server's OpenAPI description at the start of a run: the
// simulator leaves out what the server does not have (and says so), so that
// it runs against a server with only some capabilities.
var features = []struct{ name, method, path string }{
	{"tracks", "post", "/v1/tracks"},
	{"flight plans", "post", "/v1/flightplans"},
	{"alert acknowledgements", "post", "/v1/alerts/{id}/ack"},
	{"sharing policies", "post", "/v1/policies"},
	{"violation reports", "post", "/v1/reports"},
	{"verdicts", "post", "/v1/incidents/{id}/verdict"},
	{"requests for information", "post", "/v1/incidents/{id}/rfi"},
	{"responses", "post", "/v1/incidents/{id}/response"},
	{"movements", "post", "/v1/movements"},
	{"consents", "post", "/v1/movements/{id}/consent"},
	{"movement status", "post", "/v1/movements/{id}/status"},
	{"movement acknowledgements", "post", "/v1/movements/{id}/ack"},
	{"site acknowledgements", "post", "/v1/zones/{id}/ack"},
	{"operation notices", "post", "/v1/operations"},
}

// discover reads which features the server has (GET /v1/openapi.json).
func (s *Sim) discover(ctx context.Context) error {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := s.as["coordinator"].Do(ctx, "GET", "/v1/openapi.json", nil, "", &doc); err != nil {
		return fmt.Errorf("reading the server's routes: %w", err)
	}
	s.caps = map[string]bool{}
	for _, f := range features {
		_, ok := doc.Paths[f.path][f.method]
		s.caps[f.name] = ok
		if !ok {
			s.lack(f.name)
		}
	}
	return nil
}

// lack records, once, that the server does not have a feature.
func (s *Sim) lack(feature string) {
	s.caps[feature] = false
	if !slices.Contains(s.stats.Guarded, feature) {
		s.stats.Guarded = append(s.stats.Guarded, feature)
		s.o.Log.Warn("the server has no route for this; the simulator leaves it out", "feature", feature)
	}
}

// errSkipped: the server lacks the feature.
var errSkipped = errors.New("feature not on this server")

// send makes a request as who (a party ID or "coordinator") for a feature.
func (s *Sim) send(ctx context.Context, who, feature, method, path string, body, out any) error {
	if !s.caps[feature] {
		return errSkipped
	}
	err := s.as[who].Do(ctx, method, path, body, "", out)
	var p *client.Problem
	if errors.As(err, &p) && p.Status == http.StatusNotFound && strings.HasPrefix(p.Detail, "no route") {
		s.lack(feature)
		return errSkipped
	}
	return err
}

// status is the HTTP status of a problem answer (0 for other errors).
func status(err error) int {
	var p *client.Problem
	if errors.As(err, &p) {
		return p.Status
	}
	return 0
}

// fail counts and logs an unexpected answer.
func (s *Sim) fail(what string, err error) {
	if err == nil || errors.Is(err, errSkipped) || errors.Is(err, context.Canceled) {
		return
	}
	s.stats.Errors++
	if s.stats.Errors <= 20 {
		s.o.Log.Warn("unexpected answer", "what", what, "err", err)
	}
}

// post sends a JSON body as who and returns the status and body of the
// answer, whatever it is (for the problem members client.Problem does not
// keep, such as a refused notice's "unacknowledged").
func (s *Sim) post(ctx context.Context, who, path string, body any) (int, []byte, error) {
	c := s.as[who]
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", c.URL+path, bytes.NewReader(raw))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return resp.StatusCode, b, err
}

// policies sets the coordinator's sharing policies: parties A and B see
// each other's aircraft within 30 NM of their own.
func (s *Sim) policies(ctx context.Context) {
	p := map[string]any{"parties": []string{"A", "B"}, "mode": "proximity", "radius_nm": 30}
	s.fail("policy", s.send(ctx, "coordinator", "sharing policies", "POST", "/v1/policies", p, nil))
}
