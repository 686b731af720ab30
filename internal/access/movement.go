package access

import (
	"fmt"
	"math"
	"regexp"
	"time"
	"unicode/utf8"

	"concord"
	"concord/internal/geo"
)

// Bounds on a movement (SPEC §7: everything bounded).
const (
	MaxRouteVertices = 5_000
	MinWidthM        = 10     // corridor width, metres (a convoy needs a road)
	MaxWidthM        = 20_000 // corridor width, metres
	MaxWindow        = 31 * 24 * time.Hour
	MaxHorizon       = 20 * 365 * 24 * time.Hour // start within this of now
	MaxVehicles      = 1_000
	MaxCargoLines    = 100
	MaxItemLen       = 200 // characters
	MaxUnitLen       = 32  // characters
	MaxQuantity      = 1e9
	MaxBeneficiaries = 10_000_000
	MaxNameLen       = 200   // characters
	MaxNoteLen       = 2_000 // characters, of a status note, a condition or a reason
	MaxIDLen         = 128
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,128}$`)

// CargoLine is one line of a convoy's cargo: a quantity of an item in a unit
// ("wheat flour", 40, "t"). Units are free text, compared exactly.
type CargoLine struct {
	Item     string  `json:"item"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
}

// Convoy is what a movement carries and for whom.
type Convoy struct {
	Vehicles      int         `json:"vehicles"`
	Cargo         []CargoLine `json:"cargo"`
	Beneficiaries int         `json:"beneficiaries"` // people the cargo is meant to reach
}

// Input is what an aid organisation submits for a movement. The server sets
// the ID, owner, required consents, state and timestamps.
type Input struct {
	Name        string       `json:"name,omitempty"`
	Route       geo.Geometry `json:"route"`
	WidthM      float64      `json:"width_m"`
	Start       time.Time    `json:"start"`
	End         time.Time    `json:"end"`
	Convoy      Convoy       `json:"convoy"`
	Destination string       `json:"destination"` // ID of a besieged-area zone
}

