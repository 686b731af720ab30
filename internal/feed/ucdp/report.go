package ucdp

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"concord/internal/ceasefire"
)

// Author is the reporter of imported events: the dataset. The server may
// replace it with the importing party.
const Author = "ucdp-ged"

// Dataset is the prefix of the external IDs of imported events: "ucdp:ID".
const Dataset = "ucdp"

// ObservedHour is the hour (UTC) given to an event's start date. GED dates are
// days; noon UTC keeps the calendar date for every zone from UTC−11 to UTC+11
// (Syria is UTC+2 or +3), and since every event of a day gets the same
// instant, events of one day fall in one clustering window and never in the
// next day's.
const ObservedHour = 12

// PrecisionRadiusM returns the radius in metres within which an event of the
// given where_prec lies, after the UCDP GED Codebook 19.1 (where_prec):
//
//	1  exact location                                  1 km
//	2  within about 25 km of a known point            25 km
//	3  second-order administrative division (district) 50 km
//	4  first-order administrative division (province) 100 km
//	5  a linear feature or a region larger than a province, smaller than the country 150 km
//	6  only the country                              300 km
//	7  international waters or airspace             300 km
//
// The radii for 3 to 7 are this package's estimates of a typical division's
// size in Syria, not codebook figures. Unknown codes give 300 km.
func PrecisionRadiusM(wherePrec int) float64 {
	switch wherePrec {
	case 1:
		return 1_000
	case 2:
		return 25_000
	case 3:
		return 50_000
	case 4:
		return 100_000
	case 5:
		return 150_000
	default:
		return 300_000
	}
}

// ToReport maps an event to a violation report, deterministically, so that a
// re-import finds the same external ID and changes nothing:
//
//   - id "ucdp-ID", external_id "ucdp:ID", author Author, confidence assessed;
//   - observed_at: date_start at ObservedHour UTC; flag date-imprecise when
//     date_prec > 1 or the event spans several days;
//   - location: latitude, longitude; uncertainty_m: PrecisionRadiusM(where_prec),
//     capped at ceasefire.MaxUncertaintyM with flag location-imprecise;
//   - category: Category;
//   - alleged_party: AllegedParty with sides (GED side name → party ID);
//   - casualties: killed = best, civilian_killed = deaths_civilians (injuries
//     are not in GED), each capped at ceasefire.MaxCasualties;
//   - sources: one per source_article item ("office,date,headline"), else
//     source_office items, else source_original; whitespace collapsed;
//   - narrative: the conflict, dyad, sides, place and death estimates.
func ToReport(e Event, sides map[string]string) ceasefire.Report {
	id := strconv.FormatInt(e.ID, 10)
	killed := min(max(e.Best, e.DeathsCivilians), ceasefire.MaxCasualties)
	r := ceasefire.Report{
		ID:           "ucdp-" + id,
		Author:       Author,
		ObservedAt:   e.DateStart.UTC().Add(ObservedHour * time.Hour),
		Location:     &ceasefire.Point{Lat: e.Latitude, Lon: e.Longitude},
		UncertaintyM: min(PrecisionRadiusM(e.WherePrec), ceasefire.MaxUncertaintyM),
		Category:     Category(e),
		AllegedParty: AllegedParty(e, sides),
		Casualties:   ceasefire.Casualties{Killed: killed, CivilianKilled: min(e.DeathsCivilians, killed)},
		Narrative:    narrative(e),
		Sources:      Sources(e),
		Confidence:   ceasefire.Assessed,
		ExternalID:   Dataset + ":" + id,
	}
	if PrecisionRadiusM(e.WherePrec) > ceasefire.MaxUncertaintyM {
		r.Flags = append(r.Flags, ceasefire.FlagLocationImprecise)
	}
	if e.DatePrec > 1 || !e.DateEnd.Equal(e.DateStart) {
		r.Flags = append(r.Flags, ceasefire.FlagDateImprecise)
	}
	return r
}

