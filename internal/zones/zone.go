// Package zones models the volumes of SPEC §2: no-fly zones, control areas,
// protected sites, safe zones, ceasefire areas and besieged areas, each a set of
// 4-D volumes (footprint × altitude band × time window, one-to-one with the
// ASTM F3548 Volume4D), and the coarse cover under which protected sites and safe
// zones are shown to armed parties (SPEC §1). It does no I/O.
package zones

import (
	"time"

	"concord/internal/geo"
)

// Kind is the kind of a zone.
type Kind string

const (
	NoFly         Kind = "no-fly"
	ControlArea   Kind = "control-area"
	ProtectedSite Kind = "protected-site"
	SafeZone      Kind = "safe-zone"
	CeasefireArea Kind = "ceasefire-area"
	BesiegedArea  Kind = "besieged-area"
)

// Kinds lists every zone kind.
var Kinds = []Kind{NoFly, ControlArea, ProtectedSite, SafeZone, CeasefireArea, BesiegedArea}

// Sensitive reports whether zones of this kind are shown to armed parties only
// as their coarse cover (protected sites and safe zones).
func (k Kind) Sensitive() bool { return k == ProtectedSite || k == SafeZone }

// SiteType is the type of a protected site.
type SiteType string

// SiteTypes lists every site type of SPEC §2.
var SiteTypes = []SiteType{"hospital", "school", "shelter", "warehouse", "office", "water", "power", "heritage", "other"}

// Status is the lifecycle state of a zone version. History is never deleted:
// superseding and withdrawing write a new version.
type Status string

const (
	Active     Status = "active"
	Superseded Status = "superseded"
	Withdrawn  Status = "withdrawn"
)

// Default altitude band when a volume gives none: surface to FL600.
const (
	DefaultFloorFt   = 0
	DefaultCeilingFt = 60000
)

// Volume is a footprint, an altitude band (feet above mean sea level) and a
// time window ([Start, End), End nil for open-ended). A Point footprint needs
// RadiusM > 0; polygons may carry RadiusM as an extra buffer (0 = none).
type Volume struct {
	Footprint geo.Geometry `json:"footprint"`
	RadiusM   float64      `json:"radius_m,omitempty"`
	FloorFt   float64      `json:"floor_ft"`
	CeilingFt float64      `json:"ceiling_ft"`
	Start     time.Time    `json:"start"`
	End       *time.Time   `json:"end,omitempty"`
}

// Zone is one version of a zone. ID is stable across versions.
type Zone struct {
	ID           string            `json:"id"`
	Version      int               `json:"version"`
	Kind         Kind              `json:"kind"`
	Name         string            `json:"name,omitempty"`
	Owner        string            `json:"owner"`
	Volumes      []Volume          `json:"volumes"`
	AppliesTo    []string          `json:"applies_to,omitempty"`
	SiteType     SiteType          `json:"site_type,omitempty"`
	Properties   map[string]string `json:"properties,omitempty"`
	Supersedes   string            `json:"supersedes,omitempty"`
	SupersededBy string            `json:"superseded_by,omitempty"`
	Status       Status            `json:"status"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// CoarseZone is what an armed party sees of a sensitive zone: S2 cell tokens
// at the deployment's level covering every volume's footprint plus its
// protection radius, the kind, the site type and the time window. It carries no
// coordinates at all, not even cell corners, so nothing about the site's exact
// position can be read from it.
type CoarseZone struct {
	ID        string     `json:"id"`
	Version   int        `json:"version"`
	Kind      Kind       `json:"kind"`
	SiteType  SiteType   `json:"site_type,omitempty"`
	Status    Status     `json:"status"`
	Coarse    bool       `json:"coarse"` // always true; lets clients tell the shapes apart
	CellLevel int        `json:"cell_level"`
	Cells     []string   `json:"cells"` // S2 cell tokens
	FloorFt   float64    `json:"floor_ft"`
	CeilingFt float64    `json:"ceiling_ft"`
	Start     time.Time  `json:"start"`
	End       *time.Time `json:"end,omitempty"`
	AppliesTo []string   `json:"applies_to,omitempty"`
}
