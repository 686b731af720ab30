package ucdp

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"concord"
	"concord/internal/ceasefire"
)

const (
	samplePath = "testdata/ged_syria_sample.csv"
	fullPath   = "testdata/ucdp_ged_syria_20160101_20191130.csv.gz" // gzip of ../shared/data's file
	fullEvents = 16_566
)

func readAll(t testing.TB, r io.Reader) []Event {
	t.Helper()
	var out []Event
	rd := NewReader(r)
	for {
		e, err := rd.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
}

func sample(t testing.TB) []byte {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestColumns(t *testing.T) {
	if len(columns) != NumColumns || columns[dateEndColumn].name != "date_end" {
		t.Fatalf("%d columns, column %d is %s", len(columns), dateEndColumn, columns[dateEndColumn].name)
	}
}

func TestReadSample(t *testing.T) {
	events := readAll(t, bytes.NewReader(sample(t)))
	if len(events) != 203 {
		t.Fatalf("%d events, want 203", len(events))
	}
	e := events[0]
	want := Event{
		ID: 214797, Year: 2016, ActiveYear: true, TypeOfViolence: 1, ConflictNewID: 299, ConflictName: "Syria: Government",
		DyadNewID: 11973, DyadName: "Government of Syria - Syrian insurgents", SideANewID: 118, SideA: "Government of Syria",
		SideBNewID: 4456, SideB: "Syrian insurgents", NumberOfSources: 1,
		SourceArticle: `"SOHR,2015-01-01,14 shells hit Dahya al-Assad an clashes continue around Ter Ma’la"`,
		SourceOffice:  "SOHR", SourceDate: "2015-01-01", SourceHeadline: "14 shells hit Dahya al-Assad an clashes continue around Ter Ma’la",
		SourceOriginal: "SOHR", WherePrec: 1, WhereCoordinates: "Teir Maaleh village", Adm1: "Homs Governorate", Adm2: "Ar Rastan district",
		Latitude: 34.802462, Longitude: 36.707602, GeomWKT: "POINT (36.707602 34.802462)", PriogridGID: 179714,
		Country: "Syria", CountryID: 652, Region: "Middle East", EventClarity: 1, DatePrec: 1,
		DateStart: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), DateEnd: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC),
		DeathsA: 2, DeathsB: 2, Low: 4, Best: 4, High: 4,
	}
	if e != want {
		t.Errorf("first event\n got %+v\nwant %+v", e, want)
	}
	multi := events[200:]
	for _, e := range multi {
		if !strings.Contains(e.SourceOriginal, "\n") {
			t.Errorf("event %d: the multi-line source_original lost its newlines", e.ID)
		}
	}
	if multi[0].ID != 217846 || multi[0].Adm1 == "" {
		t.Errorf("event after a multi-line field: %+v", multi[0])
	}
}

// header is the standard header.
func header() string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	return strings.Join(names, ",")
}

// firstRow returns the first data row of the sample, as text.
func firstRow(t *testing.T) string {
	lines := strings.SplitN(string(sample(t)), "\n", 3)
	return lines[1]
}

func TestReaderErrors(t *testing.T) {
	row := firstRow(t)
	badPrec := strings.Replace(row, ",1,Teir Maaleh village", ",9,Teir Maaleh village", 1)
	badLat := strings.Replace(row, ",34.802462,", ",north,", 1)
	badDates := strings.Replace(row, ",2016-01-01,2016-01-01,", ",2016-01-02,2016-01-01,", 1)
	for _, c := range []struct {
		name, in    string
		row, line   int
		column, msg string
	}{
		{"empty", "", 1, 1, "", "no header"},
		{"missing column", strings.Replace(header(), ",where_prec", "", 1) + "\n", 1, 1, "where_prec", "missing standard GED column"},
		{"duplicate column", header() + ",id\n", 1, 1, "id", "named twice"},
		{"bad where_prec", header() + "\n" + row + "\n" + badPrec + "\n", 3, 3, "where_prec", `want an integer from 1 to 7, got "9"`},
		{"bad latitude", header() + "\n" + badLat + "\n", 2, 2, "latitude", `got "north"`},
		{"dates reversed", header() + "\n" + badDates + "\n", 2, 2, "date_end", "before date_start"},
		{"short row", header() + "\n1,2,3\n", 2, 2, "", "wrong number of fields"},
		{"bare quote", header() + "\n" + `1,2"x` + "\n", 2, 2, "", `bare "`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd := NewReader(strings.NewReader(c.in))
			var err error
			for err == nil {
				_, err = rd.Next()
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Row != c.row || pe.Line != c.line || pe.Column != c.column || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %q (row %d line %d column %q), want row %d line %d column %q, %q", err, pe.Row, pe.Line, pe.Column, c.row, c.line, c.column, c.msg)
			}
			if concord.ErrorCode(err) != concord.EINVALID {
				t.Errorf("code %s", concord.ErrorCode(err))
			}
		})
	}
}

