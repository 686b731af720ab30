package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"concord"
)

// Problem is an RFC 9457 problem document; Field names the offending input.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
}

// statusOf is the one place that turns error codes into HTTP statuses.
func statusOf(code string) int {
	switch code {
	case concord.EINVALID:
		return http.StatusBadRequest
	case concord.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case concord.EFORBIDDEN:
		return http.StatusForbidden
	case concord.ENOTFOUND:
		return http.StatusNotFound
	case concord.ECONFLICT:
		return http.StatusConflict
	case concord.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case concord.EOVERLOAD:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	code := concord.ErrorCode(err)
	status := statusOf(code)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		code, status = concord.ETOOLARGE, http.StatusRequestEntityTooLarge
		err = &concord.Error{Code: code, Field: "body", Message: "the body is larger than " + strconv.FormatInt(mb.Limit, 10) + " bytes"}
	}
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: concord.ErrorMessage(err),
		Code: code, Field: concord.ErrorField(err)}
	if status == http.StatusTooManyRequests {
		retry := 1
		var ra interface{ RetryAfter() int }
		if errors.As(err, &ra) {
			retry = ra.RetryAfter()
		}
		w.Header().Set("Retry-After", strconv.Itoa(retry))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="concord"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(withExtensions(p, err))
}

// withExtensions adds the extension members an error carries (RFC 9457
// §3.2: ProblemExtensions, e.g. "unacknowledged") to p; p's own members win.
func withExtensions(p Problem, err error) any {
	var ext interface{ ProblemExtensions() map[string]any }
	if !errors.As(err, &ext) {
		return p
	}
	doc := ext.ProblemExtensions()
	b, _ := json.Marshal(p)
	json.Unmarshal(b, &doc)
	return doc
}
