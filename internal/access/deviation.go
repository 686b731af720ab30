package access

import (
	"time"

	"concord/internal/geo"
)

// Deviation is where a convoy's reported position stands against its
// movement: outside the corridor, outside the window, or both.
type Deviation struct {
	OutsideCorridor bool       `json:"outside_corridor"`
	OutsideWindow   bool       `json:"outside_window"`
	DistanceM       geo.Meters `json:"distance_m"` // from the corridor's edge; 0 inside
}

// Deviates reports whether the convoy has left its corridor or its window.
func (d Deviation) Deviates() bool { return d.OutsideCorridor || d.OutsideWindow }

// Reasons names the deviation for an alert: "left-corridor",
// "outside-window", both, or none.
func (d Deviation) Reasons() []string {
	var out []string
	if d.OutsideCorridor {
		out = append(out, "left-corridor")
	}
	if d.OutsideWindow {
		out = append(out, "outside-window")
	}
	return out
}

// Check returns where position p at time t stands against the movement's
// corridor (as built by Corridor) and window [Start, End). A position on the
// corridor's edge is inside (geo.Shape); one reported at End is outside.
func (mv Movement) Check(corridor *geo.Shape, p geo.Position, t time.Time) Deviation {
	d := Deviation{DistanceM: corridor.DistanceTo(p)}
	d.OutsideCorridor = !corridor.ContainsPoint(p)
	if !d.OutsideCorridor {
		d.DistanceM = 0
	}
	d.OutsideWindow = t.Before(mv.Start) || !t.Before(mv.End)
	return d
}
