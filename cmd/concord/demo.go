package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"concord/internal/client"
	"concord/internal/mechanism"
	"concord/internal/sim"
)

// demoOptions are concord demo's flags.
type demoOptions struct {
	Listen   string
	Data     string // "": a new temporary directory, removed at exit
	Start    time.Time
	Speed    float64
	Seed     uint64
	Headless bool
	Duration time.Duration
}

// runDemo serves concord on a fresh data directory (embedded SQLite), seeds
// it through the public API with parties and zones over the Syrian
// governorates, and simulates a day of the mechanism at work (internal/sim):
// with the console at the printed address, in step with the wall clock at
// --speed; or --headless, as fast as the server answers, for --duration of
// simulated time, ending with a summary and an audit of the journal.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseDemo(args, stderr)
	if err != nil {
		return err
	}
	if o.Headless {
		res, err := demoHeadless(ctx, o, stderr)
		if err != nil {
			return err
		}
		res.print(stdout)
		return nil
	}
	return demoLive(ctx, o, stdout, stderr)
}

func parseDemo(args []string, stderr io.Writer) (demoOptions, error) {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := demoOptions{}
	fs.StringVar(&o.Listen, "listen", "127.0.0.1:8080", "address to serve on (headless: a free port unless given)")
	fs.StringVar(&o.Data, "data", "", "data directory to use (default: a new temporary one, removed at exit)")
	start := fs.String("start", "2016-09-12", "when the simulation starts: a day (YYYY-MM-DD, from 05:00 UTC, 08:00 in Syria) or an RFC 3339 time")
	fs.Float64Var(&o.Speed, "speed", 10, "simulated seconds per wall second")
	fs.Uint64Var(&o.Seed, "seed", 1, "the scenario's seed: the same seed plays the same day")
	fs.BoolVar(&o.Headless, "headless", false, "run without the console, as fast as the server answers, and print a summary")
	fs.DurationVar(&o.Duration, "duration", 2*time.Hour, "simulated time to run (headless; the live demo runs until stopped)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	listenSet := false
	fs.Visit(func(f *flag.Flag) { listenSet = listenSet || f.Name == "listen" })
	if o.Headless && !listenSet {
		o.Listen = "127.0.0.1:0"
	}
	var err error
	if o.Start, err = parseStart(*start); err != nil {
		return o, fmt.Errorf("--start: %w", err)
	}
	switch {
	case !(o.Speed > 0 && o.Speed <= 10000):
		return o, errors.New("--speed: want a number of simulated seconds per wall second in (0, 10000]")
	case o.Headless && o.Duration <= 0:
		return o, errors.New("--duration: want a positive duration, e.g. 2h")
	}
	return o, nil
}

// parseStart reads a day (which starts at 05:00 UTC, the morning in Syria)
// or an RFC 3339 time.
func parseStart(s string) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Add(5 * time.Hour), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fmt.Errorf("%q is neither YYYY-MM-DD nor an RFC 3339 time", s)
	}
	return t.UTC(), nil
}

// demoServer is a concord server on simulated time, seeded.
type demoServer struct {
	m     *Main
	clock *sim.Clock
	dir   string
	coord *client.Client
	world *sim.World
	done  func()
}

// openDemo opens a server whose mechanism runs on the simulator's clock,
// with a stale-track time of three and a half steps (so that whether a track
// has gone stale never hangs on the wall clock's last milliseconds), and
// seeds it.
func openDemo(ctx context.Context, o demoOptions, stderr io.Writer) (*demoServer, error) {
	d := &demoServer{clock: sim.NewClock(o.Start), dir: o.Data, done: func() {}}
	if d.dir == "" {
		dir, err := os.MkdirTemp(tempRoot(o.Headless), "concord-demo-")
		if err != nil {
			return nil, err
		}
		d.dir, d.done = dir, func() { os.RemoveAll(dir) }
	}
	step := sim.StepFor(o.Speed)
	d.m = &Main{Config: Config{Data: d.dir, Listen: o.Listen, Origin: "concord.demo/journal", LogLevel: "warn",
		Clock: d.clock, StaleAfter: 3*step + step/2, AckDeadline: mechanism.DefaultAckDeadline}}
	if err := d.m.Open(ctx, stderr); err != nil {
		d.done()
		return nil, err
	}
	return d, nil
}

// tempRoot is where a demo's temporary data directory goes: for a headless
// run, whose journal is audited and thrown away, memory (/dev/shm) where
// there is one, so that its thousands of synchronous commits cost no disk
// flushes; otherwise the system's temporary directory.
func tempRoot(headless bool) string {
	if fi, err := os.Stat("/dev/shm"); headless && err == nil && fi.IsDir() {
		if f, err := os.CreateTemp("/dev/shm", "concord-probe-"); err == nil {
			f.Close()
			os.Remove(f.Name())
			return "/dev/shm"
		}
	}
	return ""
}

