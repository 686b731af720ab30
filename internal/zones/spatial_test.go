package zones

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"concord/internal/geo"

	"github.com/golang/geo/s2"
)

func TestVolumeWindowAndBand(t *testing.T) {
	v := noFly().Volumes[0] // 0..25,000 ft, [t0, t1)
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{{t0.Add(-time.Millisecond), false}, {t0, true}, {t1.Add(-time.Millisecond), true}, {t1, false}} {
		if got := v.ActiveAt(tt.at); got != tt.want {
			t.Errorf("ActiveAt(%v) = %v", tt.at, got)
		}
	}
	for _, tt := range []struct {
		alt  float64
		want bool
	}{{-1, false}, {0, true}, {25000, true}, {25000.1, false}} {
		if got := v.InBand(tt.alt); got != tt.want {
			t.Errorf("InBand(%v) = %v", tt.alt, got)
		}
	}
	open := hospital().Volumes[0]
	if !open.ActiveAt(t0.AddDate(10, 0, 0)) || open.ActiveAt(t0.Add(-1)) {
		t.Errorf("open-ended window wrong")
	}
	if lo, hi := open.Band(); lo != DefaultFloorFt || hi != DefaultCeilingFt {
		t.Errorf("zero band = %v..%v", lo, hi)
	}
}

func TestZoneWindows(t *testing.T) {
	z := noFly()
	tests := []struct {
		from, to time.Time
		want     bool
	}{
		{t0.Add(-time.Hour), t0, false}, // [from, to) ends where the zone starts
		{t0.Add(-time.Hour), t0.Add(time.Millisecond), true},
		{t1, t1.Add(time.Hour), false},
		{t1.Add(-time.Millisecond), t1.Add(time.Hour), true},
		{t0.Add(-time.Hour), time.Time{}, true}, // open-ended query
		{t1, time.Time{}, false},
	}
	for _, tt := range tests {
		if got := z.OverlapsWindow(tt.from, tt.to); got != tt.want {
			t.Errorf("OverlapsWindow(%v, %v) = %v", tt.from, tt.to, got)
		}
	}
	if !z.ActiveAt(t0) {
		t.Errorf("active zone not active")
	}
	z.Status = Withdrawn
	if z.ActiveAt(t0) {
		t.Errorf("withdrawn zone active")
	}
}

func TestZoneContainsPoint(t *testing.T) {
	nfz, h := noFly(), hospital()
	mid := t0.Add(24 * time.Hour)
	tests := []struct {
		name string
		z    Zone
		p    geo.Position
		alt  float64
		at   time.Time
		want bool
	}{
		{"inside", nfz, geo.Position{36.3, 33.5}, 10000, mid, true},
		{"above ceiling", nfz, geo.Position{36.3, 33.5}, 25001, mid, false},
		{"at ceiling", nfz, geo.Position{36.3, 33.5}, 25000, mid, true},
		{"before start", nfz, geo.Position{36.3, 33.5}, 10000, t0.Add(-1), false},
		{"at end", nfz, geo.Position{36.3, 33.5}, 10000, t1, false},
		{"outside", nfz, geo.Position{37, 33.5}, 10000, mid, false},
		{"on the edge", nfz, geo.Position{36.6, 33.5}, 10000, mid, true},
		{"hospital, 499 m", h, geo.Destination(hosp, 30, 499), 100, mid, true},
		{"hospital, 500 m", h, geo.Destination(hosp, 30, 500), 100, mid, true},
		{"hospital, 502 m", h, geo.Destination(hosp, 30, 502), 100, mid, false},
	}
	for _, tt := range tests {
		if got := tt.z.ContainsPoint(tt.p, tt.alt, tt.at); got != tt.want {
			t.Errorf("%s: ContainsPoint = %v", tt.name, got)
		}
	}
}

