package mechanism

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"concord"
	"concord/internal/journal"
	"concord/internal/store"
	"concord/internal/witness"
)

// Witnesses (issue 8). A witness is an auditor party whose registered
// Ed25519 public_key is its cosigning key (https://c2sp.org/tlog-cosignature,
// cosignature/v1; the name in its signature lines is free, the key ID binds it
// to that key). Its cosignatures are kept outside the journal, one per witness
// and checkpoint size: journaling them would grow the log at each cosignature
// and make the checkpoint just cosigned stale at once. A fork report, by
// contrast, is a journaled record of type "fork": evidence every member may
// see and no one can later remove unnoticed.

// MaxCosignatures bounds the cosignatures served with one checkpoint, so that
// the note stays within journal.MaxCheckpointSize and note.Open's 100
// signatures.
const MaxCosignatures = 32

// Cosigned is the answer to a cosignature.
type Cosigned struct {
	Size    int64     `json:"size"`
	Witness string    `json:"witness"` // the auditor party
	Name    string    `json:"name"`    // the key name in its signature line
	Time    time.Time `json:"time"`    // the cosignature's timestamp
}

// AddCosignature stores the caller's cosignature of a checkpoint this log
// signed: msg is that checkpoint note with the caller's signature line (other
// lines are ignored). The caller must be an auditor with a registered public
// key; the checkpoint must be the one stored for its size (another one signed
// by the log's key is a fork: ECONFLICT, to be reported at /v1/journal/forks).
func (m *Mechanism) AddCosignature(ctx context.Context, a concord.Actor, msg []byte) (Cosigned, error) {
	if err := requireRole(a, concord.RoleAuditor); err != nil {
		return Cosigned{}, err
	}
	p, err := m.Party(ctx, a, a.Party)
	if err != nil {
		return Cosigned{}, err
	}
	pub, err := parsePublicKey(p.PublicKey)
	if p.PublicKey == "" || err != nil {
		return Cosigned{}, concord.Invalid("public_key", "party %s has no public key: register the witness's Ed25519 key (POST /v1/parties/%s/key) first", p.ID, p.ID)
	}
	cp, err := m.storedCheckpointOf(ctx, msg)
	if err != nil {
		return Cosigned{}, err
	}
	c, err := ownCosignature(msg, pub, p.ID)
	if err != nil {
		return Cosigned{}, err
	}
	if err := m.checkRoom(ctx, cp.Size, p.ID); err != nil {
		return Cosigned{}, err
	}
	if err := m.store.PutCosignature(ctx, cp.Size, p.ID, []byte(c.Line())); err != nil {
		return Cosigned{}, err
	}
	return Cosigned{Size: cp.Size, Witness: p.ID, Name: c.Name, Time: time.Unix(c.Time, 0).UTC()}, nil
}

// storedCheckpointOf checks that msg is signed by the log and is the
// checkpoint stored for its size.
func (m *Mechanism) storedCheckpointOf(ctx context.Context, msg []byte) (journal.Checkpoint, error) {
	cp, err := journal.Open(msg, m.verifier)
	if err != nil {
		return cp, err
	}
	stored, err := m.StoredCheckpoint(ctx, cp.Size)
	if concord.ErrorCode(err) == concord.ENOTFOUND {
		return cp, concord.Errorf(concord.ENOTFOUND, "this log has signed no checkpoint of size %d", cp.Size)
	}
	if err != nil {
		return cp, err
	}
	ours, err := journal.Open(stored, m.verifier)
	if err != nil {
		return cp, err
	}
	if ours.Root != cp.Root {
		return cp, &concord.Error{Code: concord.ECONFLICT, Field: "checkpoint", Message: fmt.Sprintf(
			"fork: this checkpoint of size %d has root %s, the log's has %s: report both at POST /v1/journal/forks", cp.Size, cp.Root, ours.Root)}
	}
	return cp, nil
}

// ownCosignature returns the signature line of msg that is a valid
// cosignature of its text by the key pub.
func ownCosignature(msg []byte, pub []byte, party string) (witness.Cosignature, error) {
	text, lines, err := witness.SplitNote(msg)
	if err != nil {
		return witness.Cosignature{}, err
	}
	for _, l := range lines {
		c, err := witness.ParseCosignature(l)
		if err == nil && c.KeyHash == witness.KeyHash(c.Name, pub) && witness.VerifierFor(c.Name, pub).Check(c, text) {
			return c, nil
		}
	}
	return witness.Cosignature{}, concord.Invalid("checkpoint", "carries no valid cosignature/v1 line by the public key of party %s", party)
}

// checkRoom refuses a new witness's cosignature of a checkpoint that already
// carries MaxCosignatures.
func (m *Mechanism) checkRoom(ctx context.Context, size int64, party string) error {
	_, have, err := m.store.Cosignatures(ctx, size)
	if err != nil {
		return err
	}
	if _, ok := have[party]; !ok && len(have) >= MaxCosignatures {
		return concord.Errorf(concord.ETOOLARGE, "the checkpoint of size %d already carries %d cosignatures", size, MaxCosignatures)
	}
	return nil
}

