package protection

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/golang/geo/s2"

	"concord/internal/geo"
	"concord/internal/zones"
)

// The SARC warehouse at Urum al-Kubra (synthetic coordinates), protected
// with a radius of 300 m, notified from 1 September 2016 on.
var (
	warehouse = geo.Position{36.94173, 36.15236}
	notified  = time.Date(2016, 9, 1, 0, 0, 0, 0, time.UTC)
)

const level = 12

func site() Subject {
	return Subject{Type: SubjectZone, ID: "z_wh", Version: 2, Owner: "H", Kind: "protected-site", SiteType: "warehouse",
		Volumes: []zones.Volume{{Footprint: geo.Geometry{Type: geo.TypePoint, Point: warehouse}, RadiusM: 300,
			FloorFt: 0, CeilingFt: 60000, Start: notified}}}
}

func at(h int) *time.Time {
	t := time.Date(2016, 9, 19, h, 0, 0, 0, time.UTC)
	return &t
}

// disc is a notice volume: a disc of radius r metres at p, from 15:00 to 18:00.
func disc(p geo.Position, r float64) zones.Volume {
	return zones.Volume{Footprint: geo.Geometry{Type: geo.TypePoint, Point: p}, RadiusM: r, FloorFt: 0, CeilingFt: 30000,
		Start: *at(15), End: at(18)}
}

func check(t *testing.T, vols []zones.Volume, subjects ...Subject) []Conflict {
	t.Helper()
	cs, err := Check(vols, subjects, level)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// farInCover returns a point inside a cell of the site's coarse cover (as
// armed parties are shown it) that is more than 800 m from the warehouse: a
// notice there meets the cover but not the site.
func farInCover(t *testing.T) geo.Position {
	t.Helper()
	for _, tok := range zones.Coarse(zones.Zone{Volumes: site().Volumes}, level).Cells {
		c := s2.CellFromCellID(s2.CellIDFromToken(tok))
		for k := range 4 {
			p := geo.PositionOf(s2.Interpolate(0.05, c.Vertex(k), c.Center()))
			if geo.Distance(p, warehouse) > 800 {
				return p
			}
		}
	}
	t.Fatal("no far point in the cover")
	return geo.Position{}
}

func TestCheckSite(t *testing.T) {
	far := farInCover(t)
	late := disc(warehouse, 100)
	late.Start, late.End = *at(18), at(20)
	high := disc(warehouse, 100)
	high.FloorFt, high.CeilingFt = 61000, 70000
	for _, tc := range []struct {
		name            string
		vols            []zones.Volume
		conflict, exact bool
	}{
		{"over the site", []zones.Volume{disc(warehouse, 100)}, true, true},
		{"in the site's cell, away from it", []zones.Volume{disc(far, 50)}, true, false},
		{"10 km away", []zones.Volume{disc(geo.Destination(warehouse, 90, 10000), 500)}, false, false},
		{"above FL600", []zones.Volume{high}, false, false},
		{"after the site's notification ended", []zones.Volume{late}, true, true}, // the site is open-ended
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := check(t, tc.vols, site())
			if (len(cs) == 1) != tc.conflict {
				t.Fatalf("conflicts %+v, want conflict=%v", cs, tc.conflict)
			}
			if tc.conflict && cs[0].Exact != tc.exact {
				t.Fatalf("exact %v, want %v", cs[0].Exact, tc.exact)
			}
		})
	}
}

// The window and band of a conflict are the overlaps, merged over every
// notice volume that meets the subject; the cells are those of the cover
// that the notice meets, and the notice's volumes that do are listed.
func TestCheckOverlapEnvelope(t *testing.T) {
	s := site()
	end := *at(17)
	s.Volumes[0].End = &end // the site's notification ends at 17:00
	early, late := disc(warehouse, 100), disc(warehouse, 100)
	early.Start, early.End, early.FloorFt, early.CeilingFt = *at(10), at(12), 2000, 5000
	late.Start, late.End = *at(16), at(19)
	away := disc(geo.Destination(warehouse, 0, 30000), 100)
	cs := check(t, []zones.Volume{early, away, late}, s)
	if len(cs) != 1 {
		t.Fatalf("conflicts %+v", cs)
	}
	k := cs[0]
	if !slices.Equal(k.Volumes, []int{0, 2}) || !k.Window.Start.Equal(*at(10)) || !k.Window.End.Equal(end) ||
		k.FloorFt != 0 || k.CeilingFt != 30000 {
		t.Fatalf("conflict %+v", k)
	}
	cover := zones.Coarse(zones.Zone{Volumes: s.Volumes}, level).Cells
	for _, tok := range Tokens(k.Cells) {
		if !slices.Contains(cover, tok) {
			t.Fatalf("cell %s is not in the site's cover %v", tok, cover)
		}
	}
	c := k.Coarse()
	if c.Subject.SiteType != "warehouse" || c.Subject.Version != 2 || len(c.Cells) == 0 || c.CellLevel != level {
		t.Fatalf("coarse %+v", c)
	}
	f := k.Full(Notice{ID: "op_1", Party: "B", Kind: Air, Volumes: []zones.Volume{early, away, late}})
	if len(f.NoticeVolumes) != 2 || f.Owner != "H" || !f.ExactOverlap || f.Party != "B" {
		t.Fatalf("full %+v", f)
	}
}

