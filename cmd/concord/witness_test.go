package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"concord/internal/client"
	"concord/internal/journal"
	"concord/internal/mechanism"
	"concord/internal/store/postgres/pgtest"
	"concord/internal/witness"
)

// Acceptance 3 of issue 8, on both backends: honest growth is cosigned (and
// verify can require the cosignatures); a forked checkpoint is refused and
// the fork is reported.
func TestWitness(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := Config{Data: t.TempDir()}
			if backend == "postgres" {
				cfg.DB = pgtest.Schema(t)
			}
			s := startServer(t, cfg)
			w := newTestWitness(t, s, "W1", "witness.test/w1")
			testHonestGrowth(t, s, w)
			testFork(t, s, w)
		})
	}
}

// testWitness is a witness's key, auditor party and state directory.
type testWitness struct {
	key, vkey, state string
	c                *client.Client
}

func newTestWitness(t *testing.T, s *server, id, name string) *testWitness {
	t.Helper()
	w := &testWitness{key: filepath.Join(t.TempDir(), "witness.key"), state: t.TempDir()}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"witness", "keygen", "--name", name, "--out", w.key}, &out, &errb); err != nil {
		t.Fatalf("keygen: %v %s", err, errb.String())
	}
	w.vkey = outputField(t, out.String(), `verifier key .*: (\S+)`)
	pub := outputField(t, out.String(), `public key .*: (\S+)`)
	var pc mechanism.PartyCreated
	np := map[string]string{"id": id, "name": "Witness " + id, "role": "auditor", "public_key": pub}
	if err := s.coord.Do(context.Background(), "POST", "/v1/parties", np, "", &pc); err != nil {
		t.Fatal(err)
	}
	w.c = client.New(s.URL(), pc.Token)
	skey, err := os.ReadFile(w.key)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := witness.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		t.Fatal(err)
	}
	w.c.Key = signer.PrivateKey() // its registered key signs its writes
	return w
}

func outputField(t *testing.T, out, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s in:\n%s", re, out)
	}
	return m[1]
}

// once runs one round of the witness against url.
func (w *testWitness) once(t *testing.T, url string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	args := []string{"witness", "--url", url, "--token", w.c.Token, "--key", w.key, "--state", w.state, "--once"}
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

func testHonestGrowth(t *testing.T, s *server, w *testWitness) {
	wv, err := witness.NewVerifier(w.vkey)
	if err != nil {
		t.Fatal(err)
	}
	for round, n := range []int{3, 2, 0, 4} {
		writeZones(t, s.coord, n)
		before := s.size(t)
		out, err := w.once(t, s.URL())
		if err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, out)
		}
		if s.size(t) != before {
			t.Fatalf("round %d: cosigning grew the journal from %d to %d", round, before, s.size(t))
		}
		var cp []byte
		if err := s.coord.Do(context.Background(), "GET", "/v1/journal/checkpoint", nil, "", &cp); err != nil {
			t.Fatal(err)
		}
		c, err := journal.Open(cp, s.Mech.Verifier())
		if err != nil || c.Size != before {
			t.Fatalf("round %d: the served checkpoint (size %d) does not open with its cosignature: %v\n%s", round, c.Size, err, cp)
		}
		if _, err := witness.VerifyCosignatures(cp, []*witness.Verifier{wv}, 1); err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, cp)
		}
	}
	state := t.TempDir()
	if out, err := verify(t, s, state, "--witness-key", w.vkey, "--min-cosignatures", "1"); err != nil || !strings.Contains(out, "witnessed: the checkpoint of size") {
		t.Fatalf("verify requiring the witness: %v\n%s", err, out)
	}
	_, other, _ := witness.GenerateKey("witness.test/other")
	if out, err := verify(t, s, t.TempDir(), "--witness-key", other); err == nil || !strings.Contains(err.Error(), "WITNESS CHECK FAILED") {
		t.Fatalf("verify requiring an absent witness passed: %v\n%s", err, out)
	}
	cosigned := s.size(t)
	writeZones(t, s.coord, 2) // the latest checkpoint is not cosigned yet
	out, err := verify(t, s, t.TempDir(), "--witness-key", w.vkey)
	if err != nil || !strings.Contains(out, "→ "+strconv.FormatInt(cosigned, 10)+" leaves") {
		t.Fatalf("verify did not fall back to the latest cosigned checkpoint (size %d): %v\n%s", cosigned, err, out)
	}
	if out, err := verify(t, s, state); err != nil {
		t.Fatalf("verify without witnesses: %v\n%s", err, out)
	}
	if out, err := verify(t, s, state, "--witness-key", w.vkey); err == nil || !strings.Contains(err.Error(), "below the size") {
		t.Fatalf("a cosigned checkpoint older than the trusted state was accepted: %v\n%s", err, out)
	}
	if out, err := w.once(t, s.URL()); err != nil {
		t.Fatalf("catching up: %v\n%s", err, out)
	}
	if out, err := verify(t, s, state, "--witness-key", w.vkey); err != nil {
		t.Fatalf("verify after the witness caught up: %v\n%s", err, out)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func testFork(t *testing.T, s *server, w *testWitness) {
	before, err := os.ReadFile(filepath.Join(w.state, "checkpoint"))
	if err != nil {
		t.Fatal(err)
	}
	honest, err := journal.Open(before, s.Mech.Verifier())
	if err != nil {
		t.Fatal(err)
	}
	forged := forgeCheckpoint(t, s, honest)
	proxy := httptest.NewServer(swapCheckpoint(t, s.URL(), forged))
	defer proxy.Close()

	out, err := w.once(t, proxy.URL)
	forgedCP, _ := journal.Open(forged, s.Mech.Verifier())
	if err == nil || !strings.Contains(err.Error(), "FORK DETECTED") {
		t.Fatalf("the witness cosigned a fork: %v\n%s", err, out)
	}
	t.Logf("the witness shown a fork: %v", err)
	for _, root := range []journal.Hash{honest.Root, forgedCP.Root} {
		if !strings.Contains(err.Error(), root.String()) {
			t.Errorf("the fork message does not name root %s: %v", root, err)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(w.state, "checkpoint")); !bytes.Equal(after, before) {
		t.Fatal("the refused fork changed the witness's state")
	}
	forks := listForks(t, s.addParty(t, "A", "party"))
	if len(forks) != 1 || forks[0].Size != honest.Size || forks[0].LogRoot != honest.Root.String() || forks[0].ReportedBy != "W1" {
		t.Fatalf("fork reports: %+v", forks)
	}
	if roots := strings.Join(forks[0].Roots[:], " "); !strings.Contains(roots, honest.Root.String()) || !strings.Contains(roots, forgedCP.Root.String()) {
		t.Fatalf("the report's roots %s are not both checkpoints'", roots)
	}
	if got := listForks(t, w.c); len(got) != 1 {
		t.Fatalf("the auditor sees %d fork reports", len(got))
	}
	testForkReportInput(t, s, w, before, forged)
	writeZones(t, s.coord, 1)
	if out, err := w.once(t, s.URL()); err != nil { // the honest log is still cosigned
		t.Fatalf("after the fork: %v\n%s", err, out)
	}
}

// forgeCheckpoint signs, with the log's own key from its data directory,
// another checkpoint of the honest one's size.
func forgeCheckpoint(t *testing.T, s *server, honest journal.Checkpoint) []byte {
	t.Helper()
	skey, err := os.ReadFile(filepath.Join(s.Config.Data, "journal.key"))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		t.Fatal(err)
	}
	forged := honest
	forged.Root = sha256.Sum256([]byte("another history"))
	cp, err := journal.Sign(forged, signer)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// swapCheckpoint proxies a concord server but serves forged as its latest
// checkpoint: a split view shown to one witness.
func swapCheckpoint(t *testing.T, target string, forged []byte) http.Handler {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" && r.URL.Path == "/v1/journal/checkpoint" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write(forged)
			return
		}
		rp.ServeHTTP(w, r)
	})
}

