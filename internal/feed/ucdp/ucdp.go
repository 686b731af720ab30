// Package ucdp reads the UCDP Georeferenced Event Dataset (GED) in its CSV
// form and maps events to violation reports (ceasefire.Report), so that real
// event data can be imported (issue 5: concord report import --format
// ucdp-ged).
//
// The format is that of the 41 standard GED columns described in the UCDP GED
// Codebook version 19.1 (Högbladh 2019); see Sundberg and Melander (2013),
// "Introducing the UCDP Georeferenced Event Dataset", Journal of Peace
// Research 50(4). GED data are licensed CC BY 4.0. The package does no I/O of
// its own: it reads the io.Reader it is given.
package ucdp

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"concord"
)

// Event is one GED event: one row, every standard column typed. Names follow
// the codebook's column names.
type Event struct {
	ID               int64
	Year             int
	ActiveYear       bool // the dyad was active (≥ 25 deaths) in the year
	TypeOfViolence   int  // 1 state-based, 2 non-state, 3 one-sided
	ConflictNewID    int64
	ConflictName     string
	DyadNewID        int64
	DyadName         string
	SideANewID       int64
	SideA            string
	SideBNewID       int64
	GWNoB            string // Gleditsch–Ward number(s) of side B when a state; "" otherwise
	SideB            string
	NumberOfSources  int
	SourceArticle    string // `"office,date,headline";"…"`
	SourceOffice     string
	SourceDate       string
	SourceHeadline   string
	SourceOriginal   string
	WherePrec        int // 1 (exact) … 7 (international waters or airspace)
	WhereCoordinates string
	Adm1             string
	Adm2             string
	Latitude         float64
	Longitude        float64
	GeomWKT          string
	PriogridGID      int64
	Country          string
	CountryID        int
	Region           string
	EventClarity     int // 1 clear, 2 unclear
	DatePrec         int // 1 (exact day) … 5 (year)
	DateStart        time.Time
	DateEnd          time.Time
	DeathsA          int
	DeathsB          int
	DeathsCivilians  int
	DeathsUnknown    int
	Low              int
	Best             int
	High             int
}

// column is one standard GED column and how to store it in an Event.
type column struct {
	name string
	set  func(e *Event, s string) error
}

// columns lists the 41 standard GED columns in the codebook's order.
var columns = []column{
	{"id", func(e *Event, s string) (err error) { e.ID, err = int64In(s, 1, math.MaxInt64); return }},
	{"year", func(e *Event, s string) (err error) { e.Year, err = intIn(s, 1989, 9999); return }},
	{"active_year", func(e *Event, s string) error {
		n, err := intIn(s, 0, 1)
		e.ActiveYear = n == 1
		return err
	}},
	{"type_of_violence", func(e *Event, s string) (err error) { e.TypeOfViolence, err = intIn(s, 1, 3); return }},
	{"conflict_new_id", func(e *Event, s string) (err error) { e.ConflictNewID, err = int64In(s, 0, math.MaxInt64); return }},
	{"conflict_name", text(func(e *Event) *string { return &e.ConflictName })},
	{"dyad_new_id", func(e *Event, s string) (err error) { e.DyadNewID, err = int64In(s, 0, math.MaxInt64); return }},
	{"dyad_name", text(func(e *Event) *string { return &e.DyadName })},
	{"side_a_new_id", func(e *Event, s string) (err error) { e.SideANewID, err = int64In(s, 0, math.MaxInt64); return }},
	{"side_a", text(func(e *Event) *string { return &e.SideA })},
	{"side_b_new_id", func(e *Event, s string) (err error) { e.SideBNewID, err = int64In(s, 0, math.MaxInt64); return }},
	{"gwnob", text(func(e *Event) *string { return &e.GWNoB })},
	{"side_b", text(func(e *Event) *string { return &e.SideB })},
	{"number_of_sources", func(e *Event, s string) (err error) { e.NumberOfSources, err = intIn(s, -1, 1_000_000); return }},
	{"source_article", text(func(e *Event) *string { return &e.SourceArticle })},
	{"source_office", text(func(e *Event) *string { return &e.SourceOffice })},
	{"source_date", text(func(e *Event) *string { return &e.SourceDate })},
	{"source_headline", text(func(e *Event) *string { return &e.SourceHeadline })},
	{"source_original", text(func(e *Event) *string { return &e.SourceOriginal })},
	{"where_prec", func(e *Event, s string) (err error) { e.WherePrec, err = intIn(s, 1, 7); return }},
	{"where_coordinates", text(func(e *Event) *string { return &e.WhereCoordinates })},
	{"adm_1", text(func(e *Event) *string { return &e.Adm1 })},
	{"adm_2", text(func(e *Event) *string { return &e.Adm2 })},
	{"latitude", func(e *Event, s string) (err error) { e.Latitude, err = floatIn(s, -90, 90); return }},
	{"longitude", func(e *Event, s string) (err error) { e.Longitude, err = floatIn(s, -180, 180); return }},
	{"geom_wkt", text(func(e *Event) *string { return &e.GeomWKT })},
	{"priogrid_gid", func(e *Event, s string) (err error) { e.PriogridGID, err = int64In(s, 0, math.MaxInt64); return }},
	{"country", text(func(e *Event) *string { return &e.Country })},
	{"country_id", func(e *Event, s string) (err error) { e.CountryID, err = intIn(s, 0, 1_000_000); return }},
	{"region", text(func(e *Event) *string { return &e.Region })},
	{"event_clarity", func(e *Event, s string) (err error) { e.EventClarity, err = intIn(s, 1, 2); return }},
	{"date_prec", func(e *Event, s string) (err error) { e.DatePrec, err = intIn(s, 1, 5); return }},
	{"date_start", func(e *Event, s string) (err error) { e.DateStart, err = date(s); return }},
	{"date_end", func(e *Event, s string) (err error) { e.DateEnd, err = date(s); return }},
	{"deaths_a", deaths(func(e *Event) *int { return &e.DeathsA })},
	{"deaths_b", deaths(func(e *Event) *int { return &e.DeathsB })},
	{"deaths_civilians", deaths(func(e *Event) *int { return &e.DeathsCivilians })},
	{"deaths_unknown", deaths(func(e *Event) *int { return &e.DeathsUnknown })},
	{"low", deaths(func(e *Event) *int { return &e.Low })},
	{"best", deaths(func(e *Event) *int { return &e.Best })},
	{"high", deaths(func(e *Event) *int { return &e.High })},
}

