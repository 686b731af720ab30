package journal

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"

	"concord"
)

// MaxCheckpointSize bounds a signed checkpoint note; Open rejects longer ones
// before parsing. It leaves room for the log's signature and a few dozen
// witness cosignatures.
const MaxCheckpointSize = 16 << 10

// Checkpoint is the state of the log that the log's key signs: a C2SP
// tlog-checkpoint (https://c2sp.org/tlog-checkpoint) without extension lines.
type Checkpoint struct {
	Origin string // the log's name, also the name of its signing key
	Size   int64  // number of leaves
	Root   Hash   // RFC 6962 root hash of those leaves
}

// Body returns the checkpoint's note text:
//
//	<origin>\n<size in decimal>\n<root in standard base64>\n
func (c Checkpoint) Body() []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n", c.Origin, c.Size, c.Root)
}

// ParseCheckpoint parses a checkpoint body written by Body. It is strict:
// exactly three lines, a valid origin (see GenerateKey), a canonical
// non-negative decimal size and a canonical base64 root, so that success
// implies c.Body() == body. Extension lines are rejected: concord writes
// none. Errors are EINVALID naming "checkpoint".
func ParseCheckpoint(body []byte) (Checkpoint, error) {
	text, ok := strings.CutSuffix(string(body), "\n")
	if !ok || len(body) > MaxCheckpointSize {
		return Checkpoint{}, concord.Invalid("checkpoint", "does not end in a newline or is too long")
	}
	lines := strings.Split(text, "\n")
	if len(lines) != 3 {
		return Checkpoint{}, concord.Invalid("checkpoint", "has %d lines, want 3 (origin, size, root)", len(lines))
	}
	if err := checkOrigin(lines[0]); err != nil {
		return Checkpoint{}, concord.Prefix("checkpoint", err)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return Checkpoint{}, concord.Invalid("checkpoint.size", "not a canonical non-negative decimal number")
	}
	root, err := parseHash(lines[2])
	if err != nil {
		return Checkpoint{}, concord.Invalid("checkpoint.root", "not the standard base64 of a 32-byte hash")
	}
	return Checkpoint{Origin: lines[0], Size: size, Root: root}, nil
}

// checkOrigin checks that origin can name both a log and a note key
// (https://c2sp.org/signed-note): non-empty UTF-8 with no spaces, no control
// characters and no '+'.
func checkOrigin(origin string) error {
	bad := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '+' }
	if origin == "" || !utf8.ValidString(origin) || strings.IndexFunc(origin, bad) >= 0 {
		return concord.Invalid("origin", "must be non-empty UTF-8 without spaces, control characters or '+', got %q", origin)
	}
	return nil
}

// Sign returns c as a signed note (https://c2sp.org/signed-note) signed by s,
// whose name must be c's origin.
func Sign(c Checkpoint, s note.Signer) ([]byte, error) {
	if s == nil {
		return nil, concord.Invalid("signer", "is required")
	}
	if _, err := ParseCheckpoint(c.Body()); err != nil {
		return nil, err
	}
	if s.Name() != c.Origin {
		return nil, concord.Invalid("checkpoint.origin", "signer key is named %q, not %q", s.Name(), c.Origin)
	}
	return note.Sign(&note.Note{Text: string(c.Body())}, s)
}

// Open verifies that msg is a checkpoint note signed by v and returns the
// checkpoint. The checkpoint's origin must be v's name. Signatures by other
// keys (witness cosignatures) are allowed and ignored. A note that is not
// signed by v, or whose signature by v is invalid, is ECONFLICT; a malformed
// note or checkpoint is EINVALID; both name "checkpoint".
func Open(msg []byte, v note.Verifier) (Checkpoint, error) {
	if v == nil {
		return Checkpoint{}, concord.Invalid("verifier", "is required")
	}
	if len(msg) > MaxCheckpointSize {
		return Checkpoint{}, concord.Invalid("checkpoint", "longer than %d bytes", MaxCheckpointSize)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, openError(err, v)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, conflict("checkpoint", "checkpoint is for log %q, not %q", c.Origin, v.Name())
	}
	return c, nil
}

// openError describes an error from note.Open.
func openError(err error, v note.Verifier) error {
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified):
		return conflict("checkpoint", "checkpoint is not signed by key %s+%08x", v.Name(), v.KeyHash())
	case errors.As(err, &invalid):
		return conflict("checkpoint", "checkpoint signature by key %s+%08x is invalid", v.Name(), v.KeyHash())
	}
	return concord.Invalid("checkpoint", "not a well-formed signed note: %v", err)
}

// GenerateKey returns a new Ed25519 note signer key (secret: "PRIVATE+KEY+…")
// and verifier key ("<origin>+<hash>+<key>") named origin, from crypto/rand.
// Origin must be non-empty UTF-8 without spaces, control characters or '+';
// C2SP recommends a schema-less URL such as "concord.example.org/log".
func GenerateKey(origin string) (skey, vkey string, err error) {
	if err := checkOrigin(origin); err != nil {
		return "", "", err
	}
	return note.GenerateKey(rand.Reader, origin)
}
