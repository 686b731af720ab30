package ceasefire

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"math"
)

//go:embed daily.html.tmpl
var dailyHTML string

var dailyTemplate = template.Must(template.New("daily").Funcs(template.FuncMap{
	"signed":  signed,
	"signedf": signedf,
	"fixed1":  func(f float64) string { return fmt.Sprintf("%.1f", f) },
}).Parse(dailyHTML))

// RenderDailyHTML renders a summary as one printable, self-contained HTML page:
// inline CSS (A4 print layout; a neutral scheme that follows the reader's
// light or dark preference on screen and prints black on white), inline SVG
// bar charts drawn here, no scripts, no external resources. Every text is
// escaped by html/template.
func RenderDailyHTML(s Summary) []byte {
	var b bytes.Buffer
	if err := dailyTemplate.Execute(&b, newPage(s)); err != nil {
		panic(fmt.Sprintf("ceasefire: daily template: %v", err)) // the template is fixed; a failure is a bug
	}
	return b.Bytes()
}

// page is what the template shows.
type page struct {
	S          Summary
	Categories []Category
	Legend     []legendItem
	Overview   chart
	AreaChart  chart
	PartyChart chart
}

type legendItem struct {
	Label string
	Class string
	X     int
}

// chart is a horizontal stacked bar chart: one bar per row, one segment per
// category, and a tick at the seven-day mean.
type chart struct {
	Title  string
	Width  int
	Height int
	Bars   []barLine
	Axis   []tick
}

type barLine struct {
	Label      string
	Value      string
	Y          float64
	Segments   []segment
	MeanX      float64
	HasMean    bool
	TickTop    float64
	TickBottom float64
}

type segment struct {
	X, W  float64
	Class string
	Title string
}

type tick struct {
	X     float64
	Label string
}

// Chart geometry in SVG user units (1 unit = 1 px = 0.26 mm at 96 dpi).
const (
	chartWidth  = 640
	labelWidth  = 190
	valueWidth  = 40
	barHeight   = 14
	barGap      = 6
	chartTop    = 8
	chartBottom = 22
)

func newPage(s Summary) page {
	p := page{S: s, Categories: Categories[:]}
	for i, c := range Categories {
		p.Legend = append(p.Legend, legendItem{Label: string(c), Class: fmt.Sprintf("c%d", i), X: i * 105})
	}
	p.Overview = newChart("Incidents by category: the day, the previous day, the mean of the previous 7 days", []barInput{
		{"This day", s.Total.Incidents.Day, s.Total.Incidents.Mean7.Total},
		{"Previous day", s.Total.Incidents.PrevDay, -1},
	})
	p.AreaChart = newChart("Incidents by ceasefire area (tick: mean of the previous 7 days)", rowInputs(s.Areas))
	p.PartyChart = newChart("Incidents by alleged party (tick: mean of the previous 7 days)", rowInputs(s.Parties))
	return p
}

type barInput struct {
	label string
	f     Figures[int]
	mean  float64 // < 0: no tick
}

func rowInputs(rows []Row) []barInput {
	out := make([]barInput, len(rows))
	for i, r := range rows {
		out[i] = barInput{r.Name, r.Incidents.Day, r.Incidents.Mean7.Total}
	}
	return out
}

func newChart(title string, in []barInput) chart {
	most := 0.0
	for _, b := range in {
		most = max(most, float64(b.f.Total), b.mean)
	}
	step := max(1, niceCeil(most/4)) // whole incidents per tick
	top := 4 * step
	scale := float64(chartWidth-labelWidth-valueWidth) / top
	c := chart{Title: title, Width: chartWidth, Height: chartTop + len(in)*(barHeight+barGap) + chartBottom}
	for i, b := range in {
		c.Bars = append(c.Bars, newBar(b, float64(chartTop+i*(barHeight+barGap)), scale))
	}
	for k := range 5 {
		v := step * float64(k)
		c.Axis = append(c.Axis, tick{X: labelWidth + v*scale, Label: fmt.Sprintf("%.0f", v)})
	}
	return c
}

func newBar(b barInput, y, scale float64) barLine {
	l := barLine{Label: chartLabel(b.label), Value: fmt.Sprint(b.f.Total), Y: y, HasMean: b.mean >= 0, MeanX: labelWidth + max(b.mean, 0)*scale,
		TickTop: y - 3, TickBottom: y + barHeight + 3}
	x := float64(labelWidth)
	for i, c := range Categories {
		n := b.f.ByCategory[c]
		if n == 0 {
			continue
		}
		w := float64(n) * scale
		l.Segments = append(l.Segments, segment{X: x, W: w, Class: fmt.Sprintf("c%d", i), Title: fmt.Sprintf("%s: %d", c, n)})
		x += w
	}
	return l
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten, for axis ticks that
// read well; 0 for v ≤ 0.
func niceCeil(v float64) float64 {
	if !(v > 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// chartLabel shortens a label to fit beside its bar; the tables give it whole.
func chartLabel(s string) string {
	const most = 30
	if r := []rune(s); len(r) > most {
		return string(r[:most-1]) + "…"
	}
	return s
}

func signed(n int) string {
	if n > 0 {
		return fmt.Sprintf("+%d", n)
	}
	if n < 0 {
		return fmt.Sprintf("−%d", -n)
	}
	return "±0"
}

func signedf(f float64) string {
	switch s := fmt.Sprintf("%.1f", math.Abs(f)); {
	case s == "0.0":
		return "±0"
	case f > 0:
		return "+" + s
	default:
		return "−" + s
	}
}
