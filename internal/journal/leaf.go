package journal

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"concord"
)

// Hash is a SHA-256 hash: a leaf hash, an interior node or a tree root.
type Hash = tlog.Hash

// SystemActor is the actor of leaves written by concord itself (alerts and
// their state changes).
const SystemActor = "system"

// MaxLeafSize bounds the text of a leaf; every valid leaf is shorter.
const MaxLeafSize = 1024

// TimeLayout is the form of a leaf's time: RFC 3339 in UTC with exactly three
// fractional digits.
const TimeLayout = "2006-01-02T15:04:05.000Z"

const leafHeader = "concord-leaf/v1"

// leafKeys are the keywords of a leaf's lines after the header, in order; the
// last two appear only in signed leaves.
var leafKeys = [...]string{"kind", "record", "version", "actor", "time", "commit", "request", "key", "sig"}

// signedLines is how many of leafKeys appear only in signed leaves.
const signedLines = 3

// Leaf is the committed form of one accepted write. It names the record and
// version written and commits to its contents (Commitment = Commit(salt,
// body)) without revealing them.
type Leaf struct {
	Kind       string    // what happened, e.g. "zone.create", "alert.ack": [a-z0-9.-]{1,64}
	Record     string    // ID of the record written: [A-Za-z0-9_.:-]{1,128}
	Version    int       // version of that record written by this leaf, ≥ 1
	Actor      string    // party ID of the submitter, or SystemActor; charset of Record
	Time       time.Time // when the write was accepted, millisecond precision
	Commitment Hash      // Commit(salt, body) of the record version
	Request    string    // what the actor signed, one line of printable ASCII ≤ 512 bytes; "" if unsigned
	KeyID      string    // ID of the actor's registered Ed25519 key, "" if unsigned: [A-Za-z0-9_.:+/=-]{1,128}
	Signature  []byte    // the actor's Ed25519 signature over its request, nil if unsigned
}

// Marshal returns the canonical text of l, the bytes that are hashed into the
// log:
//
//	concord-leaf/v1
//	kind zone.create
//	record z_01J9
//	version 1
//	actor H
//	time 2026-11-23T10:00:00.123Z
//	commit <standard base64 of the 32-byte commitment>
//	request <signed line>   (only if signed)
//	key <key ID>            (only if signed)
//	sig <standard base64>   (only if signed)
//
// Every line ends in a newline, including the last. Time is written in UTC,
// truncated to the millisecond. Marshal does not validate: call Validate
// first; for a valid l, ParseLeaf(l.Marshal()) returns l.
func (l Leaf) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(leafHeader + "\n")
	for i, v := range l.values() {
		b.WriteString(leafKeys[i] + " " + v + "\n")
	}
	return b.Bytes()
}

// values returns the values of l's lines after the header, in order.
func (l Leaf) values() []string {
	v := []string{
		l.Kind, l.Record, strconv.Itoa(l.Version), l.Actor,
		l.Time.UTC().Truncate(time.Millisecond).Format(TimeLayout),
		base64.StdEncoding.EncodeToString(l.Commitment[:]),
	}
	if l.Signed() {
		v = append(v, l.Request, l.KeyID, base64.StdEncoding.EncodeToString(l.Signature))
	}
	return v
}

// Signed reports whether l carries a key ID or a signature.
func (l Leaf) Signed() bool { return l.KeyID != "" || l.Signature != nil || l.Request != "" }

// ParseLeaf parses the text of a leaf written by Marshal. It is strict: lines
// in order, single spaces, no extra lines, canonical numbers, time and base64,
// so that ParseLeaf(b) succeeding implies l.Marshal() == b. Errors are
// EINVALID naming "leaf" or the offending "leaf.<field>".
func ParseLeaf(data []byte) (Leaf, error) {
	vals, err := splitLeaf(data)
	if err != nil {
		return Leaf{}, err
	}
	l, err := leafFromValues(vals)
	if err == nil {
		err = l.Validate()
	}
	if err != nil {
		return Leaf{}, concord.Prefix("leaf", err)
	}
	if !bytes.Equal(l.Marshal(), data) {
		return Leaf{}, concord.Invalid("leaf", "not in canonical form")
	}
	return l, nil
}

