package geo

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"concord"
)

// square is a 1° square, counterclockwise, as "lat:lon" text.
const square = "0:0, 0:1, 1:1, 1:0"

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name string
		g    Geometry
	}{
		{"point", point(t, "33.5138:36.2765")},
		{"point on antimeridian", point(t, "0:-180")},
		{"point at pole", point(t, "90:0")},
		{"line", line(t, "0:0, 1:1")},
		{"line with repeated position", line(t, "0:0, 0:0, 1:1")},
		{"line across antimeridian", line(t, "0:179, 0:-179")},
		{"counterclockwise square", poly(t, square)},
		{"clockwise square (RFC 7946 §3.1.6: accept)", poly(t, "0:0, 1:0, 1:1, 0:1")},
		{"square with a hole", poly(t, "0:0, 0:3, 3:3, 3:0; 1:1, 2:1, 2:2, 1:2")},
		{"square with two holes", poly(t, "0:0, 0:5, 5:5, 5:0; 1:1, 2:1, 2:2, 1:2; 3:3, 4:3, 4:4, 3:4")},
		{"hole clockwise like its shell", poly(t, "0:0, 0:3, 3:3, 3:0; 1:1, 1:2, 2:2, 2:1")},
		{"across antimeridian", poly(t, "0:179, 0:-179, 1:-179, 1:179")},
		{"across antimeridian at ±180 vertices", poly(t, "0:170, 0:180, 0:-170, 10:-170, 10:-180, 10:170")},
		{"around the north pole", poly(t, "80:0, 80:90, 80:180, 80:-90")},
		{"triangle", poly(t, "0:0, 0:1, 1:0")},
		{"concave", poly(t, "0:0, 0:4, 4:4, 4:0, 2:2")},
		{"multipolygon, disjoint", multi(t, square+" | 5:5, 5:6, 6:6, 6:5")},
		{"multipolygon, touching along a side (cut at the antimeridian)", multi(t, "0:179, 0:180, 1:180, 1:179 | 0:-180, 0:-179, 1:-179, 1:-180")},
		{"multipolygon, overlapping", multi(t, square+" | 0.5:0.5, 0.5:1.5, 1.5:1.5, 1.5:0.5")},
		{"thin sliver (collinear in lon/lat is not collinear on the sphere)", poly(t, "0:0, 1:1, 2:2")},
		{"10,000 vertices", circle(Position{36, 35}, 1, MaxVertices-1)},
	}
	for _, tt := range tests {
		if err := tt.g.Validate(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// circle returns a Polygon of n vertices (plus the closing one) on a circle
// of radiusDeg degrees of latitude around c, longitudes wrapped to ±180.
func circle(c Position, radiusDeg float64, n int) Geometry {
	r := make([]Position, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		lon := c[0] + radiusDeg*math.Cos(a)
		if lon > 180 {
			lon -= 360
		}
		r = append(r, Position{lon, c[1] + radiusDeg*math.Sin(a)})
	}
	return Geometry{Type: TypePolygon, Polygons: [][][]Position{{append(r, r[0])}}}
}

// comb returns a Polygon of n teeth of the given height (degrees) and gap:
// long, parallel, close edges, the worst case for spatial indexes.
func comb(n int, height, gap float64) Geometry {
	var r []Position
	for i := range n {
		x := float64(i) * 2 * gap
		r = append(r, Position{x, 0}, Position{x, height}, Position{x + gap, height}, Position{x + gap, 0.0001})
	}
	r = append(r, Position{float64(n) * 2 * gap, -1}, Position{0, -1})
	return Geometry{Type: TypePolygon, Polygons: [][][]Position{{append(r, r[0])}}}
}

func TestValidateRejects(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	sq := rings(t, square)
	tests := []struct {
		name  string
		g     Geometry
		code  string
		field string
	}{
		{"no type", Geometry{}, concord.EINVALID, "type"},
		{"unknown type", Geometry{Type: "Circle"}, concord.EINVALID, "type"},
		{"lowercase type", Geometry{Type: "polygon", Polygons: [][][]Position{sq}}, concord.EINVALID, "type"},
		{"point lon NaN", Geometry{Type: TypePoint, Point: Position{nan, 0}}, concord.EINVALID, "coordinates[0]"},
		{"point lat +Inf", Geometry{Type: TypePoint, Point: Position{0, inf}}, concord.EINVALID, "coordinates[1]"},
		{"point lon 180.0001", point(t, "0:180.0001"), concord.EINVALID, "coordinates[0]"},
		{"point lon -181", point(t, "0:-181"), concord.EINVALID, "coordinates[0]"},
		{"point lat 90.5", point(t, "90.5:0"), concord.EINVALID, "coordinates[1]"},
		{"point lat -91", point(t, "-91:0"), concord.EINVALID, "coordinates[1]"},
		{"line of one position", line(t, "0:0"), concord.EINVALID, "coordinates"},
		{"line of one place twice", line(t, "0:0, 0:0"), concord.EINVALID, "coordinates"},
		{"line ±180 is one place", line(t, "0:180, 0:-180"), concord.EINVALID, "coordinates"},
		{"line lat out of range", line(t, "0:0, 95:0"), concord.EINVALID, "coordinates[1][1]"},
		{"line antipodal edge", line(t, "0:0, 0:180"), concord.EINVALID, "coordinates[1]"},
		{"Polygon of two polygons", Geometry{Type: TypePolygon, Polygons: [][][]Position{sq, sq}}, concord.EINVALID, "coordinates"},
		{"Polygon of none", Geometry{Type: TypePolygon}, concord.EINVALID, "coordinates"},
		{"polygon without rings", Geometry{Type: TypePolygon, Polygons: [][][]Position{{}}}, concord.EINVALID, "coordinates"},
		{"MultiPolygon of none", Geometry{Type: TypeMultiPolygon}, concord.EINVALID, "coordinates"},
		{"MultiPolygon of 101", Geometry{Type: TypeMultiPolygon, Polygons: make([][][]Position, MaxPolygons+1)}, concord.ETOOLARGE, "coordinates"},
		{"10,001 vertices", circle(Position{0, 0}, 1, MaxVertices), concord.ETOOLARGE, "coordinates"},
		{"ring of 3 positions", Geometry{Type: TypePolygon, Polygons: [][][]Position{{{{0, 0}, {1, 0}, {0, 0}}}}}, concord.EINVALID, "coordinates[0]"},
		{"empty ring", Geometry{Type: TypePolygon, Polygons: [][][]Position{{{}}}}, concord.EINVALID, "coordinates[0]"},
		{"ring not closed", Geometry{Type: TypePolygon, Polygons: [][][]Position{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}}, concord.EINVALID, "coordinates[0][3]"},
		{"vertex NaN", Geometry{Type: TypePolygon, Polygons: [][][]Position{{{{0, 0}, {1, 0}, {1, nan}, {0, 0}}}}}, concord.EINVALID, "coordinates[0][2][1]"},
		{"vertex lon out of range", poly(t, "0:0, 0:1, 1:200"), concord.EINVALID, "coordinates[0][2][0]"},
		{"hole vertex out of range", poly(t, "0:0, 0:3, 3:3, 3:0; 1:1, 2:1, 99:2"), concord.EINVALID, "coordinates[1][2][1]"},
		{"repeated consecutive vertex", poly(t, "0:0, 0:1, 0:1, 1:1, 1:0"), concord.EINVALID, "coordinates[0][2]"},
		{"repeated vertex (figure of eight)", poly(t, "0:0, 0:1, 1:1, 1:2, 0:2, 0:1, -1:1"), concord.EINVALID, "coordinates[0][5]"},
		{"repeated vertex as ±180", poly(t, "0:170, 0:180, 10:180, 10:170, 0:-180"), concord.EINVALID, "coordinates[0][4]"},
		{"collinear ring folds back", poly(t, "0:0, 0:1, 0:2"), concord.EINVALID, "coordinates[0][0]"},
		{"spike", poly(t, "0:0, 0:2, 1:2, 1:1, 3:1, 1:1.0000000001, 1:0"), concord.EINVALID, "coordinates[0][4]"},
		{"bow tie", poly(t, "0:0, 1:1, 0:1, 1:0"), concord.EINVALID, "coordinates[0][0]"},
		{"bow tie across the antimeridian", poly(t, "0:179, 1:-179, 0:-179, 1:179"), concord.EINVALID, "coordinates[0][0]"},
		{"vertex touching an edge", poly(t, "0:0, 0:4, 4:4, 4:2, 0:2, 2:0"), concord.EINVALID, "coordinates[0][0]"},
		{"hole crossing shell", poly(t, square+"; 0.5:0.5, 0.5:2, 0.7:2, 0.7:0.5"), concord.EINVALID, "coordinates[0][1]"},
		{"hole sharing a vertex with shell", poly(t, "0:0, 0:3, 3:3, 3:0; 0:0, 1:2, 2:1"), concord.EINVALID, "coordinates[0][3]"},
		{"hole outside shell", poly(t, square+"; 5:5, 6:5, 6:6, 5:6"), concord.EINVALID, "coordinates[1]"},
		{"hole inside hole", poly(t, "0:0, 0:9, 9:9, 9:0; 1:1, 8:1, 8:8, 1:8; 2:2, 3:2, 3:3, 2:3"), concord.EINVALID, "coordinates[2]"},
		{"two holes crossing", poly(t, "0:0, 0:9, 9:9, 9:0; 1:1, 5:1, 5:5, 1:5; 3:3, 7:3, 7:7, 3:7"), concord.EINVALID, "coordinates[1][2]"},
		{"second polygon bad", multi(t, square+" | 5:5, 6:6, 5:6, 6:5"), concord.EINVALID, "coordinates[1][0][0]"},
		{"polygon around the world", poly(t, "0:0, 0:90, 0:180, 0:-90, 10:-90, 10:180, 10:90, 10:0"), concord.EINVALID, "coordinates"},
	}
	for _, tt := range tests {
		err := tt.g.Validate()
		if concord.ErrorCode(err) != tt.code || concord.ErrorField(err) != tt.field {
			t.Errorf("%s: Validate() = %v, want %s on field %q", tt.name, err, tt.code, tt.field)
		}
	}
	if len(tests) < 30 {
		t.Errorf("only %d malformed cases", len(tests))
	}
}

// TestValidateMessages checks that the messages say what is wrong.
func TestValidateMessages(t *testing.T) {
	tests := []struct {
		g    Geometry
		want string
	}{
		{poly(t, "0:0, 1:1, 0:1, 1:0"), "self-intersection"},
		{Geometry{Type: "GeometryCollection"}, "want Point, LineString, Polygon or MultiPolygon"},
		{Geometry{Type: TypePolygon, Polygons: [][][]Position{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}}, "RFC 7946"},
	}
	for _, tt := range tests {
		if err := tt.g.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%v) = %v, want a message containing %q", tt.g, err, tt.want)
		}
	}
}

