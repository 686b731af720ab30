package sim

import (
	"testing"
	"time"

	"concord/internal/airspace"
	"concord/internal/mechanism"
	"concord/internal/zones"
)

var day = time.Date(2016, 9, 12, 5, 0, 0, 0, time.UTC)

// offlineAlerts feeds a fleet's reports, step by step, to a detector with
// the demo's no-fly fences, and counts the alerts concord would open: a
// separation alert per conflict episode, a no-fly alert per incursion or
// predicted entry episode (as the mechanism keys them).
func offlineAlerts(t *testing.T, f *Fleet, from, to time.Time, step time.Duration) (sep, nofly int) {
	t.Helper()
	det := airspace.NewDetector(airspace.DetectorConfig{StaleAfter: 3*step + step/2})
	for i, z := range coordinatorZones(day) {
		if z.Kind != zones.NoFly {
			continue
		}
		z.ID = "nf" + string(rune('0'+i))
		for _, fc := range mechanism.FencesOf(z) {
			if _, err := det.AddFence(fc); err != nil {
				t.Fatal(err)
			}
		}
	}
	open := map[string]bool{}
	count := func(chs []airspace.Change) {
		for _, c := range chs {
			key := c.Conflict.A + "|" + c.Conflict.B
			if c.Kind.IsFence() {
				key = c.Incursion.Fence + "|" + c.Incursion.Track
			}
			switch c.Kind {
			case airspace.Began, airspace.Enter, airspace.PredictedEntry:
				if !open[key] {
					open[key] = true
					if c.Kind.IsFence() {
						nofly++
					} else {
						sep++
					}
				}
			case airspace.Ended, airspace.Exit, airspace.PredictionCleared:
				delete(open, key)
			}
		}
	}
	for now := from; now.Before(to); now = now.Add(step) {
		for _, b := range f.Reports(now) {
			for _, tr := range b.Tracks {
				tr.Party = b.Party
				tr.ID = b.Party + "/" + tr.ID
				count(det.Update(tr))
			}
		}
		count(det.Expire(now.Add(time.Millisecond)))
	}
	return sep, nofly
}

func TestFleetAlertsArise(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		f := NewFleet(seed, day, day.Add(2*time.Hour), 1)
		sep, nofly := offlineAlerts(t, f, day, day.Add(2*time.Hour), 12*time.Second)
		airborne := 0
		for _, b := range f.Reports(day.Add(time.Hour)) {
			airborne += len(b.Tracks)
		}
		t.Logf("seed %d: %d flights, %d airborne at +1h; %d separation, %d no-fly alerts", seed, len(f.Flights), airborne, sep, nofly)
		if sep == 0 || nofly == 0 {
			t.Errorf("seed %d: %d separation and %d no-fly alerts; want some of each", seed, sep, nofly)
		}
	}
}

// TestFlightsAreFlyable checks every flight of a day's fleet against the
// performance the demo claims: cruise and patrol speeds 300–480 kt (the
// approach 300 kt), levels up to FL350, climbs and descents within
// 1,500–3,000 ft/min (the last metres of a landing aside), and plans that
// concord accepts.
func TestFlightsAreFlyable(t *testing.T) {
	f := NewFleet(7, day, day.Add(24*time.Hour), 1)
	var dur time.Duration
	for _, fl := range f.Flights {
		dur += fl.End().Sub(fl.Start())
		if fl.Plan != nil {
			p := airspace.Plan{Callsign: fl.Callsign, AircraftType: fl.Type, Waypoints: Waypoints(fl.Plan)}
			if err := p.Validate(); err != nil {
				t.Fatalf("%s: plan: %v", fl.Callsign, err)
			}
		}
		for i := 0; i+1 < len(fl.Fixes); i++ {
			tr := fl.At(fl.Fixes[i].T)
			last := i+2 == len(fl.Fixes)
			if tr.GsKt < 290 || tr.GsKt > 481 {
				t.Fatalf("%s leg %d: %.0f kt", fl.Callsign, i, tr.GsKt)
			}
			if (tr.VsFpm > 3001 || tr.VsFpm < -3001) && !last {
				t.Fatalf("%s leg %d: %.0f ft/min", fl.Callsign, i, tr.VsFpm)
			}
			if tr.AltFt > 35000 || tr.AltFt < 0 {
				t.Fatalf("%s leg %d: %.0f ft", fl.Callsign, i, tr.AltFt)
			}
		}
	}
	t.Logf("%d flights in a day, mean %.0f min", len(f.Flights), dur.Minutes()/float64(len(f.Flights)))
}

// TestFleetInSteps checks that drawing a fleet day by day draws the same
// flights as drawing it at once (the live demo extends its fleet as it runs).
func TestFleetInSteps(t *testing.T) {
	whole := NewFleet(3, day, day.Add(30*time.Hour), 1)
	steps := NewFleet(3, day, day.Add(time.Hour), 1)
	for h := 2; h <= 30; h += 3 {
		steps.Until(day.Add(time.Duration(h) * time.Hour))
	}
	steps.Until(day.Add(30 * time.Hour))
	if len(whole.Flights) != len(steps.Flights) {
		t.Fatalf("%d flights at once, %d in steps", len(whole.Flights), len(steps.Flights))
	}
	for i := range whole.Flights {
		a, b := whole.Flights[i], steps.Flights[i]
		if a.Callsign != b.Callsign || !a.Start().Equal(b.Start()) || len(a.Fixes) != len(b.Fixes) {
			t.Fatalf("flight %d: %s at %v at once, %s at %v in steps", i, a.Callsign, a.Start(), b.Callsign, b.Start())
		}
	}
}
