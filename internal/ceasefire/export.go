package ceasefire

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Record is one incident as exported: a CSV row, or a GeoJSON feature's
// geometry and properties. JSON names are the CSV column names.
type Record struct {
	EventID            string   `json:"event_id"`
	EventDate          string   `json:"event_date"` // YYYY-MM-DD of the start, UTC
	Admin1             string   `json:"admin1"`
	Location           string   `json:"location"`
	Latitude           *float64 `json:"-"` // nil: withheld
	Longitude          *float64 `json:"-"`
	GeoPrecision       int      `json:"geo_precision"`           // 1: ≤ 2 km, 2: ≤ 25 km, 3: wider; 0: withheld
	UncertaintyM       *float64 `json:"uncertainty_m,omitempty"` // whole metres enclosing every report; nil: withheld
	EventType          string   `json:"event_type"`              // the category
	SubEventType       string   `json:"sub_event_type"`          // weapons reported, "; "-separated
	Actor1             string   `json:"actor1"`                  // alleged parties, "; "-separated
	Fatalities         int      `json:"fatalities"`
	CivilianFatalities int      `json:"civilian_fatalities"`
	Injured            int      `json:"injured"`
	CivilianInjured    int      `json:"civilian_injured"`
	Sources            string   `json:"sources"` // distinct sources of the reports, "; "-separated
	State              State    `json:"state"`
	ReportCount        int      `json:"report_count"`
	Start              string   `json:"start"` // RFC 3339, UTC
	End                string   `json:"end"`
	CeasefireAreas     string   `json:"ceasefire_areas"` // area IDs, "; "-separated
}

// ExportOptions supply what incidents do not hold and decide what a caller may
// see.
type ExportOptions struct {
	// Admin1 names the first-order administrative division (governorate) at a
	// point, e.g. from Natural Earth admin-1 polygons; nil leaves it empty.
	Admin1 func(lat, lon float64) string
	// Location names the place at a point; nil leaves it empty.
	Location func(lat, lon float64) string
	// Redact, when set, is called last on every record with its incident, and
	// may blank or coarsen fields for restricted roles: armed parties must not
	// learn exact protected locations (SPEC §1). See RedactLocation and
	// CoarsenLocation.
	Redact func(Incident, *Record)
}

// Columns pairs each CSV column with its HXL 1.1 hashtag. Column names follow
// ACLED and UCDP GED where they have an equivalent (event_date, admin1,
// latitude, longitude, geo_precision, event_type, sub_event_type, actor1,
// fatalities).
var Columns = []struct{ Name, HXL string }{
	{"event_id", "#event+id"},
	{"event_date", "#date+occurred"},
	{"admin1", "#adm1+name"},
	{"location", "#loc+name"},
	{"latitude", "#geo+lat"},
	{"longitude", "#geo+lon"},
	{"geo_precision", "#geo+precision"},
	{"uncertainty_m", "#geo+radius"},
	{"event_type", "#event+type"},
	{"sub_event_type", "#event+type+sub"},
	{"actor1", "#actor+alleged+name"},
	{"fatalities", "#affected+killed"},
	{"civilian_fatalities", "#affected+killed+civilians"},
	{"injured", "#affected+injured"},
	{"civilian_injured", "#affected+injured+civilians"},
	{"sources", "#meta+source"},
	{"state", "#status+verification"},
	{"report_count", "#meta+reports+num"},
	{"start", "#date+start"},
	{"end", "#date+end"},
	{"ceasefire_areas", "#loc+ceasefire+code"},
}

// NewRecord flattens an incident with its reports (looked up by ID; missing
// ones are skipped) into a record, before any redaction.
func NewRecord(inc Incident, reports map[string]Report, opt ExportOptions) Record {
	lat, lon, radius := inc.Centroid.Lat, inc.Centroid.Lon, math.Ceil(inc.RadiusM)
	rec := Record{
		EventID: string(inc.ID), EventDate: inc.Start.UTC().Format(time.DateOnly),
		Latitude: &lat, Longitude: &lon, UncertaintyM: &radius, GeoPrecision: precisionCode(radius),
		EventType: string(inc.Category), Actor1: strings.Join(inc.AllegedParties, "; "),
		Fatalities: inc.Killed, CivilianFatalities: inc.CivilianKilled, Injured: inc.Injured, CivilianInjured: inc.CivilianInjured,
		State: inc.State, ReportCount: len(inc.Reports),
		Start: inc.Start.UTC().Format(time.RFC3339), End: inc.End.UTC().Format(time.RFC3339),
		CeasefireAreas: strings.Join(inc.Areas, "; "),
	}
	rec.SubEventType, rec.Sources = memberText(inc, reports)
	if opt.Admin1 != nil {
		rec.Admin1 = opt.Admin1(lat, lon)
	}
	if opt.Location != nil {
		rec.Location = opt.Location(lat, lon)
	}
	if opt.Redact != nil {
		opt.Redact(inc, &rec)
	}
	return rec
}

