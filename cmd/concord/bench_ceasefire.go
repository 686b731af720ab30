package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"concord/internal/ceasefire"
	"concord/internal/client"
	"concord/internal/feed/ucdp"
	"concord/internal/mechanism"
	"concord/internal/sim"
	"concord/internal/zones"
)

func init() { benchSuites["ceasefire"] = benchCeasefire }

// defaultGED is the real event data the suite uses when it is present.
const defaultGED = "internal/feed/ucdp/testdata/ucdp_ged_syria_20160101_20191130.csv.gz"

// gedSides maps the main GED sides of the Syrian war to party IDs, for the
// benchmark and the tests (any mapping would do: alleged parties change no
// incident, only the summaries' party rows).
var gedSides = map[string]string{
	"Government of Syria":  "sy-gov",
	"Syrian insurgents":    "sy-opp",
	"SDF":                  "sdf",
	"Government of Turkey": "tr-gov",
	"IS":                   "is",
}

// ceasefireBench is one run of the suite.
type ceasefireBench struct{ *bench }

// benchCeasefire measures reports per second through incident clustering
// (the batch sweep and the incremental Clusterer, each beside the brute-force
// reference, with a check that all three give identical incidents) and the
// time of a year of daily summaries (one Ledger, and Daily per day, beside
// re-bucketing every report for every day). Its own flags follow "--":
// --data FILE (a GED CSV; default the shared file if present, else
// synthetic reports), --e2e (also import the file over HTTP into an
// in-process server, twice). --quick uses the first 3,000 reports.
func benchCeasefire(ctx context.Context, bb *bench) error {
	fs := flag.NewFlagSet("bench ceasefire", flag.ContinueOnError)
	data := fs.String("data", "", "UCDP GED CSV file (default: "+defaultGED+" if present, else synthetic reports)")
	e2e := fs.Bool("e2e", false, "also import the reports over HTTP into an in-process server (SQLite), then re-import them")
	if err := fs.Parse(bb.args); err != nil {
		return err
	}
	rs, source, err := benchReports(*data, 16566)
	if err != nil {
		return err
	}
	if bb.quick && len(rs) > 3000 {
		rs = rs[:3000]
	}
	b := ceasefireBench{bb}
	fmt.Fprintf(b.out, "ceasefire: %d reports from %s\n", len(rs), source)
	incs, err := b.clustering(rs)
	if err != nil {
		return err
	}
	if err := b.daily(rs, incs); err != nil {
		return err
	}
	if !*e2e {
		return nil
	}
	if strings.HasPrefix(source, "synthetic") {
		return errors.New("--e2e imports a GED file: give --data FILE")
	}
	return b.endToEnd(ctx, source, incs)
}

// benchReports reads the GED file (the named one, else the default if
// present) or makes synthetic reports.
func benchReports(path string, synthetic int) ([]ceasefire.Report, string, error) {
	if path == "" {
		if _, err := os.Stat(defaultGED); err == nil {
			path = defaultGED
		}
	}
	if path == "" {
		return syntheticReports(synthetic), fmt.Sprintf("synthetic (%d over Syria, 2016)", synthetic), nil
	}
	rs, err := readGED(path)
	return rs, path, err
}

// readGED maps every event of a GED file to a report (IDs "ucdp-ID").
func readGED(path string) ([]ceasefire.Report, error) {
	f, err := openMaybeGzip(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ceasefire.Report
	rd := ucdp.NewReader(f)
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ucdp.ToReport(e, gedSides))
	}
}

// syntheticReports spreads n reports over Syria and 2016, a few per place
// and hour so that incidents form, with GED-like uncertainties.
func syntheticReports(n int) []ceasefire.Report {
	rng := rand.New(rand.NewPCG(2016, 2))
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	uncertainty := []float64{0, 500, 1000, 1000, 5000, 25000}
	out := make([]ceasefire.Report, n)
	for i := range out {
		p := ceasefire.Point{Lat: 32.5 + rng.Float64()*4.5, Lon: 35.8 + rng.Float64()*6.2}
		out[i] = ceasefire.Report{
			ID: fmt.Sprintf("s-%06d", i), Author: fmt.Sprintf("p%d", rng.IntN(5)), Location: &p,
			ObservedAt: start.Add(time.Duration(rng.Int64N(int64(366 * 24 * time.Hour)))).Truncate(time.Minute),
			Category:   ceasefire.Categories[rng.IntN(4)], UncertaintyM: uncertainty[rng.IntN(len(uncertainty))],
			Confidence: ceasefire.Seen, Casualties: ceasefire.Casualties{Killed: rng.IntN(3)},
		}
	}
	return out
}

