package api

import (
	"encoding/json"
	"math"
	"testing"

	"concord"
)

// FuzzDecodeTracks: a track batch (JSON array or NDJSON) either decodes to
// reports that re-encode and decode to the same, or fails with EINVALID or
// ETOOLARGE naming a field; it never panics.
func FuzzDecodeTracks(f *testing.F) {
	f.Add([]byte(`[{"track_id":"A1","lat":35,"lon":38,"alt_ft":30000,"gs_kt":450,"track_deg":90,"vs_fpm":0,"time":"2016-09-12T10:00:00Z"}]`))
	f.Add([]byte("{\"track_id\":\"A1\",\"lat\":35,\"lon\":38,\"alt_ft\":30000,\"gs_kt\":450,\"track_deg\":90,\"vs_fpm\":0,\"time\":\"2016-09-12T10:00:00Z\"}\n{\"track_id\":\"A2\",\"lat\":35.1,\"lon\":38,\"alt_ft\":31000,\"gs_kt\":400,\"track_deg\":270,\"vs_fpm\":-500,\"time\":\"2016-09-12T10:00:01Z\"}\n"))
	f.Add([]byte(`[{"track_id":"A1","party":"B"}]`))
	f.Add([]byte(`[{"track_id":"A1","lat":"35"}]`))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		ts, err := decodeTracks(body)
		if err != nil {
			if c := concord.ErrorCode(err); c != concord.EINVALID && c != concord.ETOOLARGE {
				t.Fatalf("error code %s: %v", c, err)
			}
			return
		}
		for _, tr := range ts {
			for _, v := range []float64{tr.Lat, tr.Lon, tr.AltFt, tr.GsKt, tr.TrackDeg, tr.VsFpm} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("decoded a non-finite number: %+v", tr)
				}
			}
		}
		b, err := json.Marshal(ts)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeTracks(b)
		if err != nil || len(again) != len(ts) {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
	})
}
