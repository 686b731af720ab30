package protection

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"concord"
	"concord/internal/zones"
)

// Kind is the kind of an operation (SPEC §2).
type Kind string

const (
	Air       Kind = "air"
	Ground    Kind = "ground"
	Artillery Kind = "artillery"
)

// Kinds lists every operation kind.
var Kinds = []Kind{Air, Ground, Artillery}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Bounds on a notice (SPEC §7).
const (
	MaxVolumes    = 16
	MaxWindow     = 31 * 24 * time.Hour // of each volume: a notice declares a bounded operation
	MaxPurposeLen = 2000                // characters
)

// Input is what an armed party submits: the kind, the volumes and the
// purpose of an operation. There is no field for a target, and unknown
// members are refused.
type Input struct {
	Kind    Kind           `json:"kind"`
	Volumes []zones.Volume `json:"volumes"`
	Purpose string         `json:"purpose"`
}

// Validate normalizes the volumes (as zones.Validate does: times in UTC
// milliseconds, a missing band becomes surface to FL600) and checks every
// field, returning the first problem as a *concord.Error naming it ("kind",
// "volumes[1].end", "volumes[0].footprint.coordinates[0][3]"): EINVALID, or
// ETOOLARGE for a count over a bound. It never panics.
//
// Rules: kind is air, ground or artillery; 1..MaxVolumes volumes, each valid
// as a zone's volume is (footprint, radius, band, window within 20 years of
// now) and, unlike a zone's, with an end at most MaxWindow after its start;
// a purpose of 1..MaxPurposeLen characters of text without control
// characters other than newline and tab.
func (in *Input) Validate(now time.Time) error {
	if !in.Kind.Valid() {
		return concord.Invalid("kind", "%q is not an operation kind; want air, ground or artillery", in.Kind)
	}
	if err := validateVolumes(in.Volumes, now); err != nil {
		return err
	}
	return checkPurpose(in.Purpose)
}

func validateVolumes(vols []zones.Volume, now time.Time) error {
	switch n := len(vols); {
	case n == 0:
		return concord.Invalid("volumes", "a notice needs at least one volume")
	case n > MaxVolumes:
		return &concord.Error{Code: concord.ETOOLARGE, Field: "volumes", Message: fmt.Sprintf("%d volumes; at most %d are allowed", n, MaxVolumes)}
	}
	// A notice's volumes follow the rules of a zone's: validate them as one.
	if err := zones.Validate(&zones.Zone{Kind: zones.NoFly, Volumes: vols}, now); err != nil {
		return err
	}
	for i, v := range vols {
		field := fmt.Sprintf("volumes[%d].end", i)
		switch {
		case v.End == nil:
			return concord.Invalid(field, "required: an operation notice has an end")
		case v.End.Sub(v.Start) > MaxWindow:
			return concord.Invalid(field, "the window lasts more than %d days", int(MaxWindow.Hours()/24))
		}
	}
	return nil
}

func checkPurpose(s string) error {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		return concord.Invalid("purpose", "not valid UTF-8")
	case strings.TrimSpace(s) == "":
		return concord.Invalid("purpose", "required: what the operation is for (never a target)")
	case n > MaxPurposeLen:
		return concord.Invalid("purpose", "%d characters; at most %d are allowed", n, MaxPurposeLen)
	}
	for _, r := range s {
		if r < ' ' && r != '\n' && r != '\t' || r == 0x7f {
			return concord.Invalid("purpose", "contains a control character")
		}
	}
	return nil
}

// UnmarshalJSON decodes a party's notice strictly: unknown members (a
// "target", say) are errors, and every error names its field from the notice
// down ("volumes[0].footprint.coordinates[0][3][1]").
func (in *Input) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind    Kind            `json:"kind"`
		Volumes json.RawMessage `json:"volumes"`
		Purpose string          `json:"purpose"`
	}
	if err := concord.DecodeStrict(data, &raw); err != nil {
		return err
	}
	*in = Input{Kind: raw.Kind, Purpose: raw.Purpose}
	if len(raw.Volumes) == 0 || string(raw.Volumes) == "null" {
		return nil // Validate names the missing volumes
	}
	// Volumes are decoded exactly as a zone's are, naming "volumes[i]…".
	var z zones.Input
	if err := z.UnmarshalJSON([]byte(`{"volumes":` + string(raw.Volumes) + `}`)); err != nil {
		return err
	}
	in.Volumes = z.Volumes
	return nil
}

// Status is a notice's lifecycle state.
type Status string

const (
	Active    Status = "active"
	Withdrawn Status = "withdrawn"
)

// Notice is one version of an operation notice, as stored. Conflicts are
// kept in their coarse form (what the party was told); Awareness records the
// acknowledgements that allowed it (the proof of awareness), Unacknowledged
// the subjects it overlapped without one (only where refusal is turned into
// a warning).
type Notice struct {
	ID             string         `json:"id"`
	Version        int            `json:"version"`
	Party          string         `json:"party"`
	Kind           Kind           `json:"kind"`
	Volumes        []zones.Volume `json:"volumes"`
	Purpose        string         `json:"purpose"`
	Status         Status         `json:"status"`
	Conflicts      []Coarse       `json:"conflicts"`
	Awareness      []Awareness    `json:"awareness,omitempty"`
	Unacknowledged []Ref          `json:"unacknowledged,omitempty"`
	Alerts         []string       `json:"alerts,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// Awareness is one acknowledgement a notice relied on: the subject version
// acknowledged, the acknowledgement's ID and the journal leaf that recorded
// it (always before the notice's own).
type Awareness struct {
	Subject Ref    `json:"subject"`
	Ack     string `json:"ack"`
	Leaf    int64  `json:"leaf"`
}

// Window returns the envelope of the notice's volumes' windows.
func (n Notice) Window() (start time.Time, end time.Time) {
	for i, v := range n.Volumes {
		if i == 0 || v.Start.Before(start) {
			start = v.Start
		}
		if v.End != nil && v.End.After(end) {
			end = *v.End
		}
	}
	return start, end
}
