package ceasefire

import (
	"cmp"
	"slices"
	"time"
)

// Summary is the daily picture of a ceasefire (issue 5): for the whole, for
// every ceasefire area and for every alleged party, what was reported and which
// incidents began on the day, with the previous day and the mean of the seven
// days before it for comparison.
type Summary struct {
	Date    string `json:"date"` // YYYY-MM-DD, a UTC day
	Total   Row    `json:"total"`
	Areas   []Row  `json:"areas"`   // every area given, in order; then ID "" for outside every area, if any
	Parties []Row  `json:"parties"` // parties alleged in the eight days, by ID; then ID "" for unattributed, if any
}

// Row is one line of a summary. Incidents count each incident once, on the UTC
// day it started, in every area holding its centroid and for every party
// alleged in it, with its deduplicated casualties (see Incident). Reports
// count every report on the UTC day it was observed, in every area holding its
// centre and for its alleged party, with casualties summed as reported:
// several reports of one event count several times there.
type Row struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Incidents Trend  `json:"incidents"`
	Reports   Trend  `json:"reports"`
}

// Trend is a day's figures beside the day before and the mean of the seven
// days before it, and the changes against both.
type Trend struct {
	Day       Figures[int]     `json:"day"`
	PrevDay   Figures[int]     `json:"previous_day"`
	Mean7     Figures[float64] `json:"mean_previous_7_days"`
	VsPrevDay Figures[int]     `json:"change_vs_previous_day"`
	VsMean7   Figures[float64] `json:"change_vs_mean_previous_7_days"`
}

// Figures are counts by category and casualties, in total and of civilians.
type Figures[N int | float64] struct {
	Total           N              `json:"total"`
	ByCategory      map[Category]N `json:"by_category"` // every category, zeros included
	Killed          N              `json:"killed"`
	Injured         N              `json:"injured"`
	CivilianKilled  N              `json:"civilian_killed"`
	CivilianInjured N              `json:"civilian_injured"`
}

// Names of the rows for what no area holds and no party is alleged in.
const (
	OutsideName      = "Outside every ceasefire area"
	UnattributedName = "No party alleged"
)

// tally is the running form of Figures.
type tally struct {
	cat [numCategories]int
	cas Casualties
}

func (t *tally) add(cat int, c Casualties) {
	if cat >= 0 {
		t.cat[cat]++
	}
	t.cas = addCasualties(t.cas, c)
}

type rowKind uint8

const (
	totalRow rowKind = iota
	areaRow
	partyRow
)

type rowKey struct {
	kind rowKind
	id   string
}

// dayBook holds one day's tallies, [0] for incidents and [1] for reports.
type dayBook map[rowKey]*[2]tally

func (b dayBook) add(k rowKey, which int, cat int, c Casualties) {
	t := b[k]
	if t == nil {
		t = new([2]tally)
		b[k] = t
	}
	t[which].add(cat, c)
}

// Ledger buckets reports and incidents by UTC day once, so that summaries of
// many days (a year of daily reports, say) cost little each.
type Ledger struct {
	areas []Area
	days  map[int64]dayBook
}

// NewLedger buckets reports by observed_at and incidents by start, testing
// each against the areas once.
func NewLedger(reports []Report, incidents []Incident, areas []Area) *Ledger {
	return newLedger(reports, incidents, areas, func(int64) bool { return true })
}

func newLedger(reports []Report, incidents []Incident, areas []Area, keep func(day int64) bool) *Ledger {
	l := &Ledger{areas: areas, days: map[int64]dayBook{}}
	ix := newAreaIndex(areas)
	for i := range incidents {
		inc := &incidents[i]
		if d := dayIndex(inc.Start); keep(d) {
			l.add(d, 0, ix, inc.Centroid, inc.AllegedParties, inc.Category.index(), inc.Casualties)
		}
	}
	for i := range reports {
		r := &reports[i]
		if d := dayIndex(r.ObservedAt); keep(d) {
			c, _ := r.Disc()
			l.add(d, 1, ix, c, []string{r.AllegedParty}, r.Category.index(), r.Casualties)
		}
	}
	return l
}

func (l *Ledger) add(day int64, which int, ix *areaIndex, at Point, parties []string, cat int, c Casualties) {
	b := l.days[day]
	if b == nil {
		b = dayBook{}
		l.days[day] = b
	}
	b.add(rowKey{totalRow, ""}, which, cat, c)
	inArea := false
	ix.at(at, func(i int) {
		inArea = true
		b.add(rowKey{areaRow, l.areas[i].ID}, which, cat, c)
	})
	if !inArea {
		b.add(rowKey{areaRow, ""}, which, cat, c)
	}
	if len(parties) == 0 {
		parties = []string{""}
	}
	for _, p := range parties {
		b.add(rowKey{partyRow, p}, which, cat, c)
	}
}

