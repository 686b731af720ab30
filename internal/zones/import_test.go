package zones

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"concord"
	"concord/internal/geo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var importDefaults = Defaults{Kind: CeasefireArea, Start: t0}

// TestImportGolden imports each example in testdata and compares the zones
// with <file>.out.json.
func TestImportGolden(t *testing.T) {
	for _, name := range []string{"zones.geojson", "zones.kml", "zones.ed269.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		zones, err := Import(data, name, importDefaults)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _ := json.MarshalIndent(zones, "", "  ")
		golden := filepath.Join("testdata", name+".out.json")
		if *update {
			if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(append(got, '\n'), want) {
			t.Errorf("%s imports differently from %s (go test -update to accept):\n%s", name, golden, got)
		}
	}
}

func TestImportDetails(t *testing.T) {
	zones := mustImport(t, "zones.geojson")
	if len(zones) != 4 {
		t.Fatalf("%d zones, want 4 (two features are one zone)", len(zones))
	}
	h, ring, corridor, am := zones[0], zones[1], zones[2], zones[3]
	if h.Kind != ProtectedSite || h.SiteType != "hospital" || h.Volumes[0].RadiusM != 500 ||
		h.Properties["beds"] != "850" || h.Properties["verified"] != "true" || h.Volumes[0].Start != t0.Add(-3*60*60e9) {
		t.Errorf("hospital %+v", h)
	}
	if !reflect.DeepEqual(ring.AppliesTo, []string{"air-force-a", "air-force-b"}) || ring.Volumes[0].Start.Nanosecond() != 123000000 {
		t.Errorf("ring %+v", ring)
	}
	if len(corridor.Volumes) != 2 || corridor.Volumes[0].CeilingFt != 10000 || corridor.Volumes[1].FloorFt != 10000 {
		t.Errorf("corridor volumes %+v, want ordered by the volume property", corridor.Volumes)
	}
	if am.Kind != CeasefireArea || am.Volumes[0].Start != t0 || am.Volumes[0].CeilingFt != DefaultCeilingFt || am.Properties != nil {
		t.Errorf("defaults not applied: %+v", am)
	}
	kml := mustImport(t, "zones.kml")
	if len(kml) != 3 || len(kml[2].Volumes) != 2 || kml[2].Volumes[0].Footprint.Type != geo.TypeMultiPolygon || kml[1].Volumes[0].End == nil {
		t.Errorf("KML zones %+v", kml)
	}
	ed := mustImport(t, "zones.ed269.json")
	if ed[0].Kind != NoFly || len(ed[0].Volumes) != 2 || ed[0].Volumes[0].CeilingFt != 10000 {
		t.Errorf("ED-269 zone 0 %+v", ed[0])
	}
	if ed[1].Kind != ControlArea || ed[1].Properties["reason"] != "SENSITIVE,POPULATION" || ed[1].Properties["vertical_reference"] != "AGL" || ed[1].Volumes[1].RadiusM != 5000 {
		t.Errorf("ED-269 zone 1 %+v", ed[1])
	}
}

func mustImport(t *testing.T, name string) []Zone {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	zones, err := Import(data, name, importDefaults)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return zones
}

// TestImportSyria imports the 15 Natural Earth polygons of Syria's
// governorates and the UNDOF zone, and checks where towns fall.
func TestImportSyria(t *testing.T) {
	zones := mustImport(t, "syria_adm1_naturalearth.geojson")
	if len(zones) != 15 {
		t.Fatalf("%d zones, want 15", len(zones))
	}
	byName := map[string]*Prepared{}
	for _, z := range zones {
		if z.Kind != CeasefireArea || z.Properties["hasc"] == "" {
			t.Errorf("%s: %+v", z.Name, z)
		}
		p, err := Prepare(z)
		if err != nil {
			t.Fatal(err)
		}
		byName[z.Name] = p
	}
	towns := []struct {
		name string
		at   geo.Position
		in   string
	}{
		{"Damascus", geo.Position{36.2765, 33.5138}, "Damascus"},
		{"Aleppo", geo.Position{37.16, 36.20}, "Aleppo"},
		{"Homs", geo.Position{36.72, 34.73}, "Homs (Hims)"},
		{"Idlib", geo.Position{36.63, 35.93}, "Idlib"},
		{"Raqqa", geo.Position{39.01, 35.95}, "Ar Raqqah"},
		{"Deir ez-Zor", geo.Position{40.14, 35.33}, "Dayr Az Zawr"},
		{"Latakia", geo.Position{35.79, 35.52}, "Lattakia"},
		{"Douma", geo.Position{36.40, 33.57}, "Rif Dimashq"},
	}
	for _, town := range towns {
		var in []string
		for name, p := range byName {
			if p.ContainsPoint(town.at, 1000, t0) {
				in = append(in, name)
			}
		}
		if len(in) != 1 || in[0] != town.in {
			t.Errorf("%s %v lies in %v, want [%s]", town.name, town.at, in, town.in)
		}
	}
}

func TestImportRoundTrip(t *testing.T) {
	for _, name := range []string{"zones.geojson", "zones.kml", "zones.ed269.json", "syria_adm1_naturalearth.geojson"} {
		zones := mustImport(t, name)
		checkRoundTrip(t, zones)
	}
}

// checkRoundTrip exports zones as a FeatureCollection, imports it again and
// compares kinds, names, site types, parties, properties and volumes.
func checkRoundTrip(t testing.TB, zones []Zone) {
	t.Helper()
	for i := range zones {
		zones[i].ID = fmt.Sprintf("z%d", i)
	}
	fc, err := FeatureCollection(zones, nil)
	if err != nil {
		t.Fatalf("FeatureCollection: %v", err)
	}
	back, err := Import(fc, "export.geojson", Defaults{})
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, fc)
	}
	if len(back) != len(zones) {
		t.Fatalf("%d zones came back, want %d", len(back), len(zones))
	}
	for i := range zones {
		want, got := zones[i], back[i]
		want.ID, want.Version, want.Status, want.Owner = "", 0, "", ""
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("zone %d came back as\n%+v\nwant\n%+v", i, got, want)
		}
	}
}

