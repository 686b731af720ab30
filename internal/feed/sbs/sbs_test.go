package sbs

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"reflect"
	"testing"
	"time"

	"concord"
	"concord/internal/airspace"
)

func mustParse(t *testing.T, line string) Message {
	t.Helper()
	m, err := ParseLine([]byte(line))
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return m
}

func TestParseLineMSG3(t *testing.T) {
	m := mustParse(t, "MSG,3,1,1,4CA2D6,1,2016/09/12,10:15:02.123,2016/09/12,10:15:02.123,,35000,,,35.4123,35.9481,,,0,0,0,0\r\n")
	want := Message{
		Type: 3, SessionID: "1", AircraftID: "1", FlightID: "1", ICAO: 0x4CA2D6,
		Generated:  time.Date(2016, 9, 12, 10, 15, 2, 123e6, time.UTC),
		Logged:     time.Date(2016, 9, 12, 10, 15, 2, 123e6, time.UTC),
		AltitudeFt: 35000, Lat: 35.4123, Lon: 35.9481,
		Has: HasGenerated | HasLogged | HasAltitude | HasPosition | HasAlert | HasEmergency | HasSPI | HasOnGround,
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got  %+v\nwant %+v", m, want)
	}
	if m.HexIdent() != "4CA2D6" {
		t.Errorf("hex ident %q", m.HexIdent())
	}
}

func TestParseLineFields(t *testing.T) {
	m := mustParse(t, "MSG,4,1,1,~2C03A1,1,2016/09/12,10:15:05.4,,,GAF123,,180,360,,,-1200,7700,-1,1,0,")
	if !m.NonICAO || m.ICAO != 0x2C03A1 || m.HexIdent() != "~2C03A1" {
		t.Errorf("hex ident %v %x", m.NonICAO, m.ICAO)
	}
	if m.TrackDeg != 0 || m.GroundSpeedKt != 180 || m.VerticalRateFpm != -1200 || m.Squawk != "7700" {
		t.Errorf("kinematics %+v", m)
	}
	if !m.Alert || !m.Emergency || m.SPI || m.Has&HasOnGround != 0 || m.Has&HasLogged != 0 {
		t.Errorf("flags %+v", m)
	}
	if m.Generated.Nanosecond() != 400e6 || m.Callsign != "GAF123" {
		t.Errorf("time %v callsign %q", m.Generated, m.Callsign)
	}
	short := mustParse(t, "MSG,8,1,1,4CA2D6,1,2016/09/12,10:15:01,2016/09/12,10:15:01")
	if short.Has != HasGenerated|HasLogged {
		t.Errorf("short line: %+v", short)
	}
}

func TestParseLineErrors(t *testing.T) {
	base := "MSG,3,1,1,4CA2D6,1,2016/09/12,10:15:02.123,2016/09/12,10:15:02.123,,35000,,,35.4123,35.9481,,,0,0,0,0"
	for _, c := range []struct{ line, field string }{
		{"SEL,,496,2286,4CA4E5,27215,2010/02/19,18:06:07.710,2010/02/19,18:06:07.710,RYR1427", "message_type"},
		{"MSG,9" + base[5:], "transmission_type"},
		{"MSG,3,1,1,4CA2D6X,1,2016/09/12,10:15:02.123,,,,35000", "hex_ident"},
		{"MSG,3,1,1,,1,2016/09/12,10:15:02.123,,,,35000", "hex_ident"},
		{"MSG,3,1,1,4CA2D6,1,2016/02/30,10:15:02.123,,,,35000", "date_generated"},
		{"MSG,3,1,1,4CA2D6,1,2016/09/12,25:15:02.123,,,,35000", "time_generated"},
		{"MSG,3,1,1,4CA2D6,1,2016/09/12,,,,,35000", "time_generated"},
		{"MSG,3,1,1,4CA2D6,1,,,2016/9/12,10:15:02,,35000", "date_logged"},
		{"MSG,1,1,1,4CA2D6,1,,,,,RYR;DROP,", "callsign"},
		{"MSG,3,1,1,4CA2D6,1,,,,,,1e6", "altitude"},
		{"MSG,4,1,1,4CA2D6,1,,,,,,,-5", "ground_speed"},
		{"MSG,4,1,1,4CA2D6,1,,,,,,,400,361", "track"},
		{"MSG,3,1,1,4CA2D6,1,,,,,,35000,,,NaN,35", "lat"},
		{"MSG,3,1,1,4CA2D6,1,,,,,,35000,,,35,180.5", "lon"},
		{"MSG,3,1,1,4CA2D6,1,,,,,,35000,,,35,", "lon"},
		{"MSG,4,1,1,4CA2D6,1,,,,,,,400,90,,,Inf", "vertical_rate"},
		{"MSG,6,1,1,4CA2D6,1,,,,,,,,,,,,7800", "squawk"},
		{"MSG,3,1,1,4CA2D6,1,,,,,,,,,,,,,2", "alert"},
		{"MSG,3,1,1,4CA2D6,1,,,,,,,,,,,,,,,,yes", "is_on_ground"},
		{base + ",0", "line"},
	} {
		_, err := ParseLine([]byte(c.line))
		if concord.ErrorCode(err) != concord.EINVALID || concord.ErrorField(err) != c.field {
			t.Errorf("%s: got %v, want an error about %s", c.line, err, c.field)
		}
	}
}