// Daily summarises one UTC day: the calendar date of day, read in day's own
// location, taken as a UTC date. Only the reports and incidents of that day and
// the seven before it are looked at; for many days, use a Ledger.
func Daily(reports []Report, incidents []Incident, day time.Time, areas []Area) Summary {
	d := dayIndex(calendarDay(day))
	l := newLedger(reports, incidents, areas, func(x int64) bool { return x >= d-7 && x <= d })
	return l.Daily(day)
}

// Daily summarises one UTC day, as the function Daily does.
func (l *Ledger) Daily(day time.Time) Summary {
	day = calendarDay(day)
	d := dayIndex(day)
	s := Summary{Date: day.Format(time.DateOnly), Total: l.row(d, rowKey{totalRow, ""}, "")}
	for _, a := range l.areas {
		s.Areas = append(s.Areas, l.row(d, rowKey{areaRow, a.ID}, a.Name))
	}
	if l.seen(d, rowKey{areaRow, ""}) {
		s.Areas = append(s.Areas, l.row(d, rowKey{areaRow, ""}, OutsideName))
	}
	for _, p := range l.parties(d) {
		name := p
		if p == "" {
			name = UnattributedName
		}
		s.Parties = append(s.Parties, l.row(d, rowKey{partyRow, p}, name))
	}
	return s
}

func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayIndex returns the UTC day number of t since the Unix epoch.
func dayIndex(t time.Time) int64 {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return d
}

// seen reports whether k has any tally in day d or the seven days before.
func (l *Ledger) seen(d int64, k rowKey) bool {
	for x := d - 7; x <= d; x++ {
		if l.days[x][k] != nil {
			return true
		}
	}
	return false
}

// parties returns the parties alleged in day d or the seven days before,
// sorted, with "" (unattributed) last.
func (l *Ledger) parties(d int64) []string {
	var out []string
	for x := d - 7; x <= d; x++ {
		for k := range l.days[x] {
			if k.kind == partyRow && !slices.Contains(out, k.id) {
				out = append(out, k.id)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(boolInt(a == ""), boolInt(b == "")), cmp.Compare(a, b))
	})
	return out
}

func (l *Ledger) row(d int64, k rowKey, name string) Row {
	return Row{ID: k.id, Name: name, Incidents: l.trend(d, k, 0), Reports: l.trend(d, k, 1)}
}

func (l *Ledger) trend(d int64, k rowKey, which int) Trend {
	day, prev := l.tally(d, k, which), l.tally(d-1, k, which)
	var week [7]tally
	for i := range week {
		week[i] = l.tally(d-1-int64(i), k, which)
	}
	t := Trend{Day: figures(day), PrevDay: figures(prev), Mean7: mean(week[:])}
	t.VsPrevDay = diff(t.Day, t.PrevDay)
	t.VsMean7 = diff(toFloat(t.Day), t.Mean7)
	return t
}

func (l *Ledger) tally(d int64, k rowKey, which int) tally {
	if t := l.days[d][k]; t != nil {
		return t[which]
	}
	return tally{}
}

func figures(t tally) Figures[int] {
	f := Figures[int]{ByCategory: map[Category]int{}, Killed: t.cas.Killed, Injured: t.cas.Injured,
		CivilianKilled: t.cas.CivilianKilled, CivilianInjured: t.cas.CivilianInjured}
	for i, c := range Categories {
		f.ByCategory[c] = t.cat[i]
		f.Total += t.cat[i]
	}
	return f
}

func toFloat(f Figures[int]) Figures[float64] {
	g := Figures[float64]{Total: float64(f.Total), ByCategory: map[Category]float64{},
		Killed: float64(f.Killed), Injured: float64(f.Injured),
		CivilianKilled: float64(f.CivilianKilled), CivilianInjured: float64(f.CivilianInjured)}
	for c, n := range f.ByCategory {
		g.ByCategory[c] = float64(n)
	}
	return g
}

func mean(ts []tally) Figures[float64] {
	var sum tally
	for _, t := range ts {
		for i := range sum.cat {
			sum.cat[i] += t.cat[i]
		}
		sum.cas = addCasualties(sum.cas, t.cas)
	}
	return scale(toFloat(figures(sum)), 1/float64(len(ts)))
}

func scale(f Figures[float64], k float64) Figures[float64] {
	g := Figures[float64]{Total: f.Total * k, ByCategory: map[Category]float64{},
		Killed: f.Killed * k, Injured: f.Injured * k, CivilianKilled: f.CivilianKilled * k, CivilianInjured: f.CivilianInjured * k}
	for c, n := range f.ByCategory {
		g.ByCategory[c] = n * k
	}
	return g
}

func diff[N int | float64](a, b Figures[N]) Figures[N] {
	f := Figures[N]{Total: a.Total - b.Total, ByCategory: map[Category]N{},
		Killed: a.Killed - b.Killed, Injured: a.Injured - b.Injured,
		CivilianKilled: a.CivilianKilled - b.CivilianKilled, CivilianInjured: a.CivilianInjured - b.CivilianInjured}
	for c := range a.ByCategory {
		f.ByCategory[c] = a.ByCategory[c] - b.ByCategory[c]
	}
	return f
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
