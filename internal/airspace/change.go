package airspace

import (
	"math"
	"time"
)

// ChangeKind is what happened, in the vocabulary of a geofence server's
// events (tile38: enter, exit, …) extended to separation alerts.
type ChangeKind uint8

const (
	// Began: a pair is newly in conflict.
	Began ChangeKind = iota + 1
	// Changed: a conflict changed materially since it was last reported
	// (see DetectorConfig.MaterialTcpaS).
	Changed
	// Ended: a conflict is over, or one of its tracks went stale. The
	// Conflict is the last one computed.
	Ended
	// Enter: a track is inside a fence's volume, and was not.
	Enter
	// Exit: a track was inside a fence's volume and is not, or went stale.
	Exit
	// PredictedEntry: a track outside a fence will enter it within the
	// look-ahead; re-sent when the predicted entry time moves materially.
	PredictedEntry
	// PredictionCleared: a predicted entry is no longer predicted (the
	// track turned, climbed or went stale) and the track did not enter.
	PredictionCleared
)

var changeNames = [...]string{"", "began", "changed", "ended", "enter", "exit", "predicted-entry", "prediction-cleared"}

func (k ChangeKind) String() string {
	if int(k) < len(changeNames) {
		return changeNames[k]
	}
	return "unknown"
}

// MarshalText writes the kind's name.
func (k ChangeKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// IsFence reports whether the kind is a fence event.
func (k ChangeKind) IsFence() bool { return k >= Enter }

// Change is one event of a Detector: Conflict is set for Began, Changed and
// Ended; Incursion for the fence kinds. For Exit and PredictionCleared the
// Incursion gives the track's current position (Inside false,
// TimeToEntryS 0).
type Change struct {
	Kind      ChangeKind `json:"kind"`
	Conflict  Conflict   `json:"conflict,omitzero"`
	Incursion Incursion  `json:"incursion,omitzero"`
}

// Default thresholds of a material change.
const (
	DefaultMaterialTcpaS  = 30
	DefaultMaterialDcpaNM = 0.5
)

// material reports whether a conflict moved enough from the one last
// reported to be reported again: the time of closest approach by more than
// tcpaS, the distance by more than dcpaNM, or the vertical crossing turned
// (the aircraft above at CPA is now below; zero counts as neither).
func material(old, cur *Conflict, tcpaS, dcpaNM float64) bool {
	return math.Abs(cur.TcpaS-old.TcpaS) > tcpaS || math.Abs(cur.DcpaNM-old.DcpaNM) > dcpaNM ||
		old.DvFt*cur.DvFt < 0
}

func positionNow(st *state) (lat, lon float64, at time.Time) {
	lat, lon = latLon(st.p)
	return lat, lon, time.Unix(0, st.t).UTC()
}
