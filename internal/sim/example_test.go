package sim_test

import (
	"fmt"
	"time"

	"concord/internal/sim"
)

// The demo's air traffic, ten times denser, as a load generator: each
// party's batch of track reports every 4 s for an hour, to send to
// POST /v1/tracks with the party's token.
func ExampleNewFleet() {
	start := time.Date(2016, 9, 12, 5, 0, 0, 0, time.UTC)
	fleet := sim.NewFleet(1, start, start.Add(time.Hour), 10)
	for t := start; t.Before(start.Add(time.Hour)); t = t.Add(4 * time.Second) {
		for _, b := range fleet.Reports(t) {
			_ = b // POST b.Tracks to /v1/tracks as party b.Party
		}
	}
	fmt.Println(len(fleet.Flights) > 0)
	// Output: true
}
