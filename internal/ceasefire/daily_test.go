package ceasefire

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"concord/internal/geo"
)

func rect(id, name string, lon0, lat0, lon1, lat1 float64) Area {
	return Area{ID: id, Name: name, Polygons: [][][]geo.Position{{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}}
}

var testAreas = []Area{
	rect("north", "North", 37, 36, 38, 37),
	rect("south", "South", 37, 35, 38, 36),
}

// rep is a report at lat, lon on testDay+day at hour.
func rep(id string, cat Category, lat, lon float64, day, hour int, party string, killed, civ int) Report {
	return Report{
		ID: id, Author: "observer-1", Category: cat, Confidence: Seen, AllegedParty: party,
		ObservedAt: testDay.AddDate(0, 0, day).Add(time.Duration(hour) * time.Hour),
		Location:   &Point{Lat: lat, Lon: lon}, Casualties: Casualties{Killed: killed, CivilianKilled: civ},
	}
}

func dailyFixture(t *testing.T) ([]Report, []Incident) {
	rs := []Report{
		rep("a", Shelling, 36.5, 37.5, 0, 10, "party-a", 3, 1),
		rep("b", Shelling, 36.501, 37.5, 0, 10, "party-a", 2, 2),
		rep("c", Airstrike, 35.5, 37.5, 0, 14, "party-b", 4, 4),
		rep("d", Other, 20, 20, 0, 16, "", 0, 0),
		rep("e", Shelling, 36.5, 37.5, -1, 10, "party-a", 1, 0),
		rep("f", Shelling, 36.5, 37.5, -3, 10, "party-a", 0, 0),
		rep("g", Airstrike, 35.5, 37.5, -3, 10, "party-b", 0, 0),
		rep("h", Shelling, 36.5, 37.5, -8, 10, "party-a", 9, 9),
		rep("i", Shelling, 36.5, 37.5, 1, 10, "party-a", 9, 9),
	}
	incs, err := Cluster(rs, Params{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rs, incs
}

func TestDailyKnownAnswer(t *testing.T) {
	rs, incs := dailyFixture(t)
	s := Daily(rs, incs, testDay.Add(15*time.Hour), testAreas)
	if s.Date != "2016-02-27" {
		t.Errorf("date %s", s.Date)
	}
	tot := s.Total.Incidents
	checkFigures(t, "total incidents", tot.Day, 3, map[Category]int{Shelling: 1, Airstrike: 1, Other: 1}, 7, 6)
	checkFigures(t, "total incidents, previous day", tot.PrevDay, 1, map[Category]int{Shelling: 1}, 1, 0)
	checkFigures(t, "total reports", s.Total.Reports.Day, 4, map[Category]int{Shelling: 2, Airstrike: 1, Other: 1}, 9, 7)
	if !approx(tot.Mean7.Total, 3.0/7) || !approx(tot.VsMean7.Total, 3-3.0/7) || tot.VsPrevDay.Total != 2 {
		t.Errorf("mean %v, vs mean %v, vs previous day %v", tot.Mean7.Total, tot.VsMean7.Total, tot.VsPrevDay.Total)
	}
	if !approx(tot.Mean7.Killed, 1.0/7) {
		t.Errorf("mean killed %v", tot.Mean7.Killed)
	}
	wantAreas := []struct {
		id    string
		day   int
		mean7 float64
	}{{"north", 1, 2.0 / 7}, {"south", 1, 1.0 / 7}, {"", 1, 0}}
	if len(s.Areas) != len(wantAreas) {
		t.Fatalf("%d area rows", len(s.Areas))
	}
	for i, w := range wantAreas {
		r := s.Areas[i]
		if r.ID != w.id || r.Incidents.Day.Total != w.day || !approx(r.Incidents.Mean7.Total, w.mean7) {
			t.Errorf("area row %d: %s day %d mean %v; want %+v", i, r.ID, r.Incidents.Day.Total, r.Incidents.Mean7.Total, w)
		}
	}
	if s.Areas[2].Name != OutsideName {
		t.Errorf("outside row named %q", s.Areas[2].Name)
	}
	var parties []string
	for _, r := range s.Parties {
		parties = append(parties, r.ID)
	}
	if want := []string{"party-a", "party-b", ""}; !reflect.DeepEqual(parties, want) {
		t.Errorf("parties %q, want %q", parties, want)
	}
	if a := s.Parties[0].Reports.Day; a.Total != 2 || a.Killed != 5 {
		t.Errorf("party-a reports %+v", a)
	}
}

func checkFigures(t *testing.T, what string, f Figures[int], total int, cats map[Category]int, killed, civ int) {
	t.Helper()
	for _, c := range Categories {
		if f.ByCategory[c] != cats[c] {
			t.Errorf("%s: %s %d, want %d", what, c, f.ByCategory[c], cats[c])
		}
	}
	if f.Total != total || f.Killed != killed || f.CivilianKilled != civ {
		t.Errorf("%s: total %d killed %d civilians %d; want %d %d %d", what, f.Total, f.Killed, f.CivilianKilled, total, killed, civ)
	}
}

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// A calendar date in another zone names the same UTC day.
func TestDailyDayInAnyZone(t *testing.T) {
	rs, incs := dailyFixture(t)
	damascus := time.FixedZone("EET", 2*3600)
	a := Daily(rs, incs, time.Date(2016, 2, 27, 0, 30, 0, 0, damascus), testAreas)
	b := Daily(rs, incs, testDay, testAreas)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same calendar date in another zone gave another summary")
	}
}

func TestDailyEqualsLedger(t *testing.T) {
	rs, incs, areas := yearOfReports(t, 40, 20)
	l := NewLedger(rs, incs, areas)
	for d := -1; d < 42; d++ {
		day := testDay.AddDate(0, 0, d)
		a, b := Daily(rs, incs, day, areas), l.Daily(day)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: Daily and Ledger.Daily differ", day.Format(time.DateOnly))
		}
		if _, err := json.Marshal(a); err != nil {
			t.Fatal(err)
		}
	}
}

// yearOfReports returns perDay reports a day for days days over a 4 × 4 grid of
// round areas, clustered.
func yearOfReports(tb testing.TB, days, perDay int) ([]Report, []Incident, []Area) {
	rng := rand.New(rand.NewPCG(21, 22))
	var rs []Report
	for d := range days {
		for k := range perDay {
			r := randomReports(rng, 1, Point{Lat: 35, Lon: 38}, 400, 24)[0]
			r.ID = fmt.Sprintf("d%03d-%02d", d, k)
			r.ObservedAt = r.ObservedAt.AddDate(0, 0, d)
			r.AllegedParty = []string{"", "party-a", "party-b", "party-c"}[rng.IntN(4)]
			r.Casualties = Casualties{Killed: rng.IntN(5), Injured: rng.IntN(8)}
			rs = append(rs, r)
		}
	}
	incs, err := Cluster(rs, Params{}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return rs, incs, roundAreas()
}

// roundAreas are 16 areas of 128 vertices each around 35°N 38°E.
func roundAreas() []Area {
	var out []Area
	for i := range 16 {
		c := Point{Lat: 33.5 + float64(i/4), Lon: 36.5 + float64(i%4)}
		ring := make([]geo.Position, 129)
		for k := range 128 {
			a := 2 * math.Pi * float64(k) / 128
			ring[k] = geo.Position{c.Lon + 0.55*math.Cos(a), c.Lat + 0.55*math.Sin(a)}
		}
		ring[128] = ring[0]
		out = append(out, Area{ID: fmt.Sprintf("area-%02d", i), Name: fmt.Sprintf("Area %d", i), Polygons: [][][]geo.Position{{ring}}})
	}
	return out
}

func TestAreaContains(t *testing.T) {
	// A U shape with a hole in its left arm:
	//
	//   (0,3)┌──┐   ┌──┐(3,3)
	//        │▫ │   │  │
	//        │  └───┘  │
	//   (0,0)└─────────┘(3,0)
	u := Area{Polygons: [][][]geo.Position{{
		{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}},
		{{0.25, 2.25}, {0.75, 2.25}, {0.75, 2.75}, {0.25, 2.75}, {0.25, 2.25}},
	}}}
	for _, c := range []struct {
		lon, lat float64
		in       bool
	}{
		{0.5, 0.5, true}, {1.5, 0.5, true}, {2.5, 2.5, true}, {0.5, 1.5, true},
		{1.5, 2, false},   // in the notch
		{0.5, 2.5, false}, // in the hole
		{-1, 1, false}, {4, 1, false}, {1.5, -0.5, false}, {1.5, 3.5, false},
	} {
		if got := u.Contains(c.lat, c.lon); got != c.in {
			t.Errorf("Contains(%v, %v) = %v", c.lat, c.lon, got)
		}
	}
	multi := Area{Polygons: append(u.Polygons, [][]geo.Position{{{10, 10}, {11, 10}, {11, 11}, {10, 10}}})}
	if !multi.Contains(10.2, 10.8) || multi.Contains(10.8, 10.2) {
		t.Error("second polygon of a multipolygon")
	}
}

func TestAreaFlags(t *testing.T) {
	end := testDay
	areas := []Area{
		{ID: "old", Polygons: testAreas[0].Polygons, Start: testDay.AddDate(0, -1, 0), End: &end},
		{ID: "now", Polygons: testAreas[1].Polygons, Start: testDay, Parties: []string{"party-a"}},
	}
	for _, c := range []struct {
		r    Report
		want []string
	}{
		{rep("x", Shelling, 36.5, 37.5, 0, 1, "", 0, 0), []string{FlagOutsidePeriod}},
		{rep("x", Shelling, 36.5, 37.5, -1, 1, "", 0, 0), nil},
		{rep("x", Shelling, 35.5, 37.5, 0, 1, "party-a", 0, 0), nil},
		{rep("x", Shelling, 35.5, 37.5, 0, 1, "party-z", 0, 0), []string{FlagPartyNotCovered}},
		{rep("x", Shelling, 35.5, 37.5, -1, 1, "party-a", 0, 0), []string{FlagOutsidePeriod}},
		{rep("x", Shelling, 10, 10, 0, 1, "", 0, 0), []string{FlagOutsideArea}},
	} {
		if got := AreaFlags(&c.r, areas); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v at %v: %v, want %v", c.r.AllegedParty, c.r.ObservedAt, got, c.want)
		}
	}
}

// BenchmarkDailyYear is a year of daily summaries (365 days × 50 reports a
// day, 16 areas of 128 vertices), one Daily call a day.
func BenchmarkDailyYear(b *testing.B) {
	rs, incs, areas := yearOfReports(b, 365, 50)
	b.ResetTimer()
	for b.Loop() {
		for d := range 365 {
			Daily(rs, incs, testDay.AddDate(0, 0, d), areas)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/year")
}

// BenchmarkLedgerYear buckets the year once and summarises every day.
func BenchmarkLedgerYear(b *testing.B) {
	rs, incs, areas := yearOfReports(b, 365, 50)
	b.ResetTimer()
	for b.Loop() {
		l := NewLedger(rs, incs, areas)
		for d := range 365 {
			l.Daily(testDay.AddDate(0, 0, d))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/year")
}

// BenchmarkDailyYearNaive is the reference: every day buckets every report
// and incident of the year again.
func BenchmarkDailyYearNaive(b *testing.B) {
	rs, incs, areas := yearOfReports(b, 365, 50)
	b.ResetTimer()
	for b.Loop() {
		for d := range 365 {
			NewLedger(rs, incs, areas).Daily(testDay.AddDate(0, 0, d))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/year")
}
