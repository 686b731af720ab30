package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord"
	"concord/internal/airspace"
	"concord/internal/api"
	"concord/internal/journal"
	"concord/internal/mechanism"
	"concord/internal/store"
	"concord/internal/store/postgres"
	"concord/internal/store/sqlite"
	"concord/internal/web"
)

// Config configures a concord server.
type Config struct {
	Data      string // data directory: SQLite file, log key, coordinator token
	DB        string // postgres://... to keep records in PostgreSQL instead
	Listen    string
	Origin    string // the log's origin line (its key name)
	CellLevel int
	LogLevel  string
	Tiles     string // the console's raster XYZ tiles from the operator's own server ("": none)

	SeparationNM, SeparationFt float64       // separation minima
	Lookahead                  time.Duration // conflict look-ahead
	StaleAfter                 time.Duration // a silent track is dropped after this
	AckDeadline                time.Duration // unacknowledged alerts escalate after this

	Reconfirm time.Duration // a protected site's notification expires unless re-confirmed within this (0: never)
	Awareness string        // refuse (default) or warn: operation notices over unacknowledged sites or movements

	SBSListen, SBSConnect, SBSParty string // SBS-1 (BaseStation) feed

	Admission       api.Admission // overload and per-party rate limits
	TLSCert, TLSKey string        // serve HTTPS with this certificate and key

	Clock concord.Clock // the mechanism's clock (nil: the system clock); the demo injects simulated time
}

// Main is a running concord server.
type Main struct {
	Config Config
	Store  store.Store
	Mech   *mechanism.Mechanism
	HTTP   *http.Server
	ln     net.Listener
	Token  string // the coordinator's token, when this start created it
	Log    *slog.Logger
	sbsLn  net.Listener
}

// ParseFlags reads serve's flags into m.Config.
func (m *Main) ParseFlags(name string, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&m.Config.Data, "data", "./concord-data", "data directory (SQLite file, log signing key, coordinator token)")
	fs.StringVar(&m.Config.DB, "db", "", "postgres://... to keep every record in PostgreSQL instead of SQLite")
	fs.StringVar(&m.Config.Listen, "listen", "127.0.0.1:8080", "address to serve HTTP on")
	fs.StringVar(&m.Config.Origin, "origin", "concord.local/journal", "the journal's origin (its checkpoints' first line) when creating its key")
	fs.IntVar(&m.Config.CellLevel, "cell-level", mechanism.DefaultCellLevel, "S2 level of the coarse covers shown to armed parties")
	fs.StringVar(&m.Config.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&m.Config.Tiles, "tiles", "", "the console's optional raster tile layer from your own tile server, e.g. https://tiles.example/{z}/{x}/{y}.png (default: the embedded basemap only)")
	fs.Float64Var(&m.Config.SeparationNM, "separation-nm", 5, "horizontal separation minimum, nautical miles")
	fs.Float64Var(&m.Config.SeparationFt, "separation-ft", 1000, "vertical separation minimum, feet")
	fs.DurationVar(&m.Config.Lookahead, "lookahead", 300*time.Second, "conflict detection look-ahead")
	fs.DurationVar(&m.Config.StaleAfter, "stale-after", 60*time.Second, "drop a track silent for this long")
	fs.DurationVar(&m.Config.AckDeadline, "ack-deadline", mechanism.DefaultAckDeadline, "escalate an alert not acknowledged within this")
	fs.StringVar(&m.Config.SBSListen, "sbs-listen", "", "accept SBS-1 (BaseStation) feeds pushed to this address")
	fs.StringVar(&m.Config.SBSConnect, "sbs-connect", "", "read the SBS-1 feed of a receiver at this address (e.g. host:30003)")
	fs.StringVar(&m.Config.SBSParty, "sbs-party", "", "the armed party whose aircraft the SBS-1 feed reports")
	fs.IntVar(&m.Config.Admission.InFlight, "max-inflight", 32, "writes processed at once")
	fs.IntVar(&m.Config.Admission.Queue, "max-queue", 256, "writes waiting beyond those; past this, 429 with Retry-After")
	fs.Float64Var(&m.Config.Admission.Rate, "rate-limit", 200, "requests per second per token (0: unlimited)")
	fs.IntVar(&m.Config.Admission.Burst, "rate-burst", 400, "burst of requests per token above the rate")
	fs.StringVar(&m.Config.TLSCert, "tls-cert", "", "PEM certificate: serve HTTPS (with --tls-key)")
	fs.StringVar(&m.Config.TLSKey, "tls-key", "", "PEM private key for --tls-cert")
	fs.DurationVar(&m.Config.Reconfirm, "reconfirm", 7*24*time.Hour, "a protected site's notification expires unless its owner re-confirms it within this (0: never)")
	fs.StringVar(&m.Config.Awareness, "awareness", "refuse", "refuse or warn: an operation notice over a site or movement the party has not acknowledged")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := (web.Config{TilesURL: m.Config.Tiles}).Validate(); err != nil {
		return fmt.Errorf("--tiles: %w", err)
	}
	return nil
}

