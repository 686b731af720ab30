package journal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/tlog"

	"concord"
)

// The proofs and roots of this package (tlog's arithmetic) are checked
// against two independent implementations: transparency-dev/merkle (proof,
// compact, testonly) and naiveRoot, RFC 6962 §2.1 written out directly.

const allSizes = 70 // every index/size combination up to this is checked

var hasher = rfc6962.DefaultHasher

// naiveRoot is MTH(D[n]) of RFC 6962 §2.1, recursively, from leaf hashes.
func naiveRoot(leaves []Hash) Hash {
	switch n := len(leaves); n {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		l, r := naiveRoot(leaves[:k]), naiveRoot(leaves[k:])
		return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
	}
}

// compactRoot computes the root with transparency-dev's compact range.
func compactRoot(t testing.TB, leaves []Hash) Hash {
	if len(leaves) == 0 {
		return Hash(hasher.EmptyRoot())
	}
	rf := compact.RangeFactory{Hash: hasher.HashChildren}
	r := rf.NewEmptyRange(0)
	for _, h := range leaves {
		if err := r.Append(bytes.Clone(h[:]), nil); err != nil {
			t.Fatal(err)
		}
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		t.Fatal(err)
	}
	return Hash(root)
}

func leafHashes(leaves [][]byte) []Hash {
	hs := make([]Hash, len(leaves))
	for i, d := range leaves {
		hs[i] = LeafHash(d)
	}
	return hs
}

func toBytes(hs []Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = bytes.Clone(hs[i][:])
	}
	return out
}

func toHashes(t testing.TB, bs [][]byte) []Hash {
	out := make([]Hash, len(bs))
	for i, b := range bs {
		if len(b) != HashSize {
			t.Fatalf("hash %d has %d bytes", i, len(b))
		}
		out[i] = Hash(b)
	}
	return out
}

// merkleTree is transparency-dev's reference tree over the same leaves.
func merkleTree(leaves [][]byte) *testonly.Tree {
	mt := testonly.New(hasher)
	mt.AppendData(leaves...)
	return mt
}

func TestEmptyTreeRoot(t *testing.T) {
	const want = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	for _, got := range []Hash{mustRoot(t, 0, MemoryHashes{}), rootOf(nil)} {
		if hex.EncodeToString(got[:]) != want {
			t.Fatalf("empty root = %x, want %s", got, want)
		}
	}
}

