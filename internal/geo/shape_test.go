package geo

import (
	"math"
	"testing"

	"concord"
)

func TestShapeContainsPoint(t *testing.T) {
	sq := poly(t, square)
	holed := poly(t, "0:0, 0:3, 3:3, 3:0; 1:1, 2:1, 2:2, 1:2")
	am := poly(t, "0:179, 0:-179, 1:-179, 1:179")
	polar := poly(t, "80:0, 80:90, 80:180, 80:-90")
	cw := poly(t, "0:0, 1:0, 1:1, 0:1") // clockwise: still the small square
	tests := []struct {
		name   string
		s      *Shape
		p      string
		inside bool
	}{
		{"square centre", mustShape(t, sq, 0), "0.5:0.5", true},
		{"square outside", mustShape(t, sq, 0), "1.5:0.5", false},
		{"square vertex (closed boundary)", mustShape(t, sq, 0), "0:0", true},
		{"square far vertex", mustShape(t, sq, 0), "1:1", true},
		{"square edge midpoint (closed boundary)", mustShape(t, sq, 0), "0:0.5", true},
		{"clockwise square centre", mustShape(t, cw, 0), "0.5:0.5", true},
		{"clockwise square outside", mustShape(t, cw, 0), "10:10", false},
		{"in the hole", mustShape(t, holed, 0), "1.5:1.5", false},
		{"between hole and shell", mustShape(t, holed, 0), "0.5:1.5", true},
		{"on the hole's edge (closed)", mustShape(t, holed, 0), "1:1.5", true},
		{"antimeridian, east side", mustShape(t, am, 0), "0.5:179.5", true},
		{"antimeridian, west side", mustShape(t, am, 0), "0.5:-179.5", true},
		{"antimeridian, on it", mustShape(t, am, 0), "0.5:180", true},
		{"antimeridian, far side of the world", mustShape(t, am, 0), "0.5:0", false},
		{"pole", mustShape(t, polar, 0), "90:0", true},
		{"polar cap", mustShape(t, polar, 0), "85:-135", true},
		{"below polar cap", mustShape(t, polar, 0), "75:45", false},
		{"square buffered 10 km, 5 km out", mustShape(t, sq, 10000), "1.045:0.5", true},
		{"square buffered 10 km, 12 km out", mustShape(t, sq, 10000), "1.108:0.5", false},
		{"square buffered 10 km, near corner, 9 km diagonal", mustShape(t, sq, 10000), "1.057:1.057", true},
		{"square buffered 10 km, outside the corner disc", mustShape(t, sq, 10000), "1.08:1.08", false},
		{"corridor", mustShape(t, line(t, "0:0, 0:1"), 1000), "0.005:0.5", true},
		{"corridor round end", mustShape(t, line(t, "0:0, 0:1"), 1000), "0:1.008", true},
		{"outside corridor", mustShape(t, line(t, "0:0, 0:1"), 1000), "0.01:0.5", false},
	}
	for _, tt := range tests {
		if got := tt.s.ContainsPoint(pos(t, tt.p)); got != tt.inside {
			t.Errorf("%s: ContainsPoint(%s) = %v", tt.name, tt.p, got)
		}
	}
}

// TestShapeCapBoundary checks that a point exactly radius_m from a site is
// inside and one a metre further is not, in every direction.
func TestShapeCapBoundary(t *testing.T) {
	site := Position{36.2765, 33.5138}
	s := mustShape(t, Geometry{Type: TypePoint, Point: site}, 500)
	for brg := 0.0; brg < 360; brg += 7.5 {
		if !s.ContainsPoint(Destination(site, brg, 500)) {
			t.Errorf("point at 500 m, bearing %v, is outside", brg)
		}
		if s.ContainsPoint(Destination(site, brg, 501)) {
			t.Errorf("point at 501 m, bearing %v, is inside", brg)
		}
	}
}

func TestShapeDistanceTo(t *testing.T) {
	s := mustShape(t, poly(t, square), 1000)
	if d := s.DistanceTo(Position{0.5, 0.5}); d != 0 {
		t.Errorf("inside: %v", d)
	}
	// The distance to the meridian side is asin(cos(lat)·sin(Δlon)).
	want := Meters(EarthRadiusM*math.Asin(math.Cos(rad(0.5))*math.Sin(rad(1)))) - 1000
	if d := s.DistanceTo(Position{0.5, 2}); math.Abs(float64(d-want)) > 0.01 {
		t.Errorf("DistanceTo = %v, want %v", d, want)
	}
}

func TestShapeIntersectsShape(t *testing.T) {
	km := Meters(1000)
	oneDeg := Distance(Position{0, 0}, Position{1, 0})
	big := mustShape(t, poly(t, "0:0, 0:10, 10:10, 10:0"), 0)
	tests := []struct {
		name string
		a, b *Shape
		want bool
	}{
		{"caps apart", mustShape(t, point(t, "0:0"), km), mustShape(t, point(t, "0:0.02"), km), false},
		{"caps touching", mustShape(t, point(t, "0:0"), oneDeg/2), mustShape(t, point(t, "0:1"), oneDeg/2), true},
		{"cap inside polygon", mustShape(t, point(t, "5:5"), km), big, true},
		{"polygon inside cap", mustShape(t, poly(t, square), 0), mustShape(t, point(t, "0.5:0.5"), 500*km), true},
		{"polygon inside polygon", mustShape(t, poly(t, "4:4, 4:5, 5:5, 5:4"), 0), big, true},
		{"polygon around polygon", big, mustShape(t, poly(t, "4:4, 4:5, 5:5, 5:4"), 0), true},
		{"polygons apart", mustShape(t, poly(t, square), 0), mustShape(t, poly(t, "0:2, 0:3, 1:3, 1:2"), 0), false},
		{"polygons apart, buffers meet", mustShape(t, poly(t, square), oneDeg/2), mustShape(t, poly(t, "0:2, 0:3, 1:3, 1:2"), oneDeg/2+1), true},
		{"polygons sharing an edge", mustShape(t, poly(t, square), 0), mustShape(t, poly(t, "0:1, 0:2, 1:2, 1:1"), 0), true},
		{"corridor through polygon", mustShape(t, line(t, "5:-1, 5:11"), 0), big, true},
		{"corridor past polygon", mustShape(t, line(t, "11:-1, 11:11"), 0), big, false},
		{"antimeridian polygons", mustShape(t, poly(t, "0:179, 0:-179, 1:-179, 1:179"), 0), mustShape(t, point(t, "0.5:-179.9"), 1), true},
	}
	for _, tt := range tests {
		if got := tt.a.IntersectsShape(tt.b); got != tt.want {
			t.Errorf("%s: a.IntersectsShape(b) = %v", tt.name, got)
		}
		if got := tt.b.IntersectsShape(tt.a); got != tt.want {
			t.Errorf("%s: b.IntersectsShape(a) = %v", tt.name, got)
		}
	}
}

