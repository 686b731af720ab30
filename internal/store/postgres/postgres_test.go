package postgres_test

import (
	"context"
	"testing"

	"concord/internal/store"
	"concord/internal/store/postgres"
	"concord/internal/store/postgres/pgtest"
	"concord/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.New(context.Background(), postgres.Config{URL: pgtest.Schema(t)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// Two nodes starting together on an empty schema both migrate without error.
func TestConcurrentMigrate(t *testing.T) {
	url := pgtest.Schema(t)
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			s, err := postgres.New(context.Background(), postgres.Config{URL: url})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
