package web

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/golang/geo/s2"
)

var update = flag.Bool("update", false, "rewrite testdata/s2cells.json")

// goldenCell is one token and its corners as Go's S2 computes them; the
// browser tests check the console's s2.js against this file.
type goldenCell struct {
	Token   string        `json:"token"`
	Level   int           `json:"level"`
	Corners [4][2]float64 `json:"corners"` // [lat, lng] degrees, S2 vertex order
}

// goldenTokens: every face, levels 0 to 30, and cells over Syria at the
// default coarse level 12.
func goldenTokens() []s2.CellID {
	ids := []s2.CellID{}
	for f := 0; f < 6; f++ {
		ids = append(ids, s2.CellIDFromFace(f))
	}
	for _, ll := range [][2]float64{{33.5716, 36.4019}, {36.2044, 37.1856}, {-33.9, 151.2}, {64.1, -21.9}, {-89.9, 10}, {0, 179.99}, {12, -100}} {
		leaf := s2.CellIDFromLatLng(s2.LatLngFromDegrees(ll[0], ll[1]))
		for _, lv := range []int{1, 5, 12, 13, 20, 30} {
			ids = append(ids, leaf.Parent(lv))
		}
	}
	return ids
}

func computeGolden() []goldenCell {
	var out []goldenCell
	for _, id := range goldenTokens() {
		c := s2.CellFromCellID(id)
		g := goldenCell{Token: id.ToToken(), Level: id.Level()}
		for k := 0; k < 4; k++ {
			ll := s2.LatLngFromPoint(c.Vertex(k))
			g.Corners[k] = [2]float64{ll.Lat.Degrees(), ll.Lng.Degrees()}
		}
		out = append(out, g)
	}
	return out
}

func TestS2Golden(t *testing.T) {
	const file = "testdata/s2cells.json"
	got := computeGolden()
	if *update {
		lines := make([]string, len(got))
		for i, g := range got {
			b, _ := json.Marshal(g)
			lines[i] = string(b)
		}
		b := "[\n" + strings.Join(lines, ",\n") + "\n]\n"
		if err := os.WriteFile(file, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err, "(go test ./internal/web -run S2Golden -update)")
	}
	var want []goldenCell
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s is stale: go test ./internal/web -run S2Golden -update", file)
	}
}
