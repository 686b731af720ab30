package ceasefire

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"concord"
	"concord/internal/geo"
)

// Bounds on a report (SPEC §7: everything bounded).
const (
	MaxUncertaintyM = 100_000 // metres; a report vaguer than 100 km locates nothing useful
	MaxCount        = 100_000 // impacts, rounds or strikes in one report
	MaxCasualties   = 100_000 // each casualty figure
	MaxNarrative    = 10_000  // characters
	MaxSources      = 50
	MaxSourceLen    = 1_000 // characters per source
	MaxEvidence     = 20
	MaxEvidenceSize = 1 << 30 // bytes per item
	MaxFlags        = 16
	MaxFlagLen      = 64
	MaxIDLen        = 128
	MaxWeaponLen    = 200
	MaxAreaVertices = 1_000
	MaxFutureSkew   = 10 * time.Minute // clock skew tolerated on observed_at
)

// Earliest is the earliest observed_at a report may have: the first day the
// UCDP Georeferenced Event Dataset covers, so that all of it can be imported.
var Earliest = time.Date(1989, 1, 1, 0, 0, 0, 0, time.UTC)

// MediaTypes lists the evidence media types accepted.
var MediaTypes = []string{"image/jpeg", "image/png", "video/mp4", "audio/mpeg", "application/pdf", "text/plain"}

// Validate checks every field and returns the first problem as an EINVALID
// error naming the field in JSON form ("evidence[2].sha256"). now bounds
// observed_at: at most MaxFutureSkew ahead of now and not before Earliest.
// ID, Author and Version may be zero (not yet assigned by the server); when
// set they must be well-formed.
func (r *Report) Validate(now time.Time) error {
	return firstError(
		r.validateIdentity(),
		r.validateTime(now),
		r.validatePlace(),
		r.validateWhat(),
		r.validateCasualties(),
		r.validateText(),
		r.validateEvidence(),
		r.validateMeta(),
	)
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *Report) validateIdentity() error {
	switch {
	case r.ID != "" && !validID(r.ID):
		return invalidID("id")
	case r.Author != "" && !validID(r.Author):
		return invalidID("author")
	case r.Version < 0:
		return concord.Invalid("version", "must not be negative")
	case r.Amends < 0 || (r.Amends > 0 && r.Amends >= r.Version):
		return concord.Invalid("amends", "must name an earlier version than %d", r.Version)
	}
	return nil
}

func (r *Report) validateTime(now time.Time) error {
	switch {
	case r.ObservedAt.IsZero():
		return concord.Invalid("observed_at", "required")
	case r.ObservedAt.Before(Earliest):
		return concord.Invalid("observed_at", "before %s", Earliest.Format(time.DateOnly))
	case r.ObservedAt.After(now.Add(MaxFutureSkew)):
		return concord.Invalid("observed_at", "in the future")
	}
	return nil
}

func (r *Report) validatePlace() error {
	if !finite(r.UncertaintyM) || r.UncertaintyM < 0 || r.UncertaintyM > MaxUncertaintyM {
		return concord.Invalid("uncertainty_m", "must be between 0 and %d", MaxUncertaintyM)
	}
	switch {
	case r.Location == nil && r.Area == nil:
		return concord.Invalid("location", "a location or an area is required")
	case r.Location != nil && r.Area != nil:
		return concord.Invalid("area", "give a location or an area, not both")
	case r.Location != nil:
		return concord.Prefix("location", checkPoint(*r.Location))
	}
	if err := concord.Prefix("area", checkPolygon(r.Area)); err != nil {
		return err
	}
	if _, rad := r.Disc(); rad > MaxUncertaintyM {
		return concord.Invalid("area", "area and uncertainty span %.0f m from the centre, more than %d", rad, MaxUncertaintyM)
	}
	return nil
}

func (r *Report) validateWhat() error {
	switch {
	case !r.Category.Valid():
		return concord.Invalid("category", "unknown category %q", r.Category)
	case r.Count < 0 || r.Count > MaxCount:
		return concord.Invalid("count", "must be between 0 and %d", MaxCount)
	case r.DirectionDeg != nil && !(*r.DirectionDeg >= 0 && *r.DirectionDeg < 360):
		return concord.Invalid("direction_deg", "must be in [0, 360)")
	case r.AllegedParty != "" && !validID(r.AllegedParty):
		return invalidID("alleged_party")
	case !r.Confidence.Valid():
		return concord.Invalid("confidence", "unknown confidence %q", r.Confidence)
	}
	return checkText("weapon", r.Weapon, MaxWeaponLen, false)
}

func (r *Report) validateCasualties() error {
	c := r.Casualties
	for _, f := range []struct {
		name string
		n    int
	}{{"killed", c.Killed}, {"injured", c.Injured}, {"civilian_killed", c.CivilianKilled}, {"civilian_injured", c.CivilianInjured}} {
		if f.n < 0 || f.n > MaxCasualties {
			return concord.Invalid("casualties."+f.name, "must be between 0 and %d", MaxCasualties)
		}
	}
	switch {
	case c.CivilianKilled > c.Killed:
		return concord.Invalid("casualties.civilian_killed", "more than killed (%d)", c.Killed)
	case c.CivilianInjured > c.Injured:
		return concord.Invalid("casualties.civilian_injured", "more than injured (%d)", c.Injured)
	}
	return nil
}

