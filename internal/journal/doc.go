// Package journal is concord's tamper-evident journal (SPEC §3): one
// append-only Merkle tree log in which every accepted write is a leaf.
//
// The tree is hashed as in RFC 6962 §2.1 (Certificate Transparency), using
// golang.org/x/mod/sumdb/tlog for the arithmetic, so that any RFC 6962 client
// can check its proofs: a leaf hash is SHA-256(0x00 || leaf text), an interior
// node SHA-256(0x01 || left || right), and the empty tree SHA-256("").
// Inclusion proofs are RFC 6962 §2.1.1 audit paths and consistency proofs are
// RFC 6962 §2.1.2 proofs, both in RFC 9162 order (leaf to root).
//
// A leaf (Leaf) does not hold the record it journals, only a salted
// commitment to it (Commit), with its kind, record ID and version, actor, time
// and the actor's signature; an auditor can check every leaf without learning
// private contents, and whoever may see a record can check it against its
// leaf (CheckRecord).
//
// Checkpoints are C2SP tlog-checkpoint bodies
// (https://c2sp.org/tlog-checkpoint) carried in signed notes
// (https://c2sp.org/signed-note, golang.org/x/mod/sumdb/note), signed with
// Ed25519 by a key whose name is the log's origin.
//
// The package does no I/O. Storage enters through tlog.HashReader: Append
// returns the hashes to store for a new leaf and the caller writes them, with
// the record, in its own transaction. Auditing (Audit) is a pure function of a
// trusted State and what was fetched from the server.
//
// Errors are *concord.Error: EINVALID (naming the field) for malformed input
// and ECONFLICT for evidence that the log or a record is not what was
// promised: a bad signature, a failed proof, a rewritten leaf, a fork.
package journal

import (
	"fmt"

	"concord"
)

// conflict returns an ECONFLICT error: evidence that the log misbehaved.
// Field names the offending input, as in "leaves[17]", or is empty.
func conflict(field, format string, args ...any) error {
	return &concord.Error{Code: concord.ECONFLICT, Field: field, Message: fmt.Sprintf(format, args...)}
}
