package sim

import (
	"slices"
	"strings"
	"testing"
	"time"

	"concord/internal/ceasefire"
)

func TestStepFor(t *testing.T) {
	for _, c := range []struct {
		speed float64
		want  time.Duration
	}{{1, 4 * time.Second}, {10, 4 * time.Second}, {40, 4 * time.Second}, {60, 6 * time.Second}, {120, 12 * time.Second}, {1000, 100 * time.Second}} {
		if got := StepFor(c.speed); got != c.want {
			t.Errorf("StepFor(%g) = %s, want %s", c.speed, got, c.want)
		}
	}
}

// TestConvoyWaves checks the day's convoys for many seeds: the morning
// wave meets each fate once, requested in the day's first twenty minutes,
// with one detour on a convoy that drives; the afternoon wave goes to
// Madaya among others; every convoy's window holds its drive.
func TestConvoyWaves(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		cs := convoyWaves(seed, day, 1)
		if len(cs) != 10 {
			t.Fatalf("seed %d: %d convoys", seed, len(cs))
		}
		var fates []string
		detours := 0
		for _, c := range cs[:6] {
			fates = append(fates, c.Outcome)
			if c.RequestAt.Sub(day) > 20*time.Minute {
				t.Errorf("seed %d: %s requested at %s", seed, c.Key, c.RequestAt)
			}
			if c.Detour > 0 {
				detours++
				if c.Outcome == deny || c.Outcome == cancel {
					t.Errorf("seed %d: %s detours but is %s", seed, c.Key, c.Outcome)
				}
			}
		}
		slices.Sort(fates)
		if want := []string{attacked, blocked, cancel, deliver, deny, partial}; !slices.Equal(fates, want) {
			t.Errorf("seed %d: morning fates %v, want %v", seed, fates, want)
		}
		if detours != 1 {
			t.Errorf("seed %d: %d detours", seed, detours)
		}
		for _, c := range cs {
			if !c.End.After(c.Start.Add(c.travel())) {
				t.Errorf("seed %d: %s's window %s–%s does not hold its drive of %s", seed, c.Key, c.Start, c.End, c.travel())
			}
		}
	}
}

// TestPlanReports checks the replay of the embedded UCDP events for the
// default window: the days before the start come as a backlog in its first
// hour and a quarter, nothing is submitted before it was observed, every
// report is valid when submitted, and the aid organisation's accounts
// corroborate events (same category and alleged party) without copying them.
func TestPlanReports(t *testing.T) {
	events, err := ucdpEvents()
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 166 {
		t.Fatalf("%d events in the extract, want 166", len(events))
	}
	end := day.Add(2 * time.Hour)
	plan := planReports(1, events, day, end)
	byKey := map[string]ceasefire.Report{}
	backlog := 0
	for _, pr := range plan {
		r := pr.Report
		if err := r.Validate(pr.At); err != nil {
			t.Errorf("%s: %v", pr.Key, err)
		}
		if pr.At.Before(day) || !pr.At.Before(end) || pr.At.Before(r.ObservedAt) {
			t.Errorf("%s observed %s, submitted %s", pr.Key, r.ObservedAt, pr.At)
		}
		if pr.Author == "O" && r.ObservedAt.Before(day) {
			backlog++
			if pr.At.After(day.Add(75 * time.Minute)) {
				t.Errorf("backlog %s submitted at %s", pr.Key, pr.At)
			}
		}
		if r.ExternalID != pr.Key {
			t.Errorf("%s: external_id %q", pr.Key, r.ExternalID)
		}
		byKey[pr.Key] = r
	}
	if backlog != 33 { // the events of 10 and 11 September
		t.Errorf("%d backlog reports, want 33", backlog)
	}
	corroborated := 0
	for key, h := range byKey {
		id, ok := strings.CutPrefix(key, "demo-h:")
		if !ok {
			continue
		}
		o, ok := byKey[id]
		if !ok {
			continue
		}
		corroborated++
		if h.Category != o.Category || h.AllegedParty != o.AllegedParty || h.Sources[0] == o.Sources[0] {
			t.Errorf("%s does not corroborate %s independently: %+v vs %+v", key, id, h, o)
		}
	}
	if corroborated == 0 {
		t.Error("the aid organisation corroborates nothing")
	}
}

// TestSeedsDiffer: the scenario depends on its seed.
func TestSeedsDiffer(t *testing.T) {
	sign := func(seed uint64) string {
		var b strings.Builder
		for _, fl := range NewFleet(seed, day, day.Add(time.Hour), 1).Flights {
			b.WriteString(fl.Callsign + fl.Start().String() + fl.Area)
		}
		return b.String()
	}
	if sign(1) == sign(2) {
		t.Error("seeds 1 and 2 fly the same flights")
	}
	if sign(1) != sign(1) {
		t.Error("seed 1 flies other flights the second time")
	}
}

// TestFlightPassesItsFixes: a flight's reports at its fixes are the fixes.
func TestFlightPassesItsFixes(t *testing.T) {
	for _, fl := range NewFleet(5, day, day.Add(3*time.Hour), 1).Flights {
		for _, f := range fl.Fixes {
			tr := fl.At(f.T)
			if d := distanceM(LatLon{tr.Lat, tr.Lon}, f.At); d > 1 || tr.AltFt != f.AltFt {
				t.Fatalf("%s at %s: %v, %.0f ft; the fix is %v, %.0f ft", fl.Callsign, f.T, tr, tr.AltFt, f.At, f.AltFt)
			}
		}
	}
}
