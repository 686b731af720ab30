package zones

import (
	"encoding/json"
	"strconv"
	"time"

	"concord"
)

// Input is what a client submits for a zone: the fields it may set. The
// server sets ID, version, owner, status and timestamps.
type Input struct {
	Kind       Kind              `json:"kind"`
	Name       string            `json:"name,omitempty"`
	Volumes    []Volume          `json:"volumes"`
	AppliesTo  []string          `json:"applies_to,omitempty"`
	SiteType   SiteType          `json:"site_type,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
}

// Zone returns the zone the input describes.
func (in Input) Zone() Zone {
	return Zone{Kind: in.Kind, Name: in.Name, Volumes: in.Volumes, AppliesTo: in.AppliesTo, SiteType: in.SiteType, Properties: in.Properties}
}

// Input returns the client-settable part of z.
func (z Zone) Input() Input {
	return Input{Kind: z.Kind, Name: z.Name, Volumes: z.Volumes, AppliesTo: z.AppliesTo, SiteType: z.SiteType, Properties: z.Properties}
}

// UnmarshalJSON decodes a client's zone strictly: unknown members are
// errors, and every error names its field from the zone down
// ("volumes[0].footprint.coordinates[0][3][1]"), which encoding/json alone
// does not do for errors raised inside nested decoders.
func (in *Input) UnmarshalJSON(data []byte) error {
	var raw struct {
		Kind       Kind              `json:"kind"`
		Name       string            `json:"name,omitempty"`
		Volumes    []json.RawMessage `json:"volumes"`
		AppliesTo  []string          `json:"applies_to,omitempty"`
		SiteType   SiteType          `json:"site_type,omitempty"`
		Properties map[string]string `json:"properties,omitempty"`
	}
	if err := concord.DecodeStrict(data, &raw); err != nil {
		return err
	}
	*in = Input{Kind: raw.Kind, Name: raw.Name, AppliesTo: raw.AppliesTo, SiteType: raw.SiteType, Properties: raw.Properties}
	if raw.Volumes != nil {
		in.Volumes = make([]Volume, len(raw.Volumes))
	}
	for i, rv := range raw.Volumes {
		if err := in.Volumes[i].decode(rv); err != nil {
			return concord.Prefix("volumes["+strconv.Itoa(i)+"]", err)
		}
	}
	return nil
}

// decode decodes one volume strictly, naming the field of any error.
func (v *Volume) decode(data []byte) error {
	var raw struct {
		Footprint json.RawMessage `json:"footprint"`
		RadiusM   float64         `json:"radius_m,omitempty"`
		FloorFt   float64         `json:"floor_ft"`
		CeilingFt float64         `json:"ceiling_ft"`
		Start     *string         `json:"start"`
		End       *string         `json:"end,omitempty"`
	}
	if err := concord.DecodeStrict(data, &raw); err != nil {
		return err
	}
	*v = Volume{RadiusM: raw.RadiusM, FloorFt: raw.FloorFt, CeilingFt: raw.CeilingFt}
	if len(raw.Footprint) == 0 || string(raw.Footprint) == "null" {
		return concord.Invalid("footprint", "is required")
	}
	if err := json.Unmarshal(raw.Footprint, &v.Footprint); err != nil {
		return concord.Prefix("footprint", concord.JSONError(err))
	}
	var err error
	if v.Start, err = parseInputTime("start", raw.Start); err != nil {
		return err
	}
	if raw.End != nil {
		end, err := parseInputTime("end", raw.End)
		if err != nil {
			return err
		}
		v.End = &end
	}
	return nil
}

func parseInputTime(field string, s *string) (time.Time, error) {
	if s == nil {
		if field == "start" {
			return time.Time{}, concord.Invalid(field, "is required (RFC 3339, e.g. 2016-09-12T00:00:00Z)")
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return t, concord.Invalid(field, "must be an RFC 3339 time such as 2016-09-12T00:00:00Z, not %q", *s)
	}
	return t, nil
}
