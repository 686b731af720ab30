package main

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"concord/internal/client"
	"concord/internal/sim"
	"concord/internal/zones"
)

// need skips the test when a dependency of the browser tests is missing,
// except under CI=true, where the run must fail instead.
func need(t *testing.T, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing (CI=true: .ci/run installs it)", what)
	}
	t.Skipf("%s is missing: skipping the browser tests", what)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestConsoleInChromium serves concord with the demo's seed and runs the
// console's browser tests (e2e/console.test.mjs: playwright-core driving
// Debian's Chromium) against it: every role signs in and sees what the API
// gives it; an armed party finds no protected coordinate anywhere; nothing
// but concord is ever requested; the journal verifies in the browser.
func TestConsoleInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	node, err := exec.LookPath("node")
	need(t, err == nil, "node")
	e2e, _ := filepath.Abs("../../e2e")
	need(t, exists(filepath.Join(e2e, "node_modules", "playwright-core")), "e2e/node_modules (npm ci --prefix e2e)")
	need(t, exists("/usr/bin/chromium"), "/usr/bin/chromium (apt-get install chromium)")

	s := startServer(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	w, err := sim.Seed(ctx, s.coord, time.Date(2016, 9, 12, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	addUniqueSites(t, ctx, w.Members["H"].Client)
	tokens := map[string]string{"coordinator": s.coord.Token}
	for id, m := range w.Members {
		tokens[id] = m.Token
	}
	protected := protectedPoints(t, ctx, s.coord)
	golden, _ := filepath.Abs("../../internal/web/testdata/s2cells.json")
	env := map[string]any{"url": s.URL(), "tokens": tokens, "protected": protected, "golden": golden, "screenshots": filepath.Join(e2e, "screenshots")}
	cfg, _ := json.Marshal(env)

	cmd := exec.CommandContext(ctx, node, "console.test.mjs")
	cmd.Dir = e2e
	cmd.Env = append(os.Environ(), "CONCORD_E2E="+string(cfg))
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("node console.test.mjs (%.1f s):\n%s", time.Since(start).Seconds(), out)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("the browser tests failed (exit %d)", exit.ExitCode())
	} else if err != nil {
		t.Fatal(err)
	}
}

// addUniqueSites declares two synthetic protected sites whose coordinates
// no other zone shares, so the leak check always has sites to look for.
func addUniqueSites(t *testing.T, ctx context.Context, h *client.Client) {
	t.Helper()
	start := time.Date(2016, 9, 12, 0, 0, 0, 0, time.UTC)
	in := []map[string]any{
		{"kind": "protected-site", "name": "Clinic, Saraqib (synthetic)", "site_type": "hospital", "properties": map[string]string{"synthetic": "true"},
			"volumes": []map[string]any{{"footprint": map[string]any{"type": "Point", "coordinates": []float64{36.80731, 35.86417}}, "radius_m": 400, "start": start}}},
		{"kind": "protected-site", "name": "School, Manbij (synthetic)", "site_type": "school", "properties": map[string]string{"synthetic": "true"},
			"volumes": []map[string]any{{"footprint": map[string]any{"type": "Point", "coordinates": []float64{37.95283, 36.52869}}, "radius_m": 300, "start": start}}},
	}
	if err := h.Do(ctx, "POST", "/v1/zones/batch", map[string]any{"zones": in}, "console-test-sites", nil); err != nil {
		t.Fatal(err)
	}
}

// protectedPoint is a coordinate an armed party must never receive. Shared
// names another zone, of a kind armed parties see in full, at exactly that
// point: such a seed would give the site away through that zone, so it is
// an error (the demo once put the Douma hospital at Douma's centre).
type protectedPoint struct {
	Name   string  `json:"name"`
	Lon    float64 `json:"lon"`
	Lat    float64 `json:"lat"`
	Shared string  `json:"shared,omitempty"`
}

// protectedPoints lists, from the coordinator's full view, every footprint
// point (centre or vertex) of the protected sites and safe zones.
func protectedPoints(t *testing.T, ctx context.Context, coord *client.Client) []protectedPoint {
	t.Helper()
	var list struct {
		Zones []zones.Zone `json:"zones"`
	}
	if err := coord.Do(ctx, "GET", "/v1/zones?limit=1000", nil, "", &list); err != nil {
		t.Fatal(err)
	}
	open := map[[2]float64]string{}
	var out []protectedPoint
	for _, z := range list.Zones {
		secret := z.Kind == zones.ProtectedSite || z.Kind == zones.SafeZone
		for _, v := range z.Volumes {
			for _, p := range points(v) {
				if secret {
					out = append(out, protectedPoint{Name: z.Name, Lon: p[0], Lat: p[1]})
				} else {
					open[p] = z.Name
				}
			}
		}
	}
	for i, p := range out {
		for q, name := range open {
			if math.Abs(q[0]-p.Lon) < 1e-9 && math.Abs(q[1]-p.Lat) < 1e-9 {
				out[i].Shared = name
				t.Errorf("protected %s sits exactly at a point of %s, which armed parties see in full", p.Name, name)
			}
		}
	}
	if len(out) < 6 {
		t.Fatalf("only %d protected points: the seed changed", len(out))
	}
	return out
}

func points(v zones.Volume) [][2]float64 {
	g := v.Footprint
	var out [][2]float64
	if strings.EqualFold(g.Type, "Point") {
		return append(out, [2]float64{g.Point[0], g.Point[1]})
	}
	for _, poly := range g.Polygons {
		for _, ring := range poly {
			for _, p := range ring {
				out = append(out, [2]float64{p[0], p[1]})
			}
		}
	}
	return out
}

// TestMe: every role learns who it is from GET /v1/me; a bad token is 401.
func TestMe(t *testing.T) {
	s := startServer(t, Config{})
	for _, role := range []string{"party", "humanitarian", "observer", "auditor"} {
		c := s.addParty(t, "P"+role[:2], role)
		code, body := raw(t, c, "GET", "/v1/me", "", nil)
		var doc struct {
			Party struct{ ID, Name, Role string }
		}
		if err := json.Unmarshal([]byte(body), &doc); code != 200 || err != nil {
			t.Fatalf("%s: %d %s", role, code, body)
		}
		if doc.Party.ID != "P"+role[:2] || doc.Party.Role != role || doc.Party.Name == "" {
			t.Errorf("%s: %+v", role, doc.Party)
		}
	}
	if code, _ := raw(t, client.New(s.URL(), "cct_nope"), "GET", "/v1/me", "", nil); code != 401 {
		t.Errorf("bad token: %d, want 401", code)
	}
	code, body := raw(t, s.coord, "GET", "/", "", nil)
	if code != 200 || !strings.Contains(body, "concord console") {
		t.Errorf("GET /: %d", code)
	}
}
