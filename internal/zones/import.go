package zones

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"concord"
)

// MaxFeatures bounds the features (GeoJSON), placemarks (KML) or UAS zones
// (ED-269) of one import. The caller bounds the size of the input (50 MB).
const MaxFeatures = 100000

// Import formats.
const (
	FormatGeoJSON = "geojson" // RFC 7946 Feature or FeatureCollection
	FormatKML     = "kml"     // OGC KML 2.2 Placemarks
	FormatED269   = "ed269"   // EUROCAE ED-269 UAS geographical zones, JSON encoding
)

// Defaults completes imported features that lack a field, and reports
// progress.
type Defaults struct {
	Kind  Kind      // kind of a feature that has none
	Start time.Time // start of a feature that has none
	Now   time.Time // passed to Validate (zero: start is not checked against now)
	// Progress, if set, is called with the number of features handled so
	// far and the total, every progressStep features and once at the end.
	Progress func(done, total int)
}

const progressStep = 1000

// Import reads zones from a GeoJSON, KML or ED-269 document. The format is
// detected from the content (DetectFormat); name, the file name, is a hint
// used only when the content is ambiguous. Every zone is normalized and
// validated with Validate; the first problem fails the whole import (nothing
// is half-imported) with a *concord.Error whose field names the place in the
// source document, e.g. "features[12].geometry.coordinates[0][3]",
// "features[3].properties.floor_ft", "placemarks[2].data.kind" or
// "features[0].geometry[1].lowerLimit".
//
// Zone fields are read as follows (see the format files for details):
//
//   - GeoJSON: properties kind, name, site_type, radius_m, floor_ft,
//     ceiling_ft, start, end (RFC 3339), applies_to (array of party IDs or a
//     comma-separated string). Features sharing a properties.id are the
//     volumes of one zone, ordered by properties.volume (this is how
//     FeatureCollection exports multi-volume zones); version and status are
//     ignored. Every other property becomes a string property.
//   - KML: Placemark name, and ExtendedData Data (or SchemaData SimpleData)
//     with the same names; TimeSpan begin/end stand for start/end.
//   - ED-269: see importED269.
func Import(data []byte, name string, d Defaults) ([]Zone, error) {
	format, err := DetectFormat(data, name)
	if err != nil {
		return nil, err
	}
	var recs []record
	switch format {
	case FormatKML:
		recs, err = importKML(data, d)
	case FormatED269:
		recs, err = importED269(data, d)
	default:
		recs, err = importGeoJSON(data, d)
	}
	if err != nil {
		return nil, err
	}
	return finish(recs, d)
}

// DetectFormat tells GeoJSON, KML and ED-269 apart by content: XML is KML;
// a JSON object with a "type" member is GeoJSON, one with "features" but no
// "type" is ED-269. The file name's extension breaks ties (".kml",
// ".geojson", or "ed269"/"ed-269" in the name).
func DetectFormat(data []byte, name string) (string, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf"))
	switch {
	case len(trimmed) == 0:
		return "", concord.Invalid("", "empty document")
	case bytes.HasPrefix(trimmed, []byte("PK\x03\x04")):
		return "", concord.Invalid("", "a zip archive (KMZ?): unzip it and import the .kml inside")
	case trimmed[0] == '<':
		return FormatKML, nil
	case trimmed[0] != '{':
		return "", concord.Invalid("", "not a GeoJSON, KML or ED-269 document")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &top); err != nil {
		return "", jsonError(err)
	}
	_, hasType := top["type"]
	_, hasFeatures := top["features"]
	lower := strings.ToLower(path.Base(name))
	switch {
	case hasType && !strings.Contains(lower, "ed269") && !strings.Contains(lower, "ed-269"):
		return FormatGeoJSON, nil
	case hasFeatures:
		return FormatED269, nil
	case strings.HasSuffix(lower, ".geojson") || hasType:
		return FormatGeoJSON, nil
	}
	return "", concord.Invalid("", "a JSON object that is neither GeoJSON (no \"type\") nor ED-269 (no \"features\")")
}

// jsonError describes a JSON syntax or type error, with its byte offset.
func jsonError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return concord.Invalid("", "not valid JSON at byte %d: %v", syn.Offset, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return concord.Invalid(typ.Field, "wrong JSON type at byte %d: want %v, not %s", typ.Offset, typ.Type, typ.Value)
	}
	var ce *concord.Error
	if errors.As(err, &ce) {
		return ce
	}
	return concord.Invalid("", "not valid JSON: %v", err)
}

// record is one feature read from a document: a zone with its own volumes,
// where each of its fields came from, and the group it belongs to.
type record struct {
	zone  Zone
	group string // non-empty: the records of a group are the volumes of one zone
	order int    // position of the volume within its group
	src   source
}

