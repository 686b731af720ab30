package zones

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"concord"
	"concord/internal/geo"
)

// KML 2.2 (OGC 07-147r2) elements read by importKML. Elements are matched
// by local name in any namespace; everything else is ignored.
type kmlPlacemark struct {
	Name         string          `xml:"name"`
	ExtendedData kmlExtendedData `xml:"ExtendedData"`
	TimeSpan     *struct {
		Begin string `xml:"begin"`
		End   string `xml:"end"`
	} `xml:"TimeSpan"`
	kmlGeometries
}

type kmlExtendedData struct {
	Data []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value"`
	} `xml:"Data"`
	SimpleData []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:",chardata"`
	} `xml:"SchemaData>SimpleData"`
}

type kmlGeometries struct {
	Points      []kmlCoordinates `xml:"Point"`
	Polygons    []kmlPolygon     `xml:"Polygon"`
	Multi       []kmlGeometries  `xml:"MultiGeometry"`
	LineStrings []kmlCoordinates `xml:"LineString"`
	Rings       []kmlCoordinates `xml:"LinearRing"`
	Models      []struct{}       `xml:"Model"`
	Tracks      []struct{}       `xml:"Track"`
}

type kmlCoordinates struct {
	Coordinates string `xml:"coordinates"`
}

type kmlPolygon struct {
	Outer kmlCoordinates   `xml:"outerBoundaryIs>LinearRing"`
	Inner []kmlCoordinates `xml:"innerBoundaryIs>LinearRing"`
}

// importKML reads the Placemarks of a KML document, wherever they are
// (Document, Folder, nested). A placemark's polygons (Polygon, or several in
// a MultiGeometry) make one MultiPolygon (or Polygon) volume; each Point is a
// volume of its own (with the placemark's radius_m). LineStrings, tracks and
// models are refused. Coordinates are "lon,lat[,alt]" tuples separated by
// white space (altitude and altitudeMode are ignored: the band comes from
// floor_ft and ceiling_ft). Fields are named "placemarks[i].name",
// "placemarks[i].data.kind", "placemarks[i].TimeSpan.begin",
// "placemarks[i].geometry.coordinates[r][k]" (a polygon, as in GeoJSON) or
// "placemarks[i].Point[j].coordinates".
func importKML(data []byte, d Defaults) ([]record, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var recs []record
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, concord.Invalid(fmt.Sprintf("placemarks[%d]", len(recs)), "not valid XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Placemark" {
			continue
		}
		if len(recs) == MaxFeatures {
			return nil, tooLarge("placemarks", "more than %d placemarks", MaxFeatures)
		}
		r, err := kmlRecord(dec, se, fmt.Sprintf("placemarks[%d]", len(recs)), d)
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	if len(recs) == 0 {
		return nil, concord.Invalid("", "no Placemark in this KML document")
	}
	return recs, nil
}

func kmlRecord(dec *xml.Decoder, se xml.StartElement, at string, d Defaults) (record, error) {
	var pm kmlPlacemark
	if err := dec.DecodeElement(&pm, &se); err != nil {
		return record{}, concord.Invalid(at, "not a valid Placemark: %v", err)
	}
	geoms, paths, err := pm.footprints(at)
	if err != nil {
		return record{}, err
	}
	vals, timeSpan := pm.values()
	a := attributes{vals: vals, at: at, footprints: paths, field: func(k string) string {
		switch {
		case k == "name" && pm.Name != "":
			return at + ".name"
		case timeSpan[k] != "":
			return at + ".TimeSpan." + timeSpan[k]
		}
		return at + ".data." + k
	}}
	return a.record(geoms, d)
}

// values returns the placemark's attributes, and which of them come from
// its TimeSpan (start: "begin", end: "end").
func (pm kmlPlacemark) values() (map[string]value, map[string]string) {
	vals := map[string]value{}
	for _, s := range pm.ExtendedData.SimpleData {
		vals[s.Name] = value{text: strings.TrimSpace(s.Value)}
	}
	for _, dt := range pm.ExtendedData.Data {
		vals[dt.Name] = value{text: strings.TrimSpace(dt.Value)}
	}
	if name := strings.TrimSpace(pm.Name); name != "" {
		vals["name"] = value{text: name}
	}
	from := map[string]string{}
	if ts := pm.TimeSpan; ts != nil {
		for key, s := range map[string]string{"start": ts.Begin, "end": ts.End} {
			if _, ok := vals[key]; !ok && strings.TrimSpace(s) != "" {
				vals[key] = value{text: strings.TrimSpace(s)}
				from[key] = map[string]string{"start": "begin", "end": "end"}[key]
			}
		}
	}
	return vals, from
}

// footprints returns the placemark's volumes' footprints and their fields.
func (pm kmlPlacemark) footprints(at string) ([]geo.Geometry, []string, error) {
	var polys [][][]geo.Position
	var points []geo.Geometry
	if err := pm.kmlGeometries.collect(&polys, &points, at); err != nil {
		return nil, nil, err
	}
	var geoms []geo.Geometry
	var paths []string
	switch len(polys) {
	case 0:
	case 1:
		geoms, paths = append(geoms, geo.Geometry{Type: geo.TypePolygon, Polygons: polys}), append(paths, at+".geometry")
	default:
		geoms, paths = append(geoms, geo.Geometry{Type: geo.TypeMultiPolygon, Polygons: polys}), append(paths, at+".geometry")
	}
	for j, p := range points {
		geoms, paths = append(geoms, p), append(paths, fmt.Sprintf("%s.Point[%d]", at, j))
	}
	if len(geoms) == 0 {
		return nil, nil, concord.Invalid(at, "no Point, Polygon or MultiGeometry of them")
	}
	return geoms, paths, nil
}

func (g kmlGeometries) collect(polys *[][][]geo.Position, points *[]geo.Geometry, at string) error {
	switch {
	case len(g.LineStrings) > 0 || len(g.Rings) > 0:
		return concord.Invalid(at+".LineString", "a zone is a Polygon or a Point with radius_m; a line is a route")
	case len(g.Models) > 0 || len(g.Tracks) > 0:
		return concord.Invalid(at, "Model and Track geometries are not zones")
	}
	for _, p := range g.Points {
		pos, err := kmlPositions(p.Coordinates, fmt.Sprintf("%s.Point[%d].coordinates", at, len(*points)))
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return concord.Invalid(fmt.Sprintf("%s.Point[%d].coordinates", at, len(*points)), "a Point has one position, not %d", len(pos))
		}
		*points = append(*points, geo.Geometry{Type: geo.TypePoint, Point: pos[0]})
	}
	for _, p := range g.Polygons {
		rings, err := p.rings(fmt.Sprintf("%s.geometry.coordinates[%d]", at, len(*polys)))
		if err != nil {
			return err
		}
		*polys = append(*polys, rings)
	}
	for _, m := range g.Multi {
		if err := m.collect(polys, points, at); err != nil {
			return err
		}
	}
	return nil
}

func (p kmlPolygon) rings(field string) ([][]geo.Position, error) {
	all := append([]kmlCoordinates{p.Outer}, p.Inner...)
	rings := make([][]geo.Position, len(all))
	for r, c := range all {
		ring, err := kmlPositions(c.Coordinates, fmt.Sprintf("%s[%d]", field, r))
		if err != nil {
			return nil, err
		}
		rings[r] = ring
	}
	return rings, nil
}

// kmlPositions parses a KML coordinates string: "lon,lat[,alt]" tuples
// separated by white space.
func kmlPositions(s, field string) ([]geo.Position, error) {
	tuples := strings.Fields(s)
	if len(tuples) > geo.MaxVertices {
		return nil, tooLarge(field, "%d positions; at most %d are allowed", len(tuples), geo.MaxVertices)
	}
	out := make([]geo.Position, len(tuples))
	for k, t := range tuples {
		parts := strings.Split(t, ",")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, concord.Invalid(fmt.Sprintf("%s[%d]", field, k), "%q: want lon,lat[,alt]", t)
		}
		for i := range parts {
			f, err := strconv.ParseFloat(parts[i], 64)
			if err != nil {
				return nil, concord.Invalid(fmt.Sprintf("%s[%d][%d]", field, k, i), "%q is not a number", parts[i])
			}
			if i < 2 {
				out[k][i] = f
			}
		}
	}
	return out, nil
}