func (r *Report) validateText() error {
	if err := checkText("narrative", r.Narrative, MaxNarrative, true); err != nil {
		return err
	}
	if len(r.Sources) > MaxSources {
		return concord.Invalid("sources", "at most %d sources", MaxSources)
	}
	for i, s := range r.Sources {
		field := fmt.Sprintf("sources[%d]", i)
		if strings.TrimSpace(s) == "" {
			return concord.Invalid(field, "empty")
		}
		if err := checkText(field, s, MaxSourceLen, false); err != nil {
			return err
		}
	}
	return nil
}

func (r *Report) validateEvidence() error {
	if len(r.Evidence) > MaxEvidence {
		return concord.Invalid("evidence", "at most %d items", MaxEvidence)
	}
	for i, e := range r.Evidence {
		if err := concord.Prefix(fmt.Sprintf("evidence[%d]", i), checkEvidence(e)); err != nil {
			return err
		}
	}
	return nil
}

func checkEvidence(e Evidence) error {
	switch {
	case !isSHA256Hex(e.SHA256):
		return concord.Invalid("sha256", "want 64 lowercase hex digits")
	case !slices.Contains(MediaTypes, e.MediaType):
		return concord.Invalid("media_type", "%q is not one of %s", e.MediaType, strings.Join(MediaTypes, ", "))
	case e.Size <= 0 || e.Size > MaxEvidenceSize:
		return concord.Invalid("size", "must be between 1 and %d bytes", MaxEvidenceSize)
	}
	return nil
}

func (r *Report) validateMeta() error {
	if len(r.Flags) > MaxFlags {
		return concord.Invalid("flags", "at most %d flags", MaxFlags)
	}
	for i, f := range r.Flags {
		field := fmt.Sprintf("flags[%d]", i)
		if !validFlag(f) {
			return concord.Invalid(field, "want 1 to %d of a-z, 0-9, '-' and ':'", MaxFlagLen)
		}
		if slices.Contains(r.Flags[:i], f) {
			return concord.Invalid(field, "duplicate flag %q", f)
		}
	}
	if r.ExternalID != "" && !validExternalID(r.ExternalID) {
		return concord.Invalid("external_id", `want "dataset:id", e.g. "ucdp:214797"`)
	}
	return nil
}

func checkPoint(p Point) error {
	switch {
	case !finite(p.Lat) || p.Lat < -90 || p.Lat > 90:
		return concord.Invalid("lat", "must be between -90 and 90")
	case !finite(p.Lon) || p.Lon < -180 || p.Lon > 180:
		return concord.Invalid("lon", "must be between -180 and 180")
	}
	return nil
}

// checkPolygon checks a report's area: a GeoJSON Polygon whose rings are
// closed, have at least four positions, stay within 180° of longitude (no
// antimeridian crossing) and enclose a non-zero area. Self-intersection is not
// checked here; zones do that for ceasefire areas.
func checkPolygon(p *Polygon) error {
	if p.Type != "Polygon" {
		return concord.Invalid("type", `want "Polygon"`)
	}
	if len(p.Coordinates) == 0 {
		return concord.Invalid("coordinates", "no rings")
	}
	n := 0
	for i, ring := range p.Coordinates {
		n += len(ring)
		if n > MaxAreaVertices {
			return concord.Invalid("coordinates", "more than %d positions", MaxAreaVertices)
		}
		if err := concord.Prefix(fmt.Sprintf("coordinates[%d]", i), checkRing(ring)); err != nil {
			return err
		}
	}
	return nil
}

func checkRing(ring []geo.Position) error {
	if len(ring) < 4 {
		return concord.Invalid("", "a ring needs at least 4 positions")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, p := range ring {
		if err := checkPoint(Point{Lat: p.Lat(), Lon: p.Lon()}); err != nil {
			return concord.Invalid(fmt.Sprintf("[%d]", i), "%s", concord.ErrorMessage(err))
		}
		lo, hi = min(lo, p.Lon()), max(hi, p.Lon())
	}
	switch {
	case ring[0] != ring[len(ring)-1]:
		return concord.Invalid("", "ring not closed")
	case hi-lo > 180:
		return concord.Invalid("", "ring crosses the antimeridian; split it or report a point")
	case planarArea(ring) == 0:
		return concord.Invalid("", "ring encloses no area")
	}
	return nil
}

func planarArea(ring []geo.Position) float64 {
	a := 0.0
	for i := 0; i+1 < len(ring); i++ {
		a += ring[i][0]*ring[i+1][1] - ring[i+1][0]*ring[i][1]
	}
	return a / 2
}

// checkText checks that s is valid UTF-8 of at most max characters without
// control characters (multiline text may hold newlines and tabs).
func checkText(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return concord.Invalid(field, "not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return concord.Invalid(field, "%d characters, at most %d", n, max)
	}
	for _, c := range s {
		if unicode.IsControl(c) && !(multiline && (c == '\n' || c == '\t' || c == '\r')) {
			return concord.Invalid(field, "control character %U", c)
		}
	}
	return nil
}

func invalidID(field string) error {
	return concord.Invalid(field, "want 1 to %d of A-Z, a-z, 0-9, '.', '_', ':' and '-'", MaxIDLen)
}

// validID reports whether s is a well-formed object or party ID.
func validID(s string) bool {
	if s == "" || len(s) > MaxIDLen {
		return false
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && c != '.' && c != '_' && c != ':' && c != '-' {
			return false
		}
	}
	return true
}

func validFlag(s string) bool {
	if s == "" || len(s) > MaxFlagLen {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == ':') {
			return false
		}
	}
	return true
}

// validExternalID reports whether s is "dataset:id" with a lowercase dataset name.
func validExternalID(s string) bool {
	dataset, id, ok := strings.Cut(s, ":")
	return ok && dataset != "" && validFlag(dataset) && !strings.Contains(dataset, ":") && validID(id)
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
