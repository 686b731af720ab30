package geo

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"concord"
)

func TestGeometryJSONRoundTrip(t *testing.T) {
	tests := []struct{ in, out string }{
		{`{"type":"Point","coordinates":[36.2765,33.5138]}`, ``},
		{`{"type":"Point","coordinates":[36.2765,33.5138,712.5]}`, `{"type":"Point","coordinates":[36.2765,33.5138]}`},
		{`{"coordinates":[1,2],"bbox":[1,2,1,2],"type":"Point"}`, `{"type":"Point","coordinates":[1,2]}`},
		{`{"type":"LineString","coordinates":[[1,2],[3,4]]}`, ``},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`, ``},
		{`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`, ``},
		{`{"type":"Point","coordinates":[-0,1e-7]}`, `{"type":"Point","coordinates":[-0,1e-7]}`},
		{` {"type" : "Point", "coordinates" : [ 0.1 , 0.2 ] } `, `{"type":"Point","coordinates":[0.1,0.2]}`},
	}
	for _, tt := range tests {
		var g Geometry
		if err := json.Unmarshal([]byte(tt.in), &g); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.in, err)
			continue
		}
		got, err := json.Marshal(g)
		if err != nil {
			t.Errorf("Marshal(%v): %v", g, err)
			continue
		}
		want := tt.out
		if want == "" {
			want = tt.in
		}
		if string(got) != want {
			t.Errorf("round trip of %s:\n got %s\nwant %s", tt.in, got, want)
		}
	}
}

func TestGeometryJSONPolygonKeepsType(t *testing.T) {
	var p, m Geometry
	mustUnmarshal(t, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`, &p)
	mustUnmarshal(t, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`, &m)
	if p.Type != TypePolygon || m.Type != TypeMultiPolygon || !reflect.DeepEqual(p.Polygons, m.Polygons) {
		t.Errorf("Polygon %+v and MultiPolygon of one %+v should differ only in Type", p, m)
	}
}

func mustUnmarshal(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("Unmarshal(%s): %v", s, err)
	}
}

// TestGeometryJSONFloatsExact checks that every float64 survives a round trip
// bit for bit.
func TestGeometryJSONFloatsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		g := Geometry{Type: TypePoint, Point: Position{r.Float64()*360 - 180, math.Float64frombits(r.Uint64()>>2) * 1e-300}}
		if !finite(g.Point[1]) {
			continue
		}
		b, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		var back Geometry
		mustUnmarshal(t, string(b), &back)
		if back.Point != g.Point {
			t.Fatalf("%v became %v via %s", g.Point, back.Point, b)
		}
	}
}

func TestGeometryJSONErrors(t *testing.T) {
	tests := []struct{ in, field string }{
		{`null`, ``},
		{`[]`, ``},
		{`"Point"`, ``},
		{`{"coordinates":[1,2]}`, `type`},
		{`{"type":1,"coordinates":[1,2]}`, `type`},
		{`{"type":"GeometryCollection","geometries":[]}`, `geometries`},
		{`{"type":"GeometryCollection"}`, `type`},
		{`{"type":"MultiPoint","coordinates":[[1,2]]}`, `type`},
		{`{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}`, `type`},
		{`{"type":"Feature","coordinates":[1,2]}`, `type`},
		{`{"type":"point","coordinates":[1,2]}`, `type`},
		{`{"type":"Point"}`, `coordinates`},
		{`{"type":"Point","coordinates":null}`, `coordinates`},
		{`{"type":"Point","coordinates":[1,2],"crs":{}}`, `crs`},
		{`{"type":"Point","coordinates":[1,2],"Type":"Point"}`, `Type`},
		{`{"type":"Point","coordinates":[1]}`, `coordinates`},
		{`{"type":"Point","coordinates":[1,2,3,4]}`, `coordinates`},
		{`{"type":"Point","coordinates":[1,"2"]}`, `coordinates[1]`},
		{`{"type":"Point","coordinates":[1,null]}`, `coordinates[1]`},
		{`{"type":"Point","coordinates":[[1,2],[3,4]]}`, `coordinates[0]`},
		{`{"type":"Point","coordinates":{"lon":1}}`, `coordinates`},
		{`{"type":"Point","coordinates":[1e400,2]}`, `coordinates`},
		{`{"type":"LineString","coordinates":[1,2]}`, `coordinates[0]`},
		{`{"type":"LineString","coordinates":[[1,2],[3]]}`, `coordinates[1]`},
		{`{"type":"Polygon","coordinates":[[1,2]]}`, `coordinates[0][0]`},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0,0,0]]]}`, `coordinates[0][3]`},
		{`{"type":"MultiPolygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`, `coordinates[0][0][0]`},
		{`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,true]]]]}`, `coordinates[0][0][3][1]`},
	}
	for _, tt := range tests {
		var g Geometry
		err := json.Unmarshal([]byte(tt.in), &g)
		if concord.ErrorCode(err) != concord.EINVALID || concord.ErrorField(err) != tt.field {
			t.Errorf("Unmarshal(%s) = %v, want EINVALID on field %q", tt.in, err, tt.field)
		}
	}
}

func TestGeometryMarshalErrors(t *testing.T) {
	for _, g := range []Geometry{
		{Type: "GeometryCollection"},
		{},
		{Type: TypePolygon, Polygons: make([][][]Position, 2)},
		{Type: TypePoint, Point: Position{math.NaN(), 0}},
	} {
		if b, err := json.Marshal(g); err == nil {
			t.Errorf("Marshal(%+v) = %s, want an error", g, b)
		}
	}
}
