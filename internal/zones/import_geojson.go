package zones

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"concord"
	"concord/internal/geo"
)

// importGeoJSON reads an RFC 7946 FeatureCollection or Feature. Foreign
// members are ignored (RFC 7946 §6.1), except a "crs" (from the 2008 GeoJSON
// draft) that names anything but WGS84 longitude/latitude, which is refused.
// Geometries are parsed strictly (geo.Geometry.UnmarshalJSON); a feature
// without geometry (as FeatureCollection writes coarse zones) is refused.
func importGeoJSON(data []byte, d Defaults) ([]record, error) {
	var top struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
		CRS      json.RawMessage   `json:"crs"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonError(err)
	}
	if err := checkCRS(top.CRS); err != nil {
		return nil, err
	}
	switch top.Type {
	case "FeatureCollection":
		return geoJSONFeatures(top.Features, d)
	case "Feature":
		r, err := geoJSONFeature(data, "", d)
		return []record{r}, err
	case geo.TypePoint, geo.TypePolygon, geo.TypeMultiPolygon, geo.TypeLineString, "MultiPoint", "MultiLineString", "GeometryCollection":
		return nil, concord.Invalid("type", "a bare %s geometry: wrap it in a Feature whose properties give the zone's kind", top.Type)
	}
	return nil, concord.Invalid("type", "%q: want FeatureCollection or Feature", top.Type)
}

func checkCRS(raw json.RawMessage) error {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	s := string(raw)
	if strings.Contains(s, "CRS84") || strings.Contains(s, "4326") {
		return nil
	}
	return concord.Invalid("crs", "only WGS84 longitude/latitude (CRS84) coordinates are accepted (RFC 7946 §4)")
}

func geoJSONFeatures(raws []json.RawMessage, d Defaults) ([]record, error) {
	if len(raws) > MaxFeatures {
		return nil, tooLarge("features", "%d features; at most %d are allowed", len(raws), MaxFeatures)
	}
	recs := make([]record, len(raws))
	for i, raw := range raws {
		r, err := geoJSONFeature(raw, fmt.Sprintf("features[%d]", i), d)
		if err != nil {
			return nil, err
		}
		recs[i] = r
	}
	return recs, nil
}

func geoJSONFeature(raw json.RawMessage, at string, d Defaults) (record, error) {
	var f struct {
		Type       string                     `json:"type"`
		Geometry   json.RawMessage            `json:"geometry"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return record{}, concord.Prefix(at, jsonError(err))
	}
	if f.Type != "Feature" {
		return record{}, concord.Invalid(joinField(at, "type"), "%q: want Feature", f.Type)
	}
	g, err := featureGeometry(f.Geometry, joinField(at, "geometry"))
	if err != nil {
		return record{}, err
	}
	vals, err := jsonValues(f.Properties, joinField(at, "properties"))
	if err != nil {
		return record{}, err
	}
	a := attributes{vals: vals, at: at, footprints: []string{joinField(at, "geometry")},
		field: func(k string) string { return joinField(at, "properties."+k) }}
	return a.record([]geo.Geometry{g}, d)
}

func featureGeometry(raw json.RawMessage, field string) (geo.Geometry, error) {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return geo.Geometry{}, concord.Invalid(field, "a zone needs a geometry; an unlocated (coarse) feature cannot be imported")
	}
	var g geo.Geometry
	if err := g.UnmarshalJSON(raw); err != nil {
		return geo.Geometry{}, concord.Prefix(field, err)
	}
	return g, nil
}

// jsonValues turns GeoJSON properties into attribute values: strings as
// they are, arrays of strings as lists, null as absent, and any other value
// as its JSON text.
func jsonValues(props map[string]json.RawMessage, field string) (map[string]value, error) {
	vals := make(map[string]value, len(props))
	for k, raw := range props {
		raw = bytes.TrimSpace(raw)
		var s string
		var list []string
		switch {
		case bytes.Equal(raw, []byte("null")):
			continue
		case json.Unmarshal(raw, &s) == nil:
			vals[k] = value{text: s}
		case json.Unmarshal(raw, &list) == nil:
			vals[k] = value{list: list, isList: true}
		case k == "applies_to":
			return nil, concord.Invalid(field+".applies_to", "want an array of party IDs or a comma-separated string")
		default:
			var buf bytes.Buffer
			_ = json.Compact(&buf, raw)
			vals[k] = value{text: buf.String()}
		}
	}
	return vals, nil
}
