package airspace

import (
	"fmt"
	"testing"
	"time"
)

func BenchmarkDetect(b *testing.B) {
	for _, n := range []int{2000, 10000, 50000} {
		tracks := Scenario(1, n, 3)
		b.Run(fmt.Sprintf("grid/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				Detect(tracks, Minima{}, Options{})
			}
		})
		if n > 10000 {
			continue
		}
		b.Run(fmt.Sprintf("brute/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				DetectBruteForce(tracks, Minima{}, Options{})
			}
		})
	}
}

// stream is a benchmark feed: aircraft of a snapshot moving on, one report
// per aircraft per second, generated without trigonometry.
type stream struct {
	base       []Track
	dLat, dLon []float64
}

func newStream(tracks []Track) *stream {
	s := &stream{base: tracks}
	for _, t := range tracks {
		la, lo := destination(t.Lat, t.Lon, t.TrackDeg, t.GsKt*msPerKt)
		s.dLat, s.dLon = append(s.dLat, la-t.Lat), append(s.dLon, lo-t.Lon)
	}
	return s
}

func (s *stream) report(i int) Track {
	k, round := i%len(s.base), float64(i/len(s.base)+1)
	t := s.base[k]
	t.Lat, t.Lon = t.Lat+s.dLat[k]*round, t.Lon+s.dLon[k]*round
	t.AltFt = max(MinAltFt, min(MaxAltFt, t.AltFt+t.VsFpm/60*round))
	t.Time = t.Time.Add(time.Duration(round) * time.Second)
	return t
}

func benchDetector(b *testing.B, fences int) {
	tracks := Scenario(1, 10000, 3)
	d := NewDetector(DetectorConfig{})
	for _, f := range RandomFences(1, fences) {
		if _, err := d.AddFence(f); err != nil {
			b.Fatal(err)
		}
	}
	for _, t := range tracks {
		d.Update(t)
	}
	s := newStream(tracks)
	changes := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		changes += len(d.Update(s.report(i)))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(changes)/float64(b.N), "changes/report")
}

func BenchmarkDetectorUpdate(b *testing.B) {
	b.Run("aircraft=10000/fences=0", func(b *testing.B) { benchDetector(b, 0) })
	b.Run("aircraft=10000/fences=1000", func(b *testing.B) { benchDetector(b, 1000) })
}

func BenchmarkCheckPlan(b *testing.B) {
	plans := RandomPlans(1, 10001)
	fences := RandomFences(1, 100)
	p, others := plans[0], plans[1:]
	n := 0
	for b.Loop() {
		n = len(CheckPlan(p, others, fences, Minima{}))
	}
	b.ReportMetric(float64(n), "conflicts")
}