// precisionCode maps a radius to ACLED's geo_precision scale: 1 the place
// itself, 2 near it (within about 25 km), 3 a larger region.
func precisionCode(radiusM float64) int {
	switch {
	case radiusM <= 2_000:
		return 1
	case radiusM <= 25_000:
		return 2
	default:
		return 3
	}
}

// memberText returns the distinct weapons and sources of the members, in
// member order, each list "; "-joined.
func memberText(inc Incident, reports map[string]Report) (weapons, sources string) {
	var ws, ss []string
	seen := map[string]bool{}
	for _, id := range inc.Reports {
		r, ok := reports[id]
		if !ok {
			continue
		}
		if w := strings.TrimSpace(r.Weapon); w != "" && !seen["w"+normalizeSource(w)] {
			seen["w"+normalizeSource(w)] = true
			ws = append(ws, w)
		}
		for _, s := range r.Sources {
			if k := "s" + normalizeSource(s); !seen[k] {
				seen[k] = true
				ss = append(ss, strings.TrimSpace(s))
			}
		}
	}
	return strings.Join(ws, "; "), strings.Join(ss, "; ")
}

// RedactLocation withholds the point, its precision and uncertainty and the
// place name, keeping the governorate: for roles that may not see where an
// incident at a protected site happened.
func RedactLocation(_ Incident, r *Record) {
	r.Latitude, r.Longitude, r.UncertaintyM = nil, nil, nil
	r.GeoPrecision, r.Location = 0, ""
}

// CoarsenLocation returns a Redact hook that rounds the point to a grid of
// step degrees (0.1° ≈ 11 km) and withholds the uncertainty and place name;
// precision becomes 3.
func CoarsenLocation(step float64) func(Incident, *Record) {
	return func(_ Incident, r *Record) {
		if r.Latitude == nil || r.Longitude == nil {
			return
		}
		lat, lon := math.Round(*r.Latitude/step)*step, math.Round(*r.Longitude/step)*step
		r.Latitude, r.Longitude, r.UncertaintyM = &lat, &lon, nil
		r.GeoPrecision, r.Location = 3, ""
	}
}

// IncidentsCSV writes incidents as CSV (RFC 4180): a header row of column
// names, an HXL hashtag row, then one row per incident in the order given.
// Latitude and longitude have six decimals (about 0.1 m); withheld fields are
// empty.
func IncidentsCSV(incidents []Incident, reports map[string]Report, w io.Writer, opt ExportOptions) error {
	cw := csv.NewWriter(w)
	names, tags := make([]string, len(Columns)), make([]string, len(Columns))
	for i, c := range Columns {
		names[i], tags[i] = c.Name, c.HXL
	}
	rows := [][]string{names, tags}
	for _, inc := range incidents {
		rec := NewRecord(inc, reports, opt)
		rows = append(rows, rec.row())
	}
	return cw.WriteAll(rows)
}

// row returns the record's fields in the order of Columns.
func (r *Record) row() []string {
	itoa := strconv.Itoa
	return []string{r.EventID, r.EventDate, r.Admin1, r.Location, coord(r.Latitude), coord(r.Longitude),
		precision(r.GeoPrecision), metres(r.UncertaintyM), r.EventType, r.SubEventType, r.Actor1,
		itoa(r.Fatalities), itoa(r.CivilianFatalities), itoa(r.Injured), itoa(r.CivilianInjured),
		r.Sources, string(r.State), itoa(r.ReportCount), r.Start, r.End, r.CeasefireAreas}
}

func coord(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', 6, 64)
}

func metres(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', 0, 64)
}

func precision(p int) string {
	if p == 0 {
		return ""
	}
	return strconv.Itoa(p)
}

// IncidentsGeoJSON writes incidents as an RFC 7946 FeatureCollection: one
// Feature per incident with a Point geometry ([lon, lat]; null when the
// location is withheld), the incident ID as the feature id, and the record's
// fields but latitude and longitude as properties.
func IncidentsGeoJSON(incidents []Incident, reports map[string]Report, w io.Writer, opt ExportOptions) error {
	fc := featureCollection{Type: "FeatureCollection", Features: make([]feature, 0, len(incidents))}
	for _, inc := range incidents {
		rec := NewRecord(inc, reports, opt)
		f := feature{Type: "Feature", ID: rec.EventID, Properties: rec}
		if rec.Latitude != nil && rec.Longitude != nil {
			f.Geometry = &point{Type: "Point", Coordinates: [2]float64{round6(*rec.Longitude), round6(*rec.Latitude)}}
		}
		fc.Features = append(fc.Features, f)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(fc)
}

type featureCollection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

type feature struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	Geometry   *point `json:"geometry"` // null when withheld (RFC 7946 §3.2)
	Properties Record `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// round6 rounds to six decimals, as RFC 7946 §11.2 suggests is ample.
func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }
