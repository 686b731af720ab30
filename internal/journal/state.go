package journal

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"concord"
)

// State is what an auditor trusts (the state `concord verify` and
// `concord witness` keep between runs): the last checkpoint it accepted and
// the leaf hashes of the log up to that checkpoint's size. The zero State
// trusts nothing: the first Audit accepts any well-signed log whose leaves
// match its checkpoint (trust on first use). Store it with MarshalBinary.
type State struct {
	Checkpoint []byte // signed checkpoint note last trusted, nil at first
	Hashes     []Hash // LeafHash of each leaf [0, size) of that checkpoint
}

const stateHeader = "concord-journal-state/v1\n"

// HashSize is the size of a Hash in bytes.
const HashSize = tlog.HashSize

// MarshalBinary encodes st for an auditor's state directory:
//
//	"concord-journal-state/v1\n"
//	uint32 big-endian length of the checkpoint note, the note
//	uint64 big-endian number of leaf hashes, the hashes (32 bytes each)
func (st State) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, len(stateHeader)+4+len(st.Checkpoint)+8+len(st.Hashes)*HashSize)
	b = append(b, stateHeader...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(st.Checkpoint)))
	b = append(b, st.Checkpoint...)
	b = binary.BigEndian.AppendUint64(b, uint64(len(st.Hashes)))
	for _, h := range st.Hashes {
		b = append(b, h[:]...)
	}
	return b, nil
}

// UnmarshalBinary decodes a state written by MarshalBinary. It checks the
// encoding only; Audit (State.Trusted) checks the checkpoint's signature and
// that the hashes match it. Errors are EINVALID naming "state".
func (st *State) UnmarshalBinary(data []byte) error {
	rest, ok := bytes.CutPrefix(data, []byte(stateHeader))
	if !ok {
		return concord.Invalid("state", "does not start with %q", stateHeader[:len(stateHeader)-1])
	}
	cp, rest, ok := cutLength32(rest)
	if !ok || len(cp) > MaxCheckpointSize {
		return concord.Invalid("state", "truncated or oversized checkpoint")
	}
	hashes, ok := cutHashes(rest)
	if !ok {
		return concord.Invalid("state", "leaf hash count does not match the data that follows")
	}
	*st = State{Checkpoint: cloneOrNil(cp), Hashes: hashes}
	return nil
}

// cutHashes decodes a uint64 count followed by exactly that many hashes.
func cutHashes(b []byte) ([]Hash, bool) {
	if len(b) < 8 {
		return nil, false
	}
	n, body := binary.BigEndian.Uint64(b), b[8:]
	if n != uint64(len(body)/HashSize) || len(body)%HashSize != 0 {
		return nil, false
	}
	return decodeHashes(body), true
}

// cutLength32 splits a uint32-length-prefixed field from b.
func cutLength32(b []byte) (field, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}

func decodeHashes(b []byte) []Hash {
	if len(b) == 0 {
		return nil
	}
	hs := make([]Hash, len(b)/HashSize)
	for i := range hs {
		copy(hs[i][:], b[i*HashSize:])
	}
	return hs
}

func cloneOrNil(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

// Trusted verifies st's checkpoint with v and checks that st.Hashes are the
// leaves of its tree, and returns it; the zero State yields the empty tree of
// v's log. A state that fails is EINVALID naming "state": it was corrupted
// or belongs to another log.
func (st State) Trusted(v note.Verifier) (Checkpoint, error) {
	if v == nil {
		return Checkpoint{}, concord.Invalid("verifier", "is required")
	}
	if st.Checkpoint == nil {
		if len(st.Hashes) != 0 {
			return Checkpoint{}, concord.Invalid("state", "holds %d leaf hashes but no checkpoint", len(st.Hashes))
		}
		return Checkpoint{Origin: v.Name(), Root: rootOf(nil)}, nil
	}
	c, err := Open(st.Checkpoint, v)
	if err != nil {
		return Checkpoint{}, concord.Invalid("state", "trusted checkpoint: %s", detail(err))
	}
	if int64(len(st.Hashes)) != c.Size {
		return Checkpoint{}, concord.Invalid("state", "holds %d leaf hashes for a checkpoint of size %d", len(st.Hashes), c.Size)
	}
	if rootOf(st.Hashes) != c.Root {
		return Checkpoint{}, concord.Invalid("state", "leaf hashes do not hash to the trusted checkpoint's root")
	}
	return c, nil
}

// CheckReceipt checks that a receipt's leaf is in the audited log st at the
// receipt's index. A receipt whose leaf was replaced is ECONFLICT naming the
// leaf; one beyond the audited size is ENOTFOUND: audit again later. It does
// not check the receipt's own checkpoint and proof (Receipt.Verify does).
func (st State) CheckReceipt(r Receipt) error {
	h, err := r.leafHash()
	if err != nil {
		return err
	}
	if r.Index >= int64(len(st.Hashes)) {
		return &concord.Error{Code: concord.ENOTFOUND, Field: "index",
			Message: fmt.Sprintf("%s is beyond the audited log of size %d", describeLeaf(r.Index, []byte(r.Leaf)), len(st.Hashes))}
	}
	if st.Hashes[r.Index] != h {
		return conflict(leafField(r.Index), "the log no longer holds the receipt's %s: its hash there is %s, not %s",
			describeLeaf(r.Index, []byte(r.Leaf)), st.Hashes[r.Index], h)
	}
	return nil
}
