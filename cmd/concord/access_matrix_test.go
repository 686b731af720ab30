package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"concord/internal/api"
	"concord/internal/client"
)

// rule is what SPEC §1 says of one route, written independently of the
// route table: the roles that may call it (p party, h humanitarian,
// o observer, c coordinator, a auditor; "-" for no authentication), and for
// routes about one party's object, what another armed party gets for it.
type rule struct {
	roles   string
	fixture string // "zone", "plan", "party": the {id} is party A's object of that kind
	other   int    // status party B gets for A's object (0: not checked)
}

// accessRules is the access matrix. A route missing here fails the test, so
// no route lands without a decision about who may call it.
var accessRules = map[string]rule{
	"GET /healthz":                       {roles: "-"},
	"GET /readyz":                        {roles: "-"},
	"GET /v1/openapi.json":               {roles: "-"},
	"GET /v1/events":                     {roles: "phoca"},
	"GET /v1/me":                         {roles: "phoca"},
	"POST /v1/parties":                   {roles: "c"},
	"GET /v1/parties":                    {roles: "phoca"},
	"GET /v1/parties/{id}":               {roles: "phoca", fixture: "party", other: 200},
	"POST /v1/parties/{id}/key":          {roles: "phoc", fixture: "party", other: 403},
	"POST /v1/parties/{id}/tokens":       {roles: "c"},
	"POST /v1/zones":                     {roles: "phc"},
	"POST /v1/zones/batch":               {roles: "phc"},
	"POST /v1/zones/import":              {roles: "phc"},
	"GET /v1/zones":                      {roles: "phoc"},
	"GET /v1/zones/export":               {roles: "phoc"},
	"GET /v1/zones/unacknowledged":       {roles: "p"},
	"GET /v1/zones/{id}":                 {roles: "phoc", fixture: "zone", other: 200},
	"GET /v1/zones/{id}/history":         {roles: "phoc", fixture: "zone", other: 200},
	"GET /v1/zones/{id}/notification":    {roles: "phoc"},
	"POST /v1/zones/{id}/supersede":      {roles: "phc"},
	"POST /v1/zones/{id}/withdraw":       {roles: "phc", fixture: "zone", other: 403},
	"POST /v1/zones/{id}/confirm":        {roles: "hc"},
	"POST /v1/zones/{id}/ack":            {roles: "p"},
	"GET /v1/journal/key":                {roles: "phoca"},
	"GET /v1/journal/checkpoint":         {roles: "phoca"},
	"GET /v1/journal/checkpoints":        {roles: "phoca"},
	"GET /v1/journal/checkpoints/{size}": {roles: "phoca"},
	"GET /v1/journal/leaves":             {roles: "phoca"},
	"GET /v1/journal/proof/inclusion":    {roles: "phoca"},
	"GET /v1/journal/proof/consistency":  {roles: "phoca"},
	"POST /v1/journal/cosignatures":      {roles: "a"},
	"POST /v1/journal/forks":             {roles: "phoca"}, // whoever finds a fork may report it
	"GET /v1/journal/forks":              {roles: "phoca"},
	"POST /v1/tracks":                    {roles: "ph"},
	"GET /v1/tracks":                     {roles: "pc"},
	"POST /v1/flightplans":               {roles: "p"},
	"GET /v1/flightplans":                {roles: "pc"},
	"GET /v1/flightplans/{id}":           {roles: "pc", fixture: "plan", other: 404},
	"GET /v1/alerts":                     {roles: "phc"},
	"GET /v1/alerts/{id}":                {roles: "phc"},
	"POST /v1/alerts/{id}/ack":           {roles: "phc"},
	"POST /v1/policies":                  {roles: "c"},
	"POST /v1/operations":                {roles: "p"},
	"GET /v1/operations":                 {roles: "pc"},
	"GET /v1/operations/{id}":            {roles: "pc"},
	"POST /v1/operations/{id}/withdraw":  {roles: "pc"},
	"POST /v1/movements":                 {roles: "h"},
	"GET /v1/movements":                  {roles: "phoc"},
	"GET /v1/movements/{id}":             {roles: "phoc"},
	"GET /v1/movements/{id}/consents":    {roles: "phoc"},
	"POST /v1/movements/{id}/consent":    {roles: "pc"},
	"POST /v1/movements/{id}/status":     {roles: "h"},
	"POST /v1/movements/{id}/ack":        {roles: "p"},
	"GET /v1/access/figures":             {roles: "phoc"},
	"POST /v1/reports":                   {roles: "pho"},
	"GET /v1/reports":                    {roles: "phoc"},
	"GET /v1/reports/{id}":               {roles: "phoc"},
	"GET /v1/reports/{id}/history":       {roles: "phoc"},
	"POST /v1/reports/{id}/amend":        {roles: "pho"},
	"POST /v1/evidence":                  {roles: "pho"},
	"GET /v1/evidence/{sha256}":          {roles: "phoc"},
	"GET /v1/incidents":                  {roles: "phoc"},
	"GET /v1/incidents/export":           {roles: "phoc"},
	"GET /v1/incidents/{id}":             {roles: "phoc"},
	"POST /v1/incidents/merge":           {roles: "o"},
	"POST /v1/incidents/{id}/split":      {roles: "o"},
	"POST /v1/incidents/{id}/verdict":    {roles: "o"},
	"POST /v1/incidents/{id}/rfi":        {roles: "o"},
	"POST /v1/incidents/{id}/response":   {roles: "p"},
	"GET /v1/summaries/daily":            {roles: "phoc"},
	"GET /v1/bundles/{type}/{id}":        {roles: "phoc"},
}