func mustRoot(t testing.TB, size int64, r tlog.HashReader) Hash {
	t.Helper()
	h, err := TreeRoot(size, r)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestRootsKnownAnswers checks the RFC 6962 test vectors of
// transparency-dev/merkle/testonly (arbitrary leaf data, hence stored with
// tlog directly rather than Append, which takes only leaves).
func TestRootsKnownAnswers(t *testing.T) {
	var m MemoryHashes
	inputs := testonly.LeafInputs()
	for i, data := range inputs {
		hs, err := tlog.StoredHashes(int64(i), data, m)
		if err != nil {
			t.Fatal(err)
		}
		m = append(m, hs...)
	}
	for size, want := range testonly.RootHashes() {
		if got := mustRoot(t, int64(size), m); !bytes.Equal(got[:], want) {
			t.Errorf("TreeRoot(%d) = %x, want %x", size, got, want)
		}
		if got := rootOf(leafHashes(inputs[:size])); !bytes.Equal(got[:], want) {
			t.Errorf("rootOf(%d) = %x, want %x", size, got, want)
		}
	}
}

func TestRootsAllSizes(t *testing.T) {
	l := newTestLog(t, allSizes)
	hs := leafHashes(l.leaves)
	if got := l.m.Size(); got != allSizes {
		t.Fatalf("Size = %d", got)
	}
	if got := int64(len(l.m)); got != tlog.StoredHashCount(allSizes) {
		t.Fatalf("stored %d hashes, want %d", got, tlog.StoredHashCount(allSizes))
	}
	for n := 0; n <= allSizes; n++ {
		want := naiveRoot(hs[:n])
		for name, got := range map[string]Hash{
			"TreeRoot": mustRoot(t, int64(n), l.m), "rootOf": rootOf(hs[:n]), "compact": compactRoot(t, hs[:n]),
		} {
			if got != want {
				t.Fatalf("size %d: %s = %s, naive RFC 6962 root = %s", n, name, got, want)
			}
		}
	}
}

// TestInclusionAllSizes checks every index of every size up to allSizes:
// our proofs verify with transparency-dev's verifier and ours, and
// transparency-dev's proofs verify with ours.
func TestInclusionAllSizes(t *testing.T) {
	l := newTestLog(t, allSizes)
	mt := merkleTree(l.leaves)
	for n := int64(1); n <= allSizes; n++ {
		for i := int64(0); i < n; i++ {
			checkInclusion(t, l, mt, i, n)
		}
	}
}

func checkInclusion(t *testing.T, l *testLog, mt *testonly.Tree, i, n int64) {
	t.Helper()
	root, leaf := mustRoot(t, n, l.m), LeafHash(l.leaves[i])
	p, err := InclusionProof(i, n, l.m)
	if err != nil {
		t.Fatal(err)
	}
	if err := proof.VerifyInclusion(hasher, uint64(i), uint64(n), leaf[:], toBytes(p), root[:]); err != nil {
		t.Fatalf("merkle rejects our inclusion proof of %d in %d: %v", i, n, err)
	}
	if err := VerifyInclusion(i, n, leaf, root, p); err != nil {
		t.Fatalf("we reject our inclusion proof of %d in %d: %v", i, n, err)
	}
	theirs, err := mt.InclusionProof(uint64(i), uint64(n))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyInclusion(i, n, leaf, root, toHashes(t, theirs)); err != nil {
		t.Fatalf("we reject merkle's inclusion proof of %d in %d: %v", i, n, err)
	}
	checkInclusionTampered(t, i, n, leaf, root, p)
}

// checkInclusionTampered checks that changing anything about a valid proof
// makes it fail.
func checkInclusionTampered(t *testing.T, i, n int64, leaf, root Hash, p []Hash) {
	t.Helper()
	for k := range p {
		bad := append([]Hash(nil), p...)
		bad[k][k%HashSize] ^= 1
		if VerifyInclusion(i, n, leaf, root, bad) == nil {
			t.Fatalf("tampered hash %d accepted in proof of %d in %d", k, i, n)
		}
	}
	if VerifyInclusion(i, n, leaf, root, append(p, leaf)) == nil {
		t.Fatalf("proof with an extra hash accepted for %d in %d", i, n)
	}
	if n > 1 && VerifyInclusion((i+1)%n, n, leaf, root, p) == nil {
		t.Fatalf("proof of %d in %d accepted for index %d", i, n, (i+1)%n)
	}
	bad := leaf
	bad[0] ^= 1
	wantErr(t, VerifyInclusion(i, n, bad, root, p), concord.ECONFLICT, "inclusion_proof", "does not verify")
}

func TestConsistencyAllSizes(t *testing.T) {
	l := newTestLog(t, allSizes)
	mt := merkleTree(l.leaves)
	for n := int64(0); n <= allSizes; n++ {
		for m := int64(0); m <= n; m++ {
			checkConsistency(t, l, mt, m, n)
		}
	}
}

func checkConsistency(t *testing.T, l *testLog, mt *testonly.Tree, m, n int64) {
	t.Helper()
	oldRoot, newRoot := mustRoot(t, m, l.m), mustRoot(t, n, l.m)
	p, err := ConsistencyProof(m, n, l.m)
	if err != nil {
		t.Fatal(err)
	}
	if err := proof.VerifyConsistency(hasher, uint64(m), uint64(n), toBytes(p), oldRoot[:], newRoot[:]); err != nil {
		t.Fatalf("merkle rejects our consistency proof %d→%d: %v", m, n, err)
	}
	if err := VerifyConsistency(m, n, oldRoot, newRoot, p); err != nil {
		t.Fatalf("we reject our consistency proof %d→%d: %v", m, n, err)
	}
	theirs, err := mt.ConsistencyProof(uint64(m), uint64(n))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyConsistency(m, n, oldRoot, newRoot, toHashes(t, theirs)); err != nil {
		t.Fatalf("we reject merkle's consistency proof %d→%d: %v", m, n, err)
	}
	checkConsistencyTampered(t, m, n, oldRoot, newRoot, p)
}

func checkConsistencyTampered(t *testing.T, m, n int64, oldRoot, newRoot Hash, p []Hash) {
	t.Helper()
	for k := range p {
		bad := append([]Hash(nil), p...)
		bad[k][0] ^= 1
		if VerifyConsistency(m, n, oldRoot, newRoot, bad) == nil {
			t.Fatalf("tampered hash %d accepted in consistency proof %d→%d", k, m, n)
		}
	}
	if VerifyConsistency(m, n, oldRoot, newRoot, append(p, oldRoot)) == nil {
		t.Fatalf("consistency proof %d→%d with an extra hash accepted", m, n)
	}
	if m == 0 {
		return // every tree extends the empty tree, whatever the roots
	}
	bad := newRoot
	bad[0] ^= 1
	wantErr(t, VerifyConsistency(m, n, oldRoot, bad, p), concord.ECONFLICT, "consistency_proof", "does not verify")
	bad = oldRoot
	bad[0] ^= 1
	if VerifyConsistency(m, n, bad, newRoot, p) == nil {
		t.Fatalf("consistency proof %d→%d accepted with a wrong old root", m, n)
	}
}

// TestProofsRandomLarge checks random index/size pairs in a larger log.
func TestProofsRandomLarge(t *testing.T) {
	const size = 3000
	l := newTestLog(t, size)
	mt := merkleTree(l.leaves)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := 1 + rng.Int64N(size)
		checkInclusion(t, l, mt, rng.Int64N(n), n)
		checkConsistency(t, l, mt, rng.Int64N(n+1), n)
	}
	if got, want := mustRoot(t, size, l.m), compactRoot(t, leafHashes(l.leaves)); got != want {
		t.Fatalf("root of %d = %s, compact = %s", size, got, want)
	}
}

