package ceasefire

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"concord"
	"concord/internal/geo"
)

var now = time.Date(2016, 3, 1, 12, 0, 0, 0, time.UTC)

func validReport() Report {
	dir := 270.0
	return Report{
		ID: "rep-1", Version: 2, Amends: 1, Author: "observer-1",
		ObservedAt: time.Date(2016, 2, 28, 9, 30, 0, 0, time.UTC),
		Location:   &Point{Lat: 36.2, Lon: 37.15}, UncertaintyM: 500,
		Category: Shelling, Count: 12, Weapon: "122 mm artillery", DirectionDeg: &dir,
		AllegedParty: "party-a",
		Casualties:   Casualties{Killed: 2, Injured: 5, CivilianKilled: 1, CivilianInjured: 5},
		Narrative:    "Twelve impacts near the market.\nTwo killed.",
		Sources:      []string{"team 4 patrol", "local council"},
		Evidence:     []Evidence{{SHA256: strings.Repeat("ab", 32), MediaType: "image/jpeg", Size: 123456}},
		Confidence:   Seen,
		Flags:        []string{FlagOutsidePeriod},
		ExternalID:   "ucdp:214797",
	}
}

func TestValidReport(t *testing.T) {
	r := validReport()
	if err := r.Validate(now); err != nil {
		t.Fatal(err)
	}
	r.Location, r.Area = nil, square(Point{Lat: 36.2, Lon: 37.15}, 0.05)
	if err := r.Validate(now); err != nil {
		t.Fatalf("with an area: %v", err)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, c := range []struct {
		field string
		edit  func(*Report)
	}{
		{"id", func(r *Report) { r.ID = "has space" }},
		{"author", func(r *Report) { r.Author = long(MaxIDLen + 1) }},
		{"version", func(r *Report) { r.Version = -1 }},
		{"amends", func(r *Report) { r.Amends = 2 }},
		{"observed_at", func(r *Report) { r.ObservedAt = time.Time{} }},
		{"observed_at", func(r *Report) { r.ObservedAt = now.Add(11 * time.Minute) }},
		{"observed_at", func(r *Report) { r.ObservedAt = time.Date(1988, 12, 31, 23, 59, 0, 0, time.UTC) }},
		{"location", func(r *Report) { r.Location = nil }},
		{"location.lat", func(r *Report) { r.Location.Lat = 91 }},
		{"location.lon", func(r *Report) { r.Location.Lon = math.NaN() }},
		{"uncertainty_m", func(r *Report) { r.UncertaintyM = 100_001 }},
		{"uncertainty_m", func(r *Report) { r.UncertaintyM = -1 }},
		{"area", func(r *Report) { r.Area = square(*r.Location, 0.1) }},
		{"area.type", func(r *Report) { r.Location, r.Area = nil, &Polygon{Type: "Point"} }},
		{"area.coordinates", func(r *Report) { r.Location, r.Area = nil, &Polygon{Type: "Polygon"} }},
		{"area.coordinates[0]", func(r *Report) {
			r.Location, r.Area = nil, square(Point{Lat: 36, Lon: 37}, 0.1)
			r.Area.Coordinates[0] = r.Area.Coordinates[0][:4]
		}},
		{"area.coordinates[0][2]", func(r *Report) {
			r.Location, r.Area = nil, square(Point{Lat: 36, Lon: 37}, 0.1)
			r.Area.Coordinates[0][2][1] = 95
		}},
		{"area.coordinates[0]", func(r *Report) {
			r.Location, r.Area = nil, &Polygon{Type: "Polygon", Coordinates: [][]geo.Position{{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}}
		}},
		{"area", func(r *Report) { r.Location, r.Area = nil, square(Point{Lat: 36, Lon: 37}, 1) }},
		{"category", func(r *Report) { r.Category = "massacre" }},
		{"count", func(r *Report) { r.Count = -1 }},
		{"count", func(r *Report) { r.Count = MaxCount + 1 }},
		{"direction_deg", func(r *Report) { d := 360.0; r.DirectionDeg = &d }},
		{"alleged_party", func(r *Report) { r.AllegedParty = "a/b" }},
		{"confidence", func(r *Report) { r.Confidence = "rumour" }},
		{"weapon", func(r *Report) { r.Weapon = "rocket\x00" }},
		{"weapon", func(r *Report) { r.Weapon = long(MaxWeaponLen + 1) }},
		{"casualties.killed", func(r *Report) { r.Casualties.Killed = -1 }},
		{"casualties.injured", func(r *Report) { r.Casualties.Injured = MaxCasualties + 1 }},
		{"casualties.civilian_killed", func(r *Report) { r.Casualties.CivilianKilled = 3 }},
		{"casualties.civilian_injured", func(r *Report) { r.Casualties.CivilianInjured = 6 }},
		{"narrative", func(r *Report) { r.Narrative = strings.Repeat("é", MaxNarrative+1) }},
		{"narrative", func(r *Report) { r.Narrative = "bad \xff utf-8" }},
		{"sources", func(r *Report) { r.Sources = make([]string, MaxSources+1) }},
		{"sources[1]", func(r *Report) { r.Sources[1] = "  " }},
		{"sources[0]", func(r *Report) { r.Sources[0] = "line\nbreak" }},
		{"evidence", func(r *Report) { r.Evidence = make([]Evidence, MaxEvidence+1) }},
		{"evidence[0].sha256", func(r *Report) { r.Evidence[0].SHA256 = strings.Repeat("AB", 32) }},
		{"evidence[0].sha256", func(r *Report) { r.Evidence[0].SHA256 = "abc" }},
		{"evidence[0].media_type", func(r *Report) { r.Evidence[0].MediaType = "text/html" }},
		{"evidence[0].size", func(r *Report) { r.Evidence[0].Size = 0 }},
		{"flags[0]", func(r *Report) { r.Flags = []string{"Upper"} }},
		{"flags[1]", func(r *Report) { r.Flags = []string{"a", "a"} }},
		{"flags", func(r *Report) { r.Flags = make([]string, MaxFlags+1) }},
		{"external_id", func(r *Report) { r.ExternalID = "214797" }},
		{"external_id", func(r *Report) { r.ExternalID = "UCDP:1" }},
	} {
		r := validReport()
		c.edit(&r)
		err := r.Validate(now)
		if concord.ErrorCode(err) != concord.EINVALID || concord.ErrorField(err) != c.field {
			t.Errorf("want EINVALID on %s, got %v", c.field, err)
		}
	}
}

func TestDecodeReport(t *testing.T) {
	data, err := os.ReadFile("testdata/report.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := DecodeReport(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Validate(now); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, field string }{
		{`{"id": "x", "colour": "red"}`, ""},
		{`{"id": "x"} {}`, ""},
		{`{"count": "many"}`, "count"},
		{`{"casualties": {"killed": 1.5}}`, "casualties.killed"},
		{`[`, ""},
	} {
		_, err := DecodeReport([]byte(c.in))
		if concord.ErrorCode(err) != concord.EINVALID || concord.ErrorField(err) != c.field {
			t.Errorf("%s: got %v, want EINVALID on %q", c.in, err, c.field)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b Point
		want float64 // metres
		tol  float64
	}{
		{Point{0, 0}, Point{0, 0}, 0, 0},
		{Point{0, 0}, Point{1, 0}, EarthRadiusM * degree, 1e-6},
		{Point{0, 0}, Point{0, 1}, EarthRadiusM * degree, 1e-6},
		{Point{0, 0}, Point{0, 180}, math.Pi * EarthRadiusM, 1e-6},
		{Point{90, 0}, Point{-90, 0}, math.Pi * EarthRadiusM, 1e-6},
		{Point{0, 179.5}, Point{0, -179.5}, EarthRadiusM * degree, 1e-6},
		{Point{60, 0}, Point{60, 1}, 55_597, 5}, // cos 60° shrinks a degree of longitude, minus the great-circle shortcut
		// Damascus to Aleppo: 308,998.03 m by the spherical law of cosines.
		{Point{33.5138, 36.2765}, Point{36.2021, 37.1343}, 308_998.03, 0.01},
	} {
		got := DistanceM(c.a, c.b)
		if math.Abs(got-c.want) > c.tol {
			t.Errorf("DistanceM(%v, %v) = %.3f, want %.3f ± %g", c.a, c.b, got, c.want, c.tol)
		}
		if back := DistanceM(c.b, c.a); back != got {
			t.Errorf("not symmetric: %v vs %v", got, back)
		}
	}
}

func TestDisc(t *testing.T) {
	r := validReport()
	if c, rad := r.Disc(); c != *r.Location || rad != 500 {
		t.Errorf("point: %v %v", c, rad)
	}
	r.Location, r.Area = nil, square(Point{Lat: 36, Lon: 37}, 0.1)
	c, rad := r.Disc()
	if math.Abs(c.Lat-36) > 1e-9 || math.Abs(c.Lon-37) > 1e-9 {
		t.Errorf("centroid %v", c)
	}
	corner := DistanceM(c, Point{Lat: 35.9, Lon: 37.1}) // southern corners are the farthest
	if math.Abs(rad-(corner+500)) > 1e-3 {
		t.Errorf("radius %v, want corner %v + 500", rad, corner)
	}
}

// TestDistanceLawOfCosines checks the haversine against the spherical law of
// cosines, an independent formula, at distances where the latter is accurate.
func TestDistanceLawOfCosines(t *testing.T) {
	for i := range 1000 {
		a := Point{Lat: float64(i%170) - 85, Lon: float64(i*37%360) - 180}
		b := Point{Lat: float64(i*13%170) - 85, Lon: float64(i*7%360) - 180}
		la, lb, dl := a.Lat*degree, b.Lat*degree, (b.Lon-a.Lon)*degree
		cos := math.Sin(la)*math.Sin(lb) + math.Cos(la)*math.Cos(lb)*math.Cos(dl)
		want := EarthRadiusM * math.Acos(max(-1, min(1, cos)))
		if got := DistanceM(a, b); math.Abs(got-want) > 1 {
			t.Fatalf("DistanceM(%v, %v) = %f, law of cosines %f", a, b, got, want)
		}
	}
}

// FuzzReportJSON: decoding never panics, and an accepted report re-marshals
// and re-parses to the same bytes and still validates.
func FuzzReportJSON(f *testing.F) {
	data, _ := os.ReadFile("testdata/report.json")
	f.Add(data)
	good, _ := json.Marshal(validReport())
	f.Add(good)
	area := validReport()
	area.Location, area.Area = nil, square(Point{Lat: 36, Lon: 37}, 0.05)
	withArea, _ := json.Marshal(area)
	f.Add(withArea)
	f.Add([]byte(`{"observed_at":"2016-02-28T10:00:00+02:00","location":{"lat":1,"lon":2},"category":"other","confidence":"heard"}`))
	f.Add([]byte(`{"id":"\u00e9"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeReport(data)
		if err != nil || r.Validate(now) != nil {
			return
		}
		once, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := DecodeReport(once)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", once, err)
		}
		if err := again.Validate(now); err != nil {
			t.Fatalf("re-parsed report invalid: %v", err)
		}
		twice, _ := json.Marshal(again)
		if !bytes.Equal(once, twice) {
			t.Fatalf("round trip differs:\n%s\n%s", once, twice)
		}
	})
}
