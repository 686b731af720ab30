package airspace

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// Infinite tin and tout travel as JSON null and come back infinite.
func TestConflictJSON(t *testing.T) {
	c := Conflict{A: "A", B: "B", TinS: math.Inf(-1), ToutS: math.Inf(1), TcpaS: 0, DcpaNM: 3, At: ScenarioTime}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"tin_s":null`) || !strings.Contains(string(b), `"tout_s":null`) || !strings.Contains(string(b), `"dcpa_nm":3`) {
		t.Errorf("json %s", b)
	}
	var back Conflict
	if err := json.Unmarshal(b, &back); err != nil || back != c {
		t.Errorf("round trip %+v, %v", back, err)
	}
	c.TinS, c.ToutS = -12.5, 40
	b, _ = json.Marshal(c)
	if err := json.Unmarshal(b, &back); err != nil || back != c {
		t.Errorf("round trip %+v, %v", back, err)
	}
}

// A track that changes party is compared afresh: its conflicts with its
// new party's aircraft end.
func TestDetectorPartyChange(t *testing.T) {
	lat, lon := nm(35, 38, 0, 40)
	a, b := report("A", 35, 38, 30000, 480, 0, 0), report("B", lat, lon, 30000, 480, 180, 0)
	d := NewDetector(DetectorConfig{})
	d.Update(a)
	d.Update(b)
	b.Party = a.Party
	if ch := d.Update(b); len(ch) != 1 || ch[0].Kind != Ended {
		t.Errorf("changes %v", ch)
	}
	s := NewDetector(DetectorConfig{SameParty: true})
	s.Update(a)
	if ch := s.Update(b); len(ch) != 1 || ch[0].Kind != Began {
		t.Errorf("same party compared: %v", ch)
	}
}
