package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"concord/internal/client"
	"concord/internal/mechanism"
	"concord/internal/protection"
	"concord/internal/store/postgres/pgtest"
)

// The aid convoy of 19 September 2016 to Urum al-Kubra, west of Aleppo
// (geometry approximate; the SARC warehouse coordinates are synthetic). The
// route runs west from party A's control area into party B's:
//
//	36.88 ── B's control area ── 36.99 │ 36.99 ── A's control area ── 37.2
//	  36.9 ─ besieged area ─ 36.98     │
//	  route:  36.96,36.17 ◄── 37.0,36.18 ◄── 37.1,36.2
//
// B's air notice covers 36.95–37.05 × 36.16–36.19, over the route's western
// half, 15:00–18:00 UTC, inside the convoy's window 08:00–20:00.
const (
	urumRoute     = `{"type":"LineString","coordinates":[[37.1,36.2],[37.0,36.18],[36.96,36.17]]}`
	warehouseLon  = 36.94173
	warehouseLat  = 36.15236
	urumNoticeFmt = `{"kind":"air","purpose":"air support to ground forces",
		"volumes":[{"footprint":{"type":"Polygon","coordinates":[[[36.95,36.16],[37.05,36.16],[37.05,36.19],[36.95,36.19],[36.95,36.16]]]},
		"start":"2016-09-19T15:00:00Z","end":"2016-09-19T18:00:00Z"}]}`
)

func urumMovement(area string) string {
	return fmt.Sprintf(`{"name":"UN/SARC convoy to Urum al-Kubra","route":%s,"width_m":1000,
		"start":"2016-09-19T08:00:00Z","end":"2016-09-19T20:00:00Z","destination":%q,
		"convoy":{"vehicles":31,"beneficiaries":78000,"cargo":[{"item":"food parcels","quantity":1800,"unit":"parcels"},
			{"item":"medical supplies","quantity":12,"unit":"t"}]}}`, urumRoute, area)
}

