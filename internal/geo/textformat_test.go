package geo

import (
	"strconv"
	"strings"
	"testing"
)

// Test shapes use the S2 text format: "lat:lon" pairs separated by commas,
// rings separated by semicolons, polygons of a MultiPolygon by "|". Note the
// order: latitude first, as S2 writes it, unlike GeoJSON. Rings are closed
// automatically. For example, the 2° square across the antimeridian is
//
//	poly(t, "0:179, 0:-179, 1:-179, 1:179")

// pos parses "lat:lon".
func pos(t testing.TB, s string) Position {
	t.Helper()
	lat, lon, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		t.Fatalf("bad lat:lon %q", s)
	}
	return Position{num(t, lon), num(t, lat)}
}

func num(t testing.TB, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		t.Fatalf("bad number %q", s)
	}
	return f
}

// ring parses "lat:lon, lat:lon, ..." into a closed ring.
func ring(t testing.TB, s string) []Position {
	t.Helper()
	var r []Position
	for _, p := range strings.Split(s, ",") {
		r = append(r, pos(t, p))
	}
	return append(r, r[0])
}

// rings parses "ring; ring; ...".
func rings(t testing.TB, s string) [][]Position {
	t.Helper()
	var out [][]Position
	for _, r := range strings.Split(s, ";") {
		out = append(out, ring(t, r))
	}
	return out
}

// poly parses a Polygon: "shell; hole; ...".
func poly(t testing.TB, s string) Geometry {
	t.Helper()
	return Geometry{Type: TypePolygon, Polygons: [][][]Position{rings(t, s)}}
}

// multi parses a MultiPolygon: "polygon | polygon | ...".
func multi(t testing.TB, s string) Geometry {
	t.Helper()
	g := Geometry{Type: TypeMultiPolygon}
	for _, p := range strings.Split(s, "|") {
		g.Polygons = append(g.Polygons, rings(t, p))
	}
	return g
}

// point parses a Point: "lat:lon".
func point(t testing.TB, s string) Geometry {
	t.Helper()
	return Geometry{Type: TypePoint, Point: pos(t, s)}
}

// line parses a LineString: "lat:lon, lat:lon, ...".
func line(t testing.TB, s string) Geometry {
	t.Helper()
	g := Geometry{Type: TypeLineString}
	for _, p := range strings.Split(s, ",") {
		g.Line = append(g.Line, pos(t, p))
	}
	return g
}

// mustShape builds a shape or fails the test.
func mustShape(t testing.TB, g Geometry, radius Meters) *Shape {
	t.Helper()
	s, err := NewShape(g, radius)
	if err != nil {
		t.Fatalf("NewShape(%v, %v): %v", g, radius, err)
	}
	return s
}