// After a bad row the reader goes on; line numbers count the lines of
// multi-line fields.
func TestReaderContinues(t *testing.T) {
	row := firstRow(t)
	in := header() + "\n" + `1,"two` + "\n" + `lines",x` + "\n" + row + "\n" + strings.Replace(row, ",Syria,652,", ",Syria,x,", 1) + "\n" + row + "\n"
	rd := NewReader(strings.NewReader(in))
	var got []string
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			got = append(got, pe.Error())
			continue
		}
		got = append(got, e.Adm1)
	}
	want := []string{
		"ucdp: row 2 (line 2): wrong number of fields",
		"Homs Governorate",
		`ucdp: row 4 (line 5), column country_id: want an integer from 0 to 1000000, got "x"`,
		"Homs Governorate",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestHeaderAnyOrderAndExtraColumns(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(sample(t))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for i, r := range rows[:3] {
		extra := "relid"
		if i > 0 {
			extra = "x"
		}
		out := append([]string{extra}, r...)
		slices.Reverse(out)
		w.Write(out)
	}
	w.Flush()
	b.WriteString("\ufeff") // a stray BOM mid-file is data, not a header: make sure it is not taken for one
	events := readAll(t, bytes.NewReader(append([]byte("\ufeff"), b.Bytes()[:b.Len()-3]...)))
	want := readAll(t, bytes.NewReader(sample(t)))[:2]
	if !slices.Equal(events, want) {
		t.Errorf("reordered columns read differently:\n%+v\n%+v", events, want)
	}
}

func TestPrecisionRadius(t *testing.T) {
	want := map[int]float64{1: 1_000, 2: 25_000, 3: 50_000, 4: 100_000, 5: 150_000, 6: 300_000, 7: 300_000}
	for p, m := range want {
		if got := PrecisionRadiusM(p); got != m {
			t.Errorf("where_prec %d: %v, want %v", p, got, m)
		}
	}
}

var syriaSides = map[string]string{
	"Government of Syria":  "sy-gov",
	"Syrian insurgents":    "sy-opp",
	"SDF":                  "sdf",
	"Government of Turkey": "tr-gov",
}

func TestToReport(t *testing.T) {
	events := readAll(t, bytes.NewReader(sample(t)))
	r := ToReport(events[0], syriaSides)
	want := ceasefire.Report{
		ID: "ucdp-214797", Author: Author, ObservedAt: time.Date(2016, 1, 1, 12, 0, 0, 0, time.UTC),
		Location: &ceasefire.Point{Lat: 34.802462, Lon: 36.707602}, UncertaintyM: 1000,
		Category: ceasefire.Shelling, AllegedParty: "sy-gov", Casualties: ceasefire.Casualties{Killed: 4},
		Sources:    []string{"SOHR,2015-01-01,14 shells hit Dahya al-Assad an clashes continue around Ter Ma’la"},
		Confidence: ceasefire.Assessed, ExternalID: "ucdp:214797",
	}
	r.Narrative = ""
	if !equalReports(r, want) {
		t.Errorf("got  %+v\nwant %+v", r, want)
	}
	for _, e := range events {
		r := ToReport(e, syriaSides)
		if err := r.Validate(time.Now()); err != nil {
			t.Errorf("event %d: %v", e.ID, err)
		}
	}
}

func equalReports(a, b ceasefire.Report) bool {
	return a.ID == b.ID && a.Author == b.Author && a.ObservedAt.Equal(b.ObservedAt) && *a.Location == *b.Location &&
		a.UncertaintyM == b.UncertaintyM && a.Category == b.Category && a.AllegedParty == b.AllegedParty &&
		a.Casualties == b.Casualties && slices.Equal(a.Sources, b.Sources) && a.Confidence == b.Confidence &&
		a.ExternalID == b.ExternalID && slices.Equal(a.Flags, b.Flags)
}

func TestToReportMapping(t *testing.T) {
	base := Event{ID: 7, WherePrec: 1, DatePrec: 1, TypeOfViolence: 1, DateStart: time.Date(2016, 2, 27, 0, 0, 0, 0, time.UTC),
		DateEnd: time.Date(2016, 2, 27, 0, 0, 0, 0, time.UTC), SideA: "IS", SideB: "SDF", Best: 5, DeathsCivilians: 2}
	for _, c := range []struct {
		name  string
		edit  func(*Event)
		check func(ceasefire.Report) bool
	}{
		{"side b maps when side a does not", func(e *Event) {}, func(r ceasefire.Report) bool { return r.AllegedParty == "sdf" }},
		{"a member of a coalition maps", func(e *Event) { e.SideA, e.SideB = "SNA, Government of Turkey", "SDF" },
			func(r ceasefire.Report) bool { return r.AllegedParty == "tr-gov" }},
		{"civilians are never alleged", func(e *Event) { e.SideA, e.SideB = "IS", "Civilians" },
			func(r ceasefire.Report) bool { return r.AllegedParty == "" }},
		{"casualties", func(e *Event) {}, func(r ceasefire.Report) bool {
			return r.Casualties == ceasefire.Casualties{Killed: 5, CivilianKilled: 2}
		}},
		{"country-level precision is capped and flagged", func(e *Event) { e.WherePrec = 6 }, func(r ceasefire.Report) bool {
			return r.UncertaintyM == ceasefire.MaxUncertaintyM && slices.Equal(r.Flags, []string{ceasefire.FlagLocationImprecise})
		}},
		{"a date range is flagged", func(e *Event) { e.DateEnd = e.DateEnd.AddDate(0, 0, 3) }, func(r ceasefire.Report) bool {
			return slices.Equal(r.Flags, []string{ceasefire.FlagDateImprecise}) && r.ObservedAt.Equal(time.Date(2016, 2, 27, 12, 0, 0, 0, time.UTC))
		}},
		{"airstrike", func(e *Event) { e.SourceHeadline = "Russian warplanes target Douma" },
			func(r ceasefire.Report) bool { return r.Category == ceasefire.Airstrike }},
		{"air before shells", func(e *Event) { e.SourceHeadline = "Helicopters drop barrel bombs; shells hit the town" },
			func(r ceasefire.Report) bool { return r.Category == ceasefire.Airstrike }},
		{"shelling", func(e *Event) { e.SourceHeadline = "Regime forces SHELL the town" },
			func(r ceasefire.Report) bool { return r.Category == ceasefire.Shelling }},
		{"clashes", func(e *Event) { e.SourceHeadline = "Clashes continue in the east" },
			func(r ceasefire.Report) bool { return r.Category == ceasefire.GroundAssault }},
		{"nothing known", func(e *Event) { e.SourceHeadline = "5 killed" },
			func(r ceasefire.Report) bool { return r.Category == ceasefire.Other }},
		{"articles split and cleaned", func(e *Event) {
			e.SourceArticle = `"SOHR,2017-03-19,warplanes; kill a person";"Jpost,2017-03-19,air strike` + "\n\nAU \t\nAnna" + `";"SOHR,2017-03-19,warplanes; kill a person"`
		}, func(r ceasefire.Report) bool {
			return slices.Equal(r.Sources, []string{"SOHR,2017-03-19,warplanes; kill a person", "Jpost,2017-03-19,air strike AU Anna"})
		}},
		{"office when no article", func(e *Event) { e.SourceOffice = "SOHR;Airwars" },
			func(r ceasefire.Report) bool { return slices.Equal(r.Sources, []string{"SOHR", "Airwars"}) }},
	} {
		e := base
		c.edit(&e)
		r := ToReport(e, syriaSides)
		if !c.check(r) {
			t.Errorf("%s: %+v", c.name, r)
		}
		if err := r.Validate(time.Now()); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// FuzzReader: the reader never panics, never loops, and every event it
// accepts converts to a report that validates.
func FuzzReader(f *testing.F) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitN(string(data), "\n", 4)
	f.Add([]byte(strings.Join(lines[:3], "\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data))
		for range len(data) + 2 {
			e, err := rd.Next()
			if err == io.EOF {
				return
			}
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if err != nil {
				if pe.Row == 1 {
					return
				}
				continue
			}
			r := ToReport(e, syriaSides)
			if err := r.Validate(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatalf("event %+v converts to an invalid report: %v", e, err)
			}
		}
		t.Fatal("Next did not reach io.EOF")
	})
}