// clustering times the batch sweep and the incremental Clusterer beside the
// brute-force reference, and checks that the three agree.
func (b ceasefireBench) clustering(rs []ceasefire.Report) ([]ceasefire.Incident, error) {
	var brute, batch, incr []ceasefire.Incident
	var err error
	bruteDur := timeIt(1, func() { brute, err = ceasefire.ClusterBrute(rs, ceasefire.Params{}, nil) })
	if err != nil {
		return nil, err
	}
	batchDur := timeIt(5, func() { batch, _ = ceasefire.Cluster(rs, ceasefire.Params{}, nil) })
	incrDur := timeIt(5, func() {
		c := ceasefire.NewClusterer(ceasefire.Params{}, nil)
		for _, r := range rs {
			c.Add(r)
		}
		incr = c.Incidents()
	})
	same := reflect.DeepEqual(batch, brute) && reflect.DeepEqual(incr, brute)
	n := float64(len(rs))
	ref := n / bruteDur.Seconds()
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"clustering, batch sweep (Cluster)", batchDur}, {"clustering, incremental (Clusterer.Add)", incrDur}} {
		v := n / f.d.Seconds()
		b.report(benchResult{Suite: "ceasefire", Name: f.name, Value: v, Unit: "reports/s", Reference: ref, Ratio: v / ref,
			Identical: ptr(same), Note: fmt.Sprintf("%d reports → %d incidents", len(rs), len(batch))})
	}
	if !same {
		return nil, errors.New("clustering: the batch, incremental and brute-force incidents differ")
	}
	return batch, nil
}

