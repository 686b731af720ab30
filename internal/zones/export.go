package zones

import (
	"encoding/json"
	"maps"
	"time"

	"concord/internal/geo"
)

// Feature is an RFC 7946 Feature as FeatureCollection writes it.
type Feature struct {
	Type       string         `json:"type"`     // always "Feature"
	Geometry   *geo.Geometry  `json:"geometry"` // null for a coarse zone (RFC 7946 §3.2: an unlocated feature)
	Properties map[string]any `json:"properties"`
}

// Features returns z as GeoJSON features, one per volume, each with the
// volume's footprint as geometry and as properties the zone's properties,
// then its fields: id, version, volume (the volume's index), kind, name,
// site_type, applies_to, status, radius_m, floor_ft, ceiling_ft, start and
// end (RFC 3339, UTC; absent when open-ended). Empty fields are left out.
// Import reads the features back as one zone (they share the id).
func Features(z Zone) []Feature {
	out := make([]Feature, len(z.Volumes))
	for i, v := range z.Volumes {
		props := map[string]any{}
		for k, val := range z.Properties {
			props[k] = val
		}
		maps.Copy(props, zoneProperties(z))
		maps.Copy(props, volumeProperties(v))
		props["volume"] = i
		g := v.Footprint
		out[i] = Feature{Type: "Feature", Geometry: &g, Properties: props}
	}
	return out
}

func zoneProperties(z Zone) map[string]any {
	p := map[string]any{"kind": z.Kind, "version": z.Version}
	setIf(p, "id", z.ID, z.ID != "")
	setIf(p, "name", z.Name, z.Name != "")
	setIf(p, "site_type", z.SiteType, z.SiteType != "")
	setIf(p, "applies_to", z.AppliesTo, len(z.AppliesTo) > 0)
	setIf(p, "status", z.Status, z.Status != "")
	return p
}

func volumeProperties(v Volume) map[string]any {
	floor, ceiling := v.Band()
	p := map[string]any{"floor_ft": floor, "ceiling_ft": ceiling, "start": formatTime(v.Start)}
	setIf(p, "radius_m", v.RadiusM, v.RadiusM != 0)
	if v.End != nil {
		p["end"] = formatTime(*v.End)
	}
	return p
}

func setIf(p map[string]any, key string, v any, ok bool) {
	if ok {
		p[key] = v
	}
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// CoarseFeature returns a coarse zone as a GeoJSON feature without geometry
// (RFC 7946 §3.2) whose properties are id, version, kind, site_type,
// status, coarse (true), cell_level, cells (S2 tokens), floor_ft,
// ceiling_ft, start, end and applies_to. It carries no coordinate.
func CoarseFeature(c CoarseZone) Feature {
	p := map[string]any{"id": c.ID, "version": c.Version, "kind": c.Kind, "coarse": true,
		"cell_level": c.CellLevel, "cells": c.Cells, "floor_ft": c.FloorFt, "ceiling_ft": c.CeilingFt,
		"start": formatTime(c.Start)}
	setIf(p, "site_type", c.SiteType, c.SiteType != "")
	setIf(p, "status", c.Status, c.Status != "")
	setIf(p, "applies_to", c.AppliesTo, len(c.AppliesTo) > 0)
	if c.End != nil {
		p["end"] = formatTime(*c.End)
	}
	return Feature{Type: "Feature", Properties: p}
}

// FeatureCollection writes full zones (one feature per volume, see
// Features) and coarse zones (see CoarseFeature) as one RFC 7946
// FeatureCollection. A caller serving an armed party passes its sensitive
// zones only as coarse.
func FeatureCollection(full []Zone, coarse []CoarseZone) ([]byte, error) {
	fc := struct {
		Type     string    `json:"type"`
		Features []Feature `json:"features"`
	}{Type: "FeatureCollection", Features: []Feature{}}
	for _, z := range full {
		fc.Features = append(fc.Features, Features(z)...)
	}
	for _, c := range coarse {
		fc.Features = append(fc.Features, CoarseFeature(c))
	}
	return json.Marshal(fc)
}
