package journal

import (
	"bytes"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"concord"
)

// Snapshot is what an auditor fetched from the log's server.
type Snapshot struct {
	// Checkpoint is the signed checkpoint note just fetched.
	Checkpoint []byte
	// Start is the index of Leaves[0]: 0 to re-check every leaf (which
	// detects any rewritten leaf), or up to the trusted size to check only
	// new leaves and rely on State.Hashes for the rest.
	Start int64
	// Leaves are the texts of the leaves [Start, checkpoint size).
	Leaves [][]byte
	// LeafHashes are optional: the server's stored hashes of the same
	// leaves. When the leaves do not match the checkpoint's root, they name
	// the leaf whose text changed after it was journaled.
	LeafHashes []Hash
	// Consistency is an optional RFC 6962 consistency proof from the trusted
	// size to the new size; nil skips that check.
	Consistency []Hash
}

// Report describes an audit that passed.
type Report struct {
	Origin      string
	OldSize     int64 // size of the checkpoint trusted before
	NewSize     int64 // size of the checkpoint now trusted
	Root        Hash  // root of the checkpoint now trusted
	Checked     int64 // leaf texts parsed and hashed
	Consistency bool  // whether a consistency proof was checked
}

func (r Report) String() string {
	s := fmt.Sprintf("log %s: %d → %d leaves, root %s; %d leaves checked", r.Origin, r.OldSize, r.NewSize, r.Root, r.Checked)
	if r.Consistency {
		s += "; consistency proof verified"
	}
	return s
}

// Audit checks a log's new state, as fetched in s, against the trusted state
// st and returns the state to trust from now on. It checks, in this order:
// the new checkpoint's signature by v (and st's, which must also be
// self-consistent); that the log did not shrink ("log shrank from 10 to 9:
// entries removed"); that every leaf is well formed; that no leaf of the
// trusted prefix changed; that the leaves hash to the new checkpoint's root;
// and the consistency proof, if any. A signed checkpoint that does not extend
// the trusted one is reported as a fork ("fork: …"), a leaf that no longer
// matches as rewritten; errors name the leaf ("leaves[17]") and, where it
// parses, its kind, record and version. Evidence against the log is
// ECONFLICT; malformed input or state is EINVALID. On error st is returned
// unchanged.
func Audit(st State, v note.Verifier, s Snapshot) (State, Report, error) {
	a, err := newAudit(st, v, s)
	if err == nil {
		err = a.diagnose()
	}
	if err != nil {
		return st, Report{}, err
	}
	next := State{Checkpoint: bytes.Clone(s.Checkpoint), Hashes: a.all}
	return next, a.report(), nil
}

// audit holds the checked inputs of one Audit.
type audit struct {
	st       State
	s        Snapshot
	old, cur Checkpoint
	all      []Hash // leaf hashes [0, cur.Size): trusted up to Start, then served
}

func newAudit(st State, v note.Verifier, s Snapshot) (*audit, error) {
	if v == nil {
		return nil, concord.Invalid("verifier", "is required")
	}
	old, err := st.Trusted(v)
	if err != nil {
		return nil, err
	}
	cur, err := Open(s.Checkpoint, v)
	if err != nil {
		return nil, err
	}
	if cur.Size < old.Size {
		return nil, conflict("checkpoint", "log shrank from %d to %d: entries removed", old.Size, cur.Size)
	}
	served, err := s.hashLeaves(old.Size, cur.Size)
	if err != nil {
		return nil, err
	}
	all := make([]Hash, 0, cur.Size)
	all = append(append(all, st.Hashes[:s.Start]...), served...)
	return &audit{st: st, s: s, old: old, cur: cur, all: all}, nil
}

// hashLeaves checks the shape of s against the trusted and new sizes, parses
// every leaf and returns their hashes.
func (s Snapshot) hashLeaves(trusted, size int64) ([]Hash, error) {
	if s.Start < 0 || s.Start > trusted {
		return nil, concord.Invalid("start", "must be between 0 and the trusted size %d, got %d", trusted, s.Start)
	}
	if n := int64(len(s.Leaves)); n != size-s.Start {
		return nil, concord.Invalid("leaves", "got %d leaves from index %d, want %d to reach the checkpoint's size %d", n, s.Start, size-s.Start, size)
	}
	if s.LeafHashes != nil && len(s.LeafHashes) != len(s.Leaves) {
		return nil, concord.Invalid("leaf_hashes", "got %d stored hashes for %d leaves", len(s.LeafHashes), len(s.Leaves))
	}
	out := make([]Hash, len(s.Leaves))
	for i, data := range s.Leaves {
		if _, err := ParseLeaf(data); err != nil {
			idx := s.Start + int64(i)
			return nil, conflict(leafField(idx), "leaf %d is malformed: %s", idx, detail(err))
		}
		out[i] = LeafHash(data)
	}
	return out, nil
}

