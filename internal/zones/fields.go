package zones

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"concord"
	"concord/internal/geo"
)

// value is one attribute of an imported feature: text, or a list of texts
// (a JSON array of strings).
type value struct {
	text   string
	list   []string
	isList bool
}

// Zone fields read from attributes (GeoJSON properties, KML data). Keys
// consumed by the export format but not zone fields are skipped.
var (
	volumeKeys  = []string{"radius_m", "floor_ft", "ceiling_ft", "start", "end"}
	ignoredKeys = []string{"version", "status", "coarse", "cell_level", "cells"}
)

// attributes reads zone fields from the attributes of one feature into a
// zone record with one volume per footprint, all sharing the attributes'
// radius, band and window. field(key) names an attribute in the document;
// footprints[i] names the geometry of footprint i.
type attributes struct {
	vals       map[string]value
	field      func(key string) string
	at         string
	footprints []string
}

func (a attributes) record(geoms []geo.Geometry, d Defaults) (record, error) {
	r := record{zone: Zone{Kind: d.Kind}, src: a.source()}
	v := Volume{Start: d.Start}
	for _, key := range slices.Sorted(maps.Keys(a.vals)) { // the first error is the same every time
		if err := a.apply(&r, &v, key, a.vals[key]); err != nil {
			return record{}, err
		}
	}
	for _, g := range geoms {
		v.Footprint = g
		r.zone.Volumes = append(r.zone.Volumes, v)
	}
	return r, nil
}

func (a attributes) source() source {
	props := strings.TrimSuffix(a.field("x"), ".x") // where the free properties are
	s := source{at: a.at, zone: map[string]string{"volumes": a.at, "properties": props}}
	for _, k := range []string{"kind", "name", "site_type", "applies_to"} {
		s.zone[k] = a.field(k)
	}
	for _, fp := range a.footprints {
		vol := map[string]string{"footprint": fp}
		for _, k := range volumeKeys {
			vol[k] = a.field(k)
		}
		s.volumes = append(s.volumes, vol)
	}
	return s
}

func (a attributes) apply(r *record, v *Volume, key string, val value) error {
	var err error
	switch key {
	case "kind":
		r.zone.Kind = Kind(val.text)
	case "name":
		r.zone.Name = val.text
	case "site_type":
		r.zone.SiteType = SiteType(val.text)
	case "applies_to":
		r.zone.AppliesTo = val.parties()
	case "id":
		r.group = val.text
	case "volume":
		r.order, err = strconv.Atoi(val.text)
	case "radius_m":
		v.RadiusM, err = attrNumber(val.text)
	case "floor_ft":
		v.FloorFt, err = attrNumber(val.text)
	case "ceiling_ft":
		v.CeilingFt, err = attrNumber(val.text)
	case "start":
		v.Start, err = attrTime(val.text)
	case "end":
		var t time.Time
		t, err = attrTime(val.text)
		v.End = &t
	default:
		if !slices.Contains(ignoredKeys, key) {
			setProperty(&r.zone, key, val)
		}
	}
	if err != nil {
		return concord.Invalid(a.field(key), "%v", err)
	}
	return nil
}

func setProperty(z *Zone, key string, val value) {
	if z.Properties == nil {
		z.Properties = map[string]string{}
	}
	text := val.text
	if val.isList {
		text = strings.Join(val.list, ",")
	}
	z.Properties[key] = text
}

// parties reads applies_to: a list, or a comma-separated text.
func (v value) parties() []string {
	if v.isList {
		return v.list
	}
	var out []string
	for _, p := range strings.Split(v.text, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type fieldError string

func (e fieldError) Error() string { return string(e) }

func attrNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !finite(f) {
		return 0, fieldError("not a finite number: " + strconv.Quote(s))
	}
	return f, nil
}

// attrTime reads an RFC 3339 time ("2026-05-01T00:00:00Z", fractions and
// offsets allowed).
func attrTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fieldError("not an RFC 3339 time: " + strconv.Quote(s))
	}
	return t, nil
}
