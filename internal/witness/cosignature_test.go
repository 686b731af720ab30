package witness

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"concord"
)

// The known vector: a checkpoint of the CT log
// arche2025h1.staging.ct.transparency.dev as published with the cosignatures
// of witnesses of the public witness network, and those witnesses' verifier
// keys as they publish them (the keys' IDs, checked by NewVerifier, are the
// ones the witnesses computed). Cosignatures made elsewhere, with another
// implementation, must verify here for the format to be C2SP's.
const (
	vectorFile   = "testdata/arche2025h1.cosigned"
	vectorLogKey = "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
	vectorTime   = 1779573024 // the timestamp in each of the three cosignatures
)

var vectorWitnesses = []string{
	"remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
	"transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM",
	"witness1.smartit.nu/witness1+a48c820f+BPSFWg9G6KPiO7QPryYO5Xq4oYJJ+kAvLKLSimDhoxMO",
}

func vectorVerifiers(t *testing.T) []*Verifier {
	t.Helper()
	var vs []*Verifier
	for _, k := range vectorWitnesses {
		v, err := NewVerifier(k)
		if err != nil {
			t.Fatalf("NewVerifier(%s): %v", k, err)
		}
		if v.Key() != k {
			t.Fatalf("Key() = %s, want %s", v.Key(), k)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestKnownVector(t *testing.T) {
	msg, err := os.ReadFile(vectorFile)
	if err != nil {
		t.Fatal(err)
	}
	vs := vectorVerifiers(t)
	got, err := VerifyCosignatures(msg, vs, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range got {
		if c.Name != vs[i].Name() || c.Time != vectorTime {
			t.Errorf("cosignature %d = %s at %d, want %s at %d", i, c.Name, c.Time, vs[i].Name(), vectorTime)
		}
	}
	// As note.Verifiers, next to the log's own Ed25519 key, in x/mod's note.Open.
	logV, err := note.NewVerifier(vectorLogKey)
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open(msg, note.VerifierList(logV, vs[0], vs[1], vs[2]))
	if err != nil || len(n.Sigs) != 4 {
		t.Fatalf("note.Open with the log's and the witnesses' keys: %v", err)
	}
}

func TestKnownVectorTampered(t *testing.T) {
	msg, err := os.ReadFile(vectorFile)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(msg, []byte("1432088532\n"), []byte("1432088533\n"), 1)
	got, err := VerifyCosignatures(forged, vectorVerifiers(t), 1)
	if concord.ErrorCode(err) != concord.ECONFLICT || len(got) != 0 {
		t.Fatalf("a changed size verified: %v %v", got, err)
	}
	for _, k := range vectorWitnesses {
		if name, _, _ := strings.Cut(k, "+"); !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestCosignRoundTrip(t *testing.T) {
	skey, vkey, err := GenerateKey("witness.example/w1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if s.Verifier().Key() != vkey {
		t.Fatalf("signer's verifier %s, want %s", s.Verifier().Key(), vkey)
	}
	log := newTestLog(t, "concord.example/log", 1)
	log.grow(t, 5)
	cp := log.checkpoint(t)
	text, _, _ := SplitNote(cp)
	c, err := s.Cosign(text, 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseCosignature(c.Line())
	if err != nil || parsed.Line() != c.Line() || parsed.Time != 1700000000 {
		t.Fatalf("ParseCosignature(%q) = %+v, %v", c.Line(), parsed, err)
	}
	if !v.Check(parsed, text) {
		t.Fatal("a fresh cosignature does not verify")
	}
	cosigned := AppendSignatures(cp, c.Line())
	if n, err := note.Open(cosigned, note.VerifierList(log.v, v)); err != nil || len(n.Sigs) != 2 {
		t.Fatalf("note.Open of the cosigned checkpoint: %v", err)
	}
	if _, err := VerifyCosignatures(cosigned, []*Verifier{v, v}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyCosignatures(cosigned, []*Verifier{v, v}, 2); concord.ErrorCode(err) != concord.EINVALID {
		t.Fatalf("a witness given twice counted twice: %v", err)
	}
	tampered := []Cosignature{
		{Name: c.Name, KeyHash: c.KeyHash, Time: c.Time + 1, Signature: c.Signature},
		{Name: c.Name, KeyHash: c.KeyHash, Time: c.Time, Signature: flip(c.Signature)},
		{Name: "witness.example/w2", KeyHash: c.KeyHash, Time: c.Time, Signature: c.Signature},
	}
	for _, bad := range tampered {
		if v.Check(bad, text) {
			t.Errorf("tampered cosignature %+v verifies", bad)
		}
	}
	if v.Check(c, bytes.Replace(text, []byte("\n5\n"), []byte("\n6\n"), 1)) {
		t.Error("cosignature verifies over another checkpoint")
	}
}

func flip(b []byte) []byte {
	out := bytes.Clone(b)
	out[0] ^= 1
	return out
}

// A signed-note Ed25519 key (type 0x01, note.GenerateKey) cosigns under the
// key ID of type 0x04, as C2SP requires.
func TestSignerFromNoteKey(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "witness.example/w1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	nv, _ := note.NewVerifier(vkey)
	pub := s.PrivateKey().Public().(ed25519.PublicKey)
	if got := s.Verifier().KeyHash(); got != KeyHash(s.Name(), pub) || got == nv.KeyHash() {
		t.Fatalf("key ID %08x: want the type 0x04 ID %08x, not the note key's %08x", got, KeyHash(s.Name(), pub), nv.KeyHash())
	}
	if _, err := NewVerifier(vkey); concord.ErrorCode(err) != concord.EINVALID {
		t.Fatalf("a type 0x01 verifier key was accepted as a cosigner's: %v", err)
	}
}

func TestKeyErrors(t *testing.T) {
	_, vkey, _ := GenerateKey("w")
	skey, _, _ := GenerateKey("w")
	badVerifiers := []string{"", "w", "w+zzzzzzzz+AAAA", "w+00000000+" + strings.SplitN(vkey, "+", 3)[2], "w x+" + strings.SplitN(vkey, "+", 2)[1], vkey + "A"}
	for _, k := range badVerifiers {
		if _, err := NewVerifier(k); concord.ErrorCode(err) != concord.EINVALID {
			t.Errorf("NewVerifier(%q) = %v, want EINVALID", k, err)
		}
	}
	f := strings.Split(skey, "+")
	badSigners := []string{"", "PRIVATE+KEY+w", strings.Join([]string{f[0], f[1], f[2], "00000000", f[4]}, "+"), strings.Replace(skey, "PRIVATE", "PUBLIC", 1)}
	for _, k := range badSigners {
		_, err := NewSigner(k)
		if concord.ErrorCode(err) != concord.EINVALID {
			t.Errorf("NewSigner(%q) = %v, want EINVALID", k, err)
		}
		if err != nil && strings.Contains(err.Error(), f[4]) {
			t.Errorf("NewSigner's error quotes the private key: %v", err)
		}
	}
	if _, _, err := GenerateKey("a+b"); err == nil {
		t.Error("GenerateKey accepted a name with '+'")
	}
}

func TestParseCosignatureRejects(t *testing.T) {
	good := strings.TrimSuffix(mustLine(t), "\n")
	name, b64, _ := strings.Cut(strings.TrimPrefix(good, "— "), " ")
	long := make([]byte, sigLen)
	for i := range long[4:12] {
		long[4+i] = 0xff
	}
	for _, line := range []string{
		"",
		"- " + name + " " + b64,              // ASCII hyphen
		"— " + name + "  " + b64,             // two spaces
		"— " + name + " " + b64 + "=",        // not canonical
		"— " + name + " " + b64[:len(b64)-4], // short
		"— a+b " + b64,                       // '+' in the name
		"— " + name + " " + b64 + " x",       // trailing field
		"— " + name + " " + encode(long),     // timestamp ≥ 2⁶³
		"— " + strings.Repeat("n", 256) + " " + b64,
	} {
		if _, err := ParseCosignature(line); concord.ErrorCode(err) != concord.EINVALID {
			t.Errorf("ParseCosignature(%q) = %v, want EINVALID", line, err)
		}
	}
	if _, err := ParseCosignature(good); err != nil {
		t.Fatalf("the line without its newline: %v", err)
	}
}

func mustLine(t *testing.T) string {
	t.Helper()
	skey, _, _ := GenerateKey("witness.example/w1")
	s, _ := NewSigner(skey)
	c, err := s.Cosign([]byte("o\n1\nAAAA\n"), 42)
	if err != nil {
		t.Fatal(err)
	}
	return c.Line()
}

func TestAppendSignatures(t *testing.T) {
	log := newTestLog(t, "concord.example/log", 1)
	cp := log.checkpoint(t)
	l := mustLine(t)
	once := AppendSignatures(cp, l)
	if twice := AppendSignatures(once, l, strings.TrimSuffix(l, "\n")); !bytes.Equal(once, twice) {
		t.Fatalf("a line appended twice:\n%s", twice)
	}
	_, sigs, err := SplitNote(once)
	if err != nil || len(sigs) != 2 || sigs[1] != l {
		t.Fatalf("SplitNote = %q, %v", sigs, err)
	}
	if _, _, err := SplitNote([]byte("no signatures\n")); concord.ErrorCode(err) != concord.EINVALID {
		t.Fatalf("SplitNote of a note without signatures: %v", err)
	}
}
