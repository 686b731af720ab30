package ceasefire_test

import (
	"fmt"
	"time"

	"concord/internal/ceasefire"
)

func report(id, author string, cat ceasefire.Category, lat, lon float64, at string) ceasefire.Report {
	t, _ := time.Parse(time.RFC3339, at)
	return ceasefire.Report{ID: id, Author: author, Category: cat, Confidence: ceasefire.Seen,
		Location: &ceasefire.Point{Lat: lat, Lon: lon}, UncertaintyM: 300, ObservedAt: t}
}

// Two observers report shelling 1.5 km and 10 minutes apart: one incident,
// corroborated. An airstrike at the same place is another incident.
func ExampleCluster() {
	reports := []ceasefire.Report{
		report("r1", "observer-1", ceasefire.Shelling, 36.2000, 37.15, "2016-02-27T10:00:00Z"),
		report("r2", "ngo-7", ceasefire.Shelling, 36.2135, 37.15, "2016-02-27T10:10:00Z"),
		report("r3", "observer-1", ceasefire.Airstrike, 36.2000, 37.15, "2016-02-27T10:05:00Z"),
	}
	incidents, err := ceasefire.Cluster(reports, ceasefire.Params{}, nil)
	if err != nil {
		panic(err)
	}
	for _, inc := range incidents {
		fmt.Println(inc.ID, inc.Category, inc.Reports, inc.State)
	}
	// Output:
	// inc-r1 shelling [r1 r2] corroborated
	// inc-r3 airstrike [r3] reported
}

// The server adds reports one by one; Add tells which incidents changed.
func ExampleClusterer_Add() {
	c := ceasefire.NewClusterer(ceasefire.Params{}, nil)
	fmt.Println(c.Add(report("r2", "ngo-7", ceasefire.Shelling, 36.2135, 37.15, "2016-02-27T10:10:00Z")))
	fmt.Println(c.Add(report("r1", "observer-1", ceasefire.Shelling, 36.2000, 37.15, "2016-02-27T10:00:00Z")))
	// Output:
	// inc-r2 [inc-r2]
	// inc-r1 [inc-r1 inc-r2]
}

func ExampleTransition() {
	s := ceasefire.Reported
	for _, e := range []ceasefire.Event{ceasefire.Corroborate, ceasefire.Verify, ceasefire.Verify} {
		next, err := ceasefire.Transition(s, e)
		fmt.Println(s, "+", e, "→", next, err)
		s = next
	}
	// Output:
	// reported + corroborate → corroborated <nil>
	// corroborated + verify → verified <nil>
	// verified + verify → verified conflict: cannot verify an incident that is verified
}
