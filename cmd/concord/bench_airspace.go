package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"concord/internal/airspace"
	"concord/internal/client"
	"concord/internal/geo"
	"concord/internal/mechanism"
)

func init() { benchSuites["airspace"] = benchAirspace }

// benchAirspace measures SPEC §6's live-track figures, each beside the same
// work done naively in the same run, with a check that both found the same.
func benchAirspace(ctx context.Context, b *bench) error {
	sizes := []int{2000, 10000, 50000}
	if b.quick {
		sizes = []int{2000, 10000}
	}
	for _, n := range sizes {
		benchFullDetection(b, n)
	}
	if err := benchIncremental(b); err != nil {
		return err
	}
	benchPlans(b)
	return benchTracksHTTP(ctx, b)
}

func benchFullDetection(b *bench, n int) {
	tracks := airspace.Scenario(1, n, 3)
	var grid, brute []airspace.Conflict
	best := time.Duration(1 << 62)
	for i := 0; i < 5; i++ {
		best = min(best, timeIt(1, func() { grid = airspace.Detect(tracks, airspace.Minima{}, airspace.Options{}) }))
	}
	bt := timeIt(1, func() { brute = airspace.DetectBruteForce(tracks, airspace.Minima{}, airspace.Options{}) })
	b.report(benchResult{Suite: "airspace", Name: fmt.Sprintf("full detection, N=%d (%d conflicts)", n, len(grid)),
		Value: ms(best), Unit: "ms", Reference: ms(bt), Ratio: float64(bt) / float64(best),
		Identical: ptr(reflect.DeepEqual(grid, brute)), Note: "best of 5; brute force once"})
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// reports precomputes a stream: every aircraft of a snapshot reporting once
// a second as it flies on, for rounds seconds.
func reports(tracks []airspace.Track, rounds int) []airspace.Track {
	out := make([]airspace.Track, 0, len(tracks)*rounds)
	for r := 1; r <= rounds; r++ {
		for _, t := range tracks {
			p := geo.Destination(geo.Position{t.Lon, t.Lat}, t.TrackDeg, geo.Meters(t.GsKt*1852/3600*float64(r)))
			t.Lon, t.Lat = p[0], p[1]
			t.AltFt = max(airspace.MinAltFt, min(airspace.MaxAltFt, t.AltFt+t.VsFpm/60*float64(r)))
			t.Time = t.Time.Add(time.Duration(r) * time.Second)
			out = append(out, t)
		}
	}
	return out
}

// benchIncremental: reports per second on one core through live conflict
// and no-fly detection, 10,000 aircraft of three parties and 1,000 zones.
func benchIncremental(b *bench) error {
	tracks := airspace.Scenario(1, 10000, 3)
	fences := airspace.RandomFences(1, 1000)
	d := airspace.NewDetector(airspace.DetectorConfig{})
	naive, err := airspace.NewNaive(airspace.Minima{}, fences)
	if err != nil {
		return err
	}
	for _, f := range fences {
		if _, err := d.AddFence(f); err != nil {
			return err
		}
	}
	for _, t := range tracks {
		d.Update(t)
		naive.Update(t)
	}
	stream := reports(tracks, 20)
	start := time.Now()
	for _, t := range stream {
		d.Update(t)
	}
	fast := float64(len(stream)) / time.Since(start).Seconds()
	sample := stream[:20000]
	start = time.Now()
	for _, t := range sample {
		naive.Update(t)
	}
	slow := float64(len(sample)) / time.Since(start).Seconds()
	// Same answer: bring the naive scan to the final states, then every
	// conflict the detector holds is seen by it from both ends.
	last := stream[len(stream)-len(tracks):]
	for _, t := range last {
		naive.Update(t)
	}
	total := 0
	for _, t := range last {
		c, _ := naive.Update(t)
		total += c
	}
	b.report(benchResult{Suite: "airspace", Name: "incremental, 10,000 aircraft, 3 parties, 1,000 no-fly zones",
		Value: fast, Unit: "reports/s", Reference: slow, Ratio: fast / slow,
		Identical: ptr(total == 2*len(d.Conflicts())), Note: fmt.Sprintf("one core; %d conflicts live", len(d.Conflicts()))})
	return nil
}

// benchPlans: the strategic check of one plan against 10,000 other parties'.
func benchPlans(b *bench) {
	plans := airspace.RandomPlans(1, 10001)
	fences := airspace.RandomFences(1, 100)
	var n int
	d := timeIt(5, func() { n = len(airspace.CheckPlan(plans[0], plans[1:], fences, airspace.Minima{})) })
	b.report(benchResult{Suite: "airspace", Name: fmt.Sprintf("flight plan vs 10,000 plans + 100 zones (%d conflicts)", n),
		Value: ms(d), Unit: "ms", Note: "mean of 5"})
}

// benchTracksHTTP runs a server in this process on an embedded SQLite file
// and posts batches of track reports over HTTP from several clients, while
// party A's event stream measures the latency from a report that makes a
// conflict to the alert reaching A.
func benchTracksHTTP(ctx context.Context, b *bench) error {
	m, stop, err := benchServer(ctx)
	if err != nil {
		return err
	}
	defer stop()
	coord := client.New(m.URL(), m.Token)
	cs := map[string]*client.Client{}
	for _, id := range []string{"A", "B", "C"} {
		var pc mechanism.PartyCreated
		if err := coord.Do(ctx, "POST", "/v1/parties", map[string]string{"id": id, "name": id, "role": "party"}, "", &pc); err != nil {
			return err
		}
		cs[id] = client.New(m.URL(), pc.Token)
	}
	lat := newLatencyProbe()
	go lat.listen(ctx, cs["A"])
	time.Sleep(200 * time.Millisecond)
	dur := 10 * time.Second
	if b.quick {
		dur = 3 * time.Second
	}
	n, err := postLoad(ctx, cs, dur, lat)
	if err != nil {
		return err
	}
	p50, p99 := lat.percentiles()
	b.report(benchResult{Suite: "airspace", Name: "end to end over POST /v1/tracks (SQLite, 3 clients)",
		Value: float64(n) / dur.Seconds(), Unit: "reports/s", Note: fmt.Sprintf("batches of 1,000 reports, one journal leaf per batch; %d alerts timed", lat.count())})
	b.report(benchResult{Suite: "airspace", Name: "alert latency p50 (report posted → alert on SSE)", Value: ms(p50), Unit: "ms"})
	b.report(benchResult{Suite: "airspace", Name: "alert latency p99", Value: ms(p99), Unit: "ms"})
	return nil
}

// loadTracks are the background traffic of the HTTP run: 10,000 aircraft of
// three parties, each party in its own altitude band in level flight, so
// that no background pair conflicts and the run measures ingestion, not
// alert writing (alerts are timed by the probe).
func loadTracks() map[string][]airspace.Track {
	out := map[string][]airspace.Track{}
	for i, t := range airspace.Scenario(2, 10000, 3) {
		k := i % 3
		p := string(rune('A' + k))
		t.AltFt = 8000 + float64(k)*11000 + float64(i%8)*1000 // A FL80–150, B FL190–260, C FL300–370
		t.VsFpm = 0
		out[p] = append(out[p], t)
	}
	return out
}

// postLoad posts batches of 1,000 reports for dur from each party's client,
// while the probe makes one head-on pair of A and B every 200 ms.
func postLoad(ctx context.Context, cs map[string]*client.Client, dur time.Duration, lat *latencyProbe) (int64, error) {
	byParty := loadTracks()
	var sent atomic.Int64
	errs := make(chan error, len(cs)+1)
	var wg sync.WaitGroup
	deadline := time.Now().Add(dur)
	for p, c := range cs {
		wg.Add(1)
		go func(p string, c *client.Client) {
			defer wg.Done()
			for round := 0; time.Now().Before(deadline); round++ {
				if err := c.Do(ctx, "POST", "/v1/tracks", loadBatch(byParty[p], round), "", nil); err != nil {
					errs <- err
					return
				}
				sent.Add(1000)
			}
		}(p, c)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; time.Now().Before(deadline); i++ {
			if err := lat.probe(ctx, cs["A"], cs["B"], i); err != nil {
				errs <- err
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
	wg.Wait()
	close(errs)
	return sent.Load(), <-errs
}

func loadBatch(tracks []airspace.Track, round int) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	at := time.Now().UTC()
	off := (round * 1000) % (len(tracks) - 1000)
	for _, t := range tracks[off : off+1000] {
		t.Party, t.Time = "", at
		enc.Encode(t)
	}
	return buf.Bytes()
}

// probe posts B's aircraft, then A's, head-on 10 NM apart at FL450 over
// the desert, and starts A's clock.
func (l *latencyProbe) probe(ctx context.Context, a, b *client.Client, i int) error {
	at := time.Now().UTC()
	id := fmt.Sprintf("PAIR%d", i)
	lat := 32.0 + float64(i%100)*0.3
	tb := airspace.Track{ID: id, Lat: lat, Lon: 40.2, AltFt: 45000, GsKt: 450, TrackDeg: 270, Time: at}
	if err := b.Do(ctx, "POST", "/v1/tracks", []airspace.Track{tb}, "", nil); err != nil {
		return err
	}
	ta := airspace.Track{ID: id, Lat: lat, Lon: 40.0, AltFt: 45000, GsKt: 450, TrackDeg: 90, Time: at}
	l.sent(id)
	return a.Do(ctx, "POST", "/v1/tracks", []airspace.Track{ta}, "", nil)
}

// latencyProbe times, for each pair, the interval from A posting its
// aircraft to the first alert about it on A's event stream.
type latencyProbe struct {
	mu    sync.Mutex
	start map[string]time.Time
	got   []time.Duration
}

func newLatencyProbe() *latencyProbe { return &latencyProbe{start: map[string]time.Time{}} }

func (l *latencyProbe) sent(id string) {
	l.mu.Lock()
	l.start[id] = time.Now()
	l.mu.Unlock()
}

func (l *latencyProbe) listen(ctx context.Context, c *client.Client) {
	resp, err := c.Stream(ctx, "/v1/events", http.Header{})
	if err != nil {
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "data: ") || !strings.Contains(line, `"separation"`) {
			continue
		}
		i := strings.Index(line, `"track_id":"PAIR`)
		if i < 0 {
			continue
		}
		id := strings.SplitN(line[i+len(`"track_id":"`):], `"`, 2)[0]
		l.mu.Lock()
		if t, ok := l.start[id]; ok {
			l.got = append(l.got, time.Since(t))
			delete(l.start, id)
		}
		l.mu.Unlock()
	}
}

func (l *latencyProbe) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.got)
}

func (l *latencyProbe) percentiles() (time.Duration, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.got) == 0 {
		return 0, 0
	}
	s := slices.Clone(l.got)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)]
}
