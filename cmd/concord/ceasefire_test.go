package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"concord/internal/ceasefire"
	"concord/internal/client"
	"concord/internal/mechanism"
	"concord/internal/sim"
	"concord/internal/store/postgres/pgtest"
)

// The tests of issue 5's "What it must show", end to end over HTTP.

// cfDay is the day the synthetic reports of these tests happen on.
var cfDay = time.Date(2016, 3, 1, 0, 0, 0, 0, time.UTC)

// cfReport is a report's JSON as a client sends it.
type cfReport struct {
	ObservedAt   time.Time            `json:"observed_at"`
	Location     *ceasefire.Point     `json:"location,omitempty"`
	UncertaintyM float64              `json:"uncertainty_m"`
	Category     string               `json:"category"`
	AllegedParty string               `json:"alleged_party,omitempty"`
	Casualties   ceasefire.Casualties `json:"casualties"`
	Sources      []string             `json:"sources,omitempty"`
	Evidence     []ceasefire.Evidence `json:"evidence,omitempty"`
	Confidence   string               `json:"confidence"`
	ExternalID   string               `json:"external_id,omitempty"`
	Narrative    string               `json:"narrative,omitempty"`
}

func report(lat, lon float64, at time.Time, cat string) cfReport {
	return cfReport{ObservedAt: at, Location: &ceasefire.Point{Lat: lat, Lon: lon}, Category: cat, Confidence: "seen"}
}

func submit(t *testing.T, c *client.Client, key string, rs ...cfReport) mechanism.ReportsSubmitted {
	t.Helper()
	var out mechanism.ReportsSubmitted
	if err := c.Do(context.Background(), "POST", "/v1/reports", map[string]any{"reports": rs}, key, &out); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return out
}

// incidents returns every incident c may see (full documents: observers).
func incidents(t *testing.T, c *client.Client, query string) []mechanism.IncidentDoc {
	t.Helper()
	var all []mechanism.IncidentDoc
	next := ""
	for first := true; first || next != ""; first = false {
		var page struct {
			Incidents []mechanism.IncidentDoc
			Next      string
		}
		if err := c.Do(context.Background(), "GET", "/v1/incidents?limit=10000&after="+next+query, nil, "", &page); err != nil {
			t.Fatal(err)
		}
		all, next = append(all, page.Incidents...), page.Next
	}
	return all
}

