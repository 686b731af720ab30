package api

import (
	"net/http"
	"regexp"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// openapi describes every route of the route table (OpenAPI 3.1). Request and
// response bodies are described in prose in the README; the document gives
// each operation, its parameters, its roles and its error form.
func (s *Server) openapi(c *call) error {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes() {
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": operationID(rt),
			"responses": map[string]any{
				"2XX":     map[string]any{"description": "Success."},
				"default": map[string]any{"description": "An RFC 9457 problem naming the offending field.", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		}
		if rt.Roles != nil {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
			op["x-roles"] = rt.Roles
		} else {
			op["security"] = []any{}
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if rt.Write {
			params = append(params,
				map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string", "pattern": idempotencyKey.String()}},
				map[string]any{"name": "Concord-Signature", "in": "header", "description": "keyid=<hex>, sig=<base64 Ed25519 signature of the signed request>", "schema": map[string]any{"type": "string"}})
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		}
		if params != nil {
			op["parameters"] = params
		}
		if paths[rt.Pattern] == nil {
			paths[rt.Pattern] = map[string]any{}
		}
		paths[rt.Pattern][strings.ToLower(rt.Method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "concord", "version": "1", "description": "A shared deconfliction and ceasefire-monitoring centre with a tamper-evident journal."},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{"Problem": map[string]any{"type": "object", "properties": map[string]any{
				"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"},
				"detail": map[string]any{"type": "string"}, "code": map[string]any{"type": "string"}, "field": map[string]any{"type": "string"},
			}}},
		},
	}
	return c.json(http.StatusOK, doc)
}

func operationID(rt Route) string {
	p := pathParam.ReplaceAllString(rt.Pattern, "by-$1")
	p = strings.NewReplacer("/v1/", "", "/", "-", ".", "-").Replace(strings.TrimPrefix(p, "/"))
	return strings.ToLower(rt.Method) + "-" + p
}