// seed seeds the server through its API (a data directory kept from an
// earlier demo has its coordinator token on file).
func (d *demoServer) seed(ctx context.Context, start time.Time) error {
	if d.m.Token == "" {
		b, err := os.ReadFile(filepath.Join(d.dir, "coordinator.token"))
		if err != nil {
			return err
		}
		d.m.Token = strings.TrimSpace(string(b))
	}
	d.coord = client.New(d.m.URL(), d.m.Token)
	w, err := sim.Seed(ctx, d.coord, start)
	if err != nil {
		return fmt.Errorf("seeding the demo: %w", err)
	}
	d.world = w
	return nil
}

func (d *demoServer) close() {
	d.m.Close()
	d.done()
}

// tick is the server's periodic work at simulated time now: escalating
// overdue alerts and dropping silent tracks (what Mechanism.Run does on its
// timer), run by the simulator after each step.
func (d *demoServer) tick(ctx context.Context, now time.Time) error {
	if _, err := d.m.Mech.Escalate(ctx, now); err != nil {
		return fmt.Errorf("escalation: %w", err)
	}
	return d.m.Mech.ExpireTracks(ctx)
}

func (d *demoServer) simulator(o demoOptions, paced bool, stderr io.Writer) (*sim.Sim, error) {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return sim.New(d.coord, d.world, sim.Options{Seed: o.Seed, Start: o.Start, Duration: o.Duration, Speed: o.Speed,
		Paced: paced, Clock: d.clock, Tick: d.tick, Log: log})
}

// demoLive serves the console and runs the simulation in step with the wall
// clock until ctx is done.
func demoLive(ctx context.Context, o demoOptions, stdout, stderr io.Writer) error {
	d, err := openDemo(ctx, o, stderr)
	if err != nil {
		return err
	}
	defer d.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- d.m.Run(ctx) }()
	if err := d.seed(ctx, o.Start); err != nil {
		return err
	}
	o.Duration = 0
	s, err := d.simulator(o, true, stderr)
	if err != nil {
		return err
	}
	printDemo(stdout, d, o, s.Step())
	if err := s.Run(ctx); err != nil {
		cancel()
		<-errc
		return err
	}
	return <-errc
}

func printDemo(w io.Writer, d *demoServer, o demoOptions, step time.Duration) {
	url := d.m.URL()
	fmt.Fprintf(w, "concord demo: console at %s/  (data in %s)\n", url, d.dir)
	fmt.Fprintf(w, "Simulating from %s UTC at %g× real time (seed %d; every aircraft reports every %s of simulated time).\n",
		o.Start.Format("2006-01-02 15:04"), o.Speed, o.Seed, step)
	fmt.Fprintf(w, "%d zones loaded: the 14 Syrian governorates and UNDOF zone as ceasefire areas, no-fly zones,\n", d.world.Zones)
	fmt.Fprintf(w, "control areas, synthetic protected sites, a safe zone and besieged areas.\n\n")
	fmt.Fprintf(w, "Sign in to the console with a token (export CONCORD_URL=%s CONCORD_TOKEN=... for the client commands):\n", url)
	fmt.Fprintf(w, "  %-12s %-14s %s\n", "coordinator", "coordinator", d.m.Token)
	for _, id := range []string{"A", "B", "C", "H", "O", "W"} {
		mem := d.world.Members[id]
		fmt.Fprintf(w, "  %-12s %-14s %s\n", id, mem.Party.Role, mem.Token)
	}
	fmt.Fprintf(w, "\nThe coordinator token is also in %s. Stop with Ctrl-C.\n", filepath.Join(d.dir, "coordinator.token"))
}

// demoResult is what a headless run prints.
type demoResult struct {
	Summary  sim.Summary
	Verified string // concord verify's report
	Wall     time.Duration
}

// demoHeadless runs the simulation for o.Duration as fast as the server
// answers — the server's periodic work done by the simulator at each step,
// so that nothing races the wall clock and the same seed gives the same
// summary — then audits the journal as concord verify does.
func demoHeadless(ctx context.Context, o demoOptions, stderr io.Writer) (*demoResult, error) {
	began := time.Now()
	d, err := openDemo(ctx, o, stderr)
	if err != nil {
		return nil, err
	}
	defer d.close()
	go d.m.HTTP.Serve(d.m.ln)
	defer d.m.HTTP.Close()
	if err := d.seed(ctx, o.Start); err != nil {
		return nil, err
	}
	s, err := d.simulator(o, false, stderr)
	if err != nil {
		return nil, err
	}
	if err := s.Run(ctx); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &demoResult{Summary: s.Summary()}
	var out bytes.Buffer
	v := &verifier{c: d.coord, st: verifyState{filepath.Join(d.dir, "verify")}, stdout: &out, stderr: io.Discard}
	if err := v.run(ctx, d.m.Mech.VerifierKey(), nil); err != nil {
		return nil, err
	}
	res.Verified, res.Wall = strings.TrimSpace(out.String()), time.Since(began)
	return res, nil
}

func (r *demoResult) print(w io.Writer) {
	fmt.Fprint(w, r.Summary)
	for _, line := range strings.Split(r.Verified, "\n") {
		if before, _, ok := strings.Cut(line, "; state kept in"); ok {
			line = before
		}
		fmt.Fprintf(w, "%-11s %s\n", "", line)
	}
	fmt.Fprintf(w, "%-11s %s of simulated time in %.1f s of wall time\n", "ran", r.Summary.Duration, r.Wall.Seconds())
}
