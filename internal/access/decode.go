package access

import (
	"encoding/json"
	"time"

	"concord"
)

// UnmarshalJSON decodes a client's movement strictly: unknown members are
// errors, and every error names its field from the movement down
// ("route.coordinates[2][0]", "convoy.cargo.quantity", "start").
func (in *Input) UnmarshalJSON(data []byte) error {
	var raw struct {
		Name        string          `json:"name"`
		Route       json.RawMessage `json:"route"`
		WidthM      float64         `json:"width_m"`
		Start       *string         `json:"start"`
		End         *string         `json:"end"`
		Convoy      json.RawMessage `json:"convoy"`
		Destination string          `json:"destination"`
	}
	if err := concord.DecodeStrict(data, &raw); err != nil {
		return err
	}
	*in = Input{Name: raw.Name, WidthM: raw.WidthM, Destination: raw.Destination}
	if err := decodeMember("route", raw.Route, &in.Route); err != nil {
		return err
	}
	if err := decodeMember("convoy", raw.Convoy, &in.Convoy); err != nil {
		return err
	}
	var err error
	if in.Start, err = parseTime("start", raw.Start); err != nil {
		return err
	}
	in.End, err = parseTime("end", raw.End)
	return err
}

// decodeMember decodes a required member strictly, naming it in errors.
func decodeMember(field string, raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return concord.Invalid(field, "required")
	}
	return concord.Prefix(field, concord.DecodeStrict(raw, v))
}

func parseTime(field string, s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, concord.Invalid(field, "required (RFC 3339, e.g. 2016-09-19T08:00:00Z)")
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return t, concord.Invalid(field, "must be an RFC 3339 time such as 2016-09-19T08:00:00Z, not %q", *s)
	}
	return t, nil
}
