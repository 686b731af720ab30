package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"concord/internal/client"
	"concord/internal/journal"
	"concord/internal/witness"
)

func init() { commands["witness"] = runWitness }

// runWitness is `concord witness`: a C2SP tlog-cosignature witness of the
// server's journal, or `concord witness keygen` to make its key.
func runWitness(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "keygen" {
		return witnessKeygen(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("witness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", envOr("CONCORD_URL", "http://127.0.0.1:8080"), "server URL ($CONCORD_URL)")
	token := fs.String("token", os.Getenv("CONCORD_TOKEN"), "the witness's auditor token ($CONCORD_TOKEN)")
	keyFile := fs.String("key", "", "the witness's private key file (concord witness keygen)")
	stateDir := fs.String("state", "", "state directory: the log's pinned key and the last checkpoint cosigned (default ~/.concord/witness/HOST)")
	pin := fs.String("log-key", "", "the journal's verifier key, if known out of band (default: pinned at first use)")
	interval := fs.Duration("interval", 10*time.Second, "how often to look for a new checkpoint")
	once := fs.Bool("once", false, "cosign once and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" || *keyFile == "" {
		return errors.New("witness: --token and --key are required")
	}
	wc, err := openWitness(ctx, *url, *token, *keyFile, *stateDir, *pin, stdout)
	if err != nil {
		return err
	}
	_, last := wc.w.Last(wc.origin)
	fmt.Fprintf(stderr, "witnessing %s at %s as %s; last cosigned size %d\n", wc.origin, *url, wc.name, last.Size)
	for {
		err := wc.round(ctx)
		var fork *forkDetected
		switch {
		case errors.As(err, &fork) || (err != nil && *once):
			return err
		case err != nil:
			fmt.Fprintf(stderr, "witness: %v\n", err)
		case *once:
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*interval):
		}
	}
}

// witnessCmd is a running witness of one log.
type witnessCmd struct {
	c      *client.Client
	w      *witness.Witness
	origin string
	name   string // the witness's key name
	dir    string
	out    io.Writer
}

func openWitness(ctx context.Context, url, token, keyFile, dir, pin string, out io.Writer) (*witnessCmd, error) {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	s, err := witness.NewSigner(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	c := client.New(url, strings.TrimSpace(token))
	c.Key = s.PrivateKey() // the auditor party's registered key signs its writes too
	if dir == "" {
		dir = strings.Replace(defaultStateDir(url), filepath.Join(".concord", "verify"), filepath.Join(".concord", "witness"), 1)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	logKey := &verifier{c: c, st: verifyState{dir}} // pins the log's key as verify does
	if err := logKey.loadKey(ctx, pin); err != nil {
		return nil, err
	}
	last, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if errors.Is(err, os.ErrNotExist) {
		last, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	w := witness.New(s, nil)
	if err := w.Follow(logKey.key, last); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "checkpoint"), err)
	}
	return &witnessCmd{c: c, w: w, origin: logKey.key.Name(), name: s.Name(), dir: dir, out: out}, nil
}

// round fetches the latest checkpoint and a consistency proof from the last
// one cosigned, cosigns it, keeps it as the last cosigned and posts the
// cosignature. A fork is reported to the server and ends the witness.
func (wc *witnessCmd) round(ctx context.Context) error {
	var msg []byte
	if err := wc.c.Do(ctx, "GET", "/v1/journal/checkpoint", nil, "", &msg); err != nil {
		return err
	}
	text, _, err := witness.SplitNote(msg)
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	cp, err := journal.ParseCheckpoint(text)
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	_, last := wc.w.Last(wc.origin)
	proof, err := wc.proof(ctx, last.Size, cp.Size)
	if err != nil {
		return err
	}
	cos, err := wc.w.Cosign(msg, proof)
	var fe *witness.ForkError
	if errors.As(err, &fe) {
		return wc.reportFork(ctx, fe)
	}
	if err != nil {
		return fmt.Errorf("refused to cosign the checkpoint of size %d: %w", cp.Size, err)
	}
	signed, _ := wc.w.Last(wc.origin)
	if err := writeFileAtomic(filepath.Join(wc.dir, "checkpoint"), signed); err != nil {
		return err
	}
	body := map[string]string{"checkpoint": string(witness.AppendSignatures(signed, cos.Line()))}
	if err := wc.c.Do(ctx, "POST", "/v1/journal/cosignatures", body, "", nil); err != nil {
		return fmt.Errorf("posting the cosignature of size %d: %w", cp.Size, err)
	}
	if cp.Size != last.Size || last.Size == 0 {
		fmt.Fprintf(wc.out, "cosigned %s: size %d, root %s\n", cp.Origin, cp.Size, cp.Root)
	}
	return nil
}

// proof fetches the consistency proof from the last cosigned size.
func (wc *witnessCmd) proof(ctx context.Context, from, to int64) ([]journal.Hash, error) {
	if from == 0 || to <= from {
		return nil, nil
	}
	var p struct{ Proof []string }
	if err := wc.c.Do(ctx, "GET", fmt.Sprintf("/v1/journal/proof/consistency?from=%d&to=%d", from, to), nil, "", &p); err != nil {
		return nil, err
	}
	hs, err := decodeHashes(p.Proof)
	if hs == nil {
		hs = []journal.Hash{}
	}
	return hs, err
}

// forkDetected ends the witness: the log signed two views of one size.
type forkDetected struct{ msg string }

func (f *forkDetected) Error() string { return f.msg }

func (wc *witnessCmd) reportFork(ctx context.Context, fe *witness.ForkError) error {
	msg := fmt.Sprintf("FORK DETECTED: the log %s signed two checkpoints of size %d with different roots: %s (cosigned before) and %s; refused to cosign",
		fe.Origin, fe.Size, fe.CosignedRoot, fe.OfferedRoot)
	var res struct{ ID string }
	body := map[string][]string{"checkpoints": {string(fe.Cosigned), string(fe.Offered)}}
	if err := wc.c.Do(ctx, "POST", "/v1/journal/forks", body, "", &res); err != nil {
		return &forkDetected{msg + "; reporting it failed: " + err.Error()}
	}
	return &forkDetected{msg + "; reported as " + res.ID}
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func witnessKeygen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("witness keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "the witness's key name, a schema-less URL such as witness.example.org/w1")
	out := fs.String("out", "witness.key", "file to write the private key to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	skey, vkey, err := witness.GenerateKey(*name)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	s, _ := witness.NewSigner(skey)
	fmt.Fprintf(stdout, "private key written to %s\n", *out)
	fmt.Fprintf(stdout, "verifier key (parties: concord verify --witness-key): %s\n", vkey)
	fmt.Fprintf(stdout, "public key (the witness's auditor party: concord party add --role auditor --public-key): %s\n", base64.StdEncoding.EncodeToString(s.PrivateKey().Public().(ed25519.PublicKey)))
	return nil
}

// witnessPolicy is what `concord verify --witness-key … --min-cosignatures N`
// requires of the checkpoint it audits.
type witnessPolicy struct {
	keys  multiFlag
	min   int
	ws    []*witness.Verifier
	valid []witness.Cosignature
	size  int64
}

func (wp *witnessPolicy) register(fs *flag.FlagSet) {
	fs.Var(&wp.keys, "witness-key", "a witness's verifier key (concord witness keygen); repeatable")
	fs.IntVar(&wp.min, "min-cosignatures", 0, "require this many valid cosignatures by the --witness-key witnesses (default 1 when keys are given)")
}

// parse reads the keys; keys without --min-cosignatures require one.
func (wp *witnessPolicy) parse() error {
	for _, k := range wp.keys {
		v, err := witness.NewVerifier(strings.TrimSpace(k))
		if err != nil {
			return fmt.Errorf("--witness-key: %w", err)
		}
		wp.ws = append(wp.ws, v)
	}
	switch {
	case wp.min < 0:
		return errors.New("--min-cosignatures must not be negative")
	case wp.min > 0 && len(wp.ws) == 0:
		return errors.New("--min-cosignatures needs the witnesses' keys (--witness-key)")
	case wp.min > len(wp.ws):
		return fmt.Errorf("--min-cosignatures %d exceeds the %d witness keys given", wp.min, len(wp.ws))
	case wp.min == 0 && len(wp.ws) > 0:
		wp.min = 1
	}
	return nil
}

// checkpoint fetches the checkpoint verify audits: the latest, or, when the
// policy asks for cosignatures the latest lacks, the latest cosigned one
// (provided it is not older than the state already trusted).
func (v *verifier) checkpoint(ctx context.Context, trusted int64) ([]byte, error) {
	var cp []byte
	if err := v.c.Do(ctx, "GET", "/v1/journal/checkpoint", nil, "", &cp); err != nil {
		return nil, err
	}
	wp := v.wp
	if wp == nil || wp.min == 0 || wp.check(cp) == nil {
		return cp, nil
	}
	var cosigned []byte
	err := v.c.Do(ctx, "GET", "/v1/journal/checkpoint?cosigned=1", nil, "", &cosigned)
	var p *client.Problem
	if errors.As(err, &p) && p.Status == http.StatusNotFound {
		return nil, errors.New("WITNESS CHECK FAILED: no checkpoint of this journal has been cosigned")
	}
	if err != nil {
		return nil, err
	}
	if err := wp.check(cosigned); err != nil {
		return nil, fmt.Errorf("WITNESS CHECK FAILED: latest cosigned checkpoint: %w", err)
	}
	c, err := journal.Open(cosigned, v.key)
	if err != nil {
		return nil, fmt.Errorf("JOURNAL VERIFICATION FAILED: cosigned checkpoint: %w", err)
	}
	if c.Size < trusted {
		return nil, fmt.Errorf("WITNESS CHECK FAILED: the latest checkpoint cosigned as required has size %d, below the size %d already trusted: verify again once the witnesses have cosigned a newer one", c.Size, trusted)
	}
	return cosigned, nil
}

func (wp *witnessPolicy) check(cp []byte) error {
	valid, err := witness.VerifyCosignatures(cp, wp.ws, wp.min)
	if err != nil {
		return err
	}
	text, _, _ := witness.SplitNote(cp)
	c, _ := journal.ParseCheckpoint(text)
	wp.valid, wp.size = valid, c.Size
	return nil
}

// report prints the cosignatures verify accepted.
func (wp *witnessPolicy) report(w io.Writer) {
	if wp == nil || wp.min == 0 {
		return
	}
	var names []string
	for _, c := range wp.valid {
		names = append(names, fmt.Sprintf("%s (%s)", c.Name, time.Unix(c.Time, 0).UTC().Format(time.RFC3339)))
	}
	fmt.Fprintf(w, "witnessed: the checkpoint of size %d carries %d valid cosignatures (%d required): %s\n",
		wp.size, len(wp.valid), wp.min, strings.Join(names, ", "))
}
