package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"concord"
	"concord/internal/airspace"
	"concord/internal/feed/sbs"
	"concord/internal/mechanism"
)

// sbsBatch bounds the tracks of one submission from an SBS-1 feed; a batch
// is also sent when sbsFlush has passed since the first track in it.
const (
	sbsBatch = 500
	sbsFlush = 250 * time.Millisecond
)

// pumpSBS reads SBS-1 (BaseStation, port 30003) lines from r, assembles
// them into tracks for party and submits them in batches until r ends or
// ctx is done. Malformed lines are counted and skipped: a receiver's feed
// carries message types concord does not use.
func pumpSBS(ctx context.Context, r io.Reader, party string, submit func([]airspace.Track) error, log *slog.Logger) error {
	lines := make(chan []byte, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 4096), 64<<10)
		for sc.Scan() {
			select {
			case lines <- bytes.Clone(sc.Bytes()):
			case <-ctx.Done():
				return
			}
		}
	}()
	asm := sbs.NewAssembler(party, sbs.DefaultMaxAge)
	var batch []airspace.Track
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := submit(batch)
		batch = nil
		return err
	}
	tick := time.NewTicker(sbsFlush)
	defer tick.Stop()
	skipped := 0
	for {
		select {
		case <-ctx.Done():
			return flush()
		case <-tick.C:
			if err := flush(); err != nil {
				return err
			}
		case line, ok := <-lines:
			if !ok {
				if skipped > 0 && log != nil {
					log.Info("sbs feed ended", "party", party, "skipped_lines", skipped)
				}
				return flush()
			}
			m, err := sbs.ParseLine(line)
			if err != nil {
				skipped++
				continue
			}
			if t, ok := asm.Add(m); ok {
				t.Party = ""
				batch = append(batch, t)
			}
			if len(batch) >= sbsBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
}

// listenSBS binds the SBS-1 listener, if one is configured.
func (m *Main) listenSBS() error {
	if m.Config.SBSListen == "" {
		return nil
	}
	if m.Config.SBSParty == "" {
		return errors.New("--sbs-listen needs --sbs-party")
	}
	ln, err := net.Listen("tcp", m.Config.SBSListen)
	if err != nil {
		return fmt.Errorf("--sbs-listen: %w", err)
	}
	m.sbsLn = ln
	return nil
}

// serveSBS feeds concord from SBS-1: --sbs-listen accepts receivers that
// push their feed; --sbs-connect dials a receiver's port 30003 (and redials).
// Tracks are submitted as --sbs-party, exactly as POST /v1/tracks would.
func (m *Main) serveSBS(ctx context.Context) error {
	c := m.Config
	if c.SBSListen == "" && c.SBSConnect == "" {
		return nil
	}
	// The party is looked up at each batch: it may be created after start.
	submit := func(ts []airspace.Track) error {
		p, err := m.Mech.Party(ctx, concord.Actor{}, c.SBSParty)
		if err != nil || p.Role != concord.RoleParty {
			m.Log.Warn("sbs feed dropped: --sbs-party must name an armed party", "party", c.SBSParty)
			return nil
		}
		req := mechanism.Request{Actor: concord.Actor{Party: p.ID, Role: p.Role}, Method: "SBS", Path: "sbs"}
		if _, err := m.Mech.SubmitTracks(ctx, req, ts); err != nil {
			m.Log.Warn("sbs batch refused", "party", p.ID, "err", err)
		}
		return nil
	}
	if m.sbsLn != nil {
		go m.acceptSBS(ctx, m.sbsLn, c.SBSParty, submit)
	}
	if c.SBSConnect != "" {
		go m.dialSBS(ctx, c.SBSConnect, c.SBSParty, submit)
	}
	return nil
}

func (m *Main) acceptSBS(ctx context.Context, ln net.Listener, party string, submit func([]airspace.Track) error) {
	go func() { <-ctx.Done(); ln.Close() }()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			go func() { <-ctx.Done(); conn.Close() }()
			pumpSBS(ctx, conn, party, submit, m.Log)
		}()
	}
}

func (m *Main) dialSBS(ctx context.Context, addr, party string, submit func([]airspace.Track) error) {
	for ctx.Err() == nil {
		conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", addr)
		if err == nil {
			go func() { <-ctx.Done(); conn.Close() }()
			pumpSBS(ctx, conn, party, submit, m.Log)
			conn.Close()
		} else {
			m.Log.Warn("sbs connect", "addr", addr, "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
}

func init() { commands["feed"] = runFeed }

// runFeed is `concord feed sbs --connect HOST:30003` (or `-` for stdin): a
// party relays its own receiver's feed to a remote concord over HTTP.
func runFeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "sbs" {
		return errors.New("usage: concord feed sbs --connect HOST:30003 | --stdin")
	}
	fs := flag.NewFlagSet("feed sbs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	connect := fs.String("connect", "", "the receiver's SBS-1 port, e.g. 127.0.0.1:30003")
	stdin := fs.Bool("stdin", false, "read SBS-1 lines from standard input instead")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	var r io.Reader = os.Stdin
	if !*stdin {
		if *connect == "" {
			return errors.New("give --connect HOST:PORT or --stdin")
		}
		conn, err := net.Dial("tcp", *connect)
		if err != nil {
			return err
		}
		defer conn.Close()
		r = conn
	}
	sent := 0
	return pumpSBS(ctx, r, "", func(ts []airspace.Track) error {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		for _, t := range ts {
			enc.Encode(t)
		}
		if err := c.Do(ctx, "POST", "/v1/tracks", b.Bytes(), "", nil); err != nil {
			return err
		}
		sent += len(ts)
		fmt.Fprintf(stderr, "\rsent %d track reports", sent)
		return nil
	}, nil)
}
