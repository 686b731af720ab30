package airspace

import (
	"math"
	"time"

	"concord"
)

// Track is one position report of an aircraft (SPEC §2 "track report"). ID
// identifies the aircraft within the reporting party (for an ADS-B feed, the
// ICAO 24-bit address in hex); Party is set by the server from the caller.
type Track struct {
	ID       string    `json:"track_id"`
	Party    string    `json:"party,omitempty"`
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
	AltFt    float64   `json:"alt_ft"`    // above mean sea level
	GsKt     float64   `json:"gs_kt"`     // ground speed
	TrackDeg float64   `json:"track_deg"` // true track over the ground, clockwise from north
	VsFpm    float64   `json:"vs_fpm"`    // vertical speed, positive climbing
	Time     time.Time `json:"time"`      // when the position was valid
}

// Bounds on track reports. They are loose physical limits, not aircraft
// performance: an out-of-range report is a broken feed.
const (
	MinAltFt  = -2000
	MaxAltFt  = 100000
	MaxGsKt   = 2000
	MaxVsFpm  = 30000
	MaxIDLen  = 64
	maxTrackT = 360
)

// Validate checks a report: every number finite and in range (latitude
// ±90°, longitude ±180°, altitude −2,000..100,000 ft, ground speed
// 0..2,000 kt, track 0..<360° with 360 accepted and normalised to 0, vertical
// speed ±30,000 ft/min), a non-empty ID and a non-zero time. The error names
// the field by its JSON name.
func (t *Track) Validate() error {
	if t.ID == "" || len(t.ID) > MaxIDLen {
		return concord.Invalid("track_id", "must be 1..%d bytes", MaxIDLen)
	}
	if err := checkLatLon(t.Lat, t.Lon); err != nil {
		return err
	}
	if err := checkRange("alt_ft", t.AltFt, MinAltFt, MaxAltFt); err != nil {
		return err
	}
	if err := checkRange("gs_kt", t.GsKt, 0, MaxGsKt); err != nil {
		return err
	}
	if err := checkRange("track_deg", t.TrackDeg, 0, maxTrackT); err != nil {
		return err
	}
	if t.TrackDeg == maxTrackT {
		t.TrackDeg = 0
	}
	if err := checkRange("vs_fpm", t.VsFpm, -MaxVsFpm, MaxVsFpm); err != nil {
		return err
	}
	if t.Time.IsZero() {
		return concord.Invalid("time", "is required")
	}
	return nil
}

// valid is Validate without the error value, for hot paths.
func (t *Track) valid() bool {
	return t.ID != "" && len(t.ID) <= MaxIDLen && inRange(t.Lat, -90, 90) &&
		inRange(t.Lon, -180, 180) && inRange(t.AltFt, MinAltFt, MaxAltFt) &&
		inRange(t.GsKt, 0, MaxGsKt) && inRange(t.TrackDeg, 0, maxTrackT) &&
		inRange(t.VsFpm, -MaxVsFpm, MaxVsFpm) && !t.Time.IsZero()
}

func inRange(x, lo, hi float64) bool { return x >= lo && x <= hi } // false for NaN

func checkRange(field string, x, lo, hi float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return concord.Invalid(field, "must be a finite number")
	}
	if !inRange(x, lo, hi) {
		return concord.Invalid(field, "%g is outside %g..%g", x, lo, hi)
	}
	return nil
}

func checkLatLon(lat, lon float64) error {
	if err := checkRange("lat", lat, -90, 90); err != nil {
		return err
	}
	return checkRange("lon", lon, -180, 180)
}

// Minima are the separation minima and the look-ahead. A zero field takes
// its default (DefaultMinima).
type Minima struct {
	HorizontalNM float64 `json:"horizontal_nm"`
	VerticalFt   float64 `json:"vertical_ft"`
	LookaheadS   float64 `json:"lookahead_s"`
}

// DefaultMinima returns the ICAO en-route radar minima, 5 NM and 1,000 ft
// (ICAO Doc 4444), with a 300 s look-ahead (SPEC §2).
func DefaultMinima() Minima { return Minima{HorizontalNM: 5, VerticalFt: 1000, LookaheadS: 300} }

// WithDefaults returns m with every zero field replaced by its default.
func (m Minima) WithDefaults() Minima {
	d := DefaultMinima()
	if m.HorizontalNM == 0 {
		m.HorizontalNM = d.HorizontalNM
	}
	if m.VerticalFt == 0 {
		m.VerticalFt = d.VerticalFt
	}
	if m.LookaheadS == 0 {
		m.LookaheadS = d.LookaheadS
	}
	return m
}

// Validate checks that every field is finite and positive (zero means
// default), the horizontal minimum at most 100 NM, the vertical at most
// 10,000 ft and the look-ahead at most one hour.
func (m Minima) Validate() error {
	if err := checkRange("horizontal_nm", m.HorizontalNM, 0, 100); err != nil {
		return err
	}
	if err := checkRange("vertical_ft", m.VerticalFt, 0, 10000); err != nil {
		return err
	}
	return checkRange("lookahead_s", m.LookaheadS, 0, 3600)
}

// limits are Minima in the package's working units.
type limits struct {
	h, v, t   float64 // metres, feet, seconds
	maxLag    int64   // nanoseconds; reports further apart are not compared
	sameParty bool
}

func newLimits(m Minima, maxLag time.Duration, sameParty bool) limits {
	m = m.WithDefaults()
	return limits{h: m.HorizontalNM * MetresPerNM, v: m.VerticalFt, t: m.LookaheadS,
		maxLag: int64(maxLag), sameParty: sameParty}
}
