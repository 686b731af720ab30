package ceasefire

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"concord/internal/geo"
)

// origin of the text format: Aleppo.
var origin = Point{Lat: 36.2, Lon: 37.15}

var testDay = time.Date(2016, 2, 27, 0, 0, 0, 0, time.UTC)

// kmPerDegree is the length of a degree of latitude on the sphere.
const kmPerDegree = EarthRadiusM * degree / 1000

// at returns the point x km east and y km north of origin.
func at(x, y float64) Point {
	return Point{Lat: origin.Lat + y/kmPerDegree, Lon: origin.Lon + x/(kmPerDegree*math.Cos(origin.Lat*degree))}
}

// clusterCase is one case of testdata/clusters.txt.
type clusterCase struct {
	name    string
	reports []Report
	want    [][]string
}

func readClusterCases(t *testing.T) []clusterCase {
	f, err := os.Open("testdata/clusters.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []clusterCase
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		switch {
		case text == "" || strings.HasPrefix(text, "#"):
		case strings.HasPrefix(text, "== "):
			cases = append(cases, clusterCase{name: strings.TrimPrefix(text, "== ")})
		case strings.HasPrefix(text, "want "):
			c := &cases[len(cases)-1]
			for _, g := range strings.Split(strings.TrimPrefix(text, "want "), "|") {
				c.want = append(c.want, strings.Fields(g))
			}
		default:
			r, err := parseReportLine(text)
			if err != nil {
				t.Fatalf("clusters.txt:%d: %v", line, err)
			}
			c := &cases[len(cases)-1]
			c.reports = append(c.reports, r)
		}
	}
	return cases
}

// parseReportLine parses "ID CATEGORY X,Y u=METRES HH:MM".
func parseReportLine(s string) (Report, error) {
	f := strings.Fields(s)
	if len(f) != 5 || !strings.HasPrefix(f[3], "u=") {
		return Report{}, fmt.Errorf("want ID CATEGORY X,Y u=METRES HH:MM, got %q", s)
	}
	xs, ys, _ := strings.Cut(f[2], ",")
	x, err1 := strconv.ParseFloat(xs, 64)
	y, err2 := strconv.ParseFloat(ys, 64)
	u, err3 := strconv.ParseFloat(strings.TrimPrefix(f[3], "u="), 64)
	clock, err4 := time.Parse("15:04", f[4])
	if err := firstError(err1, err2, err3, err4); err != nil {
		return Report{}, err
	}
	p := at(x, y)
	return Report{
		ID: f[0], Author: "observer-1", Category: Category(f[1]), Location: &p, UncertaintyM: u, Confidence: Seen,
		ObservedAt: testDay.Add(time.Duration(clock.Hour())*time.Hour + time.Duration(clock.Minute())*time.Minute),
	}, nil
}

func memberLists(incs []Incident) [][]string {
	out := make([][]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.Reports
	}
	return out
}

