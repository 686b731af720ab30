// Package storetest is the conformance suite of store.Store: every backend's
// test is one call to Run, as litestream and sumdb's storage do.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/golang/geo/s2"
	"golang.org/x/mod/sumdb/tlog"

	"concord"
	"concord/internal/store"
)

// Run runs every conformance test against stores made by open; each call of
// open must return a new, empty store.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"PutGetHistory", testPutGetHistory},
		{"VersionConflict", testVersionConflict},
		{"RollbackAppliesNothing", testRollback},
		{"ListFilters", testListFilters},
		{"ListCells", testListCells},
		{"JournalTree", testJournalTree},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Checkpoints", testCheckpoints},
		{"Cosignatures", testCosignatures},
		{"Tokens", testTokens},
		{"Idempotency", testIdempotency},
		{"Changes", testChanges},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tt.fn(t, s)
		})
	}
}

var t0 = time.Date(2016, 9, 12, 10, 0, 0, 0, time.UTC)

func rec(id string, version int, kind string) store.Record {
	return store.Record{
		Type: "zone", ID: id, Version: version, Owner: "H", Kind: kind, Status: "active",
		Start: t0, Body: []byte(fmt.Sprintf(`{"id":%q,"version":%d}`, id, version)),
		Salt: bytes.Repeat([]byte{byte(version)}, 16), Time: t0,
	}
}

func put(t *testing.T, s store.Store, r store.Record) int64 {
	t.Helper()
	var idx int64
	err := s.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
		var err error
		idx, _, err = tx.Put(ctx, &r, leafFor(r))
		return err
	})
	if err != nil {
		t.Fatalf("put %s v%d: %v", r.ID, r.Version, err)
	}
	return idx
}

func leafFor(r store.Record) []byte {
	return []byte(fmt.Sprintf("leaf %s %d\n", r.ID, r.Version))
}

func size(t *testing.T, s store.Store) int64 {
	t.Helper()
	n, err := s.Size(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if concord.ErrorCode(err) != code {
		t.Fatalf("got error %v, want code %s", err, code)
	}
}

func testPutGetHistory(t *testing.T, s store.Store) {
	ctx := context.Background()
	r1 := rec("z1", 1, "no-fly")
	r1.Cells = []int64{5, 3, 5}
	end := t0.Add(time.Hour)
	r1.End = &end
	if idx := put(t, s, r1); idx != 0 {
		t.Fatalf("first leaf index = %d, want 0", idx)
	}
	r2 := rec("z1", 2, "no-fly")
	r2.Status = "withdrawn"
	if idx := put(t, s, r2); idx != 1 {
		t.Fatalf("second leaf index = %d, want 1", idx)
	}
	got, err := s.Get(ctx, "z1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Status != "withdrawn" || got.Leaf != 1 || !bytes.Equal(got.Body, r2.Body) || got.End != nil {
		t.Fatalf("Get = %+v, want version 2 withdrawn at leaf 1", got)
	}
	hist, err := s.History(ctx, "z1")
	if err != nil || len(hist) != 2 {
		t.Fatalf("History = %d versions, %v", len(hist), err)
	}
	if hist[0].Version != 1 || hist[0].End == nil || !hist[0].End.Equal(end) || !bytes.Equal(hist[0].Salt, r1.Salt) || !hist[0].Start.Equal(t0) {
		t.Fatalf("History[0] = %+v", hist[0])
	}
	v1, err := s.Version(ctx, "z1", 1)
	if err != nil || !bytes.Equal(v1.Body, r1.Body) {
		t.Fatalf("Version(1) = %+v, %v", v1, err)
	}
	_, err = s.Get(ctx, "nope")
	wantCode(t, err, concord.ENOTFOUND)
	_, err = s.Version(ctx, "z1", 3)
	wantCode(t, err, concord.ENOTFOUND)
	_, err = s.History(ctx, "nope")
	wantCode(t, err, concord.ENOTFOUND)
}

func testVersionConflict(t *testing.T, s store.Store) {
	put(t, s, rec("z1", 1, "no-fly"))
	for _, v := range []int{1, 3} {
		err := s.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
			r := rec("z1", v, "no-fly")
			_, _, err := tx.Put(ctx, &r, leafFor(r))
			return err
		})
		wantCode(t, err, concord.ECONFLICT)
	}
	if n := size(t, s); n != 1 {
		t.Fatalf("journal size after refused puts = %d, want 1", n)
	}
}

