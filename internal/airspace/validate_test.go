package airspace

import (
	"math"
	"testing"
	"time"

	"concord"
)

func hasField(err error, field string) bool {
	return concord.ErrorCode(err) == concord.EINVALID && concord.ErrorField(err) == field
}

func TestTrackValidate(t *testing.T) {
	ok := report("A", 35, 38, 30000, 400, 90, 0)
	for _, c := range []struct {
		field string
		edit  func(t *Track)
	}{
		{"track_id", func(t *Track) { t.ID = "" }},
		{"lat", func(t *Track) { t.Lat = 90.0001 }},
		{"lat", func(t *Track) { t.Lat = math.NaN() }},
		{"lon", func(t *Track) { t.Lon = -180.1 }},
		{"alt_ft", func(t *Track) { t.AltFt = 100001 }},
		{"gs_kt", func(t *Track) { t.GsKt = -1 }},
		{"track_deg", func(t *Track) { t.TrackDeg = 360.5 }},
		{"vs_fpm", func(t *Track) { t.VsFpm = math.Inf(1) }},
		{"time", func(t *Track) { t.Time = time.Time{} }},
	} {
		tr := ok
		c.edit(&tr)
		if err := tr.Validate(); !hasField(err, c.field) {
			t.Errorf("%s: got %v", c.field, err)
		}
		if tr.valid() {
			t.Errorf("%s: valid() accepts what Validate rejects", c.field)
		}
	}
	tr := ok
	tr.TrackDeg = 360
	if err := tr.Validate(); err != nil || tr.TrackDeg != 0 {
		t.Errorf("track 360: %v, %v", err, tr.TrackDeg)
	}
}

func TestMinimaDefaults(t *testing.T) {
	if got := (Minima{VerticalFt: 2000}).WithDefaults(); got != (Minima{5, 2000, 300}) {
		t.Errorf("WithDefaults = %+v", got)
	}
	if err := (Minima{HorizontalNM: -1}).Validate(); !hasField(err, "horizontal_nm") {
		t.Errorf("negative minimum: %v", err)
	}
}
