package ceasefire

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", path, got)
	}
}

func exportFixture(t *testing.T) ([]Incident, map[string]Report, ExportOptions) {
	rs, _ := dailyFixture(t)
	rs[0].Sources, rs[1].Sources = []string{"SOHR, 2016-02-27: shells hit the market; 3 dead"}, []string{"sohr, 2016-02-27: shells hit the market; 3 dead", "Team 4"}
	rs[0].Weapon, rs[1].Weapon = "mortar", "Mortar"
	rs[1].Author = "ngo-2"
	incs, err := Cluster(rs, Params{Areas: testAreas}, nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Report{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	opt := ExportOptions{
		Admin1: func(lat, lon float64) string {
			if lat > 36 {
				return "Aleppo Governorate"
			}
			return "Idlib Governorate"
		},
		Location: func(lat, lon float64) string { return `Bab "al-Hadid", old city` },
	}
	return incs, byID, opt
}

func TestIncidentsCSVGolden(t *testing.T) {
	incs, reports, opt := exportFixture(t)
	var b bytes.Buffer
	if err := IncidentsCSV(incs, reports, &b, opt); err != nil {
		t.Fatal(err)
	}
	golden(t, "incidents.csv", b.Bytes())

	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse back: %v", err)
	}
	if len(rows) != 2+len(incs) {
		t.Fatalf("%d rows for %d incidents", len(rows), len(incs))
	}
	for i, c := range Columns {
		if rows[0][i] != c.Name || rows[1][i] != c.HXL {
			t.Errorf("column %d: %q %q", i, rows[0][i], rows[1][i])
		}
		if !strings.HasPrefix(rows[1][i], "#") {
			t.Errorf("HXL row: %q is not a hashtag", rows[1][i])
		}
	}
	first := rows[2]
	if first[0] != string(incs[0].ID) || first[2] != "Aleppo Governorate" || first[3] != `Bab "al-Hadid", old city` {
		t.Errorf("first row %q", first)
	}
}

func TestIncidentsCSVRedacted(t *testing.T) {
	incs, reports, opt := exportFixture(t)
	opt.Redact = RedactLocation
	var b bytes.Buffer
	if err := IncidentsCSV(incs, reports, &b, opt); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(&b).ReadAll()
	for _, row := range rows[2:] {
		if row[3] != "" || row[4] != "" || row[5] != "" || row[6] != "" || row[7] != "" {
			t.Errorf("location not withheld: %q", row[:8])
		}
		if row[2] == "" {
			t.Error("the governorate should stay")
		}
	}
	rec := NewRecord(incs[0], reports, ExportOptions{Redact: CoarsenLocation(0.1)})
	if *rec.Latitude != 36.5 || rec.GeoPrecision != 3 || rec.UncertaintyM != nil {
		t.Errorf("coarsened: %v %d %v", *rec.Latitude, rec.GeoPrecision, rec.UncertaintyM)
	}
}

// The GeoJSON is an RFC 7946 FeatureCollection: Point geometries in [lon, lat]
// order within range, null geometries when withheld, no crs member.
func TestIncidentsGeoJSON(t *testing.T) {
	incs, reports, opt := exportFixture(t)
	var b bytes.Buffer
	if err := IncidentsGeoJSON(incs, reports, &b, opt); err != nil {
		t.Fatal(err)
	}
	golden(t, "incidents.geojson", b.Bytes())
	var fc struct {
		Type     string
		CRS      any `json:"crs"`
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
	if err := json.Unmarshal(b.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || fc.CRS != nil || len(fc.Features) != len(incs) {
		t.Fatalf("collection: %s, crs %v, %d features", fc.Type, fc.CRS, len(fc.Features))
	}
	for i, f := range fc.Features {
		g := f.Geometry
		if f.Type != "Feature" || f.ID != string(incs[i].ID) || g == nil || g.Type != "Point" || len(g.Coordinates) != 2 {
			t.Fatalf("feature %d: %+v", i, f)
		}
		if lon, lat := g.Coordinates[0], g.Coordinates[1]; !approxE6(lon, incs[i].Centroid.Lon) || !approxE6(lat, incs[i].Centroid.Lat) {
			t.Errorf("feature %d at %v, incident at %v", i, g.Coordinates, incs[i].Centroid)
		}
		if f.Properties["event_type"] != string(incs[i].Category) || f.Properties["latitude"] != nil {
			t.Errorf("feature %d properties %v", i, f.Properties)
		}
	}
	opt.Redact = RedactLocation
	b.Reset()
	IncidentsGeoJSON(incs, reports, &b, opt)
	if !strings.Contains(b.String(), `"geometry":null`) || strings.Contains(b.String(), `"coordinates"`) {
		t.Error("redacted features keep their geometry")
	}
}

func approxE6(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

func TestRecordSources(t *testing.T) {
	incs, reports, _ := exportFixture(t)
	i := slices.IndexFunc(incs, func(inc Incident) bool { return inc.ID == "inc-a" })
	rec := NewRecord(incs[i], reports, ExportOptions{})
	want := Record{SubEventType: "mortar", Sources: "SOHR, 2016-02-27: shells hit the market; 3 dead; Team 4"}
	if rec.SubEventType != want.SubEventType || rec.Sources != want.Sources {
		t.Errorf("weapons %q sources %q", rec.SubEventType, rec.Sources)
	}
	if rec.State != Corroborated || rec.ReportCount != 2 {
		t.Errorf("state %s, %d reports", rec.State, rec.ReportCount)
	}
	if reflect.DeepEqual(rec, Record{}) {
		t.Error("empty record")
	}
}

func TestRenderDailyHTML(t *testing.T) {
	rs, incs := dailyFixture(t)
	areas := append([]Area(nil), testAreas...)
	areas[0].Name = `<script>alert("x")</script> & Co`
	page := RenderDailyHTML(Daily(rs, incs, testDay, areas))
	golden(t, "daily.html", page)
	s := string(page)
	for _, bad := range []string{"<script", "src=", "href=", "url(", "@import", "javascript:"} {
		if strings.Contains(s, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co", "<svg", "<rect", "size: A4", "@media print", "2016-02-27"} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(s, "<svg"); n != 6 {
		t.Errorf("%d SVG elements, want 3 charts and 3 legends", n)
	}
}

func TestRenderEmptySummary(t *testing.T) {
	page := RenderDailyHTML(Daily(nil, nil, testDay, nil))
	if !bytes.Contains(page, []byte("No party was alleged")) {
		t.Error("empty summary")
	}
}
