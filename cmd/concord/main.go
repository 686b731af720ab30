// Command concord is the whole of concord in one binary: the service
// (serve), a self-contained demonstration (demo), and the client commands
// parties, aid organisations, observers and auditors use.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `concord: a shared deconfliction and ceasefire-monitoring centre.

Usage:
  concord serve [--data DIR | --db postgres://...] [--listen 127.0.0.1:8080]
                [--sbs-listen ADDR | --sbs-connect HOST:30003 --sbs-party P]
                [--reconfirm 168h] [--awareness refuse|warn]
  concord demo  [--listen 127.0.0.1:8080] [--speed 10] [--start 2016-09-12] [--seed 1] [--data DIR]
  concord demo  --headless [--duration 2h] [--speed 120] [--seed 1]
  concord party add --name NAME --role ROLE [--id ID] [--public-key B64]
  concord party list
  concord zone import FILE [--kind KIND] [--start RFC3339] [--receipts DIR]
  concord verify [--state DIR] [--receipt FILE]... [--log-key VKEY]
                 [--witness-key VKEY]... [--min-cosignatures N]
  concord witness --key FILE [--state DIR] [--interval 10s] [--once]
  concord witness keygen --name NAME [--out FILE]
  concord verify --bundle FILE [--log-key VKEY]
  concord evidence movement|site|operation ID [--out FILE]
  concord feed sbs --connect HOST:30003 | --stdin
  concord report submit FILE
  concord report import --format ucdp-ged FILE [--side NAME=PARTY]... [--batch 500]
  concord export incidents --format csv|geojson [--out FILE] [--from T --to T --area ZONE]
  concord bench ceasefire [--json FILE] [--quick] [-- --data FILE --e2e]

Client commands read CONCORD_URL (default http://127.0.0.1:8080) and
CONCORD_TOKEN; CONCORD_KEY names an Ed25519 private key file that signs writes.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "concord:", err)
		os.Exit(1)
	}
}

// run dispatches a command line; it is what tests call.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	run, ok := commands[cmd]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	return run(ctx, rest, stdout, stderr)
}

// command runs one subcommand.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// commands are the subcommands; each file registers its own in init.
var commands = map[string]command{}

func init() {
	commands["serve"] = runServe
	commands["demo"] = runDemo
	commands["party"] = runParty
	commands["zone"] = runZone
	commands["verify"] = runVerify
}
