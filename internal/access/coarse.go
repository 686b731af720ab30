package access

import (
	"time"

	"concord/internal/zones"
)

// Volume returns the movement as a 4-D volume: its corridor (the route with
// radius width_m / 2), from the lowest altitude any zone may have to the
// default ceiling (FL600) — an operation in the air over a convoy endangers
// it whatever its altitude — during the movement's window.
func (mv Movement) Volume() zones.Volume {
	end := mv.End
	return zones.Volume{Footprint: mv.Route, RadiusM: mv.WidthM / 2, FloorFt: zones.MinAltitudeFt,
		CeilingFt: zones.DefaultCeilingFt, Start: mv.Start, End: &end}
}

// CoarseMovement is what a caller who may not see a movement in full sees of
// it: the S2 cells covering its corridor, its state, window and destination;
// no route, convoy, owner or consents.
type CoarseMovement struct {
	ID          string    `json:"id"`
	Version     int       `json:"version"`
	Kind        string    `json:"kind"` // always "movement"
	State       State     `json:"state"`
	Coarse      bool      `json:"coarse"` // always true
	CellLevel   int       `json:"cell_level"`
	Cells       []string  `json:"cells"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Destination string    `json:"destination"`
}

// Coarse returns the coarse view of mv at the given S2 level (coarser if
// the corridor needs more cells than geo.MaxCoverCells; see zones.Coarse).
func (mv Movement) Coarse(level int) CoarseMovement {
	c := zones.Coarse(zones.Zone{ID: mv.ID, Volumes: []zones.Volume{mv.Volume()}}, level)
	return CoarseMovement{ID: mv.ID, Version: mv.Version, Kind: "movement", State: mv.State, Coarse: true,
		CellLevel: c.CellLevel, Cells: c.Cells, Start: mv.Start, End: mv.End, Destination: mv.Destination}
}