// comparable returns the incidents without what depends on history
// (versions, times of writing).
func historyFree(ds []mechanism.IncidentDoc) []mechanism.IncidentDoc {
	out := slices.Clone(ds)
	for i := range out {
		out[i].Version, out[i].UpdatedAt = 0, time.Time{}
	}
	slices.SortFunc(out, func(a, b mechanism.IncidentDoc) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out
}

// serverReports returns every report an observer sees.
func serverReports(t *testing.T, c *client.Client) []ceasefire.Report {
	t.Helper()
	var all []ceasefire.Report
	next := ""
	for first := true; first || next != ""; first = false {
		var page mechanism.ReportList
		if err := c.Do(context.Background(), "GET", "/v1/reports?limit=10000&after="+next, nil, "", &page); err != nil {
			t.Fatal(err)
		}
		all, next = append(all, page.Reports...), page.Next
	}
	return all
}

// importGovernorates declares the Syrian governorates as ceasefire areas in
// force from start.
func importGovernorates(t *testing.T, s *server, start time.Time) {
	t.Helper()
	path := "/v1/zones/import?kind=ceasefire-area&name=syria_adm1.geojson&start=" + start.Format(time.RFC3339)
	if err := s.coord.Do(context.Background(), "POST", path, sim.Governorates, "", nil); err != nil {
		t.Fatal(err)
	}
}

// Must show 3: known answers over HTTP.
func TestCeasefireClusteringKnownAnswers(t *testing.T) {
	s := startServer(t, Config{})
	o := s.addParty(t, "O", "observer")
	h := s.addParty(t, "H", "humanitarian")
	const lat, lon = 35.0, 38.0
	dLat := func(km float64) float64 { return km / 111.195 }
	t0 := cfDay.Add(10 * time.Hour)
	// 1.5 km and 10 minutes apart: one incident.
	submit(t, o, "", report(lat, lon, t0, "shelling"))
	submit(t, h, "", report(lat+dLat(1.5), lon, t0.Add(10*time.Minute), "shelling"))
	// The same place, another category: a second incident.
	submit(t, o, "", report(lat, lon, t0.Add(5*time.Minute), "airstrike"))
	// 5 km apart, 2 km uncertainty each: 5 ≤ 2 + 2 + 2, linked.
	far := report(lat+dLat(30), lon, t0, "shelling")
	far.UncertaintyM = 2000
	near := report(lat+dLat(35), lon, t0.Add(time.Minute), "shelling")
	near.UncertaintyM = 2000
	submit(t, o, "", far, near)
	// 5 km apart, 1 km uncertainty each: 5 > 1 + 1 + 2, not linked.
	a, b := report(lat+dLat(60), lon, t0, "shelling"), report(lat+dLat(65), lon, t0, "shelling")
	a.UncertaintyM, b.UncertaintyM = 1000, 1000
	submit(t, o, "", a, b)
	// Outside the 30-minute window: not linked.
	submit(t, o, "", report(lat, lon, t0.Add(41*time.Minute), "shelling"))

	var sizes []string
	for _, d := range incidents(t, o, "") {
		sizes = append(sizes, fmt.Sprintf("%s@%.2fkm:%d", d.Category, (d.Centroid.Lat-lat)*111.195, len(d.Reports)))
	}
	slices.Sort(sizes)
	want := []string{"airstrike@0.00km:1", "shelling@0.00km:1", "shelling@0.75km:2", "shelling@32.50km:2", "shelling@60.00km:1", "shelling@65.00km:1"}
	if !reflect.DeepEqual(sizes, want) {
		t.Errorf("incidents %v, want %v", sizes, want)
	}
	// Two independent reporters corroborate the first incident automatically.
	for _, d := range incidents(t, o, "&category=shelling") {
		if len(d.Reports) == 2 && d.Authors == 2 && d.State != ceasefire.Corroborated {
			t.Errorf("incident %s of two reporters is %s, want corroborated", d.ID, d.State)
		}
	}
}

// randomReports makes n reports around a few places and hours, so that
// incidents of several reports form, each with an external ID.
func randomReports(seed uint64, n int) []cfReport {
	rng := rand.New(rand.NewPCG(seed, 5))
	places := []ceasefire.Point{{Lat: 33.51, Lon: 36.29}, {Lat: 36.20, Lon: 37.15}, {Lat: 34.73, Lon: 36.71}}
	cats := []string{"shelling", "airstrike", "small-arms"}
	out := make([]cfReport, n)
	for i := range out {
		p := places[rng.IntN(len(places))]
		p.Lat += (rng.Float64() - 0.5) * 0.15
		p.Lon += (rng.Float64() - 0.5) * 0.15
		r := report(p.Lat, p.Lon, cfDay.Add(time.Duration(rng.IntN(6*60))*time.Minute), cats[rng.IntN(len(cats))])
		r.UncertaintyM = []float64{0, 300, 1000, 3000}[rng.IntN(4)]
		r.AllegedParty = []string{"", "A", "B"}[rng.IntN(3)]
		r.Casualties.Killed = rng.IntN(3)
		r.Sources = []string{fmt.Sprintf("source %d", rng.IntN(20))}
		r.ExternalID = fmt.Sprintf("test:%d", i)
		out[i] = r
	}
	return out
}

type cfWorld struct {
	s          *server
	o, a, b, h *client.Client
}

func newCeasefireWorld(t *testing.T, c Config) cfWorld {
	s := startServer(t, c)
	return cfWorld{s: s, o: s.addParty(t, "O", "observer"), a: s.addParty(t, "A", "party"),
		b: s.addParty(t, "B", "party"), h: s.addParty(t, "H", "humanitarian")}
}

func (w cfWorld) author(i int) *client.Client { return []*client.Client{w.o, w.h, w.a}[i%3] }

// Must show 3, end to end: the same reports in two orders and batchings to
// two servers (SQLite, and PostgreSQL when available) give identical
// incidents, equal to Cluster and to the brute-force reference over the
// stored reports; and an amendment, a merge and a split keep it so.
func TestCeasefireOrderIndependence(t *testing.T) {
	rs := randomReports(7, 240)
	w1 := newCeasefireWorld(t, Config{})
	cfg := Config{DB: pgtest.Schema(t)}
	w2 := newCeasefireWorld(t, cfg)
	for i := 0; i < len(rs); i += 40 { // forward, in batches of 40 per author
		for k := range 3 {
			var batch []cfReport
			for j := i; j < min(i+40, len(rs)); j++ {
				if j%3 == k {
					batch = append(batch, rs[j])
				}
			}
			submit(t, w1.author(k), "", batch...)
		}
	}
	order := rand.New(rand.NewPCG(1, 2)).Perm(len(rs))
	for _, j := range order { // shuffled, one at a time
		submit(t, w2.author(j), "", rs[j])
	}
	i1, i2 := incidents(t, w1.o, ""), incidents(t, w2.o, "")
	if !reflect.DeepEqual(historyFree(i1), historyFree(i2)) {
		t.Fatalf("the two orders give different incidents (%d vs %d)", len(i1), len(i2))
	}
	checkAgainstCluster(t, w1, nil)
	if multi := countMulti(i1); multi < 10 {
		t.Fatalf("only %d incidents of several reports: the test shows little", multi)
	}

	// An amendment moving the last report of an incident of several elsewhere.
	stored := serverReports(t, w1.o)
	last := multiIncidents(i1)[0].Reports
	idx := slices.IndexFunc(stored, func(r ceasefire.Report) bool { return r.ID == last[len(last)-1] })
	moved := stored[idx]
	var mine *client.Client
	for k, id := range []string{"O", "H", "A"} {
		if moved.Author == id {
			mine = w1.author(k)
		}
	}
	moved.ID, moved.Version, moved.Author, moved.Flags = "", 0, "", nil
	moved.Location = &ceasefire.Point{Lat: 35.9, Lon: 39.0}
	if err := mine.Do(context.Background(), "POST", "/v1/reports/"+stored[idx].ID+"/amend", moved, "", nil); err != nil {
		t.Fatal(err)
	}
	checkAgainstCluster(t, w1, nil)

	// An observer's merge and split stick when more reports arrive.
	multi := multiIncidents(incidents(t, w1.o, ""))
	var merged struct{ Incident mechanism.IncidentDoc }
	pair := []string{string(multi[0].ID), string(multi[1].ID)}
	if err := w1.o.Do(context.Background(), "POST", "/v1/incidents/merge", map[string]any{"incidents": pair}, "", &merged); err != nil {
		t.Fatal(err)
	}
	victim := multi[2].Reports[len(multi[2].Reports)-1]
	if err := w1.o.Do(context.Background(), "POST", "/v1/incidents/"+string(multi[2].ID)+"/split", map[string]string{"report": victim}, "", nil); err != nil {
		t.Fatal(err)
	}
	decisions := ceasefire.Overrides{{Merge: []string{anchor(pair[0]), anchor(pair[1])}}, {Split: victim}}
	more := randomReports(8, 60)
	for i := range more {
		more[i].ExternalID = fmt.Sprintf("more:%d", i)
	}
	submit(t, w1.o, "", more...)
	got := checkAgainstCluster(t, w1, decisions)
	if !slices.ContainsFunc(got, func(d mechanism.IncidentDoc) bool {
		return slices.Contains(d.Reports, anchor(pair[0])) && slices.Contains(d.Reports, anchor(pair[1]))
	}) {
		t.Error("the merge did not stick")
	}
	if !slices.ContainsFunc(got, func(d mechanism.IncidentDoc) bool { return len(d.Reports) == 1 && d.Reports[0] == victim }) {
		t.Error("the split did not stick")
	}
}

func anchor(id string) string { return strings.TrimPrefix(id, ceasefire.IncidentPrefix) }

func countMulti(ds []mechanism.IncidentDoc) int { return len(multiIncidents(ds)) }

func multiIncidents(ds []mechanism.IncidentDoc) []mechanism.IncidentDoc {
	var out []mechanism.IncidentDoc
	for _, d := range ds {
		if len(d.Reports) > 1 {
			out = append(out, d)
		}
	}
	return out
}

// checkAgainstCluster checks that the server's incidents are Cluster's and
// the brute force's over the stored reports, and returns them.
func checkAgainstCluster(t *testing.T, w cfWorld, o ceasefire.Overrides) []mechanism.IncidentDoc {
	t.Helper()
	rs := serverReports(t, w.o)
	var areas []ceasefire.Area // no ceasefire areas are declared in these worlds
	want, err := ceasefire.Cluster(rs, ceasefire.Params{Areas: areas}, o)
	if err != nil {
		t.Fatal(err)
	}
	brute, _ := ceasefire.ClusterBrute(rs, ceasefire.Params{}, o)
	if !reflect.DeepEqual(want, brute) {
		t.Fatal("Cluster and ClusterBrute differ")
	}
	got := incidents(t, w.o, "")
	var gotIncs []ceasefire.Incident
	for _, d := range got {
		gotIncs = append(gotIncs, d.Incident)
	}
	slices.SortFunc(gotIncs, func(a, b ceasefire.Incident) int {
		return cmpOr(a.Start.Compare(b.Start), strings.Compare(string(a.ID), string(b.ID)))
	})
	if !reflect.DeepEqual(gotIncs, want) {
		t.Fatalf("server incidents (%d) differ from Cluster over the stored reports (%d)", len(gotIncs), len(want))
	}
	return got
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func TestCeasefireVerificationSQLite(t *testing.T) { testVerification(t, Config{}) }

func TestCeasefireVerificationPostgres(t *testing.T) {
	testVerification(t, Config{DB: pgtest.Schema(t)})
}

// Must show 4: reported → corroborated (automatically) → RFI → response →
// verified, over HTTP, each step journaled, the wrong role refused at every
// step, and the armed party never given a coordinate.
func testVerification(t *testing.T, cfg Config) {
	w := newCeasefireWorld(t, cfg)
	ctx := context.Background()
	at := cfDay.Add(9 * time.Hour)
	r1 := report(hospitalLat, hospitalLon, at, "shelling")
	r1.AllegedParty, r1.Sources = "A", []string{"field team"}
	first := submit(t, w.h, "", r1)
	inc := first.Incidents[0]
	path := "/v1/incidents/" + inc
	expect := func(c *client.Client, method, p, body string, status int) {
		t.Helper()
		if got, b := raw(t, c, method, p, body, nil); got != status {
			t.Errorf("%s %s: %d, want %d: %s", method, p, got, status, b)
		}
	}
	// One report: verify is refused (it needs corroboration), by state.
	expect(w.o, "POST", path+"/verdict", `{"verdict":"verify"}`, http.StatusConflict)
	r2 := report(hospitalLat+0.005, hospitalLon, at.Add(4*time.Minute), "shelling")
	r2.AllegedParty = "A"
	second := submit(t, w.o, "", r2)
	if !slices.Contains(second.Incidents, inc) {
		t.Fatalf("the second report did not join %s: %v", inc, second.Incidents)
	}
	var detail struct {
		Incident mechanism.IncidentDoc
		RFIs     []mechanism.RFIDoc
	}
	if err := w.o.Do(ctx, "GET", path, nil, "", &detail); err != nil || detail.Incident.State != ceasefire.Corroborated {
		t.Fatalf("after a second reporter: %v %s", err, detail.Incident.State)
	}
	deadline := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	rfi := `{"question":"Did your forces fire on this area at 09:00?","deadline":"` + deadline + `"}`
	size := w.s.size(t)
	for _, c := range []*client.Client{w.a, w.h, w.s.coord} { // wrong roles: the RFI
		expect(c, "POST", path+"/rfi", rfi, http.StatusForbidden)
	}
	expect(w.o, "POST", path+"/rfi", `{"party":"B","question":"?","deadline":"`+deadline+`"}`, http.StatusBadRequest)
	if w.s.size(t) != size {
		t.Fatal("refused requests changed the journal")
	}
	var sent struct{ RFI mechanism.RFIDoc }
	if err := w.o.Do(ctx, "POST", path+"/rfi", json.RawMessage(rfi), "", &sent); err != nil || sent.RFI.Party != "A" {
		t.Fatalf("rfi: %v %+v", err, sent.RFI)
	}
	response := `{"text":"No unit of ours fired there.","accepts":false}`
	for _, c := range []*client.Client{w.o, w.h, w.s.coord} { // wrong roles: the response
		expect(c, "POST", path+"/response", response, http.StatusForbidden)
	}
	expect(w.b, "POST", path+"/response", response, http.StatusNotFound) // not alleged: sees nothing
	var answered struct{ RFI mechanism.RFIDoc }
	if err := w.a.Do(ctx, "POST", path+"/response", json.RawMessage(response), "", &answered); err != nil || answered.RFI.Response == nil {
		t.Fatalf("response: %v", err)
	}
	expect(w.a, "POST", path+"/response", response, http.StatusConflict) // answered once
	for _, c := range []*client.Client{w.a, w.h, w.s.coord} {            // wrong roles: the verdict
		expect(c, "POST", path+"/verdict", `{"verdict":"verify"}`, http.StatusForbidden)
	}
	expect(w.o, "POST", path+"/verdict", `{"verdict":"approve"}`, http.StatusBadRequest)
	var verdict struct{ Incident mechanism.IncidentDoc }
	if err := w.o.Do(ctx, "POST", path+"/verdict", map[string]string{"verdict": "verify", "reason": "two reporters, crater analysis"}, "", &verdict); err != nil {
		t.Fatal(err)
	}
	if verdict.Incident.State != ceasefire.Verified {
		t.Errorf("state %s after verify", verdict.Incident.State)
	}
	expect(w.o, "POST", path+"/verdict", `{"verdict":"verify"}`, http.StatusConflict) // the same verdict again
	for _, c := range []*client.Client{w.a, w.h} {                                    // wrong roles: merge and split
		expect(c, "POST", "/v1/incidents/merge", `{"incidents":["`+inc+`","inc-x"]}`, http.StatusForbidden)
		expect(c, "POST", path+"/split", `{"report":"x"}`, http.StatusForbidden)
	}
	// The journal holds every step; the RFI's history keeps question and answer.
	kinds := cfLeafKinds(t, w.s)
	for _, k := range []string{"report.submit", "incident.create", "incident.update", "rfi.send", "rfi.response", "incident.verdict"} {
		if !strings.Contains(kinds, k) {
			t.Errorf("the journal lacks %s", k)
		}
	}
	// The alleged party sees the incident, coarsely; the other party does not.
	_, seen := raw(t, w.a, "GET", path, "", nil)
	if !strings.Contains(seen, `"coarse":true`) || strings.Contains(seen, "centroid") || len(leaks(seen)) > 0 {
		t.Errorf("the alleged party's view: %s", seen)
	}
	if !strings.Contains(seen, "No unit of ours fired there.") || !strings.Contains(seen, `"verified"`) {
		t.Errorf("the alleged party does not see its RFI and the verdict: %s", seen)
	}
	expect(w.b, "GET", path, "", http.StatusNotFound)
	expect(w.a, "GET", "/v1/reports/"+first.Reports[0].ID, "", http.StatusNotFound)
	// The journal verifies, reports, incidents and RFIs checked against their leaves.
	if out, err := verify(t, w.s, t.TempDir()); err != nil {
		t.Errorf("concord verify: %v\n%s", err, out)
	}
}

// cfLeafKinds returns the kinds of every journal leaf, space-separated.
func cfLeafKinds(t *testing.T, s *server) string {
	t.Helper()
	var kinds []string
	n := s.size(t)
	for start := int64(0); start < n; start += mechanism.MaxLeavesPage {
		var out struct{ Leaves []struct{ Data string } }
		if err := s.coord.Do(context.Background(), "GET", fmt.Sprintf("/v1/journal/leaves?start=%d&end=%d", start, n), nil, "", &out); err != nil {
			t.Fatal(err)
		}
		for _, l := range out.Leaves {
			kinds = append(kinds, strings.SplitN(strings.SplitN(l.Data, "\nkind ", 2)[1], "\n", 2)[0])
		}
	}
	return strings.Join(kinds, " ")
}

// Armed parties get no coordinate of an incident at a protected site: not in
// the incident, the list, the exports or the event stream.
func TestCeasefireProtectedSiteCoordinates(t *testing.T) {
	w := newCeasefireWorld(t, Config{})
	ctx := context.Background()
	if err := w.h.Do(ctx, "POST", "/v1/zones", json.RawMessage(hospitalBody()), "", nil); err != nil {
		t.Fatal(err)
	}
	r := report(hospitalLat, hospitalLon, cfDay.Add(8*time.Hour), "airstrike")
	r.AllegedParty, r.UncertaintyM = "A", 50
	submit(t, w.o, "", r)
	for _, p := range []string{"/v1/incidents", "/v1/incidents/export?format=csv", "/v1/incidents/export?format=geojson",
		"/v1/incidents?bbox=36.2,33.4,36.4,33.6", "/v1/summaries/daily?date=2016-03-01"} {
		status, body := raw(t, w.a, "GET", p, "", nil)
		if status != http.StatusOK {
			t.Errorf("%s: %d %s", p, status, body)
		}
		if l := leaks(body); len(l) > 0 {
			t.Errorf("%s leaks %v to an armed party: %s", p, l, body)
		}
	}
	_, list := raw(t, w.a, "GET", "/v1/incidents", "", nil)
	if !strings.Contains(list, `"cell":"`) {
		t.Errorf("the armed party's incident has no cell: %s", list)
	}
	if ev := readEvents(t, w.a); len(leaks(ev)) > 0 || strings.Contains(ev, "centroid") {
		t.Errorf("the event stream leaks to an armed party: %s", ev)
	}
	_, full := raw(t, w.o, "GET", "/v1/incidents", "", nil)
	if len(leaks(full)) == 0 {
		t.Error("the observer should see the coordinates (or the leak check is blind)")
	}
}

// Must show 5: the CSV export parses with its HXL row; the GeoJSON is an RFC
// 7946 FeatureCollection; both over HTTP and through the CLI.
func TestCeasefireExports(t *testing.T) {
	w := newCeasefireWorld(t, Config{})
	importGovernorates(t, w.s, cfDay.AddDate(0, -1, 0))
	dir := t.TempDir()
	file := filepath.Join(dir, "reports.json")
	j, _ := json.Marshal(randomReports(3, 60))
	if err := os.WriteFile(file, j, 0o644); err != nil {
		t.Fatal(err)
	}
	size := int64(0)
	for range 2 { // the second run is answered from the first's idempotency keys
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), []string{"report", "submit", file, "--url", w.s.URL(), "--token", w.o.Token}, &stdout, &stderr); err != nil {
			t.Fatalf("report submit: %v %s", err, stderr.String())
		}
		want := "60 reports: 60 new, 0 already held"
		if size > 0 {
			want = "60 reports: 0 new, 60 already held; 0 incidents created or changed (1 batches answered from an earlier run"
		}
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report submit: %q, want %q", stdout.String(), want)
		}
		if size > 0 && w.s.size(t) != size {
			t.Error("submitting the same file again changed the journal")
		}
		size = w.s.size(t)
	}
	incs := incidents(t, w.o, "")
	for _, format := range []string{"csv", "geojson"} {
		out := filepath.Join(dir, "incidents."+format)
		var stdout, stderr bytes.Buffer
		args := []string{"export", "incidents", "--format", format, "--out", out, "--url", w.s.URL(), "--token", w.o.Token}
		if err := run(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("%v: %v %s", args, err, stderr.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if format == "csv" {
			checkCSV(t, b, len(incs))
		} else {
			checkGeoJSON(t, b, len(incs), true)
		}
	}
	_, b := raw(t, w.a, "GET", "/v1/incidents/export?format=geojson", "", nil)
	checkGeoJSON(t, []byte(b), -1, false)
	checkDailyPages(t, w)
	if status, _ := raw(t, w.o, "GET", "/v1/incidents/export?format=kml", "", nil); status != http.StatusBadRequest {
		t.Errorf("format=kml: %d", status)
	}
}

func checkCSV(t *testing.T, b []byte, n int) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if len(rows) != n+2 {
		t.Fatalf("%d rows, want header, HXL row and %d incidents", len(rows), n)
	}
	for i, c := range ceasefire.Columns {
		if rows[0][i] != c.Name || rows[1][i] != c.HXL || !strings.HasPrefix(rows[1][i], "#") {
			t.Errorf("column %d: %q / %q, want %q / %q", i, rows[0][i], rows[1][i], c.Name, c.HXL)
		}
	}
	for _, want := range []string{"event_date", "admin1", "latitude", "longitude", "geo_precision", "event_type", "actor1", "fatalities", "sources"} {
		if !slices.Contains(rows[0], want) {
			t.Errorf("no %s column", want)
		}
	}
	governorates := 0
	for _, row := range rows[2:] {
		lat, err1 := strconv.ParseFloat(row[4], 64)
		lon, err2 := strconv.ParseFloat(row[5], 64)
		if err1 != nil || err2 != nil || lat < 32 || lat > 38 || lon < 35 || lon > 43 {
			t.Errorf("row %v: bad coordinates", row)
		}
		if row[2] != "" {
			governorates++
		}
	}
	if governorates == 0 {
		t.Error("no row names its governorate (admin1)")
	}
}

