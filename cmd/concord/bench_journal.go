package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"concord/internal/client"
	"concord/internal/journal"
)

func init() { benchSuites["journal"] = benchJournal }

// benchJournal measures durable submissions per second (each acknowledged
// only once its record and leaf are synced in one transaction) and the
// latency of an inclusion proof, beside the naive way to prove inclusion:
// re-hashing every leaf.
func benchJournal(ctx context.Context, b *bench) error {
	m, stop, err := benchServer(ctx)
	if err != nil {
		return err
	}
	defer stop()
	c := client.New(m.URL(), m.Token)
	dur := 8 * time.Second
	if b.quick {
		dur = 2 * time.Second
	}
	for _, writers := range []int{1, 8, 32} {
		n, err := durableWrites(ctx, c, writers, dur)
		if err != nil {
			return err
		}
		b.report(benchResult{Suite: "journal", Name: fmt.Sprintf("durable submissions, %d concurrent writers (SQLite)", writers),
			Value: float64(n) / dur.Seconds(), Unit: "writes/s", Note: "group commit: concurrent writes share one synced transaction and a checkpoint"})
	}
	return proofLatency(ctx, b, m, c)
}

func durableWrites(ctx context.Context, c *client.Client, writers int, dur time.Duration) (int64, error) {
	var n atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	deadline := time.Now().Add(dur)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				body := zoneBody(fmt.Sprintf("w%d-%d", w, i))
				if err := c.Do(ctx, "POST", "/v1/zones", []byte(body), "", nil); err != nil {
					errs <- err
					return
				}
				n.Add(1)
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	return n.Load(), <-errs
}

func zoneBody(tag string) string {
	return `{"kind":"ceasefire-area","name":"bench ` + tag + `","volumes":[{"footprint":{"type":"Polygon","coordinates":[[[36.0,33.0],[36.5,33.0],[36.5,33.5],[36.0,33.5],[36.0,33.0]]]},"start":"2016-09-12T00:00:00Z"}]}`
}

// proofLatency times inclusion proofs over HTTP for random leaves, and the
// naive alternative: fetching every leaf and re-hashing the whole tree.
func proofLatency(ctx context.Context, b *bench, m *Main, c *client.Client) error {
	size, err := m.Store.Size(ctx)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var lat []time.Duration
	for i := 0; i < 500; i++ {
		idx := rng.Int64N(size)
		start := time.Now()
		if err := c.Do(ctx, "GET", fmt.Sprintf("/v1/journal/proof/inclusion?index=%d&size=%d", idx, size), nil, "", nil); err != nil {
			return err
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	naive := timeIt(1, func() {
		var mem journal.MemoryHashes
		ls, _ := m.Store.Leaves(ctx, 0, size)
		for _, l := range ls {
			mem.Append(l.Data)
		}
		journal.TreeRoot(size, mem)
	})
	p50 := lat[len(lat)/2]
	b.report(benchResult{Suite: "journal", Name: fmt.Sprintf("inclusion proof p50 over HTTP, log of %d leaves", size),
		Value: ms(p50), Unit: "ms", Reference: ms(naive), Ratio: float64(naive) / float64(p50), Note: "naive: re-hash every leaf"})
	b.report(benchResult{Suite: "journal", Name: "inclusion proof p99 over HTTP", Value: ms(lat[len(lat)*99/100]), Unit: "ms"})
	return nil
}