// daily times a year of daily summaries over the governorates.
func (b ceasefireBench) daily(rs []ceasefire.Report, incs []ceasefire.Incident) error {
	year := busiestYear(rs)
	first := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	areas, err := governorateAreas(first)
	if err != nil {
		return err
	}
	days := int(first.AddDate(1, 0, 0).Sub(first).Hours() / 24)
	ledger, perDay, naive := make([]ceasefire.Summary, days), make([]ceasefire.Summary, days), make([]ceasefire.Summary, days)
	ledgerDur := timeIt(3, func() {
		l := ceasefire.NewLedger(rs, incs, areas)
		for d := range days {
			ledger[d] = l.Daily(first.AddDate(0, 0, d))
		}
	})
	perDayDur := timeIt(3, func() {
		for d := range days {
			perDay[d] = ceasefire.Daily(rs, incs, first.AddDate(0, 0, d), areas)
		}
	})
	naiveDur := timeIt(1, func() {
		for d := range days {
			naive[d] = ceasefire.NewLedger(rs, incs, areas).Daily(first.AddDate(0, 0, d))
		}
	})
	same := reflect.DeepEqual(ledger, naive) && reflect.DeepEqual(perDay, naive)
	ref := millis(naiveDur)
	note := fmt.Sprintf("%d days of %d, %d areas; naive re-buckets every report each day", days, year, len(areas))
	b.report(benchResult{Suite: "ceasefire", Name: "daily summaries for a year, one Ledger", Value: millis(ledgerDur), Unit: "ms/year",
		Reference: ref, Ratio: ref / millis(ledgerDur), Identical: ptr(same), Note: note})
	b.report(benchResult{Suite: "ceasefire", Name: "daily summaries for a year, Daily per day", Value: millis(perDayDur), Unit: "ms/year",
		Reference: ref, Ratio: ref / millis(perDayDur), Identical: ptr(same), Note: note})
	if !same {
		return errors.New("daily summaries: the ledger, per-day and naive summaries differ")
	}
	return nil
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func busiestYear(rs []ceasefire.Report) int {
	count := map[int]int{}
	best := 0
	for _, r := range rs {
		y := r.ObservedAt.Year()
		count[y]++
		if count[y] > count[best] || count[y] == count[best] && y < best {
			best = y
		}
	}
	return best
}

// governorateAreas returns the Syrian governorates (Natural Earth, embedded
// by the demo) as ceasefire areas in force from start.
func governorateAreas(start time.Time) ([]ceasefire.Area, error) {
	zs, err := zones.Import(sim.Governorates, "syria_adm1.geojson", zones.Defaults{Kind: zones.CeasefireArea, Start: start})
	if err != nil {
		return nil, err
	}
	out := make([]ceasefire.Area, len(zs))
	for i, z := range zs {
		z.ID = fmt.Sprintf("gov-%02d", i)
		out[i] = mechanism.CeasefireArea(z)
	}
	return out, nil
}

// endToEnd imports the GED file over HTTP into a fresh in-process server,
// then again, and checks that the server's incidents partition the reports
// as Cluster did.
func (b ceasefireBench) endToEnd(ctx context.Context, path string, want []ceasefire.Incident) error {
	m, stop, err := benchServer(ctx)
	if err != nil {
		return err
	}
	defer stop()
	obs, err := benchObserver(ctx, client.New(m.URL(), m.Token))
	if err != nil {
		return err
	}
	for i, name := range []string{"import over HTTP, end to end", "re-import over HTTP (adds nothing)"} {
		imp := &gedImport{file: path, sides: gedSides, batch: reportBatch, stderr: io.Discard}
		start := time.Now()
		if err := imp.check(); err != nil {
			return err
		}
		if err := imp.t.start(ctx, obs); err != nil {
			return err
		}
		if err := imp.send(ctx, obs); err != nil {
			return err
		}
		secs := time.Since(start).Seconds()
		b.report(benchResult{Suite: "ceasefire", Name: name, Value: float64(imp.total) / secs, Unit: "reports/s",
			Note: fmt.Sprintf("%d events over HTTP in %.1f s, batches of %d, SQLite", imp.total, secs, reportBatch)})
		if i == 1 && len(imp.t.stored) > 0 {
			return fmt.Errorf("re-import stored %d reports", len(imp.t.stored))
		}
	}
	got, err := serverPartition(ctx, obs)
	if err != nil {
		return err
	}
	same := reflect.DeepEqual(got, partitionOf(want, func(id string) string { return strings.Replace(id, "ucdp-", "ucdp:", 1) }))
	b.report(benchResult{Suite: "ceasefire", Name: "server incidents equal Cluster's", Value: float64(len(got)), Unit: "incidents", Identical: ptr(same)})
	if !same {
		return errors.New("the server's incidents differ from Cluster's")
	}
	return nil
}

func benchObserver(ctx context.Context, coord *client.Client) (*client.Client, error) {
	var pc mechanism.PartyCreated
	err := coord.Do(ctx, "POST", "/v1/parties", mechanism.NewParty{ID: "observers", Name: "Observer mission", Role: "observer"}, "", &pc)
	return client.New(coord.URL, pc.Token), err
}

// partitionOf returns the incidents as sorted lists of report keys (key
// maps a report ID to what identifies it across servers), sorted.
func partitionOf(incs []ceasefire.Incident, key func(string) string) [][]string {
	out := make([][]string, len(incs))
	for i, inc := range incs {
		for _, id := range inc.Reports {
			out[i] = append(out[i], key(id))
		}
		slices.Sort(out[i])
	}
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}

// serverPartition reads every report and current incident an observer sees
// and returns the incidents as lists of external IDs (or report IDs).
func serverPartition(ctx context.Context, c *client.Client) ([][]string, error) {
	key := map[string]string{}
	var next string
	for first := true; first || next != ""; first = false {
		var page mechanism.ReportList
		if err := c.Do(ctx, "GET", "/v1/reports?limit=10000&after="+next, nil, "", &page); err != nil {
			return nil, err
		}
		for _, r := range page.Reports {
			key[r.ID] = cmpString(r.ExternalID, r.ID)
		}
		next = page.Next
	}
	var incs []ceasefire.Incident
	for first := true; first || next != ""; first = false {
		var page struct {
			Incidents []mechanism.IncidentDoc `json:"incidents"`
			Next      string                  `json:"next"`
		}
		if err := c.Do(ctx, "GET", "/v1/incidents?limit=10000&after="+next, nil, "", &page); err != nil {
			return nil, err
		}
		for _, d := range page.Incidents {
			incs = append(incs, d.Incident)
		}
		next = page.Next
	}
	return partitionOf(incs, func(id string) string { return key[id] }), nil
}

func cmpString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
