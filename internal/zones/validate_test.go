package zones

import (
	"math"
	"strings"
	"testing"
	"time"

	"concord"
	"concord/internal/geo"
)

func TestValidateAccepts(t *testing.T) {
	for _, z := range []Zone{hospital(), noFly(), {
		Kind: CeasefireArea, Volumes: []Volume{{Footprint: box(), Start: t0}, {Footprint: box(), FloorFt: -1000, CeilingFt: 100000, Start: t1}},
	}} {
		if err := Validate(&z, t0); err != nil {
			t.Errorf("Validate(%s): %v", z.Name, err)
		}
	}
}

func TestValidateNormalizes(t *testing.T) {
	beirut := time.FixedZone("EEST", 3*3600)
	start := time.Date(2026, 5, 1, 3, 0, 0, 123456789, beirut)
	end := start.Add(time.Hour)
	z := Zone{Kind: NoFly, Volumes: []Volume{{Footprint: box(), Start: start, End: &end}}}
	if err := Validate(&z, time.Time{}); err != nil {
		t.Fatal(err)
	}
	v := z.Volumes[0]
	if want := time.Date(2026, 5, 1, 0, 0, 0, 123000000, time.UTC); v.Start != want || v.Start.Location() != time.UTC {
		t.Errorf("start %v, want %v in UTC", v.Start, want)
	}
	if v.End == &end || v.End.Nanosecond() != 123000000 || v.End.Location() != time.UTC {
		t.Errorf("end %v not normalized in a fresh value", v.End)
	}
	if v.FloorFt != DefaultFloorFt || v.CeilingFt != DefaultCeilingFt {
		t.Errorf("zero band became %v..%v, want the default band", v.FloorFt, v.CeilingFt)
	}
}