// checkGeoJSON checks RFC 7946: a FeatureCollection of Features with a Point
// geometry of [lon, lat] in range (or null, withheld, when !located) and an
// object of properties.
func checkGeoJSON(t *testing.T, b []byte, n int, located bool) {
	t.Helper()
	var fc struct {
		Type     string
		Features []struct {
			Type     string
			ID       string
			Geometry *struct {
				Type        string
				Coordinates []float64
			}
			Properties map[string]any
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil || fc.Type != "FeatureCollection" {
		t.Fatalf("not a FeatureCollection: %v", err)
	}
	if n >= 0 && len(fc.Features) != n {
		t.Errorf("%d features, want %d", len(fc.Features), n)
	}
	for _, f := range fc.Features {
		switch {
		case f.Type != "Feature" || f.ID == "" || f.Properties == nil:
			t.Errorf("feature %+v", f)
		case !located && f.Geometry != nil:
			t.Errorf("feature %s: a geometry given to an armed party", f.ID)
		case located && (f.Geometry == nil || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 ||
			math.Abs(f.Geometry.Coordinates[0]) > 180 || math.Abs(f.Geometry.Coordinates[1]) > 90):
			t.Errorf("feature %s: geometry %+v", f.ID, f.Geometry)
		}
	}
}

// gedPath returns the GED file the repository keeps (gzipped) in testdata.
func gedPath(t *testing.T) string {
	t.Helper()
	path := filepath.Join("..", "..", defaultGED) // from cmd/concord
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v", path, err)
		}
		t.Skipf("%s absent", path)
	}
	return path
}

