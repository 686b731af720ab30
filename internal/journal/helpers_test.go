package journal

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord"
)

// testOrigin names the test log and its key.
const testOrigin = "concord.example/log"

// t0 is the time of test leaf 0.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 123e6, time.UTC)

// testKey returns a signer and verifier derived from seed, so that tests are
// deterministic.
func testKey(t testing.TB, origin string, seed byte) (note.Signer, note.Verifier) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{seed}, 32)), origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

// testSalt is 32 deterministic bytes for record i.
func testSalt(i int) []byte {
	h := sha256.Sum256(fmt.Appendf(nil, "salt %d", i))
	return h[:]
}

func testBody(i int) []byte { return fmt.Appendf(nil, `{"id":"z_%d","kind":"no-fly"}`, i) }

// testLeaf returns a valid leaf for record i; every third is signed.
func testLeaf(i int) Leaf {
	l := Leaf{
		Kind: "zone.create", Record: fmt.Sprintf("z_%d", i), Version: 1 + i%3, Actor: "H",
		Time: t0.Add(time.Duration(i) * time.Second), Commitment: Commit(testSalt(i), testBody(i)),
	}
	if i%3 == 2 {
		l.Request, l.KeyID, l.Signature = "POST /v1/zones - 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "k_H1", bytes.Repeat([]byte{byte(i)}, 64)
	}
	return l
}

// testLog is an in-memory log with its signing key.
type testLog struct {
	m      MemoryHashes
	leaves [][]byte
	signer note.Signer
	v      note.Verifier
}

// newTestLog returns a log of n test leaves, signed by the key of seed 1.
func newTestLog(t testing.TB, n int) *testLog {
	t.Helper()
	s, v := testKey(t, testOrigin, 1)
	l := &testLog{signer: s, v: v}
	for i := 0; i < n; i++ {
		l.add(t, testLeaf(i).Marshal())
	}
	return l
}

func (l *testLog) add(t testing.TB, data []byte) {
	t.Helper()
	i, err := l.m.Append(data)
	if err != nil {
		t.Fatal(err)
	}
	if i != int64(len(l.leaves)) {
		t.Fatalf("Append returned index %d, want %d", i, len(l.leaves))
	}
	l.leaves = append(l.leaves, data)
}

func (l *testLog) size() int64 { return int64(len(l.leaves)) }

// checkpoint returns the signed checkpoint of the first size leaves.
func (l *testLog) checkpoint(t testing.TB, size int64) []byte {
	t.Helper()
	root, err := TreeRoot(size, l.m)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := Sign(Checkpoint{Origin: testOrigin, Size: size, Root: root}, l.signer)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// snapshot returns what a server would serve: the current checkpoint, every
// leaf with its stored hash, and a consistency proof from size from.
func (l *testLog) snapshot(t testing.TB, from int64) Snapshot {
	t.Helper()
	proof, err := ConsistencyProof(from, l.size(), l.m)
	if err != nil {
		t.Fatal(err)
	}
	s := Snapshot{Checkpoint: l.checkpoint(t, l.size()), Consistency: proof}
	for _, data := range l.leaves {
		s.Leaves = append(s.Leaves, bytes.Clone(data))
		s.LeafHashes = append(s.LeafHashes, LeafHash(data))
	}
	return s
}

// state returns the audited state of the log at its current size.
func (l *testLog) state(t testing.TB) State {
	t.Helper()
	st, _, err := Audit(State{}, l.v, l.snapshot(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// wantErr checks that err has the given code, and a field and message
// containing the given strings.
func wantErr(t testing.TB, err error, code, field, msg string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("no error, want %s %q %q", code, field, msg)
	case concord.ErrorCode(err) != code:
		t.Fatalf("error %v: code %q, want %q", err, concord.ErrorCode(err), code)
	case concord.ErrorField(err) != field:
		t.Fatalf("error %v: field %q, want %q", err, concord.ErrorField(err), field)
	case !strings.Contains(err.Error(), msg):
		t.Fatalf("error %v: does not contain %q", err, msg)
	}
}