func rectJSON(lon0, lat0, lon1, lat1 float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}`,
		lon0, lat0, lon1, lat0, lon1, lat1, lon0, lat1, lon0, lat0)
}

// accessWorld is a server with armed parties A and B (B signs its writes),
// an aid organisation H, the besieged area and both control areas.
type accessWorld struct {
	*server
	a, b, h *client.Client
	bKey    ed25519.PrivateKey
	area    string
}

func newAccessWorld(t *testing.T, c Config) *accessWorld {
	t.Helper()
	s := startServer(t, c)
	w := &accessWorld{server: s, a: s.addParty(t, "A", "party"), b: s.addParty(t, "B", "party"), h: s.addParty(t, "H", "humanitarian")}
	pub, priv, _ := ed25519.GenerateKey(nil)
	w.must(t, w.b, "POST", "/v1/parties/B/key", map[string]string{"public_key": base64.StdEncoding.EncodeToString(pub)}, nil)
	w.b.Key, w.bKey = priv, priv
	w.area = w.zone(t, w.h, "besieged-area", rectJSON(36.9, 36.12, 36.98, 36.18), "")
	w.zone(t, w.a, "control-area", rectJSON(36.99, 36.1, 37.2, 36.3), "")
	w.zone(t, s.coord, "control-area", rectJSON(36.88, 36.1, 36.99, 36.3), `"applies_to":["B"],`)
	return w
}

func (w *accessWorld) zone(t *testing.T, c *client.Client, kind, footprint, extra string) string {
	t.Helper()
	var out struct{ Zone struct{ ID string } }
	body := fmt.Sprintf(`{"kind":%q,%s"volumes":[{"footprint":%s,"start":"2016-01-01T00:00:00Z"}]}`, kind, extra, footprint)
	w.must(t, c, "POST", "/v1/zones", json.RawMessage(body), &out)
	return out.Zone.ID
}

func (w *accessWorld) must(t *testing.T, c *client.Client, method, path string, body, out any) {
	t.Helper()
	if err := c.Do(context.Background(), method, path, body, "", out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// signed sends a raw request as B, signed with its key.
func (w *accessWorld) signed(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	sig := mechanism.SignatureHeader(w.bKey, method, path, "", []byte(body))
	return raw(t, w.b, method, path, body, map[string]string{"Concord-Signature": sig})
}

type movementDoc struct {
	Movement struct {
		ID               string
		Version          int
		State            string
		RequiredConsents []string `json:"required_consents"`
	}
}

func (w *accessWorld) fileMovement(t *testing.T) string {
	t.Helper()
	var mv movementDoc
	w.must(t, w.h, "POST", "/v1/movements", json.RawMessage(urumMovement(w.area)), &mv)
	if got := strings.Join(mv.Movement.RequiredConsents, ","); got != "A,B" || mv.Movement.State != "requested" {
		t.Fatalf("movement requires %q and is %s, want A,B and requested", got, mv.Movement.State)
	}
	return mv.Movement.ID
}

func (w *accessWorld) status(t *testing.T, id, body string) {
	t.Helper()
	w.must(t, w.h, "POST", "/v1/movements/"+id+"/status", json.RawMessage(body), nil)
}

func TestUrumConvoySQLite(t *testing.T) { testUrumConvoy(t, Config{}) }

func TestUrumConvoyPostgres(t *testing.T) { testUrumConvoy(t, Config{DB: pgtest.Schema(t)}) }

// Acceptance 1: the convoy of 19 September 2016. H files the movement; A and
// B consent; B's notice over the route in the window is refused until B
// acknowledges the movement, then accepted, and H is alerted; the convoy is
// attacked. The evidence bundle verifies offline and shows, in order, the
// notification, B's acknowledgement, B's consent and B's notice; altered, it
// fails naming what.
func testUrumConvoy(t *testing.T, c Config) {
	w := newAccessWorld(t, c)
	id := w.fileMovement(t)
	w.must(t, w.a, "POST", "/v1/movements/"+id+"/consent", map[string]string{"decision": "approve"}, nil)
	var mv movementDoc
	w.must(t, w.b, "POST", "/v1/movements/"+id+"/consent",
		map[string]string{"decision": "approve", "conditions": "convoy to pass the Ramouseh checkpoint before 12:00"}, &mv)
	if mv.Movement.State != "approved" {
		t.Fatalf("after both consents the movement is %s", mv.Movement.State)
	}
	w.status(t, id, `{"state":"en-route","note":"left west Aleppo"}`)

	before := w.size(t)
	status, body := w.signed(t, "POST", "/v1/operations", urumNoticeFmt)
	if status != 409 || !strings.Contains(body, `"unacknowledged":[`) || !strings.Contains(body, `"id":"`+id+`"`) ||
		!strings.Contains(body, `"kind":"movement"`) || !strings.Contains(body, `"cells":["`) {
		t.Fatalf("notice over an unacknowledged movement: %d %s", status, body)
	}
	if w.size(t) != before {
		t.Fatal("the refused notice wrote to the journal")
	}
	var ack struct{ Ack mechanism.Ack }
	w.must(t, w.b, "POST", "/v1/movements/"+id+"/ack", nil, &ack)
	if ack.Ack.Subject.Version != 3 {
		t.Fatalf("B acknowledged version %d, want the en-route version 3", ack.Ack.Subject.Version)
	}
	status, body = w.signed(t, "POST", "/v1/operations", urumNoticeFmt)
	if status != 201 {
		t.Fatalf("notice after acknowledgement: %d %s", status, body)
	}
	var op struct{ Operation protection.Notice }
	json.Unmarshal([]byte(body), &op)
	if len(op.Operation.Awareness) != 1 || op.Operation.Awareness[0].Ack != ack.Ack.ID || len(op.Operation.Alerts) != 1 {
		t.Fatalf("accepted notice %+v", op.Operation)
	}
	if ev := readEvents(t, w.h); !strings.Contains(ev, "event: alert") || !strings.Contains(ev, op.Operation.Alerts[0]) ||
		!strings.Contains(ev, `"kind":"protection"`) || !strings.Contains(ev, "air support to ground forces") {
		t.Fatalf("H's events lack the alert in full:\n%s", ev)
	}
	w.status(t, id, `{"state":"attacked","note":"convoy struck while unloading at the SARC warehouse"}`)

	bundle := filepath.Join(t.TempDir(), "urum.json")
	out := runOK(t, "evidence", "movement", id, "--out", bundle, "--url", w.URL(), "--token", w.coord.Token)
	if !strings.Contains(out, "wrote "+bundle) {
		t.Fatalf("concord evidence: %s", out)
	}
	out = runOK(t, "verify", "--bundle", bundle)
	wantOrder := []string{
		"movement.create       " + id + " v1 by H",
		"movement.ack          ack:B:" + id,
		"movement.consent      consent:" + id + ":B v1 by B (signed",
		"operation.create      " + op.Operation.ID + " v1 by B (signed",
		"alert.protection      " + op.Operation.Alerts[0],
		"movement.status       " + id + " v4 by H",
	}
	checkOrder(t, out, wantOrder)
	if strings.Contains(out, "record withheld") {
		t.Errorf("the coordinator's bundle withholds records:\n%s", out)
	}
	// H's own bundle verifies too, with B's notice as a leaf only.
	hb := filepath.Join(t.TempDir(), "urum-h.json")
	runOK(t, "evidence", "movement", id, "--out", hb, "--url", w.URL(), "--token", w.h.Token)
	checkOrder(t, runOK(t, "verify", "--bundle", hb), []string{"operation.create      " + op.Operation.ID + " v1 by B (signed by key " + mechanism.KeyID(w.bKey.Public().(ed25519.PublicKey)) + ", record withheld)"})
	checkTampering(t, bundle, id)
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), args, &out, &errb); err != nil {
		t.Fatalf("concord %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// checkOrder checks that each wanted text appears in out, in order (runs
// of spaces count as one).
func checkOrder(t *testing.T, out string, want []string) {
	t.Helper()
	out = strings.Join(strings.Fields(out), " ")
	at := 0
	for _, w := range want {
		w = strings.Join(strings.Fields(w), " ")
		i := strings.Index(out[at:], w)
		if i < 0 {
			t.Fatalf("%q is missing after offset %d of:\n%s", w, at, out)
		}
		at += i + len(w)
	}
}

// checkTampering alters a copy of the bundle in several ways; verification
// fails each time, naming the part altered.
func checkTampering(t *testing.T, path, movement string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		alter func(b *protection.Bundle) bool
		want  string
	}{
		{"a record's body", func(b *protection.Bundle) bool {
			return alterEntry(b, func(e *protection.Entry) bool {
				if e.Record == nil || !strings.Contains(e.Record.Body, `"attacked"`) {
					return false
				}
				e.Record.Body = strings.Replace(e.Record.Body, `"attacked"`, `"arrived"`, 1)
				return true
			})
		}, "].record: record " + movement + " version 4 does not match"},
		{"a leaf", func(b *protection.Bundle) bool {
			return alterEntry(b, func(e *protection.Entry) bool {
				if !strings.Contains(e.Leaf, "actor B") {
					return false
				}
				e.Leaf = strings.Replace(e.Leaf, "actor B", "actor A", 1)
				return true
			})
		}, "].leaf_hash: leaf hash"},
		{"a proof", func(b *protection.Bundle) bool {
			b.Entries[0].Proof[0] = b.Entries[0].LeafHash
			return true
		}, "entries[0].inclusion_proof: inclusion proof of leaf"},
		{"an entry removed and the indexes shifted", func(b *protection.Bundle) bool {
			b.Entries[1].Index = b.Entries[0].Index
			return true
		}, "entries[1].index"},
	} {
		var b protection.Bundle
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatal(err)
		}
		if !tc.alter(&b) {
			t.Fatalf("%s: nothing to alter", tc.name)
		}
		altered, _ := json.Marshal(b)
		bad := filepath.Join(t.TempDir(), "altered.json")
		os.WriteFile(bad, altered, 0o644)
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"verify", "--bundle", bad}, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), "EVIDENCE VERIFICATION FAILED") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: verify said %v, want a failure naming %q", tc.name, err, tc.want)
		}
	}
}

