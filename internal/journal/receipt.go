package journal

import (
	"bytes"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"concord"
)

// maxProofLen bounds the hashes in a proof: an RFC 6962 proof in a tree of
// at most 2⁶³ leaves has fewer.
const maxProofLen = 64

// Receipt is what every accepted write answers (SPEC §3): the leaf that
// journals it and, once a checkpoint covers it, that checkpoint and the
// proof that the leaf is in it.
type Receipt struct {
	Index      int64    `json:"index"`
	LeafHash   string   `json:"leaf_hash"`                 // standard base64 of LeafHash(Leaf)
	Leaf       string   `json:"leaf"`                      // the leaf's text (Leaf.Marshal)
	Checkpoint string   `json:"checkpoint,omitempty"`      // signed checkpoint note, once integrated
	Proof      []string `json:"inclusion_proof,omitempty"` // base64 hashes: Index in the checkpoint's tree
}

// ErrNotIntegrated is returned by Receipt.Verify for a receipt that carries
// no checkpoint yet: fetch a proof later.
var ErrNotIntegrated error = &concord.Error{Code: concord.ENOTFOUND, Field: "checkpoint", Message: "receipt is not yet integrated into a checkpoint"}

// NewReceipt returns the receipt of the leaf at index with text leafData,
// before any checkpoint covers it.
func NewReceipt(index int64, leafData []byte) Receipt {
	return Receipt{Index: index, LeafHash: LeafHash(leafData).String(), Leaf: string(leafData)}
}

// Integrate returns r completed with signed, the signed note of checkpoint c,
// and the inclusion proof of r's leaf in c's tree, read from hr. It requires
// r.Index < c.Size.
func (r Receipt) Integrate(signed []byte, c Checkpoint, hr tlog.HashReader) (Receipt, error) {
	if !bytes.HasPrefix(signed, append(c.Body(), '\n')) {
		return Receipt{}, concord.Invalid("checkpoint", "signed note is not of checkpoint size %d", c.Size)
	}
	proof, err := InclusionProof(r.Index, c.Size, hr)
	if err != nil {
		return Receipt{}, err
	}
	r.Checkpoint = string(signed)
	r.Proof = make([]string, len(proof))
	for i, h := range proof {
		r.Proof[i] = h.String()
	}
	return r, nil
}

// Verify checks that r's leaf hash is the hash of its leaf text, that its
// checkpoint is signed by v (see Open) and that its proof proves the leaf at
// r.Index in the checkpoint's tree; it returns that checkpoint, which the
// caller should then check for consistency with the one it trusts (Audit).
// A receipt without a checkpoint fails with ErrNotIntegrated after its leaf
// has been checked. Errors name the receipt's JSON field.
func (r Receipt) Verify(v note.Verifier) (Checkpoint, error) {
	leaf, err := r.leafHash()
	if err != nil {
		return Checkpoint{}, err
	}
	if r.Checkpoint == "" {
		return Checkpoint{}, ErrNotIntegrated
	}
	c, err := Open([]byte(r.Checkpoint), v)
	if err != nil {
		return Checkpoint{}, err
	}
	proof, err := decodeProof(r.Proof)
	if err != nil {
		return Checkpoint{}, err
	}
	if err := VerifyInclusion(r.Index, c.Size, leaf, c.Root, proof); err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}

// leafHash checks r's index, leaf text and leaf hash, and returns the hash.
func (r Receipt) leafHash() (Hash, error) {
	if r.Index < 0 {
		return Hash{}, concord.Invalid("index", "must not be negative, got %d", r.Index)
	}
	if _, err := ParseLeaf([]byte(r.Leaf)); err != nil {
		return Hash{}, err
	}
	h, err := parseHash(r.LeafHash)
	if err != nil {
		return Hash{}, concord.Invalid("leaf_hash", "not the standard base64 of a 32-byte hash")
	}
	if h != LeafHash([]byte(r.Leaf)) {
		return Hash{}, conflict("leaf_hash", "leaf hash %s is not the hash of the receipt's leaf text", h)
	}
	return h, nil
}

func decodeProof(p []string) ([]Hash, error) {
	if len(p) > maxProofLen {
		return nil, concord.Invalid("inclusion_proof", "has %d hashes, at most %d allowed", len(p), maxProofLen)
	}
	out := make([]Hash, len(p))
	for i, s := range p {
		h, err := parseHash(s)
		if err != nil {
			return nil, concord.Invalid(fieldIndex("inclusion_proof", int64(i)), "not the standard base64 of a 32-byte hash")
		}
		out[i] = h
	}
	return out, nil
}