// Open opens the store, the keys and the mechanism, and binds the listener.
func (m *Main) Open(ctx context.Context, stderr io.Writer) error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(m.Config.LogLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	m.Log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lvl}))
	if a := m.Config.Awareness; a != "" && a != "refuse" && a != "warn" {
		return fmt.Errorf("--awareness: %q is neither refuse nor warn", a)
	}
	if err := os.MkdirAll(m.Config.Data, 0o700); err != nil {
		return err
	}
	signer, verifier, vkey, err := logKey(m.Config.Data, m.Config.Origin)
	if err != nil {
		return err
	}
	if m.Store, err = openStore(ctx, m.Config); err != nil {
		return err
	}
	m.Mech, err = mechanism.New(mechanism.Config{Store: m.Store, Signer: signer, Verifier: verifier, VerifierKey: vkey,
		CellLevel: m.Config.CellLevel, Clock: m.clock(), Logger: m.Log,
		Minima:     airspace.Minima{HorizontalNM: m.Config.SeparationNM, VerticalFt: m.Config.SeparationFt, LookaheadS: m.Config.Lookahead.Seconds()},
		StaleAfter: m.Config.StaleAfter, AckDeadline: m.Config.AckDeadline,
		ReconfirmEvery: m.Config.Reconfirm, AwarenessWarnOnly: m.Config.Awareness == "warn"})
	if err != nil {
		return err
	}
	if err := m.bootstrap(ctx); err != nil {
		return err
	}
	if err := m.Mech.StartAirspace(ctx); err != nil {
		return fmt.Errorf("airspace: %w", err)
	}
	if _, _, err := m.Mech.Integrate(ctx); err != nil {
		return fmt.Errorf("sign checkpoint: %w", err)
	}
	m.ln, err = net.Listen("tcp", m.Config.Listen)
	if err != nil {
		return err
	}
	if err := m.listenSBS(); err != nil {
		return err
	}
	h := api.New(api.Config{Mechanism: m.Mech, Logger: m.Log, Console: web.Handler(web.Config{TilesURL: m.Config.Tiles}),
		Admission: m.Config.Admission})
	m.HTTP = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// clock is the mechanism's clock: Config.Clock, else the system clock.
func (m *Main) clock() concord.Clock {
	if m.Config.Clock != nil {
		return m.Config.Clock
	}
	return concord.SystemClock{}
}

func openStore(ctx context.Context, c Config) (store.Store, error) {
	if c.DB != "" {
		if !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
			return nil, fmt.Errorf("--db must be a postgres:// URL")
		}
		return postgres.New(ctx, postgres.Config{URL: c.DB})
	}
	return sqlite.New(ctx, sqlite.Config{Path: filepath.Join(c.Data, "concord.db")})
}

// logKey loads the journal's signing key from dir, creating it at first start.
func logKey(dir, origin string) (note.Signer, note.Verifier, string, error) {
	skeyPath, vkeyPath := filepath.Join(dir, "journal.key"), filepath.Join(dir, "journal.pub")
	skey, err := os.ReadFile(skeyPath)
	if errors.Is(err, os.ErrNotExist) {
		s, v, gerr := journal.GenerateKey(origin)
		if gerr != nil {
			return nil, nil, "", gerr
		}
		if err := os.WriteFile(skeyPath, []byte(s+"\n"), 0o600); err != nil {
			return nil, nil, "", err
		}
		if err := os.WriteFile(vkeyPath, []byte(v+"\n"), 0o644); err != nil {
			return nil, nil, "", err
		}
		skey = []byte(s)
	} else if err != nil {
		return nil, nil, "", err
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s: %w", skeyPath, err)
	}
	vkey, err := os.ReadFile(vkeyPath)
	if err != nil {
		return nil, nil, "", err
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s: %w", vkeyPath, err)
	}
	return signer, verifier, strings.TrimSpace(string(vkey)), nil
}

// bootstrap creates the coordinator at first start and writes its token.
func (m *Main) bootstrap(ctx context.Context) error {
	tok, created, err := m.Mech.Bootstrap(ctx)
	if err != nil || !created {
		return err
	}
	m.Token = tok
	return os.WriteFile(filepath.Join(m.Config.Data, "coordinator.token"), []byte(tok+"\n"), 0o600)
}

// SBSAddr is the address of the SBS-1 listener, if any.
func (m *Main) SBSAddr() string {
	if m.sbsLn == nil {
		return ""
	}
	return m.sbsLn.Addr().String()
}

// URL is the address the server listens on.
func (m *Main) URL() string {
	if m.Config.TLSCert != "" {
		return "https://" + m.ln.Addr().String()
	}
	return "http://" + m.ln.Addr().String()
}

// Run serves until ctx is done, then shuts down gracefully.
func (m *Main) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() {
		if m.Config.TLSCert != "" || m.Config.TLSKey != "" {
			errc <- m.HTTP.ServeTLS(m.ln, m.Config.TLSCert, m.Config.TLSKey)
			return
		}
		errc <- m.HTTP.Serve(m.ln)
	}()
	go m.Mech.Run(ctx, time.Second)
	if err := m.serveSBS(ctx); err != nil {
		m.HTTP.Close()
		return err
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m.HTTP.Shutdown(sctx)
	return nil
}

// Close releases the store.
func (m *Main) Close() error {
	if m.Store != nil {
		return m.Store.Close()
	}
	return nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := &Main{}
	if err := m.ParseFlags("serve", args, stderr); err != nil {
		return err
	}
	if err := m.Open(ctx, stderr); err != nil {
		return err
	}
	defer m.Close()
	where := "SQLite " + filepath.Join(m.Config.Data, "concord.db")
	if m.Config.DB != "" {
		where = "PostgreSQL"
	}
	fmt.Fprintf(stdout, "concord serving on %s (records in %s; keys in %s)\n", m.URL(), where, m.Config.Data)
	if m.Token != "" {
		fmt.Fprintf(stdout, "first start: coordinator token written to %s\n", filepath.Join(m.Config.Data, "coordinator.token"))
	}
	return m.Run(ctx)
}
