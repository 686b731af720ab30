package witness

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"

	"concord"
	"concord/internal/journal"
)

// AlgCosignatureV1 is the signature type byte of Ed25519 cosignature/v1 keys
// (https://c2sp.org/tlog-cosignature): it prefixes the key in verifier keys
// and in the key ID computation.
const AlgCosignatureV1 = 0x04

// algEd25519 is the signed-note Ed25519 type (https://c2sp.org/signed-note),
// accepted for signer keys made by note.GenerateKey.
const algEd25519 = 0x01

// MaxNameLen bounds a cosigner's key name.
const MaxNameLen = 255

// sigLen is the decoded size of a cosignature's base64: key ID (4), timestamp
// (8, big-endian), Ed25519 signature (64).
const sigLen = 4 + 8 + ed25519.SignatureSize

// Cosignature is one C2SP tlog-cosignature (cosignature/v1, Ed25519): a
// statement by the key named Name that, as of Time, the checkpoint it signs
// is the largest consistent one it has seen of that log. On the wire it is a
// signed-note signature line:
//
//	— <name> base64(key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64))
type Cosignature struct {
	Name      string
	KeyHash   uint32 // SHA-256(name || "\n" || 0x04 || public key)[:4]
	Time      int64  // POSIX seconds, 0 ≤ Time ≤ 2⁶³−1
	Signature []byte // 64 bytes, over Message(Time, checkpoint body)
}

// Message is the exact byte string an Ed25519 cosignature/v1 signs: the
// header line, the timestamp line and the whole checkpoint body (without
// signature lines), per https://c2sp.org/tlog-cosignature:
//
//	cosignature/v1\ntime <decimal seconds>\n<body>
func Message(t int64, body []byte) []byte {
	return fmt.Appendf(nil, "cosignature/v1\ntime %d\n%s", t, body)
}

// Line returns the cosignature as a signed-note signature line ending in "\n".
func (c Cosignature) Line() string {
	b := make([]byte, 0, sigLen)
	b = binary.BigEndian.AppendUint32(b, c.KeyHash)
	b = binary.BigEndian.AppendUint64(b, uint64(c.Time))
	b = append(b, c.Signature...)
	return "— " + c.Name + " " + base64.StdEncoding.EncodeToString(b) + "\n"
}

// ParseCosignature parses one signature line written by Line (the final
// newline is optional). It is strict: the "— " prefix, a valid key name, a
// single space, canonical standard base64 of exactly 76 bytes and a
// timestamp below 2⁶³. It checks the form only; Verifier.Check checks the
// signature. Errors are EINVALID naming "cosignature".
func ParseCosignature(line string) (Cosignature, error) {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "— ")
	if !ok {
		return Cosignature{}, concord.Invalid("cosignature", "does not start with \"— \" (U+2014, space)")
	}
	name, b64, ok := strings.Cut(rest, " ")
	if !ok || checkName(name) != nil {
		return Cosignature{}, concord.Invalid("cosignature", "wants \"— <key name> <base64>\" with a key name of 1 to %d bytes without spaces or '+'", MaxNameLen)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != sigLen || base64.StdEncoding.EncodeToString(raw) != b64 {
		return Cosignature{}, concord.Invalid("cosignature", "signature of %s is not the canonical base64 of %d bytes (key ID, timestamp, Ed25519 signature)", name, sigLen)
	}
	t := binary.BigEndian.Uint64(raw[4:12])
	if t > math.MaxInt64 {
		return Cosignature{}, concord.Invalid("cosignature", "timestamp of %s exceeds 2^63-1", name)
	}
	return Cosignature{Name: name, KeyHash: binary.BigEndian.Uint32(raw), Time: int64(t), Signature: raw[12:]}, nil
}

// checkName checks a key name as signed notes require (non-empty UTF-8
// without Unicode spaces or '+'), and bounds it; control characters, which
// a note may not hold, are refused too.
func checkName(name string) error {
	bad := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '+' }
	if name == "" || len(name) > MaxNameLen || !utf8.ValidString(name) || strings.IndexFunc(name, bad) >= 0 {
		return concord.Invalid("name", "must be 1 to %d bytes of UTF-8 without spaces, control characters or '+', got %q", MaxNameLen, name)
	}
	return nil
}

