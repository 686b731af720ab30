package journal

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"

	"concord"
)

// The key of golang.org/x/mod/sumdb/note's examples.
const (
	neumannSkey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
	neumannVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
)

// goldenCheckpoint is the checkpoint of the 8-leaf RFC 6962 test tree of
// transparency-dev/merkle/testonly, signed by the note example key (Ed25519
// signatures are deterministic). Its signature is also checked below with
// crypto/ed25519 directly, independently of the note package.
const goldenCheckpoint = `PeterNeumann
8
XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=

— PeterNeumann x08gozdSgLMzAnw63LH1RGViJhUfW60EUGKY7Kmr004fQNOSqfrcd1hIk3BCtdcLWIqvGtX67sL24VN+44uTlxMnbAA=
`

func neumann(t testing.TB) (note.Signer, note.Verifier) {
	t.Helper()
	s, err := note.NewSigner(neumannSkey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(neumannVkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

func TestCheckpointGolden(t *testing.T) {
	s, v := neumann(t)
	c := Checkpoint{Origin: "PeterNeumann", Size: 8, Root: Hash(testonly.RootHashes()[8])}
	msg, err := Sign(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if string(msg) != goldenCheckpoint {
		t.Fatalf("Sign =\n%s\nwant\n%s", msg, goldenCheckpoint)
	}
	got, err := Open(msg, v)
	if err != nil || got != c {
		t.Fatalf("Open = %+v, %v; want %+v", got, err, c)
	}
	verifyEd25519(t, msg)
}

// verifyEd25519 checks the signature line of a note signed by the Neumann
// key with crypto/ed25519, following https://c2sp.org/signed-note by hand.
func verifyEd25519(t *testing.T, msg []byte) {
	t.Helper()
	text, sigLine, _ := bytes.Cut(msg, []byte("\n\n"))
	b64, ok := bytes.CutPrefix(bytes.TrimSuffix(sigLine, []byte("\n")), []byte("— PeterNeumann "))
	if !ok {
		t.Fatalf("signature line %q", sigLine)
	}
	sig, err := base64.StdEncoding.DecodeString(string(b64))
	if err != nil || len(sig) != 4+ed25519.SignatureSize || binary.BigEndian.Uint32(sig) != 0xc74f20a3 {
		t.Fatalf("signature %x: %v", sig, err)
	}
	key, _ := base64.StdEncoding.DecodeString(strings.Split(neumannVkey, "+")[2])
	if key[0] != 1 || !ed25519.Verify(key[1:], append(text, '\n'), sig[4:]) {
		t.Fatal("crypto/ed25519 rejects the checkpoint signature")
	}
}

func TestCheckpointBody(t *testing.T) {
	c := Checkpoint{Origin: "concord.example/log", Size: 12345, Root: goldenCommitment()}
	want := "concord.example/log\n12345\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
	if got := string(c.Body()); got != want {
		t.Fatalf("Body = %q, want %q", got, want)
	}
	got, err := ParseCheckpoint([]byte(want))
	if err != nil || got != c {
		t.Fatalf("ParseCheckpoint = %+v, %v", got, err)
	}
}

func TestParseCheckpointRejects(t *testing.T) {
	root := goldenCommitment().String()
	for _, body := range []string{
		"",
		"o\n1\n" + root,             // no final newline
		"o\n1\n" + root + "\n\n",    // blank line
		"o\n1\n" + root + "\next\n", // extension line
		"\n1\n" + root + "\n",       // empty origin
		"o o\n1\n" + root + "\n",    // space in origin
		"o+k\n1\n" + root + "\n",    // plus in origin
		"o\x7f\n1\n" + root + "\n",  // control character in origin
		"o\xff\n1\n" + root + "\n",  // invalid UTF-8
		"o\n-1\n" + root + "\n",     // negative size
		"o\n01\n" + root + "\n",     // leading zero
		"o\n+1\n" + root + "\n",     // plus sign
		"o\n99999999999999999999\n" + root + "\n",
		"o\n1\n" + root[:43] + "\n", // short root
		"o\n1\n" + root + "=\n",     // extra padding
		"o\n1\n" + strings.Replace(root, "Hh8=", "Hh9=", 1) + "\n", // non-canonical
		"o\r\n1\n" + root + "\n",
	} {
		if c, err := ParseCheckpoint([]byte(body)); concord.ErrorCode(err) != concord.EINVALID {
			t.Errorf("ParseCheckpoint(%q) = %+v, %v; want EINVALID", body, c, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	s, v := testKey(t, testOrigin, 1)
	other, otherV := testKey(t, testOrigin, 2) // same name, different key
	stranger, _ := testKey(t, "other.example/log", 3)
	c := Checkpoint{Origin: testOrigin, Size: 3, Root: goldenCommitment()}
	msg, err := Sign(c, s)
	if err != nil {
		t.Fatal(err)
	}
	byOther, _ := Sign(c, other)
	// A note for another origin, signed by a key named after this log.
	foreign, _ := note.Sign(&note.Note{Text: "other.example/log\n3\n" + c.Root.String() + "\n"}, s)
	cosigned, _ := note.Sign(&note.Note{Text: string(c.Body())}, s, stranger)

	tests := []struct {
		name  string
		msg   []byte
		v     note.Verifier
		code  string
		field string
		text  string
	}{
		{"ok", msg, v, "", "", ""},
		{"cosigned by another key", cosigned, v, "", "", ""},
		{"other key", byOther, v, concord.ECONFLICT, "checkpoint", "not signed by key " + testOrigin},
		{"verified by other key", msg, otherV, concord.ECONFLICT, "checkpoint", "not signed by"},
		{"tampered size", bytes.Replace(msg, []byte("\n3\n"), []byte("\n4\n"), 1), v, concord.ECONFLICT, "checkpoint", "is invalid"},
		{"unsigned", append(c.Body(), '\n'), v, concord.EINVALID, "checkpoint", "well-formed"},
		{"foreign origin", foreign, v, concord.ECONFLICT, "checkpoint", "is for log \"other.example/log\""},
		{"nil verifier", msg, nil, concord.EINVALID, "verifier", "required"},
		{"too long", append(bytes.Repeat([]byte("x"), MaxCheckpointSize), msg...), v, concord.EINVALID, "checkpoint", "longer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Open(tt.msg, tt.v)
			if tt.code == "" {
				if err != nil || got != c {
					t.Fatalf("Open = %+v, %v", got, err)
				}
				return
			}
			wantErr(t, err, tt.code, tt.field, tt.text)
		})
	}
}

func TestOpenMalformedCheckpoint(t *testing.T) {
	s, v := testKey(t, testOrigin, 1)
	msg, err := note.Sign(&note.Note{Text: testOrigin + "\n3\n"}, s)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, second(Open(msg, v)), concord.EINVALID, "checkpoint", "has 2 lines")
}

func TestSignErrors(t *testing.T) {
	s, _ := testKey(t, testOrigin, 1)
	wantErr(t, second(Sign(Checkpoint{Origin: "other", Size: 1}, s)), concord.EINVALID, "checkpoint.origin", "signer key is named")
	wantErr(t, second(Sign(Checkpoint{Origin: testOrigin, Size: -1}, s)), concord.EINVALID, "checkpoint.size", "")
	wantErr(t, second(Sign(Checkpoint{Origin: "a b", Size: 1}, s)), concord.EINVALID, "checkpoint.origin", "")
	wantErr(t, second(Sign(Checkpoint{Origin: testOrigin}, nil)), concord.EINVALID, "signer", "")
}

func TestGenerateKey(t *testing.T) {
	skey, vkey, err := GenerateKey(testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	c := Checkpoint{Origin: testOrigin, Size: 1, Root: goldenCommitment()}
	msg, err := Sign(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Open(msg, v); err != nil || got != c {
		t.Fatalf("Open = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "a b", "a+b", "a\nb"} {
		if _, _, err := GenerateKey(bad); concord.ErrorField(err) != "origin" {
			t.Errorf("GenerateKey(%q) = %v, want EINVALID naming origin", bad, err)
		}
	}
}
