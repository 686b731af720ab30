// Package witness is concord's transparency-log witness (issue 8): it checks
// that each new checkpoint of a log is consistent with the last one it
// cosigned and cosigns it (C2SP tlog-cosignature, cosignature/v1 with
// Ed25519, https://c2sp.org/tlog-cosignature); it refuses, with the evidence,
// a fork: two checkpoints of one size with different roots, both signed by
// the log. Clients check a quorum of cosignatures with VerifyCosignatures.
//
// The package does no I/O: the caller fetches checkpoints and proofs, keeps
// the witness's state (Witness.Last) and posts the cosignatures.
package witness

import (
	"bytes"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord"
	"concord/internal/journal"
)

// Witness cosigns the checkpoints of the logs it follows.
type Witness struct {
	signer *Signer
	now    func() time.Time
	logs   map[string]*followed
}

// followed is one log: its key and the last checkpoint cosigned.
type followed struct {
	v    note.Verifier
	last []byte // the log-signed note, without other signatures; nil at first
	cp   journal.Checkpoint
}

// New returns a witness that cosigns with s at the time now returns (nil:
// time.Now).
func New(s *Signer, now func() time.Time) *Witness {
	if now == nil {
		now = time.Now
	}
	return &Witness{signer: s, now: now, logs: map[string]*followed{}}
}

// Follow adds the log whose key is v, with the checkpoint cosigned last (a
// signed note; nil for none: the first checkpoint offered is trusted). A
// last checkpoint that v did not sign is refused.
func (w *Witness) Follow(v note.Verifier, last []byte) error {
	if v == nil {
		return concord.Invalid("log_key", "is required")
	}
	f := &followed{v: v, cp: journal.Checkpoint{Origin: v.Name()}}
	if last != nil {
		cp, err := journal.Open(last, v)
		if err != nil {
			return concord.Prefix("state", err)
		}
		f.last, f.cp = logSigned(last, v), cp
	}
	w.logs[v.Name()] = f
	return nil
}

// Last returns the last checkpoint cosigned for the log named origin, as a
// note signed by the log alone, and its parsed form; nil before the first.
func (w *Witness) Last(origin string) ([]byte, journal.Checkpoint) {
	f, ok := w.logs[origin]
	if !ok {
		return nil, journal.Checkpoint{}
	}
	return bytes.Clone(f.last), f.cp
}

// Cosign checks the signed checkpoint msg against the last checkpoint
// cosigned for its log and cosigns it. proof is the RFC 6962 consistency
// proof from the last cosigned size to msg's size (ignored when the sizes are
// equal; empty when nothing was cosigned before). It refuses, without
// changing its state: a log it does not follow (ENOTFOUND); a note the log
// did not sign (journal.Open's errors); a checkpoint smaller than the last
// one cosigned, or whose proof does not verify (ECONFLICT naming "checkpoint"
// or "consistency_proof"); and a fork, a checkpoint of the last cosigned size
// with another root (a *ForkError carrying both notes). A checkpoint equal to
// the last is cosigned again, with a new timestamp.
func (w *Witness) Cosign(msg []byte, proof []journal.Hash) (Cosignature, error) {
	text, _, err := SplitNote(msg)
	if err != nil {
		return Cosignature{}, err
	}
	offered, err := journal.ParseCheckpoint(text)
	if err != nil {
		return Cosignature{}, err
	}
	f, ok := w.logs[offered.Origin]
	if !ok {
		return Cosignature{}, concord.Errorf(concord.ENOTFOUND, "this witness does not follow the log %q", offered.Origin)
	}
	if _, err := journal.Open(msg, f.v); err != nil {
		return Cosignature{}, err
	}
	if err := f.check(msg, offered, proof); err != nil {
		return Cosignature{}, err
	}
	c, err := w.signer.Cosign(text, w.now().Unix())
	if err != nil {
		return Cosignature{}, err
	}
	f.last, f.cp = logSigned(msg, f.v), offered
	return c, nil
}

// check compares the offered checkpoint with the last one cosigned.
func (f *followed) check(msg []byte, offered journal.Checkpoint, proof []journal.Hash) error {
	old := f.cp
	switch {
	case f.last == nil:
		return nil
	case offered.Size < old.Size:
		return &concord.Error{Code: concord.ECONFLICT, Field: "checkpoint",
			Message: fmt.Sprintf("the checkpoint of size %d is older than the checkpoint of size %d cosigned before: refused", offered.Size, old.Size)}
	case offered.Size == old.Size && offered.Root != old.Root:
		return &ForkError{Origin: offered.Origin, Size: offered.Size, Cosigned: bytes.Clone(f.last), Offered: logSigned(msg, f.v),
			CosignedRoot: old.Root, OfferedRoot: offered.Root}
	case offered.Size == old.Size:
		return nil
	}
	return journal.VerifyConsistency(old.Size, offered.Size, old.Root, offered.Root, proof)
}

// logSigned returns msg with only the signatures of the log's key v.
func logSigned(msg []byte, v note.Verifier) []byte {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return bytes.Clone(msg)
	}
	out := []byte(n.Text + "\n")
	for _, s := range n.Sigs {
		out = append(out, "— "+s.Name+" "+s.Base64+"\n"...)
	}
	return out
}

// ForkError is the evidence of a fork: two checkpoints of one size with
// different roots, both signed by the log. It unwraps to an ECONFLICT
// concord.Error naming "checkpoint".
type ForkError struct {
	Origin       string
	Size         int64
	Cosigned     []byte // the checkpoint seen (cosigned) first, signed by the log
	Offered      []byte // the conflicting checkpoint, signed by the log
	CosignedRoot journal.Hash
	OfferedRoot  journal.Hash
}

func (e *ForkError) Error() string { return concord.ErrorMessage(e.Unwrap()) }

// Unwrap returns the error as a concord.Error.
func (e *ForkError) Unwrap() error {
	return &concord.Error{Code: concord.ECONFLICT, Field: "checkpoint", Message: fmt.Sprintf(
		"fork: the log %s signed two checkpoints of size %d with different roots: %s (seen first) and %s",
		e.Origin, e.Size, e.CosignedRoot, e.OfferedRoot)}
}

// CheckFork checks that a and b are evidence of a fork of the log whose key
// is v: both signed by v, of one size, with different roots. It returns the
// evidence with a as the checkpoint seen first. Anything else is EINVALID
// naming "checkpoints" (or journal.Open's error, prefixed "checkpoints[i]").
func CheckFork(v note.Verifier, a, b []byte) (*ForkError, error) {
	var cps [2]journal.Checkpoint
	for i, msg := range [][]byte{a, b} {
		cp, err := journal.Open(msg, v)
		if err != nil {
			return nil, concord.Prefix(fmt.Sprintf("checkpoints[%d]", i), err)
		}
		cps[i] = cp
	}
	switch {
	case cps[0].Size != cps[1].Size:
		return nil, concord.Invalid("checkpoints", "sizes %d and %d differ: only two checkpoints of one size with different roots prove a fork", cps[0].Size, cps[1].Size)
	case cps[0].Root == cps[1].Root:
		return nil, concord.Invalid("checkpoints", "both checkpoints of size %d have the root %s: not a fork", cps[0].Size, cps[0].Root)
	}
	return &ForkError{Origin: cps[0].Origin, Size: cps[0].Size, Cosigned: logSigned(a, v), Offered: logSigned(b, v),
		CosignedRoot: cps[0].Root, OfferedRoot: cps[1].Root}, nil
}