func alterEntry(b *protection.Bundle, f func(*protection.Entry) bool) bool {
	for i := range b.Entries {
		if f(&b.Entries[i]) {
			return true
		}
	}
	return false
}

var timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)

// siteLeaks returns the renderings of the warehouse's coordinates, at 2 to 5
// decimals (rounded and truncated), found in s as numbers (not inside a
// longer number, nor in a timestamp's seconds).
func siteLeaks(s string) []string {
	s = timestamp.ReplaceAllString(s, "T")
	var found []string
	for _, v := range []float64{warehouseLon, warehouseLat} {
		full := fmt.Sprintf("%.5f", v)
		for d := 2; d <= 5; d++ {
			for _, r := range []string{fmt.Sprintf("%.*f", d, v), full[:strings.Index(full, ".")+1+d]} {
				re := regexp.MustCompile(`(^|[^0-9])` + regexp.QuoteMeta(r))
				if re.MatchString(s) {
					found = append(found, r)
				}
			}
		}
	}
	return found
}

// Acceptance 2: no coordinate of a protected site reaches an armed party
// through any route, event or export of this issue, nor through the
// evidence bundles it may fetch — while its owner does see it.
func TestProtectionNoCoordinatesToParties(t *testing.T) {
	w := newAccessWorld(t, Config{})
	var site struct{ Zone struct{ ID string } }
	w.must(t, w.h, "POST", "/v1/zones", json.RawMessage(fmt.Sprintf(`{"kind":"protected-site","site_type":"warehouse",
		"name":"SARC warehouse, Urum al-Kubra","volumes":[{"footprint":{"type":"Point","coordinates":[%v,%v]},"radius_m":200,
		"start":"2016-09-01T00:00:00Z"}]}`, warehouseLon, warehouseLat)), &site)
	sid := site.Zone.ID
	mid := w.fileMovement(t)
	w.must(t, w.a, "POST", "/v1/movements/"+mid+"/consent", map[string]string{"decision": "approve"}, nil)
	var seen strings.Builder
	get := func(c *client.Client, path string) string {
		status, body := raw(t, c, "GET", path, "", nil)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		seen.WriteString(body)
		return body
	}
	if body := get(w.b, "/v1/zones/unacknowledged"); !strings.Contains(body, sid) || !strings.Contains(body, `"cells":[`) {
		t.Fatalf("B's unacknowledged sites: %s", body)
	}
	// B's notice overlaps the site's cells and the movement: refused, listing both coarsely.
	status, body := w.signed(t, "POST", "/v1/operations", urumNoticeFmt)
	seen.WriteString(body)
	if status != 409 || !strings.Contains(body, sid) || !strings.Contains(body, `"site_type":"warehouse"`) || !strings.Contains(body, mid) {
		t.Fatalf("B's notice: %d %s", status, body)
	}
	for _, path := range []string{"/v1/zones/" + sid + "/ack", "/v1/movements/" + mid + "/ack"} {
		status, body := w.signed(t, "POST", path, "")
		seen.WriteString(body)
		if status != 201 {
			t.Fatalf("POST %s: %d %s", path, status, body)
		}
	}
	status, body = w.signed(t, "POST", "/v1/operations", urumNoticeFmt)
	seen.WriteString(body)
	if status != 201 {
		t.Fatalf("B's notice after acknowledging: %d %s", status, body)
	}
	var op struct{ Operation protection.Notice }
	json.Unmarshal([]byte(body), &op)
	// A files a notice too (it conflicts with B's and the site; A acknowledges the site first).
	w.must(t, w.a, "POST", "/v1/zones/"+sid+"/ack", nil, nil)
	w.must(t, w.a, "POST", "/v1/movements/"+mid+"/ack", nil, nil)
	var opA struct{ Operation protection.Notice }
	w.must(t, w.a, "POST", "/v1/operations", json.RawMessage(strings.Replace(urumNoticeFmt, `"air"`, `"artillery"`, 1)), &opA)

	for _, c := range []*client.Client{w.a, w.b} {
		for _, path := range []string{"/v1/zones/unacknowledged", "/v1/zones/" + sid + "/notification", "/v1/operations",
			"/v1/movements", "/v1/movements/" + mid, "/v1/movements/" + mid + "/consents", "/v1/access/figures",
			"/v1/access/figures?format=csv&area=" + w.area, "/v1/alerts", "/v1/bundles/site/" + sid, "/v1/bundles/movement/" + mid} {
			get(c, path)
		}
		seen.WriteString(readEvents(t, c))
	}
	get(w.b, "/v1/operations/"+op.Operation.ID)
	get(w.b, "/v1/bundles/operation/"+op.Operation.ID)
	get(w.a, "/v1/bundles/operation/"+opA.Operation.ID)
	bundle := filepath.Join(t.TempDir(), "site.json")
	runOK(t, "evidence", "site", sid, "--out", bundle, "--url", w.URL(), "--token", w.b.Token)
	file, _ := os.ReadFile(bundle)
	seen.Write(file)
	if l := siteLeaks(seen.String()); len(l) > 0 {
		t.Fatalf("armed parties were shown the site's coordinates %v", l)
	}
	if !strings.Contains(seen.String(), `"kind":"protection"`) || !strings.Contains(seen.String(), `"site_type":"warehouse"`) {
		t.Fatal("the parties' answers lack the coarse conflict with the warehouse: the test checked too little")
	}
	// Its owner sees the site, and the notices near it, in full.
	var owner strings.Builder
	owner.WriteString(get(w.h, "/v1/alerts"))
	owner.WriteString(get(w.h, "/v1/bundles/site/"+sid))
	if len(siteLeaks(owner.String())) == 0 || !strings.Contains(owner.String(), `"exact_overlap"`) {
		t.Fatalf("the site's owner does not see it in full: %.2000s", owner.String())
	}
}

