package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"concord/internal/store"
	"concord/internal/store/sqlite"
	"concord/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.New(context.Background(), sqlite.Config{Path: filepath.Join(t.TempDir(), "concord.db")})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "concord.db")
	ctx := context.Background()
	s, err := sqlite.New(ctx, sqlite.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		_, _, err := tx.Append(ctx, []byte("x\n"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.New(ctx, sqlite.Config{Path: path})
	if err != nil {
		t.Fatalf("reopen (migrations must be idempotent): %v", err)
	}
	defer s.Close()
	if n, err := s.Size(ctx); n != 1 || err != nil {
		t.Fatalf("Size after reopen = %d, %v", n, err)
	}
}
