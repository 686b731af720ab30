package zones_test

import (
	"encoding/json"
	"fmt"
	"time"

	"concord/internal/geo"
	"concord/internal/zones"
)

func ExampleImport() {
	doc := `{"type":"Feature","geometry":{"type":"Point","coordinates":[36.2765,33.5138]},
		"properties":{"kind":"protected-site","site_type":"hospital","radius_m":500,"start":"2026-05-01T00:00:00Z"}}`
	zs, err := zones.Import([]byte(doc), "site.geojson", zones.Defaults{})
	fmt.Println(len(zs), err)
	fmt.Println(zs[0].Volumes[0].FloorFt, zs[0].Volumes[0].CeilingFt) // the default band
	_, err = zones.Import([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{}}]}`), "", zones.Defaults{})
	fmt.Println(err)
	// Output:
	// 1 <nil>
	// 0 60000
	// invalid: features[0].geometry: a zone needs a geometry; an unlocated (coarse) feature cannot be imported
}

func ExampleCoarse() {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	site := zones.Zone{
		ID: "z1", Version: 1, Kind: zones.ProtectedSite, SiteType: "school", Name: "School 12", Status: zones.Active,
		Volumes: []zones.Volume{{Footprint: geo.Geometry{Type: geo.TypePoint, Point: geo.Position{36.2765, 33.5138}}, RadiusM: 300, Start: start}},
	}
	b, _ := json.Marshal(zones.Coarse(site, geo.DefaultCoarseLevel))
	fmt.Println(string(b))
	// Output:
	// {"id":"z1","version":1,"kind":"protected-site","site_type":"school","status":"active","coarse":true,"cell_level":12,"cells":["1518ddf","1518de1","1518de3","1518e09","1518e0b","1518e0d","1518e0f","1518e73","1518e75"],"floor_ft":0,"ceiling_ft":60000,"start":"2026-05-01T00:00:00Z"}
}

func ExamplePrepared_ContainsPoint() {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	z := zones.Zone{Kind: zones.NoFly, Volumes: []zones.Volume{{
		Footprint: geo.Geometry{Type: geo.TypePolygon, Polygons: [][][]geo.Position{{{{36, 33}, {37, 33}, {37, 34}, {36, 34}, {36, 33}}}}},
		FloorFt:   0, CeilingFt: 25000, Start: start,
	}}}
	if err := zones.Validate(&z, start); err != nil {
		panic(err)
	}
	p, _ := zones.Prepare(z)
	noon := start.Add(12 * time.Hour)
	fmt.Println(p.ContainsPoint(geo.Position{36.5, 33.5}, 20000, noon))
	fmt.Println(p.ContainsPoint(geo.Position{36.5, 33.5}, 30000, noon))
	fmt.Println(p.ContainsPoint(geo.Position{37, 33.5}, 20000, noon)) // on the boundary
	// Output:
	// true
	// false
	// true
}