// source maps the fields of a zone (as Validate names them) to the fields of
// the document they came from.
type source struct {
	at      string            // the feature itself, e.g. "features[3]"
	zone    map[string]string // "kind" -> "features[3].properties.kind"
	volumes []map[string]string
}

// remap renames the field of err from the zone's terms to the document's.
func (s source) remap(err error) error {
	var e *concord.Error
	if !errors.As(err, &e) {
		return err
	}
	field := e.Field
	fields := s.zone
	if rest, ok := strings.CutPrefix(field, "volumes["); ok {
		var j int
		if n, _ := fmt.Sscanf(rest, "%d]", &j); n == 1 && j >= 0 && j < len(s.volumes) {
			field = strings.TrimPrefix(rest[strings.IndexByte(rest, ']')+1:], ".")
			fields = s.volumes[j]
		}
	}
	head, tail := splitField(field)
	mapped, ok := fields[head]
	if !ok {
		mapped = joinField(s.at, field)
		tail = ""
	}
	return &concord.Error{Code: e.Code, Field: mapped + tail, Message: e.Message}
}

// splitField splits "footprint.coordinates[0]" into "footprint" and
// ".coordinates[0]".
func splitField(f string) (head, tail string) {
	if i := strings.IndexAny(f, ".["); i >= 0 {
		return f[:i], f[i:]
	}
	return f, ""
}

func joinField(prefix, f string) string {
	switch {
	case prefix == "":
		return f
	case f == "":
		return prefix
	case f[0] == '[':
		return prefix + f
	}
	return prefix + "." + f
}

// finish groups records into zones, validates them and reports progress.
func finish(recs []record, d Defaults) ([]Zone, error) {
	zones, srcs, counts, err := group(recs)
	if err != nil {
		return nil, err
	}
	done := 0
	for i := range zones {
		if err := validateImported(&zones[i], d.Now); err != nil {
			return nil, srcs[i].remap(err)
		}
		before := done
		done += counts[i]
		if d.Progress != nil && (done/progressStep != before/progressStep || done == len(recs)) {
			d.Progress(done, len(recs))
		}
	}
	return zones, nil
}

// validateImported validates z; if that fails, it tries again with its
// footprints tidied (geo.Geometry.Tidy: repeated positions and zero-area
// spikes removed) and keeps the tidied zone if it is valid. Otherwise the
// error is the untidied one, so that its indices are those of the source.
func validateImported(z *Zone, now time.Time) error {
	err := Validate(z, now)
	if err == nil {
		return nil
	}
	tidied := *z
	tidied.Volumes = slices.Clone(z.Volumes)
	for i := range tidied.Volumes {
		tidied.Volumes[i].Footprint = tidied.Volumes[i].Footprint.Tidy()
	}
	if Validate(&tidied, now) != nil {
		return err
	}
	*z = tidied
	return nil
}

// group merges the records of each group into one zone, in the order of
// their first appearance, volumes ordered by the records' order numbers.
// It also returns the source of each zone and how many records it took.
func group(recs []record) ([]Zone, []source, []int, error) {
	var firsts []int // index of the first record of each zone
	members := map[string][]record{}
	for i, r := range recs {
		if _, seen := members[r.group]; r.group == "" || !seen {
			firsts = append(firsts, i)
		}
		if r.group != "" {
			members[r.group] = append(members[r.group], r)
		}
	}
	zones, srcs, counts := make([]Zone, len(firsts)), make([]source, len(firsts)), make([]int, len(firsts))
	for i, f := range firsts {
		rs := []record{recs[f]}
		if recs[f].group != "" {
			rs = members[recs[f].group]
			slices.SortStableFunc(rs, func(a, b record) int { return a.order - b.order })
		}
		z, src, err := merge(rs)
		if err != nil {
			return nil, nil, nil, err
		}
		zones[i], srcs[i], counts[i] = z, src, len(rs)
	}
	return zones, srcs, counts, nil
}

// merge makes one zone of records: zone fields from the first, volumes from
// all.
func merge(rs []record) (Zone, source, error) {
	z, src := rs[0].zone, rs[0].src
	z.Volumes = slices.Clone(z.Volumes)
	src.volumes = slices.Clone(src.volumes)
	for _, r := range rs[1:] {
		if r.zone.Kind != z.Kind {
			return Zone{}, source{}, concord.Invalid(r.src.zone["kind"], "kind %q differs from %q of an earlier feature with id %q", r.zone.Kind, z.Kind, r.group)
		}
		if r.zone.SiteType != z.SiteType {
			return Zone{}, source{}, concord.Invalid(r.src.zone["site_type"], "site_type %q differs from %q of an earlier feature with id %q", r.zone.SiteType, z.SiteType, r.group)
		}
		z.Volumes = append(z.Volumes, r.zone.Volumes...)
		src.volumes = append(src.volumes, r.src.volumes...)
	}
	return z, src, nil
}
