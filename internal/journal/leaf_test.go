package journal

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"concord"
)

// goldenLeaf is a leaf written out by hand; its RFC 6962 leaf hash was
// computed independently (Python hashlib: sha256(b"\0" + text)).
const goldenLeaf = `concord-leaf/v1
kind zone.create
record z_01J9
version 1
actor H
time 2026-11-23T10:00:00.123Z
commit AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
`

const goldenLeafHash = "d5ed8eb2ca11e3b91210054d32e7a2f84bfe2fd896f0a1423a6eafe707abd4cf"

func goldenCommitment() Hash {
	var h Hash
	for i := range h {
		h[i] = byte(i)
	}
	return h
}

func TestLeafGolden(t *testing.T) {
	want := Leaf{Kind: "zone.create", Record: "z_01J9", Version: 1, Actor: "H", Time: t0, Commitment: goldenCommitment()}
	if got := string(want.Marshal()); got != goldenLeaf {
		t.Fatalf("Marshal =\n%s\nwant\n%s", got, goldenLeaf)
	}
	l, err := ParseLeaf([]byte(goldenLeaf))
	if err != nil {
		t.Fatal(err)
	}
	if !l.Time.Equal(want.Time) || l.Time.Location() != time.UTC {
		t.Fatalf("Time = %v, want %v in UTC", l.Time, want.Time)
	}
	l.Time = want.Time
	if !leafEqual(l, want) {
		t.Fatalf("ParseLeaf = %+v, want %+v", l, want)
	}
	if got := LeafHash([]byte(goldenLeaf)); hex.EncodeToString(got[:]) != goldenLeafHash {
		t.Fatalf("LeafHash = %x, want %s", got, goldenLeafHash)
	}
}

func leafEqual(a, b Leaf) bool {
	return a.Kind == b.Kind && a.Record == b.Record && a.Version == b.Version && a.Actor == b.Actor &&
		a.Time.Equal(b.Time) && a.Commitment == b.Commitment && a.KeyID == b.KeyID && a.Request == b.Request && bytes.Equal(a.Signature, b.Signature)
}

func TestLeafRoundTrip(t *testing.T) {
	for i := range 30 {
		l := testLeaf(i)
		if err := l.Validate(); err != nil {
			t.Fatalf("leaf %d: %v", i, err)
		}
		data := l.Marshal()
		got, err := ParseLeaf(data)
		if err != nil {
			t.Fatalf("ParseLeaf(%q): %v", data, err)
		}
		if !leafEqual(got, l) || !bytes.Equal(got.Marshal(), data) {
			t.Fatalf("round trip of %q gave %+v", data, got)
		}
	}
}

func TestMarshalNormalizesTime(t *testing.T) {
	l := testLeaf(0)
	l.Time = time.Date(2026, 11, 23, 12, 0, 0, 123456789, time.FixedZone("EET", 2*3600))
	if got := string(l.Marshal()); !strings.Contains(got, "\ntime 2026-11-23T10:00:00.123Z\n") {
		t.Fatalf("Marshal = %s, want UTC time truncated to the millisecond", got)
	}
}

func TestParseLeafRejects(t *testing.T) {
	ok := testLeaf(2).Marshal() // signed
	edit := func(old, new string) string { return strings.Replace(string(ok), old, new, 1) }
	tests := []struct {
		name, text, field string
	}{
		{"empty", "", "leaf"},
		{"no final newline", strings.TrimSuffix(string(ok), "\n"), "leaf"},
		{"CRLF", strings.ReplaceAll(string(ok), "\n", "\r\n"), "leaf"},
		{"header", edit("concord-leaf/v1", "concord-leaf/v2"), "leaf"},
		{"extra line", string(ok) + "note hi\n", "leaf"},
		{"blank line", string(ok) + "\n", "leaf"},
		{"key without sig", edit("\nsig ", "\nxsig "), "leaf"},
		{"lines swapped", edit("kind zone.create\nrecord z_2", "record z_2\nkind zone.create"), "leaf"},
		{"double space", edit("kind ", "kind  "), "leaf.kind"},
		{"trailing space", edit("actor H", "actor H "), "leaf.actor"},
		{"upper-case kind", edit("zone.create", "Zone.create"), "leaf.kind"},
		{"empty record", edit("record z_2", "record "), "leaf.record"},
		{"record with slash", edit("record z_2", "record z/2"), "leaf.record"},
		{"record too long", edit("record z_2", "record "+strings.Repeat("r", 129)), "leaf.record"},
		{"version 0", edit("version 3", "version 0"), "leaf.version"},
		{"version leading zero", edit("version 3", "version 03"), "leaf.version"},
		{"version plus", edit("version 3", "version +3"), "leaf.version"},
		{"version negative", edit("version 3", "version -3"), "leaf.version"},
		{"time no millis", edit("10:00:02.123Z", "10:00:02Z"), "leaf.time"},
		{"time micros", edit("10:00:02.123Z", "10:00:02.123000Z"), "leaf.time"},
		{"time offset", edit("10:00:02.123Z", "10:00:02.123+00:00"), "leaf.time"},
		{"time year 0", edit("2026-11-23", "0000-11-23"), "leaf.time"},
		{"time leap second", edit("10:00:02.123Z", "10:00:60.123Z"), "leaf.time"},
		{"commit short", edit("\ncommit ", "\ncommit AA"), "leaf.commit"},
		{"commit unpadded", edit("=\nrequest", "\nrequest"), "leaf.commit"},
		{"sig 63 bytes", edit(strings.Split(string(ok), "sig ")[1], "AAAA\n"), "leaf.sig"},
		{"sig not base64", edit("\nsig ", "\nsig !"), "leaf.sig"},
		{"key empty", edit("key k_H1", "key "), "leaf.key"},
		{"too long", string(ok) + strings.Repeat("x", MaxLeafSize), "leaf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLeaf([]byte(tt.text))
			if got := concord.ErrorField(err); concord.ErrorCode(err) != concord.EINVALID || got != tt.field {
				t.Fatalf("ParseLeaf(%q) = %v (field %q), want EINVALID naming %q", tt.text, err, got, tt.field)
			}
		})
	}
}

