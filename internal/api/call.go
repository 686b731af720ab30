package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"concord"
	"concord/internal/mechanism"
)

// call is one request being served.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	actor concord.Actor
	party mechanism.Party
	body  []byte
	req   mechanism.Request
}

var idempotencyKey = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// wrap authenticates, authorises by role, reads and bounds the body, checks
// the signature of writes and renders errors as problem documents.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		c := &call{w: rec, r: r}
		if err := s.prepare(c, rt); err != nil {
			s.problem(rec, r, err)
		} else if err := s.handle(c, rt); err != nil {
			s.problem(rec, r, err)
		}
		s.metrics.observe(rt.Method+" "+rt.Pattern, rec.status, time.Since(start))
	})
}

// handle runs the route's handler, admitting writes first (see Admission).
func (s *Server) handle(c *call, rt Route) error {
	if !rt.Write {
		return rt.Handle(c)
	}
	release, err := s.admit.acquire()
	if err != nil {
		return err
	}
	defer release()
	return rt.Handle(c)
}

func (s *Server) prepare(c *call, rt Route) error {
	if rt.Roles == nil {
		return nil
	}
	bearer, _ := strings.CutPrefix(c.r.Header.Get("Authorization"), "Bearer ")
	actor, party, err := s.m.Authenticate(c.r.Context(), strings.TrimSpace(bearer))
	if err != nil {
		return err
	}
	c.actor, c.party = actor, party
	c.r = c.r.WithContext(concord.WithActor(c.r.Context(), actor))
	if err := s.admit.allow(string(mechanism.TokenHash(strings.TrimSpace(bearer)))); err != nil {
		return err
	}
	if !slices.Contains(rt.Roles, actor.Role) {
		return concord.Errorf(concord.EFORBIDDEN, "the %s role may not call %s %s", actor.Role, rt.Method, rt.Pattern)
	}
	if !rt.Write {
		return nil
	}
	return s.prepareWrite(c, rt)
}

func (s *Server) prepareWrite(c *call, rt Route) error {
	limit := s.limits.BodyBytes
	if strings.HasSuffix(rt.Pattern, "/import") {
		limit = s.limits.ImportBytes
	}
	if l, ok := bodyLimits[rt.Pattern]; ok {
		limit = l
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, limit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		return concord.Invalid("body", "could not read the body: %v", err)
	}
	c.body = body
	key := c.r.Header.Get("Idempotency-Key")
	if key != "" && !idempotencyKey.MatchString(key) {
		return concord.Invalid("Idempotency-Key", "must match %s", idempotencyKey)
	}
	path := c.r.URL.RequestURI()
	keyID, sig, err := mechanism.CheckSignature(c.party, c.r.Header.Get("Concord-Signature"), c.r.Method, path, key, body)
	if err != nil {
		return err
	}
	c.req = mechanism.Request{Actor: c.actor, IdempotencyKey: key, Method: c.r.Method, Path: path, Body: body, KeyID: keyID, Signature: sig}
	return nil
}

// decode decodes the JSON body strictly into v: unknown fields, trailing data
// and wrong types are errors naming the field.
func (c *call) decode(v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return concord.Invalid("body", "unexpected data after the JSON value")
	}
	return nil
}

func jsonError(err error) error {
	err = concord.JSONError(err)
	if concord.ErrorField(err) == "" {
		return concord.Prefix("body", err)
	}
	return err
}

// noBody accepts an empty body or an empty JSON object.
func (c *call) noBody() error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	var empty struct{}
	return c.decode(&empty)
}

// json writes v with status.
func (c *call) json(status int, v any) error {
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	return json.NewEncoder(c.w).Encode(v)
}

// result writes the answer to a write: the document with its receipts.
func (c *call) result(res mechanism.Result) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		return err
	}
	rs, err := json.Marshal(res.Receipts)
	if err != nil {
		return err
	}
	doc["receipts"] = rs
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	if res.Replayed {
		c.w.Header().Set("Idempotent-Replayed", "true")
	}
	return c.json(status, doc)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
