// Package concord holds the vocabulary every other package shares: the error
// codes, the roles of SPEC §1, the actor of a request and the injected clock.
// It has no dependencies beyond the standard library.
package concord

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to exactly one status (api.statusOf).
const (
	EINVALID      = "invalid"      // bad input: 400
	EUNAUTHORIZED = "unauthorized" // missing or wrong credentials: 401
	EFORBIDDEN    = "forbidden"    // authenticated but not allowed: 403
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // state conflict, idempotency key reuse: 409
	ETOOLARGE     = "too_large"    // body, batch or vertex count over a bound: 413
	EOVERLOAD     = "overload"     // shed load; retry later: 429
	EINTERNAL     = "internal"     // a bug or an unavailable backend: 500
)

// Error is the one error type that crosses package boundaries. Field names the
// offending input in JSON-pointer-like dotted form ("footprint.coordinates[0][2]")
// when the error is about a particular field.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error,
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorField returns the field named by err, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the human message of err; internal errors are not
// described to callers.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}

// Prefix returns err with its field prefixed by prefix ("zones[3]" + "." + field).
// Errors that are not *Error pass through unchanged.
func Prefix(prefix string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	f := prefix
	if e.Field != "" {
		if e.Field[0] == '[' {
			f += e.Field
		} else {
			f += "." + e.Field
		}
	}
	return &Error{Code: e.Code, Field: f, Message: e.Message}
}