// Acceptance 3: consent, state changes and acknowledgements refuse the
// wrong role and the wrong party; an illegal state change is a 409 that
// changes nothing; a movement goes through to delivered with quantities,
// and the access figures count it.
func TestAccessRefusals(t *testing.T) {
	w := newAccessWorld(t, Config{})
	c := w.addParty(t, "C", "party")
	h2 := w.addParty(t, "H2", "humanitarian")
	o := w.addParty(t, "O", "observer")
	id := w.fileMovement(t)
	approve := `{"decision":"approve"}`
	for _, tc := range []struct {
		who        string
		c          *client.Client
		path, body string
		status     int
	}{
		{"an aid organisation consenting", w.h, "/consent", approve, 403},
		{"an observer consenting", o, "/consent", approve, 403},
		{"a party whose consent is not required", c, "/consent", approve, 403},
		{"the coordinator consenting for a party", w.coord, "/consent", approve, 403},
		{"a denial without a reason", w.a, "/consent", `{"decision":"deny"}`, 400},
		{"an armed party reporting the state", w.a, "/status", `{"state":"cancelled"}`, 403},
		{"another aid organisation reporting the state", h2, "/status", `{"state":"cancelled"}`, 403},
		{"the coordinator reporting the state", w.coord, "/status", `{"state":"cancelled"}`, 403},
		{"en-route before approval", w.h, "/status", `{"state":"en-route"}`, 409},
		{"an aid organisation acknowledging", w.h, "/ack", "", 403},
		{"an observer acknowledging", o, "/ack", "", 403},
		{"acknowledging a version not current", w.a, "/ack", `{"version":7}`, 409},
	} {
		before := w.size(t)
		status, body := raw(t, tc.c, "POST", "/v1/movements/"+id+tc.path, tc.body, nil)
		if status != tc.status || w.size(t) != before {
			t.Errorf("%s: %d %s (journal %d → %d), want %d changing nothing", tc.who, status, body, before, w.size(t), tc.status)
		}
	}
	for _, c := range []*client.Client{w.h, w.coord} {
		if status, _ := raw(t, c, "POST", "/v1/zones/"+w.area+"/ack", "", nil); status != 403 {
			t.Errorf("a non-armed role acknowledging a zone: %d", status)
		}
	}
	w.must(t, w.a, "POST", "/v1/movements/"+id+"/consent", json.RawMessage(approve), nil)
	if status, _ := w.signed(t, "POST", "/v1/movements/"+id+"/consent", approve); status != 201 {
		t.Fatalf("B's consent: %d", status)
	}
	if status, _ := raw(t, w.a, "POST", "/v1/movements/"+id+"/consent", approve, nil); status != 409 {
		t.Errorf("A answering twice: %d, want 409", status)
	}
	w.status(t, id, `{"state":"en-route"}`)
	w.status(t, id, `{"state":"arrived"}`)
	w.status(t, id, `{"state":"delivered","delivery":"partial","beneficiaries":52000,
		"delivered":[{"item":"food parcels","quantity":1200,"unit":"parcels"},{"item":"medical supplies","quantity":12,"unit":"t"}]}`)
	before := w.size(t)
	status, body := raw(t, w.h, "POST", "/v1/movements/"+id+"/status", `{"state":"requested"}`, nil)
	if status != 409 || !strings.Contains(body, `"field":"state"`) || w.size(t) != before {
		t.Fatalf("delivered → requested: %d %s (journal %d → %d), want 409 changing nothing", status, body, before, w.size(t))
	}
	var mv struct{ Movement struct{ State string } }
	w.must(t, w.h, "GET", "/v1/movements/"+id, nil, &mv)
	if mv.Movement.State != "delivered" {
		t.Fatalf("after the refused change the movement is %s", mv.Movement.State)
	}
	var figs struct {
		Figures []struct {
			Requests, Approvals, Deliveries int
			PartialDeliveries               int `json:"partial_deliveries"`
			BeneficiariesReached            int `json:"beneficiaries_reached"`
			Delivered                       []struct{ Item string }
		}
	}
	w.must(t, o, "GET", "/v1/access/figures?area="+w.area, nil, &figs)
	f := figs.Figures[0]
	if f.Requests != 1 || f.Approvals != 1 || f.Deliveries != 1 || f.PartialDeliveries != 1 || f.BeneficiariesReached != 52000 || len(f.Delivered) != 2 {
		t.Fatalf("figures %+v", figs)
	}
	var csv []byte
	w.must(t, w.h, "GET", "/v1/access/figures?format=csv&area="+w.area, nil, &csv)
	if rows := strings.Split(strings.TrimSpace(string(csv)), "\n"); len(rows) != 2 || !strings.HasPrefix(rows[1], w.area+",1,1,0,0,") ||
		!strings.Contains(rows[1], "1200 parcels food parcels; 12 t medical supplies") {
		t.Fatalf("figures as CSV:\n%s", csv)
	}
}

