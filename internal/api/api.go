// Package api adapts the mechanism to HTTP: JSON under /v1, bearer-token
// authentication, Ed25519 request signatures, problem+json errors (RFC 9457),
// idempotency keys, Server-Sent Events, OpenAPI, health and metrics. Routes
// use the standard library's patterns; every route is declared once, in
// routes(), with the roles that may call it.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"concord"
	"concord/internal/mechanism"
)

// Limits bound what one request may carry.
type Limits struct {
	BodyBytes   int64 // JSON bodies (default 1 MiB)
	ImportBytes int64 // zone import files (default 50 MiB)
}

// Config configures the HTTP server.
type Config struct {
	Mechanism *mechanism.Mechanism
	Logger    *slog.Logger
	Limits    Limits
	Registry  *prometheus.Registry // nil: a new one
	Admission Admission            // overload and rate limits
	Console   http.Handler         // served at / (nil: none)
	// Poll is how often event streams look for changes made by other nodes
	// (changes made by this node wake them at once). Default 1 s.
	Poll time.Duration
}

// Server is concord's HTTP handler.
type Server struct {
	m       *mechanism.Mechanism
	log     *slog.Logger
	limits  Limits
	mux     *http.ServeMux
	metrics *metrics
	poll    time.Duration
	admit   *admission
}

// New returns the HTTP handler.
func New(c Config) *Server {
	s := &Server{m: c.Mechanism, log: c.Logger, limits: c.Limits, mux: http.NewServeMux(), poll: c.Poll, admit: newAdmission(c.Admission)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.limits.BodyBytes == 0 {
		s.limits.BodyBytes = 1 << 20
	}
	if s.limits.ImportBytes == 0 {
		s.limits.ImportBytes = 50 << 20
	}
	if s.poll == 0 {
		s.poll = time.Second
	}
	reg := c.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(reg)
	for _, r := range s.routes() {
		s.mux.Handle(r.Method+" "+r.Pattern, s.wrap(r))
	}
	s.mux.Handle("GET /metrics", s.metrics.handler(reg))
	if c.Console != nil {
		// "/" rather than "GET /": a method-specific "GET /" conflicts with
		// the any-method "/v1/" below (net/http panics). The console
		// answers 405 to methods other than GET and HEAD itself.
		s.mux.Handle("/", c.Console)
	}
	s.mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, concord.Errorf(concord.ENOTFOUND, "no route %s %s", r.Method, r.URL.Path))
	})
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

// Route is one entry of the route table.
type Route struct {
	Method, Pattern string
	Summary         string
	Roles           []concord.Role // who may call it; nil: no authentication
	Write           bool           // a write: signature, idempotency key and body limits apply
	Handle          func(*call) error
}

// Routes returns the route table (for the OpenAPI document and the access-matrix test).
func (s *Server) Routes() []Route { return s.routes() }

var (
	everyone   = []concord.Role{concord.RoleParty, concord.RoleHumanitarian, concord.RoleObserver, concord.RoleCoordinator, concord.RoleAuditor}
	members    = []concord.Role{concord.RoleParty, concord.RoleHumanitarian, concord.RoleObserver, concord.RoleCoordinator}
	coordOnly  = []concord.Role{concord.RoleCoordinator}
	zoneWriter = []concord.Role{concord.RoleParty, concord.RoleHumanitarian, concord.RoleCoordinator}
)

// capabilities are the route-table parts each capability contributes, in
// its own file: func init() { register((*Server).ceasefireRoutes) }.
var capabilities []func(*Server) []Route

func register(part func(*Server) []Route) { capabilities = append(capabilities, part) }

func init() {
	register((*Server).baseRoutes)
	register((*Server).partyRoutes)
	register((*Server).zoneRoutes)
	register((*Server).journalRoutes)
}

// routes is the route table.
func (s *Server) routes() []Route {
	var rs []Route
	for _, part := range capabilities {
		rs = append(rs, part(s)...)
	}
	return rs
}

func (s *Server) baseRoutes() []Route {
	return []Route{
		{"GET", "/healthz", "Liveness: the process serves requests.", nil, false, s.healthz},
		{"GET", "/readyz", "Readiness: the store answers.", nil, false, s.readyz},
		{"GET", "/v1/openapi.json", "This API's OpenAPI 3.1 description.", nil, false, s.openapi},
		{"GET", "/v1/events", "Server-Sent Events: changes the caller may see; resumable with Last-Event-ID.", everyone, false, s.events},
	}
}
