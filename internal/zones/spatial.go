package zones

import (
	"fmt"
	"slices"
	"time"

	"concord"
	"concord/internal/geo"

	"github.com/golang/geo/s2"
)

// Band returns the volume's altitude band in feet AMSL; a 0..0 band (as
// submitted, before Validate) is the default band.
func (v Volume) Band() (floorFt, ceilingFt float64) {
	if v.FloorFt == 0 && v.CeilingFt == 0 {
		return DefaultFloorFt, DefaultCeilingFt
	}
	return v.FloorFt, v.CeilingFt
}

// InBand reports whether altFt is within the band, floor and ceiling
// included.
func (v Volume) InBand(altFt float64) bool {
	lo, hi := v.Band()
	return lo <= altFt && altFt <= hi
}

// ActiveAt reports whether t is in the volume's window [Start, End); a nil
// End is open-ended.
func (v Volume) ActiveAt(t time.Time) bool {
	return !t.Before(v.Start) && (v.End == nil || t.Before(*v.End))
}

// OverlapsWindow reports whether [from, to) and the volume's window
// [Start, End) have an instant in common. A zero to is open-ended.
func (v Volume) OverlapsWindow(from, to time.Time) bool {
	return (to.IsZero() || v.Start.Before(to)) && (v.End == nil || v.End.After(from))
}

// ActiveAt reports whether the zone is in force at t: its status is Active
// and some volume's window contains t.
func (z Zone) ActiveAt(t time.Time) bool {
	if z.Status != Active {
		return false
	}
	for _, v := range z.Volumes {
		if v.ActiveAt(t) {
			return true
		}
	}
	return false
}

// OverlapsWindow reports whether some volume's window overlaps [from, to)
// (a zero to is open-ended). It ignores Status.
func (z Zone) OverlapsWindow(from, to time.Time) bool {
	for _, v := range z.Volumes {
		if v.OverlapsWindow(from, to) {
			return true
		}
	}
	return false
}

// Shapes returns one geo.Shape per volume: its footprint buffered by its
// radius_m. It fails as Validate would on an invalid footprint, with the
// volume's field.
func Shapes(z Zone) ([]*geo.Shape, error) {
	shapes := make([]*geo.Shape, len(z.Volumes))
	for i, v := range z.Volumes {
		s, err := geo.NewShape(v.Footprint, geo.Meters(v.RadiusM))
		if err != nil {
			if concord.ErrorField(err) != "radius_m" {
				err = concord.Prefix("footprint", err)
			}
			return nil, concord.Prefix(fmt.Sprintf("volumes[%d]", i), err)
		}
		shapes[i] = s
	}
	return shapes, nil
}

// Prepared is a zone with the S2 shapes of its volumes built once, for
// repeated spatial queries (the Zone methods of the same names build them on
// every call). It is immutable and safe for concurrent use.
type Prepared struct {
	Zone   Zone
	shapes []*geo.Shape
}

// Prepare builds the shapes of z's volumes.
func Prepare(z Zone) (*Prepared, error) {
	shapes, err := Shapes(z)
	if err != nil {
		return nil, err
	}
	return &Prepared{Zone: z, shapes: shapes}, nil
}

// Shapes returns the shape of each volume, in order.
func (p *Prepared) Shapes() []*geo.Shape { return p.shapes }

// Bound returns a rectangle containing every volume's footprint plus radius.
func (p *Prepared) Bound() geo.Rect {
	b := geo.EmptyRect()
	for _, s := range p.shapes {
		b = b.Union(s.Bound())
	}
	return b
}

// IntersectsRect reports whether some volume's footprint plus radius meets
// r: the exact filter behind the database look-up by IndexCells (see
// geo.Shape.IntersectsRect for the edge cases).
func (p *Prepared) IntersectsRect(r geo.Rect) bool {
	for _, s := range p.shapes {
		if s.IntersectsRect(r) {
			return true
		}
	}
	return false
}

// ContainsPoint reports whether some volume contains the 4-D point: pos in
// its footprint plus radius (boundary included, geo.Shape), altFt (feet
// AMSL) in its band (floor and ceiling included) and t in its window
// [start, end). It ignores Status: combine it with ActiveAt or a status
// check.
func (p *Prepared) ContainsPoint(pos geo.Position, altFt float64, t time.Time) bool {
	for i, v := range p.Zone.Volumes {
		if v.ActiveAt(t) && v.InBand(altFt) && p.shapes[i].ContainsPoint(pos) {
			return true
		}
	}
	return false
}

// IntersectsVolume reports whether some volume of the zone and o share a
// 4-D point: footprints (with radii) meet, bands overlap (touching counts)
// and windows overlap. It fails only if o's footprint is invalid.
func (p *Prepared) IntersectsVolume(o Volume) (bool, error) {
	os, err := geo.NewShape(o.Footprint, geo.Meters(o.RadiusM))
	if err != nil {
		return false, err
	}
	lo, hi := o.Band()
	for i, v := range p.Zone.Volumes {
		vlo, vhi := v.Band()
		if vlo <= hi && lo <= vhi && v.OverlapsWindow(o.Start, endOrZero(o.End)) && p.shapes[i].IntersectsShape(os) {
			return true, nil
		}
	}
	return false, nil
}

func endOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// Bound returns a rectangle containing every volume's footprint plus its
// radius; the empty rectangle if a footprint is invalid.
func (z Zone) Bound() geo.Rect {
	p, err := Prepare(z)
	if err != nil {
		return geo.EmptyRect()
	}
	return p.Bound()
}

// IntersectsRect is Prepared.IntersectsRect, building the shapes on each
// call; false if a footprint is invalid.
func (z Zone) IntersectsRect(r geo.Rect) bool {
	p, err := Prepare(z)
	return err == nil && p.IntersectsRect(r)
}

// ContainsPoint is Prepared.ContainsPoint, building the shapes on each call;
// false if a footprint is invalid.
func (z Zone) ContainsPoint(pos geo.Position, altFt float64, t time.Time) bool {
	p, err := Prepare(z)
	return err == nil && p.ContainsPoint(pos, altFt, t)
}

// IndexCells returns the keys (geo.CellKey) of the union of every volume's
// geo.IndexCovering, sorted and deduplicated: the integer column the store
// looks zones up by (SPEC §5; see geo.Ancestors for the query). z should be
// valid; a volume whose footprint is not gets the six face cells, so that
// the zone is never hidden from a look-up (the exact filter then decides).
func IndexCells(z Zone) []int64 {
	var keys []int64
	for _, v := range z.Volumes {
		for _, c := range volumeIndexCells(v) {
			keys = append(keys, geo.CellKey(c))
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func volumeIndexCells(v Volume) []s2.CellID {
	s, err := geo.NewShape(v.Footprint, geo.Meters(v.RadiusM))
	if err != nil {
		return faceCells()
	}
	return geo.IndexCovering(s)
}