// Bad input is refused naming the field and changes nothing.
func TestAccessBadInput(t *testing.T) {
	w := newAccessWorld(t, Config{})
	good := urumMovement(w.area)
	for _, tc := range []struct {
		c          *client.Client
		path, body string
		field      string
	}{
		{w.h, "/v1/movements", strings.Replace(good, `"width_m":1000`, `"width_m":-1`, 1), "width_m"},
		{w.h, "/v1/movements", strings.Replace(good, `"quantity":12`, `"quantity":0`, 1), "convoy.cargo[1].quantity"},
		{w.h, "/v1/movements", strings.Replace(good, `[36.96,36.17]`, `[36.96,96.17]`, 1), "route.coordinates[2][1]"},
		{w.h, "/v1/movements", strings.Replace(good, w.area, "z_nonesuch", 1), "destination"},
		{w.h, "/v1/movements", strings.Replace(good, `"width_m"`, `"target":"x","width_m"`, 1), "target"},
		{w.a, "/v1/operations", strings.Replace(urumNoticeFmt, `"air"`, `"naval"`, 1), "kind"},
		{w.a, "/v1/operations", strings.Replace(urumNoticeFmt, `"purpose"`, `"target":"bridge","purpose"`, 1), "target"},
		{w.a, "/v1/operations", strings.Replace(urumNoticeFmt, `,"end":"2016-09-19T18:00:00Z"`, ``, 1), "volumes[0].end"},
	} {
		before := w.size(t)
		status, body := raw(t, tc.c, "POST", tc.path, tc.body, nil)
		if status != 400 || !strings.Contains(body, `"field":"`+tc.field+`"`) || w.size(t) != before {
			t.Errorf("POST %s naming %s: %d %s", tc.path, tc.field, status, body)
		}
	}
}