func sortedLists(l [][]string) [][]string {
	l = slices.Clone(l)
	slices.SortFunc(l, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return l
}

func TestClusterKnownAnswers(t *testing.T) {
	for _, c := range readClusterCases(t) {
		t.Run(c.name, func(t *testing.T) {
			for name, run := range clusterRunners() {
				got, err := run(c.reports, Params{}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(sortedLists(memberLists(got)), sortedLists(c.want)) {
					t.Errorf("%s: got %v, want %v", name, memberLists(got), c.want)
				}
				for _, inc := range got {
					if inc.ID != incidentID(inc.Reports[0]) {
						t.Errorf("%s: incident %s, earliest member %s", name, inc.ID, inc.Reports[0])
					}
				}
			}
		})
	}
}

type clusterFunc func([]Report, Params, Overrides) ([]Incident, error)

// clusterRunners returns every way of clustering: batch, brute force, and
// incremental in the given order and in reverse.
func clusterRunners() map[string]clusterFunc {
	return map[string]clusterFunc{
		"batch": Cluster,
		"brute": ClusterBrute,
		"incremental": func(rs []Report, p Params, o Overrides) ([]Incident, error) {
			return incremental(rs, p, o), nil
		},
		"incremental-reversed": func(rs []Report, p Params, o Overrides) ([]Incident, error) {
			rs = slices.Clone(rs)
			slices.Reverse(rs)
			return incremental(rs, p, o), nil
		},
	}
}

func incremental(rs []Report, p Params, o Overrides) []Incident {
	c := NewClusterer(p, o)
	for _, r := range rs {
		c.Add(r)
	}
	return c.Incidents()
}

// randomReports returns n validated reports around center, spread over
// spreadKm and hours, in three categories, with mixed uncertainties and some
// areas.
func randomReports(rng *rand.Rand, n int, center Point, spreadKm float64, hours int) []Report {
	out := make([]Report, n)
	uncertainties := []float64{0, 0, 200, 500, 1000, 3000, 10000, 40000}
	for i := range out {
		dlat := (rng.Float64() - 0.5) * spreadKm / kmPerDegree
		dlon := (rng.Float64() - 0.5) * spreadKm / kmPerDegree / math.Max(math.Cos(center.Lat*degree), 0.05)
		p := Point{Lat: clamp(center.Lat+dlat, -90, 90), Lon: wrapLon(center.Lon + dlon)}
		r := Report{
			ID:           fmt.Sprintf("r%05d", rng.IntN(10*n)*10+i%10) + fmt.Sprint("-", i),
			Author:       fmt.Sprintf("party-%d", rng.IntN(4)),
			ObservedAt:   testDay.Add(time.Duration(rng.Int64N(int64(hours) * int64(time.Hour)))),
			Category:     Categories[rng.IntN(3)],
			Confidence:   Seen,
			UncertaintyM: uncertainties[rng.IntN(len(uncertainties))],
			Location:     &p,
		}
		if rng.IntN(20) == 0 && math.Abs(p.Lat) < 80 && math.Abs(p.Lon) < 179 {
			r.Location, r.Area = nil, square(p, 0.01+rng.Float64()*0.05)
		}
		out[i] = r
	}
	return out
}

func square(c Point, half float64) *Polygon {
	return &Polygon{Type: "Polygon", Coordinates: [][]geo.Position{{
		{c.Lon - half, c.Lat - half}, {c.Lon + half, c.Lat - half}, {c.Lon + half, c.Lat + half},
		{c.Lon - half, c.Lat + half}, {c.Lon - half, c.Lat - half},
	}}}
}

func clamp(v, lo, hi float64) float64 { return max(lo, min(hi, v)) }

func wrapLon(lon float64) float64 {
	for lon > 180 {
		lon -= 360
	}
	for lon < -180 {
		lon += 360
	}
	return lon
}

// randomSets are the random cases of the property tests: several seeds and
// sizes, dense and sparse, and awkward places (the antimeridian, a pole).
func randomSets(t *testing.T) map[string][]Report {
	sets := map[string][]Report{}
	sizes := []int{10, 100, 1000, 5000}
	if testing.Short() {
		sizes = []int{10, 100, 1000}
	}
	for seed := uint64(1); seed <= 4; seed++ {
		for _, n := range sizes {
			rng := rand.New(rand.NewPCG(seed, uint64(n)))
			spread := []float64{5, 50, 300, 1000}[seed-1]
			sets[fmt.Sprintf("seed%d-n%d-%gkm", seed, n, spread)] = randomReports(rng, n, origin, spread, 24)
		}
	}
	for i, c := range []Point{{Lat: 10, Lon: 179.99}, {Lat: 89.95, Lon: 0}, {Lat: -89.99, Lon: 45}} {
		rng := rand.New(rand.NewPCG(uint64(100+i), 7))
		sets[fmt.Sprintf("edge%d-%v", i, c)] = randomReports(rng, 600, c, 60, 6)
	}
	return sets
}

func checkValid(t *testing.T, rs []Report) {
	t.Helper()
	for i := range rs {
		if err := rs[i].Validate(testDay.AddDate(0, 0, 2)); err != nil {
			t.Fatalf("generated report %d invalid: %v", i, err)
		}
	}
}

func TestClusterEqualsBruteForce(t *testing.T) {
	for name, rs := range randomSets(t) {
		t.Run(name, func(t *testing.T) {
			checkValid(t, rs)
			got, err := Cluster(rs, Params{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ClusterBrute(rs, Params{}, nil)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("batch and brute force differ: %d vs %d incidents", len(got), len(want))
			}
			t.Logf("%d reports → %d incidents, largest %d", len(rs), len(got), largest(got))
		})
	}
}

func largest(incs []Incident) int {
	n := 0
	for _, inc := range incs {
		n = max(n, len(inc.Reports))
	}
	return n
}

func TestClusterOrderIndependent(t *testing.T) {
	for name, rs := range randomSets(t) {
		t.Run(name, func(t *testing.T) {
			want, _ := Cluster(rs, Params{}, nil)
			rng := rand.New(rand.NewPCG(1, 2))
			for range 3 {
				rs = slices.Clone(rs)
				rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
				got, _ := Cluster(rs, Params{}, nil)
				if !reflect.DeepEqual(got, want) {
					t.Fatal("shuffled input gives other incidents")
				}
			}
		})
	}
}

func TestClustererEqualsBatch(t *testing.T) {
	for name, rs := range randomSets(t) {
		t.Run(name, func(t *testing.T) {
			want, _ := Cluster(rs, Params{}, nil)
			shuffled := slices.Clone(rs)
			rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if got := incremental(shuffled, Params{}, nil); !reflect.DeepEqual(got, want) {
				t.Fatal("incremental and batch differ")
			}
		})
	}
}

// TestClustererStepByStep checks after every Add that the Clusterer equals
// the batch over the reports so far and that Add reports exactly the incidents
// that changed.
func TestClustererStepByStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rs := randomReports(rng, 300, origin, 20, 6)
	o := Overrides{{Split: rs[7].ID}, {Merge: []string{rs[3].ID, rs[250].ID}}}
	c := NewClusterer(Params{}, o)
	for i, r := range rs {
		before := c.partition()
		id, changed := c.Add(r)
		want, _ := Cluster(rs[:i+1], Params{}, o)
		if !reflect.DeepEqual(c.Incidents(), want) {
			t.Fatalf("after %d adds the incidents differ from the batch", i+1)
		}
		if got, ok := c.IncidentOf(r.ID); !ok || got != id {
			t.Fatalf("Add returned %s, IncidentOf says %s", id, got)
		}
		if diff := changedIDs(before, c.partition()); !slices.Equal(changed, diff) {
			t.Fatalf("add %d: changed %v, want %v", i, changed, diff)
		}
	}
}

func TestClusterOverridesEqualEverywhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	rs := randomReports(rng, 2000, origin, 30, 12)
	var o Overrides
	for range 40 {
		if rng.IntN(2) == 0 {
			o = append(o, Override{Split: rs[rng.IntN(len(rs))].ID})
		} else {
			o = append(o, Override{Merge: []string{rs[rng.IntN(len(rs))].ID, rs[rng.IntN(len(rs))].ID, "absent"}})
		}
	}
	want, err := ClusterBrute(rs, Params{}, o)
	if err != nil {
		t.Fatal(err)
	}
	for name, run := range clusterRunners() {
		if got, _ := run(rs, Params{}, o); !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs from brute force with overrides", name)
		}
	}
}

