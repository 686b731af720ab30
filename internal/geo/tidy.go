package geo

import (
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// Tidy returns g with two harmless defects of real-world data removed from
// its rings, as importers may do before Validate (which rejects both):
//
//   - consecutive repeated positions (A, A);
//   - spikes: a vertex where the ring turns back on itself within Tolerance
//     (A, B, A' with A' on the segment AB or beyond A on its line), a
//     zero-area sliver typical of quantized sources such as TopoJSON.
//
// A ring is never shortened below 4 positions; every other defect is left for
// Validate to report. g itself is not modified. Points and LineStrings are
// returned unchanged.
func (g Geometry) Tidy() Geometry {
	if len(g.Polygons) == 0 {
		return g
	}
	out := g
	out.Polygons = make([][][]Position, len(g.Polygons))
	for i, poly := range g.Polygons {
		out.Polygons[i] = make([][]Position, len(poly))
		for r, ring := range poly {
			out.Polygons[i][r] = tidyRing(ring)
		}
	}
	return out
}

// tidyRing removes repeats and spikes from a closed ring with a stack: each
// vertex is pushed, then spikes at the top are popped; then the seam (where
// the ring closes) is tidied the same way.
func tidyRing(ring []Position) []Position {
	if len(ring) < 4 || vertexKey(ring[0]) != vertexKey(ring[len(ring)-1]) {
		return ring
	}
	var s []Position
	for _, p := range ring[:len(ring)-1] {
		s = pushTidy(s, p)
	}
	s = tidySeam(s)
	if len(s) < 3 || len(s) == len(ring)-1 {
		return ring
	}
	return append(s, s[0])
}

func tidySeam(s []Position) []Position {
	for len(s) >= 4 {
		n := len(s)
		switch {
		case vertexKey(s[n-1]) == vertexKey(s[0]), spike(s[n-2], s[n-1], s[0]):
			s = s[:n-1]
		case spike(s[n-1], s[0], s[1]):
			s = s[1:]
		default:
			return s
		}
	}
	return s
}

func pushTidy(stack []Position, p Position) []Position {
	if n := len(stack); n > 0 && vertexKey(stack[n-1]) == vertexKey(p) {
		return stack
	}
	stack = append(stack, p)
	for n := len(stack); n >= 3 && spike(stack[n-3], stack[n-2], stack[n-1]); n = len(stack) {
		stack = append(stack[:n-2], stack[n-1])
		if m := len(stack); m >= 2 && vertexKey(stack[m-2]) == vertexKey(stack[m-1]) {
			stack = stack[:m-1]
		}
	}
	return stack
}

// spike reports whether the ring folds back at cur.
func spike(prev, cur, next Position) bool {
	a, b, c := prev.Point(), cur.Point(), next.Point()
	tol := s1.ChordAngleFromAngle(Tolerance.Angle())
	return s2.IsDistanceLess(a, b, c, tol) || s2.IsDistanceLess(c, a, b, tol)
}
