package sbs

import (
	"strconv"
	"time"
)

// AppendLine appends m as a BaseStation line (without CR LF), writing only
// the fields present, flags as "-1" and "0", and times with milliseconds. It
// is what a simulator or a gateway serves on port 30003.
func AppendLine(b []byte, m *Message) []byte {
	b = append(b, "MSG,"...)
	b = strconv.AppendInt(b, int64(m.Type), 10)
	b = append(b, ',')
	b = append(b, m.SessionID...)
	b = append(b, ',')
	b = append(b, m.AircraftID...)
	b = append(b, ',')
	b = append(b, m.HexIdent()...)
	b = append(b, ',')
	b = append(b, m.FlightID...)
	b = appendTime(b, m.Generated, m.Has&HasGenerated != 0)
	b = appendTime(b, m.Logged, m.Has&HasLogged != 0)
	b = append(b, ',')
	if m.Has&HasCallsign != 0 {
		b = append(b, m.Callsign...)
	}
	b = appendNumber(b, m.AltitudeFt, m.Has&HasAltitude != 0)
	b = appendNumber(b, m.GroundSpeedKt, m.Has&HasGroundSpeed != 0)
	b = appendNumber(b, m.TrackDeg, m.Has&HasTrack != 0)
	b = appendNumber(b, m.Lat, m.Has&HasPosition != 0)
	b = appendNumber(b, m.Lon, m.Has&HasPosition != 0)
	b = appendNumber(b, m.VerticalRateFpm, m.Has&HasVerticalRate != 0)
	b = append(b, ',')
	if m.Has&HasSquawk != 0 {
		b = append(b, m.Squawk...)
	}
	b = appendFlag(b, m.Alert, m.Has&HasAlert != 0)
	b = appendFlag(b, m.Emergency, m.Has&HasEmergency != 0)
	b = appendFlag(b, m.SPI, m.Has&HasSPI != 0)
	return appendFlag(b, m.OnGround, m.Has&HasOnGround != 0)
}

func appendTime(b []byte, t time.Time, ok bool) []byte {
	if !ok {
		return append(b, ",,"...)
	}
	b = append(b, ',')
	b = t.UTC().AppendFormat(b, "2006/01/02")
	b = append(b, ',')
	return t.UTC().AppendFormat(b, "15:04:05.000")
}

func appendNumber(b []byte, x float64, ok bool) []byte {
	b = append(b, ',')
	if ok {
		b = strconv.AppendFloat(b, x, 'f', -1, 64)
	}
	return b
}

func appendFlag(b []byte, v, ok bool) []byte {
	switch {
	case !ok:
		return append(b, ',')
	case v:
		return append(b, ",-1"...)
	}
	return append(b, ",0"...)
}
