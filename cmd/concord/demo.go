package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"concord/internal/client"
	"concord/internal/sim"
)

// runDemo serves concord on a fresh temporary data directory (embedded
// SQLite), seeds it through the public API with parties and zones over the
// Syrian governorates, and prints the address and every role's token.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to serve on")
	keep := fs.String("data", "", "data directory to use (default: a new temporary one, removed at exit)")
	startFlag := fs.String("start", "2016-09-12", "the simulated day (YYYY-MM-DD)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start, err := time.Parse("2006-01-02", *startFlag)
	if err != nil {
		return fmt.Errorf("--start: %w", err)
	}
	dir := *keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "concord-demo-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	m := &Main{Config: Config{Data: dir, Listen: *listen, Origin: "concord.demo/journal", LogLevel: "warn"}}
	if err := m.Open(ctx, stderr); err != nil {
		return err
	}
	defer m.Close()
	errc := make(chan error, 1)
	go func() { errc <- m.Run(ctx) }()
	coord := client.New(m.URL(), m.Token)
	w, err := sim.Seed(ctx, coord, start)
	if err != nil {
		return fmt.Errorf("seeding the demo: %w", err)
	}
	printDemo(stdout, m, dir, w)
	return <-errc
}

func printDemo(w io.Writer, m *Main, dir string, world *sim.World) {
	fmt.Fprintf(w, "concord demo: console at %s/  (data in %s)\n", m.URL(), dir)
	fmt.Fprintf(w, "%d zones loaded: the 14 Syrian governorates and UNDOF zone as ceasefire areas, no-fly zones,\n", world.Zones)
	fmt.Fprintf(w, "control areas, synthetic protected sites, a safe zone and besieged areas.\n\n")
	fmt.Fprintf(w, "Tokens (export CONCORD_URL=%s CONCORD_TOKEN=... to use the client commands):\n", m.URL())
	fmt.Fprintf(w, "  %-12s %-14s %s\n", "coordinator", "coordinator", m.Token)
	for _, id := range []string{"A", "B", "C", "H", "O", "W"} {
		mem := world.Members[id]
		fmt.Fprintf(w, "  %-12s %-14s %s\n", id, mem.Party.Role, mem.Token)
	}
	fmt.Fprintf(w, "\nThe coordinator token is also in %s. Stop with Ctrl-C.\n", filepath.Join(dir, "coordinator.token"))
}
