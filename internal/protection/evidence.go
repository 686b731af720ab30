package protection

import (
	"encoding/base64"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord"
	"concord/internal/journal"
)

// BundleFormat names the format of evidence bundles.
const BundleFormat = "concord-evidence/v1"

// Bundle is a self-contained evidence file about one movement, protected
// site or operation notice: every journal leaf that concerns it, in log
// order, each with its inclusion proof in one signed checkpoint, and the
// record versions the caller may see in full (body and salt), so that anyone
// holding the file and trusting the log's key can check it offline.
// Records the caller may not see are represented by their leaves alone: the
// leaf still shows what happened, who did it, when, and under which signature.
type Bundle struct {
	Format     string        `json:"format"`
	Subject    BundleSubject `json:"subject"`
	For        string        `json:"for"` // the party whose view of the records this is
	CreatedAt  time.Time     `json:"created_at"`
	LogKey     string        `json:"log_key"`    // the journal's signed-note verifier key
	Checkpoint string        `json:"checkpoint"` // the signed checkpoint every proof is against
	Entries    []Entry       `json:"entries"`    // ascending leaf index
}

// BundleSubject names what a bundle is about: a movement, a site (a
// protected-site or safe-zone zone) or an operation.
type BundleSubject struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Entry is one leaf of a bundle.
type Entry struct {
	Index    int64    `json:"index"`
	Leaf     string   `json:"leaf"`      // the leaf's text
	LeafHash string   `json:"leaf_hash"` // its RFC 6962 leaf hash, standard base64
	Proof    []string `json:"inclusion_proof"`
	Record   *Record  `json:"record,omitempty"` // absent: withheld from this caller
}

// Record is a record version with the salt of its commitment.
type Record struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Version int    `json:"version"`
	Body    string `json:"body"` // the exact committed bytes
	Salt    string `json:"salt"` // standard base64
}

// Verified is what a bundle proves once verified: the checkpoint, and each
// leaf in log order with whether its record was checked against it.
type Verified struct {
	Checkpoint journal.Checkpoint
	Leaves     []VerifiedLeaf
}

// VerifiedLeaf is one verified entry.
type VerifiedLeaf struct {
	Index   int64
	Leaf    journal.Leaf
	Checked bool // the record version was in the bundle and matches the commitment
}

// Verify checks a bundle offline: the log key parses (and equals pin, when
// pin is not empty); the checkpoint is signed by it; every entry's leaf hash
// is the hash of its text, its inclusion proof proves it at its index in the
// checkpoint's tree, and its record (if any) is the version the leaf names
// and matches the leaf's commitment; indexes are strictly ascending. The
// first failure is returned as a *concord.Error naming the part
// ("entries[3].record", "checkpoint", "log_key"): ECONFLICT for evidence that
// was altered, EINVALID for a malformed file.
func (b Bundle) Verify(pin string) (Verified, error) {
	if b.Format != BundleFormat {
		return Verified{}, concord.Invalid("format", "%q is not %s", b.Format, BundleFormat)
	}
	if pin != "" && pin != b.LogKey {
		return Verified{}, &concord.Error{Code: concord.ECONFLICT, Field: "log_key", Message: "the bundle's log key is not the key trusted: " + b.LogKey}
	}
	v, err := note.NewVerifier(b.LogKey)
	if err != nil {
		return Verified{}, concord.Invalid("log_key", "not a signed-note verifier key: %v", err)
	}
	cp, err := journal.Open([]byte(b.Checkpoint), v)
	if err != nil {
		return Verified{}, err
	}
	out := Verified{Checkpoint: cp}
	for i, e := range b.Entries {
		field := fmt.Sprintf("entries[%d]", i)
		if i > 0 && e.Index <= b.Entries[i-1].Index {
			return out, concord.Invalid(field+".index", "leaf %d is not after leaf %d", e.Index, b.Entries[i-1].Index)
		}
		l, err := e.verify(b.Checkpoint, v)
		if err != nil {
			return out, concord.Prefix(field, err)
		}
		out.Leaves = append(out.Leaves, l)
	}
	return out, nil
}

func (e Entry) verify(checkpoint string, v note.Verifier) (VerifiedLeaf, error) {
	r := journal.Receipt{Index: e.Index, LeafHash: e.LeafHash, Leaf: e.Leaf, Checkpoint: checkpoint, Proof: e.Proof}
	if _, err := r.Verify(v); err != nil {
		return VerifiedLeaf{}, err
	}
	l, err := journal.ParseLeaf([]byte(e.Leaf))
	if err != nil {
		return VerifiedLeaf{}, concord.Prefix("leaf", err)
	}
	out := VerifiedLeaf{Index: e.Index, Leaf: l}
	if e.Record == nil {
		return out, nil
	}
	return out, e.checkRecord(l, &out)
}

func (e Entry) checkRecord(l journal.Leaf, out *VerifiedLeaf) error {
	rec := e.Record
	if rec.ID != l.Record || rec.Version != l.Version {
		return &concord.Error{Code: concord.ECONFLICT, Field: "record",
			Message: fmt.Sprintf("record %s version %d is not the one leaf %d names (%s version %d)", rec.ID, rec.Version, e.Index, l.Record, l.Version)}
	}
	salt, err := base64.StdEncoding.DecodeString(rec.Salt)
	if err != nil {
		return concord.Invalid("record.salt", "not standard base64")
	}
	err = journal.CheckRecordAt(e.Index, []byte(e.Leaf), salt, []byte(rec.Body))
	if concord.ErrorField(err) == "salt" {
		return concord.Prefix("record", err)
	}
	if err != nil {
		return err // names "record"
	}
	out.Checked = true
	return nil
}
