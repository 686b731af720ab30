package ceasefire

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkCluster clusters 5,000 synthetic reports spread over 50 km and a
// day (see randomReports): the batch sweep, the incremental Clusterer, and the
// brute-force reference. The real-data benchmark is ucdp.BenchmarkCluster.
func BenchmarkCluster(b *testing.B) {
	rs := randomReports(rand.New(rand.NewPCG(31, 32)), 5000, origin, 50, 24)
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"batch", func() { Cluster(rs, Params{}, nil) }},
		{"incremental", func() {
			c := NewClusterer(Params{}, nil)
			for _, r := range rs {
				c.Add(r)
			}
		}},
		{"brute", func() { ClusterBrute(rs, Params{}, nil) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.run()
			}
			b.ReportMetric(float64(len(rs)*b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}