// KeyHash is the key ID of an Ed25519 cosignature/v1 key:
// SHA-256(name || "\n" || 0x04 || public key)[:4], big-endian.
func KeyHash(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{AlgCosignatureV1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// Verifier checks the cosignatures of one cosigner. It is also a
// note.Verifier, so note.Open accepts it.
type Verifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
}

// NewVerifier parses a cosigner's verifier key,
// "<name>+<key ID in 8 hex digits>+<base64(0x04 || 32-byte public key)>"
// (https://c2sp.org/signed-note#verifier-keys with type 0x04), and checks
// that its key ID is the one the name and key imply. Errors are EINVALID
// naming "witness_key".
func NewVerifier(vkey string) (*Verifier, error) {
	name, rest, _ := strings.Cut(vkey, "+")
	hash16, key64, _ := strings.Cut(rest, "+")
	key, err := base64.StdEncoding.DecodeString(key64)
	hash, herr := strconv.ParseUint(hash16, 16, 32)
	switch {
	case checkName(name) != nil || len(hash16) != 8 || herr != nil || err != nil:
		return nil, concord.Invalid("witness_key", "not a verifier key <name>+<8 hex digits>+<base64>: %q", vkey)
	case len(key) != 1+ed25519.PublicKeySize || key[0] != AlgCosignatureV1:
		return nil, concord.Invalid("witness_key", "%s is not an Ed25519 cosignature/v1 key (type 0x04, 32 bytes)", name)
	}
	v := VerifierFor(name, key[1:])
	if uint32(hash) != v.hash {
		return nil, concord.Invalid("witness_key", "key ID %s of %s does not match its key (want %08x)", hash16, name, v.hash)
	}
	return v, nil
}

// VerifierFor returns the verifier of the cosigner named name with public key
// pub (for a server that knows a witness's key but not the name it uses).
// The name must be valid (see ParseCosignature); pub must be 32 bytes.
func VerifierFor(name string, pub ed25519.PublicKey) *Verifier {
	return &Verifier{name: name, hash: KeyHash(name, pub), pub: bytes.Clone(pub)}
}

// Name implements note.Verifier.
func (v *Verifier) Name() string { return v.name }

// KeyHash implements note.Verifier.
func (v *Verifier) KeyHash() uint32 { return v.hash }

// Key returns the verifier key, as NewVerifier parses it.
func (v *Verifier) Key() string {
	return fmt.Sprintf("%s+%08x+%s", v.name, v.hash, base64.StdEncoding.EncodeToString(append([]byte{AlgCosignatureV1}, v.pub...)))
}

// Verify implements note.Verifier: sig is timestamp (8) || signature (64)
// over msg, the note's text.
func (v *Verifier) Verify(msg, sig []byte) bool {
	if len(sig) != sigLen-4 || len(v.pub) != ed25519.PublicKeySize {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	return t <= math.MaxInt64 && ed25519.Verify(v.pub, Message(int64(t), msg), sig[8:])
}

// Check reports whether c is this cosigner's valid cosignature of the
// checkpoint body (the note text, ending in "\n").
func (v *Verifier) Check(c Cosignature, body []byte) bool {
	return c.Name == v.name && c.KeyHash == v.hash && c.Time >= 0 &&
		len(c.Signature) == ed25519.SignatureSize && len(v.pub) == ed25519.PublicKeySize &&
		ed25519.Verify(v.pub, Message(c.Time, body), c.Signature)
}

// Signer makes cosignatures with one Ed25519 key.
type Signer struct {
	name string
	key  ed25519.PrivateKey
	v    *Verifier
}

// NewSigner parses a cosigner's private key,
// "PRIVATE+KEY+<name>+<key ID>+<base64(type || 32-byte seed)>", of type 0x04
// (as GenerateKey writes) or 0x01 (a signed-note Ed25519 key from
// note.GenerateKey, whose key ID is checked as type 0x01; it cosigns under
// its 0x04 key ID). Errors are EINVALID naming "key" and never quote the key.
func NewSigner(skey string) (*Signer, error) {
	fields := strings.SplitN(skey, "+", 5)
	if len(fields) != 5 || fields[0] != "PRIVATE" || fields[1] != "KEY" {
		return nil, concord.Invalid("key", "not a private key PRIVATE+KEY+<name>+<key ID>+<base64>")
	}
	name, hash16, key64 := fields[2], fields[3], fields[4]
	key, err := base64.StdEncoding.DecodeString(key64)
	hash, herr := strconv.ParseUint(hash16, 16, 32)
	if checkName(name) != nil || len(hash16) != 8 || herr != nil || err != nil || len(key) != 1+ed25519.SeedSize {
		return nil, concord.Invalid("key", "not an Ed25519 private key with a valid name and key ID")
	}
	priv := ed25519.NewKeyFromSeed(key[1:])
	pub := priv.Public().(ed25519.PublicKey)
	var want uint32
	switch key[0] {
	case AlgCosignatureV1:
		want = KeyHash(name, pub)
	case algEd25519:
		want = noteKeyHash(name, append([]byte{algEd25519}, pub...))
	default:
		return nil, concord.Invalid("key", "key type 0x%02x is neither Ed25519 (0x01) nor cosignature/v1 (0x04)", key[0])
	}
	if uint32(hash) != want {
		return nil, concord.Invalid("key", "the key ID of %s does not match its key", name)
	}
	return &Signer{name: name, key: priv, v: VerifierFor(name, pub)}, nil
}

func noteKeyHash(name string, key []byte) uint32 {
	sum := sha256.Sum256(append([]byte(name+"\n"), key...))
	return binary.BigEndian.Uint32(sum[:])
}

// GenerateKey returns a new cosignature/v1 private key and its verifier key
// for the cosigner named name (a schema-less URL such as
// "witness.example.org/w1" is recommended), from crypto/rand.
func GenerateKey(name string) (skey, vkey string, err error) {
	if err := checkName(name); err != nil {
		return "", "", err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	v := VerifierFor(name, pub)
	skey = fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, v.hash, base64.StdEncoding.EncodeToString(append([]byte{AlgCosignatureV1}, priv.Seed()...)))
	return skey, v.Key(), nil
}

// Name returns the cosigner's key name.
func (s *Signer) Name() string { return s.name }

// Verifier returns the cosigner's verifier.
func (s *Signer) Verifier() *Verifier { return s.v }

// PrivateKey returns the Ed25519 key (a witness also signs its requests with it).
func (s *Signer) PrivateKey() ed25519.PrivateKey { return s.key }

// Cosign cosigns a checkpoint body (a note's text) at time t, in whole
// seconds; t must not be before 1970.
func (s *Signer) Cosign(body []byte, t int64) (Cosignature, error) {
	if t < 0 {
		return Cosignature{}, concord.Invalid("time", "must not be before 1970")
	}
	return Cosignature{Name: s.name, KeyHash: s.v.hash, Time: t, Signature: ed25519.Sign(s.key, Message(t, body))}, nil
}

// SplitNote parses a signed note without verifying any signature and returns
// its text and its signature lines (each ending in "\n", duplicates dropped).
// It accepts what note.Open accepts (at most 100 signatures, valid UTF-8, no
// control characters but newlines) up to journal.MaxCheckpointSize bytes.
// Errors are EINVALID naming "checkpoint".
func SplitNote(msg []byte) (text []byte, sigs []string, err error) {
	if len(msg) > journal.MaxCheckpointSize {
		return nil, nil, concord.Invalid("checkpoint", "longer than %d bytes", journal.MaxCheckpointSize)
	}
	_, err = note.Open(msg, note.VerifierList())
	var unverified *note.UnverifiedNoteError
	if !errors.As(err, &unverified) {
		return nil, nil, concord.Invalid("checkpoint", "not a well-formed signed note")
	}
	for _, s := range unverified.Note.UnverifiedSigs {
		sigs = append(sigs, "— "+s.Name+" "+s.Base64+"\n")
	}
	return []byte(unverified.Note.Text), sigs, nil
}

// AppendSignatures returns the signed note msg with the signature lines
// added, skipping lines it already holds.
func AppendSignatures(msg []byte, lines ...string) []byte {
	out := bytes.Clone(msg)
	for _, l := range lines {
		if !strings.HasSuffix(l, "\n") {
			l += "\n"
		}
		if !bytes.Contains(out, []byte("\n"+l)) {
			out = append(out, l...)
		}
	}
	return out
}