// The observers' decisions stick: a later report that would bridge a split
// report back, or that arrives in a merged incident, changes neither.
func TestOverridesStick(t *testing.T) {
	lines := []string{
		"a shelling 0,0 u=0 10:00",
		"b shelling 0,1 u=0 10:05",
		"c shelling 0,50 u=0 10:05", // far away: its own incident
	}
	rs := parseLines(t, lines...)
	o := Overrides{{Split: "b"}, {Merge: []string{"a", "c"}}}
	c := NewClusterer(Params{}, o)
	for _, r := range rs {
		c.Add(r)
	}
	want := [][]string{{"a", "c"}, {"b"}}
	if got := memberLists(c.Incidents()); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	later := parseLines(t, "d shelling 0,0.5 u=0 10:06", "e shelling 0,49 u=0 10:06")
	for _, r := range later {
		c.Add(r)
	}
	want = [][]string{{"a", "c", "d", "e"}, {"b"}}
	if got := memberLists(c.Incidents()); !reflect.DeepEqual(got, want) {
		t.Fatalf("after later reports got %v, want %v", got, want)
	}
	batch, _ := Cluster(append(rs, later...), Params{}, o)
	if !reflect.DeepEqual(batch, c.Incidents()) {
		t.Fatal("batch differs from incremental")
	}
}

