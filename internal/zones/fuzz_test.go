package zones

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"concord"
)

// fuzzImport is the property every importer fuzz test checks: Import never
// panics; it fails only with EINVALID or ETOOLARGE; every zone it returns is
// valid and already normalized (Validate changes nothing); and exporting the
// zones as GeoJSON and importing them again gives the same zones.
func fuzzImport(f *testing.F, name string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		zones, err := Import(data, name, Defaults{Kind: ControlArea, Start: t0})
		if err != nil {
			var e *concord.Error
			if !errors.As(err, &e) || (e.Code != concord.EINVALID && e.Code != concord.ETOOLARGE) {
				t.Fatalf("error %v (%T) is not EINVALID or ETOOLARGE", err, err)
			}
			return
		}
		for i, z := range zones {
			again := z
			again.Volumes = append([]Volume(nil), z.Volumes...)
			if err := Validate(&again, t0); err != nil {
				t.Fatalf("imported zone %d is invalid: %v", i, err)
			}
			if !reflect.DeepEqual(again, z) {
				t.Fatalf("Validate changed imported zone %d:\n%+v\n%+v", i, z, again)
			}
		}
		checkRoundTrip(t, zones)
	})
}

func FuzzImportGeoJSON(f *testing.F) {
	fuzzImport(f, "zones.geojson",
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[36.2765,33.5138]},"properties":{"kind":"protected-site","site_type":"school","radius_m":300}}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,34],[36,33]]]},"properties":{"id":"a","volume":1,"floor_ft":"100","ceiling_ft":200,"applies_to":"x, y","end":"2026-07-01T00:00:00Z"}},{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[179,0],[-179,0],[-179,1],[179,0]]]]},"properties":{"id":"a","volume":0,"extra":{"n":[1,2]}}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[37,33.5],[37,34],[36,34],[36,33]]]},"properties":null}]}`,
	)
}

func FuzzImportKML(f *testing.F) {
	fuzzImport(f, "zones.kml",
		`<kml><Placemark><name>a</name><Point><coordinates>36,33</coordinates></Point><ExtendedData><Data name="radius_m"><value>10</value></Data></ExtendedData></Placemark></kml>`,
		`<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><TimeSpan><begin>2026-05-01T00:00:00Z</begin><end>2026-05-02T00:00:00Z</end></TimeSpan><MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>36,33 37,33 37,34 36,33</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark></Document></kml>`,
	)
}

func FuzzImportED269(f *testing.F) {
	fuzzImport(f, "zones.ed269.json",
		`{"features":[{"restriction":"PROHIBITED","geometry":[{"uomDimensions":"M","lowerLimit":0,"upperLimit":120,"horizontalProjection":{"type":"Circle","center":[36,33],"radius":500}}]}]}`,
		`{"features":[{"name":"x","applicability":[{"permanent":"YES"},{"startDateTime":"2026-05-01T00:00:00Z","endDateTime":"2026-05-02T00:00:00Z"}],"geometry":[{"horizontalProjection":{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,33]]]}}]}]}`,
	)
}
