package witness

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord"
	"concord/internal/journal"
)

func encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// testLog is an in-memory log with a deterministic key.
type testLog struct {
	mem journal.MemoryHashes
	s   note.Signer
	v   note.Verifier
	tag string // distinguishes the leaves of two logs (forks)
}

func newTestLog(t testing.TB, origin string, seed byte) *testLog {
	t.Helper()
	skey, vkey, err := note.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{seed}, 32)), origin)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := note.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	return &testLog{s: s, v: v, tag: "a"}
}

func (l *testLog) grow(t testing.TB, n int) {
	t.Helper()
	for range n {
		i := l.mem.Size()
		leaf := journal.Leaf{Kind: "zone.create", Record: fmt.Sprintf("z_%s%d", l.tag, i), Version: 1, Actor: "H",
			Time: time.Unix(1700000000+i, 0).UTC(), Commitment: journal.Commit([]byte("salt"), []byte("body"))}
		if _, err := l.mem.Append(leaf.Marshal()); err != nil {
			t.Fatal(err)
		}
	}
}

func (l *testLog) checkpoint(t testing.TB) []byte {
	t.Helper()
	root, err := journal.TreeRoot(l.mem.Size(), l.mem)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := journal.Sign(journal.Checkpoint{Origin: l.v.Name(), Size: l.mem.Size(), Root: root}, l.s)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

func (l *testLog) proof(t testing.TB, from int64) []journal.Hash {
	t.Helper()
	p, err := journal.ConsistencyProof(from, l.mem.Size(), l.mem)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newWitness(t *testing.T, logs ...*testLog) (*Witness, *Verifier) {
	t.Helper()
	skey, _, err := GenerateKey("witness.example/w1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1700000000, 0)
	w := New(s, func() time.Time { clock = clock.Add(time.Second); return clock })
	for _, l := range logs {
		if err := w.Follow(l.v, nil); err != nil {
			t.Fatal(err)
		}
	}
	return w, s.Verifier()
}

// cosign cosigns the log's current checkpoint with the proof from the last
// cosigned size and checks the cosignature.
func cosign(t *testing.T, w *Witness, v *Verifier, l *testLog) {
	t.Helper()
	_, last := w.Last(l.v.Name())
	cp := l.checkpoint(t)
	c, err := w.Cosign(cp, l.proof(t, last.Size))
	if err != nil {
		t.Fatalf("cosign size %d after %d: %v", l.mem.Size(), last.Size, err)
	}
	if _, err := VerifyCosignatures(AppendSignatures(cp, c.Line()), []*Verifier{v}, 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Last(l.v.Name()); !bytes.Equal(got, cp) {
		t.Fatalf("Last = %q, want %q", got, cp)
	}
}

func TestHonestGrowthIsCosigned(t *testing.T) {
	log := newTestLog(t, "concord.example/log", 1)
	w, v := newWitness(t, log)
	cosign(t, w, v, log) // the empty log, trusted on first use
	var times []int64
	for _, n := range []int{1, 2, 5, 0, 9, 16} {
		log.grow(t, n)
		cosign(t, w, v, log)
		_, cp := w.Last(log.v.Name())
		c, _ := w.Cosign(log.checkpoint(t), nil) // the same checkpoint again
		times = append(times, c.Time)
		if cp.Size != log.mem.Size() {
			t.Fatalf("last cosigned size %d, want %d", cp.Size, log.mem.Size())
		}
	}
	for i := 1; i < len(times); i++ {
		if times[i] <= times[i-1] {
			t.Fatalf("cosignature times do not follow the clock: %v", times)
		}
	}
}

// A note carrying other signatures (earlier cosignatures) is cosigned, and
// only the log's signature is kept as the last checkpoint.
func TestCosignKeepsOnlyTheLogSignature(t *testing.T) {
	log := newTestLog(t, "concord.example/log", 1)
	log.grow(t, 3)
	w, _ := newWitness(t, log)
	cp := log.checkpoint(t)
	if _, err := w.Cosign(AppendSignatures(cp, mustLine(t)), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Last(log.v.Name()); !bytes.Equal(got, cp) {
		t.Fatalf("Last kept other signatures:\n%s", got)
	}
}

func TestForkIsRefusedWithEvidence(t *testing.T) {
	log := newTestLog(t, "concord.example/log", 1)
	w, v := newWitness(t, log)
	log.grow(t, 4)
	cosign(t, w, v, log)
	log.grow(t, 3)
	cosign(t, w, v, log)
	honest, before := w.Last(log.v.Name())

	// The same key signs another tree of the same size: a split view.
	fork := &testLog{s: log.s, v: log.v, tag: "b"}
	fork.grow(t, int(log.mem.Size()))
	forged := fork.checkpoint(t)
	_, err := w.Cosign(forged, nil)
	var fe *ForkError
	if !errors.As(err, &fe) {
		t.Fatalf("a forked checkpoint: %v, want a ForkError", err)
	}
	if concord.ErrorCode(err) != concord.ECONFLICT || fe.Size != before.Size || fe.CosignedRoot != before.Root {
		t.Fatalf("fork evidence %+v (%v)", fe, err)
	}
	if !bytes.Equal(fe.Cosigned, honest) || !bytes.Equal(fe.Offered, forged) {
		t.Fatal("the evidence does not carry both signed checkpoints")
	}
	for _, root := range []journal.Hash{fe.CosignedRoot, fe.OfferedRoot} {
		if !bytes.Contains([]byte(err.Error()), []byte(root.String())) {
			t.Errorf("the error does not name root %s: %v", root, err)
		}
	}
	if again, err := CheckFork(log.v, fe.Cosigned, fe.Offered); err != nil || again.OfferedRoot != fe.OfferedRoot {
		t.Fatalf("CheckFork of the evidence: %v", err)
	}
	if got, _ := w.Last(log.v.Name()); !bytes.Equal(got, honest) {
		t.Fatal("a refused checkpoint changed the witness's state")
	}
	log.grow(t, 2) // the honest log goes on being cosigned
	cosign(t, w, v, log)
}

func TestRefusals(t *testing.T) {
	log := newTestLog(t, "concord.example/log", 1)
	log.grow(t, 6)
	w, v := newWitness(t, log)
	cosign(t, w, v, log)
	honest, _ := w.Last(log.v.Name())

	older := &testLog{s: log.s, v: log.v, tag: "a"}
	older.grow(t, 5)
	impostor := newTestLog(t, "concord.example/log", 2) // same origin, another key
	impostor.grow(t, 8)
	stranger := newTestLog(t, "other.example/log", 3)
	log.grow(t, 3)
	badProof := log.proof(t, 6)
	badProof[0][0] ^= 1

	cases := []struct {
		name  string
		cp    []byte
		proof []journal.Hash
		code  string
		field string
	}{
		{"smaller", older.checkpoint(t), nil, concord.ECONFLICT, "checkpoint"},
		{"bad proof", log.checkpoint(t), badProof, concord.ECONFLICT, "consistency_proof"},
		{"no proof", log.checkpoint(t), nil, concord.ECONFLICT, "consistency_proof"},
		{"not the log's key", impostor.checkpoint(t), nil, concord.ECONFLICT, "checkpoint"},
		{"unknown log", stranger.checkpoint(t), nil, concord.ENOTFOUND, ""},
		{"malformed", []byte("concord.example/log\n1\n"), nil, concord.EINVALID, "checkpoint"},
	}
	for _, tc := range cases {
		_, err := w.Cosign(tc.cp, tc.proof)
		if concord.ErrorCode(err) != tc.code || concord.ErrorField(err) != tc.field {
			t.Errorf("%s: %v, want %s naming %q", tc.name, err, tc.code, tc.field)
		}
		var fe *ForkError
		if errors.As(err, &fe) {
			t.Errorf("%s: reported as a fork", tc.name)
		}
		if got, _ := w.Last(log.v.Name()); !bytes.Equal(got, honest) {
			t.Fatalf("%s changed the witness's state", tc.name)
		}
	}
	cosign(t, w, v, log) // with the right proof
}

func TestFollow(t *testing.T) {
	log := newTestLog(t, "concord.example/log", 1)
	log.grow(t, 3)
	other := newTestLog(t, "concord.example/log", 2)
	w, v := newWitness(t)
	if err := w.Follow(log.v, other.checkpoint(t)); err == nil {
		t.Fatal("Follow accepted a state the log did not sign")
	}
	if err := w.Follow(log.v, log.checkpoint(t)); err != nil {
		t.Fatal(err)
	}
	log.grow(t, 2)
	cosign(t, w, v, log)
}

func TestCheckFork(t *testing.T) {
	log := newTestLog(t, "concord.example/log", 1)
	log.grow(t, 3)
	a := log.checkpoint(t)
	fork := &testLog{s: log.s, v: log.v, tag: "b"}
	fork.grow(t, 3)
	b := fork.checkpoint(t)
	log.grow(t, 1)
	bigger := log.checkpoint(t)
	other := newTestLog(t, "concord.example/log", 2)
	other.grow(t, 3)
	if fe, err := CheckFork(log.v, a, b); err != nil || fe.Size != 3 || fe.CosignedRoot == fe.OfferedRoot {
		t.Fatalf("CheckFork of a fork: %+v %v", fe, err)
	}
	for name, pair := range map[string][2][]byte{
		"same checkpoint": {a, a},
		"different sizes": {a, bigger},
		"not signed by v": {a, other.checkpoint(t)},
		"malformed":       {a, []byte("x")},
	} {
		if _, err := CheckFork(log.v, pair[0], pair[1]); err == nil {
			t.Errorf("%s: accepted as a fork", name)
		}
	}
}
