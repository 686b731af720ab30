package zones

import (
	"slices"
	"time"

	"concord"
	"concord/internal/geo"

	"github.com/golang/geo/s2"
)

// Coarse returns the coarse cover of z that an armed party sees (SPEC §1):
// the tokens of every S2 cell at level that meets some volume's footprint
// plus its radius (geo.Covering: complete, so every protected point is in a
// listed cell) and, for a point site, the 3×3 block of cells around the cell
// holding its centre (see centreBlock), sorted by cell ID and deduplicated; the band from the lowest
// floor to the highest ceiling; the window from the earliest start to the
// latest end (End nil if any volume is open-ended); ID, version, kind, site
// type, status and applies_to. It has no name, owner, properties, nor any
// coordinate.
//
// If the cover at level would exceed geo.MaxCoverCells, the next coarser
// level that fits is used and CellLevel says which: coarser cells only hide
// more. A level outside 0..30 is clamped. Stored zones are valid; should z
// not be (see CoarseOf), the cover is the six level-0 face cells, so that
// nothing is hidden and nothing revealed.
func Coarse(z Zone, level int) CoarseZone {
	c, err := CoarseOf(z, min(max(level, 0), s2.MaxLevel))
	if err != nil {
		c = coarseHeader(z, 0, faceCells())
	}
	return c
}

func faceCells() []s2.CellID {
	faces := make([]s2.CellID, 6)
	for f := range faces {
		faces[f] = s2.CellIDFromFace(f)
	}
	return faces
}

// CoarseOf is Coarse, failing with the field of the problem for an invalid
// zone (as Shapes does) or level.
func CoarseOf(z Zone, level int) (CoarseZone, error) {
	if level < 0 || level > s2.MaxLevel {
		return CoarseZone{}, concord.Invalid("level", "must be between 0 and %d", s2.MaxLevel)
	}
	shapes, err := Shapes(z)
	if err != nil {
		return CoarseZone{}, err
	}
	if len(shapes) == 0 {
		return CoarseZone{}, concord.Invalid("volumes", "a zone needs at least one volume")
	}
	cells, level, err := coverAll(shapes, level)
	if err != nil {
		return CoarseZone{}, err
	}
	return coarseHeader(z, level, cells), nil
}

func coarseHeader(z Zone, level int, cells []s2.CellID) CoarseZone {
	c := CoarseZone{
		ID: z.ID, Version: z.Version, Kind: z.Kind, SiteType: z.SiteType, Status: z.Status,
		Coarse: true, CellLevel: level, Cells: tokens(cells), AppliesTo: slices.Clone(z.AppliesTo),
	}
	c.FloorFt, c.CeilingFt = envelopeBand(z.Volumes)
	c.Start, c.End = envelopeWindow(z.Volumes)
	return c
}

// coverAll covers every shape at level, or at the finest coarser level at
// which the cover is small enough.
func coverAll(shapes []*geo.Shape, level int) ([]s2.CellID, int, error) {
	for ; level >= 0; level-- {
		cells, err := coverAt(shapes, level)
		if concord.ErrorCode(err) == concord.ETOOLARGE {
			continue
		}
		return cells, level, err
	}
	return nil, 0, concord.Errorf(concord.EINTERNAL, "no level covers the zone")
}

func coverAt(shapes []*geo.Shape, level int) ([]s2.CellID, error) {
	var all []s2.CellID
	for _, s := range shapes {
		cells, err := geo.Covering(s, level)
		if err != nil {
			return nil, err
		}
		all = append(all, cells...)
		if s.Geometry().Type == geo.TypePoint {
			all = append(all, centreBlock(s.Geometry().Point, level)...)
		}
		if len(all) > geo.MaxCoverCells {
			return nil, &concord.Error{Code: concord.ETOOLARGE, Field: "level", Message: "too many cells"}
		}
	}
	slices.Sort(all)
	return slices.Compact(all), nil
}

// centreBlock is the 3×3 block of cells at level around the cell holding p.
// Adding it to a point site's cover means the cover reveals no more than
// which cell the site is in: without it, a small site near a cell corner
// would be covered by exactly the four cells meeting there, placing it
// within its radius of that corner.
func centreBlock(p geo.Position, level int) []s2.CellID {
	c := s2.CellIDFromLatLng(p.LatLng()).Parent(level)
	return append(c.AllNeighbors(level), c)
}

func tokens(cells []s2.CellID) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.ToToken()
	}
	return out
}

func envelopeBand(vols []Volume) (floorFt, ceilingFt float64) {
	for i, v := range vols {
		lo, hi := v.Band()
		if i == 0 || lo < floorFt {
			floorFt = lo
		}
		if i == 0 || hi > ceilingFt {
			ceilingFt = hi
		}
	}
	return floorFt, ceilingFt
}

func envelopeWindow(vols []Volume) (start time.Time, end *time.Time) {
	open := false
	for i, v := range vols {
		if i == 0 || v.Start.Before(start) {
			start = v.Start
		}
		switch {
		case v.End == nil:
			open = true
		case end == nil || v.End.After(*end):
			e := *v.End
			end = &e
		}
	}
	if open {
		return start, nil
	}
	return start, end
}
