package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"concord/internal/client"
	"concord/internal/store/postgres/pgtest"
)

// buildBinary builds concord once per test binary run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func binary(t *testing.T) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "concord-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "concord")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is a concord serve subprocess.
type proc struct {
	cmd *exec.Cmd
	url string
}

func startProc(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, append([]string{"serve", "--listen", addr, "--log-level", "error"}, args...)...)
	cmd.Stderr = os.Stderr // stdout (the start banner) is not needed
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, url: "http://" + addr}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(p.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatal("concord did not become ready")
	return nil
}

func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

// Acceptance 6: killed with SIGKILL at random moments during a stream of
// writes, concord restarts with every acknowledged write present (once) and
// the journal verifying — on each backend.
func TestCrashRecoverySQLite(t *testing.T) { crashRounds(t, nil) }

func TestCrashRecoveryPostgres(t *testing.T) { crashRounds(t, []string{"--db", pgtest.Schema(t)}) }

func crashRounds(t *testing.T, extra []string) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	rounds := 50 // issue 8: at least 50 SIGKILLs per backend (issue 2 asked for 20)
	if v := os.Getenv("CONCORD_CRASH_ROUNDS"); v != "" {
		fmt.Sscan(v, &rounds)
	}
	bin, dir, state := binary(t), t.TempDir(), t.TempDir()
	args := append([]string{"--data", dir}, extra...)
	rng := rand.New(rand.NewPCG(1, 2))
	acked := map[string]bool{}
	var mu sync.Mutex
	for round := 0; round < rounds; round++ {
		p := startProc(t, bin, args...)
		tok, err := os.ReadFile(filepath.Join(dir, "coordinator.token"))
		if err != nil {
			t.Fatal(err)
		}
		c := client.New(p.url, strings.TrimSpace(string(tok)))
		checkAcked(t, c, acked)
		if out, err := verifyURL(p.url, c.Token, state); err != nil {
			t.Fatalf("round %d: verify after restart: %v\n%s", round, err, out)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ctx.Err() == nil; i++ {
					key := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					body := zoneJSON("KIND", `"ceasefire-area"`, "EXTRA", fmt.Sprintf(`,"properties":{"key":"%s"}`, key))
					var res struct{ Zone struct{ ID string } }
					if err := c.Do(ctx, "POST", "/v1/zones", []byte(body), key, &res); err == nil {
						mu.Lock()
						acked[res.Zone.ID] = true
						mu.Unlock()
					}
				}
			}(w)
		}
		time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
		p.kill()
		cancel()
		wg.Wait()
	}
	p := startProc(t, bin, args...)
	defer p.kill()
	tok, _ := os.ReadFile(filepath.Join(dir, "coordinator.token"))
	c := client.New(p.url, strings.TrimSpace(string(tok)))
	checkAcked(t, c, acked)
	if out, err := verifyURL(p.url, c.Token, state); err != nil {
		t.Fatalf("final verify: %v\n%s", err, out)
	}
	t.Logf("%d rounds, %d acknowledged writes, all present; journal verified", rounds, len(acked))
}

// checkAcked checks that every acknowledged zone is present, and that no
// write appears twice (each carries a unique key property).
func checkAcked(t *testing.T, c *client.Client, acked map[string]bool) {
	t.Helper()
	var out struct {
		Zones []struct {
			ID         string
			Properties map[string]string
		}
	}
	if err := c.Do(context.Background(), "GET", "/v1/zones?kind=ceasefire-area&limit=10000", nil, "", &out); err != nil {
		t.Fatal(err)
	}
	have, keys := map[string]bool{}, map[string]bool{}
	for _, z := range out.Zones {
		have[z.ID] = true
		if k := z.Properties["key"]; keys[k] {
			t.Fatalf("write %s is present twice", k)
		} else {
			keys[k] = true
		}
	}
	for id := range acked {
		if !have[id] {
			t.Fatalf("acknowledged zone %s is missing after restart", id)
		}
	}
}

func verifyURL(url, token, state string) (string, error) {
	var out strings.Builder
	err := run(context.Background(), []string{"verify", "--url", url, "--token", token, "--state", state}, &out, &out)
	return out.String(), err
}
