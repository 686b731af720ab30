package mechanism

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// spanText renders spans as "[lo,hi)" in hours after t0, for readable cases.
func spanText(t0 time.Time, ss []timeSpan) string {
	s := ""
	for _, x := range ss {
		s += fmt.Sprintf("[%g,%g)", x.lo.Sub(t0).Hours(), x.hi.Sub(t0).Hours())
	}
	return s
}

func TestIncidentSpans(t *testing.T) {
	t0 := time.Date(2016, 2, 27, 0, 0, 0, 0, time.UTC)
	h := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }
	var ss timeSpans
	for _, s := range []timeSpan{{h(10), h(12)}, {h(0), h(1)}, {h(11), h(14)}, {h(20), h(21)}} {
		ss = ss.add(s)
	}
	if got, want := spanText(t0, ss), "[0,1)[10,14)[20,21)"; got != want {
		t.Errorf("timeSpans %s, want %s", got, want)
	}
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0, 1, ""},
		{0.5, 10.5, "[1,10)"},
		{-1, 25, "[-1,0)[1,10)[14,20)[21,25)"},
		{14, 20, "[14,20)"},
		{12, 13, ""},
		{30, 31, "[30,31)"},
	} {
		if got := spanText(t0, ss.missing(timeSpan{h(c.lo), h(c.hi)})); got != c.want {
			t.Errorf("missing [%g,%g) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
	if got, want := spanText(t0, coalesceSpans([]timeSpan{{h(5), h(6)}, {h(0), h(1)}, {h(2.5), h(3)}, {h(9), h(10)}})), "[0,6)[9,10)"; got != want {
		t.Errorf("coalesce: %s, want %s", got, want)
	}
}

// missing and add agree with a minute-by-minute model.
func TestIncidentSpansModel(t *testing.T) {
	t0 := time.Date(2016, 2, 27, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	m := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	for range 200 {
		var ss timeSpans
		covered := make([]bool, 200)
		for range rng.IntN(6) {
			lo := rng.IntN(190)
			hi := lo + 1 + rng.IntN(200-lo-1)
			ss = ss.add(timeSpan{m(lo), m(hi)})
			for i := lo; i < hi; i++ {
				covered[i] = true
			}
		}
		lo := rng.IntN(190)
		hi := lo + 1 + rng.IntN(200-lo-1)
		got := make([]bool, 200)
		for _, s := range ss.missing(timeSpan{m(lo), m(hi)}) {
			for i := int(s.lo.Sub(t0).Minutes()); i < int(s.hi.Sub(t0).Minutes()); i++ {
				got[i] = true
			}
		}
		for i := range 200 {
			if want := i >= lo && i < hi && !covered[i]; got[i] != want {
				t.Fatalf("timeSpans %s, missing [%d,%d): minute %d is %t, want %t", spanText(t0, ss), lo, hi, i, got[i], want)
			}
		}
	}
}
