package geo

import (
	"bytes"
	"encoding/json"
	"fmt"

	"concord"
)

// GeoJSON geometry type names (RFC 7946 §1.4).
const (
	TypePoint        = "Point"
	TypeLineString   = "LineString"
	TypePolygon      = "Polygon"
	TypeMultiPolygon = "MultiPolygon"
)

// geoJSON is the wire form of a geometry.
type geoJSON struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// MarshalJSON encodes g as an RFC 7946 geometry object. A Polygon is written
// as "Polygon" with the single entry of Polygons, a MultiPolygon as
// "MultiPolygon". Rings are written as stored: their winding is not changed
// (RFC 7946 §3.1.6 asks producers for counterclockwise shells; concord keeps
// what the client sent so that a round trip is exact). Floats use the
// shortest representation that parses back to the same float64.
func (g Geometry) MarshalJSON() ([]byte, error) {
	var coords any
	switch g.Type {
	case TypePoint:
		coords = g.Point
	case TypeLineString:
		coords = nonNil(g.Line)
	case TypePolygon:
		if len(g.Polygons) != 1 {
			return nil, fmt.Errorf("geo: Polygon geometry holds %d polygons, want 1", len(g.Polygons))
		}
		coords = nonNil(g.Polygons[0])
	case TypeMultiPolygon:
		coords = nonNil(g.Polygons)
	default:
		return nil, fmt.Errorf("geo: cannot marshal geometry of type %q", g.Type)
	}
	return json.Marshal(geoJSON{Type: g.Type, Coordinates: coords})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// UnmarshalJSON decodes a strict RFC 7946 geometry object: a Point,
// LineString, Polygon or MultiPolygon. The only members allowed are "type",
// "coordinates" and "bbox" (bbox is ignored; RFC 7946 §5); any other member,
// including a foreign member, is an error, as is any other type
// (GeometryCollection, MultiPoint, MultiLineString). A position may carry a
// third element (altitude, RFC 7946 §3.1.1), which is ignored; more than three
// elements is an error. Errors are *concord.Error with EINVALID and a field
// relative to the geometry ("type", "coordinates[0][3]").
//
// UnmarshalJSON checks structure only; call Validate for ranges, closure,
// self-intersection and bounds.
func (g *Geometry) UnmarshalJSON(data []byte) error {
	members, err := decodeMembers(data)
	if err != nil {
		return err
	}
	typ, err := decodeType(members)
	if err != nil {
		return err
	}
	raw, ok := members["coordinates"]
	if !ok || isNull(raw) {
		return concord.Invalid("coordinates", "required")
	}
	var coords any
	if err := json.Unmarshal(raw, &coords); err != nil {
		return concord.Invalid("coordinates", "not valid JSON numbers: %v", err)
	}
	out, err := parseCoordinates(typ, coords)
	if err != nil {
		return err
	}
	*g = out
	return nil
}

func decodeMembers(data []byte) (map[string]json.RawMessage, error) {
	if isNull(data) {
		return nil, concord.Invalid("", "geometry must be an object, not null")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, concord.Invalid("", "geometry must be a JSON object: %v", err)
	}
	for k := range members {
		if k != "type" && k != "coordinates" && k != "bbox" {
			return nil, concord.Invalid(k, "unknown member of a geometry object")
		}
	}
	return members, nil
}

func decodeType(members map[string]json.RawMessage) (string, error) {
	raw, ok := members["type"]
	if !ok {
		return "", concord.Invalid("type", "required")
	}
	var typ string
	if err := json.Unmarshal(raw, &typ); err != nil {
		return "", concord.Invalid("type", "must be a string")
	}
	switch typ {
	case TypePoint, TypeLineString, TypePolygon, TypeMultiPolygon:
		return typ, nil
	}
	return "", concord.Invalid("type", "unsupported geometry type %q; want Point, LineString, Polygon or MultiPolygon", typ)
}

func isNull(raw []byte) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func parseCoordinates(typ string, c any) (Geometry, error) {
	g := Geometry{Type: typ}
	var err error
	switch typ {
	case TypePoint:
		g.Point, err = parsePosition(c, "coordinates")
	case TypeLineString:
		g.Line, err = parsePositions(c, "coordinates")
	case TypePolygon:
		var p [][]Position
		p, err = parseRings(c, "coordinates")
		g.Polygons = [][][]Position{p}
	case TypeMultiPolygon:
		g.Polygons, err = parsePolygons(c, "coordinates")
	}
	if err != nil {
		return Geometry{}, err
	}
	return g, nil
}

func asArray(c any, field string) ([]any, error) {
	a, ok := c.([]any)
	if !ok {
		return nil, concord.Invalid(field, "must be an array")
	}
	return a, nil
}

func parsePosition(c any, field string) (Position, error) {
	a, err := asArray(c, field)
	if err != nil {
		return Position{}, err
	}
	if len(a) < 2 || len(a) > 3 {
		return Position{}, concord.Invalid(field, "a position has 2 or 3 numbers (longitude, latitude[, altitude]), not %d", len(a))
	}
	var p Position
	for i := range a {
		f, ok := a[i].(float64)
		if !ok {
			return Position{}, concord.Invalid(fmt.Sprintf("%s[%d]", field, i), "must be a number")
		}
		if i < 2 {
			p[i] = f
		}
	}
	return p, nil
}

func parsePositions(c any, field string) ([]Position, error) {
	a, err := asArray(c, field)
	if err != nil {
		return nil, err
	}
	out := make([]Position, len(a))
	for i := range a {
		if out[i], err = parsePosition(a[i], fmt.Sprintf("%s[%d]", field, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseRings(c any, field string) ([][]Position, error) {
	a, err := asArray(c, field)
	if err != nil {
		return nil, err
	}
	out := make([][]Position, len(a))
	for i := range a {
		if out[i], err = parsePositions(a[i], fmt.Sprintf("%s[%d]", field, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parsePolygons(c any, field string) ([][][]Position, error) {
	a, err := asArray(c, field)
	if err != nil {
		return nil, err
	}
	out := make([][][]Position, len(a))
	for i := range a {
		if out[i], err = parseRings(a[i], fmt.Sprintf("%s[%d]", field, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