func TestShapeIntersectsRect(t *testing.T) {
	big := mustShape(t, poly(t, "0:0, 0:10, 10:10, 10:0"), 0)
	tests := []struct {
		name string
		s    *Shape
		r    Rect
		want bool
	}{
		{"rect inside polygon", big, Rect{4, 4, 5, 5}, true},
		{"polygon inside rect", big, Rect{-1, -1, 11, 11}, true},
		{"rect across one edge, no vertex inside either", big, Rect{-1, 4, 11, 5}, true},
		{"rect apart", big, Rect{20, 20, 21, 21}, false},
		{"rect across the antimeridian, polygon east of it", mustShape(t, poly(t, "0:170, 0:175, 1:175, 1:170"), 0), Rect{172, 0, -170, 1}, true},
		{"rect across the antimeridian, polygon far", big, Rect{172, 0, -170, 1}, false},
		// The polygon's north edge is a geodesic bulging to 60.38°N: a planar
		// lon/lat test would miss this rectangle.
		{"rect in the bulge of a geodesic edge", mustShape(t, poly(t, "59:-10, 59:10, 60:10, 60:-10"), 0), Rect{-1, 60.3, 1, 60.35}, true},
		{"rect above the bulge", mustShape(t, poly(t, "59:-10, 59:10, 60:10, 60:-10"), 0), Rect{-1, 60.4, 1, 60.5}, false},
		{"cap near rect corner, inside radius", mustShape(t, point(t, "0:0"), 2000), Rect{0.01, 0.01, 1, 1}, true},
		{"cap near rect corner, outside radius", mustShape(t, point(t, "0:0"), 1500), Rect{0.01, 0.01, 1, 1}, false},
		{"buffered polygon reaches rect", mustShape(t, poly(t, square), 20000), Rect{1.1, 0, 2, 1}, true},
		{"line crossing rect", mustShape(t, line(t, "-1:0.5, 2:0.5"), 0), Rect{0, 0, 1, 1}, true},
		{"empty rect", big, EmptyRect(), false},
	}
	for _, tt := range tests {
		if got := tt.s.IntersectsRect(tt.r); got != tt.want {
			t.Errorf("%s: IntersectsRect(%v) = %v", tt.name, tt.r, got)
		}
	}
}

func TestNewShapeRejects(t *testing.T) {
	for _, r := range []Meters{-1, Meters(math.NaN()), Meters(math.Inf(1)), MaxRadius + 1} {
		if _, err := NewShape(point(t, "0:0"), r); concord.ErrorField(err) != "radius_m" {
			t.Errorf("NewShape(radius %v) = %v, want an error on radius_m", r, err)
		}
	}
	if _, err := NewShape(poly(t, "0:0, 1:1, 0:1, 1:0"), 0); concord.ErrorCode(err) != concord.EINVALID {
		t.Errorf("NewShape(bow tie) = %v", err)
	}
}

func BenchmarkShapeContainsPoint(b *testing.B) {
	site := mustShape(b, Geometry{Type: TypePoint, Point: Position{36.2765, 33.5138}}, 500)
	ring := mustShape(b, circle(Position{36.3, 33.5}, 0.5, 1000), 0)
	buffered := mustShape(b, circle(Position{36.3, 33.5}, 0.5, 1000), 2000)
	for _, bm := range []struct {
		name string
		s    *Shape
		p    Position
	}{
		{"cap/inside", site, Position{36.2766, 33.5139}},
		{"cap/outside", site, Position{36.3, 33.6}},
		{"polygon1k/inside", ring, Position{36.3, 33.5}},
		{"polygon1k/outside-in-bound", ring, Position{36.7, 33.9}},
		{"polygon1k/far", ring, Position{40, 40}},
		{"buffered1k/outside-in-bound", buffered, Position{36.7, 33.9}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				bm.s.ContainsPoint(bm.p)
			}
		})
	}
}

// TestShapeConcurrentUse runs queries on one shape from several goroutines
// (go test -race checks that the lazily built S2 indexes are safe).
func TestShapeConcurrentUse(t *testing.T) {
	s := mustShape(t, circle(Position{36.3, 33.5}, 0.5, 1000), 1000)
	o := mustShape(t, poly(t, square), 0)
	done := make(chan bool)
	for i := range 4 {
		go func() {
			for j := range 50 {
				s.ContainsPoint(Position{36 + float64(i)/10, 33 + float64(j)/50})
				s.IntersectsShape(o)
				s.IntersectsRect(Rect{36, 33, 36.1, 33.1})
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
}