// TestValidateRejects lists malformed zones and the field each error names.
func TestValidateRejects(t *testing.T) {
	nan := math.NaN()
	bowTie := geo.Geometry{Type: geo.TypePolygon, Polygons: [][][]geo.Position{{{{36, 33}, {37, 34}, {37, 33}, {36, 34}, {36, 33}}}}}
	many := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = "p"
		}
		return s
	}
	props := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[strings.Repeat("k", i+1)] = "v"
		}
		return m
	}
	tests := []struct {
		name  string
		edit  func(z *Zone)
		code  string
		field string
	}{
		{"no kind", func(z *Zone) { z.Kind = "" }, concord.EINVALID, "kind"},
		{"unknown kind", func(z *Zone) { z.Kind = "target" }, concord.EINVALID, "kind"},
		{"protected site without site type", func(z *Zone) { z.Kind, z.SiteType = ProtectedSite, "" }, concord.EINVALID, "site_type"},
		{"site type on a no-fly zone", func(z *Zone) { z.SiteType = "hospital" }, concord.EINVALID, "site_type"},
		{"unknown site type", func(z *Zone) { z.Kind, z.SiteType = ProtectedSite, "barracks" }, concord.EINVALID, "site_type"},
		{"name too long", func(z *Zone) { z.Name = strings.Repeat("é", MaxNameLen+1) }, concord.EINVALID, "name"},
		{"name not UTF-8", func(z *Zone) { z.Name = "\xff" }, concord.EINVALID, "name"},
		{"no volumes", func(z *Zone) { z.Volumes = nil }, concord.EINVALID, "volumes"},
		{"65 volumes", func(z *Zone) { z.Volumes = make([]Volume, MaxVolumes+1) }, concord.ETOOLARGE, "volumes"},
		{"footprint missing", func(z *Zone) { z.Volumes[0].Footprint = geo.Geometry{} }, concord.EINVALID, "volumes[0].footprint.type"},
		{"footprint a LineString", func(z *Zone) {
			z.Volumes[0].Footprint = geo.Geometry{Type: geo.TypeLineString, Line: []geo.Position{{36, 33}, {37, 34}}}
		}, concord.EINVALID, "volumes[0].footprint.type"},
		{"footprint self-intersecting", func(z *Zone) { z.Volumes[0].Footprint = bowTie }, concord.EINVALID, "volumes[0].footprint.coordinates[0][0]"},
		{"footprint latitude out of range", func(z *Zone) { z.Volumes[0].Footprint.Polygons[0][0][2][1] = 91 }, concord.EINVALID, "volumes[0].footprint.coordinates[0][2][1]"},
		{"second footprint not closed", func(z *Zone) {
			bad := square(36, 33, 37, 34)
			bad.Polygons[0][0][4] = geo.Position{36, 33.5}
			z.Volumes = append(z.Volumes, Volume{Footprint: bad, Start: t0})
		}, concord.EINVALID, "volumes[1].footprint.coordinates[0][4]"},
		{"point without radius", func(z *Zone) { z.Volumes[0].Footprint = pointAt(hosp) }, concord.EINVALID, "volumes[0].radius_m"},
		{"radius negative", func(z *Zone) { z.Volumes[0].RadiusM = -1 }, concord.EINVALID, "volumes[0].radius_m"},
		{"radius NaN", func(z *Zone) { z.Volumes[0].RadiusM = nan }, concord.EINVALID, "volumes[0].radius_m"},
		{"radius over 50 km", func(z *Zone) { z.Volumes[0].RadiusM = 50001 }, concord.EINVALID, "volumes[0].radius_m"},
		{"floor above ceiling", func(z *Zone) { z.Volumes[0].FloorFt = 30000 }, concord.EINVALID, "volumes[0].floor_ft"},
		{"floor equals ceiling", func(z *Zone) { z.Volumes[0].FloorFt, z.Volumes[0].CeilingFt = 5000, 5000 }, concord.EINVALID, "volumes[0].floor_ft"},
		{"floor NaN", func(z *Zone) { z.Volumes[0].FloorFt = nan }, concord.EINVALID, "volumes[0].floor_ft"},
		{"floor below -2000", func(z *Zone) { z.Volumes[0].FloorFt = -2001 }, concord.EINVALID, "volumes[0].floor_ft"},
		{"ceiling +Inf", func(z *Zone) { z.Volumes[0].CeilingFt = math.Inf(1) }, concord.EINVALID, "volumes[0].ceiling_ft"},
		{"ceiling above 100,000", func(z *Zone) { z.Volumes[0].CeilingFt = 100001 }, concord.EINVALID, "volumes[0].ceiling_ft"},
		{"only a negative floor (ceiling 0 is not the default band)", func(z *Zone) { z.Volumes[0].FloorFt, z.Volumes[0].CeilingFt = 100, 0 }, concord.EINVALID, "volumes[0].floor_ft"},
		{"no start", func(z *Zone) { z.Volumes[0].Start = time.Time{} }, concord.EINVALID, "volumes[0].start"},
		{"end before start", func(z *Zone) { z.Volumes[0].End = after(t0, -time.Hour) }, concord.EINVALID, "volumes[0].end"},
		{"end equals start", func(z *Zone) { z.Volumes[0].End = after(t0, 0) }, concord.EINVALID, "volumes[0].end"},
		{"end within the same millisecond", func(z *Zone) { z.Volumes[0].End = after(t0, time.Microsecond) }, concord.EINVALID, "volumes[0].end"},
		{"window over 20 years", func(z *Zone) { z.Volumes[0].End = after(t0, MaxWindow+time.Hour) }, concord.EINVALID, "volumes[0].end"},
		{"start in year 1", func(z *Zone) { z.Volumes[0].Start = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC) }, concord.EINVALID, "volumes[0].start"},
		{"start 30 years ahead", func(z *Zone) { z.Volumes[0].Start = t0.AddDate(30, 0, 0); z.Volumes[0].End = nil }, concord.EINVALID, "volumes[0].start"},
		{"too many vertices in all", func(z *Zone) {
			big := circleZone(9000)
			for range 6 {
				z.Volumes = append(z.Volumes, Volume{Footprint: big, Start: t0})
			}
		}, concord.ETOOLARGE, "volumes"},
		{"101 parties", func(z *Zone) { z.AppliesTo = many(MaxAppliesTo + 1) }, concord.ETOOLARGE, "applies_to"},
		{"empty party", func(z *Zone) { z.AppliesTo = []string{"a", ""} }, concord.EINVALID, "applies_to[1]"},
		{"party ID too long", func(z *Zone) { z.AppliesTo = []string{strings.Repeat("x", MaxPartyLen+1)} }, concord.EINVALID, "applies_to[0]"},
		{"33 properties", func(z *Zone) { z.Properties = props(MaxProperties + 1) }, concord.ETOOLARGE, "properties"},
		{"empty property name", func(z *Zone) { z.Properties = map[string]string{"": "x"} }, concord.EINVALID, "properties"},
		{"reserved property name", func(z *Zone) { z.Properties = map[string]string{"kind": "x"} }, concord.EINVALID, "properties.kind"},
		{"property value too long", func(z *Zone) { z.Properties = map[string]string{"note": strings.Repeat("x", MaxPropertyValueLen+1)} }, concord.EINVALID, "properties.note"},
		{"property value not UTF-8", func(z *Zone) { z.Properties = map[string]string{"note": "\xc3"} }, concord.EINVALID, "properties.note"},
	}
	for _, tt := range tests {
		z := noFly()
		tt.edit(&z)
		err := Validate(&z, t0)
		if concord.ErrorCode(err) != tt.code || concord.ErrorField(err) != tt.field {
			t.Errorf("%s: Validate = %v, want %s on %q", tt.name, err, tt.code, tt.field)
		}
	}
	if len(tests) < 30 {
		t.Errorf("only %d cases", len(tests))
	}
}

// circleZone returns a polygon of n vertices around Damascus.
func circleZone(n int) geo.Geometry {
	ring := make([]geo.Position, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, geo.Position{36.3 + 0.1*math.Cos(a), 33.5 + 0.1*math.Sin(a)})
	}
	return geo.Geometry{Type: geo.TypePolygon, Polygons: [][][]geo.Position{{append(ring, ring[0])}}}
}

func TestValidateMessages(t *testing.T) {
	z := noFly()
	z.Kind = "nofly"
	err := Validate(&z, t0)
	for _, k := range Kinds {
		if !strings.Contains(err.Error(), string(k)) {
			t.Errorf("message %q does not list kind %s", err, k)
		}
	}
	if err := Validate(nil, t0); concord.ErrorCode(err) != concord.EINVALID {
		t.Errorf("Validate(nil) = %v", err)
	}
}
