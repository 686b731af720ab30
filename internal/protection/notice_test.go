package protection

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"concord"
)

const validNotice = `{"kind":"air","purpose":"close air support to ground forces",
	"volumes":[{"footprint":{"type":"Polygon","coordinates":[[[36.95,36.16],[37.05,36.16],[37.05,36.19],[36.95,36.19],[36.95,36.16]]]},
		"floor_ft":0,"ceiling_ft":30000,"start":"2016-09-19T15:00:00Z","end":"2016-09-19T18:00:00Z"}]}`

var now2016 = time.Date(2016, 9, 19, 12, 0, 0, 0, time.UTC)

func decodeNotice(s string) (Input, error) {
	var in Input
	err := in.UnmarshalJSON([]byte(s))
	if err == nil {
		err = in.Validate(now2016)
	}
	return in, err
}

func TestNoticeValid(t *testing.T) {
	in, err := decodeNotice(validNotice)
	if err != nil {
		t.Fatal(err)
	}
	if in.Kind != Air || len(in.Volumes) != 1 || in.Volumes[0].CeilingFt != 30000 || in.Volumes[0].End.Hour() != 18 {
		t.Fatalf("decoded %+v", in)
	}
	defaults := strings.Replace(validNotice, `"floor_ft":0,"ceiling_ft":30000,`, "", 1)
	if in, err = decodeNotice(defaults); err != nil || in.Volumes[0].CeilingFt != 60000 {
		t.Fatalf("default band: %+v, %v", in.Volumes, err)
	}
}

func TestNoticeInvalid(t *testing.T) {
	vol := `{"footprint":{"type":"Point","coordinates":[36.9,36.1]},"radius_m":500,"start":"2016-09-19T15:00:00Z","end":"2016-09-19T16:00:00Z"}`
	for _, tc := range []struct{ old, new, field, code string }{
		{`"kind":"air"`, `"kind":"naval"`, "kind", concord.EINVALID},
		{`"kind":"air"`, `"kind":"air","target":"the bridge"`, "target", concord.EINVALID},
		{`"purpose":"close air support to ground forces"`, `"purpose":" "`, "purpose", concord.EINVALID},
		{`"purpose":"close air support to ground forces"`, `"purpose":"a\u0007b"`, "purpose", concord.EINVALID},
		{`"purpose":"close air support to ground forces"`, `"purpose":"` + strings.Repeat("x", MaxPurposeLen+1) + `"`, "purpose", concord.EINVALID},
		{`,"end":"2016-09-19T18:00:00Z"`, ``, "volumes[0].end", concord.EINVALID},
		{`"end":"2016-09-19T18:00:00Z"`, `"end":"2016-11-19T18:00:00Z"`, "volumes[0].end", concord.EINVALID},
		{`"end":"2016-09-19T18:00:00Z"`, `"end":"2016-09-19T14:00:00Z"`, "volumes[0].end", concord.EINVALID},
		{`"end":"2016-09-19T18:00:00Z"`, `"end":"tomorrow"`, "volumes[0].end", concord.EINVALID},
		{`"ceiling_ft":30000`, `"ceiling_ft":-10`, "volumes[0].floor_ft", concord.EINVALID},
		{`[36.95,36.19],[36.95,36.16]]`, `[36.95,36.19]]`, "volumes[0].footprint.coordinates[0][3]", concord.EINVALID},
		{`[36.95,36.16],[37.05`, `[36.95,96.16],[37.05`, "volumes[0].footprint.coordinates[0][0][1]", concord.EINVALID},
		{`"floor_ft":0`, `"floor_ft":0,"colour":"red"`, "volumes[0].colour", concord.EINVALID},
		{`"start":"2016-09-19T15:00:00Z"`, `"start":"2046-09-19T15:00:00Z"`, "volumes[0].start", concord.EINVALID},
		{validNotice[strings.Index(validNotice, `"volumes":`) : len(validNotice)-1], `"volumes":[]`, "volumes", concord.EINVALID},
		{validNotice[strings.Index(validNotice, `"volumes":`) : len(validNotice)-1], `"volumes":[` + strings.Repeat(vol+",", MaxVolumes) + vol + `]`, "volumes", concord.ETOOLARGE},
	} {
		t.Run(tc.field, func(t *testing.T) {
			if !strings.Contains(validNotice, tc.old) {
				t.Fatalf("no %q in the notice", tc.old)
			}
			_, err := decodeNotice(strings.Replace(validNotice, tc.old, tc.new, 1))
			if concord.ErrorField(err) != tc.field || concord.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s naming %q", err, tc.code, tc.field)
			}
		})
	}
}

// FuzzNotice checks that decoding and validation never panic nor fail
// internally, and that an accepted notice keeps the promised bounds and
// survives a JSON round trip unchanged.
func FuzzNotice(f *testing.F) {
	f.Add(validNotice)
	f.Add(`{"kind":"ground","purpose":"p","volumes":[{"footprint":{"type":"Point","coordinates":[0,0]},"radius_m":1,"start":"2016-09-19T15:00:00Z","end":"2016-09-19T15:00:00.001Z"}]}`)
	f.Add(`{"kind":"artillery","volumes":null}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		in, err := decodeNotice(s)
		if err != nil {
			if concord.ErrorCode(err) == concord.EINTERNAL {
				t.Fatalf("internal error for %q: %v", s, err)
			}
			return
		}
		if !in.Kind.Valid() || len(in.Volumes) == 0 || len(in.Volumes) > MaxVolumes {
			t.Fatalf("accepted %+v", in)
		}
		for _, v := range in.Volumes {
			if v.End == nil || !v.End.After(v.Start) || v.End.Sub(v.Start) > MaxWindow || v.FloorFt >= v.CeilingFt {
				t.Fatalf("accepted volume %+v", v)
			}
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeNotice(string(b))
		if err != nil {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		if b2, _ := json.Marshal(again); string(b2) != string(b) {
			t.Fatalf("round trip changed %s into %s", b, b2)
		}
	})
}
