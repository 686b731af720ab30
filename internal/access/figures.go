package access

import (
	"cmp"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
)

// Figures are the access figures of one besieged area: what was asked, what
// the parties answered and how fast, and what reached the people there.
type Figures struct {
	Area                 string      `json:"area"`
	Requests             int         `json:"requests"`  // movements to the area
	Approvals            int         `json:"approvals"` // decided approved (whatever happened next)
	Denials              int         `json:"denials"`
	Pending              int         `json:"pending"`           // still awaiting consents
	MedianDecisionS      *float64    `json:"median_decision_s"` // request to decision, seconds; null when none decided
	Deliveries           int         `json:"deliveries"`        // full and partial
	FullDeliveries       int         `json:"full_deliveries"`
	PartialDeliveries    int         `json:"partial_deliveries"`
	BeneficiariesPlanned int         `json:"beneficiaries_planned"` // of all requests
	BeneficiariesReached int         `json:"beneficiaries_reached"` // of all deliveries
	Blocked              int         `json:"blocked"`               // movements now blocked
	Attacked             int         `json:"attacked"`              // movements now attacked
	Cancelled            int         `json:"cancelled"`
	Delivered            []CargoLine `json:"delivered"` // quantities delivered, per item and unit
}

// Compute returns the figures of area from the current versions of the
// movements (those to other areas are ignored). A movement approved without
// any consent required decides at once (time to decision 0). The median of an
// even count is the mean of the two middle values. Delivered lines are
// summed per item and unit, sorted by item then unit.
func Compute(area string, ms []Movement) Figures {
	f := Figures{Area: area, Delivered: []CargoLine{}}
	var waits []float64
	for _, mv := range ms {
		if mv.Destination != area {
			continue
		}
		f.count(mv)
		if mv.DecidedAt != nil {
			waits = append(waits, mv.DecidedAt.Sub(mv.CreatedAt).Seconds())
		}
	}
	f.MedianDecisionS = median(waits)
	slices.SortFunc(f.Delivered, func(a, b CargoLine) int {
		return cmp.Or(cmp.Compare(a.Item, b.Item), cmp.Compare(a.Unit, b.Unit))
	})
	return f
}

func (f *Figures) count(mv Movement) {
	f.Requests++
	f.BeneficiariesPlanned += mv.Convoy.Beneficiaries
	switch mv.Decision {
	case Approved:
		f.Approvals++
	case Denied:
		f.Denials++
	default:
		f.Pending++
	}
	switch mv.State {
	case Blocked:
		f.Blocked++
	case Attacked:
		f.Attacked++
	case Cancelled:
		f.Cancelled++
	}
	if mv.State == Delivered && mv.Delivery != nil {
		f.deliver(*mv.Delivery)
	}
}

func (f *Figures) deliver(d Delivery) {
	f.Deliveries++
	if d.Kind == "full" {
		f.FullDeliveries++
	} else {
		f.PartialDeliveries++
	}
	f.BeneficiariesReached += d.Beneficiaries
	for _, l := range d.Delivered {
		i := slices.IndexFunc(f.Delivered, func(x CargoLine) bool { return x.key() == l.key() })
		if i < 0 {
			f.Delivered = append(f.Delivered, l)
		} else {
			f.Delivered[i].Quantity += l.Quantity
		}
	}
}

func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Sorted(slices.Values(xs))
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}

// CSVHeader is the header row of WriteCSV.
var CSVHeader = []string{"area", "requests", "approvals", "denials", "pending", "median_decision_s",
	"deliveries", "full_deliveries", "partial_deliveries", "beneficiaries_planned", "beneficiaries_reached",
	"blocked", "attacked", "cancelled", "delivered"}

// WriteCSV writes one row per area (RFC 4180). The median is empty when no
// request was decided; delivered is "quantity unit item" lines joined by
// "; ". Numbers are plain decimals, never exponents.
func WriteCSV(w io.Writer, fs []Figures) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	for _, f := range fs {
		cw.Write(f.row())
	}
	cw.Flush()
	return cw.Error()
}

func (f Figures) row() []string {
	med := ""
	if f.MedianDecisionS != nil {
		med = num(*f.MedianDecisionS)
	}
	delivered := ""
	for i, l := range f.Delivered {
		if i > 0 {
			delivered += "; "
		}
		delivered += num(l.Quantity) + " " + l.Unit + " " + l.Item
	}
	row := []string{f.Area}
	for _, n := range []int{f.Requests, f.Approvals, f.Denials, f.Pending} {
		row = append(row, strconv.Itoa(n))
	}
	row = append(row, med)
	for _, n := range []int{f.Deliveries, f.FullDeliveries, f.PartialDeliveries, f.BeneficiariesPlanned,
		f.BeneficiariesReached, f.Blocked, f.Attacked, f.Cancelled} {
		row = append(row, strconv.Itoa(n))
	}
	return append(row, delivered)
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
