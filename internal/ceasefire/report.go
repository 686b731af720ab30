package ceasefire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"time"

	"concord"
	"concord/internal/geo"
)

// Category is what kind of violation a report alleges (SPEC §2).
type Category string

// The categories of SPEC §2.
const (
	Shelling       Category = "shelling"
	Airstrike      Category = "airstrike"
	SmallArms      Category = "small-arms"
	GroundAssault  Category = "ground-assault"
	AidObstruction Category = "aid-obstruction"
	Other          Category = "other"
)

// Categories lists every category in the order of SPEC §2; summaries and
// charts use this order.
var Categories = [numCategories]Category{Shelling, Airstrike, SmallArms, GroundAssault, AidObstruction, Other}

const numCategories = 6

// index returns c's position in Categories, or -1 for an unknown category.
func (c Category) index() int {
	for i, k := range Categories {
		if k == c {
			return i
		}
	}
	return -1
}

// Valid reports whether c is one of Categories.
func (c Category) Valid() bool { return c.index() >= 0 }

// Confidence is how the reporter knows what it reports (SPEC §2).
type Confidence string

// The confidence levels of SPEC §2, weakest first.
const (
	Heard    Confidence = "heard"
	Seen     Confidence = "seen"
	Recorded Confidence = "recorded"
	Assessed Confidence = "assessed"
)

// Confidences lists every confidence level, weakest first.
var Confidences = []Confidence{Heard, Seen, Recorded, Assessed}

// Valid reports whether c is one of Confidences.
func (c Confidence) Valid() bool {
	for _, k := range Confidences {
		if k == c {
			return true
		}
	}
	return false
}

// Point is a WGS84 location in degrees. JSON {"lat": …, "lon": …}.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Position returns p as a GeoJSON position, [lon, lat].
func (p Point) Position() geo.Position { return geo.Position{p.Lon, p.Lat} }

// Polygon is a GeoJSON Polygon (RFC 7946 §3.1.6): an outer ring and optional
// holes, each ring closed. Rings may not cross the antimeridian.
type Polygon struct {
	Type        string           `json:"type"`
	Coordinates [][]geo.Position `json:"coordinates"`
}

// Casualties are the people killed and injured, in total and of them civilians.
type Casualties struct {
	Killed          int `json:"killed"`
	Injured         int `json:"injured"`
	CivilianKilled  int `json:"civilian_killed"`
	CivilianInjured int `json:"civilian_injured"`
}

// Evidence cites one uploaded item by content: its SHA-256 (lowercase hex),
// media type and size in bytes. The content itself is stored by hash elsewhere.
type Evidence struct {
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
}

// Report is one version of a violation report (SPEC §2). ID is stable across
// versions; a new version has Version one higher and Amends set to the version
// it replaces (0 for the first). A report has either a Location with
// UncertaintyM, or an Area (UncertaintyM then widens the area).
type Report struct {
	ID           string     `json:"id"`
	Version      int        `json:"version"`
	Author       string     `json:"author"` // party ID of the reporter
	ObservedAt   time.Time  `json:"observed_at"`
	Location     *Point     `json:"location,omitempty"`
	UncertaintyM float64    `json:"uncertainty_m"`
	Area         *Polygon   `json:"area,omitempty"`
	Category     Category   `json:"category"`
	Count        int        `json:"count,omitempty"` // impacts, rounds, strikes; 0 = not given
	Weapon       string     `json:"weapon,omitempty"`
	DirectionDeg *float64   `json:"direction_deg,omitempty"` // bearing the fire came from, true north
	AllegedParty string     `json:"alleged_party,omitempty"` // party ID
	Casualties   Casualties `json:"casualties"`
	Narrative    string     `json:"narrative,omitempty"`
	Sources      []string   `json:"sources,omitempty"`
	Evidence     []Evidence `json:"evidence,omitempty"`
	Confidence   Confidence `json:"confidence"`
	Flags        []string   `json:"flags,omitempty"`
	ExternalID   string     `json:"external_id,omitempty"` // "dataset:id", e.g. "ucdp:214797"
	Amends       int        `json:"amends,omitempty"`
}

// Flags set on reports by the server or an importer.
const (
	FlagOutsideArea       = "outside-ceasefire-area" // in no ceasefire area
	FlagOutsidePeriod     = "outside-period"         // in an area, but outside its period in force
	FlagPartyNotCovered   = "party-not-covered"      // no area in force binds the alleged party
	FlagLocationImprecise = "location-imprecise"     // true uncertainty larger than MaxUncertaintyM
	FlagDateImprecise     = "date-imprecise"         // only a day range is known
)

// DecodeReport parses one report from JSON, rejecting unknown fields and
// trailing data (SPEC §7). It does not validate; call Validate.
func DecodeReport(data []byte) (Report, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		return Report{}, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Report{}, concord.Invalid("", "trailing data after the report")
	}
	return r, nil
}

// jsonError turns a decoding error into an EINVALID error naming the field
// where encoding/json can tell it.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return concord.Invalid(te.Field, "want %s, got JSON %s", te.Type, te.Value)
	}
	return concord.Invalid("", "malformed JSON: %v", err)
}

// Disc returns the centre of the report and the radius in metres of a disc
// around it that holds the event: the location and its uncertainty, or for an
// area the planar centroid of its outer ring and the distance to its farthest
// vertex, plus UncertaintyM. A report with neither is at (0, 0).
func (r *Report) Disc() (Point, float64) {
	if r.Area == nil || len(r.Area.Coordinates) == 0 {
		if r.Location == nil {
			return Point{}, r.UncertaintyM
		}
		return *r.Location, r.UncertaintyM
	}
	c, rad := enclosingDisc(r.Area.Coordinates[0])
	return c, rad + r.UncertaintyM
}

// enclosingDisc returns the planar (lon/lat) area centroid of ring and the
// great-circle distance to its farthest vertex. The disc holds every vertex and
// so, being convex, the whole ring. A degenerate ring uses its vertex mean.
func enclosingDisc(ring []geo.Position) (Point, float64) {
	c := ringCentroid(ring)
	far := 0.0
	for _, p := range ring {
		far = max(far, DistanceM(c, Point{Lat: p.Lat(), Lon: p.Lon()}))
	}
	return c, far
}

// ringCentroid is the shoelace centroid of a closed ring in lon/lat degrees.
func ringCentroid(ring []geo.Position) Point {
	var a, cx, cy float64
	for i := 0; i+1 < len(ring); i++ {
		p, q := ring[i], ring[i+1]
		cross := p[0]*q[1] - q[0]*p[1]
		a += cross
		cx += (p[0] + q[0]) * cross
		cy += (p[1] + q[1]) * cross
	}
	if a == 0 {
		return vertexMean(ring)
	}
	return Point{Lon: cx / (3 * a), Lat: cy / (3 * a)}
}

func vertexMean(ring []geo.Position) Point {
	var m Point
	for _, p := range ring {
		m.Lon += p[0] / float64(len(ring))
		m.Lat += p[1] / float64(len(ring))
	}
	return m
}
