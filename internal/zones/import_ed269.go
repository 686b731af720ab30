package zones

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"concord"
	"concord/internal/geo"
)

// ED-269 (EUROCAE ED-269, "Minimum Operational Performance Standard for
// Geofencing", UAS geographical zone data model, JSON encoding): the parts
// importED269 reads. Other members are ignored.
type ed269Document struct {
	Features []json.RawMessage `json:"features"`
}

type ed269Feature struct {
	Identifier    string               `json:"identifier"`
	Country       string               `json:"country"`
	Name          string               `json:"name"`
	Type          string               `json:"type"`
	Restriction   string               `json:"restriction"`
	Reason        json.RawMessage      `json:"reason"`
	Message       string               `json:"message"`
	Applicability []ed269Applicability `json:"applicability"`
	Geometry      []ed269Geometry      `json:"geometry"`
}

type ed269Applicability struct {
	Permanent     string `json:"permanent"`
	StartDateTime string `json:"startDateTime"`
	EndDateTime   string `json:"endDateTime"`
}

type ed269Geometry struct {
	UomDimensions          string          `json:"uomDimensions"`
	LowerLimit             *float64        `json:"lowerLimit"`
	LowerVerticalReference string          `json:"lowerVerticalReference"`
	UpperLimit             *float64        `json:"upperLimit"`
	UpperVerticalReference string          `json:"upperVerticalReference"`
	HorizontalProjection   json.RawMessage `json:"horizontalProjection"`
}

// ed269Kinds maps an ED-269 restriction to a zone kind. The reason
// (AIR_TRAFFIC, SENSITIVE, POPULATION…) does not change the kind: it is kept
// as a property.
var ed269Kinds = map[string]Kind{
	"PROHIBITED":        NoFly,
	"REQ_AUTHORISATION": ControlArea,
	"CONDITIONAL":       ControlArea,
	"NO_RESTRICTION":    ControlArea,
}

// importED269 reads the UAS zones of an ED-269 document: {"features": [...]}.
// Each zone becomes one concord zone whose volumes are every geometry ×
// every applicability period:
//
//   - kind from restriction (PROHIBITED: no-fly; REQ_AUTHORISATION,
//     CONDITIONAL, NO_RESTRICTION: control-area; absent: Defaults.Kind);
//   - name; properties identifier, country, restriction, reason (comma
//     separated), message and zone_type;
//   - horizontalProjection: a GeoJSON Polygon, or {"type": "Circle",
//     "center": [lon, lat], "radius": metres} as a Point with radius_m;
//   - lowerLimit/upperLimit in uomDimensions M or FT. Vertical references
//     AMSL and WGS84 (the ellipsoid, within about 100 m of mean sea level)
//     are used as they are; AGL and SFC cannot be converted without terrain
//     and are also used as if AMSL, with a property vertical_reference
//     saying so. Check such zones by hand.
//   - applicability startDateTime/endDateTime; permanent YES is open-ended;
//     a daily schedule is not modelled: the zone holds for the whole period
//     (the conservative reading). No applicability: from Defaults.Start,
//     open-ended.
func importED269(data []byte, d Defaults) ([]record, error) {
	var doc ed269Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(err)
	}
	if len(doc.Features) > MaxFeatures {
		return nil, tooLarge("features", "%d UAS zones; at most %d are allowed", len(doc.Features), MaxFeatures)
	}
	recs := make([]record, len(doc.Features))
	for i, raw := range doc.Features {
		r, err := ed269Record(raw, fmt.Sprintf("features[%d]", i), d)
		if err != nil {
			return nil, err
		}
		recs[i] = r
	}
	return recs, nil
}

func ed269Record(raw json.RawMessage, at string, d Defaults) (record, error) {
	var f ed269Feature
	if err := json.Unmarshal(raw, &f); err != nil {
		return record{}, concord.Prefix(at, jsonError(err))
	}
	z := Zone{Kind: d.Kind, Name: f.Name}
	if f.Restriction != "" {
		k, ok := ed269Kinds[f.Restriction]
		if !ok {
			return record{}, concord.Invalid(at+".restriction", "%q: want PROHIBITED, REQ_AUTHORISATION, CONDITIONAL or NO_RESTRICTION", f.Restriction)
		}
		z.Kind = k
	}
	z.Properties = f.properties()
	src := source{at: at, zone: map[string]string{"kind": at + ".restriction", "name": at + ".name",
		"volumes": at, "properties": at, "site_type": at, "applies_to": at}}
	if len(f.Geometry) == 0 {
		return record{}, concord.Invalid(at+".geometry", "a UAS zone needs at least one geometry")
	}
	windows := f.Applicability
	if len(windows) == 0 {
		windows = []ed269Applicability{{Permanent: "YES"}}
	}
	for j, g := range f.Geometry {
		for a, w := range windows {
			v, vsrc, err := ed269Volume(g, w, fmt.Sprintf("%s.geometry[%d]", at, j), fmt.Sprintf("%s.applicability[%d]", at, a), d)
			if err != nil {
				return record{}, err
			}
			z.Volumes = append(z.Volumes, v)
			src.volumes = append(src.volumes, vsrc)
		}
		if ref := verticalReference(g); ref != "" {
			z.Properties["vertical_reference"] = ref
		}
	}
	return record{zone: z, src: src}, nil
}