func TestSplitThenMerge(t *testing.T) {
	rs := parseLines(t, "a shelling 0,0 u=0 10:00", "b shelling 0,1 u=0 10:00", "x shelling 0,40 u=0 10:00")
	for _, c := range []struct {
		o    Overrides
		want [][]string
	}{
		{nil, [][]string{{"a", "b"}, {"x"}}},
		{Overrides{{Split: "b"}}, [][]string{{"a"}, {"b"}, {"x"}}},
		{Overrides{{Split: "b"}, {Merge: []string{"b", "x"}}}, [][]string{{"a"}, {"b", "x"}}},
		{Overrides{{Merge: []string{"b", "x"}}, {Split: "b"}}, [][]string{{"a"}, {"b"}, {"x"}}},
		{Overrides{{Merge: []string{"a", "x"}}, {Split: "b"}}, [][]string{{"a", "x"}, {"b"}}},
	} {
		got, err := Cluster(rs, Params{}, c.o)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(memberLists(got), c.want) {
			t.Errorf("%+v: got %v, want %v", c.o, memberLists(got), c.want)
		}
	}
}

func TestClustererSetOverrides(t *testing.T) {
	rs := parseLines(t, "a shelling 0,0 u=0 10:00", "b shelling 0,1 u=0 10:00", "c shelling 0,2 u=0 10:00")
	c := NewClusterer(Params{}, nil)
	for _, r := range rs {
		c.Add(r)
	}
	changed := c.SetOverrides(Overrides{{Split: "b"}})
	if want := []IncidentID{"inc-a", "inc-b", "inc-c"}; !slices.Equal(changed, want) {
		t.Errorf("changed %v, want %v", changed, want)
	}
	if got := memberLists(c.Incidents()); !reflect.DeepEqual(got, [][]string{{"a"}, {"b"}, {"c"}}) {
		t.Errorf("got %v", got)
	}
}

func TestClustererAmend(t *testing.T) {
	rs := parseLines(t, "a shelling 0,0 u=0 10:00", "b shelling 0,1 u=0 10:00")
	c := NewClusterer(Params{}, nil)
	for _, r := range rs {
		c.Add(r)
	}
	moved := parseLines(t, "b shelling 0,30 u=0 10:00")[0]
	moved.Version, moved.Amends = 2, 1
	id, changed := c.Add(moved)
	if id != "inc-b" || !slices.Equal(changed, []IncidentID{"inc-a", "inc-b"}) {
		t.Errorf("amend: %s %v", id, changed)
	}
	stale := rs[1]
	stale.Version = 1
	if _, changed := c.Add(stale); changed != nil {
		t.Errorf("an older version changed %v", changed)
	}
	if inc, ok := c.Incident("inc-b"); !ok || !slices.Equal(inc.Reports, []string{"b"}) {
		t.Errorf("Incident(inc-b) = %v, %v", inc, ok)
	}
	if _, ok := c.Incident("inc-zz"); ok {
		t.Error("found an incident that does not exist")
	}
}

func TestClusterRejectsBadIDs(t *testing.T) {
	rs := parseLines(t, "a shelling 0,0 u=0 10:00", "a shelling 0,1 u=0 10:00")
	if _, err := Cluster(rs, Params{}, nil); err == nil || !strings.Contains(err.Error(), "reports[1].id") {
		t.Errorf("duplicate IDs: %v", err)
	}
	rs[1].ID = ""
	if _, err := Cluster(rs, Params{}, nil); err == nil {
		t.Error("empty ID accepted")
	}
	if _, err := Cluster(rs[:1], Params{}, Overrides{{Split: "a", Merge: []string{"a", "b"}}}); err == nil || !strings.Contains(err.Error(), "overrides[0]") {
		t.Errorf("bad override: %v", err)
	}
}