// TestValidateWorstCases checks that the self-intersection test stays fast on
// the inputs that make spatial indexes quadratic: 2,500 long parallel teeth a
// few metres apart (S2's edge index takes about a minute on the last one).
func TestValidateWorstCases(t *testing.T) {
	for _, g := range []Geometry{comb(2499, 10, 0.005), comb(2499, 80, 0.0001), comb(2499, 1, 0.001)} {
		if err := g.Validate(); err != nil {
			t.Errorf("comb: %v", err)
		}
	}
	broken := comb(2499, 10, 0.005)
	x := broken.Polygons[0][0][5000][0]
	broken.Polygons[0][0][5001] = Position{x + 3*0.005, 10} // a tooth leaning through its own far side
	if err := broken.Validate(); concord.ErrorCode(err) != concord.EINVALID {
		t.Errorf("broken comb: %v, want a self-intersection", err)
	}
}

func BenchmarkValidate(b *testing.B) {
	for _, bm := range []struct {
		name string
		g    Geometry
	}{
		{"circle10k", circle(Position{179.5, 30}, 1, MaxVertices-1)},
		{"comb10k", comb(2499, 80, 0.0001)},
		{"square", Geometry{Type: TypePolygon, Polygons: [][][]Position{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				if err := bm.g.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ExampleGeometry_Validate() {
	bowTie := Geometry{Type: TypePolygon, Polygons: [][][]Position{{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}}
	fmt.Println(bowTie.Validate())
	// Output: invalid: coordinates[0][0]: self-intersection: the edge from this vertex crosses or touches the edge from coordinates[0][2]
}

func TestTidy(t *testing.T) {
	tests := []struct{ in, want string }{
		{square, square},
		{"0:0, 0:1, 0:1, 1:1, 1:0", square}, // repeat
		{"0:0, 0:1, 1:1, 1:0, 0:0", square}, // repeat across the seam
		{"0:0, 0:1, 1:1, 1:0.5, 0.5:0.5, 1:0.5, 1:0", "0:0, 0:1, 1:1, 1:0.5, 1:0"}, // spike in from a side; a straight vertex stays
		{"0:0, 0:1, 1:1, 2:1, 1:1, 1:0", square},                                   // spike out
		{"0:0, 0:1, 1:1, 0.5:1, 1:1, 1:0", "0:0, 0:1, 0.5:1, 1:1, 1:0"},            // spike in along a side
		{"0:0, 0:1, 1:1, 2:1, 3:1, 2:1, 1:1, 1:0", square},                         // a spike of two edges
		{"0:0, -1:0, 0:0, 0:1, 1:1, 1:0", square},                                  // spike at the seam
		{"0:0, 0:1, 0:2", "0:0, 0:1, 0:2"},                                         // too short to fix
	}
	for _, tt := range tests {
		in := poly(t, tt.in)
		orig := fmt.Sprint(in)
		got := in.Tidy()
		if want := poly(t, tt.want); fmt.Sprint(got.Polygons) != fmt.Sprint(want.Polygons) {
			t.Errorf("Tidy(%s) = %v, want %v", tt.in, got.Polygons, want.Polygons)
		}
		if fmt.Sprint(in) != orig {
			t.Errorf("Tidy modified its receiver")
		}
	}
}
