package geo

import (
	"fmt"
	"math"

	"concord"

	"github.com/golang/geo/s2"
)

// Covering bounds.
const (
	MaxCoverCells      = 20000 // cells in a Covering at one level
	IndexMinLevel      = 4     // coarsest level of an IndexCovering, normally
	IndexMaxLevel      = 16    // finest level of an IndexCovering (about 150 m)
	IndexMaxCells      = 16    // cells in an IndexCovering or RectCovering
	DefaultCoarseLevel = 12    // SPEC §1: coarse covers at level 12 (about 4 km²) unless configured
)

// Region returns the shape as an s2.Region, so that any S2 algorithm can
// cover it. IntersectsCell is exact up to Tolerance (it measures the distance
// from the cell to the base); ContainsCell may answer false for a contained
// cell (allowed by the s2.Region contract: it only costs covering size).
func (s *Shape) Region() s2.Region {
	if s.index == nil {
		return s.cap
	}
	return region{s}
}

type region struct{ s *Shape }

func (r region) CapBound() s2.Cap   { return r.s.cap }
func (r region) RectBound() s2.Rect { return r.s.bound }
func (r region) ContainsPoint(p s2.Point) bool {
	return r.s.ContainsPoint(PositionOf(p))
}
func (r region) CellUnionBound() []s2.CellID { return r.s.cap.CellUnionBound() }

func (r region) ContainsCell(c s2.Cell) bool {
	for _, p := range r.s.polys {
		if p.ContainsCell(c) {
			return true
		}
	}
	return false
}

func (r region) IntersectsCell(c s2.Cell) bool {
	if !r.s.bound.Intersects(c.RectBound()) {
		return false
	}
	for _, p := range r.s.polys {
		if p.IntersectsCell(c) {
			return true
		}
	}
	return r.s.query(true).IsDistanceLess(s2.NewMinDistanceToCellTarget(c), r.s.reach.Successor())
}

// Covering returns every cell at exactly level that intersects the shape,
// sorted by cell ID. It covers the shape completely: every point for which
// ContainsPoint is true lies in one of the cells. It is the coarse cover of
// SPEC §1.
//
// Note on s2.RegionCoverer with MinLevel == MaxLevel: the coverer always
// subdivides cells coarser than MinLevel, marks every intersecting cell at
// MaxLevel terminal, and Covering normalises the result (four siblings become
// their parent) and then denormalises it back to MinLevel, so every cell
// returned is at exactly that level and MaxCells has no effect.
//
// A cover of more than MaxCoverCells cells is refused with ETOOLARGE (before
// it is computed when the shape's area alone makes it so).
func Covering(s *Shape, level int) ([]s2.CellID, error) {
	if level < 0 || level > s2.MaxLevel {
		return nil, concord.Invalid("level", "must be between 0 and %d", s2.MaxLevel)
	}
	if est := s.estimateCells(level); est > 2*MaxCoverCells {
		return nil, tooManyCells(int(est), level)
	}
	rc := &s2.RegionCoverer{MinLevel: level, MaxLevel: level, LevelMod: 1, MaxCells: MaxCoverCells}
	cells := rc.Covering(s.Region())
	if len(cells) > MaxCoverCells {
		return nil, tooManyCells(len(cells), level)
	}
	return cells, nil
}

func tooManyCells(n, level int) error {
	return &concord.Error{Code: concord.ETOOLARGE, Field: "level",
		Message: fmt.Sprintf("about %d cells at level %d; at most %d are allowed", n, level, MaxCoverCells)}
}

// estimateCells estimates the size of the cover at level from the shape's
// area (base, disc of the radius, band of the radius along the boundary) and
// a band one cell wide along the boundary.
func (s *Shape) estimateCells(level int) float64 {
	r := s.radius.Angle().Radians()
	length := s.boundaryLength()
	area := 2*math.Pi*(1-math.Cos(r)) + length*r
	for _, p := range s.polys {
		area += p.Area()
	}
	return (area + length*s2.AvgEdgeMetric.Value(level)) / s2.AvgAreaMetric.Value(level)
}

// boundaryLength returns the length in radians of the base's edges.
func (s *Shape) boundaryLength() float64 {
	length := 0.0
	add := func(chain []Position) {
		for i := 1; i < len(chain); i++ {
			length += chain[i-1].Point().Angle(chain[i].Point().Vector).Radians()
		}
	}
	add(s.base.Line)
	for _, poly := range s.base.Polygons {
		for _, ring := range poly {
			add(ring)
		}
	}
	return length
}

// IndexCovering returns a small covering of the shape for database look-ups:
// at most IndexMaxCells cells of levels IndexMinLevel..IndexMaxLevel, sorted.
// A shape too large for that at level 4 (thousands of kilometres across) is
// covered with coarser cells instead, so the bound on the count always holds.
func IndexCovering(s *Shape) []s2.CellID { return smallCovering(s.Region()) }

// RectCovering returns a small covering of r, as IndexCovering does for a
// shape: the cells to look up for a bbox query.
func RectCovering(r Rect) []s2.CellID {
	if r.IsEmpty() {
		return nil
	}
	return smallCovering(r.s2())
}

func smallCovering(reg s2.Region) []s2.CellID {
	rc := &s2.RegionCoverer{MinLevel: IndexMinLevel, MaxLevel: IndexMaxLevel, LevelMod: 1, MaxCells: IndexMaxCells}
	if cells := rc.Covering(reg); len(cells) <= IndexMaxCells {
		return cells
	}
	rc.MinLevel = 0
	return rc.Covering(reg)
}

// CellKey maps a cell ID to an int64 that sorts as the uint64 ID does (the
// sign bit flipped), so that cell IDs can be stored in SQL integer columns
// (SPEC §5) and compared with BETWEEN.
func CellKey(c s2.CellID) int64 { return int64(uint64(c) ^ (1 << 63)) }

// CellFromKey inverts CellKey.
func CellFromKey(k int64) s2.CellID { return s2.CellID(uint64(k) ^ (1 << 63)) }

// CellRange returns the keys of the first and last leaf cells under c: a cell
// z lies under c (c contains z) exactly when lo <= CellKey(z) <= hi.
func CellRange(c s2.CellID) (lo, hi int64) { return CellKey(c.RangeMin()), CellKey(c.RangeMax()) }

// Ancestors returns the cells containing c at levels 0..c.Level()-1, coarsest
// first.
//
// Together with CellRange it gives the look-up the store uses: an index cell
// z intersects a query cell q exactly when
//
//	CellKey(z) BETWEEN lo(q) AND hi(q)  -- z is q or lies under it
//	OR CellKey(z) IN Ancestors(q)       -- z contains q
//
// because two S2 cells intersect only when one contains the other
// (TestCellPredicateMatchesIntersects checks this against CellID.Intersects).
func Ancestors(c s2.CellID) []s2.CellID {
	out := make([]s2.CellID, c.Level())
	for l := range out {
		out[l] = c.Parent(l)
	}
	return out
}

// CellIntersectsRect reports whether cell c and r have a point in common
// (S2's exact test: cell edges are geodesics, r's sides are parallels and
// meridians).
func CellIntersectsRect(c s2.CellID, r Rect) bool {
	if r.IsEmpty() || !c.IsValid() {
		return false
	}
	return r.s2().IntersectsCell(s2.CellFromCellID(c))
}