// CosignedCheckpoint returns the latest signed checkpoint with the
// cosignatures collected for it appended as signature lines (ordered by
// witness party); with cosigned set, the latest checkpoint that has any
// cosignature instead (ENOTFOUND if none has).
func (m *Mechanism) CosignedCheckpoint(ctx context.Context, cosigned bool) (int64, []byte, error) {
	if !cosigned {
		size, cp, err := m.Checkpoint(ctx)
		if err != nil {
			return 0, nil, err
		}
		_, sigs, err := m.store.Cosignatures(ctx, size)
		return size, appendCosignatures(cp, sigs), err
	}
	size, sigs, err := m.store.Cosignatures(ctx, -1)
	if err != nil {
		return 0, nil, err
	}
	cp, err := m.StoredCheckpoint(ctx, size)
	return size, appendCosignatures(cp, sigs), err
}

func appendCosignatures(cp []byte, sigs map[string][]byte) []byte {
	parties := make([]string, 0, len(sigs))
	for p := range sigs {
		parties = append(parties, p)
	}
	sort.Strings(parties)
	for i, p := range parties {
		next := witness.AppendSignatures(cp, string(sigs[p]))
		if i >= MaxCosignatures || len(next) > journal.MaxCheckpointSize {
			break
		}
		cp = next
	}
	return cp
}

// ForkReport is the evidence of a fork of this log, as a witness reported
// it: two checkpoints of one size with different roots, both signed by the
// log's key.
type ForkReport struct {
	ID          string    `json:"id"`
	Version     int       `json:"version"`
	Origin      string    `json:"origin"`
	Size        int64     `json:"size"`
	Roots       [2]string `json:"roots"`
	Checkpoints [2]string `json:"checkpoints"`        // the signed notes, in the order of Roots
	LogRoot     string    `json:"log_root,omitempty"` // root of the checkpoint this server stored at Size
	ReportedBy  string    `json:"reported_by"`
	ReportedAt  time.Time `json:"reported_at"`
}

// NewForkReport is what a witness submits.
type NewForkReport struct {
	Checkpoints []string `json:"checkpoints"`
}

func init() {
	// A fork concerns every member: its evidence (checkpoints, which every
	// role may fetch anyway) is shown to all.
	registerType("fork", RecordType{
		InFull: func(*Mechanism, concord.Actor, store.Record) bool { return true },
		View: func(m *Mechanism, a concord.Actor, r store.Record) (any, bool, error) {
			return json.RawMessage(r.Body), true, nil
		},
	})
}

// ReportFork records the evidence of a fork. Reporting the same pair again
// answers the existing report and writes nothing. Anything but two
// checkpoints of one size with different roots, both signed by this log's
// key, is EINVALID and writes nothing.
func (m *Mechanism) ReportFork(ctx context.Context, req Request, nf NewForkReport) (Result, error) {
	if len(nf.Checkpoints) != 2 {
		return Result{}, concord.Invalid("checkpoints", "must hold exactly two signed checkpoints, got %d", len(nf.Checkpoints))
	}
	fe, err := witness.CheckFork(m.verifier, []byte(nf.Checkpoints[0]), []byte(nf.Checkpoints[1]))
	if err != nil {
		return Result{}, err
	}
	f := forkOf(fe)
	if stored, err := m.StoredCheckpoint(ctx, f.Size); err == nil {
		if c, err := journal.Open(stored, m.verifier); err == nil {
			f.LogRoot = c.Root.String()
		}
	}
	if r, err := m.store.Get(ctx, f.ID); err == nil {
		return Result{Body: r.Body, Receipts: []journal.Receipt{}}, nil
	}
	m.log.Error("fork reported: the log's key signed two checkpoints of one size with different roots",
		"size", f.Size, "roots", f.Roots, "reported_by", req.Actor.Party)
	return m.write(ctx, req, true, func(ctx context.Context, wt *writeTx) (any, error) {
		if r, err := wt.Get(ctx, f.ID); err == nil {
			return json.RawMessage(r.Body), nil
		}
		f.ReportedBy, f.ReportedAt = req.Actor.Party, wt.now
		r := &store.Record{Type: "fork", ID: f.ID, Version: 1, Owner: req.Actor.Party, Kind: "checkpoint", Status: "reported", Start: wt.now}
		return f, wt.put(ctx, r, "fork.report", f)
	})
}

// forkOf orders the evidence by root, so that a pair has one ID whichever
// checkpoint the witness saw first.
func forkOf(fe *witness.ForkError) ForkReport {
	roots := [2]string{fe.CosignedRoot.String(), fe.OfferedRoot.String()}
	cps := [2]string{string(fe.Cosigned), string(fe.Offered)}
	if roots[1] < roots[0] {
		roots[0], roots[1], cps[0], cps[1] = roots[1], roots[0], cps[1], cps[0]
	}
	sum := sha256.Sum256([]byte(roots[0] + roots[1]))
	id := fmt.Sprintf("fork_%d_%s", fe.Size, hex.EncodeToString(sum[:8]))
	return ForkReport{ID: id, Version: 1, Origin: fe.Origin, Size: fe.Size, Roots: roots, Checkpoints: cps}
}

// Forks lists every fork reported, by ID.
func (m *Mechanism) Forks(ctx context.Context, a concord.Actor) ([]ForkReport, error) {
	rs, err := m.store.List(ctx, store.Query{Type: "fork", Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	out := make([]ForkReport, 0, len(rs))
	for _, r := range rs {
		var f ForkReport
		if err := json.Unmarshal(r.Body, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}
