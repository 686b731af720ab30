package geo

import (
	"math/rand/v2"
	"slices"
	"testing"

	"concord"

	"github.com/golang/geo/s2"
)

// randomInside returns up to n random points of s, by rejection sampling in
// its bound, plus every vertex of its base (where boundaries are tested).
func randomInside(t *testing.T, r *rand.Rand, s *Shape, n int) []Position {
	t.Helper()
	b := s.Bound()
	width := b.MaxLon - b.MinLon
	if width < 0 {
		width += 360
	}
	var out []Position
	for i := 0; len(out) < n && i < 100*n; i++ {
		lon := b.MinLon + r.Float64()*width
		if lon > 180 {
			lon -= 360
		}
		p := Position{lon, b.MinLat + r.Float64()*(b.MaxLat-b.MinLat)}
		if s.ContainsPoint(p) {
			out = append(out, p)
		}
	}
	if len(out) < n/10 {
		t.Fatalf("only %d points found inside %v", len(out), b)
	}
	g := s.Geometry()
	if g.Type == TypePoint {
		out = append(out, g.Point)
	}
	out = append(out, g.Line...)
	for _, poly := range g.Polygons {
		for _, ring := range poly {
			out = append(out, ring...)
		}
	}
	return out
}

func covers(cells []s2.CellID, p Position) bool {
	id := s2.CellIDFromLatLng(p.LatLng())
	i, _ := slices.BinarySearch(cells, id)
	return (i < len(cells) && cells[i].Contains(id)) || (i > 0 && cells[i-1].Contains(id))
}

func testShapes(t *testing.T) map[string]*Shape {
	return map[string]*Shape{
		"site 500 m":           mustShape(t, point(t, "33.5138:36.2765"), 500),
		"site 20 km":           mustShape(t, point(t, "36.2:37.16"), 20000),
		"site on antimeridian": mustShape(t, point(t, "-16.5:180"), 3000),
		"square":               mustShape(t, poly(t, "33:36, 33:36.3, 33.2:36.3, 33.2:36"), 0),
		"square buffered 2 km": mustShape(t, poly(t, "33:36, 33:36.3, 33.2:36.3, 33.2:36"), 2000),
		"holed":                mustShape(t, poly(t, "33:36, 33:36.3, 33.3:36.3, 33.3:36; 33.1:36.1, 33.2:36.1, 33.2:36.2, 33.1:36.2"), 0),
		"antimeridian":         mustShape(t, poly(t, "0:179.9, 0:-179.9, 0.2:-179.9, 0.2:179.9"), 0),
		"corridor 1 km":        mustShape(t, line(t, "33.5:36.3, 33.6:36.5, 33.9:36.6"), 1000),
		"multipolygon":         mustShape(t, multi(t, "33:36, 33:36.1, 33.1:36.1, 33.1:36 | 34:37, 34:37.05, 34.05:37.05"), 0),
	}
}

// TestCoveringCoversShape checks the property the coarse cover rests on:
// every point of the shape lies in one of its level-12 cells.
func TestCoveringCoversShape(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for name, s := range testShapes(t) {
		cells, err := Covering(s, DefaultCoarseLevel)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.IsSorted(cells) {
			t.Errorf("%s: cells not sorted", name)
		}
		for _, c := range cells {
			if c.Level() != DefaultCoarseLevel {
				t.Fatalf("%s: cell %v at level %d", name, c, c.Level())
			}
		}
		for _, p := range randomInside(t, r, s, 2000) {
			if !covers(cells, p) {
				t.Fatalf("%s: %v is inside but in no cell of the covering", name, p)
			}
		}
	}
}

// TestCoveringKnownAnswers: a small site at a cell's centre is one cell; a
// site on a cell corner is the four cells around it.
func TestCoveringKnownAnswers(t *testing.T) {
	c := s2.CellIDFromToken("1534cf1")
	if c.Level() != DefaultCoarseLevel {
		t.Fatalf("level %d", c.Level())
	}
	centre := PositionOf(c.Point())
	cells, err := Covering(mustShape(t, Geometry{Type: TypePoint, Point: centre}, 100), DefaultCoarseLevel)
	if err != nil || len(cells) != 1 || cells[0] != c {
		t.Errorf("Covering(100 m at centre of %s) = %v, %v", c.ToToken(), cells, err)
	}
	corner := PositionOf(s2.CellFromCellID(c).Vertex(0))
	cells, _ = Covering(mustShape(t, Geometry{Type: TypePoint, Point: corner}, 100), DefaultCoarseLevel)
	if len(cells) != 4 {
		t.Errorf("Covering(100 m at a corner) = %d cells, want 4", len(cells))
	}
}