// A movement is checked along its corridor during its window; another
// party's notice by its volumes. Only zones and movements need awareness.
func TestCheckMovementAndOperation(t *testing.T) {
	route := geo.Geometry{Type: geo.TypeLineString, Line: []geo.Position{{37.1, 36.2}, {37.0, 36.18}, {36.96, 36.17}}}
	mv := Subject{Type: SubjectMovement, ID: "mv_1", Version: 3, Owner: "H", Kind: "movement", Volumes: []zones.Volume{{
		Footprint: route, RadiusM: 500, FloorFt: zones.MinAltitudeFt, CeilingFt: 60000, Start: *at(8), End: at(20)}}}
	other := Subject{Type: SubjectOperation, ID: "op_a", Version: 1, Owner: "A", Kind: "ground",
		Volumes: []zones.Volume{disc(geo.Position{37.0, 36.18}, 2000)}}
	onRoute := disc(geo.Position{37.0, 36.18}, 1000)
	cs := check(t, []zones.Volume{onRoute}, mv, other)
	if len(cs) != 2 || cs[0].Subject.ID != "mv_1" || cs[1].Subject.ID != "op_a" {
		t.Fatalf("conflicts %+v", cs)
	}
	acked := func(r Ref) bool { return r == Ref{SubjectMovement, "mv_1", 2} } // an older version
	if un := Unacknowledged(cs, acked); len(un) != 1 || un[0].Subject.ID != "mv_1" {
		t.Fatalf("unacknowledged %+v", un)
	}
	acked = func(r Ref) bool { return r == Ref{SubjectMovement, "mv_1", 3} }
	if un := Unacknowledged(cs, acked); len(un) != 0 {
		t.Fatalf("unacknowledged %+v after acknowledging", un)
	}
	before := onRoute
	before.Start, before.End = *at(5), at(8) // ends as the convoy's window opens
	if cs := check(t, []zones.Volume{before}, mv); len(cs) != 0 {
		t.Fatalf("a notice ending when the window opens conflicts: %+v", cs)
	}
}

// Coarse never misses what exact would find: every notice disc that meets
// the site's exact footprint conflicts with it. A notice conflicts exactly
// when it meets a cell armed parties are shown. And the site has an index
// cell nested with a query cell of every notice it conflicts with (so the
// store look-up finds it).
func TestCheckCoarseContainsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := site()
	exact, err := geo.NewShape(s.Volumes[0].Footprint, geo.Meters(s.Volumes[0].RadiusM))
	if err != nil {
		t.Fatal(err)
	}
	shown := cellIDs(zones.Coarse(zones.Zone{Volumes: s.Volumes}, level).Cells)
	n := 0
	for range 300 {
		p := geo.Destination(warehouse, rng.Float64()*360, geo.Meters(rng.Float64()*8000))
		v := disc(p, 10+rng.Float64()*800)
		shape, _ := geo.NewShape(v.Footprint, geo.Meters(v.RadiusM))
		cs := check(t, []zones.Volume{v}, s)
		if shape.IntersectsShape(exact) {
			n++
			if len(cs) != 1 || !cs[0].Exact {
				t.Fatalf("disc %v r %v meets the site but conflicts %+v", p, v.RadiusM, cs)
			}
		}
		if meetsShown := meetsAny(shape, shown); meetsShown != (len(cs) == 1) {
			t.Fatalf("disc %v r %v: meets a shown cell %v, conflicts %+v", p, v.RadiusM, meetsShown, cs)
		}
		q, err := QueryCells([]zones.Volume{v}, level)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 1 && !nested(geo.IndexCovering(exact), q) {
			t.Fatalf("disc %v r %v conflicts but no index cell of the site is nested with a query cell", p, v.RadiusM)
		}
	}
	if n < 20 {
		t.Fatalf("only %d of 300 discs met the site: the test checks too little", n)
	}
}

func meetsAny(s *geo.Shape, cells []s2.CellID) bool {
	for _, c := range cells {
		if s.Region().IntersectsCell(s2.CellFromCellID(c)) {
			return true
		}
	}
	return false
}

// nested reports whether some cell of a contains or is contained in some cell of b.
func nested(a, b []s2.CellID) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Contains(y) || y.Contains(x) {
				return true
			}
		}
	}
	return false
}
