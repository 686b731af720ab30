package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"concord/internal/client"
	"concord/internal/mechanism"
)

// server is a concord server started in-process on :0 with a temp directory.
type server struct {
	*Main
	coord  *client.Client
	cancel context.CancelFunc
	done   chan error
}

func startServer(t *testing.T, c Config) *server {
	t.Helper()
	if c.Data == "" {
		c.Data = t.TempDir()
	}
	c.Listen, c.LogLevel = "127.0.0.1:0", "error"
	if c.Origin == "" {
		c.Origin = "concord.test/journal"
	}
	m := &Main{Config: c}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Open(ctx, io.Discard); err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &server{Main: m, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- m.Run(ctx) }()
	tok := m.Token
	if tok == "" {
		b, err := os.ReadFile(filepath.Join(c.Data, "coordinator.token"))
		if err != nil {
			t.Fatal(err)
		}
		tok = strings.TrimSpace(string(b))
	}
	s.coord = client.New(m.URL(), tok)
	t.Cleanup(s.stop)
	return s
}

func (s *server) stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
	s.Close()
	s.cancel = nil
}

// addParty creates a party and returns a client acting as it.
func (s *server) addParty(t *testing.T, id string, role string) *client.Client {
	t.Helper()
	var pc mechanism.PartyCreated
	err := s.coord.Do(context.Background(), "POST", "/v1/parties", map[string]string{"id": id, "name": "Party " + id, "role": role}, "", &pc)
	if err != nil {
		t.Fatalf("create party %s: %v", id, err)
	}
	return client.New(s.URL(), pc.Token)
}

func (s *server) size(t *testing.T) int64 {
	t.Helper()
	n, err := s.Store.Size(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// raw sends a request and returns the status and body, whatever they are.
func raw(t *testing.T, c *client.Client, method, path string, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, c.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if c.Key != nil && method != "GET" {
		req.Header.Set("Concord-Signature", mechanism.SignatureHeader(c.Key, method, req.URL.RequestURI(), header["Idempotency-Key"], []byte(body)))
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// readEvents reads the caller's event stream from the start until it has
// been quiet for a moment, returning everything it read.
func readEvents(t *testing.T, c *client.Client) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	resp, err := c.Stream(ctx, "/v1/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var b strings.Builder
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return b.String()
			}
			b.WriteString(l + "\n")
		case <-time.After(700 * time.Millisecond):
			return b.String()
		}
	}
}
