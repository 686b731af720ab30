package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"concord/internal/client"
	"concord/internal/journal"
	"concord/internal/mechanism"
)

// verifyState is the state directory of concord verify: the log's public key
// (pinned at first use), and the journal.State last trusted.
type verifyState struct{ dir string }

func (v verifyState) path(name string) string { return filepath.Join(v.dir, name) }

func defaultStateDir(serverURL string) string {
	if d := os.Getenv("CONCORD_STATE"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	u, _ := url.Parse(serverURL)
	host := "server"
	if u != nil && u.Host != "" {
		host = strings.ReplaceAll(u.Host, ":", "_")
	}
	return filepath.Join(home, ".concord", "verify", host)
}

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	stateDir := fs.String("state", "", "state directory (default $CONCORD_STATE or ~/.concord/verify/HOST)")
	pin := fs.String("log-key", "", "the journal's verifier key, if known out of band (default: pinned at first use)")
	var receipts multiFlag
	fs.Var(&receipts, "receipt", "a receipt file (or a directory of them) whose inclusion to check; repeatable")
	bundle := fs.String("bundle", "", "check an evidence bundle file (concord evidence) offline, instead of the server's journal")
	var wp witnessPolicy
	wp.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := wp.parse(); err != nil {
		return err
	}
	if *bundle != "" {
		return verifyBundle(*bundle, *pin, stdout)
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	if *stateDir == "" {
		*stateDir = defaultStateDir(cf.url)
	}
	v := &verifier{c: c, st: verifyState{*stateDir}, stdout: stdout, stderr: stderr, wp: &wp}
	return v.run(ctx, *pin, receipts)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

type verifier struct {
	c              *client.Client
	st             verifyState
	stdout, stderr io.Writer
	key            note.Verifier
	wp             *witnessPolicy // cosignatures required (witness.go)
}

func (v *verifier) run(ctx context.Context, pin string, receiptPaths []string) error {
	if err := os.MkdirAll(v.st.dir, 0o700); err != nil {
		return err
	}
	if err := v.loadKey(ctx, pin); err != nil {
		return err
	}
	trusted, err := v.loadState()
	if err != nil {
		return err
	}
	snap, records, err := v.fetch(ctx, int64(len(trusted.Hashes)))
	if err != nil {
		return err
	}
	next, rep, err := journal.Audit(trusted, v.key, snap)
	if err != nil {
		return fmt.Errorf("JOURNAL VERIFICATION FAILED: %w", err)
	}
	checked, err := checkRecords(snap.Leaves, records)
	if err != nil {
		return fmt.Errorf("JOURNAL VERIFICATION FAILED: %w", err)
	}
	nr, err := v.checkReceipts(next, snap.Leaves, receiptPaths)
	if err != nil {
		return fmt.Errorf("JOURNAL VERIFICATION FAILED: %w", err)
	}
	if err := v.saveState(next); err != nil {
		return err
	}
	fmt.Fprintf(v.stdout, "journal verified: %s\n", rep)
	v.wp.report(v.stdout)
	fmt.Fprintf(v.stdout, "%d records checked against their commitments; %d receipts included; state kept in %s\n", checked, nr, v.st.dir)
	return nil
}

// loadKey fetches the log's key and pins it at first use: a later change of
// key is refused, since it would let a new key re-sign a rewritten history.
func (v *verifier) loadKey(ctx context.Context, pin string) error {
	var b []byte
	if err := v.c.Do(ctx, "GET", "/v1/journal/key", nil, "", &b); err != nil {
		return err
	}
	served := strings.TrimSpace(string(b))
	pinned := pin
	if pinned == "" {
		if old, err := os.ReadFile(v.st.path("journal.pub")); err == nil {
			pinned = strings.TrimSpace(string(old))
		}
	}
	if pinned != "" && pinned != served {
		return fmt.Errorf("JOURNAL VERIFICATION FAILED: the server's journal key changed from %s to %s", pinned, served)
	}
	key, err := note.NewVerifier(served)
	if err != nil {
		return fmt.Errorf("the server's journal key: %w", err)
	}
	v.key = key
	return os.WriteFile(v.st.path("journal.pub"), []byte(served+"\n"), 0o644)
}

func (v *verifier) loadState() (journal.State, error) {
	var st journal.State
	b, err := os.ReadFile(v.st.path("state"))
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := st.UnmarshalBinary(b); err != nil {
		return st, fmt.Errorf("%s: %w", v.st.path("state"), err)
	}
	return st, nil
}

func (v *verifier) saveState(st journal.State) error {
	b, err := st.MarshalBinary()
	if err != nil {
		return err
	}
	tmp := v.st.path("state.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, v.st.path("state"))
}

// fetch reads the latest checkpoint, a consistency proof from the trusted
// size, and every leaf (with the records this caller may see).
func (v *verifier) fetch(ctx context.Context, trusted int64) (journal.Snapshot, map[int64]mechanism.RecordView, error) {
	var snap journal.Snapshot
	cp, err := v.checkpoint(ctx, trusted)
	if err != nil {
		return snap, nil, err
	}
	c, err := journal.Open(cp, v.key)
	if err != nil {
		return snap, nil, fmt.Errorf("JOURNAL VERIFICATION FAILED: checkpoint: %w", err)
	}
	snap.Checkpoint = cp
	if trusted > 0 && trusted <= c.Size {
		var p struct{ Proof []string }
		if err := v.c.Do(ctx, "GET", fmt.Sprintf("/v1/journal/proof/consistency?from=%d&to=%d", trusted, c.Size), nil, "", &p); err != nil {
			return snap, nil, err
		}
		if snap.Consistency, err = decodeHashes(p.Proof); err != nil {
			return snap, nil, err
		}
		if snap.Consistency == nil {
			snap.Consistency = []journal.Hash{}
		}
	}
	records := map[int64]mechanism.RecordView{}
	for start := int64(0); start < c.Size; {
		var page struct{ Leaves []mechanism.LeafView }
		path := fmt.Sprintf("/v1/journal/leaves?start=%d&end=%d&records=1", start, c.Size)
		if err := v.c.Do(ctx, "GET", path, nil, "", &page); err != nil {
			return snap, nil, err
		}
		if len(page.Leaves) == 0 {
			return snap, nil, fmt.Errorf("JOURNAL VERIFICATION FAILED: the server returned no leaf at index %d of a log of size %d", start, c.Size)
		}
		for _, l := range page.Leaves {
			if l.Index != start {
				return snap, nil, fmt.Errorf("JOURNAL VERIFICATION FAILED: leaf %d is missing (the server skipped to %d)", start, l.Index)
			}
			h, err := decodeHash(l.Hash)
			if err != nil {
				return snap, nil, err
			}
			snap.Leaves = append(snap.Leaves, []byte(l.Data))
			snap.LeafHashes = append(snap.LeafHashes, h)
			if l.Record != nil {
				records[l.Index] = *l.Record
			}
			start++
		}
		if c.Size > 5000 {
			fmt.Fprintf(v.stderr, "\rfetched %d/%d leaves", start, c.Size)
		}
	}
	if c.Size > 5000 {
		fmt.Fprintln(v.stderr)
	}
	return snap, records, nil
}

func decodeHash(s string) (journal.Hash, error) {
	var h journal.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("malformed hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

func decodeHashes(ss []string) ([]journal.Hash, error) {
	var out []journal.Hash
	for _, s := range ss {
		h, err := decodeHash(s)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// checkRecords checks every record the server showed against its leaf's commitment.
func checkRecords(leaves [][]byte, records map[int64]mechanism.RecordView) (int, error) {
	n := 0
	for idx, r := range records {
		salt, err := base64.StdEncoding.DecodeString(r.Salt)
		if err != nil {
			return n, fmt.Errorf("record %s version %d: malformed salt", r.ID, r.Version)
		}
		if idx < 0 || idx >= int64(len(leaves)) {
			continue
		}
		if err := journal.CheckRecordAt(idx, leaves[idx], salt, []byte(r.Body)); err != nil {
			return n, fmt.Errorf("record %s version %d was altered: %w", r.ID, r.Version, err)
		}
		n++
	}
	return n, nil
}

// checkReceipts checks each receipt's own proof and that the audited log
// still holds its leaf, and that the receipt's checkpoint is a prefix of it.
func (v *verifier) checkReceipts(st journal.State, leaves [][]byte, paths []string) (int, error) {
	rs, err := readReceipts(paths)
	if err != nil {
		return 0, err
	}
	var mem journal.MemoryHashes
	for _, l := range leaves {
		if _, err := mem.Append(l); err != nil {
			return 0, err
		}
	}
	for _, r := range rs {
		cp, err := r.Verify(v.key)
		if err != nil {
			return 0, fmt.Errorf("receipt for leaf %d: %w", r.Index, err)
		}
		if err := st.CheckReceipt(r); err != nil {
			return 0, err
		}
		root, err := journal.TreeRoot(cp.Size, mem)
		if err != nil || root != cp.Root {
			return 0, fmt.Errorf("fork: the receipt for leaf %d carries a checkpoint of size %d that the current log does not extend", r.Index, cp.Size)
		}
	}
	return len(rs), nil
}

func readReceipts(paths []string) ([]journal.Receipt, error) {
	var files []string
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			m, _ := filepath.Glob(filepath.Join(p, "*.json"))
			files = append(files, m...)
		} else {
			files = append(files, p)
		}
	}
	var out []journal.Receipt
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var one journal.Receipt
		var many struct{ Receipts []journal.Receipt }
		switch {
		case json.Unmarshal(b, &many) == nil && len(many.Receipts) > 0:
			out = append(out, many.Receipts...)
		case json.Unmarshal(b, &one) == nil && one.Leaf != "":
			out = append(out, one)
		default:
			return nil, fmt.Errorf("%s: not a receipt (want a receipt object or a write's answer with receipts)", f)
		}
	}
	return out, nil
}
