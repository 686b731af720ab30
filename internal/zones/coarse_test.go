package zones

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"concord/internal/geo"

	"github.com/golang/geo/s2"
)

// TestCoarseCoversSite: every point within the site's radius lies in one of
// the level-12 cells of the coarse cover.
func TestCoarseCoversSite(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	z := hospital()
	c, err := CoarseOf(z, geo.DefaultCoarseLevel)
	if err != nil {
		t.Fatal(err)
	}
	if c.CellLevel != 12 || !c.Coarse || len(c.Cells) == 0 {
		t.Fatalf("coarse zone %+v", c)
	}
	for range 5000 {
		p := geo.Destination(hosp, r.Float64()*360, geo.Meters(500*r.Float64()))
		tok := s2.CellIDFromLatLng(p.LatLng()).Parent(12).ToToken()
		if !slices.Contains(c.Cells, tok) {
			t.Fatalf("%v (cell %s) not in %v", p, tok, c.Cells)
		}
	}
	ids := make([]s2.CellID, len(c.Cells))
	for i, tok := range c.Cells {
		ids[i] = s2.CellIDFromToken(tok)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("cells not sorted by ID: %v", c.Cells)
	}
}

// TestCoarseLeaksNoCoordinate: the JSON of a coarse zone contains no
// rendering of the site's latitude or longitude, and no number but the band
// and the cell level.
func TestCoarseLeaksNoCoordinate(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for range 200 {
		site := geo.Position{35.7 + r.Float64()*6.7, 32.3 + r.Float64()*5}
		z := hospital()
		z.Volumes[0].Footprint = pointAt(site)
		z.Volumes[0].RadiusM = 100 + r.Float64()*3000
		c, err := CoarseOf(z, 12)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(c)
		fc, _ := FeatureCollection(nil, []CoarseZone{c})
		for _, out := range []string{string(b), string(fc)} {
			for _, prec := range []int{2, 3, 4} {
				for _, v := range site {
					if s := fmt.Sprintf("%.*f", prec, v); strings.Contains(out, s) {
						t.Fatalf("coarse JSON %s contains %s (site %v)", out, s, site)
					}
				}
			}
			if strings.Contains(out, z.Name) || strings.Contains(out, z.Owner) {
				t.Fatalf("coarse JSON names the site or its owner: %s", out)
			}
			checkNumbers(t, out)
		}
	}
}

var (
	keyNumberRE = regexp.MustCompile(`"(floor_ft|ceiling_ft|cell_level|version)":-?[0-9]`)
	stringRE    = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	numberRE    = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`)
)

// checkNumbers fails if out holds a JSON number other than floor_ft,
// ceiling_ft, cell_level and version (cell tokens are strings).
func checkNumbers(t *testing.T, out string) {
	t.Helper()
	allowed := len(keyNumberRE.FindAllString(out, -1))
	if n := len(numberRE.FindAllString(stringRE.ReplaceAllString(out, `""`), -1)); n != allowed {
		t.Fatalf("%d numbers in coarse JSON, %d allowed: %s", n, allowed, out)
	}
}

func TestCoarseEnvelope(t *testing.T) {
	z := noFly()
	end2 := t1.Add(48 * time.Hour)
	z.Volumes = append(z.Volumes, Volume{Footprint: square(37, 34, 37.1, 34.1), FloorFt: -500, CeilingFt: 40000, Start: t0.Add(-time.Hour), End: &end2})
	c, err := CoarseOf(z, 10)
	if err != nil {
		t.Fatal(err)
	}
	if c.FloorFt != -500 || c.CeilingFt != 40000 || !c.Start.Equal(t0.Add(-time.Hour)) || c.End == nil || !c.End.Equal(end2) {
		t.Errorf("envelope %v..%v, %v..%v", c.FloorFt, c.CeilingFt, c.Start, c.End)
	}
	if c.ID != z.ID || c.Version != z.Version || c.Kind != z.Kind || !slices.Equal(c.AppliesTo, z.AppliesTo) || c.Status != z.Status {
		t.Errorf("identity fields lost: %+v", c)
	}
	z.Volumes[1].End = nil
	if c := Coarse(z, 10); c.End != nil {
		t.Errorf("open-ended volume, end %v", c.End)
	}
}

// TestCoarseFallsBackToCoarserLevel: a zone too large for MaxCoverCells at
// the requested level is covered at a coarser one.
func TestCoarseFallsBackToCoarserLevel(t *testing.T) {
	z := Zone{Kind: SafeZone, Volumes: []Volume{{Footprint: square(35.7, 32.3, 42.4, 37.3), Start: t0}}}
	c, err := CoarseOf(z, 14)
	if err != nil {
		t.Fatal(err)
	}
	if c.CellLevel >= 14 || len(c.Cells) > geo.MaxCoverCells {
		t.Errorf("level %d, %d cells", c.CellLevel, len(c.Cells))
	}
	if _, err := CoarseOf(z, 31); err == nil {
		t.Errorf("level 31 accepted")
	}
}

// TestCoarseOfInvalidZone: Coarse never fails; for an invalid zone it
// hides nothing (the six face cells) and reveals nothing.
func TestCoarseOfInvalidZone(t *testing.T) {
	z := hospital()
	z.Volumes[0].RadiusM = -1
	if _, err := CoarseOf(z, 12); err == nil {
		t.Fatal("CoarseOf accepted an invalid zone")
	}
	c := Coarse(z, 12)
	if c.CellLevel != 0 || len(c.Cells) != 6 || c.Kind != z.Kind || c.ID != z.ID {
		t.Errorf("Coarse(invalid) = %+v", c)
	}
}

// A small site near a cell corner must not be given away by the four cells
// meeting at that corner: its cover always holds the 3×3 block around the
// cell of its centre, whatever its position within that cell.
func TestCoarseHidesPositionWithinCell(t *testing.T) {
	cell := s2.CellIDFromLatLng(s2.LatLngFromDegrees(33.5138, 36.2765)).Parent(12)
	c := s2.CellFromCellID(cell)
	var covers []string
	for i := 0; i < 4; i++ { // near each corner of the same cell
		v := s2.LatLngFromPoint(c.Vertex(i))
		ctr := s2.LatLngFromPoint(c.Center())
		lat := v.Lat.Degrees()*0.97 + ctr.Lat.Degrees()*0.03
		lon := v.Lng.Degrees()*0.97 + ctr.Lng.Degrees()*0.03
		z := Zone{ID: "z", Version: 1, Kind: ProtectedSite, SiteType: "hospital", Status: Active,
			Volumes: []Volume{{Footprint: geo.Geometry{Type: geo.TypePoint, Point: geo.Position{lon, lat}}, RadiusM: 100,
				FloorFt: 0, CeilingFt: 60000, Start: time.Date(2016, 9, 12, 0, 0, 0, 0, time.UTC)}}}
		cz := Coarse(z, 12)
		if len(cz.Cells) != 9 {
			t.Errorf("corner %d: cover has %d cells, want the 9 of the block", i, len(cz.Cells))
		}
		covers = append(covers, strings.Join(cz.Cells, ","))
	}
	for i := 1; i < 4; i++ {
		if covers[i] != covers[0] {
			t.Errorf("sites near corners %d and 0 of one cell get different covers:\n%s\n%s", i, covers[i], covers[0])
		}
	}
}
