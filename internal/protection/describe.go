package protection

import (
	"github.com/golang/geo/s2"

	"concord/internal/zones"
)

// CoarseSubject names a subject without saying where it is or whose it is.
type CoarseSubject struct {
	Type     SubjectType    `json:"type"`
	ID       string         `json:"id"`
	Version  int            `json:"version"`
	Kind     string         `json:"kind"`
	SiteType zones.SiteType `json:"site_type,omitempty"`
}

// Coarse is the description of a conflict given to the armed party (SPEC §1):
// the subject's kind and site type, the S2 cells of its cover that the
// notice meets, the overlapping window and band. It holds no coordinate, no
// owner, and nothing that depends on the subject's exact footprint.
type Coarse struct {
	Subject   CoarseSubject `json:"subject"`
	CellLevel int           `json:"cell_level"`
	Cells     []string      `json:"cells"`
	Window    Window        `json:"window"`
	FloorFt   float64       `json:"floor_ft"`
	CeilingFt float64       `json:"ceiling_ft"`
}

// Full is the description of a conflict given to the subject's owner and
// the coordinator: the coarse one, the owner, whether the notice meets the
// subject's exact footprint, and the notice's kind, purpose and volumes that
// meet it.
type Full struct {
	Coarse
	Owner         string         `json:"owner"`
	ExactOverlap  bool           `json:"exact_overlap"`
	Operation     string         `json:"operation"` // the notice's ID
	Party         string         `json:"party"`     // who filed it
	NoticeKind    Kind           `json:"notice_kind"`
	Purpose       string         `json:"purpose"`
	NoticeVolumes []zones.Volume `json:"notice_volumes"`
}

// Coarse returns the armed party's description of k.
func (k Conflict) Coarse() Coarse {
	s := k.Subject
	return Coarse{
		Subject:   CoarseSubject{Type: s.Type, ID: s.ID, Version: s.Version, Kind: s.Kind, SiteType: s.SiteType},
		CellLevel: k.CellLevel, Cells: Tokens(k.Cells), Window: k.Window, FloorFt: k.FloorFt, CeilingFt: k.CeilingFt,
	}
}

// Full returns the owner's description of k for notice n.
func (k Conflict) Full(n Notice) Full {
	f := Full{Coarse: k.Coarse(), Owner: k.Subject.Owner, ExactOverlap: k.Exact, Operation: n.ID, Party: n.Party,
		NoticeKind: n.Kind, Purpose: n.Purpose}
	for _, i := range k.Volumes {
		f.NoticeVolumes = append(f.NoticeVolumes, n.Volumes[i])
	}
	return f
}

// Tokens returns the tokens of cells, in order.
func Tokens(cells []s2.CellID) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.ToToken()
	}
	return out
}
