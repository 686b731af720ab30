package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// benchSuite runs one suite of `concord bench`, printing each figure beside
// its naive reference and returning the figures for --json.
type benchSuite func(ctx context.Context, b *bench) error

// benchSuites are the suites of `concord bench`; each file registers its own
// in init: benchSuites["ceasefire"] = benchCeasefire.
var benchSuites = map[string]benchSuite{}

func init() { commands["bench"] = runBench }

// bench is one run of `concord bench`.
type bench struct {
	out     io.Writer
	args    []string // arguments after the suite names
	quick   bool
	results []benchResult
}

// benchResult is one figure, beside the naive reference run in the same
// process on the same input (SPEC §6).
type benchResult struct {
	Suite     string  `json:"suite"`
	Name      string  `json:"name"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	Reference float64 `json:"reference,omitempty"` // the naive reference's figure, same unit
	Ratio     float64 `json:"ratio,omitempty"`     // how many times better than the reference
	Identical *bool   `json:"identical,omitempty"` // both found the same results
	Note      string  `json:"note,omitempty"`
}

// report prints one figure and keeps it.
func (b *bench) report(r benchResult) {
	b.results = append(b.results, r)
	line := fmt.Sprintf("%-10s %-52s %14s %-10s", r.Suite, r.Name, fmtFigure(r.Value), r.Unit)
	if r.Reference != 0 {
		line += fmt.Sprintf(" naive %14s  ×%.1f", fmtFigure(r.Reference), r.Ratio)
	}
	if r.Identical != nil {
		line += map[bool]string{true: "  identical", false: "  DIFFERENT"}[*r.Identical]
	}
	if r.Note != "" {
		line += "  (" + r.Note + ")"
	}
	fmt.Fprintln(b.out, line)
}

func fmtFigure(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.3g M", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

// timeIt runs f n times (at least once) and returns the mean duration.
func timeIt(n int, f func()) time.Duration {
	n = max(n, 1)
	start := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	return time.Since(start) / time.Duration(n)
}

func ptr[T any](v T) *T { return &v }

// runBench is `concord bench [SUITE...] [--json FILE] [--quick]`.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.String("json", "", "also write the results as JSON to this file")
	quick := fs.Bool("quick", false, "smaller sizes, for a smoke run")
	var names []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		names, args = append(names, args[0]), args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(names) == 0 {
		for n := range benchSuites {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	b := &bench{out: stdout, args: fs.Args(), quick: *quick}
	for _, n := range names {
		suite, ok := benchSuites[n]
		if !ok {
			return fmt.Errorf("no bench suite %q", n)
		}
		if err := suite(ctx, b); err != nil {
			return fmt.Errorf("bench %s: %w", n, err)
		}
	}
	if *jsonOut == "" {
		return nil
	}
	out, err := json.MarshalIndent(b.results, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*jsonOut, out, 0o644)
}

// benchServer starts a server in this process on a fresh embedded SQLite
// file in a temporary directory, running until the returned stop is called.
func benchServer(ctx context.Context) (*Main, func(), error) {
	dir, err := os.MkdirTemp("", "concord-bench-")
	if err != nil {
		return nil, nil, err
	}
	m := &Main{Config: Config{Data: dir, Listen: "127.0.0.1:0", Origin: "concord.bench/journal", LogLevel: "error"}}
	if err := m.Open(ctx, io.Discard); err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	go m.Run(sctx)
	return m, func() { cancel(); m.Close(); os.RemoveAll(dir) }, nil
}