// splitLeaf checks the framing of a leaf's text and returns the values of
// its lines after the header.
func splitLeaf(data []byte) ([]string, error) {
	if len(data) > MaxLeafSize {
		return nil, concord.Invalid("leaf", "longer than %d bytes", MaxLeafSize)
	}
	text, ok := strings.CutSuffix(string(data), "\n")
	if !ok {
		return nil, concord.Invalid("leaf", "does not end in a newline")
	}
	lines := strings.Split(text, "\n")
	if lines[0] != leafHeader {
		return nil, concord.Invalid("leaf", "first line is not %q", leafHeader)
	}
	if n := len(lines) - 1; n != len(leafKeys)-signedLines && n != len(leafKeys) {
		return nil, concord.Invalid("leaf", "has %d lines after the header, want %d or %d", n, len(leafKeys)-signedLines, len(leafKeys))
	}
	vals := lines[1:]
	for i, line := range vals {
		v, ok := strings.CutPrefix(line, leafKeys[i]+" ")
		if !ok {
			return nil, concord.Invalid("leaf", "line %d does not start with %q", i+2, leafKeys[i]+" ")
		}
		vals[i] = v
	}
	return vals, nil
}

// leafFromValues decodes the values of a leaf's lines; Validate checks them.
func leafFromValues(v []string) (Leaf, error) {
	l := Leaf{Kind: v[0], Record: v[1], Actor: v[3]}
	var err error
	if l.Version, err = parseVersion(v[2]); err != nil {
		return Leaf{}, err
	}
	if l.Time, err = time.Parse(TimeLayout, v[4]); err != nil {
		return Leaf{}, concord.Invalid("time", "not of the form %s", TimeLayout)
	}
	if l.Commitment, err = parseHash(v[5]); err != nil {
		return Leaf{}, concord.Invalid("commit", "%v", err)
	}
	if len(v) == len(leafKeys) {
		l.Request, l.KeyID = v[6], v[7]
		if l.Signature, err = base64.StdEncoding.Strict().DecodeString(v[8]); err != nil {
			return Leaf{}, concord.Invalid("sig", "not standard base64")
		}
	}
	return l, nil
}

// parseVersion parses a canonical decimal version number.
func parseVersion(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || strconv.Itoa(n) != s {
		return 0, concord.Invalid("version", "not a canonical decimal number")
	}
	return n, nil
}

// parseHash parses the canonical standard base64 form of a 32-byte hash
// (44 characters, one '=' of padding).
func parseHash(s string) (Hash, error) {
	h, err := tlog.ParseHash(s)
	if err != nil || h.String() != s {
		return Hash{}, concord.Invalid("", "not the standard base64 of a 32-byte hash")
	}
	return h, nil
}

// Validate reports the first field of l that does not meet the constraints
// documented on Leaf, as an EINVALID error naming it. Time must be non-zero,
// in years 1–9999 and a whole number of milliseconds; a signed leaf needs both
// a key ID and a 64-byte Ed25519 signature.
func (l Leaf) Validate() error {
	switch {
	case !validID(l.Kind, 64, isKindByte):
		return concord.Invalid("kind", "must be 1 to 64 of [a-z0-9.-], got %q", l.Kind)
	case !validID(l.Record, 128, isIDByte):
		return concord.Invalid("record", "must be 1 to 128 of [A-Za-z0-9_.:-], got %q", l.Record)
	case l.Version < 1:
		return concord.Invalid("version", "must be at least 1, got %d", l.Version)
	case !validID(l.Actor, 128, isIDByte):
		return concord.Invalid("actor", "must be 1 to 128 of [A-Za-z0-9_.:-], got %q", l.Actor)
	}
	if err := validateTime(l.Time); err != nil {
		return err
	}
	return l.validateSignature()
}

func validateTime(t time.Time) error {
	switch y := t.UTC().Year(); {
	case t.IsZero():
		return concord.Invalid("time", "is required")
	case y < 1 || y > 9999:
		return concord.Invalid("time", "year %d is out of range", y)
	case !t.Equal(t.Truncate(time.Millisecond)):
		return concord.Invalid("time", "must be a whole number of milliseconds")
	}
	return nil
}

func (l Leaf) validateSignature() error {
	switch {
	case !l.Signed():
		return nil
	case !validRequest(l.Request):
		return concord.Invalid("request", "must be 1 to 512 bytes of printable ASCII")
	case !validID(l.KeyID, 128, isKeyIDByte):
		return concord.Invalid("key", "must be 1 to 128 of [A-Za-z0-9_.:+/=-], got %q", l.KeyID)
	case len(l.Signature) != ed25519.SignatureSize:
		return concord.Invalid("sig", "must be %d bytes, got %d", ed25519.SignatureSize, len(l.Signature))
	}
	return nil
}

func validRequest(s string) bool {
	if len(s) < 1 || len(s) > 512 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func validID(s string, max int, ok func(byte) bool) bool {
	if len(s) < 1 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isKindByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-'
}

func isIDByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.:-", c) >= 0
}

func isKeyIDByte(c byte) bool {
	return isIDByte(c) || c == '+' || c == '/' || c == '='
}

// LeafHash returns the RFC 6962 §2.1 leaf hash of a leaf's text,
// SHA-256(0x00 || data): the hash stored at level 0 of the tree.
func LeafHash(data []byte) Hash { return tlog.RecordHash(data) }
