package geo_test

import (
	"fmt"

	"concord/internal/geo"
)

func ExampleNewShape() {
	hospital := geo.Geometry{Type: geo.TypePoint, Point: geo.Position{36.2765, 33.5138}}
	site, err := geo.NewShape(hospital, 500)
	if err != nil {
		panic(err)
	}
	fmt.Println(site.ContainsPoint(geo.Destination(hospital.Point, 45, 500)))
	fmt.Println(site.ContainsPoint(geo.Destination(hospital.Point, 45, 501)))
	// Output:
	// true
	// false
}

func ExampleParseBBox() {
	r, err := geo.ParseBBox("179,-17,-178,-16")
	fmt.Println(r.CrossesAntimeridian(), err)
	fmt.Println(r.ContainsPoint(geo.Position{180, -16.5}))
	// Output:
	// true <nil>
	// true
}

func ExampleCovering() {
	site, _ := geo.NewShape(geo.Geometry{Type: geo.TypePoint, Point: geo.Position{36.2765, 33.5138}}, 3000)
	cells, _ := geo.Covering(site, geo.DefaultCoarseLevel)
	for _, c := range cells {
		fmt.Print(c.ToToken(), " ")
	}
	fmt.Println()
	// Output:
	// 1518ddf 1518de1 1518de3 1518e09 1518e0b 1518e0d 1518e0f 1518e13 1518e6d 1518e71 1518e73 1518e75 1518e77
}

func ExampleCellRange() {
	q := geo.RectCovering(geo.Rect{MinLon: 36.2, MinLat: 33.4, MaxLon: 36.4, MaxLat: 33.6})[0]
	lo, hi := geo.CellRange(q)
	fmt.Println(lo < hi, len(geo.Ancestors(q)) == q.Level())
	// Output: true true
}