// gedPrefix writes the header and the first n events of the GED file to a
// temporary file (for -short runs).
func gedPrefix(t *testing.T, path string, n int) string {
	t.Helper()
	f, err := openMaybeGzip(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := csv.NewWriter(&out).WriteAll(rows[:min(n+1, len(rows))]); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ged.csv")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func importGED(t *testing.T, s *server, c *client.Client, path string, extra ...string) string {
	t.Helper()
	args := []string{"report", "import", "--format", "ucdp-ged", "--url", s.URL(), "--token", c.Token}
	for side, party := range gedSides {
		args = append(args, "--side", side+"="+party)
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), append(append(args, extra...), path), &stdout, &stderr); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}

// Must show 1 and 2: the 16,566 real events import (and a re-import in other
// batches changes nothing); the server's incidents partition them as
// Cluster does; and for the first month of the 2016 cessation of hostilities
// the daily counts and casualties per governorate equal a count made here
// from the CSV, with a point-in-polygon test of its own.
func TestCeasefireImportUCDP(t *testing.T) {
	path := gedPath(t)
	if testing.Short() {
		path = gedPrefix(t, path, 3000)
	}
	testImportUCDP(t, Config{}, path)
}

// On PostgreSQL, the first 3,000 events (the first three months of 2016).
func TestCeasefireImportUCDPPostgres(t *testing.T) {
	testImportUCDP(t, Config{DB: pgtest.Schema(t)}, gedPrefix(t, gedPath(t), 3000))
}

