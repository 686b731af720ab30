package access

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"concord"
)

// A convoy from west Aleppo to Urum al-Kubra (approximate), 19 September 2016.
const validMovement = `{"name":"UN/SARC convoy to Urum al-Kubra",
	"route":{"type":"LineString","coordinates":[[37.1,36.2],[37.0,36.18],[36.96,36.17]]},
	"width_m":1000,"start":"2016-09-19T08:00:00Z","end":"2016-09-19T20:00:00Z",
	"convoy":{"vehicles":31,"cargo":[{"item":"food parcels","quantity":1800,"unit":"parcels"},
		{"item":"medical supplies","quantity":12,"unit":"t"}],"beneficiaries":78000},
	"destination":"z_urum"}`

var now2016 = time.Date(2016, 9, 18, 12, 0, 0, 0, time.UTC)

func decodeInput(t testing.TB, s string) (Input, error) {
	t.Helper()
	var in Input
	err := in.UnmarshalJSON([]byte(s))
	return in, err
}

// edit returns validMovement with old replaced by new (which must occur).
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(validMovement, old) {
		t.Fatalf("validMovement has no %q", old)
	}
	return strings.Replace(validMovement, old, new, 1)
}

func TestInputValid(t *testing.T) {
	in, err := decodeInput(t, validMovement)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Validate(now2016); err != nil {
		t.Fatalf("valid movement refused: %v", err)
	}
	if in.Convoy.Cargo[1].Unit != "t" || in.Route.Line[2][0] != 36.96 || in.End.Hour() != 20 {
		t.Fatalf("decoded %+v", in)
	}
}

func TestInputInvalid(t *testing.T) {
	for _, tc := range []struct{ old, new, field string }{
		{`"width_m":1000`, `"width_m":1000,"target":"x"`, "target"},
		{`"width_m":1000`, `"width_m":5`, "width_m"},
		{`"width_m":1000`, `"width_m":"wide"`, "width_m"},
		{`"type":"LineString"`, `"type":"Polygon"`, "route.coordinates[0][0]"},
		{`[[37.1,36.2],[37.0,36.18],[36.96,36.17]]`, `[[37.1,36.2]]`, "route.coordinates"},
		{`[[37.1,36.2],[37.0,36.18],[36.96,36.17]]`, `[[37.1,36.2],[37.0,96.18]]`, "route.coordinates[1][1]"},
		{`"route":{"type":"LineString","coordinates":[[37.1,36.2],[37.0,36.18],[36.96,36.17]]},`, ``, "route"},
		{`"start":"2016-09-19T08:00:00Z"`, `"start":"19/09/2016"`, "start"},
		{`"end":"2016-09-19T20:00:00Z"`, `"end":"2016-09-19T07:00:00Z"`, "end"},
		{`"end":"2016-09-19T20:00:00Z"`, `"end":"2016-11-19T07:00:00Z"`, "end"},
		{`"start":"2016-09-19T08:00:00Z","end":"2016-09-19T20:00:00Z"`, `"start":"2016-09-19T08:00:00Z"`, "end"},
		{`"vehicles":31`, `"vehicles":0`, "convoy.vehicles"},
		{`"beneficiaries":78000`, `"beneficiaries":-1`, "convoy.beneficiaries"},
		{`"quantity":1800`, `"quantity":0`, "convoy.cargo[0].quantity"},
		{`"quantity":1800`, `"quantity":"lots"`, "convoy.cargo.quantity"},
		{`"unit":"t"`, `"unit":""`, "convoy.cargo[1].unit"},
		{`"item":"medical supplies","quantity":12,"unit":"t"`, `"item":"food parcels","quantity":12,"unit":"parcels"`, "convoy.cargo[1]"},
		{`"cargo":[{"item":"food parcels","quantity":1800,"unit":"parcels"},
		{"item":"medical supplies","quantity":12,"unit":"t"}]`, `"cargo":[]`, "convoy.cargo"},
		{`"destination":"z_urum"`, `"destination":""`, "destination"},
		{`"destination":"z_urum"`, `"destination":"z urum"`, "destination"},
		{`"name":"UN/SARC convoy to Urum al-Kubra"`, `"name":"a\u0000b"`, "name"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			in, err := decodeInput(t, edit(t, tc.old, tc.new))
			if err == nil {
				err = in.Validate(now2016)
			}
			if concord.ErrorField(err) != tc.field || concord.ErrorCode(err) != concord.EINVALID {
				t.Fatalf("got %v, want an invalid error naming %q", err, tc.field)
			}
		})
	}
}

func TestInputStartTooFarFromNow(t *testing.T) {
	in, err := decodeInput(t, validMovement)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Validate(now2016.AddDate(25, 0, 0)); concord.ErrorField(err) != "start" {
		t.Fatalf("got %v, want start refused", err)
	}
}

func TestInputTooManyVertices(t *testing.T) {
	var b strings.Builder
	for i := range MaxRouteVertices + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "[%.6f,36.1]", 36+float64(i)*1e-4)
	}
	in, err := decodeInput(t, edit(t, `[[37.1,36.2],[37.0,36.18],[36.96,36.17]]`, "["+b.String()+"]"))
	if err == nil {
		err = in.Validate(now2016)
	}
	if concord.ErrorCode(err) != concord.ETOOLARGE || concord.ErrorField(err) != "route.coordinates" {
		t.Fatalf("got %v, want too large naming route.coordinates", err)
	}
}

// FuzzInput checks that decoding and validation never panic, that every
// error names a field or is about the whole body, and that an accepted
// movement keeps the promised bounds and survives a JSON round trip.
func FuzzInput(f *testing.F) {
	f.Add(validMovement)
	f.Add(`{"route":{"type":"LineString","coordinates":[[0,0],[0,0]]},"width_m":10}`)
	f.Add(`{"route":null}`)
	f.Add(strings.Replace(validMovement, "31", "1e9", 1))
	f.Fuzz(func(t *testing.T, s string) {
		in, err := decodeInput(t, s)
		if err == nil {
			err = in.Validate(now2016)
		}
		if err != nil {
			if concord.ErrorCode(err) == concord.EINTERNAL {
				t.Fatalf("internal error for %q: %v", s, err)
			}
			return
		}
		switch {
		case !in.End.After(in.Start) || in.End.Sub(in.Start) > MaxWindow:
			t.Fatalf("accepted window %v..%v", in.Start, in.End)
		case in.WidthM < MinWidthM || in.WidthM > MaxWidthM:
			t.Fatalf("accepted width %v", in.WidthM)
		case in.Convoy.Vehicles < 1 || len(in.Convoy.Cargo) == 0:
			t.Fatalf("accepted convoy %+v", in.Convoy)
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeInput(t, string(b))
		if err != nil {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		if err := again.Validate(now2016); err != nil {
			t.Fatalf("round trip of %s refused: %v", b, err)
		}
	})
}