func readCapture(t testing.TB) [][]byte {
	b, err := os.ReadFile("testdata/basestation.txt")
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	return lines
}

// A captured feed: every MSG line but the six broken ones decodes, and the
// Assembler yields tracks for the three aircraft whose position, altitude
// and velocity it hears; not for 71BE12, on the ground without altitude.
func TestCapture(t *testing.T) {
	a := NewAssembler("party-1", 0)
	bad, tracks := 0, map[string]airspace.Track{}
	for _, line := range readCapture(t) {
		m, err := ParseLine(line)
		if err != nil {
			bad++
			continue
		}
		if tr, ok := a.Add(m); ok {
			tracks[tr.ID] = tr
		}
	}
	if bad != 5+6 {
		t.Errorf("%d lines rejected, want 11 (5 non-MSG, 6 broken)", bad)
	}
	want := airspace.Track{ID: "4CA2D6", Party: "party-1", Lat: 35.39480, Lon: 35.97412, AltFt: 34975,
		GsKt: 456, TrackDeg: 123.4, VsFpm: -64, Time: time.Date(2016, 9, 12, 10, 15, 5, 700e6, time.UTC)}
	if got := tracks["4CA2D6"]; got != want {
		t.Errorf("4CA2D6:\n got %+v\nwant %+v", got, want)
	}
	for _, id := range []string{"738065", "~2C03A1", "506C45"} {
		if _, ok := tracks[id]; !ok {
			t.Errorf("no track for %s", id)
		}
	}
	if tr, ok := tracks["71BE12"]; ok {
		t.Errorf("track without altitude: %+v", tr)
	}
	if a.Callsign(0x738065) != "ELY027" {
		t.Errorf("callsign %q", a.Callsign(0x738065))
	}
}

func TestAssemblerFreshness(t *testing.T) {
	t0 := time.Date(2016, 9, 12, 10, 0, 0, 0, time.UTC)
	msg := func(typ int, at time.Duration, f func(*Message)) Message {
		m := Message{Type: typ, ICAO: 0xABCDEF, Generated: t0.Add(at), Has: HasGenerated}
		f(&m)
		return m
	}
	pos := func(m *Message) { m.Lat, m.Lon, m.AltitudeFt, m.Has = 35, 38, 20000, m.Has|HasPosition|HasAltitude }
	vel := func(m *Message) { m.GroundSpeedKt, m.TrackDeg, m.Has = 400, 90, m.Has|HasGroundSpeed|HasTrack }
	a := NewAssembler("p", 5*time.Second)
	if _, ok := a.Add(msg(3, 0, pos)); ok {
		t.Error("track from a position alone")
	}
	if tr, ok := a.Add(msg(4, 2*time.Second, vel)); !ok || !tr.Time.Equal(t0) || tr.VsFpm != 0 {
		t.Errorf("position + velocity: %+v %v", tr, ok)
	}
	if _, ok := a.Add(msg(3, 20*time.Second, pos)); ok {
		t.Error("track with a 18 s old velocity")
	}
	if _, ok := a.Add(msg(4, 21*time.Second, vel)); !ok {
		t.Error("no track after fresh velocity")
	}
	if _, ok := a.Add(msg(4, 10*time.Second, vel)); ok {
		t.Error("an older velocity made a track")
	}
	a.Expire(t0.Add(time.Minute))
	if a.Len() != 0 {
		t.Errorf("%d aircraft after expiry", a.Len())
	}
}

// FuzzParseLine: no panics; an accepted line has finite, in-range values
// and the fields its bits say, and survives AppendLine unchanged (times to
// the millisecond).
func FuzzParseLine(f *testing.F) {
	for _, line := range readCapture(f) {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := ParseLine(line)
		if err != nil {
			if concord.ErrorCode(err) != concord.EINVALID || concord.ErrorField(err) == "" {
				t.Fatalf("error without a field: %v", err)
			}
			return
		}
		checkMessage(t, &m)
		m2, err := ParseLine(AppendLine(nil, &m))
		if err != nil {
			t.Fatalf("re-encoded %q: %v", AppendLine(nil, &m), err)
		}
		m.Generated, m.Logged = m.Generated.Truncate(time.Millisecond), m.Logged.Truncate(time.Millisecond)
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip:\n %+v\n %+v", m, m2)
		}
		a := NewAssembler("p", 0)
		if tr, ok := a.Add(m); ok && tr.Validate() != nil {
			t.Fatalf("invalid track %+v", tr)
		}
	})
}

func checkMessage(t *testing.T, m *Message) {
	for _, x := range []float64{m.AltitudeFt, m.GroundSpeedKt, m.TrackDeg, m.Lat, m.Lon, m.VerticalRateFpm} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("non-finite value in %+v", m)
		}
	}
	if m.Has&HasPosition != 0 && (math.Abs(m.Lat) > 90 || math.Abs(m.Lon) > 180) {
		t.Fatalf("position out of range: %v %v", m.Lat, m.Lon)
	}
	if m.Has&HasPosition == 0 && (m.Lat != 0 || m.Lon != 0) {
		t.Fatalf("position without its bit: %+v", m)
	}
	if m.Type < 1 || m.Type > 8 || m.ICAO > 0xFFFFFF || m.TrackDeg >= 360 || m.TrackDeg < 0 {
		t.Fatalf("out of range: %+v", m)
	}
}
