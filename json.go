package concord

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// DecodeStrict decodes exactly one JSON value from data into v, refusing
// unknown members and trailing data. Errors are EINVALID naming the field
// where encoding/json can tell it (see JSONError).
func DecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return JSONError(err)
	}
	if dec.More() {
		return Invalid("", "unexpected data after the JSON value")
	}
	return nil
}

// JSONError turns an encoding/json error into an EINVALID error naming the
// offending field: a wrong type names its field, an unknown member names
// itself, a syntax error gives its byte offset. An *Error (raised by a
// nested decoder) passes through unchanged.
func JSONError(err error) error {
	var ce *Error
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &te):
		return Invalid(te.Field, "must be %s, not %s", te.Type, te.Value)
	case errors.As(err, &se):
		return Invalid("", "malformed JSON at byte %d: %v", se.Offset, se)
	case errors.Is(err, io.EOF):
		return Invalid("", "a JSON value is required")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return Invalid(f, "unknown field")
	default:
		return Invalid("", "%v", err)
	}
}
