package access

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func TestCompute(t *testing.T) {
	base := testMovement(t)
	at := func(h int) time.Time { return now2016.Add(time.Duration(h) * time.Hour) }
	approve := []Answer{{Party: "A", Decision: Approve}, {Party: "B", Decision: Approve}}
	delivered, _ := base.Decided(approve, at(2))
	delivered.State, delivered.Delivery = Delivered, &Delivery{Kind: "full", Delivered: base.Convoy.Cargo, Beneficiaries: 78000}
	partial, _ := base.Decided(approve, at(6))
	partial.State, partial.Delivery = Delivered, &Delivery{Kind: "partial", Beneficiaries: 5000,
		Delivered: []CargoLine{{"food parcels", 200, "parcels"}}}
	denied, _ := base.Decided([]Answer{{Party: "B", Decision: Deny, Reason: "no"}}, at(4))
	attacked, _ := base.Decided(approve, at(8))
	attacked.State = Attacked
	elsewhere := base
	elsewhere.Destination = "z_other"
	f := Compute("z_urum", []Movement{delivered, partial, denied, attacked, base, elsewhere})
	want := Figures{Area: "z_urum", Requests: 5, Approvals: 3, Denials: 1, Pending: 1, Deliveries: 2, FullDeliveries: 1,
		PartialDeliveries: 1, BeneficiariesPlanned: 5 * 78000, BeneficiariesReached: 83000, Attacked: 1}
	med := *f.MedianDecisionS
	f.MedianDecisionS, f.Delivered = nil, f.Delivered[:0:0]
	if f.Area != want.Area || f.Requests != want.Requests || f.Approvals != want.Approvals || f.Denials != want.Denials ||
		f.Pending != want.Pending || f.Deliveries != want.Deliveries || f.FullDeliveries != want.FullDeliveries ||
		f.PartialDeliveries != want.PartialDeliveries || f.BeneficiariesPlanned != want.BeneficiariesPlanned ||
		f.BeneficiariesReached != want.BeneficiariesReached || f.Attacked != want.Attacked {
		t.Fatalf("figures %+v, want %+v", f, want)
	}
	if med != 5*3600 { // decisions after 2, 4, 6 and 8 hours: the mean of 4 and 6
		t.Fatalf("median %v s, want 18000", med)
	}
	summed := Compute("z_urum", []Movement{delivered, partial}).Delivered
	if len(summed) != 2 || summed[0] != (CargoLine{"food parcels", 2000, "parcels"}) || summed[1].Item != "medical supplies" {
		t.Fatalf("delivered %+v", summed)
	}
	if none := Compute("z_none", nil); none.MedianDecisionS != nil || none.Requests != 0 {
		t.Fatalf("no movements: %+v", none)
	}
}

func TestWriteCSV(t *testing.T) {
	m := 90.5
	fs := []Figures{{Area: "z_urum", Requests: 3, Approvals: 2, MedianDecisionS: &m,
		Delivered: []CargoLine{{"wheat flour, bags", 1e7, "kg"}, {"kits", 3, "pcs"}}}, {Area: "z_madaya"}}
	var b strings.Builder
	if err := WriteCSV(&b, fs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatalf("%v in\n%s", err, b.String())
	}
	if len(rows) != 3 || len(rows[0]) != len(CSVHeader) || rows[1][0] != "z_urum" || rows[1][5] != "90.5" || rows[2][5] != "" {
		t.Fatalf("rows %q", rows)
	}
	if got := rows[1][len(CSVHeader)-1]; got != "10000000 kg wheat flour, bags; 3 pcs kits" {
		t.Fatalf("delivered cell %q", got)
	}
}