// A convoy leaving its corridor raises a movement alert (journaled, as the
// system) to its owner in full and to the parties whose consent it
// required, coarse; back inside, the alert is resolved.
func TestMovementDeviationAlert(t *testing.T) {
	w := newAccessWorld(t, Config{})
	id := w.fileMovement(t)
	w.must(t, w.a, "POST", "/v1/movements/"+id+"/consent", map[string]string{"decision": "approve"}, nil)
	w.must(t, w.b, "POST", "/v1/movements/"+id+"/consent", map[string]string{"decision": "approve"}, nil)
	w.status(t, id, `{"state":"en-route"}`)
	at := time.Date(2016, 9, 19, 10, 0, 0, 0, time.UTC)
	ctx := context.Background()
	for _, p := range []struct{ lat, lon float64 }{{36.18, 37.0}, {36.21, 37.0}, {36.212, 37.0}} {
		if err := w.Mech.MovementPosition(ctx, "H", id, p.lat, p.lon, at); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Minute)
	}
	var own, coarse struct{ Alerts []json.RawMessage }
	w.must(t, w.h, "GET", "/v1/alerts", nil, &own)
	w.must(t, w.b, "GET", "/v1/alerts", nil, &coarse)
	if len(own.Alerts) != 1 || !strings.Contains(string(own.Alerts[0]), `"outside_corridor":true`) || !strings.Contains(string(own.Alerts[0]), "36.21") {
		t.Fatalf("H's alerts: %s", own.Alerts)
	}
	if len(coarse.Alerts) != 1 || !strings.Contains(string(coarse.Alerts[0]), `"left-corridor"`) || strings.Contains(string(coarse.Alerts[0]), "36.21") {
		t.Fatalf("B's alerts: %s", coarse.Alerts)
	}
	if err := w.Mech.MovementPosition(ctx, "H", id, 36.18, 37.0, at); err != nil {
		t.Fatal(err)
	}
	w.must(t, w.h, "GET", "/v1/alerts", nil, &own)
	if !strings.Contains(string(own.Alerts[0]), `"state":"resolved"`) {
		t.Fatalf("back in the corridor, H's alert: %s", own.Alerts[0])
	}
	var leaves struct{ Leaves []struct{ Data string } }
	w.must(t, w.coord, "GET", "/v1/journal/leaves?start=0&end=1000", nil, &leaves)
	var kinds []string
	for _, l := range leaves.Leaves {
		if strings.Contains(l.Data, "kind alert.") {
			kinds = append(kinds, strings.SplitN(strings.SplitN(l.Data, "kind ", 2)[1], "\n", 2)[0]+"/"+
				strings.SplitN(strings.SplitN(l.Data, "actor ", 2)[1], "\n", 2)[0])
		}
	}
	if strings.Join(kinds, " ") != "alert.movement/system alert.resolve/system" {
		t.Fatalf("alert leaves %v", kinds)
	}
}
