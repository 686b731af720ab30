package journal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"

	"concord"
)

// Salt sizes. A record version is committed with its own random salt, so that
// a leaf's commitment reveals nothing about a record, even one whose body an
// auditor could guess; the salt is stored with the record and shown with it to
// whoever may see it.
const (
	SaltSize    = 32 // size of the salts NewSalt returns
	MinSaltSize = 16
	MaxSaltSize = 64
)

const commitDomain = "concord-commit/v1\n"

// Commit returns the commitment to a record version's canonical body:
//
//	SHA-256("concord-commit/v1\n" || uvarint(len(salt)) || salt || body)
//
// where uvarint is encoding/binary's unsigned varint. The length prefix makes
// the split between salt and body unambiguous; the domain string keeps
// commitments apart from RFC 6962 leaf and node hashes. Commit does not check
// the salt's size (CheckRecord does): salts must be MinSaltSize to
// MaxSaltSize bytes from a cryptographic source (NewSalt).
func Commit(salt, body []byte) Hash {
	h := sha256.New()
	h.Write([]byte(commitDomain))
	h.Write(binary.AppendUvarint(nil, uint64(len(salt))))
	h.Write(salt)
	h.Write(body)
	var c Hash
	h.Sum(c[:0])
	return c
}

// NewSalt returns SaltSize bytes from crypto/rand.
func NewSalt() []byte {
	salt := make([]byte, SaltSize)
	rand.Read(salt) // never fails: crypto/rand crashes the program instead
	return salt
}

// CheckRecord checks that a record version fetched from the server, its salt
// and canonical body, matches the commitment of the leaf that journaled it.
// A salt of the wrong size is EINVALID naming "salt"; a mismatch is
// ECONFLICT naming "record".
func CheckRecord(l Leaf, salt, body []byte) error {
	if err := checkSalt(salt); err != nil {
		return err
	}
	if Commit(salt, body) != l.Commitment {
		return conflict("record", "record %s version %d does not match its leaf's commitment", l.Record, l.Version)
	}
	return nil
}

// CheckRecordAt is CheckRecord for the leaf at index in the log, given as
// text: "record z_1 version 2 does not match leaf 17's commitment". A leaf
// that does not parse is ECONFLICT naming "leaves[17]".
func CheckRecordAt(index int64, leafData, salt, body []byte) error {
	l, err := ParseLeaf(leafData)
	if err != nil {
		return conflict(leafField(index), "leaf %d is malformed: %s", index, concord.ErrorMessage(err))
	}
	if err := checkSalt(salt); err != nil {
		return err
	}
	if Commit(salt, body) != l.Commitment {
		return conflict("record", "record %s version %d does not match leaf %d's commitment", l.Record, l.Version, index)
	}
	return nil
}

func checkSalt(salt []byte) error {
	if len(salt) < MinSaltSize || len(salt) > MaxSaltSize {
		return concord.Invalid("salt", "must be %d to %d bytes, got %d", MinSaltSize, MaxSaltSize, len(salt))
	}
	return nil
}
