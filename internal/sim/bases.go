package sim

import "time"

// Base is an airbase: public coordinates of the runway and the field's
// elevation (rounded), as published in aeronautical references.
type Base struct {
	Name   string
	At     LatLon
	ElevFt float64
}

// bases are real airbases in and near Syria. Which demo party flies from
// which base is the demonstration's choice, not a claim about any force.
var bases = map[string]Base{
	"Hmeimim":        {"Hmeimim", LatLon{35.401, 35.949}, 150},
	"Shayrat":        {"Shayrat", LatLon{34.490, 36.909}, 2630},
	"Tiyas":          {"Tiyas (T-4)", LatLon{34.522, 37.630}, 1800},
	"Tabqa":          {"Tabqa", LatLon{35.755, 38.567}, 1020},
	"Kuweires":       {"Kuweires", LatLon{36.187, 37.583}, 1200},
	"Nayrab":         {"Nayrab (Aleppo)", LatLon{36.181, 37.224}, 1280},
	"Mezzeh":         {"Mezzeh", LatLon{33.478, 36.223}, 2350},
	"Dumayr":         {"Dumayr", LatLon{33.610, 36.749}, 2060},
	"Incirlik":       {"Incirlik", LatLon{37.002, 35.426}, 240},
	"Muwaffaq Salti": {"Muwaffaq Salti", LatLon{32.356, 36.782}, 1700},
}

// area is where missions go: a centre around which patrols orbit and
// sorties fly, chosen for the demo near the 2016 fronts.
type area struct {
	Name string
	At   LatLon
}

var areas = map[string]area{
	"Aleppo":         {"Aleppo", LatLon{36.20, 37.35}},
	"Latakia north":  {"Latakia north", LatLon{35.92, 35.85}}, // west of the Idlib no-fly box
	"Hama":           {"Hama", LatLon{35.20, 36.90}},
	"Homs desert":    {"Homs desert", LatLon{34.65, 37.60}},
	"Palmyra":        {"Palmyra", LatLon{34.56, 38.28}},
	"Deir ez-Zor":    {"Deir ez-Zor", LatLon{35.33, 40.14}},
	"Raqqa":          {"Raqqa", LatLon{35.95, 39.01}},
	"Manbij":         {"Manbij", LatLon{36.53, 37.95}},
	"al-Bab":         {"al-Bab", LatLon{36.37, 37.52}},
	"Eastern Ghouta": {"Eastern Ghouta", LatLon{33.64, 36.50}}, // north of the Damascus approach no-fly zone
	"Daraa":          {"Daraa", LatLon{32.62, 36.10}},
	"al-Tanf":        {"al-Tanf", LatLon{33.50, 38.63}},
	"Abu Kamal":      {"Abu Kamal", LatLon{34.45, 40.92}},
}

// fleetSpec describes one armed party's flying: where from, where to, how
// often, and how often it files a plan ahead.
type fleetSpec struct {
	Party     string
	Callsigns []string
	Bases     []string
	Areas     []string
	Types     []aircraftType
	Every     time.Duration // mean interval between departures by day (scale 1)
	Planned   float64       // share of flights with a plan filed ahead
	Notices   float64       // share of patrols and sorties with an operation notice
}

// aircraftType is a generic designation with its cruise speed range (kt).
type aircraftType struct {
	Name     string
	Min, Max float64
	Missions []string // patrol, sortie, isr, transit
}

var (
	fga     = aircraftType{"FGA (fighter ground attack)", 420, 480, []string{"patrol", "sortie", "sortie"}}
	fighter = aircraftType{"FTR (fighter)", 430, 480, []string{"patrol", "patrol", "sortie"}}
	isr     = aircraftType{"ISR (reconnaissance)", 300, 360, []string{"isr"}}
	cargo   = aircraftType{"TPT (transport)", 300, 340, []string{"transit"}}
)

var fleets = []fleetSpec{
	{Party: "A", Callsigns: []string{"ARROW", "ANVIL", "ASPEN"}, Bases: []string{"Hmeimim", "Hmeimim", "Tiyas"},
		Areas: []string{"Aleppo", "Hama", "Palmyra", "Deir ez-Zor", "Homs desert", "al-Bab", "Latakia north"},
		Types: []aircraftType{fga, fga, fighter, isr, cargo}, Every: 5 * time.Minute, Planned: 0.7, Notices: 0.5},
	{Party: "B", Callsigns: []string{"BISON", "BADGER"}, Bases: []string{"Shayrat", "Dumayr", "Mezzeh", "Kuweires", "Nayrab", "Tabqa"},
		Areas: []string{"Eastern Ghouta", "Daraa", "Hama", "Homs desert", "Palmyra", "Aleppo", "Deir ez-Zor"},
		Types: []aircraftType{fga, fga, fighter, cargo}, Every: 6 * time.Minute, Planned: 0.3, Notices: 0.3},
	{Party: "C", Callsigns: []string{"COBRA", "CONDOR", "COMET"}, Bases: []string{"Incirlik", "Incirlik", "Muwaffaq Salti"},
		Areas: []string{"Raqqa", "Manbij", "al-Bab", "Deir ez-Zor", "Abu Kamal", "al-Tanf", "Palmyra"},
		Types: []aircraftType{fga, fighter, fighter, isr}, Every: 8 * time.Minute, Planned: 0.8, Notices: 0.4},
}