func TestCoveringBounds(t *testing.T) {
	s := mustShape(t, point(t, "0:0"), 100000)
	if _, err := Covering(s, 16); concord.ErrorCode(err) != concord.ETOOLARGE {
		t.Errorf("100 km disc at level 16: %v, want ETOOLARGE", err)
	}
	if _, err := Covering(mustShape(t, poly(t, "0:0, 0:60, 60:60, 60:0"), 0), 12); concord.ErrorCode(err) != concord.ETOOLARGE {
		t.Errorf("huge polygon at level 12: %v, want ETOOLARGE", err)
	}
	for _, level := range []int{-1, 31} {
		if _, err := Covering(s, level); concord.ErrorField(err) != "level" {
			t.Errorf("level %d: %v", level, err)
		}
	}
	if cells, err := Covering(s, 8); err != nil || len(cells) == 0 {
		t.Errorf("100 km disc at level 8: %d cells, %v", len(cells), err)
	}
}

// TestRegionCovererSingleLevel pins the behaviour of golang/geo's
// RegionCoverer that Covering relies on: with MinLevel == MaxLevel every cell
// is at that level, however small MaxCells is.
func TestRegionCovererSingleLevel(t *testing.T) {
	s := mustShape(t, point(t, "33.5:36.3"), 30000)
	rc := &s2.RegionCoverer{MinLevel: 12, MaxLevel: 12, MaxCells: 1}
	cells := rc.Covering(s.Region())
	if len(cells) < 100 {
		t.Errorf("%d cells", len(cells))
	}
	for _, c := range cells {
		if c.Level() != 12 {
			t.Fatalf("cell at level %d", c.Level())
		}
	}
}

// TestS2LoopValidateIgnoresSelfIntersection pins why Validate has its own
// self-intersection check: golang/geo's Loop.Validate and Polygon.Validate do
// not look for crossing edges (the check is a TODO in loop.go).
func TestS2LoopValidateIgnoresSelfIntersection(t *testing.T) {
	bowTie := poly(t, "0:0, 1:1, 0:1, 1:0").Polygons[0][0]
	var pts []s2.Point
	for _, p := range bowTie[:4] {
		pts = append(pts, p.Point())
	}
	if err := s2.LoopFromPoints(pts).Validate(); err != nil {
		t.Logf("s2 now rejects self-intersecting loops (%v): Validate's own check could be dropped", err)
	}
}

func TestIndexCovering(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	shapes := testShapes(t)
	shapes["continent"] = mustShape(t, point(t, "30:40"), 3_000_000/3)
	shapes["syria-sized"] = mustShape(t, poly(t, "32.3:35.7, 32.3:42.4, 37.3:42.4, 37.3:35.7"), 0)
	for name, s := range shapes {
		cells := IndexCovering(s)
		if len(cells) == 0 || len(cells) > IndexMaxCells {
			t.Errorf("%s: %d cells", name, len(cells))
		}
		for _, c := range cells {
			if c.Level() > IndexMaxLevel || (c.Level() < IndexMinLevel && name != "continent") {
				t.Errorf("%s: cell at level %d", name, c.Level())
			}
		}
		for _, p := range randomInside(t, r, s, 500) {
			if !covers(cells, p) {
				t.Fatalf("%s: %v in no cell", name, p)
			}
		}
	}
}

