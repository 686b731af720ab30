package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"concord/internal/client"
	"concord/internal/mechanism"
)

// zoneJSON is a valid no-fly zone with one part replaced: name=value pairs
// substitute placeholders.
func zoneJSON(repl ...string) string {
	z := `{"kind":KIND,"name":"Test zone","volumes":[{"footprint":FOOT,"floor_ft":FLOOR,"ceiling_ft":CEIL,"start":START,"end":END}]EXTRA}`
	def := map[string]string{
		"KIND": `"no-fly"`, "FOOT": `{"type":"Polygon","coordinates":[[[36.0,33.0],[36.5,33.0],[36.5,33.5],[36.0,33.5],[36.0,33.0]]]}`,
		"FLOOR": "0", "CEIL": "20000", "START": `"2016-09-12T00:00:00Z"`, "END": `"2016-09-13T00:00:00Z"`, "EXTRA": "",
	}
	for i := 0; i+1 < len(repl); i += 2 {
		def[repl[i]] = repl[i+1]
	}
	for k, v := range def {
		z = strings.ReplaceAll(z, k, v)
	}
	return z
}

func polygon(coords string) string { return `{"type":"Polygon","coordinates":[` + coords + `]}` }

// Acceptance 3: each malformed request gets the right 4xx naming the field,
// and the journal's size does not move.
func TestMalformedRequestsChangeNothing(t *testing.T) {
	s := startServer(t, Config{})
	h := s.addParty(t, "H", "humanitarian")
	a := s.addParty(t, "A", "party")
	signer := s.addParty(t, "S", "party")
	_, priv, _ := ed25519.GenerateKey(nil)
	pub := base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
	if err := signer.Do(t.Context(), "POST", "/v1/parties/S/key", map[string]string{"public_key": pub}, "", nil); err != nil {
		t.Fatal(err)
	}
	wrongToken := client.New(s.URL(), "cct_not-a-token")
	otherPriv := ed25519.NewKeyFromSeed(make([]byte, 32))
	signedBody := zoneJSON("KIND", `"control-area"`)
	badSig := mechanism.SignatureHeader(otherPriv, "POST", "/v1/zones", "", []byte(signedBody))
	goodSigOtherBody := mechanism.SignatureHeader(priv, "POST", "/v1/zones", "", []byte(zoneJSON()))
	big := `{"kind":"no-fly","name":"` + strings.Repeat("x", 2<<20) + `"}`
	manyVertices := make([]string, 0, 10002)
	for i := 0; i < 10001; i++ {
		manyVertices = append(manyVertices, "[36.0,33.0]")
	}
	tests := []struct {
		name   string
		who    *client.Client
		path   string
		body   string
		header map[string]string
		status int
		field  string
	}{
		{"latitude out of range", s.coord, "/v1/zones", zoneJSON("FOOT", polygon(`[[36.0,33.0],[36.5,33.0],[36.5,93.5],[36.0,33.5],[36.0,33.0]]`)), nil, 400, "volumes[0].footprint.coordinates[0][2][1]"},
		{"longitude out of range", s.coord, "/v1/zones", zoneJSON("FOOT", polygon(`[[186.0,33.0],[36.5,33.0],[36.5,33.5],[36.0,33.5],[186.0,33.0]]`)), nil, 400, "volumes[0].footprint.coordinates[0][0][0]"},
		{"NaN coordinate", s.coord, "/v1/zones", zoneJSON("FOOT", polygon(`[[NaN,33.0],[36.5,33.0],[36.5,33.5],[36.0,33.5],[36.0,33.0]]`)), nil, 400, ""},
		{"string coordinate", s.coord, "/v1/zones", zoneJSON("FOOT", polygon(`[["36",33.0],[36.5,33.0],[36.5,33.5],[36.0,33.5],[36.0,33.0]]`)), nil, 400, "volumes[0].footprint"},
		{"open ring", s.coord, "/v1/zones", zoneJSON("FOOT", polygon(`[[36.0,33.0],[36.5,33.0],[36.5,33.5],[36.0,33.5],[36.1,33.1]]`)), nil, 400, "volumes[0].footprint.coordinates[0]"},
		{"ring of three positions", s.coord, "/v1/zones", zoneJSON("FOOT", polygon(`[[36.0,33.0],[36.5,33.0],[36.0,33.0]]`)), nil, 400, "volumes[0].footprint.coordinates[0]"},
		{"self-intersecting ring (bow tie)", s.coord, "/v1/zones", zoneJSON("FOOT", polygon(`[[36.0,33.0],[36.5,33.5],[36.5,33.0],[36.0,33.5],[36.0,33.0]]`)), nil, 400, "volumes[0].footprint.coordinates[0]"},
		{"degenerate ring (collinear)", s.coord, "/v1/zones", zoneJSON("FOOT", polygon(`[[36.0,33.0],[36.2,33.0],[36.4,33.0],[36.2,33.0],[36.0,33.0]]`)), nil, 400, "volumes[0].footprint.coordinates[0]"},
		{"unknown geometry type", s.coord, "/v1/zones", zoneJSON("FOOT", `{"type":"GeometryCollection","geometries":[]}`), nil, 400, "volumes[0].footprint"},
		{"line string footprint", s.coord, "/v1/zones", zoneJSON("FOOT", `{"type":"LineString","coordinates":[[36,33],[37,34]]}`), nil, 400, "volumes[0].footprint"},
		{"point without radius", s.coord, "/v1/zones", zoneJSON("FOOT", `{"type":"Point","coordinates":[36.2,33.5]}`), nil, 400, "volumes[0].radius_m"},
		{"too many vertices", s.coord, "/v1/zones", zoneJSON("FOOT", polygon("["+strings.Join(manyVertices, ",")+"]")), nil, 413, "volumes[0].footprint"},
		{"floor above ceiling", s.coord, "/v1/zones", zoneJSON("FLOOR", "30000"), nil, 400, "volumes[0].floor_ft"},
		{"altitude out of range", s.coord, "/v1/zones", zoneJSON("CEIL", "1e9"), nil, 400, "volumes[0].ceiling_ft"},
		{"end before start", s.coord, "/v1/zones", zoneJSON("END", `"2016-09-11T00:00:00Z"`), nil, 400, "volumes[0].end"},
		{"time not RFC 3339", s.coord, "/v1/zones", zoneJSON("START", `"12/09/2016"`), nil, 400, "volumes[0].start"},
		{"missing start", s.coord, "/v1/zones", zoneJSON("START", `null`), nil, 400, "volumes[0].start"},
		{"unknown kind", s.coord, "/v1/zones", zoneJSON("KIND", `"kill-box"`), nil, 400, "kind"},
		{"unknown field", s.coord, "/v1/zones", zoneJSON("EXTRA", `,"colour":"red"`), nil, 400, "colour"},
		{"server-set field", s.coord, "/v1/zones", zoneJSON("EXTRA", `,"owner":"A"`), nil, 400, "owner"},
		{"protected site without type", h, "/v1/zones", `{"kind":"protected-site","volumes":[{"footprint":{"type":"Point","coordinates":[36.2,33.5]},"radius_m":100,"start":"2016-09-12T00:00:00Z"}]}`, nil, 400, "site_type"},
		{"unknown site type", h, "/v1/zones", `{"kind":"protected-site","site_type":"barracks","volumes":[{"footprint":{"type":"Point","coordinates":[36.2,33.5]},"radius_m":100,"start":"2016-09-12T00:00:00Z"}]}`, nil, 400, "site_type"},
		{"no volumes", s.coord, "/v1/zones", `{"kind":"no-fly","volumes":[]}`, nil, 400, "volumes"},
		{"malformed JSON", s.coord, "/v1/zones", `{"kind":"no-fly",`, nil, 400, "body"},
		{"empty body", s.coord, "/v1/zones", ``, nil, 400, "body"},
		{"trailing data", s.coord, "/v1/zones", zoneJSON() + `{}`, nil, 400, "body"},
		{"oversized body", s.coord, "/v1/zones", big, nil, 413, "body"},
		{"batch with one bad zone", s.coord, "/v1/zones/batch", `{"zones":[` + zoneJSON() + `,` + zoneJSON("FLOOR", "30000") + `]}`, nil, 400, "zones[1].volumes[0].floor_ft"},
		{"wrong role: party declares a no-fly zone", a, "/v1/zones", zoneJSON(), nil, 403, "kind"},
		{"wrong role: party creates a party", a, "/v1/parties", `{"name":"X","role":"party"}`, nil, 403, ""},
		{"wrong role: humanitarian declares a ceasefire area", h, "/v1/zones", zoneJSON("KIND", `"ceasefire-area"`), nil, 403, "kind"},
		{"wrong token", wrongToken, "/v1/zones", zoneJSON(), nil, 401, "Authorization"},
		{"no token", client.New(s.URL(), ""), "/v1/zones", zoneJSON(), nil, 401, "Authorization"},
		{"unsigned write by a party with a key", signer, "/v1/zones", signedBody, nil, 401, "Concord-Signature"},
		{"signature by another key", signer, "/v1/zones", signedBody, map[string]string{"Concord-Signature": badSig}, 401, "Concord-Signature"},
		{"signature over another body", signer, "/v1/zones", signedBody, map[string]string{"Concord-Signature": goodSigOtherBody}, 401, "Concord-Signature"},
		{"malformed signature header", signer, "/v1/zones", signedBody, map[string]string{"Concord-Signature": "sig=abc"}, 401, "Concord-Signature"},
		{"bad idempotency key", s.coord, "/v1/zones", zoneJSON(), map[string]string{"Idempotency-Key": "has spaces in it"}, 400, "Idempotency-Key"},
		{"bad party role", s.coord, "/v1/parties", `{"name":"X","role":"king"}`, nil, 400, "role"},
		{"bad party id", s.coord, "/v1/parties", `{"id":"a b","name":"X","role":"party"}`, nil, 400, "id"},
		{"bad public key", s.coord, "/v1/parties", `{"name":"X","role":"party","public_key":"AAAA"}`, nil, 400, "public_key"},
		{"withdraw unknown zone", s.coord, "/v1/zones/z_nope/withdraw", ``, nil, 404, ""},
	}
	if len(tests) < 30 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.size(t)
			status, body := raw(t, tc.who, "POST", tc.path, tc.body, tc.header)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", status, tc.status, body)
			}
			var p struct{ Field, Detail, Code string }
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Code == "" {
				t.Fatalf("not a problem document: %.300s", body)
			}
			if tc.field != "" && !strings.HasPrefix(p.Field, tc.field) {
				t.Errorf("field %q, want %q (detail: %s)", p.Field, tc.field, p.Detail)
			}
			if after := s.size(t); after != before {
				t.Errorf("journal grew from %d to %d", before, after)
			}
		})
	}
	// The signed request itself is accepted, and its signature journaled.
	signer.Key = priv
	var res struct{ Receipts []struct{ Leaf string } }
	if err := signer.Do(t.Context(), "POST", "/v1/zones", []byte(signedBody), "", &res); err != nil {
		t.Fatalf("signed write: %v", err)
	}
	if len(res.Receipts) != 1 || !strings.Contains(res.Receipts[0].Leaf, "\nsig ") {
		t.Fatalf("signed write's leaf carries no signature: %+v", res.Receipts)
	}
}
