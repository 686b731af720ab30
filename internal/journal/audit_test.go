package journal

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"concord"
)

func TestAuditGrowth(t *testing.T) {
	l := newTestLog(t, 5)
	st, rep, err := Audit(State{}, l.v, l.snapshot(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	if rep.OldSize != 0 || rep.NewSize != 5 || rep.Checked != 5 || !rep.Consistency || len(st.Hashes) != 5 {
		t.Fatalf("first audit: %+v, %d hashes", rep, len(st.Hashes))
	}
	for i := 5; i < 12; i++ {
		l.add(t, testLeaf(i).Marshal())
	}
	full, rep, err := Audit(st, l.v, l.snapshot(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("log %s: 5 → 12 leaves, root %s; 12 leaves checked; consistency proof verified", testOrigin, mustRoot(t, 12, l.m))
	if rep.String() != want {
		t.Fatalf("report %q, want %q", rep, want)
	}
	incremental, rep, err := Audit(st, l.v, tail(l.snapshot(t, 5), 5))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Checked != 7 || !stateEqual(full, incremental) {
		t.Fatalf("incremental audit: %+v", rep)
	}
	same, _, err := Audit(full, l.v, l.snapshot(t, 12))
	if err != nil || !stateEqual(same, full) {
		t.Fatalf("audit at the same size: %v", err)
	}
	if _, err := full.Trusted(l.v); err != nil {
		t.Fatal(err)
	}
}

// tail keeps the leaves of s from index start.
func tail(s Snapshot, start int64) Snapshot {
	s.Start, s.Leaves, s.LeafHashes = start, s.Leaves[start:], s.LeafHashes[start:]
	return s
}

func stateEqual(a, b State) bool {
	return bytes.Equal(a.Checkpoint, b.Checkpoint) && fmt.Sprint(a.Hashes) == fmt.Sprint(b.Hashes)
}

// TestAuditFlipByte flips each byte of a leaf in turn: the audit must fail
// and name that leaf, whether it was trusted before (its hash is in the
// state) or is new (the server's stored hash names it).
func TestAuditFlipByte(t *testing.T) {
	l := newTestLog(t, 12)
	st := l.state(t)
	before := newTestLog(t, 8).state(t)
	for _, k := range []int64{0, 5, 8, 11} {
		for pos := range l.leaves[k] {
			s := l.snapshot(t, 8)
			s.Leaves[k][pos] ^= 0x01
			for name, trusted := range map[string]State{"trusted": st, "new": before} {
				if k < 8 && name == "new" {
					continue
				}
				_, _, err := Audit(trusted, l.v, s)
				if concord.ErrorCode(err) != concord.ECONFLICT || concord.ErrorField(err) != leafField(k) ||
					!strings.Contains(err.Error(), fmt.Sprintf("leaf %d ", k)) {
					t.Fatalf("%s leaf %d, byte %d flipped: %v", name, k, pos, err)
				}
			}
		}
	}
}

func TestAuditRewriteMessages(t *testing.T) {
	l := newTestLog(t, 12)
	st := l.state(t)
	s := l.snapshot(t, 12)
	s.Leaves[7] = bytes.Replace(s.Leaves[7], []byte("version 2"), []byte("version 9"), 1)
	_, _, err := Audit(st, l.v, s)
	wantErr(t, err, concord.ECONFLICT, "leaves[7]", "leaf 7 (zone.create z_7 v9) was rewritten: trusted hash ")

	s = l.snapshot(t, 8)
	s.Leaves[9] = bytes.Replace(s.Leaves[9], []byte("actor H"), []byte("actor G"), 1)
	before := newTestLog(t, 8).state(t)
	_, _, err = Audit(before, l.v, s)
	wantErr(t, err, concord.ECONFLICT, "leaves[9]", "leaf 9 (zone.create z_9 v1) does not match its stored hash")
	s.LeafHashes = nil
	_, _, err = Audit(before, l.v, s)
	wantErr(t, err, concord.ECONFLICT, "leaves", "a leaf in [8, 12) was changed")

	s = l.snapshot(t, 12)
	s.Leaves[3] = []byte("concord-leaf/v1\nkind Zone\n")
	_, _, err = Audit(st, l.v, s)
	wantErr(t, err, concord.ECONFLICT, "leaves[3]", "leaf 3 is malformed: leaf: has 1 lines")
}

func TestAuditShrink(t *testing.T) {
	l := newTestLog(t, 10)
	st := l.state(t)
	s := l.snapshot(t, 0)
	s.Checkpoint, s.Leaves, s.LeafHashes, s.Consistency = l.checkpoint(t, 9), s.Leaves[:9], nil, nil
	got, _, err := Audit(st, l.v, s)
	wantErr(t, err, concord.ECONFLICT, "checkpoint", "log shrank from 10 to 9: entries removed")
	if !stateEqual(got, st) {
		t.Fatal("Audit changed the state on error")
	}
}

// forkedLog returns a log that agrees with newTestLog(t, n) on its first
// common leaves and then differs, signed by the same key.
func forkedLog(t *testing.T, common, n int) *testLog {
	f := newTestLog(t, common)
	for i := common; i < n; i++ {
		l := testLeaf(i)
		l.Kind = "zone.withdraw"
		f.add(t, l.Marshal())
	}
	return f
}

func TestAuditFork(t *testing.T) {
	st := newTestLog(t, 10).state(t)
	f := forkedLog(t, 7, 12)

	_, _, err := Audit(st, f.v, f.snapshot(t, 10))
	wantErr(t, err, concord.ECONFLICT, "leaves[7]",
		"fork: the checkpoint of size 12 is not consistent with the trusted checkpoint of size 10: leaf 7 (zone.withdraw z_7 v2) differs from the trusted leaf; the consistency proof does not verify")

	noProof := f.snapshot(t, 10)
	noProof.Consistency = nil
	_, _, err = Audit(st, f.v, noProof)
	wantErr(t, err, concord.ECONFLICT, "leaves[7]", "fork: ")

	_, _, err = Audit(st, f.v, tail(f.snapshot(t, 10), 10))
	wantErr(t, err, concord.ECONFLICT, "consistency_proof", "fork: the checkpoint of size 12 is not consistent with the trusted checkpoint of size 10: consistency proof from size 10")

	// Same size, different tree.
	_, _, err = Audit(st, f.v, forkedLog(t, 7, 10).snapshot(t, 10))
	wantErr(t, err, concord.ECONFLICT, "leaves[7]", "fork: ")
}

func TestAuditBadConsistencyProof(t *testing.T) {
	l := newTestLog(t, 10)
	st := newTestLog(t, 6).state(t)
	s := l.snapshot(t, 6)
	s.Consistency[0][0] ^= 1
	_, _, err := Audit(st, l.v, s)
	wantErr(t, err, concord.ECONFLICT, "consistency_proof", "fork: ")
}

func TestAuditInputErrors(t *testing.T) {
	l := newTestLog(t, 10)
	st := newTestLog(t, 6).state(t)
	_, otherV := testKey(t, testOrigin, 2)
	tests := []struct {
		name        string
		st          State
		edit        func(*Snapshot)
		code, field string
		msg         string
	}{
		{"too few leaves", st, func(s *Snapshot) { s.Leaves = s.Leaves[1:]; s.LeafHashes = nil }, concord.EINVALID, "leaves", "got 9 leaves from index 0, want 10"},
		{"too many leaves", st, func(s *Snapshot) { s.Leaves = append(s.Leaves, s.Leaves[0]); s.LeafHashes = nil }, concord.EINVALID, "leaves", "got 11"},
		{"start beyond trusted", st, func(s *Snapshot) { *s = tail(*s, 7) }, concord.EINVALID, "start", "between 0 and the trusted size 6"},
		{"negative start", st, func(s *Snapshot) { s.Start = -1 }, concord.EINVALID, "start", ""},
		{"stored hashes", st, func(s *Snapshot) { s.LeafHashes = s.LeafHashes[1:] }, concord.EINVALID, "leaf_hashes", "got 9 stored hashes for 10 leaves"},
		{"unsigned", st, func(s *Snapshot) { s.Checkpoint = bytes.Split(s.Checkpoint, []byte("\n\n"))[0] }, concord.EINVALID, "checkpoint", ""},
		{"state hashes", State{Checkpoint: st.Checkpoint, Hashes: st.Hashes[1:]}, func(*Snapshot) {}, concord.EINVALID, "state", "holds 5 leaf hashes for a checkpoint of size 6"},
		{"state root", State{Checkpoint: st.Checkpoint, Hashes: append(st.Hashes[1:], st.Hashes[0])}, func(*Snapshot) {}, concord.EINVALID, "state", "do not hash to"},
		{"state without checkpoint", State{Hashes: st.Hashes}, func(*Snapshot) {}, concord.EINVALID, "state", "no checkpoint"},
		{"state of another key", newTestLogKey(t, 6, 2).state(t), func(*Snapshot) {}, concord.EINVALID, "state", "not signed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := l.snapshot(t, 6)
			tt.edit(&s)
			_, _, err := Audit(tt.st, l.v, s)
			wantErr(t, err, tt.code, tt.field, tt.msg)
		})
	}
	_, _, err := Audit(st, otherV, l.snapshot(t, 6))
	wantErr(t, err, concord.EINVALID, "state", "not signed")
	_, _, err = Audit(State{}, otherV, l.snapshot(t, 6))
	wantErr(t, err, concord.ECONFLICT, "checkpoint", "not signed")
	_, _, err = Audit(st, nil, l.snapshot(t, 6))
	wantErr(t, err, concord.EINVALID, "verifier", "")
}

// newTestLogKey is newTestLog signed by the key of another seed.
func newTestLogKey(t *testing.T, n int, seed byte) *testLog {
	l := newTestLog(t, n)
	l.signer, l.v = testKey(t, testOrigin, seed)
	return l
}

func TestAuditDoesNotAlias(t *testing.T) {
	l := newTestLog(t, 8)
	st := newTestLog(t, 4).state(t)
	hashes := append([]Hash(nil), st.Hashes...)
	s := tail(l.snapshot(t, 4), 2)
	next, _, err := Audit(st, l.v, s)
	if err != nil {
		t.Fatal(err)
	}
	next.Hashes[0][0] ^= 1
	s.Checkpoint[0] ^= 1
	if fmt.Sprint(st.Hashes) != fmt.Sprint(hashes) {
		t.Fatal("the new state shares hashes with the old one")
	}
	if next.Checkpoint[0] == s.Checkpoint[0] {
		t.Fatal("the new state shares the snapshot's checkpoint")
	}
}

func TestStateBinary(t *testing.T) {
	for _, st := range []State{{}, newTestLog(t, 1).state(t), newTestLog(t, 9).state(t)} {
		data, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back State
		if err := back.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		if !stateEqual(back, st) {
			t.Fatalf("round trip of %d hashes changed the state", len(st.Hashes))
		}
		for _, bad := range [][]byte{data[:len(data)-1], append(bytes.Clone(data), 0), data[1:], nil} {
			if err := new(State).UnmarshalBinary(bad); concord.ErrorField(err) != "state" {
				t.Errorf("UnmarshalBinary(%q…) = %v, want EINVALID naming state", bad[:min(len(bad), 30)], err)
			}
		}
	}
}

func TestCheckReceipt(t *testing.T) {
	l := newTestLog(t, 6)
	st := l.state(t)
	r := integratedReceipt(t, l, 4)
	if err := st.CheckReceipt(r); err != nil {
		t.Fatal(err)
	}
	wantErr(t, newTestLog(t, 4).state(t).CheckReceipt(r), concord.ENOTFOUND, "index", "leaf 4 (zone.create z_4 v2) is beyond the audited log of size 4")
	f := forkedLog(t, 3, 6)
	wantErr(t, f.state(t).CheckReceipt(r), concord.ECONFLICT, "leaves[4]", "the log no longer holds the receipt's leaf 4 (zone.create z_4 v2)")
	r.LeafHash = LeafHash(nil).String()
	wantErr(t, st.CheckReceipt(r), concord.ECONFLICT, "leaf_hash", "")
}
