package api

import (
	"strings"
	"testing"

	"concord"
)

const oneReport = `{"observed_at":"2016-03-01T10:00:00Z","location":{"lat":35,"lon":38},"category":"shelling","confidence":"seen"}`

func TestDecodeReportSubmissions(t *testing.T) {
	for _, c := range []struct {
		body  string
		n     int
		batch bool
		field string // of the error, "-" for none
	}{
		{oneReport, 1, false, "-"},
		{"[" + oneReport + "," + oneReport + "]", 2, true, "-"},
		{`{"reports":[` + oneReport + `]}`, 1, true, "-"},
		{`{"reports":[]}`, 0, true, "-"}, // refused by the mechanism: no reports
		{`{"reports":[` + oneReport + `],"extra":1}`, 0, true, "extra"},
		{`[` + oneReport + `,{"category":"shelling","colour":"red"}]`, 0, true, "reports[1]"},
		{`{"observed_at":"yesterday"}`, 0, false, ""},
		{``, 0, false, "body"},
		{`[1,2`, 0, true, "body"},
	} {
		rs, batch, err := decodeReports([]byte(c.body))
		switch {
		case c.field == "-" && err != nil:
			t.Errorf("%.40s: %v", c.body, err)
		case c.field != "-" && err == nil:
			t.Errorf("%.40s: accepted", c.body)
		case c.field != "-" && !strings.HasPrefix(concord.ErrorField(err), c.field):
			t.Errorf("%.40s: error names %q, want %q (%v)", c.body, concord.ErrorField(err), c.field, err)
		case err == nil && (len(rs) != c.n || batch != c.batch):
			t.Errorf("%.40s: %d reports, batch %t", c.body, len(rs), batch)
		}
	}
}

func TestWantsHTML(t *testing.T) {
	for _, c := range []struct {
		format, accept string
		html           bool
	}{
		{"", "", false},
		{"", "text/html,application/xhtml+xml,*/*;q=0.8", true},
		{"", "application/json, text/html", false},
		{"json", "text/html", false},
		{"html", "", true},
	} {
		if got, err := wantsHTML(c.format, c.accept); err != nil || got != c.html {
			t.Errorf("format %q, Accept %q: %t %v", c.format, c.accept, got, err)
		}
	}
	if _, err := wantsHTML("pdf", ""); concord.ErrorField(err) != "format" {
		t.Errorf("format=pdf: %v", err)
	}
}

// FuzzDecodeReports: any body either decodes into at most 1,000 reports or
// is refused with an EINVALID or ETOOLARGE error; it never panics.
func FuzzDecodeReports(f *testing.F) {
	for _, s := range []string{oneReport, "[" + oneReport + "]", `{"reports":[` + oneReport + `]}`, `{"reports":null}`, `[]`, `{}`, `[{}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, _, err := decodeReports(body)
		if err != nil {
			if code := concord.ErrorCode(err); code != concord.EINVALID && code != concord.ETOOLARGE {
				t.Fatalf("error code %s: %v", code, err)
			}
			return
		}
		if len(rs) > 1000 {
			t.Fatalf("%d reports accepted", len(rs))
		}
	})
}
