package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"concord/internal/client"
	"concord/internal/mechanism"
	"concord/internal/store/postgres/pgtest"
)

// Issue 8, item 1: three nodes on one PostgreSQL; the first (which leads
// live detection) is killed with SIGKILL mid-stream; another takes over;
// every acknowledged write is present once; the journal verifies; an event
// subscriber on a surviving node received every alert.
func TestMultiNodeFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-node test skipped in -short mode")
	}
	db, bin := pgtest.Schema(t), binary(t)
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	n1 := startProc(t, bin, "--data", dirs[0], "--db", db)
	defer n1.kill()
	for _, d := range dirs[1:] { // every node signs with the same journal key
		for _, f := range []string{"journal.key", "journal.pub", "coordinator.token"} {
			b, err := os.ReadFile(filepath.Join(dirs[0], f))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(d, f), b, 0o600)
		}
	}
	n2, n3 := startProc(t, bin, "--data", dirs[1], "--db", db), startProc(t, bin, "--data", dirs[2], "--db", db)
	defer n2.kill()
	defer n3.kill()
	tok, _ := os.ReadFile(filepath.Join(dirs[0], "coordinator.token"))
	coord := func(p *proc) *client.Client { return client.New(p.url, strings.TrimSpace(string(tok))) }
	ctx := context.Background()
	tokens := map[string]string{}
	for _, id := range []string{"A", "B"} {
		var pc mechanism.PartyCreated
		if err := coord(n1).Do(ctx, "POST", "/v1/parties", map[string]string{"id": id, "name": id, "role": "party"}, "", &pc); err != nil {
			t.Fatal(err)
		}
		tokens[id] = pc.Token
	}
	received := subscribeAlerts(t, client.New(n3.url, tokens["A"]))

	nodes := []*proc{n1, n2, n3}
	acked := map[string]bool{}
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) { // zone writes spread over every node
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d-%d", w, i)
				body := zoneJSON("KIND", `"ceasefire-area"`, "EXTRA", fmt.Sprintf(`,"properties":{"key":"%s"}`, key))
				var res struct{ Zone struct{ ID string } }
				if err := coord(nodes[(w+i)%3]).Do(ctx, "POST", "/v1/zones", []byte(body), key, &res); err == nil {
					mu.Lock()
					acked[res.Zone.ID] = true
					mu.Unlock()
				}
			}
		}(w)
	}
	pair := func(p *proc, i int) { // a head-on pair of A and B: one alert
		now := time.Now().UTC()
		lat := 32.5 + float64(i)*0.2
		client.New(p.url, tokens["B"]).Do(ctx, "POST", "/v1/tracks", []byte(trackJSON(fmt.Sprint("B", i), lat, 40.2, 45000, 450, 270, now)), "", nil)
		client.New(p.url, tokens["A"]).Do(ctx, "POST", "/v1/tracks", []byte(trackJSON(fmt.Sprint("A", i), lat, 40.0, 45000, 450, 90, now)), "", nil)
	}
	for i := 0; i < 3; i++ {
		pair(nodes[i%3], i)
		time.Sleep(300 * time.Millisecond)
	}
	n1.kill() // the first node, which took the detection leadership
	for i := 3; i < 8; i++ {
		pair(nodes[1+i%2], i)
		time.Sleep(500 * time.Millisecond)
	}
	close(stop)
	wg.Wait()

	c2 := coord(n2)
	eventually(t, "alerts from pairs made after the failover", func() bool {
		return len(alerts(t, client.New(n2.url, tokens["A"]), "")) >= 6
	})
	checkAcked(t, c2, acked)
	if out, err := verifyURL(n2.url, c2.Token, t.TempDir()); err != nil {
		t.Fatalf("verify after failover: %v\n%s", err, out)
	}
	all := alerts(t, client.New(n2.url, tokens["A"]), "")
	eventually(t, "every alert on the survivor's event stream", func() bool {
		for _, a := range all {
			if !received(a.ID) {
				return false
			}
		}
		return true
	})
	t.Logf("%d acknowledged writes present once; %d alerts, all streamed by node 3; journal verified", len(acked), len(all))
}

// subscribeAlerts follows c's event stream and reports which alert IDs it saw.
func subscribeAlerts(t *testing.T, c *client.Client) func(id string) bool {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	resp, err := c.Stream(ctx, "/v1/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			if e, ok := strings.CutPrefix(line, "event: "); ok {
				event = e
			}
			if d, ok := strings.CutPrefix(line, "data: "); ok && event == "alert" {
				var a struct{ ID string }
				json.Unmarshal([]byte(d), &a)
				mu.Lock()
				seen[a.ID] = true
				mu.Unlock()
			}
		}
	}()
	return func(id string) bool {
		mu.Lock()
		defer mu.Unlock()
		return seen[id]
	}
}