func TestIncidentSummary(t *testing.T) {
	rs := parseLines(t, "a shelling 0,0 u=500 10:00", "b shelling 0,1 u=0 10:10", "c shelling 0,1.5 u=100 10:20")
	rs[0].Author, rs[1].Author, rs[2].Author = "un", "un", "un"
	rs[0].Casualties = Casualties{Killed: 3, Injured: 1, CivilianKilled: 2}
	rs[1].Casualties = Casualties{Killed: 2, Injured: 5}
	rs[0].AllegedParty, rs[2].AllegedParty = "party-b", "party-a"
	incs, _ := Cluster(rs, Params{}, nil)
	if len(incs) != 1 {
		t.Fatalf("%d incidents", len(incs))
	}
	inc := incs[0]
	if inc.State != Reported || inc.Authors != 1 || inc.Sources != 0 {
		t.Errorf("state %s, authors %d, sources %d", inc.State, inc.Authors, inc.Sources)
	}
	if want := (Casualties{Killed: 3, Injured: 5, CivilianKilled: 2}); inc.Casualties != want {
		t.Errorf("casualties %+v, want %+v (largest estimate each)", inc.Casualties, want)
	}
	if !slices.Equal(inc.AllegedParties, []string{"party-a", "party-b"}) {
		t.Errorf("alleged %v", inc.AllegedParties)
	}
	if !inc.Start.Equal(testDay.Add(10*time.Hour)) || !inc.End.Equal(testDay.Add(10*time.Hour+20*time.Minute)) {
		t.Errorf("start %v end %v", inc.Start, inc.End)
	}
	for _, r := range rs {
		c, rad := r.Disc()
		if d := DistanceM(inc.Centroid, c) + rad; d > inc.RadiusM+1e-6 {
			t.Errorf("report %s reaches %.1f m, beyond radius %.1f", r.ID, d, inc.RadiusM)
		}
	}
	rs[2].Author = "ngo-1"
	if incs, _ := Cluster(rs, Params{}, nil); incs[0].State != Corroborated {
		t.Errorf("two authors: %s", incs[0].State)
	}
	rs[2].Author, rs[0].Sources, rs[1].Sources = "un", []string{"SOHR"}, []string{" sohr "}
	if incs, _ := Cluster(rs, Params{}, nil); incs[0].State != Reported {
		t.Errorf("one source spelt twice: %s", incs[0].State)
	}
	rs[1].Sources = []string{"Airwars"}
	if incs, _ := Cluster(rs, Params{}, nil); incs[0].State != Corroborated {
		t.Errorf("two sources: %s", incs[0].State)
	}
}

// Rows of one imported dataset are distinct events: their casualties add up,
// and the sum is one estimate against the field reports.
func TestIncidentTollDatasets(t *testing.T) {
	rs := parseLines(t, "u1 shelling 0,0 u=0 12:00", "u2 shelling 0,0.5 u=0 12:00", "f shelling 0,0.2 u=0 12:10")
	rs[0].ExternalID, rs[0].Casualties.Killed = "ucdp:1", 4
	rs[1].ExternalID, rs[1].Casualties.Killed = "ucdp:2", 3
	rs[2].Casualties.Killed = 6
	incs, _ := Cluster(rs, Params{}, nil)
	if incs[0].Killed != 7 {
		t.Errorf("killed %d, want 7 (4 + 3 from the dataset beats 6)", incs[0].Killed)
	}
}

func TestIncidentAreas(t *testing.T) {
	rs := parseLines(t, "a shelling 0,0 u=0 10:00")
	areas := []Area{{ID: "north", Polygons: [][][]geo.Position{{{{37, 36}, {38, 36}, {38, 37}, {37, 37}, {37, 36}}}}}, {ID: "south", Polygons: [][][]geo.Position{{{{37, 35}, {38, 35}, {38, 36}, {37, 35}}}}}}
	incs, _ := Cluster(rs, Params{Areas: areas}, nil)
	if !slices.Equal(incs[0].Areas, []string{"north"}) {
		t.Errorf("areas %v", incs[0].Areas)
	}
}

func parseLines(t *testing.T, lines ...string) []Report {
	t.Helper()
	var out []Report
	for _, l := range lines {
		r, err := parseReportLine(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// The grid must find every linked pair even for huge extents and at the
// poles; compare it with a scan on random sites.
func TestGridFindsEveryLink(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	p := Params{}.withDefaults()
	for _, center := range []Point{origin, {Lat: 89.99, Lon: 10}, {Lat: 0, Lon: -180}} {
		rs := randomReports(rng, 800, center, 400, 1)
		sites := make([]site, len(rs))
		g := newGrid(p)
		for i := range rs {
			rs[i].Category = Shelling
			sites[i] = newSite(&rs[i], p)
			g.add(int32(i), &sites[i])
		}
		for i := range sites {
			found := map[int32]bool{}
			g.query(&sites[i], func(j int32) { found[j] = true })
			for j := range sites {
				if p.linked(&sites[i], &sites[j]) && !found[int32(j)] {
					t.Fatalf("near %v: link %d–%d (%.0f m) missed", center, i, j, DistanceM(sites[i].at, sites[j].at))
				}
			}
		}
	}
}
