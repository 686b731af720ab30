package zones

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"concord"
	"concord/internal/geo"
)

// Bounds on a zone (SPEC §7).
const (
	MaxVolumes          = 64
	MaxZoneVertices     = 50000 // positions in all footprints of a zone
	MaxRadiusM          = 50000
	MinAltitudeFt       = -2000  // below the Dead Sea shore, with margin
	MaxAltitudeFt       = 100000 // above any aircraft concord tracks
	MaxWindow           = 20 * 365 * 24 * time.Hour
	MaxNameLen          = 200 // characters
	MaxAppliesTo        = 100
	MaxPartyLen         = 64
	MaxProperties       = 32
	MaxPropertyKeyLen   = 64
	MaxPropertyValueLen = 1024
)

// reservedProperties are names a zone's Properties may not use: they are the
// zone's own fields in GeoJSON exports (see Features), so a property of the
// same name would be lost in an export/import round trip.
var reservedProperties = []string{"id", "version", "volume", "kind", "name", "site_type", "radius_m",
	"floor_ft", "ceiling_ft", "start", "end", "applies_to", "status", "coarse", "cell_level", "cells"}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Valid reports whether t is a known site type.
func (t SiteType) Valid() bool { return slices.Contains(SiteTypes, t) }

// Validate normalizes and validates a zone submitted by a client, before the
// server fills ID, Version, Owner, Status and timestamps (which it neither
// checks nor changes). It returns the first problem found as a
// *concord.Error naming the field ("kind", "volumes[1].floor_ft",
// "volumes[0].footprint.coordinates[0][3]"); EINVALID, or ETOOLARGE for
// counts over a bound. It never panics.
//
// Normalization, in place:
//   - Start and End are converted to UTC and truncated to milliseconds.
//   - A volume whose band is 0..0 (floor_ft and ceiling_ft both absent) gets
//     the default band DefaultFloorFt..DefaultCeilingFt (surface to FL600).
//   - Empty applies_to and properties become nil.
//
// Rules:
//   - kind is one of Kinds; site_type is required for protected-site and
//     forbidden otherwise, and is one of SiteTypes.
//   - 1..MaxVolumes volumes. Each footprint is a valid Point, Polygon or
//     MultiPolygon (geo.Geometry.Validate; a LineString is a route, not a
//     zone). radius_m is finite, 0..MaxRadiusM, and > 0 for a Point.
//   - floor_ft < ceiling_ft, both finite in [MinAltitudeFt, MaxAltitudeFt]
//     (feet above mean sea level, as in ASTM F3548 Volume4D with an AMSL
//     reference).
//   - start is set; end, if set, is after start; the window lasts at most
//     MaxWindow; and if now is not zero, start is within MaxWindow of now.
//     The window is half-open: [start, end).
//   - name at most MaxNameLen characters; applies_to at most MaxAppliesTo
//     non-empty party IDs of at most MaxPartyLen characters; at most
//     MaxProperties properties with keys of 1..MaxPropertyKeyLen characters,
//     values of at most MaxPropertyValueLen, and no reserved key (the
//     zone's own field names). All text is valid UTF-8.
func Validate(z *Zone, now time.Time) error {
	if z == nil {
		return concord.Invalid("", "missing zone")
	}
	if len(z.AppliesTo) == 0 {
		z.AppliesTo = nil
	}
	if len(z.Properties) == 0 {
		z.Properties = nil
	}
	checks := []func() error{
		func() error { return checkKind(z) },
		func() error { return checkText("name", z.Name, MaxNameLen) },
		func() error { return checkVolumes(z, now) },
		func() error { return checkAppliesTo(z.AppliesTo) },
		func() error { return checkProperties(z.Properties) },
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func checkKind(z *Zone) error {
	if !z.Kind.Valid() {
		return concord.Invalid("kind", "%q is not a zone kind; want one of %s", z.Kind, joinKinds())
	}
	switch {
	case z.Kind == ProtectedSite && z.SiteType == "":
		return concord.Invalid("site_type", "required for a protected-site; want one of %s", joinSiteTypes())
	case z.Kind != ProtectedSite && z.SiteType != "":
		return concord.Invalid("site_type", "only a protected-site has a site type, not a %s", z.Kind)
	case z.SiteType != "" && !z.SiteType.Valid():
		return concord.Invalid("site_type", "%q is not a site type; want one of %s", z.SiteType, joinSiteTypes())
	}
	return nil
}

func joinKinds() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func joinSiteTypes() string {
	s := make([]string, len(SiteTypes))
	for i, t := range SiteTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func checkText(field, s string, maxLen int) error {
	if !utf8.ValidString(s) {
		return concord.Invalid(field, "not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		return concord.Invalid(field, "%d characters; at most %d are allowed", n, maxLen)
	}
	return nil
}

func tooLarge(field, format string, args ...any) error {
	return &concord.Error{Code: concord.ETOOLARGE, Field: field, Message: fmt.Sprintf(format, args...)}
}

func checkVolumes(z *Zone, now time.Time) error {
	switch n := len(z.Volumes); {
	case n == 0:
		return concord.Invalid("volumes", "a zone needs at least one volume")
	case n > MaxVolumes:
		return tooLarge("volumes", "%d volumes; at most %d are allowed", n, MaxVolumes)
	}
	total := 0
	for i := range z.Volumes {
		total += z.Volumes[i].Footprint.NumVertices()
	}
	if total > MaxZoneVertices {
		return tooLarge("volumes", "%d positions in all footprints; at most %d are allowed", total, MaxZoneVertices)
	}
	for i := range z.Volumes {
		if err := checkVolume(&z.Volumes[i], now); err != nil {
			return concord.Prefix(fmt.Sprintf("volumes[%d]", i), err)
		}
	}
	return nil
}

// checkVolume normalizes and validates one volume; fields are relative to it.
func checkVolume(v *Volume, now time.Time) error {
	if err := checkFootprint(v); err != nil {
		return err
	}
	if err := checkBand(v); err != nil {
		return err
	}
	return checkWindow(v, now)
}

func checkFootprint(v *Volume) error {
	if v.Footprint.Type == geo.TypeLineString {
		return concord.Invalid("footprint.type", "a zone footprint is a Polygon, a MultiPolygon or a Point with radius_m; a LineString is a route")
	}
	if err := v.Footprint.Validate(); err != nil {
		return concord.Prefix("footprint", err)
	}
	r := v.RadiusM
	switch {
	case !finite(r) || r < 0 || r > MaxRadiusM:
		return concord.Invalid("radius_m", "must be a finite number of metres between 0 and %d", MaxRadiusM)
	case v.Footprint.Type == geo.TypePoint && r == 0:
		return concord.Invalid("radius_m", "a Point footprint needs a radius_m greater than 0")
	}
	return nil
}

func checkBand(v *Volume) error {
	if v.FloorFt == 0 && v.CeilingFt == 0 {
		v.FloorFt, v.CeilingFt = DefaultFloorFt, DefaultCeilingFt
	}
	for _, b := range []struct {
		field string
		ft    float64
	}{{"floor_ft", v.FloorFt}, {"ceiling_ft", v.CeilingFt}} {
		if !finite(b.ft) || b.ft < MinAltitudeFt || b.ft > MaxAltitudeFt {
			return concord.Invalid(b.field, "must be a finite number of feet between %d and %d", MinAltitudeFt, MaxAltitudeFt)
		}
	}
	if v.FloorFt >= v.CeilingFt {
		return concord.Invalid("floor_ft", "floor %v ft must be below ceiling %v ft", v.FloorFt, v.CeilingFt)
	}
	return nil
}

func checkWindow(v *Volume, now time.Time) error {
	if v.Start.IsZero() {
		return concord.Invalid("start", "required (RFC 3339 time)")
	}
	v.Start = normTime(v.Start)
	if !now.IsZero() && (v.Start.Before(now.Add(-MaxWindow)) || v.Start.After(now.Add(MaxWindow))) {
		return concord.Invalid("start", "more than 20 years from now")
	}
	if v.End == nil {
		return nil
	}
	end := normTime(*v.End)
	v.End = &end
	switch {
	case !end.After(v.Start):
		return concord.Invalid("end", "must be after start")
	case end.After(v.Start.Add(MaxWindow)):
		return concord.Invalid("end", "the window lasts more than 20 years")
	}
	return nil
}

// normTime returns t in UTC truncated to milliseconds.
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func checkAppliesTo(parties []string) error {
	if len(parties) > MaxAppliesTo {
		return tooLarge("applies_to", "%d parties; at most %d are allowed", len(parties), MaxAppliesTo)
	}
	for i, p := range parties {
		field := fmt.Sprintf("applies_to[%d]", i)
		if p == "" {
			return concord.Invalid(field, "empty party ID")
		}
		if err := checkText(field, p, MaxPartyLen); err != nil {
			return err
		}
	}
	return nil
}

func checkProperties(props map[string]string) error {
	if len(props) > MaxProperties {
		return tooLarge("properties", "%d properties; at most %d are allowed", len(props), MaxProperties)
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first error is the same every time
	for _, k := range keys {
		if err := checkProperty(k, props[k]); err != nil {
			return err
		}
	}
	return nil
}

func checkProperty(k, v string) error {
	field := "properties." + k
	switch {
	case k == "":
		return concord.Invalid("properties", "empty property name")
	case slices.Contains(reservedProperties, k):
		return concord.Invalid(field, "%q is a zone field, not a free property", k)
	}
	if err := checkText("properties", k, MaxPropertyKeyLen); err != nil {
		return err
	}
	return checkText(field, v, MaxPropertyValueLen)
}