func TestZoneBoundAndRect(t *testing.T) {
	b := hospital().Bound()
	if !b.ContainsPoint(geo.Destination(hosp, 0, 500)) || !b.ContainsPoint(geo.Destination(hosp, 90, 500)) {
		t.Errorf("bound %v does not include the radius", b)
	}
	if b.ContainsPoint(geo.Destination(hosp, 0, 600)) {
		t.Errorf("bound %v too large", b)
	}
	if !hospital().IntersectsRect(geo.Rect{MinLon: 36.27, MinLat: 33.51, MaxLon: 36.28, MaxLat: 33.52}) {
		t.Errorf("hospital not in its rect")
	}
	if noFly().IntersectsRect(geo.Rect{MinLon: 37, MinLat: 33, MaxLon: 38, MaxLat: 34}) {
		t.Errorf("no-fly zone in a rect east of it")
	}
	bad := noFly()
	bad.Volumes[0].Footprint = geo.Geometry{Type: "Circle"}
	if !bad.Bound().IsEmpty() || bad.IntersectsRect(geo.FullRect()) || bad.ContainsPoint(hosp, 0, t0) {
		t.Errorf("invalid zone answers spatial queries")
	}
}

func TestPreparedIntersectsVolume(t *testing.T) {
	p, err := Prepare(noFly())
	if err != nil {
		t.Fatal(err)
	}
	op := Volume{Footprint: pointAt(geo.Position{36.7, 33.5}), RadiusM: 10000, FloorFt: 20000, CeilingFt: 30000, Start: t0.Add(time.Hour), End: after(t0, 2*time.Hour)}
	if ok, err := p.IntersectsVolume(op); !ok || err != nil {
		t.Errorf("overlapping operation: %v, %v", ok, err)
	}
	op.FloorFt = 25001
	if ok, _ := p.IntersectsVolume(op); ok {
		t.Errorf("operation above the ceiling intersects")
	}
	op.FloorFt, op.Start, op.End = 20000, t1, nil
	if ok, _ := p.IntersectsVolume(op); ok {
		t.Errorf("operation after the window intersects")
	}
	op.Start, op.RadiusM = t0, 1000
	if ok, _ := p.IntersectsVolume(op); ok {
		t.Errorf("operation 9 km away with 1 km radius intersects")
	}
}

// TestIndexCellsFindZone checks the look-up the store does: for random
// points of a zone, the point's cell at any level is found by the predicate
// of geo.Ancestors against the zone's IndexCells.
func TestIndexCellsFindZone(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, z := range []Zone{hospital(), noFly()} {
		keys := IndexCells(z)
		if !slices.IsSorted(keys) || len(slices.Compact(slices.Clone(keys))) != len(keys) || len(keys) > geo.IndexMaxCells {
			t.Fatalf("%s: keys %v not sorted, unique and few", z.Name, keys)
		}
		p, _ := Prepare(z)
		b := p.Bound()
		for range 2000 {
			pos := geo.Position{b.MinLon + r.Float64()*(b.MaxLon-b.MinLon), b.MinLat + r.Float64()*(b.MaxLat-b.MinLat)}
			if !p.Shapes()[0].ContainsPoint(pos) {
				continue
			}
			q := s2.CellIDFromLatLng(pos.LatLng()).Parent(r.IntN(31))
			if !lookUp(keys, q) {
				t.Fatalf("%s: %v (query cell %v) not found", z.Name, pos, q)
			}
		}
	}
	bad := noFly()
	bad.Volumes[0].Footprint = geo.Geometry{}
	if keys := IndexCells(bad); len(keys) != 6 {
		t.Errorf("invalid zone: %d keys, want the 6 faces", len(keys))
	}
}

// lookUp is the store's predicate: key BETWEEN lo(q) AND hi(q) OR key IN
// ancestors(q).
func lookUp(keys []int64, q s2.CellID) bool {
	lo, hi := geo.CellRange(q)
	for _, k := range keys {
		if lo <= k && k <= hi {
			return true
		}
		for _, a := range geo.Ancestors(q) {
			if geo.CellKey(a) == k {
				return true
			}
		}
	}
	return false
}