// keywords map words in an event's headlines to a category, tried in this
// order; the first category with a match wins. GED codes no weapon, so this
// is a guess from the source text, kept simple: aircraft first (SOHR's
// "bombardment" alone means artillery), then artillery, small arms and
// ground fighting.
var keywords = []struct {
	category ceasefire.Category
	words    []string
}{
	{ceasefire.Airstrike, []string{"air strike", "airstrike", "air raid", "airraid", "warplane", "war plane", "helicopter", "barrel bomb", "aircraft", "drone", "aerial"}},
	{ceasefire.Shelling, []string{"shell", "artillery", "mortar", "rocket", "missile", "bombard"}},
	{ceasefire.SmallArms, []string{"sniper", "gunfire", "gunmen", "shot dead", "shooting"}},
	{ceasefire.GroundAssault, []string{"clash", "assault", "offensive", "storm"}},
}

// Category guesses the report category from the event's headlines (or its
// articles when there are none), case-insensitively, by keywords; other when
// none match.
func Category(e Event) ceasefire.Category {
	text := e.SourceHeadline
	if strings.TrimSpace(text) == "" {
		text = e.SourceArticle
	}
	text = strings.ToLower(text)
	for _, k := range keywords {
		for _, w := range k.words {
			if strings.Contains(text, w) {
				return k.category
			}
		}
	}
	return ceasefire.Other
}

// AllegedParty returns the party ID that sides maps side_a to, else side_b
// (unless it is "Civilians"), trying each side's whole name and then each of
// its comma-separated members. GED does not say who fired: side_a is tried
// first as the state (state-based violence) or the perpetrator (one-sided).
// "" when nothing maps.
func AllegedParty(e Event, sides map[string]string) string {
	for _, side := range []string{e.SideA, e.SideB} {
		if side == "Civilians" {
			continue
		}
		if p, ok := sides[side]; ok {
			return p
		}
		for _, member := range strings.Split(side, ",") {
			if p, ok := sides[strings.TrimSpace(member)]; ok {
				return p
			}
		}
	}
	return ""
}

// Sources returns the event's sources: the items of source_article, else of
// source_office, else source_original, each cleaned of control characters and
// runs of spaces, cut to ceasefire.MaxSourceLen characters, without
// duplicates, at most ceasefire.MaxSources.
func Sources(e Event) []string {
	for _, items := range [][]string{articleItems(e.SourceArticle), strings.Split(e.SourceOffice, ";"), {e.SourceOriginal}} {
		if out := cleanItems(items); len(out) > 0 {
			return out
		}
	}
	return nil
}

// articleItems splits source_article, `"a,b,c";"d,e,f"`, into its items.
func articleItems(s string) []string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	return strings.Split(s, `";"`)
}

func cleanItems(items []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		it = truncate(clean(it), ceasefire.MaxSourceLen)
		if it == "" || seen[it] || len(out) == ceasefire.MaxSources {
			continue
		}
		seen[it] = true
		out = append(out, it)
	}
	return out
}

// clean makes s valid single-line UTF-8: control characters and invalid bytes
// become spaces, runs of spaces one space, and ends are trimmed.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

var violence = map[int]string{1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}

func narrative(e Event) string {
	place := clean(strings.Join(nonEmpty(e.WhereCoordinates, e.Adm2, e.Adm1, e.Country), "; "))
	s := fmt.Sprintf("UCDP GED event %d, %s: %s. Side A: %s. Side B: %s. Place: %s (where_prec %d). "+
		"Dates: %s to %s (date_prec %d). Deaths, best estimate %d (low %d, high %d): side A %d, side B %d, civilians %d, unknown %d.",
		e.ID, violence[e.TypeOfViolence], clean(e.DyadName), clean(e.SideA), clean(e.SideB), place, e.WherePrec,
		e.DateStart.Format(time.DateOnly), e.DateEnd.Format(time.DateOnly), e.DatePrec,
		e.Best, e.Low, e.High, e.DeathsA, e.DeathsB, e.DeathsCivilians, e.DeathsUnknown)
	return truncate(s, ceasefire.MaxNarrative)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
