package geo

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"concord"
)

// FuzzGeometryJSON checks, for any input: UnmarshalJSON and Validate never
// panic and fail only with *concord.Error; an accepted geometry marshals,
// parses back to the same value and marshals to the same bytes; a valid one
// builds a Shape that contains its own vertices and is covered by its
// IndexCovering.
func FuzzGeometryJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"Point","coordinates":[36.2765,33.5138]}`,
		`{"type":"Point","coordinates":[1,2,3]}`,
		`{"type":"LineString","coordinates":[[0,0],[1,1],[2,0]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[3,0],[3,3],[0,3],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]]}`,
		`{"type":"Polygon","coordinates":[[[179,0],[-179,0],[-179,1],[179,1],[179,0]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`,
		`{"type":"GeometryCollection","geometries":[]}`,
		`{"type":"Point","coordinates":[1e400,0]}`,
		`{"type":"Polygon","coordinates":[[[0,80],[90,80],[180,80],[-90,80],[0,80]]],"bbox":[0,0,0,0]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var g Geometry
		if err := g.UnmarshalJSON(data); err != nil {
			checkError(t, err)
			return
		}
		b, err := json.Marshal(g)
		if err != nil {
			// Only non-finite numbers cannot be marshalled, and JSON has none.
			t.Fatalf("Marshal(%+v): %v", g, err)
		}
		var back Geometry
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, g) {
			t.Fatalf("%s re-parsed to %+v, %v; want %+v", b, back, err, g)
		}
		if b2, _ := json.Marshal(back); string(b2) != string(b) {
			t.Fatalf("re-marshalled %s, then %s", b, b2)
		}
		if err := g.Validate(); err != nil {
			checkError(t, err)
			return
		}
		checkShape(t, g)
	})
}

func checkError(t *testing.T, err error) {
	t.Helper()
	var e *concord.Error
	if !errors.As(err, &e) || (e.Code != concord.EINVALID && e.Code != concord.ETOOLARGE) {
		t.Fatalf("error %v (%T) is not EINVALID or ETOOLARGE", err, err)
	}
}

func checkShape(t *testing.T, g Geometry) {
	t.Helper()
	s, err := NewShape(g, 0)
	if err != nil {
		t.Fatalf("valid geometry, NewShape: %v", err)
	}
	cells := IndexCovering(s)
	var vertices []Position
	switch g.Type {
	case TypePoint:
		vertices = []Position{g.Point}
	case TypeLineString:
		vertices = g.Line
	default:
		vertices = g.Polygons[0][0]
	}
	for _, v := range vertices {
		if !s.ContainsPoint(v) {
			t.Fatalf("shape does not contain its vertex %v", v)
		}
		if !covers(cells, v) {
			t.Fatalf("vertex %v in no cell of the index covering", v)
		}
	}
}
