package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"concord/internal/api"
)

// Issue 8, item 5: a burst far past capacity gets 429s with Retry-After,
// no 5xx, and every write answered 2xx is present afterwards.
func TestOverloadSheds(t *testing.T) {
	s := startServer(t, Config{Admission: api.Admission{InFlight: 2, Queue: 4}})
	const burst = 400
	type answer struct {
		status int
		id     string
		retry  string
	}
	answers := make(chan answer, burst)
	var wg sync.WaitGroup
	for i := 0; i < burst; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := zoneJSON("KIND", `"ceasefire-area"`, "EXTRA", fmt.Sprintf(`,"properties":{"n":"%d"}`, i))
			req, _ := http.NewRequest("POST", s.URL()+"/v1/zones", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+s.coord.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var doc struct{ Zone struct{ ID string } }
			json.Unmarshal(b, &doc)
			answers <- answer{resp.StatusCode, doc.Zone.ID, resp.Header.Get("Retry-After")}
		}(i)
	}
	wg.Wait()
	close(answers)
	counts := map[int]int{}
	var accepted []string
	for a := range answers {
		counts[a.status]++
		switch {
		case a.status >= 500:
			t.Errorf("a %d under overload", a.status)
		case a.status == 201:
			accepted = append(accepted, a.id)
		case a.status == 429 && a.retry == "":
			t.Error("429 without Retry-After")
		case a.status != 429:
			t.Errorf("unexpected status %d", a.status)
		}
	}
	if counts[429] == 0 || counts[201] == 0 {
		t.Fatalf("statuses %v: want both accepted writes and 429s", counts)
	}
	for _, id := range accepted {
		if status, _ := raw(t, s.coord, "GET", "/v1/zones/"+id, "", nil); status != 200 {
			t.Fatalf("accepted zone %s is missing: %d", id, status)
		}
	}
	var list struct{ Zones []json.RawMessage }
	s.coord.Do(t.Context(), "GET", "/v1/zones?kind=ceasefire-area&limit=10000", nil, "", &list)
	if len(list.Zones) != len(accepted) {
		t.Fatalf("%d zones stored, %d accepted: a refused write was applied or an accepted one lost", len(list.Zones), len(accepted))
	}
	t.Logf("burst of %d: %v", burst, counts)
}

// Per-token rate limits answer 429 with the time to wait; another token is not throttled.
func TestRateLimit(t *testing.T) {
	s := startServer(t, Config{Admission: api.Admission{Rate: 5, Burst: 5}})
	a := s.addParty(t, "A", "party")
	limited := 0
	for i := 0; i < 20; i++ {
		if status, _ := raw(t, a, "GET", "/v1/zones", "", nil); status == 429 {
			limited++
		}
	}
	if limited < 10 {
		t.Fatalf("%d of 20 rapid requests limited, want at least 10 (rate 5/s, burst 5)", limited)
	}
	if status, _ := raw(t, s.coord, "GET", "/v1/zones", "", nil); status == 429 {
		t.Fatal("one token's rate limit throttled another token")
	}
}
