package journal

import (
	"golang.org/x/mod/sumdb/tlog"

	"concord"
)

// Append returns the hashes to store when leaf number index (counting from 0)
// with text leafData is appended to a log of index leaves, reading up to
// log₂(index) earlier hashes from r (tlog.StoredHashes). The caller writes
// them, with the record, in one transaction at consecutive storage indexes
// starting at tlog.StoredHashIndex(0, index); the first is LeafHash(leafData).
// Append refuses text that ParseLeaf rejects, so the log holds only
// well-formed leaves.
func Append(index int64, leafData []byte, r tlog.HashReader) ([]Hash, error) {
	if index < 0 {
		return nil, concord.Invalid("index", "must not be negative, got %d", index)
	}
	if _, err := ParseLeaf(leafData); err != nil {
		return nil, err
	}
	return tlog.StoredHashes(index, leafData, r)
}

// MemoryHashes is an in-memory log: the stored hashes of its leaves in
// tlog.StoredHashIndex order. It is the reference for storage backends and
// lets a client rebuild a tree from leaves it fetched.
type MemoryHashes []Hash

// ReadHashes implements tlog.HashReader.
func (m MemoryHashes) ReadHashes(indexes []int64) ([]Hash, error) {
	out := make([]Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, concord.Errorf(concord.ENOTFOUND, "no stored hash at index %d of %d", x, len(m))
		}
		out[i] = m[x]
	}
	return out, nil
}

// Size returns the number of leaves in m.
func (m MemoryHashes) Size() int64 {
	if len(m) == 0 {
		return 0
	}
	// The last hash stored is the root of the last completed subtree, (level, n).
	level, n := tlog.SplitStoredHashIndex(int64(len(m) - 1))
	return (n + 1) << level
}

// Append appends a leaf with text leafData, as Append, and returns its index.
func (m *MemoryHashes) Append(leafData []byte) (int64, error) {
	index := m.Size()
	hashes, err := Append(index, leafData, *m)
	if err != nil {
		return 0, err
	}
	*m = append(*m, hashes...)
	return index, nil
}

// TreeRoot returns the RFC 6962 root hash of the first size leaves of the log
// whose stored hashes r reads. The root of the empty tree is SHA-256 of
// nothing, e3b0c442….
func TreeRoot(size int64, r tlog.HashReader) (Hash, error) {
	if size < 0 {
		return Hash{}, concord.Invalid("size", "must not be negative, got %d", size)
	}
	return tlog.TreeHash(size, r)
}

// InclusionProof returns the RFC 6962 §2.1.1 audit path proving that leaf
// index is in the tree of the first size leaves. It requires
// 0 ≤ index < size; the proof for a tree of one leaf is empty.
func InclusionProof(index, size int64, r tlog.HashReader) ([]Hash, error) {
	if err := checkInclusionArgs(index, size); err != nil {
		return nil, err
	}
	return tlog.ProveRecord(size, index, r)
}

// ConsistencyProof returns the RFC 6962 §2.1.2 proof that the tree of the
// first to leaves extends the tree of the first from leaves. It requires
// 0 ≤ from ≤ to; the proof is empty when from is 0 or from == to.
func ConsistencyProof(from, to int64, r tlog.HashReader) ([]Hash, error) {
	if err := checkConsistencyArgs(from, to); err != nil {
		return nil, err
	}
	if from == 0 || from == to {
		return []Hash{}, nil
	}
	return tlog.ProveTree(to, from, r)
}

// VerifyInclusion checks that proof proves leaf hash leaf at index in the tree
// of size leaves with root hash root. Bad arguments are EINVALID naming
// "index" or "size"; a proof that fails is ECONFLICT.
func VerifyInclusion(index, size int64, leaf, root Hash, proof []Hash) error {
	if err := checkInclusionArgs(index, size); err != nil {
		return err
	}
	if tlog.CheckRecord(proof, size, root, index, leaf) != nil {
		return conflict("inclusion_proof", "inclusion proof of leaf %d in the tree of size %d does not verify against root %s", index, size, root)
	}
	return nil
}

// VerifyConsistency checks that proof proves that the tree of size to with
// root newRoot extends the tree of size from with root oldRoot. Every tree
// extends the empty one (from 0, empty proof); a tree of the same size must
// have the same root (empty proof). Bad arguments are EINVALID naming
// "from" or "to"; a proof that fails is ECONFLICT.
func VerifyConsistency(from, to int64, oldRoot, newRoot Hash, proof []Hash) error {
	if err := checkConsistencyArgs(from, to); err != nil {
		return err
	}
	var ok bool
	switch {
	case from == to:
		ok = len(proof) == 0 && oldRoot == newRoot
	case from == 0:
		ok = len(proof) == 0
	default:
		ok = tlog.CheckTree(proof, to, newRoot, from, oldRoot) == nil
	}
	if !ok {
		return conflict("consistency_proof", "consistency proof from size %d (root %s) to size %d (root %s) does not verify", from, oldRoot, to, newRoot)
	}
	return nil
}

func checkInclusionArgs(index, size int64) error {
	switch {
	case size < 0:
		return concord.Invalid("size", "must not be negative, got %d", size)
	case index < 0:
		return concord.Invalid("index", "must not be negative, got %d", index)
	case index >= size:
		return concord.Invalid("index", "must be less than the tree size %d, got %d", size, index)
	}
	return nil
}

func checkConsistencyArgs(from, to int64) error {
	switch {
	case from < 0:
		return concord.Invalid("from", "must not be negative, got %d", from)
	case to < 0:
		return concord.Invalid("to", "must not be negative, got %d", to)
	case from > to:
		return concord.Invalid("from", "must not exceed to (%d), got %d", to, from)
	}
	return nil
}

// rootOf returns the RFC 6962 root of the tree with the given leaf hashes,
// folding perfect subtrees left to right as a compact range does.
func rootOf(leaves []Hash) Hash {
	if len(leaves) == 0 {
		return emptyRoot
	}
	var stack []Hash // roots of perfect subtrees, largest first
	for i, h := range leaves {
		stack = append(stack, h)
		for n := i; n&1 == 1; n >>= 1 { // leaf i completes one subtree per trailing 1 bit
			k := len(stack) - 2
			stack = append(stack[:k], tlog.NodeHash(stack[k], stack[k+1]))
		}
	}
	h := stack[len(stack)-1]
	for i := len(stack) - 2; i >= 0; i-- {
		h = tlog.NodeHash(stack[i], h)
	}
	return h
}

// emptyRoot is the RFC 6962 root of the empty tree, SHA-256 of nothing.
var emptyRoot = Hash{
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
}