func listForks(t *testing.T, c *client.Client) []mechanism.ForkReport {
	t.Helper()
	var res struct{ Forks []mechanism.ForkReport }
	if err := c.Do(context.Background(), "GET", "/v1/journal/forks", nil, "", &res); err != nil {
		t.Fatal(err)
	}
	return res.Forks
}

// testForkReportInput: the same report again writes nothing; what is not a
// fork is refused and writes nothing; a cosignature of the forged checkpoint
// is refused.
func testForkReportInput(t *testing.T, s *server, w *testWitness, honest, forged []byte) {
	size := s.size(t)
	post := func(path string, body any) (int, string) {
		return raw(t, s.coord, "POST", path, string(mustJSON(body)), map[string]string{"Content-Type": "application/json"})
	}
	if code, body := post("/v1/journal/forks", map[string][]string{"checkpoints": {string(forged), string(honest)}}); code != 200 {
		t.Fatalf("the same fork reported again: %d %s", code, body)
	}
	for _, bad := range [][]string{{string(honest), string(honest)}, {string(honest)}, {string(honest), "x"}} {
		if code, body := post("/v1/journal/forks", map[string][]string{"checkpoints": bad}); code != 400 || !strings.Contains(body, "checkpoints") {
			t.Errorf("not a fork: %d %s", code, body)
		}
	}
	if s.size(t) != size {
		t.Fatalf("fork reports that wrote nothing new grew the journal from %d to %d", size, s.size(t))
	}
	if code, body := post("/v1/journal/cosignatures", map[string]string{"checkpoint": string(honest)}); code != 403 {
		t.Errorf("the coordinator cosigned: %d %s", code, body)
	}
	keyless := s.addParty(t, "W2", "auditor")
	for _, tc := range []struct {
		name string
		c    *client.Client
		cp   []byte
		code int
		want string
	}{
		{"an auditor without a key", keyless, honest, 400, "public_key"},
		{"the forged checkpoint", w.c, forged, 409, "fork"},
		{"no cosignature line", w.c, honest, 400, "no valid cosignature"},
	} {
		err := tc.c.Do(context.Background(), "POST", "/v1/journal/cosignatures", map[string]string{"checkpoint": string(tc.cp)}, "", nil)
		var p *client.Problem
		if !errors.As(err, &p) || p.Status != tc.code || !strings.Contains(p.Error(), tc.want) {
			t.Errorf("%s: %v, want %d naming %q", tc.name, err, tc.code, tc.want)
		}
	}
}