// Validate normalizes (times to UTC milliseconds) and checks every field,
// returning the first problem as a *concord.Error naming the field in JSON
// form ("convoy.cargo[2].quantity", "route.coordinates[3][1]"); EINVALID,
// or ETOOLARGE for a count over a bound. It never panics. now bounds start
// (within MaxHorizon of now; zero now skips the check).
//
// Rules: the route is a valid LineString of at most MaxRouteVertices
// positions; width_m is finite in [MinWidthM, MaxWidthM]; start and end are
// set, end after start, the window at most MaxWindow; 1..MaxVehicles
// vehicles; 1..MaxCargoLines cargo lines, each with an item and a unit
// (printable text, at most MaxItemLen and MaxUnitLen characters, no two lines
// with the same item and unit) and a finite quantity in (0, MaxQuantity];
// 0..MaxBeneficiaries beneficiaries; a destination zone ID; a name of at
// most MaxNameLen characters.
func (in *Input) Validate(now time.Time) error {
	return firstError(
		checkText("name", in.Name, 0, MaxNameLen),
		in.checkRoute(),
		in.checkWindow(now),
		concord.Prefix("convoy", in.Convoy.validate()),
		checkID("destination", in.Destination),
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

func (in *Input) checkRoute() error {
	switch {
	case in.Route.Type == "":
		return concord.Invalid("route", "required: a GeoJSON LineString")
	case in.Route.Type != geo.TypeLineString:
		return concord.Invalid("route.type", "a route is a LineString, not a %s", in.Route.Type)
	case len(in.Route.Line) > MaxRouteVertices:
		return &concord.Error{Code: concord.ETOOLARGE, Field: "route.coordinates",
			Message: fmt.Sprintf("%d positions; at most %d are allowed", len(in.Route.Line), MaxRouteVertices)}
	}
	if err := in.Route.Validate(); err != nil {
		return concord.Prefix("route", err)
	}
	if !finite(in.WidthM) || in.WidthM < MinWidthM || in.WidthM > MaxWidthM {
		return concord.Invalid("width_m", "must be a finite number of metres between %d and %d", MinWidthM, MaxWidthM)
	}
	return nil
}

func (in *Input) checkWindow(now time.Time) error {
	switch {
	case in.Start.IsZero():
		return concord.Invalid("start", "required (RFC 3339 time)")
	case in.End.IsZero():
		return concord.Invalid("end", "required (RFC 3339 time): a movement has an end")
	}
	in.Start, in.End = normTime(in.Start), normTime(in.End)
	switch {
	case !now.IsZero() && (in.Start.Before(now.Add(-MaxHorizon)) || in.Start.After(now.Add(MaxHorizon))):
		return concord.Invalid("start", "more than 20 years from now")
	case !in.End.After(in.Start):
		return concord.Invalid("end", "must be after start")
	case in.End.Sub(in.Start) > MaxWindow:
		return concord.Invalid("end", "the window lasts more than %d days", int(MaxWindow.Hours()/24))
	}
	return nil
}

func (c Convoy) validate() error {
	switch {
	case c.Vehicles < 1 || c.Vehicles > MaxVehicles:
		return concord.Invalid("vehicles", "must be between 1 and %d", MaxVehicles)
	case c.Beneficiaries < 0 || c.Beneficiaries > MaxBeneficiaries:
		return concord.Invalid("beneficiaries", "must be between 0 and %d", MaxBeneficiaries)
	case len(c.Cargo) == 0:
		return concord.Invalid("cargo", "a convoy carries at least one cargo line")
	}
	return checkLines("cargo", c.Cargo)
}

// checkLines checks cargo lines: bounded, well-formed, no item and unit twice.
func checkLines(field string, lines []CargoLine) error {
	if len(lines) > MaxCargoLines {
		return &concord.Error{Code: concord.ETOOLARGE, Field: field,
			Message: fmt.Sprintf("%d lines; at most %d are allowed", len(lines), MaxCargoLines)}
	}
	seen := map[[2]string]bool{}
	for i, l := range lines {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := l.validate(); err != nil {
			return concord.Prefix(f, err)
		}
		if seen[l.key()] {
			return concord.Invalid(f, "%q in %q is listed twice", l.Item, l.Unit)
		}
		seen[l.key()] = true
	}
	return nil
}

func (l CargoLine) key() [2]string { return [2]string{l.Item, l.Unit} }

func (l CargoLine) validate() error {
	return firstError(
		checkText("item", l.Item, 1, MaxItemLen),
		checkText("unit", l.Unit, 1, MaxUnitLen),
		checkQuantity(l.Quantity),
	)
}

func checkQuantity(q float64) error {
	if !finite(q) || q <= 0 || q > MaxQuantity {
		return concord.Invalid("quantity", "must be a finite number greater than 0 and at most %g", float64(MaxQuantity))
	}
	return nil
}

// checkText checks that s is valid UTF-8 without control characters, with
// minLen..maxLen characters.
func checkText(field, s string, minLen, maxLen int) error {
	if !utf8.ValidString(s) {
		return concord.Invalid(field, "not valid UTF-8")
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n < minLen && minLen == 1:
		return concord.Invalid(field, "required")
	case n < minLen || n > maxLen:
		return concord.Invalid(field, "must be %d to %d characters, got %d", minLen, maxLen, n)
	}
	for _, r := range s {
		if r < ' ' && r != '\n' && r != '\t' || r == 0x7f {
			return concord.Invalid(field, "contains a control character")
		}
	}
	return nil
}

func checkID(field, id string) error {
	if !idPattern.MatchString(id) {
		return concord.Invalid(field, "must be an ID of 1 to %d of [A-Za-z0-9_.:-]", MaxIDLen)
	}
	return nil
}

func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
