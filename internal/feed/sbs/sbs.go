// Package sbs decodes the SBS-1 BaseStation text format (the comma-separated
// lines a Kinetic SBS-1, dump1090 or a C2 gateway serves on TCP port 30003)
// and assembles its messages into airspace tracks, so an existing ADS-B
// receiver can feed concord unchanged (SPEC §4, issue 3). It does no I/O.
//
// A line has 22 fields:
//
//	MSG,3,1,1,4CA2D6,1,2016/09/12,10:15:02.123,2016/09/12,10:15:02.123,,35000,,,35.4123,35.9481,,,0,0,0,0
//	 1  2 3 4   5    6     7           8           9          10      11  12 13 14  15      16   17 18 ...
//
// message type (only MSG is decoded), transmission type 1–8, session ID,
// aircraft ID, hex ident (ICAO 24-bit address; a leading "~" marks a non-ICAO
// address), flight ID, date and time generated, date and time logged,
// callsign, altitude (ft), ground speed (kt), track (°), latitude, longitude,
// vertical rate (ft/min), squawk, and the flags alert, emergency, SPI and
// is-on-ground ("-1" or "1" true, "0" false). An empty field is absent, and
// trailing fields may be left off. Dates and times are read as UTC.
package sbs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"concord"
)

// Field is a bit of Message.Has: which optional fields a line carried.
type Field uint16

const (
	HasGenerated Field = 1 << iota
	HasLogged
	HasCallsign
	HasAltitude
	HasGroundSpeed
	HasTrack
	HasPosition // latitude and longitude, always together
	HasVerticalRate
	HasSquawk
	HasAlert
	HasEmergency
	HasSPI
	HasOnGround
)

// Message is a decoded MSG line. A value field means something only when its
// bit is set in Has.
type Message struct {
	Type            int // transmission type, 1..8
	SessionID       string
	AircraftID      string
	FlightID        string
	ICAO            uint32 // 24-bit address
	NonICAO         bool   // the hex ident had a leading "~" (TIS-B, MLAT)
	Generated       time.Time
	Logged          time.Time
	Callsign        string
	AltitudeFt      float64
	GroundSpeedKt   float64
	TrackDeg        float64 // 0..<360
	Lat, Lon        float64
	VerticalRateFpm float64
	Squawk          string // four octal digits
	Alert           bool
	Emergency       bool
	SPI             bool
	OnGround        bool
	Has             Field
}

// HasAll reports whether every field of f is present.
func (m *Message) HasAll(f Field) bool { return m.Has&f == f }

// HexIdent returns the hex ident as written: six upper-case hex digits, with
// a leading "~" for non-ICAO addresses.
func (m *Message) HexIdent() string {
	if m.NonICAO {
		return fmt.Sprintf("~%06X", m.ICAO)
	}
	return fmt.Sprintf("%06X", m.ICAO)
}

// Bounds on decoded values; they match airspace.Track's, so every assembled
// track is valid.
const (
	MinAltFt        = -2000
	MaxAltFt        = 100000
	MaxGroundSpeed  = 2000
	MaxVerticalRate = 30000
	MaxLineLen      = 512
	maxIDLen        = 16
)

const numFields = 22

// field names, by index, for errors.
var fieldNames = [numFields]string{
	"message_type", "transmission_type", "session_id", "aircraft_id", "hex_ident", "flight_id",
	"date_generated", "time_generated", "date_logged", "time_logged", "callsign", "altitude",
	"ground_speed", "track", "lat", "lon", "vertical_rate", "squawk", "alert", "emergency", "spi",
	"is_on_ground",
}

// ParseLine decodes one line (without or with its CR LF). Only MSG lines
// are decoded; other message types (SEL, ID, AIR, STA, CLK) are rejected.
// Numbers must be finite and in range: latitude ±90, longitude ±180, altitude
// −2,000..100,000 ft, ground speed 0..2,000 kt, track 0..360 (360 read as 0),
// vertical rate ±30,000 ft/min. The error names the field.
func ParseLine(line []byte) (Message, error) {
	if len(line) > MaxLineLen {
		return Message{}, concord.Invalid("line", "longer than %d bytes", MaxLineLen)
	}
	f := strings.Split(strings.TrimRight(string(line), "\r\n "), ",")
	if len(f) > numFields {
		return Message{}, concord.Invalid("line", "has %d fields, more than %d", len(f), numFields)
	}
	if f[0] != "MSG" {
		return Message{}, concord.Invalid("message_type", "%.8q is not MSG", f[0])
	}
	for len(f) < numFields {
		f = append(f, "")
	}
	var m Message
	for _, step := range steps {
		if err := step(&m, f); err != nil {
			return Message{}, err
		}
	}
	return m, nil
}

var steps = []func(*Message, []string) error{
	parseHeader, parseTimes, parseCallsign, parseKinematics, parsePosition, parseSquawk, parseFlags,
}

func parseHeader(m *Message, f []string) error {
	t, err := strconv.Atoi(f[1])
	if err != nil || t < 1 || t > 8 {
		return concord.Invalid("transmission_type", "%.8q is not 1..8", f[1])
	}
	m.Type = t
	for i, dst := range []*string{&m.SessionID, &m.AircraftID, nil, &m.FlightID} {
		if dst == nil {
			continue
		}
		if len(f[2+i]) > maxIDLen {
			return concord.Invalid(fieldNames[2+i], "longer than %d bytes", maxIDLen)
		}
		*dst = f[2+i]
	}
	return parseHex(m, f[4])
}

