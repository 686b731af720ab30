package access

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
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
	if err := strictDecode(data, &raw); err != nil {
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
	return concord.Prefix(field, strictDecode(raw, v))
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

// strictDecode decodes one JSON value, refusing unknown members and trailing data.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return asInvalid(err)
	}
	if dec.More() {
		return concord.Invalid("", "unexpected data after the JSON value")
	}
	return nil
}

// asInvalid turns encoding/json's errors into EINVALID errors naming the field.
func asInvalid(err error) error {
	var ce *concord.Error
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &te):
		return concord.Invalid(te.Field, "must be %s, not %s", te.Type, te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return concord.Invalid(f, "unknown field")
	default:
		return concord.Invalid("", "%v", err)
	}
}
