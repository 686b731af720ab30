package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestUnits(t *testing.T) {
	if got := Feet(1000).Meters(); got != 304.8 {
		t.Errorf("1000 ft = %v m", got)
	}
	if got := NauticalMiles(5).Meters(); got != 9260 {
		t.Errorf("5 NM = %v m", got)
	}
	if got := Meters(1852).NauticalMiles(); got != 1 {
		t.Errorf("1852 m = %v NM", got)
	}
	if got := Meters(304.8).Feet(); math.Abs(float64(got)-1000) > 1e-9 {
		t.Errorf("304.8 m = %v ft", got)
	}
	if got := AngleMeters(Meters(1000).Angle()); math.Abs(float64(got)-1000) > 1e-9 {
		t.Errorf("1000 m via angle = %v", got)
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b    Position
		want, e float64
	}{
		{Position{0, 0}, Position{0, 1}, 111195.08, 0.01},                // 1° of latitude
		{Position{179.5, 0}, Position{-179.5, 0}, 111195.08, 0.01},       // across the antimeridian
		{Position{180, 10}, Position{-180, 10}, 0, 1e-6},                 // the same place
		{Position{36.2765, 33.5138}, Position{37.16, 36.20}, 309e3, 2e3}, // Damascus–Aleppo
		{Position{0, 90}, Position{123, 90}, 0, 1e-6},                    // the pole
	}
	for _, tt := range tests {
		if got := float64(Distance(tt.a, tt.b)); math.Abs(got-tt.want) > tt.e {
			t.Errorf("Distance(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDestination(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		p := Position{r.Float64()*360 - 180, r.Float64()*170 - 85}
		d := Meters(r.Float64() * 100000)
		q := Destination(p, r.Float64()*360, d)
		if err := q.Validate(); err != nil {
			t.Fatalf("Destination(%v) = %v: %v", p, q, err)
		}
		if got := Distance(p, q); math.Abs(float64(got-d)) > 1e-6 {
			t.Fatalf("Distance(p, Destination(p, d)) = %v, want %v", got, d)
		}
	}
	if q := Destination(Position{0, 0}, 90, 111195.08); math.Abs(q[0]-1) > 1e-6 || math.Abs(q[1]) > 1e-9 {
		t.Errorf("1° east of 0,0 = %v", q)
	}
}
