package geo

import (
	"math"
	"testing"

	"concord"
)

func TestParseBBox(t *testing.T) {
	tests := []struct {
		in   string
		want Rect
	}{
		{"35.5,32.3,42.4,37.3", Rect{35.5, 32.3, 42.4, 37.3}},
		{" 35.5 , 32.3 ,42.4, 37.3 ", Rect{35.5, 32.3, 42.4, 37.3}},
		{"-180,-90,180,90", FullRect()},
		{"179,-1,-179,1", Rect{179, -1, -179, 1}},
		{"1,2,1,2", Rect{1, 2, 1, 2}},
	}
	for _, tt := range tests {
		got, err := ParseBBox(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseBBox(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, _ := ParseBBox(got.String()); back != got {
			t.Errorf("ParseBBox(%q.String()) = %v", got, back)
		}
	}
	for _, in := range []string{"", "1,2,3", "1,2,3,4,5", "a,2,3,4", "NaN,0,1,1", "0,0,Inf,1",
		"-181,0,0,1", "0,0,181,1", "0,-91,1,1", "0,0,1,91", "0,2,1,1", "0x1p1,0,1,1,"} {
		if _, err := ParseBBox(in); concord.ErrorCode(err) != concord.EINVALID || concord.ErrorField(err) != "bbox" {
			t.Errorf("ParseBBox(%q) = %v, want EINVALID on bbox", in, err)
		}
	}
}

func TestRectAntimeridian(t *testing.T) {
	r := Rect{179, -1, -179, 1}
	for _, tt := range []struct {
		p    Position
		want bool
	}{
		{Position{180, 0}, true}, {Position{-180, 0}, true}, {Position{179.5, 0.5}, true},
		{Position{-179, 1}, true}, {Position{0, 0}, false}, {Position{178.9, 0}, false},
	} {
		if got := r.ContainsPoint(tt.p); got != tt.want {
			t.Errorf("%v.ContainsPoint(%v) = %v", r, tt.p, got)
		}
	}
	if !r.CrossesAntimeridian() || !r.Intersects(Rect{-179.5, 0, -179.2, 0.5}) || r.Intersects(Rect{0, 0, 1, 1}) {
		t.Errorf("antimeridian intersections wrong")
	}
	if u := (Rect{170, 0, 175, 1}).Union(Rect{-175, 0, -170, 1}); u != (Rect{170, 0, -170, 1}) {
		t.Errorf("Union across the antimeridian = %v", u)
	}
	if !EmptyRect().IsEmpty() || EmptyRect().Union(r) != r {
		t.Errorf("EmptyRect is not the identity of Union")
	}
}

func TestRectExpanded(t *testing.T) {
	r := Rect{36, 33, 37, 34}.Expanded(10000)
	dLat := 10000 / EarthRadiusM * 180 / math.Pi
	if math.Abs(r.MinLat-(33-dLat)) > 1e-9 || math.Abs(r.MaxLat-(34+dLat)) > 1e-9 {
		t.Errorf("latitudes of %v", r)
	}
	// The expansion in longitude is measured at the highest latitude.
	if d := Distance(Position{37, 34 + dLat}, Position{r.MaxLon, 34 + dLat}); d < 9999 {
		t.Errorf("expanded by only %v m in longitude", d)
	}
	if full := (Rect{0, 89, 1, 89.5}).Expanded(100000); full.MaxLat != 90 || full.MinLon != -180 || full.MaxLon != 180 {
		t.Errorf("expanding over the pole = %v, want full longitude", full)
	}
}

func TestGeometryBound(t *testing.T) {
	tests := []struct {
		name string
		g    Geometry
		want Rect
		tol  float64
	}{
		{"point", point(t, "33.5:36.2"), Rect{36.2, 33.5, 36.2, 33.5}, 0},
		{"square", poly(t, "0:0, 0:1, 1:1, 1:0"), Rect{0, 0, 1, 1.0000381}, 1e-6},
		{"antimeridian", poly(t, "0:179, 0:-179, 1:-179, 1:179"), Rect{179, 0, -179, 1.0001523}, 1e-6},
		{"polar", poly(t, "80:0, 80:90, 80:180, 80:-90"), Rect{-180, 80, 180, 90}, 1e-9},
		// A geodesic bulges towards the pole: along 60°N from 10°W to 10°E it reaches 60.38°N.
		{"bulge", poly(t, "59:-10, 59:10, 60:10, 60:-10"), Rect{-10, 59, 10, 60.3787}, 1e-3},
	}
	for _, tt := range tests {
		got := tt.g.Bound()
		if math.Abs(got.MinLon-tt.want.MinLon) > tt.tol || math.Abs(got.MaxLon-tt.want.MaxLon) > tt.tol ||
			math.Abs(got.MinLat-tt.want.MinLat) > tt.tol || math.Abs(got.MaxLat-tt.want.MaxLat) > tt.tol {
			t.Errorf("%s: Bound() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