func TestRectCovering(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, rect := range []Rect{{35.5, 32.3, 42.4, 37.3}, {179, -1, -179, 1}, {36.2, 33.5, 36.3, 33.6}, FullRect()} {
		cells := RectCovering(rect)
		if len(cells) == 0 || len(cells) > IndexMaxCells {
			t.Errorf("%v: %d cells", rect, len(cells))
		}
		for range 1000 {
			p := Position{rect.MinLon + r.Float64()*(rect.MaxLon-rect.MinLon), rect.MinLat + r.Float64()*(rect.MaxLat-rect.MinLat)}
			if rect.CrossesAntimeridian() {
				p[0] = rect.MinLon + r.Float64()*(rect.MaxLon+360-rect.MinLon)
				if p[0] > 180 {
					p[0] -= 360
				}
			}
			if !covers(cells, p) {
				t.Fatalf("%v: %v in no cell", rect, p)
			}
		}
	}
	if RectCovering(EmptyRect()) != nil {
		t.Errorf("empty rect has cells")
	}
}

// randomCell returns a random cell at a random level.
func randomCell(r *rand.Rand) s2.CellID {
	leaf := s2.CellIDFromFacePosLevel(r.IntN(6), r.Uint64(), s2.MaxLevel)
	return leaf.Parent(r.IntN(s2.MaxLevel + 1))
}

// TestCellPredicateMatchesIntersects checks the store's SQL predicate
// against s2: key(z) BETWEEN lo(q) AND hi(q) OR key(z) IN ancestors(q)
// holds exactly when z and q intersect.
func TestCellPredicateMatchesIntersects(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	predicate := func(z, q s2.CellID) bool {
		lo, hi := CellRange(q)
		k := CellKey(z)
		if lo <= k && k <= hi {
			return true
		}
		for _, a := range Ancestors(q) {
			if CellKey(a) == k {
				return true
			}
		}
		return false
	}
	hits := 0
	for range 100000 {
		q := randomCell(r)
		var z s2.CellID
		switch r.IntN(4) {
		case 0: // unrelated
			z = randomCell(r)
		case 1: // an ancestor or q itself
			z = q.Parent(r.IntN(q.Level() + 1))
		case 2: // a descendant
			z = q.ChildBeginAtLevel(min(s2.MaxLevel, q.Level()+r.IntN(5)))
		case 3: // a neighbour's relative
			z = q.EdgeNeighbors()[r.IntN(4)].Parent(r.IntN(q.Level() + 1))
		}
		got, want := predicate(z, q), z.Intersects(q)
		if got != want {
			t.Fatalf("z %v, q %v: predicate %v, Intersects %v", z, q, got, want)
		}
		if want {
			hits++
		}
	}
	t.Logf("%d of 100000 pairs intersect", hits)
}

func TestCellKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	ids := make([]s2.CellID, 1000)
	for i := range ids {
		ids[i] = randomCell(r)
	}
	ids = append(ids, s2.CellID(0), s2.CellID(1<<63), s2.CellID(1<<63-1), s2.CellID(^uint64(0)))
	slices.Sort(ids)
	for i, id := range ids {
		if CellFromKey(CellKey(id)) != id {
			t.Fatalf("CellFromKey(CellKey(%v)) != id", id)
		}
		if i > 0 && CellKey(ids[i-1]) > CellKey(id) {
			t.Fatalf("CellKey does not preserve order at %v", id)
		}
	}
	if a := Ancestors(s2.CellIDFromFace(3)); len(a) != 0 {
		t.Errorf("face cell has ancestors %v", a)
	}
}

func TestCellIntersectsRect(t *testing.T) {
	damascus := s2.CellIDFromLatLng(Position{36.2765, 33.5138}.LatLng()).Parent(12)
	tests := []struct {
		c    s2.CellID
		r    Rect
		want bool
	}{
		{damascus, Rect{36, 33, 37, 34}, true},
		{damascus, Rect{37, 33, 38, 34}, false},
		{damascus.Parent(2), Rect{36.27, 33.51, 36.28, 33.52}, true},
		{s2.CellIDFromLatLng(Position{180, 0}.LatLng()).Parent(10), Rect{179.9, -0.1, -179.9, 0.1}, true},
		{damascus, EmptyRect(), false},
		{s2.CellID(0), FullRect(), false},
	}
	for _, tt := range tests {
		if got := CellIntersectsRect(tt.c, tt.r); got != tt.want {
			t.Errorf("CellIntersectsRect(%v, %v) = %v", tt.c, tt.r, got)
		}
	}
}
