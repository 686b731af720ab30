package ucdp

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"concord/internal/ceasefire"
)

// fullFile returns the whole GED file (the project's shared data, kept
// gzipped in testdata so that a fresh clone has it).
func fullFile(tb testing.TB) []byte {
	tb.Helper()
	f, err := os.Open(fullPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func fullReports(tb testing.TB) []ceasefire.Report {
	events := readAll(tb, bytes.NewReader(fullFile(tb)))
	out := make([]ceasefire.Report, len(events))
	for i, e := range events {
		out[i] = ToReport(e, syriaSides)
	}
	return out
}

// TestFullFile imports all 16,566 events: each parses, converts to a valid
// report with a unique external ID, and converts the same way twice, so a
// re-import changes nothing.
func TestFullFile(t *testing.T) {
	data := fullFile(t)
	events := readAll(t, bytes.NewReader(data))
	if len(events) != fullEvents {
		t.Fatalf("%d events, want %d", len(events), fullEvents)
	}
	seen := map[string]bool{}
	now := time.Now()
	for _, e := range events {
		r := ToReport(e, syriaSides)
		if err := r.Validate(now); err != nil {
			t.Errorf("event %d: %v", e.ID, err)
		}
		if seen[r.ExternalID] {
			t.Errorf("external ID %s twice", r.ExternalID)
		}
		seen[r.ExternalID] = true
		if again := ToReport(e, syriaSides); !reflect.DeepEqual(r, again) {
			t.Errorf("event %d converts differently twice", e.ID)
		}
	}
}

// TestFullFileClustering: on the real events, the batch clustering equals the
// brute-force reference and the incremental one fed in reverse.
func TestFullFileClustering(t *testing.T) {
	if testing.Short() {
		t.Skip("brute force over 16,566 reports")
	}
	rs := fullReports(t)
	batch, err := ceasefire.Cluster(rs, ceasefire.Params{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	brute, _ := ceasefire.ClusterBrute(rs, ceasefire.Params{}, nil)
	if !reflect.DeepEqual(batch, brute) {
		t.Fatal("batch and brute force differ on the real events")
	}
	c := ceasefire.NewClusterer(ceasefire.Params{}, nil)
	for i := len(rs) - 1; i >= 0; i-- {
		c.Add(rs[i])
	}
	if !reflect.DeepEqual(c.Incidents(), batch) {
		t.Fatal("incremental and batch differ on the real events")
	}
	t.Logf("%d reports → %d incidents", len(rs), len(batch))
}

// TestCessationMonthDaily: for every day of the first month of the 2016
// cessation of hostilities (27 February – 27 March 2016), the daily summary's
// report counts and death totals equal a count made straight from the CSV
// with encoding/csv, independently of Reader and ToReport.
func TestCessationMonthDaily(t *testing.T) {
	data := fullFile(t)
	want := independentDailyCounts(t, data)
	rs := fullReports(t)
	incs, err := ceasefire.Cluster(rs, ceasefire.Params{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := ceasefire.NewLedger(rs, incs, nil)
	first := time.Date(2016, 2, 27, 0, 0, 0, 0, time.UTC)
	for day := first; !day.After(first.AddDate(0, 0, 29)); day = day.AddDate(0, 0, 1) {
		s := l.Daily(day)
		got := s.Total.Reports.Day
		w := want[day.Format(time.DateOnly)]
		if got.Total != w[0] || got.Killed != w[1] || got.CivilianKilled != w[2] {
			t.Errorf("%s: %d events, %d deaths, %d civilians; the CSV says %v", s.Date, got.Total, got.Killed, got.CivilianKilled, w)
		}
		if d := ceasefire.Daily(rs, incs, day, nil); !reflect.DeepEqual(d, s) {
			t.Errorf("%s: Daily and Ledger.Daily differ", s.Date)
		}
	}
}

// independentDailyCounts returns, per date_start, the events, the sum of best
// and the sum of deaths_civilians.
func independentDailyCounts(t *testing.T, data []byte) map[string][3]int {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	out := map[string][3]int{}
	for _, row := range rows[1:] {
		best, _ := strconv.Atoi(row[col["best"]])
		civ, _ := strconv.Atoi(row[col["deaths_civilians"]])
		c := out[row[col["date_start"]]]
		out[row[col["date_start"]]] = [3]int{c[0] + 1, c[1] + best, c[2] + civ}
	}
	return out
}

func BenchmarkReader(b *testing.B) {
	data := fullFile(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		readAll(b, bytes.NewReader(data))
	}
	b.ReportMetric(float64(fullEvents*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkCluster clusters the 16,566 real events: the batch sweep, the
// incremental Clusterer, and the brute-force reference.
func BenchmarkCluster(b *testing.B) {
	rs := fullReports(b)
	run := map[string]func(){
		"batch": func() { ceasefire.Cluster(rs, ceasefire.Params{}, nil) },
		"incremental": func() {
			c := ceasefire.NewClusterer(ceasefire.Params{}, nil)
			for _, r := range rs {
				c.Add(r)
			}
		},
		"brute": func() { ceasefire.ClusterBrute(rs, ceasefire.Params{}, nil) },
	}
	for _, name := range []string{"batch", "incremental", "brute"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				run[name]()
			}
			b.ReportMetric(float64(len(rs)*b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}
