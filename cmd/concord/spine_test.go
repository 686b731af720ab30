package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"concord/internal/client"
	"concord/internal/journal"
	"concord/internal/store/postgres/pgtest"
)

// The hospital of acceptance 2: a point with a protection radius.
const hospitalLon, hospitalLat = 36.27651, 33.51384

func hospitalBody() string {
	return fmt.Sprintf(`{"kind":"protected-site","name":"Al-Mujtahid Hospital","site_type":"hospital",
		"volumes":[{"footprint":{"type":"Point","coordinates":[%v,%v]},"radius_m":300,
		"start":"2016-09-12T00:00:00Z"}]}`, hospitalLon, hospitalLat)
}

// leaks returns the renderings of the hospital's coordinates found in s, at
// every precision from 2 to 5 decimals (rounded and truncated).
func leaks(s string) []string {
	var found []string
	for _, v := range []float64{hospitalLon, hospitalLat} {
		for d := 2; d <= 5; d++ {
			rounded := fmt.Sprintf("%.*f", d, v)
			truncated := fmt.Sprintf("%v", v)
			if i := strings.Index(truncated, "."); i >= 0 && len(truncated) > i+d+1 {
				truncated = truncated[:i+d+1]
			}
			for _, r := range []string{rounded, truncated} {
				if d >= 3 && strings.Contains(s, r) {
					found = append(found, r)
				}
			}
		}
	}
	return found
}

func TestSpineNeedToKnowSQLite(t *testing.T) { testNeedToKnow(t, Config{}) }

func TestSpineNeedToKnowPostgres(t *testing.T) { testNeedToKnow(t, Config{DB: pgtest.Schema(t)}) }

// Acceptance 2: A and B see the hospital only as S2 cells, in every response,
// list, export and event; H, O and the coordinator see it in full.
func testNeedToKnow(t *testing.T, c Config) {
	s := startServer(t, c)
	ctx := context.Background()
	a, b := s.addParty(t, "A", "party"), s.addParty(t, "B", "party")
	h, o := s.addParty(t, "H", "humanitarian"), s.addParty(t, "O", "observer")
	var created struct {
		Zone     struct{ ID string }
		Receipts []journal.Receipt
	}
	if err := h.Do(ctx, "POST", "/v1/zones", json.RawMessage(hospitalBody()), "", &created); err != nil {
		t.Fatal(err)
	}
	if len(created.Receipts) != 1 || created.Receipts[0].Checkpoint == "" || created.Receipts[0].Proof == nil && created.Receipts[0].Index > 0 {
		t.Fatalf("create answered receipts %+v, want one integrated receipt", created.Receipts)
	}
	if _, err := created.Receipts[0].Verify(s.Mech.Verifier()); err != nil {
		t.Fatalf("receipt does not verify: %v", err)
	}
	id := created.Zone.ID
	paths := []string{"/v1/zones", "/v1/zones?kind=protected-site", "/v1/zones/" + id, "/v1/zones/" + id + "/history",
		"/v1/zones/export", "/v1/zones/export?format=geojson&kind=protected-site",
		"/v1/zones?bbox=36.2,33.4,36.4,33.6", "/v1/journal/leaves?start=0&end=100&records=1"}
	for _, p := range []*client.Client{a, b} {
		for _, path := range paths {
			status, body := raw(t, p, "GET", path, "", nil)
			if status != 200 {
				t.Fatalf("GET %s: %d %s", path, status, body)
			}
			if l := leaks(body); len(l) > 0 {
				t.Errorf("GET %s as an armed party leaks %v: %s", path, l, body)
			}
			if strings.Contains(path, "/v1/zones") && !strings.Contains(body, `"coarse":true`) {
				t.Errorf("GET %s as an armed party does not show the site's coarse cover: %s", path, body)
			}
		}
		if ev := readEvents(t, p); len(leaks(ev)) > 0 || !strings.Contains(ev, `"cells":[`) {
			t.Errorf("event stream of an armed party: leaks %v or lacks cells: %s", leaks(ev), ev)
		}
	}
	for name, p := range map[string]*client.Client{"H": h, "O": o, "coordinator": s.coord} {
		_, body := raw(t, p, "GET", "/v1/zones/"+id, "", nil)
		if !strings.Contains(body, "33.51384") || strings.Contains(body, `"coarse":true`) {
			t.Errorf("%s should see the hospital in full: %s", name, body)
		}
	}
}