var roleLetters = map[string]string{"p": "party", "h": "humanitarian", "o": "observer", "c": "coordinator", "a": "auditor"}

// Issue 8, item 4: every route × every role (and no token), and for routes
// about one party's object, own versus another party's.
func TestAccessMatrix(t *testing.T) {
	s := startServer(t, Config{})
	callers := map[string]*client.Client{
		"p": s.addParty(t, "A", "party"), "h": s.addParty(t, "H", "humanitarian"), "o": s.addParty(t, "O", "observer"),
		"c": s.coord, "a": s.addParty(t, "W", "auditor"),
	}
	other := s.addParty(t, "B", "party")
	fixtures := accessFixtures(t, callers["p"])
	routes := s.HTTP.Handler.(*api.Server).Routes()
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		r, ok := accessRules[key]
		if !ok {
			t.Errorf("route %s has no rule in the access matrix", key)
			continue
		}
		path := fillPath(rt.Pattern, fixtures[r.fixture])
		if r.roles == "-" {
			if status, body := raw(t, client.New(s.URL(), ""), rt.Method, path, "", nil); status >= 400 {
				t.Errorf("%s without a token: %d %.200s", key, status, body)
			}
			continue
		}
		if status, _ := raw(t, client.New(s.URL(), ""), rt.Method, path, "", nil); status != 401 {
			t.Errorf("%s without a token: %d, want 401", key, status)
		}
		for letter, c := range callers {
			status, body := accessCall(t, c, rt.Method, path)
			allowed := strings.Contains(r.roles, letter)
			switch {
			case !allowed && status != 403:
				t.Errorf("%s as %s: %d, want 403", key, roleLetters[letter], status)
			case allowed && r.fixture != "" && letter != "p" && letter != "c" && status == r.other:
				// not party A's object: the caller gets what another party gets
			case allowed && (status == 401 || status == 403 || status == 405 || status >= 500):
				t.Errorf("%s as %s (allowed): %d %.200s", key, roleLetters[letter], status, body)
			}
		}
		if r.other != 0 {
			if status, body := accessCall(t, other, rt.Method, path); status != r.other {
				t.Errorf("%s as another party on A's object: %d, want %d (%.200s)", key, status, r.other, body)
			}
		}
	}
	for key := range accessRules {
		found := false
		for _, rt := range routes {
			found = found || rt.Method+" "+rt.Pattern == key
		}
		if !found {
			t.Errorf("the access matrix has a rule for %s, which is not a route", key)
		}
	}
}

// accessCall sends an empty-bodied request (writes get a body their handler
// may refuse as invalid: the matrix checks who gets past authorisation).
func accessCall(t *testing.T, c *client.Client, method, path string) (int, string) {
	if path == "/v1/events" { // a stream: the status is all there is to check
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		resp, err := c.Stream(ctx, path, nil)
		if p, ok := err.(*client.Problem); ok {
			return p.Status, p.Detail
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, ""
	}
	body := ""
	if method == "POST" {
		body = "{}"
	}
	if strings.HasSuffix(path, "/key") {
		return keyCall(t, c, path)
	}
	if strings.HasSuffix(path, "/withdraw") || strings.HasSuffix(path, "/ack") {
		body = ""
	}
	return raw(t, c, method, path, body, nil)
}

// keyCall registers a real key only when party A registers its own (and A
// signs from then on); any other caller sends an invalid key, which tests
// authorisation without changing anyone's key.
func keyCall(t *testing.T, c *client.Client, path string) (int, string) {
	if c.Key != nil {
		return 200, "" // A's key is registered already
	}
	pub, priv, _ := ed25519.GenerateKey(nil)
	key := base64.StdEncoding.EncodeToString(pub)
	var me struct{ Party struct{ ID string } }
	c.Do(context.Background(), "GET", "/v1/me", nil, "", &me)
	if !strings.HasSuffix(path, "/"+me.Party.ID+"/key") {
		key = "not-a-key"
	}
	status, body := raw(t, c, "POST", path, fmt.Sprintf(`{"public_key":%q}`, key), nil)
	if status == 200 && key != "not-a-key" {
		c.Key = priv
	}
	return status, body
}

func fillPath(pattern, id string) string {
	if id == "" {
		id = "nonexistent"
	}
	p := strings.ReplaceAll(pattern, "{id}", id)
	p = strings.ReplaceAll(p, "{size}", "1")
	p = strings.ReplaceAll(p, "{type}", "zone")
	return strings.ReplaceAll(p, "{sha256}", strings.Repeat("0", 64))
}

// accessFixtures creates party A's objects that {id} routes name.
func accessFixtures(t *testing.T, a *client.Client) map[string]string {
	ctx := context.Background()
	var z struct{ Zone struct{ ID string } }
	if err := a.Do(ctx, "POST", "/v1/zones", json.RawMessage(zoneJSON("KIND", `"control-area"`)), "", &z); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2016, 9, 12, 10, 0, 0, 0, time.UTC)
	plan := fmt.Sprintf(`{"callsign":"A1","aircraft_type":"SU24","waypoints":[{"lat":35,"lon":37,"alt_ft":30000,"time":%q},{"lat":35,"lon":38,"alt_ft":30000,"time":%q}]}`,
		t0.Format(time.RFC3339), t0.Add(10*time.Minute).Format(time.RFC3339))
	var p struct{ Flightplan struct{ ID string } }
	if err := a.Do(ctx, "POST", "/v1/flightplans", json.RawMessage(plan), "", &p); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"zone": z.Zone.ID, "plan": p.Flightplan.ID, "party": "A"}
}
