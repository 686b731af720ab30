package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"concord/internal/access"
)

// road is an approximate road route from an aid hub to a besieged area
// (real towns; the geometry is the demo's), with the checkpoints on it as
// fractions of its length.
type road struct {
	From, To    string // hub, besieged-area zone name
	Points      []LatLon
	Checkpoints []float64
	ElevFt      float64
	People      [2]int // beneficiaries, min and max
}

var roads = map[string]road{
	"Douma": {"Damascus", "Douma", []LatLon{{33.5138, 36.2765}, {33.5222, 36.3179}, {33.5530, 36.3560}, {33.5716, 36.4019}},
		[]float64{0.3, 0.7}, 2250, [2]int{20000, 40000}},
	"Darayya": {"Damascus", "Darayya", []LatLon{{33.5138, 36.2765}, {33.4960, 36.2700}, {33.4700, 36.2500}, {33.4589, 36.2361}},
		[]float64{0.45, 0.8}, 2300, [2]int{4000, 8000}},
	"Madaya": {"Damascus", "Madaya", []LatLon{{33.5138, 36.2765}, {33.5370, 36.2320}, {33.5830, 36.2000}, {33.6178, 36.1797}, {33.6500, 36.1300}, {33.6886, 36.0975}},
		[]float64{0.25, 0.6, 0.9}, 3700, [2]int{20000, 40000}},
	"Eastern Aleppo": {"Aleppo (west)", "Eastern Aleppo", []LatLon{{36.2080, 37.1180}, {36.2150, 37.1400}, {36.2100, 37.1620}, {36.2050, 37.1950}},
		[]float64{0.35, 0.75}, 1280, [2]int{40000, 80000}},
}

// Outcomes of a convoy in the scenario.
const (
	deliver  = "deliver"  // delivered in full
	partial  = "partial"  // delivered in part
	deny     = "deny"     // a required party denies consent
	blocked  = "blocked"  // held at a checkpoint, then lets through
	attacked = "attacked" // struck on the road, then delivers what is left
	cancel   = "cancel"   // held at a checkpoint until the aid organisation turns it back
)

// convoy is one movement of the aid organisation H: what it carries, where,
// and — the scenario — what will happen to it on the way.
type convoy struct {
	ID        string // the scenario's name for it, "D1-3": day 1, third convoy
	Key       string // stable name, also the movement's name
	Road      road
	Vehicles  int
	People    int
	Cargo     []access.CargoLine
	RequestAt time.Time
	Start     time.Time // the window, from planned departure
	End       time.Time
	SpeedKmh  float64
	Outcome   string
	Detour    float64 // fraction of the road where it leaves its corridor for a while (0: never)
	AttackAt  float64 // fraction of the road where it is struck (attacked only)
	rng       *rand.Rand

	// as it runs
	id        string
	state     access.State
	at        float64   // distance driven, metres
	waitTill  time.Time // stopped (checkpoint, blocked, attacked, unloading) until then
	stop      int       // checkpoints passed
	detourEnd time.Time
	lastFix   time.Time
	done      bool
}

// convoyWaves draws the convoys of the day that starts at day: a morning
// wave of six to the nearer besieged areas, requested in its first twenty
// minutes and meeting, in an order drawn from the seed, each fate a
// convoy can meet (a full and a partial delivery, a denial, a checkpoint
// that lets it through after a while, an attack, a checkpoint that turns it
// back), one of them leaving its corridor for a detour; and an afternoon
// wave of four, with Madaya, whose fates are drawn.
func convoyWaves(seed uint64, day time.Time, n int) []*convoy {
	rng := rand.New(rand.NewPCG(seed, streamOf("convoys/"+day.Format(time.RFC3339))))
	var out []*convoy
	morning := []string{"Douma", "Darayya", "Eastern Aleppo", "Douma", "Darayya", "Eastern Aleppo"}
	fates := []string{deliver, partial, deny, blocked, attacked, cancel}
	rng.Shuffle(len(fates), func(i, j int) { fates[i], fates[j] = fates[j], fates[i] })
	detour := rng.IntN(len(fates))
	for fates[detour] == deny || fates[detour] == cancel {
		detour = rng.IntN(len(fates))
	}
	for i, dest := range morning {
		c := newConvoy(rng, fmt.Sprintf("D%d-%d", n, i+1), roads[dest], day.Add(time.Duration(5+3*i)*time.Minute), fates[i])
		if i == detour {
			c.Detour = 0.3 + rng.Float64()*0.3
		}
		out = append(out, c)
	}
	for i, dest := range []string{"Madaya", "Madaya", "Douma", "Eastern Aleppo"} {
		fate := []string{deliver, deliver, deliver, partial, blocked, deny, attacked}[rng.IntN(7)]
		at := day.Add(5*time.Hour + time.Duration(rng.IntN(60))*time.Minute)
		out = append(out, newConvoy(rng, fmt.Sprintf("D%d-%d", n, 7+i), roads[dest], at, fate))
	}
	return out
}

func newConvoy(rng *rand.Rand, id string, r road, request time.Time, fate string) *convoy {
	c := &convoy{ID: id, Key: fmt.Sprintf("Convoy %s: %s to %s (demo)", id, r.From, r.To), Road: r,
		Vehicles: 8 + rng.IntN(33), People: r.People[0] + rng.IntN(r.People[1]-r.People[0]+1),
		RequestAt: request, SpeedKmh: 22 + rng.Float64()*13, Outcome: fate, state: "planned",
		rng: rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))}
	c.Cargo = []access.CargoLine{
		{Item: "wheat flour", Quantity: float64(10 * (2 + rng.IntN(6))), Unit: "t"},
		{Item: "medical supplies", Quantity: float64(50 * (1 + rng.IntN(6))), Unit: "kits"},
		{Item: "food parcels", Quantity: float64(500 * (2 + rng.IntN(9))), Unit: "parcels"},
	}
	if fate == attacked {
		c.AttackAt = 0.35 + rng.Float64()*0.35
	}
	c.Start = request.Add(20 * time.Minute)
	c.End = c.Start.Add(c.travel() + 4*time.Hour)
	return c
}

// length is the road's length in metres.
func (r road) length() float64 {
	d := 0.0
	for i := 1; i < len(r.Points); i++ {
		d += distanceM(r.Points[i-1], r.Points[i])
	}
	return d
}

// travel estimates the drive: the road at the convoy's speed, plus a
// quarter of an hour per checkpoint.
func (c *convoy) travel() time.Duration {
	drive := c.Road.length() / (c.SpeedKmh / 3.6)
	return time.Duration(drive)*time.Second + time.Duration(len(c.Road.Checkpoints))*15*time.Minute
}

// position is where the convoy is after d metres, and its heading.
func (r road) position(d float64) (LatLon, float64) {
	for i := 1; i < len(r.Points); i++ {
		leg := distanceM(r.Points[i-1], r.Points[i])
		if d <= leg || i == len(r.Points)-1 {
			f := min(d/leg, 1)
			return between(r.Points[i-1], r.Points[i], f), bearingDeg(r.Points[i-1], r.Points[i])
		}
		d -= leg
	}
	return r.Points[0], 0
}

// input is the convoy's movement request (POST /v1/movements).
func (c *convoy) input(destination string) access.Input {
	return access.Input{Name: c.Key, Route: lineString(c.Road.Points), WidthM: 1000, Start: c.Start, End: c.End,
		Convoy: access.Convoy{Vehicles: c.Vehicles, Cargo: slices.Clone(c.Cargo), Beneficiaries: c.People}, Destination: destination}
}