func (f ed269Feature) properties() map[string]string {
	props := map[string]string{}
	for k, v := range map[string]string{"identifier": f.Identifier, "country": f.Country,
		"restriction": f.Restriction, "message": f.Message, "zone_type": f.Type, "reason": reasons(f.Reason)} {
		if v != "" {
			props[k] = v
		}
	}
	return props
}

// reasons reads ED-269 reason: an array of codes, or (leniently) one code.
func reasons(raw json.RawMessage) string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ",")
	}
	var one string
	_ = json.Unmarshal(raw, &one)
	return one
}

// verticalReference returns the reference of g's limits if it is not a sea
// level one.
func verticalReference(g ed269Geometry) string {
	for _, ref := range []string{g.LowerVerticalReference, g.UpperVerticalReference} {
		if ref != "" && ref != "AMSL" && ref != "WGS84" {
			return ref
		}
	}
	return ""
}

func ed269Volume(g ed269Geometry, w ed269Applicability, gat, wat string, d Defaults) (Volume, map[string]string, error) {
	hp := gat + ".horizontalProjection"
	src := map[string]string{"footprint": hp, "radius_m": hp + ".radius", "floor_ft": gat + ".lowerLimit",
		"ceiling_ft": gat + ".upperLimit", "start": wat + ".startDateTime", "end": wat + ".endDateTime"}
	var v Volume
	var err error
	if v.Footprint, v.RadiusM, err = ed269Projection(g.HorizontalProjection, hp); err != nil {
		return Volume{}, nil, err
	}
	if v.FloorFt, v.CeilingFt, err = ed269Band(g, gat); err != nil {
		return Volume{}, nil, err
	}
	if v.Start, v.End, err = ed269Window(w, wat, d); err != nil {
		return Volume{}, nil, err
	}
	return v, src, nil
}

func ed269Projection(raw json.RawMessage, field string) (geo.Geometry, float64, error) {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return geo.Geometry{}, 0, concord.Invalid(field, "required")
	}
	var head struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &head) == nil && head.Type == "Circle" {
		var c struct {
			Center *geo.Position `json:"center"`
			Radius *float64      `json:"radius"`
		}
		if err := json.Unmarshal(raw, &c); err != nil || c.Center == nil || c.Radius == nil {
			return geo.Geometry{}, 0, concord.Invalid(field, "a Circle needs center [lon, lat] and radius (metres)")
		}
		return geo.Geometry{Type: geo.TypePoint, Point: *c.Center}, *c.Radius, nil
	}
	var g geo.Geometry
	if err := g.UnmarshalJSON(raw); err != nil {
		return geo.Geometry{}, 0, concord.Prefix(field, err)
	}
	return g, 0, nil
}

func ed269Band(g ed269Geometry, at string) (floorFt, ceilingFt float64, err error) {
	if g.LowerLimit == nil && g.UpperLimit == nil {
		return 0, 0, nil // the default band
	}
	var feet func(float64) float64
	switch g.UomDimensions {
	case "FT":
		feet = func(x float64) float64 { return x }
	case "M":
		feet = func(x float64) float64 { return float64(geo.Meters(x).Feet()) }
	default:
		return 0, 0, concord.Invalid(at+".uomDimensions", "%q: want M or FT", g.UomDimensions)
	}
	if g.LowerLimit == nil || g.UpperLimit == nil {
		return 0, 0, concord.Invalid(at+".upperLimit", "give both lowerLimit and upperLimit")
	}
	return feet(*g.LowerLimit), feet(*g.UpperLimit), nil
}

func ed269Window(w ed269Applicability, at string, d Defaults) (time.Time, *time.Time, error) {
	start := d.Start
	if w.StartDateTime != "" {
		t, err := attrTime(w.StartDateTime)
		if err != nil {
			return time.Time{}, nil, concord.Invalid(at+".startDateTime", "%v", err)
		}
		start = t
	}
	if w.Permanent == "YES" || w.EndDateTime == "" {
		return start, nil, nil
	}
	end, err := attrTime(w.EndDateTime)
	if err != nil {
		return time.Time{}, nil, concord.Invalid(at+".endDateTime", "%v", err)
	}
	return start, &end, nil
}
