package sim

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"concord/internal/ceasefire"
	"concord/internal/feed/ucdp"
)

// UCDPExtract is the UCDP GED events of 10–20 September 2016 in Syria (see
// data/README.md; CC BY 4.0), which the demo replays as violation reports.
//
//go:embed data/ucdp_ged_syria_20160910_20160920.csv
var UCDPExtract []byte

// demoSides maps GED sides to the demo's parties so that the observers'
// requests for information can be shown. It illustrates the procedure; it
// is not an attribution.
var demoSides = map[string]string{"Government of Syria": "B", "Government of Turkey": "C", "Government of Iraq": "C"}

// plannedReport is a report an actor will submit.
type plannedReport struct {
	At     time.Time
	Author string // party ID
	Key    string // also its external_id
	Report ceasefire.Report
}

// ucdpEvents reads the embedded extract, ordered by date, then ID.
func ucdpEvents() ([]ucdp.Event, error) {
	rd := ucdp.NewReader(bytes.NewReader(UCDPExtract))
	var out []ucdp.Event
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the embedded UCDP extract: %w", err)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b ucdp.Event) int {
		if c := a.DateStart.Compare(b.DateStart); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// backlog is how far before the start of a run the events reported at its
// start go back.
const backlog = 72 * time.Hour

// planReports schedules the replay of the events reported in [start, end)
// (end zero: no end). The observer mission O submits each event as UCDP
// coded it, the day it happened from its noon (UTC) on, or — for the three
// days before start — in a backlog during the first hour and a quarter. The aid
// organisation H corroborates some (most of those with civilian deaths)
// with a field report of its own, synthetic and marked so.
func planReports(seed uint64, events []ucdp.Event, start, end time.Time) []plannedReport {
	var out []plannedReport
	for _, e := range events {
		rng := keyed(seed, "ucdp", strconv.FormatInt(e.ID, 10))
		r := ucdp.ToReport(e, demoSides)
		r.ID, r.Author = "", ""
		at := r.ObservedAt.Add(time.Duration(20+rng.IntN(400)) * time.Minute)
		if r.ObservedAt.Before(start.Add(-backlog)) {
			continue
		}
		if r.ObservedAt.Before(start) {
			at = start.Add(time.Duration(2+rng.IntN(74)) * time.Minute)
		}
		if !at.Before(start) && (end.IsZero() || at.Before(end)) {
			out = append(out, plannedReport{at, "O", r.ExternalID, r})
		}
		p := 0.35
		if e.DeathsCivilians > 0 {
			p = 0.8
		}
		if rng.Float64() >= p {
			continue
		}
		h := fieldReport(rng, e, r)
		hAt := latest(at.Add(time.Duration(rng.IntN(90)-30)*time.Minute), h.ObservedAt.Add(10*time.Minute), start)
		if end.IsZero() || hAt.Before(end) {
			out = append(out, plannedReport{hAt, "H", h.ExternalID, h})
		}
	}
	return out
}

// fieldReport is the aid organisation's own account of event e (reported
// by UCDP as r): a few hundred metres off, a quarter of an hour either way,
// the same category and alleged party, its own casualty count and source.
func fieldReport(rng *rand.Rand, e ucdp.Event, r ceasefire.Report) ceasefire.Report {
	at := destination(LatLon{r.Location.Lat, r.Location.Lon}, rng.Float64()*360, rng.Float64()*700)
	conf := ceasefire.Seen
	if rng.IntN(3) == 0 {
		conf = ceasefire.Heard
	}
	killed := r.Casualties.Killed + rng.IntN(3) - 1
	return ceasefire.Report{
		ObservedAt: r.ObservedAt.Add(time.Duration(rng.IntN(31)-15) * time.Minute),
		Location:   &ceasefire.Point{Lat: round(at.Lat, 1e5), Lon: round(at.Lon, 1e5)}, UncertaintyM: 1500,
		Category: r.Category, AllegedParty: r.AllegedParty,
		Casualties: ceasefire.Casualties{Killed: max(killed, 0), Injured: rng.IntN(2 * (r.Casualties.Killed + 1)),
			CivilianKilled: min(max(killed, 0), r.Casualties.CivilianKilled)},
		Narrative:  fmt.Sprintf("Field team account (synthetic, demo) of the event UCDP GED codes as %d, near %s.", e.ID, e.WhereCoordinates),
		Sources:    []string{"Aid organisation field team (demo)"},
		Confidence: conf, ExternalID: fmt.Sprintf("demo-h:ucdp:%d", e.ID),
	}
}

// attackReports are the aid organisation's report of an attack on its
// convoy at where and when, and the observer mission's corroboration.
func attackReports(c *convoy, where LatLon, at time.Time) []plannedReport {
	rep := func(author, src string, conf ceasefire.Confidence, off float64, unc float64) ceasefire.Report {
		p := destination(where, c.rng.Float64()*360, off)
		return ceasefire.Report{ObservedAt: at, Location: &ceasefire.Point{Lat: round(p.Lat, 1e5), Lon: round(p.Lon, 1e5)},
			UncertaintyM: unc, Category: ceasefire.AidObstruction, Confidence: conf,
			Casualties: ceasefire.Casualties{Injured: 1 + c.rng.IntN(4)},
			Narrative:  c.Key + " was struck on the road (synthetic, demo).", Sources: []string{src},
			ExternalID: "demo-" + strings.ToLower(author) + ":attack-" + c.ID}
	}
	return []plannedReport{
		{at.Add(10 * time.Minute), "H", "demo-h:attack-" + c.ID, rep("H", "Convoy leader (demo)", ceasefire.Seen, 50, 300)},
		{at.Add(time.Duration(35+c.rng.IntN(20)) * time.Minute), "O", "demo-o:attack-" + c.ID,
			rep("O", "Observer mission patrol (demo)", ceasefire.Assessed, 200, 500)},
	}
}

func latest(ts ...time.Time) time.Time {
	out := ts[0]
	for _, t := range ts[1:] {
		if t.After(out) {
			out = t
		}
	}
	return out
}