// NumColumns is the number of standard GED columns.
const NumColumns = 41

// MaxField bounds the characters of one field.
const MaxField = 100_000

func text(field func(*Event) *string) func(*Event, string) error {
	return func(e *Event, s string) error {
		if len(s) > MaxField {
			return fmt.Errorf("longer than %d bytes", MaxField)
		}
		*field(e) = s
		return nil
	}
}

func deaths(field func(*Event) *int) func(*Event, string) error {
	return func(e *Event, s string) (err error) {
		*field(e), err = intIn(s, 0, 10_000_000)
		return err
	}
}

func int64In(s string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("want an integer from %d to %d, got %q", lo, hi, clip(s))
	}
	return n, nil
}

func intIn(s string, lo, hi int) (int, error) {
	n, err := int64In(s, int64(lo), int64(hi))
	return int(n), err
}

func floatIn(s string, lo, hi float64) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(f >= lo && f <= hi) {
		return 0, fmt.Errorf("want a number from %g to %g, got %q", lo, hi, clip(s))
	}
	return f, nil
}

// date parses a GED date: "2016-01-31", or a timestamp whose first ten
// characters are one ("2016-01-31 00:00:00.000"), as the GED API writes.
func date(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1989 {
		return time.Time{}, fmt.Errorf("want a date YYYY-MM-DD from 1989, got %q", clip(s))
	}
	return t, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ParseError is an error in the input, naming where: the row (the header is
// row 1, as in a spreadsheet), the line it starts on (rows may span lines),
// and the column. It wraps a concord EINVALID error.
type ParseError struct {
	Row    int
	Line   int
	Column string // "" when not about one column
	Err    error
}

func (e *ParseError) Error() string {
	where := fmt.Sprintf("ucdp: row %d (line %d)", e.Row, e.Line)
	if e.Column != "" {
		where += ", column " + e.Column
	}
	return where + ": " + concord.ErrorMessage(e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Reader reads GED events one by one from CSV (RFC 4180: quoted fields may
// hold commas, quotes and newlines). The header must name the 41 standard
// columns, in any order; other columns are ignored.
type Reader struct {
	csv    *csv.Reader
	index  []int // file position of each standard column
	row    int   // rows read, header included
	header error // sticky header error
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	c := csv.NewReader(r)
	c.ReuseRecord = true
	return &Reader{csv: c}
}

// Next returns the next event, or io.EOF after the last. Errors are
// *ParseError. After an error in a row, Next goes on with the following row;
// an error in the header is final.
func (r *Reader) Next() (Event, error) {
	if r.index == nil && r.header == nil {
		r.header = r.readHeader()
	}
	if r.header != nil {
		return Event{}, r.header
	}
	rec, err := r.read()
	if err != nil {
		return Event{}, err
	}
	return r.event(rec)
}

func (r *Reader) read() ([]string, error) {
	rec, err := r.csv.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	r.row++
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		return nil, &ParseError{Row: r.row, Line: pe.StartLine, Err: concord.Invalid("", "%v", pe.Err)}
	case err != nil:
		return nil, &ParseError{Row: r.row, Err: concord.Invalid("", "%v", err)}
	}
	return rec, nil
}

func (r *Reader) readHeader() error {
	rec, err := r.read()
	if err == io.EOF {
		return &ParseError{Row: 1, Line: 1, Err: concord.Invalid("", "empty input: no header")}
	}
	if err != nil {
		return err
	}
	pos := map[string]int{}
	for i, name := range rec {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
		if _, dup := pos[name]; dup {
			return &ParseError{Row: 1, Line: 1, Column: name, Err: concord.Invalid(name, "column named twice")}
		}
		pos[name] = i
	}
	index := make([]int, len(columns))
	for k, c := range columns {
		i, ok := pos[c.name]
		if !ok {
			return &ParseError{Row: 1, Line: 1, Column: c.name, Err: concord.Invalid(c.name, "missing standard GED column %q", c.name)}
		}
		index[k] = i
	}
	r.index = index
	return nil
}

func (r *Reader) event(rec []string) (Event, error) {
	var e Event
	for k, c := range columns {
		if err := c.set(&e, rec[r.index[k]]); err != nil {
			return Event{}, r.errorAt(k, concord.Invalid(c.name, "%v", err))
		}
	}
	if e.DateEnd.Before(e.DateStart) {
		return Event{}, r.errorAt(dateEndColumn, concord.Invalid("date_end", "before date_start"))
	}
	return e, nil
}

// dateEndColumn is the position of date_end in columns.
const dateEndColumn = 33

// errorAt returns err located at the standard column k of the current row.
func (r *Reader) errorAt(k int, err error) error {
	line, _ := r.csv.FieldPos(r.index[k])
	return &ParseError{Row: r.row, Line: line, Column: columns[k].name, Err: err}
}