func testImportUCDP(t *testing.T, cfg Config, path string) {
	s := startServer(t, cfg)
	o := s.addParty(t, "O", "observer")
	importGovernorates(t, s, time.Date(2016, 2, 27, 0, 0, 0, 0, time.UTC))
	start := time.Now()
	out := importGED(t, s, o, path)
	took := time.Since(start)
	events, err := readGED(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d events over HTTP in %s (%.0f reports/s): %s", len(events), took.Round(time.Millisecond), float64(len(events))/took.Seconds(), strings.TrimSpace(out))
	if want := fmt.Sprintf("%d reports: %d new, 0 already held", len(events), len(events)); !strings.HasPrefix(out, want) {
		t.Errorf("import: %q, want %q", out, want)
	}
	size := s.size(t)
	start = time.Now()
	again := importGED(t, s, o, path, "--batch", "700")
	t.Logf("re-imported in %s: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(again))
	if want := fmt.Sprintf("%d reports: 0 new, %d already held; 0 incidents", len(events), len(events)); !strings.HasPrefix(again, want) {
		t.Errorf("re-import: %q, want %q", again, want)
	}
	replayed := importGED(t, s, o, path) // the same batches: answered from the first import's keys
	if want := fmt.Sprintf("%d reports: 0 new, %d already held; 0 incidents", len(events), len(events)); !strings.HasPrefix(replayed, want) {
		t.Errorf("re-import in the same batches: %q, want %q", replayed, want)
	}
	if s.size(t) != size {
		t.Errorf("the re-imports grew the journal from %d to %d leaves", size, s.size(t))
	}
	want, err := ceasefire.Cluster(events, ceasefire.Params{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := serverPartition(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, partitionOf(want, func(id string) string { return strings.Replace(id, "ucdp-", "ucdp:", 1) })) {
		t.Fatalf("the server's %d incidents differ from Cluster's %d", len(got), len(want))
	}
	checkCessationMonth(t, o, path)
}

// checkCessationMonth compares the daily summaries of 27 February – 27 March
// 2016 with a count made from the CSV.
func checkCessationMonth(t *testing.T, c *client.Client, path string) {
	want := independentCount(t, path)
	first := time.Date(2016, 2, 27, 0, 0, 0, 0, time.UTC)
	checked := 0
	for day := first; !day.After(first.AddDate(0, 0, 29)); day = day.AddDate(0, 0, 1) {
		var sum ceasefire.Summary
		if err := c.Do(context.Background(), "GET", "/v1/summaries/daily?date="+day.Format(time.DateOnly), nil, "", &sum); err != nil {
			t.Fatal(err)
		}
		for _, row := range sum.Areas {
			w := want[day.Format(time.DateOnly)][row.Name]
			got := [3]int{row.Reports.Day.Total, row.Reports.Day.Killed, row.Reports.Day.CivilianKilled}
			if got != w {
				t.Errorf("%s, %s: %v events, deaths, civilian deaths; the CSV says %v", sum.Date, row.Name, got, w)
			}
			checked += w[0]
		}
	}
	if checked == 0 {
		t.Fatal("no event was counted: the comparison is empty")
	}
	t.Logf("%d events of the cessation's first month checked per governorate", checked)
}

// independentCount returns, per date_start and governorate (by the
// governorate polygons' names; "Outside every ceasefire area" for none), the
// events, the sum of best and the sum of deaths_civilians.
func independentCount(t *testing.T, path string) map[string]map[string][3]int {
	f, err := openMaybeGzip(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	govs := governoratePolygons(t)
	out := map[string]map[string][3]int{}
	for _, row := range rows[1:] {
		lat, _ := strconv.ParseFloat(row[col["latitude"]], 64)
		lon, _ := strconv.ParseFloat(row[col["longitude"]], 64)
		best, _ := strconv.Atoi(row[col["best"]])
		civ, _ := strconv.Atoi(row[col["deaths_civilians"]])
		day := row[col["date_start"]][:10]
		if out[day] == nil {
			out[day] = map[string][3]int{}
		}
		names := govs.at(lat, lon)
		if len(names) == 0 {
			names = []string{ceasefire.OutsideName}
		}
		for _, n := range names {
			c := out[day][n]
			out[day][n] = [3]int{c[0] + 1, c[1] + best, c[2] + civ}
		}
	}
	return out
}

// polygons are named polygons, each a list of rings of [lon, lat].
type polygons map[string][][][2]float64

func governoratePolygons(t *testing.T) polygons {
	var fc struct {
		Features []struct {
			Properties struct{ Name string }
			Geometry   struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(sim.Governorates, &fc); err != nil {
		t.Fatal(err)
	}
	out := polygons{}
	for _, f := range fc.Features {
		var polys [][][][2]float64
		if f.Geometry.Type == "Polygon" {
			var p [][][2]float64
			err := json.Unmarshal(f.Geometry.Coordinates, &p)
			polys = append(polys, p)
			if err != nil {
				t.Fatal(err)
			}
		} else if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
			t.Fatal(err)
		}
		for _, p := range polys {
			out[f.Properties.Name] = append(out[f.Properties.Name], p...)
		}
	}
	return out
}

// at returns the names of the polygons holding the point, by the even-odd
// rule over all their rings.
func (ps polygons) at(lat, lon float64) []string {
	var out []string
	for name, rings := range ps {
		in := false
		for _, ring := range rings {
			for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
				a, b := ring[i], ring[j]
				if (a[1] > lat) != (b[1] > lat) && lon < (b[0]-a[0])*(lat-a[1])/(b[1]-a[1])+a[0] {
					in = !in
				}
			}
		}
		if in {
			out = append(out, name)
		}
	}
	return out
}

// Reports: evidence by content, server-assigned fields, flags, amendments by
// the author only with the history kept, and bad input changing nothing.
func TestCeasefireReportsAndEvidence(t *testing.T) {
	w := newCeasefireWorld(t, Config{})
	ctx := context.Background()
	importGovernorates(t, w.s, cfDay)
	unchanged := func(what string, status, want int, body string) {
		t.Helper()
		if status != want {
			t.Errorf("%s: %d, want %d: %s", what, status, want, body)
		}
	}
	// Evidence: typed, bounded, stored by hash, visible to its uploaders.
	content := "photograph of the crater, 09:12"
	ctype := map[string]string{"Content-Type": "text/plain; charset=utf-8"}
	status, body := raw(t, w.o, "POST", "/v1/evidence", content, ctype)
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, body)
	}
	var up struct{ Evidence mechanism.EvidenceItem }
	json.Unmarshal([]byte(body), &up)
	if status, _ := raw(t, w.o, "POST", "/v1/evidence", content, ctype); status != http.StatusOK {
		t.Errorf("the same upload again: %d", status)
	}
	auditor := w.s.addParty(t, "W", "auditor")
	size := w.s.size(t)
	st, b := raw(t, w.o, "POST", "/v1/evidence", "PK\x03\x04", map[string]string{"Content-Type": "application/zip"})
	unchanged("a zip", st, http.StatusBadRequest, b)
	st, b = raw(t, w.o, "POST", "/v1/evidence", strings.Repeat("x", mechanism.MaxEvidenceBytes+1), ctype)
	unchanged("21 MiB", st, http.StatusRequestEntityTooLarge, b)
	if st, got := raw(t, w.o, "GET", "/v1/evidence/"+up.Evidence.SHA256, "", nil); st != http.StatusOK || got != content {
		t.Errorf("the observer reads the evidence: %d %q", st, got)
	}
	if st, _ := raw(t, w.a, "GET", "/v1/evidence/"+up.Evidence.SHA256, "", nil); st != http.StatusNotFound {
		t.Errorf("another party reads the evidence: %d", st)
	}
	ev := []ceasefire.Evidence{{SHA256: up.Evidence.SHA256, MediaType: "text/plain", Size: int64(len(content))}}
	cited := report(33.51, 36.29, cfDay.Add(time.Hour), "shelling")
	cited.Evidence = ev
	enc := func(v any) string { j, _ := json.Marshal(v); return string(j) }
	st, b = raw(t, w.a, "POST", "/v1/reports", enc(cited), nil)
	unchanged("citing another's evidence", st, http.StatusBadRequest, b)
	if !strings.Contains(b, `"field":"evidence[0].sha256"`) {
		t.Errorf("citing another's evidence: %s", b)
	}
	// Bad input: the field is named and nothing changes.
	bad := report(91, 36.29, cfDay, "shelling")
	st, b = raw(t, w.o, "POST", "/v1/reports", `{"reports":[`+enc(cited)+`,`+enc(bad)+`]}`, nil)
	unchanged("a batch with a bad report", st, http.StatusBadRequest, b)
	if !strings.Contains(b, `"field":"reports[1].location.lat"`) {
		t.Errorf("a batch with a bad report: %s", b)
	}
	for _, c := range []struct{ body, field string }{
		{`{"id":"mine",` + enc(cited)[1:], "id"},
		{`{"reports":[` + enc(cfReport{ObservedAt: cfDay, Location: cited.Location, Category: "shelling", Confidence: "seen", ExternalID: "x:1"}) + `,` +
			enc(cfReport{ObservedAt: cfDay, Location: cited.Location, Category: "shelling", Confidence: "seen", ExternalID: "x:1"}) + `]}`, "reports[1].external_id"},
		{strings.Replace(enc(cited), `"shelling"`, `"sniping"`, 1), "category"},
		{strings.Replace(enc(cited), `"confidence"`, `"certainty"`, 1), "certainty"},
	} {
		st, b = raw(t, w.o, "POST", "/v1/reports", c.body, nil)
		if st != http.StatusBadRequest || !strings.Contains(b, `"field":"`+c.field) {
			t.Errorf("%.60s: %d %s, want 400 naming %s", c.body, st, b, c.field)
		}
	}
	if st, _ := raw(t, auditor, "POST", "/v1/reports", enc(cited), nil); st != http.StatusForbidden {
		t.Errorf("an auditor reports: %d", st)
	}
	if w.s.size(t) != size {
		t.Fatalf("refused requests changed the journal (%d → %d leaves)", size, w.s.size(t))
	}
	// Flags: outside every area, outside the period; accepted all the same.
	sea, early := report(34.0, 34.0, cfDay.Add(time.Hour), "other"), report(33.5, 36.3, cfDay.Add(-time.Hour), "other")
	var flagged mechanism.ReportsSubmitted
	if err := w.o.Do(ctx, "POST", "/v1/reports", []any{cited, sea, early}, "", &flagged); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"", ceasefire.FlagOutsideArea, ceasefire.FlagOutsidePeriod} {
		if got := strings.Join(flagged.Reports[i].Flags, ","); got != want {
			t.Errorf("report %d: flags %q, want %q", i, got, want)
		}
	}
	// Amendments: the author only; both versions kept.
	id := flagged.Reports[0].ID
	amended := cited
	amended.Casualties.Injured = 3
	for _, c := range []*client.Client{w.h, w.a} {
		if st, _ := raw(t, c, "POST", "/v1/reports/"+id+"/amend", enc(amended), nil); st != http.StatusNotFound {
			t.Errorf("another party amends: %d, want 404", st)
		}
	}
	if err := w.o.Do(ctx, "POST", "/v1/reports/"+id+"/amend", amended, "", nil); err != nil {
		t.Fatal(err)
	}
	var hist struct{ Versions []ceasefire.Report }
	if err := w.o.Do(ctx, "GET", "/v1/reports/"+id+"/history", nil, "", &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist.Versions) != 2 || hist.Versions[1].Amends != 1 || hist.Versions[1].Casualties.Injured != 3 || hist.Versions[0].Casualties.Injured != 0 {
		t.Errorf("history %+v", hist.Versions)
	}
	var one struct {
		Report   ceasefire.Report
		Incident string
	}
	if err := w.o.Do(ctx, "GET", "/v1/reports/"+id, nil, "", &one); err != nil || one.Incident != "inc-"+id || one.Report.Version != 2 {
		t.Errorf("GET report: %v %+v", err, one)
	}
	// Lists: filters; another party sees only its own reports.
	var l mechanism.ReportList
	if err := w.o.Do(ctx, "GET", "/v1/reports?category=other&bbox=33,33,35,35", nil, "", &l); err != nil || len(l.Reports) != 1 || l.Reports[0].ID != flagged.Reports[1].ID {
		t.Errorf("category and bbox: %v %d", err, len(l.Reports))
	}
	if err := w.a.Do(ctx, "GET", "/v1/reports", nil, "", &l); err != nil || len(l.Reports) != 0 {
		t.Errorf("party A lists others' reports: %v %d", err, len(l.Reports))
	}
	if ev := readEvents(t, w.o); strings.Contains(ev, base64Of(content)) {
		t.Error("the event stream carries the evidence content")
	}
}

func base64Of(s string) string {
	return strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(s)), "=")[:20]
}

