// Package client is concord's Go client: what the command line, the demo's
// simulator and the end-to-end tests use to talk to a concord server, exactly
// as any other client would (bearer token, optional Ed25519 request
// signature, idempotency keys, problem+json errors).
package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"concord"
	"concord/internal/mechanism"
)

// Client talks to one concord server as one party.
type Client struct {
	URL   string             // e.g. http://127.0.0.1:8080
	Token string             // bearer token
	Key   ed25519.PrivateKey // signs writes when set
	HTTP  *http.Client       // nil: a client with a 60 s timeout
}

// New returns a client for url with token.
func New(url, token string) *Client {
	return &Client{URL: strings.TrimRight(url, "/"), Token: token}
}

// Problem is an error answered by the server (RFC 9457).
type Problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Field  string `json:"field"`
}

func (p *Problem) Error() string {
	s := fmt.Sprintf("%d %s", p.Status, p.Title)
	if p.Field != "" {
		s += ": " + p.Field
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// Do sends a request. body is marshalled as JSON unless it is []byte; out,
// if not nil, receives the decoded JSON answer. key is the Idempotency-Key.
func (c *Client) Do(ctx context.Context, method, path string, body any, key string, out any) error {
	resp, err := c.send(ctx, method, path, body, key)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return problem(resp)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	if b, ok := out.(*[]byte); ok {
		*b, err = io.ReadAll(resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Stream sends a GET and returns the open response (for event streams).
func (c *Client) Stream(ctx context.Context, path string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.URL+path, nil)
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := (&http.Client{}).Do(req)
	if err == nil && resp.StatusCode >= 300 {
		defer resp.Body.Close()
		return nil, problem(resp)
	}
	return resp, err
}

func (c *Client) send(ctx context.Context, method, path string, body any, key string) (*http.Response, error) {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if c.Key != nil && method != "GET" {
		req.Header.Set("Concord-Signature", mechanism.SignatureHeader(c.Key, method, req.URL.RequestURI(), key, raw))
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return hc.Do(req)
}

func problem(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	p := &Problem{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode)}
	if err := json.Unmarshal(b, p); err != nil || p.Code == "" {
		p.Detail = strings.TrimSpace(string(b))
		p.Code = concord.EINTERNAL
	}
	return p
}
