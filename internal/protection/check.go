package protection

import (
	"slices"
	"time"

	"github.com/golang/geo/s2"

	"concord/internal/geo"
	"concord/internal/zones"
)

// SubjectType names what a notice may conflict with.
type SubjectType string

const (
	SubjectZone      SubjectType = "zone"      // a protected site or a safe zone
	SubjectMovement  SubjectType = "movement"  // a humanitarian movement's corridor during its window
	SubjectOperation SubjectType = "operation" // another party's operation notice
)

// Subject is something a notice is checked against, at one version.
type Subject struct {
	Type     SubjectType
	ID       string
	Version  int
	Owner    string
	Kind     string         // protected-site, safe-zone, movement, or an operation kind
	SiteType zones.SiteType // protected sites only
	Volumes  []zones.Volume // a movement's one volume is access.Movement.Volume
}

// Ref names one version of a subject.
type Ref struct {
	Type    SubjectType `json:"type"`
	ID      string      `json:"id"`
	Version int         `json:"version"`
}

// Ref returns the reference to s's version.
func (s Subject) Ref() Ref { return Ref{Type: s.Type, ID: s.ID, Version: s.Version} }

// Notified reports whether s is notified to armed parties, who must
// acknowledge it before operating over it: protected sites, safe zones and
// movements, not other parties' notices.
func (s Subject) Notified() bool { return s.Type != SubjectOperation }

// Window is a time window [Start, End); End nil is open-ended.
type Window struct {
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
}

// Conflict is a notice's overlap with one subject: the notice's volumes
// that meet it, the cells of the subject's coarse cover they meet, and the
// envelopes of the overlapping windows and bands.
type Conflict struct {
	Subject   Subject
	Volumes   []int // indexes of the notice's volumes that meet the subject
	CellLevel int
	Cells     []s2.CellID
	Window    Window
	FloorFt   float64
	CeilingFt float64
	Exact     bool // some notice volume meets the subject's exact footprint (full descriptions only)
}

// Checker checks one notice's volumes against subjects.
type Checker struct {
	level  int
	vols   []zones.Volume
	shapes []*geo.Shape
}

// NewChecker prepares the check of valid notice volumes at the deployment's
// S2 level.
func NewChecker(vols []zones.Volume, level int) (*Checker, error) {
	shapes, err := zones.Shapes(zones.Zone{Volumes: vols})
	if err != nil {
		return nil, err
	}
	return &Checker{level: level, vols: vols, shapes: shapes}, nil
}

// Check returns the conflicts of the notice with each subject, in the order
// of subjects. Subjects should be valid; one that is not is an error naming it.
func Check(vols []zones.Volume, subjects []Subject, level int) ([]Conflict, error) {
	c, err := NewChecker(vols, level)
	if err != nil {
		return nil, err
	}
	var out []Conflict
	for _, s := range subjects {
		k, ok, err := c.Against(s)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, k)
		}
	}
	return out, nil
}

// Against returns the conflict of the notice with s, if any: some notice
// volume and some subject volume have overlapping windows (half-open) and
// bands (closed: touching counts), and the notice volume's footprint (with
// its radius) meets a cell of the subject volume's coarse cover — the cells
// zones.Coarse shows armed parties, at the level it shows them.
func (c *Checker) Against(s Subject) (Conflict, bool, error) {
	z := zones.Zone{ID: s.ID, Volumes: s.Volumes}
	shapes, err := zones.Shapes(z)
	if err != nil {
		return Conflict{}, false, err
	}
	k := Conflict{Subject: s, CellLevel: zones.Coarse(z, c.level).CellLevel}
	found := false
	for j, sv := range s.Volumes {
		cover := cellIDs(zones.Coarse(zones.Zone{Volumes: []zones.Volume{sv}}, k.CellLevel).Cells)
		for i, nv := range c.vols {
			if c.merge(&k, i, nv, sv, cover, shapes[j]) {
				found = true
			}
		}
	}
	slices.Sort(k.Cells)
	k.Cells = slices.Compact(k.Cells)
	slices.Sort(k.Volumes)
	k.Volumes = slices.Compact(k.Volumes)
	return k, found, nil
}

func cellIDs(tokens []string) []s2.CellID {
	out := make([]s2.CellID, len(tokens))
	for i, t := range tokens {
		out[i] = s2.CellIDFromToken(t)
	}
	return out
}

// merge adds the overlap of notice volume i with one subject volume to k,
// reporting whether there is one.
func (c *Checker) merge(k *Conflict, i int, nv, sv zones.Volume, cover []s2.CellID, exact *geo.Shape) bool {
	lo, hi, ok := bandOverlap(nv, sv)
	if !ok {
		return false
	}
	w, ok := windowOverlap(nv, sv)
	if !ok {
		return false
	}
	cells := meeting(cover, c.shapes[i])
	if len(cells) == 0 {
		return false
	}
	if len(k.Volumes) == 0 {
		k.Window, k.FloorFt, k.CeilingFt = w, lo, hi
	} else {
		k.Window = envelope(k.Window, w)
		k.FloorFt, k.CeilingFt = min(k.FloorFt, lo), max(k.CeilingFt, hi)
	}
	k.Volumes = append(k.Volumes, i)
	k.Cells = append(k.Cells, cells...)
	k.Exact = k.Exact || c.shapes[i].IntersectsShape(exact)
	return true
}

func meeting(cover []s2.CellID, s *geo.Shape) []s2.CellID {
	reg := s.Region()
	var out []s2.CellID
	for _, id := range cover {
		if reg.IntersectsCell(s2.CellFromCellID(id)) {
			out = append(out, id)
		}
	}
	return out
}

func bandOverlap(a, b zones.Volume) (lo, hi float64, ok bool) {
	alo, ahi := a.Band()
	blo, bhi := b.Band()
	lo, hi = max(alo, blo), min(ahi, bhi)
	return lo, hi, lo <= hi
}

// windowOverlap intersects [a.Start, a.End) and [b.Start, b.End).
func windowOverlap(a, b zones.Volume) (Window, bool) {
	w := Window{Start: a.Start, End: a.End}
	if b.Start.After(w.Start) {
		w.Start = b.Start
	}
	if w.End == nil || b.End != nil && b.End.Before(*w.End) {
		w.End = b.End
	}
	return w, w.End == nil || w.Start.Before(*w.End)
}

func envelope(a, b Window) Window {
	if b.Start.Before(a.Start) {
		a.Start = b.Start
	}
	if a.End != nil && (b.End == nil || b.End.After(*a.End)) {
		a.End = b.End
	}
	return a
}

// QueryCells returns the cells to look subjects up by (see geo.Ancestors):
// each cell of the volumes' index coverings, made no finer than level, and
// its eight neighbours at its own level. A subject whose coarse cover at
// level meets the notice has an index cell nested with one of them, even
// when the cell it meets is only in the 3×3 block zones.Coarse adds around a
// point site's centre cell.
func QueryCells(vols []zones.Volume, level int) ([]s2.CellID, error) {
	shapes, err := zones.Shapes(zones.Zone{Volumes: vols})
	if err != nil {
		return nil, err
	}
	var out []s2.CellID
	for _, s := range shapes {
		for _, c := range geo.IndexCovering(s) {
			if c.Level() > level {
				c = c.Parent(level)
			}
			out = append(out, c)
			out = append(out, c.AllNeighbors(c.Level())...)
		}
	}
	u := s2.CellUnion(out)
	u.Normalize()
	return u, nil
}