// checkDailyPages: the summary as a self-contained HTML page with SVG charts,
// and the summary of one area equal to that area's row of the whole.
func checkDailyPages(t *testing.T, w cfWorld) {
	t.Helper()
	req, _ := http.NewRequest("GET", w.s.URL()+"/v1/summaries/daily?date=2016-03-01", nil)
	req.Header.Set("Authorization", "Bearer "+w.a.Token)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	page.ReadFrom(resp.Body)
	resp.Body.Close()
	html := page.String()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(html, "<svg") ||
		strings.Contains(html, "<script") || strings.Contains(html, `src="http`) || strings.Contains(html, `href="http`) {
		t.Errorf("daily page: %s, %d bytes, svg %t", resp.Header.Get("Content-Type"), len(html), strings.Contains(html, "<svg"))
	}
	var whole ceasefire.Summary
	if err := w.o.Do(context.Background(), "GET", "/v1/summaries/daily?date=2016-03-01", nil, "", &whole); err != nil {
		t.Fatal(err)
	}
	for _, row := range whole.Areas {
		if row.ID == "" || row.Reports.Day.Total == 0 {
			continue
		}
		var one ceasefire.Summary
		if err := w.o.Do(context.Background(), "GET", "/v1/summaries/daily?date=2016-03-01&area="+row.ID, nil, "", &one); err != nil {
			t.Fatal(err)
		}
		if len(one.Areas) != 1 || !reflect.DeepEqual(one.Areas[0], row) || one.Total.Reports.Day.Total != row.Reports.Day.Total {
			t.Errorf("summary of %s alone differs from its row of the whole", row.Name)
		}
		return
	}
	t.Error("no area had a report on the day")
}