func TestProofArguments(t *testing.T) {
	m := newTestLog(t, 4).m
	var h Hash
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"inclusion index = size", second(InclusionProof(4, 4, m)), "index"},
		{"inclusion negative index", second(InclusionProof(-1, 4, m)), "index"},
		{"inclusion negative size", second(InclusionProof(0, -1, m)), "size"},
		{"inclusion empty tree", second(InclusionProof(0, 0, m)), "index"},
		{"verify inclusion index > size", VerifyInclusion(5, 4, h, h, nil), "index"},
		{"verify inclusion negative size", VerifyInclusion(0, -4, h, h, nil), "size"},
		{"consistency from > to", second(ConsistencyProof(3, 2, m)), "from"},
		{"consistency negative from", second(ConsistencyProof(-1, 2, m)), "from"},
		{"consistency negative to", second(ConsistencyProof(0, -2, m)), "to"},
		{"verify consistency from > to", VerifyConsistency(3, 2, h, h, nil), "from"},
		{"verify consistency negative to", VerifyConsistency(0, -1, h, h, nil), "to"},
		{"root negative size", second(TreeRoot(-1, m)), "size"},
		{"append negative index", second(Append(-1, testLeaf(0).Marshal(), m)), "index"},
		{"append malformed leaf", second(Append(4, []byte("hello\n"), m)), "leaf"},
	}
	for _, tt := range tests {
		if concord.ErrorCode(tt.err) != concord.EINVALID || concord.ErrorField(tt.err) != tt.field {
			t.Errorf("%s: %v, want EINVALID naming %q", tt.name, tt.err, tt.field)
		}
	}
	if _, err := InclusionProof(0, 5, m); err == nil {
		t.Error("InclusionProof beyond the stored hashes succeeded")
	}
}

func second[T any](_ T, err error) error { return err }

func TestConsistencyEdgeCases(t *testing.T) {
	a, b := LeafHash([]byte("a")), LeafHash([]byte("b"))
	if err := VerifyConsistency(3, 3, a, a, nil); err != nil {
		t.Errorf("same size, same root: %v", err)
	}
	if VerifyConsistency(3, 3, a, b, nil) == nil {
		t.Error("same size, different roots accepted")
	}
	if VerifyConsistency(0, 3, a, b, []Hash{a}) == nil {
		t.Error("non-empty proof from the empty tree accepted")
	}
	if VerifyConsistency(2, 3, a, b, nil) == nil {
		t.Error("empty proof from 2 to 3 accepted")
	}
}

// TestAppendStoredHashes checks Append against tlog's storage layout: the
// hashes of leaf i go at StoredHashIndex(0, i) onwards and the first is its
// leaf hash.
func TestAppendStoredHashes(t *testing.T) {
	var m MemoryHashes
	for i := range 20 {
		data := testLeaf(i).Marshal()
		hs, err := Append(int64(i), data, m)
		if err != nil {
			t.Fatal(err)
		}
		if got := tlog.StoredHashIndex(0, int64(i)); got != int64(len(m)) {
			t.Fatalf("leaf %d stored at %d, want %d", i, len(m), got)
		}
		if hs[0] != LeafHash(data) {
			t.Fatalf("first stored hash of leaf %d is not its leaf hash", i)
		}
		m = append(m, hs...)
		if m.Size() != int64(i+1) {
			t.Fatalf("Size = %d after %d appends", m.Size(), i+1)
		}
	}
	if _, err := m.ReadHashes([]int64{int64(len(m))}); concord.ErrorCode(err) != concord.ENOTFOUND {
		t.Fatalf("ReadHashes beyond the end: %v", err)
	}
}
