package ceasefire

import (
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// IncidentID names an incident: "inc-" followed by the ID of its earliest
// report (least observed_at, then least ID). It is a function of the members
// only, so the same reports give the same incident IDs in any order. It changes
// only when an earlier report joins, when incidents merge (the earliest anchor
// survives) or when the earliest report is split out; Clusterer.Add reports
// such changes.
type IncidentID string

// IncidentPrefix starts every IncidentID.
const IncidentPrefix = "inc-"

func incidentID(reportID string) IncidentID { return IncidentID(IncidentPrefix + reportID) }

// Incident is a cluster of reports of one event (SPEC §2).
//
// Casualties are deduplicated, not summed: each reporter's account is an
// estimate of the whole event, so each figure is the largest estimate. The rows
// of one imported dataset (reports whose external_id shares the "dataset:"
// prefix) are already distinct events, so they form one estimate together, the
// sum of their rows.
type Incident struct {
	ID             IncidentID `json:"id"`
	Category       Category   `json:"category"`
	Reports        []string   `json:"reports"` // member report IDs, earliest first
	Start          time.Time  `json:"start"`   // earliest observed_at, UTC
	End            time.Time  `json:"end"`     // latest observed_at, UTC
	Centroid       Point      `json:"centroid"`
	RadiusM        float64    `json:"radius_m"` // encloses every member's disc
	State          State      `json:"state"`
	Casualties                // killed, injured, civilian_killed, civilian_injured
	AllegedParties []string   `json:"alleged_parties,omitempty"` // sorted
	Areas          []string   `json:"areas,omitempty"`           // IDs of Params.Areas holding the centroid
	Authors        int        `json:"authors"`                   // distinct reporters
	Sources        int        `json:"sources"`                   // distinct sources, case and spacing ignored
}

// incidents builds one incident per group of site indexes.
func incidents(reports []*Report, sites []site, groups [][]int32, p Params) []Incident {
	out := make([]Incident, len(groups))
	for k, g := range groups {
		members := make([]*Report, len(g))
		ss := make([]*site, len(g))
		for i, j := range g {
			members[i], ss[i] = reports[j], &sites[j]
		}
		out[k] = buildIncident(members, ss, p.Areas)
	}
	return out
}

// buildIncident summarises members, which are sorted earliest first; sites are
// theirs, in the same order.
func buildIncident(members []*Report, sites []*site, areas []Area) Incident {
	inc := Incident{
		ID:       incidentID(members[0].ID),
		Category: members[0].Category,
		Start:    members[0].ObservedAt.UTC(),
		End:      members[0].ObservedAt.UTC(),
	}
	for _, r := range members {
		inc.Reports = append(inc.Reports, r.ID)
		inc.End = later(inc.End, r.ObservedAt.UTC())
	}
	inc.Centroid, inc.RadiusM = enclose(sites)
	inc.Casualties = toll(members)
	inc.AllegedParties = alleged(members)
	inc.Authors, inc.Sources = independence(members)
	inc.State = autoState(inc.Authors, inc.Sources)
	inc.Areas = areasAt(inc.Centroid, areas)
	return inc
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// enclose returns the normalised mean of the members' centres on the sphere
// and the smallest radius around it that holds every member's disc.
func enclose(sites []*site) (Point, float64) {
	if len(sites) == 1 {
		return sites[0].at, sites[0].r
	}
	var sum [3]float64
	for _, s := range sites {
		for a := range 3 {
			sum[a] += s.v[a]
		}
	}
	c := sites[0].at
	if n := math.Hypot(math.Hypot(sum[0], sum[1]), sum[2]); n > 1e-12 {
		c = Point{Lat: math.Asin(max(-1, min(1, sum[2]/n))) / degree, Lon: math.Atan2(sum[1], sum[0]) / degree}
	}
	r := 0.0
	for _, s := range sites {
		r = max(r, DistanceM(c, s.at)+s.r)
	}
	return c, r
}

// toll returns the largest estimate of each casualty figure (see Incident).
func toll(members []*Report) Casualties {
	estimates := map[string]Casualties{}
	for _, r := range members {
		key := "report:" + r.ID
		if dataset, _, ok := strings.Cut(r.ExternalID, ":"); ok {
			key = "dataset:" + dataset
		}
		estimates[key] = addCasualties(estimates[key], r.Casualties)
	}
	var c Casualties
	for _, e := range estimates {
		c = Casualties{max(c.Killed, e.Killed), max(c.Injured, e.Injured),
			max(c.CivilianKilled, e.CivilianKilled), max(c.CivilianInjured, e.CivilianInjured)}
	}
	return c
}

func addCasualties(a, b Casualties) Casualties {
	return Casualties{a.Killed + b.Killed, a.Injured + b.Injured, a.CivilianKilled + b.CivilianKilled, a.CivilianInjured + b.CivilianInjured}
}

func alleged(members []*Report) []string {
	var out []string
	for _, r := range members {
		if r.AllegedParty != "" && !slices.Contains(out, r.AllegedParty) {
			out = append(out, r.AllegedParty)
		}
	}
	slices.Sort(out)
	return out
}

// independence counts the distinct authors and the distinct sources of the
// members. Sources compare without regard to case or runs of spaces.
func independence(members []*Report) (authors, sources int) {
	as, ss := map[string]bool{}, map[string]bool{}
	var buf []byte
	for _, r := range members {
		if r.Author != "" {
			as[r.Author] = true
		}
		for _, s := range r.Sources {
			buf = appendNormalized(buf[:0], s)
			if !ss[string(buf)] {
				ss[string(buf)] = true
			}
		}
	}
	return len(as), len(ss)
}

func normalizeSource(s string) string { return string(appendNormalized(nil, s)) }

// appendNormalized appends s in lower case with its spaces trimmed and runs
// of spaces made one. ASCII, the common case, takes a fast path.
func appendNormalized(b []byte, s string) []byte {
	space := false
	for i := 0; i < len(s); {
		c, size := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if isSpace(c) {
			space = len(b) > 0
			continue
		}
		if space {
			b, space = append(b, ' '), false
		}
		b = appendLower(b, c)
	}
	return b
}

func isSpace(c rune) bool {
	if c < utf8.RuneSelf {
		return c == ' ' || '\t' <= c && c <= '\r'
	}
	return unicode.IsSpace(c)
}

func appendLower(b []byte, c rune) []byte {
	if c < utf8.RuneSelf {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return append(b, byte(c))
	}
	return utf8.AppendRune(b, unicode.ToLower(c))
}

// autoState is the state the system gives an incident on its own: corroborated
// once two or more independent reporters or sources back it.
func autoState(authors, sources int) State {
	if authors >= 2 || sources >= 2 {
		return Corroborated
	}
	return Reported
}