func testRollback(t *testing.T, s store.Store) {
	put(t, s, rec("z0", 1, "no-fly"))
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
		r := rec("z1", 1, "no-fly")
		if _, _, err := tx.Put(ctx, &r, leafFor(r)); err != nil {
			return err
		}
		if err := tx.PutToken(ctx, []byte("tok"), "A"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	if n := size(t, s); n != 1 {
		t.Fatalf("journal size after rollback = %d, want 1", n)
	}
	_, err = s.Get(context.Background(), "z1")
	wantCode(t, err, concord.ENOTFOUND)
	_, err = s.PartyForToken(context.Background(), []byte("tok"))
	wantCode(t, err, concord.EUNAUTHORIZED)
	// The next append takes the index the rolled-back one would have had.
	if idx := put(t, s, rec("z2", 1, "no-fly")); idx != 1 {
		t.Fatalf("index after rollback = %d, want 1", idx)
	}
}

func ids(rs []store.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func testListFilters(t *testing.T, s store.Store) {
	a := rec("a", 1, "no-fly")
	b := rec("b", 1, "protected-site")
	b.Owner = "H2"
	c := rec("c", 1, "no-fly")
	c.Start = t0.Add(2 * time.Hour)
	end := t0.Add(30 * time.Minute)
	a.End = &end
	d := rec("d", 1, "no-fly")
	d.Type = "party"
	for _, r := range []store.Record{c, a, b, d} {
		put(t, s, r)
	}
	w := rec("c", 2, "no-fly")
	w.Start, w.Status = c.Start, "withdrawn"
	put(t, s, w)
	cases := []struct {
		name string
		q    store.Query
		want string
	}{
		{"type", store.Query{Type: "zone"}, "[a b c]"},
		{"kind", store.Query{Type: "zone", Kinds: []string{"no-fly"}}, "[a c]"},
		{"kinds", store.Query{Kinds: []string{"no-fly", "protected-site"}}, "[a b c d]"},
		{"owner", store.Query{Owner: "H2"}, "[b]"},
		{"status", store.Query{Type: "zone", Statuses: []string{"withdrawn"}}, "[c]"},
		{"window before a ends", store.Query{Type: "zone", From: t0.Add(10 * time.Minute), To: t0.Add(20 * time.Minute)}, "[a b]"},
		{"window after a ended", store.Query{Type: "zone", From: t0.Add(30 * time.Minute), To: t0.Add(3 * time.Hour)}, "[b c]"},
		{"window ends at c's start", store.Query{Type: "zone", From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)}, "[b]"},
		{"after", store.Query{Type: "zone", After: "a"}, "[b c]"},
		{"limit", store.Query{Type: "zone", Limit: 2}, "[a b]"},
	}
	for _, tc := range cases {
		rs, err := s.List(context.Background(), tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := fmt.Sprint(ids(rs)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

// cellKey is the order-preserving map of S2 cell IDs to int64 that index
// columns use (geo.CellKey).
func cellKey(c s2.CellID) int64 { return int64(uint64(c) ^ 1<<63) }

func filter(q s2.CellID) store.CellFilter {
	f := store.CellFilter{Lo: cellKey(q.RangeMin()), Hi: cellKey(q.RangeMax())}
	for l := 0; l < q.Level(); l++ {
		f.Ancestors = append(f.Ancestors, cellKey(q.Parent(l)))
	}
	return f
}

func testListCells(t *testing.T, s store.Store) {
	damascus := s2.CellIDFromLatLng(s2.LatLngFromDegrees(33.5138, 36.2765))
	aleppo := s2.CellIDFromLatLng(s2.LatLngFromDegrees(36.20, 37.16))
	far := s2.CellIDFromLatLng(s2.LatLngFromDegrees(-33.9, 151.2)) // another face entirely
	zs := map[string][]s2.CellID{
		"big":    {damascus.Parent(6)},                     // contains the query cells near Damascus
		"small":  {damascus.Parent(16)},                    // inside them
		"aleppo": {aleppo.Parent(12)},                      // elsewhere
		"far":    {far.Parent(10), far.Parent(4).Next()},   // other faces
		"two":    {aleppo.Parent(14), damascus.Parent(13)}, // one of two cells matches
	}
	for id, cells := range zs {
		r := rec(id, 1, "no-fly")
		for _, c := range cells {
			r.Cells = append(r.Cells, cellKey(c))
		}
		put(t, s, r)
	}
	cases := []struct {
		q    []s2.CellID
		want string
	}{
		{[]s2.CellID{damascus.Parent(10)}, "[big small two]"},
		{[]s2.CellID{damascus.Parent(14)}, "[big small two]"},
		{[]s2.CellID{damascus.Parent(16).Next().Parent(15)}, ""},
		{[]s2.CellID{aleppo.Parent(8)}, "[aleppo two]"},
		{[]s2.CellID{aleppo.Parent(8), far.Parent(2)}, "[aleppo far two]"},
		{[]s2.CellID{s2.CellIDFromFace(0)}, ""},
	}
	for _, tc := range cases {
		var fs []store.CellFilter
		for _, c := range tc.q {
			fs = append(fs, filter(c))
		}
		rs, err := s.List(context.Background(), store.Query{Cells: fs})
		if err != nil {
			t.Fatal(err)
		}
		want := tc.want
		if want == "" {
			want = expectByS2(zs, tc.q)
		}
		if got := fmt.Sprint(ids(rs)); got != want {
			t.Errorf("cells %v: got %s, want %s", tc.q, got, want)
		}
	}
}

// expectByS2 computes the expected result with s2's own Intersects.
func expectByS2(zs map[string][]s2.CellID, q []s2.CellID) string {
	var out []string
	for id, cells := range zs {
	next:
		for _, c := range cells {
			for _, qc := range q {
				if c.Intersects(qc) {
					out = append(out, id)
					break next
				}
			}
		}
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}

// memHashes is an in-memory tlog.HashReader, the reference for the tree.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m[x]
	}
	return out, nil
}

type storeReader struct{ s store.Store }

func (r storeReader) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	return r.s.ReadHashes(context.Background(), idx)
}

func testJournalTree(t *testing.T, s store.Store) {
	ctx := context.Background()
	var mem memHashes
	var leaves [][]byte
	for i := 0; i < 37; i++ {
		data := []byte(fmt.Sprintf("leaf %d\n", i))
		leaves = append(leaves, data)
		hs, err := tlog.StoredHashes(int64(i), data, mem)
		if err != nil {
			t.Fatal(err)
		}
		mem = append(mem, hs...)
		err = s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
			idx, h, err := tx.Append(ctx, data)
			if err == nil && (idx != int64(i) || h != tlog.RecordHash(data)) {
				err = fmt.Errorf("Append = %d %x, want %d", idx, h, i)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := tlog.TreeHash(int64(i+1), mem)
		got, err := tlog.TreeHash(int64(i+1), storeReader{s})
		if err != nil || got != want {
			t.Fatalf("tree hash at size %d = %x, %v; want %x", i+1, got, err, want)
		}
	}
	if n := size(t, s); n != 37 {
		t.Fatalf("Size = %d", n)
	}
	ls, err := s.Leaves(ctx, 10, 20)
	if err != nil || len(ls) != 10 {
		t.Fatalf("Leaves(10,20) = %d, %v", len(ls), err)
	}
	for i, l := range ls {
		if l.Index != int64(10+i) || !bytes.Equal(l.Data, leaves[10+i]) || l.Hash != tlog.RecordHash(leaves[10+i]) {
			t.Fatalf("leaf %d = %+v", 10+i, l)
		}
	}
	_, err = s.ReadHashes(ctx, []int64{int64(len(mem))})
	if err == nil {
		t.Fatal("reading a hash past the end succeeded")
	}
}

func testConcurrentWriters(t *testing.T, s store.Store) {
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := rec(fmt.Sprintf("w%d-%d", w, i), 1, "no-fly")
				errs <- s.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
					_, _, err := tx.Put(ctx, &r, leafFor(r))
					return err
				})
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ls, err := s.Leaves(context.Background(), 0, writers*each+10)
	if err != nil || len(ls) != writers*each {
		t.Fatalf("Leaves = %d, %v", len(ls), err)
	}
	var mem memHashes
	for i, l := range ls {
		if l.Index != int64(i) {
			t.Fatalf("leaf %d has index %d: gap or duplicate", i, l.Index)
		}
		hs, _ := tlog.StoredHashes(int64(i), l.Data, mem)
		mem = append(mem, hs...)
	}
	want, _ := tlog.TreeHash(writers*each, mem)
	got, err := tlog.TreeHash(writers*each, storeReader{s})
	if err != nil || got != want {
		t.Fatalf("tree after concurrent writes = %x, %v; want %x", got, err, want)
	}
}

func testCheckpoints(t *testing.T, s store.Store) {
	ctx := context.Background()
	_, _, err := s.Checkpoint(ctx, -1)
	wantCode(t, err, concord.ENOTFOUND)
	for _, n := range []int64{3, 1, 7} {
		if err := s.PutCheckpoint(ctx, n, []byte(fmt.Sprintf("note %d", n))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutCheckpoint(ctx, 3, []byte("note 3")); err != nil {
		t.Fatalf("storing the same checkpoint again: %v", err)
	}
	wantCode(t, s.PutCheckpoint(ctx, 3, []byte("forged 3")), concord.ECONFLICT)
	n, note, err := s.Checkpoint(ctx, -1)
	if err != nil || n != 7 || string(note) != "note 7" {
		t.Fatalf("latest = %d %q %v", n, note, err)
	}
	n, note, err = s.Checkpoint(ctx, 3)
	if err != nil || n != 3 || string(note) != "note 3" {
		t.Fatalf("Checkpoint(3) = %d %q %v", n, note, err)
	}
	sizes, err := s.Checkpoints(ctx)
	if err != nil || fmt.Sprint(sizes) != "[1 3 7]" {
		t.Fatalf("Checkpoints = %v %v", sizes, err)
	}
}

func testTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	err := s.Update(ctx, func(ctx context.Context, tx store.Tx) error { return tx.PutToken(ctx, []byte{1, 2, 3}, "A") })
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.PartyForToken(ctx, []byte{1, 2, 3})
	if err != nil || p != "A" {
		t.Fatalf("PartyForToken = %q %v", p, err)
	}
	_, err = s.PartyForToken(ctx, []byte{1, 2, 4})
	wantCode(t, err, concord.EUNAUTHORIZED)
	err = s.Update(ctx, func(ctx context.Context, tx store.Tx) error { return tx.PutToken(ctx, []byte{1, 2, 3}, "B") })
	wantCode(t, err, concord.ECONFLICT)
}

func testIdempotency(t *testing.T, s store.Store) {
	ctx := context.Background()
	v := store.Idempotent{RequestHash: []byte{9}, Status: 201, Body: []byte(`{"ok":true}`), Leaves: []int64{4, 5}}
	err := s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Idempotent(ctx, "A", "k1")
		if err != nil || got != nil {
			return fmt.Errorf("unused key = %v, %v", got, err)
		}
		return tx.PutIdempotent(ctx, "A", "k1", v)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Idempotent(ctx, "A", "k1")
		if err != nil {
			return err
		}
		if got == nil || got.Status != 201 || string(got.Body) != `{"ok":true}` || fmt.Sprint(got.Leaves) != "[4 5]" || !bytes.Equal(got.RequestHash, []byte{9}) {
			return fmt.Errorf("stored key = %+v", got)
		}
		if other, _ := tx.Idempotent(ctx, "B", "k1"); other != nil {
			return fmt.Errorf("keys leak between actors")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(ctx context.Context, tx store.Tx) error { return tx.PutIdempotent(ctx, "A", "k1", v) })
	wantCode(t, err, concord.ECONFLICT)
}

func testChanges(t *testing.T, s store.Store) {
	put(t, s, rec("a", 1, "no-fly"))
	err := s.Update(context.Background(), func(ctx context.Context, tx store.Tx) error {
		_, _, err := tx.Append(ctx, []byte("bare leaf\n"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, rec("b", 1, "no-fly"))
	put(t, s, rec("a", 2, "no-fly"))
	all, err := s.Changes(context.Background(), -1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range all {
		got = append(got, fmt.Sprintf("%s/%d@%d", r.ID, r.Version, r.Leaf))
	}
	if fmt.Sprint(got) != "[a/1@0 b/1@2 a/2@3]" {
		t.Fatalf("Changes(-1) = %v", got)
	}
	rest, err := s.Changes(context.Background(), 2, 1)
	if err != nil || len(rest) != 1 || rest[0].ID != "a" || rest[0].Version != 2 {
		t.Fatalf("Changes(2, limit 1) = %v, %v", rest, err)
	}
}