func TestImportErrors(t *testing.T) {
	feature := func(geom, props string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Repeat(`{"type":"Feature","geometry":{"type":"Point","coordinates":[36,33]},"properties":{"kind":"no-fly","radius_m":100}},`, 12) +
			`{"type":"Feature","geometry":` + geom + `,"properties":` + props + `}]}`
	}
	sq := `{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,34],[36,33]]]}`
	kml := func(pm string) string {
		return `<kml xmlns="http://www.opengis.net/kml/2.2"><Document>` + pm + `</Document></kml>`
	}
	ed := func(f string) string { return `{"features":[` + f + `]}` }
	edGeom := `"geometry":[{"uomDimensions":"M","lowerLimit":0,"upperLimit":100,"horizontalProjection":` + sq + `}]`
	tests := []struct {
		name, file, data, field string
	}{
		{"empty", "x.geojson", "", ""},
		{"not JSON", "x.geojson", "{", ""},
		{"array", "x.json", "[]", ""},
		{"kmz", "x.kmz", "PK\x03\x04...", ""},
		{"bare geometry", "x.geojson", sq, "type"},
		{"other CRS", "x.geojson", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`, "crs"},
		{"not a feature", "x.geojson", `{"type":"FeatureCollection","features":[{"type":"Point"}]}`, "features[0].type"},
		{"null geometry", "x.geojson", feature("null", `{"kind":"no-fly"}`), "features[12].geometry"},
		{"bad vertex", "x.geojson", feature(`{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,95],[36,33]]]}`, `{"kind":"no-fly"}`), "features[12].geometry.coordinates[0][3][1]"},
		{"vertex not a number", "x.geojson", feature(`{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,"x"],[36,33]]]}`, `{"kind":"no-fly"}`), "features[12].geometry.coordinates[0][3][1]"},
		{"self-intersection", "x.geojson", feature(`{"type":"Polygon","coordinates":[[[36,33],[37,34],[37,33],[36,34],[36,33]]]}`, `{"kind":"no-fly"}`), "features[12].geometry.coordinates[0][0]"},
		{"geometry collection", "x.geojson", feature(`{"type":"GeometryCollection","geometries":[]}`, `{}`), "features[12].geometry.geometries"},
		{"no kind, no default", "x.geojson", feature(sq, `{}`), "features[12].properties.kind"},
		{"unknown kind", "x.geojson", feature(sq, `{"kind":"target"}`), "features[12].properties.kind"},
		{"radius not a number", "x.geojson", feature(sq, `{"kind":"no-fly","radius_m":"far"}`), "features[12].properties.radius_m"},
		{"point without radius", "x.geojson", feature(`{"type":"Point","coordinates":[36,33]}`, `{"kind":"no-fly"}`), "features[12].properties.radius_m"},
		{"floor above ceiling", "x.geojson", feature(sq, `{"kind":"no-fly","floor_ft":9000,"ceiling_ft":1000}`), "features[12].properties.floor_ft"},
		{"bad time", "x.geojson", feature(sq, `{"kind":"no-fly","start":"yesterday"}`), "features[12].properties.start"},
		{"end before start", "x.geojson", feature(sq, `{"kind":"no-fly","start":"2026-05-02T00:00:00Z","end":"2026-05-01T00:00:00Z"}`), "features[12].properties.end"},
		{"applies_to not strings", "x.geojson", feature(sq, `{"kind":"no-fly","applies_to":[1,2]}`), "features[12].properties.applies_to"},
		{"empty party", "x.geojson", feature(sq, `{"kind":"no-fly","applies_to":["a",""]}`), "features[12].properties.applies_to[1]"},
		{"property too long", "x.geojson", feature(sq, `{"kind":"no-fly","note":"`+strings.Repeat("x", MaxPropertyValueLen+1)+`"}`), "features[12].properties.note"},
		{"reserved property", "x.kml", kml(`<Placemark><ExtendedData><Data name="kind"><value>no-fly</value></Data><Data name="radius_m"><value>5</value></Data><Data name="cells"><value>x</value></Data><Data name=""><value>x</value></Data></ExtendedData><Point><coordinates>36,33</coordinates></Point></Placemark>`), "placemarks[0].data"},
		{"protected site without type", "x.geojson", feature(sq, `{"kind":"protected-site"}`), "features[12].properties.site_type"},
		{"same id, other kind", "x.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + sq + `,"properties":{"id":"a","kind":"no-fly"}},{"type":"Feature","geometry":` + sq + `,"properties":{"id":"a","kind":"safe-zone"}}]}`, "features[1].properties.kind"},
		{"single feature", "x.geojson", `{"type":"Feature","geometry":` + sq + `,"properties":{"kind":"no-fly","ceiling_ft":-5000}}`, "properties.ceiling_ft"},
		{"KML not XML", "x.kml", "<kml><Document>", "placemarks[0]"},
		{"KML no placemark", "x.kml", kml(""), ""},
		{"KML line", "x.kml", kml(`<Placemark><LineString><coordinates>36,33 37,34</coordinates></LineString></Placemark>`), "placemarks[0].LineString"},
		{"KML bad tuple", "x.kml", kml(`<Placemark><Point><coordinates>36;33</coordinates></Point></Placemark>`), "placemarks[0].Point[0].coordinates[0]"},
		{"KML bad number", "x.kml", kml(`<Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>36,33 37,x 37,34 36,33</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>`), "placemarks[0].geometry.coordinates[0][0][1][1]"},
		{"KML ring not closed", "x.kml", kml(`<Placemark><ExtendedData><Data name="kind"><value>no-fly</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>36,33 37,33 37,34 36,34</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>`), "placemarks[0].geometry.coordinates[0][3]"},
		{"KML no radius", "x.kml", kml(`<Placemark><ExtendedData><Data name="kind"><value>no-fly</value></Data></ExtendedData><Point><coordinates>36,33</coordinates></Point></Placemark>`), "placemarks[0].data.radius_m"},
		{"KML bad kind", "x.kml", kml(`<Placemark><ExtendedData><Data name="kind"><value>war</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>36,33 37,33 37,34 36,33</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>`), "placemarks[0].data.kind"},
		{"KML bad TimeSpan", "x.kml", kml(`<Placemark><TimeSpan><begin>2026-05</begin></TimeSpan><Polygon><outerBoundaryIs><LinearRing><coordinates>36,33 37,33 37,34 36,33</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>`), "placemarks[0].TimeSpan.begin"},
		{"ED-269 bad restriction", "x.json", ed(`{"restriction":"FORBIDDEN",` + edGeom + `}`), "features[0].restriction"},
		{"ED-269 no geometry", "x.json", ed(`{"restriction":"PROHIBITED"}`), "features[0].geometry"},
		{"ED-269 bad unit", "x.json", ed(`{"geometry":[{"uomDimensions":"NM","lowerLimit":0,"upperLimit":1,"horizontalProjection":` + sq + `}]}`), "features[0].geometry[0].uomDimensions"},
		{"ED-269 floor above ceiling", "x.json", ed(`{"restriction":"PROHIBITED","geometry":[{"uomDimensions":"FT","lowerLimit":500,"upperLimit":100,"horizontalProjection":` + sq + `}]}`), "features[0].geometry[0].lowerLimit"},
		{"ED-269 bad polygon", "x.json", ed(`{"restriction":"PROHIBITED","geometry":[{"uomDimensions":"M","lowerLimit":0,"upperLimit":100,"horizontalProjection":{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,34]]]}}]}`), "features[0].geometry[0].horizontalProjection.coordinates[0][3]"},
		{"ED-269 circle without radius", "x.json", ed(`{"geometry":[{"horizontalProjection":{"type":"Circle","center":[36,33]}}]}`), "features[0].geometry[0].horizontalProjection"},
		{"ED-269 circle too big", "x.json", ed(`{"restriction":"PROHIBITED","geometry":[{"horizontalProjection":{"type":"Circle","center":[36,33],"radius":90000}}]}`), "features[0].geometry[0].horizontalProjection.radius"},
		{"ED-269 bad date", "x.json", ed(`{"applicability":[{"startDateTime":"01/05/2026"}],` + edGeom + `}`), "features[0].applicability[0].startDateTime"},
		{"ED-269 end before start", "x.json", ed(`{"restriction":"PROHIBITED","applicability":[{"startDateTime":"2026-05-02T00:00:00Z","endDateTime":"2026-05-01T00:00:00Z"},{"startDateTime":"2026-05-02T00:00:00Z","endDateTime":"2026-05-01T00:00:00Z"}],` + edGeom + `}`), "features[0].applicability[0].endDateTime"},
		{"ED-269 limit as text", "x.json", ed(`{"geometry":[{"lowerLimit":"0"}]}`), "features[0].geometry.lowerLimit"},
	}
	for _, tt := range tests {
		_, err := Import([]byte(tt.data), tt.file, Defaults{Start: t0})
		if concord.ErrorCode(err) != concord.EINVALID || concord.ErrorField(err) != tt.field {
			t.Errorf("%s: Import = %v, want EINVALID on %q", tt.name, err, tt.field)
		}
	}
}

func TestImportProgress(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 2500 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[36.%d,33]},"properties":{"radius_m":100}}`, i)
	}
	b.WriteString("]}")
	var calls [][2]int
	zones, err := Import([]byte(b.String()), "", Defaults{Kind: SafeZone, Start: t0, Progress: func(done, total int) {
		calls = append(calls, [2]int{done, total})
	}})
	if err != nil || len(zones) != 2500 {
		t.Fatalf("%d zones, %v", len(zones), err)
	}
	if want := [][2]int{{1000, 2500}, {2000, 2500}, {2500, 2500}}; !reflect.DeepEqual(calls, want) {
		t.Errorf("progress calls %v, want %v", calls, want)
	}
}

func TestImportTooManyFeatures(t *testing.T) {
	data := `{"type":"FeatureCollection","features":[` + strings.Repeat(`{},`, MaxFeatures) + `{}]}`
	if _, err := Import([]byte(data), "", Defaults{}); concord.ErrorCode(err) != concord.ETOOLARGE {
		t.Errorf("%d features: %v", MaxFeatures+1, err)
	}
}

func TestDetectFormat(t *testing.T) {
	for _, tt := range []struct{ data, name, want string }{
		{`{"type":"FeatureCollection","features":[]}`, "a.json", FormatGeoJSON},
		{`{"features":[]}`, "a.json", FormatED269},
		{`{"type":"x","features":[]}`, "zones.ed269.json", FormatED269},
		{"\ufeff<?xml version=\"1.0\"?><kml/>", "a.xml", FormatKML},
		{"  <kml/>", "", FormatKML},
	} {
		if got, err := DetectFormat([]byte(tt.data), tt.name); got != tt.want || err != nil {
			t.Errorf("DetectFormat(%q, %q) = %q, %v; want %q", tt.data, tt.name, got, err, tt.want)
		}
	}
}