func parseHex(m *Message, s string) error {
	if rest, ok := strings.CutPrefix(s, "~"); ok {
		m.NonICAO, s = true, rest
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil || len(s) == 0 || len(s) > 6 {
		return concord.Invalid("hex_ident", "%.10q is not a 24-bit hex address", s)
	}
	m.ICAO = uint32(v)
	return nil
}

func parseTimes(m *Message, f []string) error {
	t, ok, err := parseDateTime(f[6], f[7], 6)
	if err != nil {
		return err
	}
	if ok {
		m.Generated, m.Has = t, m.Has|HasGenerated
	}
	t, ok, err = parseDateTime(f[8], f[9], 8)
	if err != nil {
		return err
	}
	if ok {
		m.Logged, m.Has = t, m.Has|HasLogged
	}
	return nil
}

// parseDateTime reads "2006/01/02" and "15:04:05.000" (any number of
// fraction digits, or none) as UTC. Both empty is absent.
func parseDateTime(date, clock string, i int) (time.Time, bool, error) {
	if date == "" && clock == "" {
		return time.Time{}, false, nil
	}
	y, mo, d, ok := parseDate(date)
	if !ok {
		return time.Time{}, false, concord.Invalid(fieldNames[i], "%.12q is not YYYY/MM/DD", date)
	}
	h, mi, s, ns, ok := parseClock(clock)
	if !ok {
		return time.Time{}, false, concord.Invalid(fieldNames[i+1], "%.20q is not HH:MM:SS.sss", clock)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
	if t.Day() != d || t.Month() != time.Month(mo) {
		return time.Time{}, false, concord.Invalid(fieldNames[i], "%q is not a date", date)
	}
	return t, true, nil
}

func parseDate(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '/' || s[7] != '/' {
		return 0, 0, 0, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	return y, m, d, ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

func parseClock(s string) (h, m, sec, ns int, ok bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return 0, 0, 0, 0, false
	}
	h, ok1 := digits(s[0:2])
	m, ok2 := digits(s[3:5])
	sec, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return 0, 0, 0, 0, false
	}
	frac := s[8:]
	if frac == "" {
		return h, m, sec, 0, true
	}
	if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
		return 0, 0, 0, 0, false
	}
	v, ok := digits(frac[1:])
	for range 10 - len(frac) {
		v *= 10
	}
	return h, m, sec, v, ok
}

func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, len(s) > 0
}

func parseCallsign(m *Message, f []string) error {
	cs := strings.TrimSpace(f[10])
	if cs == "" {
		return nil
	}
	if len(cs) > 8 || strings.IndexFunc(cs, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == ' ')
	}) >= 0 {
		return concord.Invalid("callsign", "%.12q is not up to 8 letters and digits", cs)
	}
	m.Callsign, m.Has = cs, m.Has|HasCallsign
	return nil
}

// number reads an optional number in [lo, hi].
func number(f []string, i int, lo, hi float64) (float64, bool, error) {
	if f[i] == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseFloat(f[i], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, concord.Invalid(fieldNames[i], "%.16q is not a finite number", f[i])
	}
	if v < lo || v > hi {
		return 0, false, concord.Invalid(fieldNames[i], "%g is outside %g..%g", v, lo, hi)
	}
	return v, true, nil
}

func parseKinematics(m *Message, f []string) error {
	for _, n := range []struct {
		i      int
		lo, hi float64
		dst    *float64
		bit    Field
	}{
		{11, MinAltFt, MaxAltFt, &m.AltitudeFt, HasAltitude},
		{12, 0, MaxGroundSpeed, &m.GroundSpeedKt, HasGroundSpeed},
		{13, 0, 360, &m.TrackDeg, HasTrack},
		{16, -MaxVerticalRate, MaxVerticalRate, &m.VerticalRateFpm, HasVerticalRate},
	} {
		v, ok, err := number(f, n.i, n.lo, n.hi)
		if err != nil {
			return err
		}
		if ok {
			*n.dst, m.Has = v, m.Has|n.bit
		}
	}
	if m.TrackDeg == 360 {
		m.TrackDeg = 0
	}
	return nil
}

func parsePosition(m *Message, f []string) error {
	lat, okLat, err := number(f, 14, -90, 90)
	if err != nil {
		return err
	}
	lon, okLon, err := number(f, 15, -180, 180)
	if err != nil {
		return err
	}
	if okLat != okLon {
		if okLat {
			return concord.Invalid("lon", "is absent but lat is present")
		}
		return concord.Invalid("lat", "is absent but lon is present")
	}
	if okLat {
		m.Lat, m.Lon, m.Has = lat, lon, m.Has|HasPosition
	}
	return nil
}

func parseSquawk(m *Message, f []string) error {
	s := f[17]
	if s == "" {
		return nil
	}
	if len(s) != 4 || strings.Trim(s, "01234567") != "" {
		return concord.Invalid("squawk", "%.8q is not four octal digits", s)
	}
	m.Squawk, m.Has = s, m.Has|HasSquawk
	return nil
}

func parseFlags(m *Message, f []string) error {
	for k, fl := range []struct {
		dst *bool
		bit Field
	}{{&m.Alert, HasAlert}, {&m.Emergency, HasEmergency}, {&m.SPI, HasSPI}, {&m.OnGround, HasOnGround}} {
		switch f[18+k] {
		case "":
		case "0":
			m.Has |= fl.bit
		case "-1", "1":
			*fl.dst, m.Has = true, m.Has|fl.bit
		default:
			return concord.Invalid(fieldNames[18+k], "%.8q is not -1, 0 or 1", f[18+k])
		}
	}
	return nil
}
