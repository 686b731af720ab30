package airspace_test

import (
	"fmt"
	"time"

	"concord/internal/airspace"
)

var t0 = time.Date(2015, 10, 20, 12, 0, 0, 0, time.UTC)

// Two aircraft of different parties head-on at FL300, 40 NM apart.
func ExampleDetect() {
	a := airspace.Track{ID: "N1", Party: "north", Lat: 35, Lon: 38, AltFt: 30000, GsKt: 480, TrackDeg: 0, Time: t0}
	b := airspace.Track{ID: "S1", Party: "south", Lat: 35.6662, Lon: 38, AltFt: 30000, GsKt: 480, TrackDeg: 180, Time: t0}
	for _, c := range airspace.Detect([]airspace.Track{a, b}, airspace.Minima{}, airspace.Options{}) {
		fmt.Printf("%s/%s: LoS from %.0f s to %.0f s, closest %.1f NM at %.0f s\n", c.A, c.B, c.TinS, c.ToutS, c.DcpaNM, c.TcpaS)
	}
	// Output: N1/S1: LoS from 131 s to 169 s, closest 0.0 NM at 150 s
}

// A Detector turns a stream of reports into alerts: the conflict begins when
// the second aircraft reports, and ends when it turns away — which also
// clears its predicted entry into the no-fly zone between them.
func ExampleDetector() {
	d := airspace.NewDetector(airspace.DetectorConfig{})
	fence := airspace.Fence{ID: "nfz-1", CenterLat: 35.3, CenterLon: 38, RadiusM: 10000, FloorFt: 0, CeilingFt: 45000}
	if _, err := d.AddFence(fence); err != nil {
		fmt.Println(err)
	}
	a := airspace.Track{ID: "N1", Party: "north", Lat: 35, Lon: 38, AltFt: 30000, GsKt: 480, TrackDeg: 0, Time: t0}
	b := airspace.Track{ID: "S1", Party: "south", Lat: 35.6662, Lon: 38, AltFt: 30000, GsKt: 480, TrackDeg: 180, Time: t0}
	show := func(changes []airspace.Change) {
		for _, c := range changes {
			if c.Kind.IsFence() {
				fmt.Printf("%s %s %s in %.0f s\n", c.Kind, c.Incursion.Track, c.Incursion.Fence, c.Incursion.TimeToEntryS)
			} else {
				fmt.Printf("%s %s/%s\n", c.Kind, c.Conflict.A, c.Conflict.B)
			}
		}
	}
	show(d.Update(a))
	show(d.Update(b))
	b.TrackDeg, b.Time = 90, t0.Add(time.Second)
	show(d.Update(b))
	// Output:
	// predicted-entry N1 nfz-1 in 95 s
	// began N1/S1
	// predicted-entry S1 nfz-1 in 124 s
	// ended N1/S1
	// prediction-cleared S1 nfz-1 in 0 s
}