// TestParseLeafBase64Canonical checks that a commitment with nonzero padding
// bits, which lenient base64 decoders accept, is rejected.
func TestParseLeafBase64Canonical(t *testing.T) {
	text := strings.Replace(goldenLeaf, "Hh8=", "Hh9=", 1)
	if _, err := ParseLeaf([]byte(text)); err == nil {
		t.Fatal("accepted non-canonical base64")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Leaf)
		field string
	}{
		{"valid", func(*Leaf) {}, ""},
		{"system actor", func(l *Leaf) { l.Actor = SystemActor }, ""},
		{"kind 64", func(l *Leaf) { l.Kind = strings.Repeat("a", 64) }, ""},
		{"kind 65", func(l *Leaf) { l.Kind = strings.Repeat("a", 65) }, "kind"},
		{"kind newline", func(l *Leaf) { l.Kind = "zone.create\nrecord x" }, "kind"},
		{"record 128", func(l *Leaf) { l.Record = strings.Repeat("Z", 128) }, ""},
		{"record space", func(l *Leaf) { l.Record = "z 1" }, "record"},
		{"version 0", func(l *Leaf) { l.Version = 0 }, "version"},
		{"actor empty", func(l *Leaf) { l.Actor = "" }, "actor"},
		{"zero time", func(l *Leaf) { l.Time = time.Time{} }, "time"},
		{"microseconds", func(l *Leaf) { l.Time = l.Time.Add(time.Microsecond) }, "time"},
		{"year 10000", func(l *Leaf) { l.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "time"},
		{"signed", func(l *Leaf) { l.Request = "POST /v1/zones - x"; l.KeyID, l.Signature = "k+/=1", make([]byte, 64) }, ""},
		{"signed without request", func(l *Leaf) { l.KeyID, l.Signature = "k1", make([]byte, 64) }, "request"},
		{"request with newline", func(l *Leaf) { l.Request, l.KeyID, l.Signature = "POST\n/v1", "k1", make([]byte, 64) }, "request"},
		{"sig without key", func(l *Leaf) { l.Request = "POST /v1/zones - x"; l.Signature = make([]byte, 64) }, "key"},
		{"key without sig", func(l *Leaf) { l.Request = "POST /v1/zones - x"; l.KeyID = "k1" }, "sig"},
		{"empty sig", func(l *Leaf) { l.Request = "POST /v1/zones - x"; l.KeyID, l.Signature = "k1", []byte{} }, "sig"},
		{"key space", func(l *Leaf) { l.Request = "POST /v1/zones - x"; l.KeyID, l.Signature = "k 1", make([]byte, 64) }, "key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLeaf(0)
			tt.edit(&l)
			err := l.Validate()
			if got := concord.ErrorField(err); got != tt.field || (err != nil) != (tt.field != "") {
				t.Fatalf("Validate = %v, want field %q", err, tt.field)
			}
			if err == nil {
				if _, err := ParseLeaf(l.Marshal()); err != nil {
					t.Fatalf("valid leaf does not round trip: %v", err)
				}
			}
		})
	}
}

func TestCommitKnownAnswer(t *testing.T) {
	// sha256(b"concord-commit/v1\n" + bytes([16]) + b"\0"*16 + b"{}"), by Python hashlib.
	const want = "e3869184935576261ac4d51f4a57bfc1f1b63ef13b6d20d87f7b0ea8ab006512"
	if got := Commit(make([]byte, 16), []byte("{}")); hex.EncodeToString(got[:]) != want {
		t.Fatalf("Commit = %x, want %s", got, want)
	}
}

func TestCommitSeparatesSaltAndBody(t *testing.T) {
	salt := bytes.Repeat([]byte{7}, 16)
	a := Commit(salt, []byte("xy"))
	b := Commit(append(bytes.Clone(salt), 'x'), []byte("y"))
	if a == b {
		t.Fatal("moving a byte from body to salt gives the same commitment")
	}
	if s1, s2 := NewSalt(), NewSalt(); len(s1) != SaltSize || bytes.Equal(s1, s2) {
		t.Fatalf("NewSalt = %x, %x", s1, s2)
	}
}

func TestCheckRecord(t *testing.T) {
	l := testLeaf(2)
	if err := CheckRecord(l, testSalt(2), testBody(2)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, CheckRecord(l, testSalt(2), testBody(3)), concord.ECONFLICT, "record", "record z_2 version 3 does not match")
	wantErr(t, CheckRecord(l, testSalt(3), testBody(2)), concord.ECONFLICT, "record", "does not match")
	wantErr(t, CheckRecord(l, make([]byte, 15), testBody(2)), concord.EINVALID, "salt", "16 to 64")
	wantErr(t, CheckRecord(l, make([]byte, 65), testBody(2)), concord.EINVALID, "salt", "16 to 64")

	data := l.Marshal()
	if err := CheckRecordAt(17, data, testSalt(2), testBody(2)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, CheckRecordAt(17, data, testSalt(2), []byte("{}")), concord.ECONFLICT, "record",
		"record z_2 version 3 does not match leaf 17's commitment")
	wantErr(t, CheckRecordAt(17, data[1:], testSalt(2), testBody(2)), concord.ECONFLICT, "leaves[17]", "leaf 17 is malformed")
	wantErr(t, CheckRecordAt(17, data, nil, testBody(2)), concord.EINVALID, "salt", "")
}
