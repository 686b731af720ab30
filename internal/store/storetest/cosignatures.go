package storetest

import (
	"context"
	"fmt"
	"testing"

	"concord"
	"concord/internal/store"
)

func testCosignatures(t *testing.T, s store.Store) {
	ctx := context.Background()
	_, _, err := s.Cosignatures(ctx, -1)
	wantCode(t, err, concord.ENOTFOUND)
	if n, got, err := s.Cosignatures(ctx, 5); err != nil || n != 5 || len(got) != 0 {
		t.Fatalf("Cosignatures(5) before any = %d %v %v", n, got, err)
	}
	for _, c := range []struct {
		size      int64
		witness   string
		signature string
	}{{5, "W1", "w1 at 5"}, {5, "W2", "w2 at 5"}, {9, "W1", "w1 at 9"}, {5, "W1", "w1 at 5, later"}, {3, "W3", "w3 at 3"}} {
		if err := s.PutCosignature(ctx, c.size, c.witness, []byte(c.signature)); err != nil {
			t.Fatal(err)
		}
	}
	n, got, err := s.Cosignatures(ctx, 5)
	if err != nil || n != 5 || fmt.Sprintf("%q", got) != `map["W1":"w1 at 5, later" "W2":"w2 at 5"]` {
		t.Fatalf("Cosignatures(5) = %d %q %v", n, got, err)
	}
	n, got, err = s.Cosignatures(ctx, -1)
	if err != nil || n != 9 || fmt.Sprintf("%q", got) != `map["W1":"w1 at 9"]` {
		t.Fatalf("latest cosignatures = %d %q %v", n, got, err)
	}
	wantCode(t, s.PutCosignature(ctx, -1, "W1", []byte("x")), concord.EINVALID)
	wantCode(t, s.PutCosignature(ctx, 1, "", []byte("x")), concord.EINVALID)
	if size(t, s) != 0 {
		t.Fatal("storing cosignatures appended to the journal")
	}
}