// diagnose compares the served leaves with the trusted ones and the new
// checkpoint, and names the first problem.
func (a *audit) diagnose() error {
	changed := a.firstChanged()
	rootOK := rootOf(a.all) == a.cur.Root
	proofErr := a.checkConsistency()
	switch {
	case changed >= 0 && (rootOK || proofErr != nil):
		return a.fork(leafField(changed), "%s differs from the trusted leaf%s", a.describe(changed), proofNote(proofErr))
	case proofErr != nil:
		return a.fork("consistency_proof", "%s", concord.ErrorMessage(proofErr))
	case changed >= 0:
		return conflict(leafField(changed), "%s was rewritten: trusted hash %s, now %s", a.describe(changed), a.st.Hashes[changed], a.all[changed])
	case !rootOK:
		return a.rootMismatch()
	}
	return nil
}

// firstChanged returns the first index in [Start, trusted size) whose served
// leaf hash differs from the trusted one, or -1.
func (a *audit) firstChanged() int64 {
	for i := a.s.Start; i < a.old.Size; i++ {
		if a.all[i] != a.st.Hashes[i] {
			return i
		}
	}
	return -1
}

// checkConsistency verifies the snapshot's consistency proof, if any.
func (a *audit) checkConsistency() error {
	if a.s.Consistency == nil {
		return nil
	}
	return VerifyConsistency(a.old.Size, a.cur.Size, a.old.Root, a.cur.Root, a.s.Consistency)
}

func (a *audit) fork(field, format string, args ...any) error {
	head := fmt.Sprintf("fork: the checkpoint of size %d is not consistent with the trusted checkpoint of size %d: ", a.cur.Size, a.old.Size)
	return conflict(field, head+format, args...)
}

func proofNote(err error) string {
	if err == nil {
		return ""
	}
	return "; the consistency proof does not verify either"
}

// rootMismatch explains leaves that do not hash to the new checkpoint's root
// although the trusted prefix is unchanged.
func (a *audit) rootMismatch() error {
	for i, h := range a.s.LeafHashes {
		if idx := a.s.Start + int64(i); h != a.all[idx] {
			return conflict(leafField(idx), "%s does not match its stored hash %s: its text was changed after it was journaled", a.describe(idx), h)
		}
	}
	return conflict("leaves", "the leaves do not hash to the checkpoint's root %s (got %s): a leaf in [%d, %d) was changed, or the checkpoint is wrong",
		a.cur.Root, rootOf(a.all), a.old.Size, a.cur.Size)
}

// describe names the served leaf at index i: "leaf 17 (zone.create z_1 v2)".
func (a *audit) describe(i int64) string {
	return describeLeaf(i, a.s.Leaves[i-a.s.Start])
}

func (a *audit) report() Report {
	return Report{
		Origin: a.cur.Origin, OldSize: a.old.Size, NewSize: a.cur.Size, Root: a.cur.Root,
		Checked: int64(len(a.s.Leaves)), Consistency: a.s.Consistency != nil,
	}
}

// describeLeaf names a leaf by index and, if it parses, by kind, record and
// version: "leaf 17 (zone.create z_1 v2)".
func describeLeaf(index int64, data []byte) string {
	l, err := ParseLeaf(data)
	if err != nil {
		return fmt.Sprintf("leaf %d", index)
	}
	return fmt.Sprintf("leaf %d (%s %s v%d)", index, l.Kind, l.Record, l.Version)
}

func leafField(index int64) string { return fieldIndex("leaves", index) }

func fieldIndex(name string, i int64) string { return fmt.Sprintf("%s[%d]", name, i) }

// detail returns err's field and message without its code: "leaf.kind: must be…".
func detail(err error) string {
	if f := concord.ErrorField(err); f != "" {
		return f + ": " + concord.ErrorMessage(err)
	}
	if concord.ErrorCode(err) == concord.EINTERNAL {
		return err.Error()
	}
	return concord.ErrorMessage(err)
}
