package mechanism

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"concord"
	"concord/internal/journal"
	"concord/internal/store"
)

// SignedLine is the one-line description of a write request that a party's
// key signs and the journal keeps: "METHOD PATH IDEMPOTENCY-KEY BODY-SHA256",
// with "-" for an absent key and the body hash in standard base64.
func SignedLine(method, path, key string, body []byte) string {
	if key == "" {
		key = "-"
	}
	sum := sha256.Sum256(body)
	return fmt.Sprintf("%s %s %s %s", method, path, key, base64.StdEncoding.EncodeToString(sum[:]))
}

// SignedMessage is the exact byte string a party signs with Ed25519.
func SignedMessage(method, path, key string, body []byte) []byte {
	return []byte("concord-request/v1\n" + SignedLine(method, path, key, body) + "\n")
}

type hashReader struct {
	ctx context.Context
	s   store.Hashes
}

func (r hashReader) ReadHashes(idx []int64) ([]tlog.Hash, error) { return r.s.ReadHashes(r.ctx, idx) }

// Integrate signs and stores a checkpoint of the journal's current size if
// the latest stored checkpoint is smaller, and returns the latest checkpoint.
// Every checkpoint ever signed is kept. Concurrent callers share one signing.
func (m *Mechanism) Integrate(ctx context.Context) (int64, []byte, error) {
	return m.integrate(ctx, -1)
}

// integrate returns the latest checkpoint if it covers at least need leaves
// (need < 0: the journal's current size), else signs one of the current
// size. Writers waiting on each other's signing thus share checkpoints.
func (m *Mechanism) integrate(ctx context.Context, need int64) (int64, []byte, error) {
	m.integrateMu.Lock()
	defer m.integrateMu.Unlock()
	size, err := m.store.Size(ctx)
	if err != nil {
		return 0, nil, err
	}
	if need < 0 {
		need = size
	}
	cpSize, cp, err := m.store.Checkpoint(ctx, -1)
	if err != nil && concord.ErrorCode(err) != concord.ENOTFOUND {
		return 0, nil, err
	}
	if err == nil && cpSize >= need {
		return cpSize, cp, nil
	}
	root, err := journal.TreeRoot(size, hashReader{ctx, m.store})
	if err != nil {
		return 0, nil, err
	}
	signed, err := journal.Sign(journal.Checkpoint{Origin: m.signer.Name(), Size: size, Root: root}, m.signer)
	if err != nil {
		return 0, nil, err
	}
	if err := m.store.PutCheckpoint(ctx, size, signed); err != nil {
		return 0, nil, err
	}
	return size, signed, nil
}

// completeReceipts fills each receipt's leaf, hash, checkpoint and proof.
func (m *Mechanism) completeReceipts(ctx context.Context, res *Result) error {
	if len(res.Receipts) == 0 {
		return nil
	}
	need := int64(0)
	for _, r := range res.Receipts {
		need = max(need, r.Index+1)
	}
	_, cp, err := m.integrate(ctx, need)
	if err != nil {
		return err
	}
	for i := range res.Receipts {
		r, err := m.Receipt(ctx, res.Receipts[i].Index, cp)
		if err != nil {
			return err
		}
		res.Receipts[i] = r
	}
	return nil
}

// Receipt returns the receipt of leaf index against the signed checkpoint cp.
func (m *Mechanism) Receipt(ctx context.Context, index int64, cp []byte) (journal.Receipt, error) {
	ls, err := m.store.Leaves(ctx, index, index+1)
	if err != nil {
		return journal.Receipt{}, err
	}
	if len(ls) != 1 {
		return journal.Receipt{}, concord.Errorf(concord.ENOTFOUND, "no leaf %d", index)
	}
	c, err := journal.Open(cp, m.verifier)
	if err != nil {
		return journal.Receipt{}, err
	}
	return journal.NewReceipt(index, ls[0].Data).Integrate(cp, c, hashReader{ctx, m.store})
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// Checkpoint returns the latest signed checkpoint, signing one first if the
// journal has grown since.
func (m *Mechanism) Checkpoint(ctx context.Context) (int64, []byte, error) {
	return m.Integrate(ctx)
}

// StoredCheckpoint returns the stored checkpoint of exactly size.
func (m *Mechanism) StoredCheckpoint(ctx context.Context, size int64) ([]byte, error) {
	_, cp, err := m.store.Checkpoint(ctx, size)
	return cp, err
}

// MaxLeavesPage bounds one page of leaves.
const MaxLeavesPage = 1000

// LeafView is a leaf as served, with the record version it commits to when
// the caller may see that record in full.
type LeafView struct {
	Index  int64       `json:"index"`
	Data   string      `json:"data"`
	Hash   string      `json:"hash"`
	Record *RecordView `json:"record,omitempty"`
}

// RecordView is a stored record version with the salt of its commitment.
type RecordView struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Version int    `json:"version"`
	Body    string `json:"body"` // the exact committed bytes
	Salt    string `json:"salt"`
}

// Leaves returns leaves [start, end) (clamped to the journal's size and to
// MaxLeavesPage). With records set, each leaf whose record version the actor
// may see in full carries it, so the caller can check it against the leaf.
func (m *Mechanism) Leaves(ctx context.Context, a concord.Actor, start, end int64, records bool) ([]LeafView, error) {
	if start < 0 {
		return nil, concord.Invalid("start", "must be ≥ 0")
	}
	if end <= start {
		return nil, concord.Invalid("end", "must be greater than start")
	}
	end = min(end, start+MaxLeavesPage)
	ls, err := m.store.Leaves(ctx, start, end)
	if err != nil {
		return nil, err
	}
	out := make([]LeafView, len(ls))
	for i, l := range ls {
		out[i] = LeafView{Index: l.Index, Data: string(l.Data), Hash: b64(l.Hash[:])}
		if records {
			out[i].Record, err = m.committedRecord(ctx, a, l.Data)
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (m *Mechanism) committedRecord(ctx context.Context, a concord.Actor, data []byte) (*RecordView, error) {
	if a.Role == concord.RoleAuditor {
		return nil, nil
	}
	leaf, err := journal.ParseLeaf(data)
	if err != nil || leaf.Record == "" {
		return nil, nil // a tampered leaf is reported by the verifier, not here
	}
	r, err := m.store.Version(ctx, leaf.Record, leaf.Version)
	if concord.ErrorCode(err) == concord.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !m.seesInFull(a, r) {
		return nil, nil
	}
	return &RecordView{Type: r.Type, ID: r.ID, Version: r.Version, Body: string(r.Body), Salt: b64(r.Salt)}, nil
}

// InclusionProof proves leaf index in the tree of size.
func (m *Mechanism) InclusionProof(ctx context.Context, index, size int64) ([]string, error) {
	if err := m.checkSize(ctx, "size", size); err != nil {
		return nil, err
	}
	if index < 0 || index >= size {
		return nil, concord.Invalid("index", "must be in [0, size)")
	}
	p, err := journal.InclusionProof(index, size, hashReader{ctx, m.store})
	return hashStrings(p), err
}

// ConsistencyProof proves the tree of size to extends the tree of size from.
func (m *Mechanism) ConsistencyProof(ctx context.Context, from, to int64) ([]string, error) {
	if err := m.checkSize(ctx, "to", to); err != nil {
		return nil, err
	}
	if from < 0 || from > to {
		return nil, concord.Invalid("from", "must be in [0, to]")
	}
	p, err := journal.ConsistencyProof(from, to, hashReader{ctx, m.store})
	return hashStrings(p), err
}

func (m *Mechanism) checkSize(ctx context.Context, field string, size int64) error {
	n, err := m.store.Size(ctx)
	if err != nil {
		return err
	}
	if size < 1 || size > n {
		return concord.Invalid(field, "must be in [1, %d], the journal's size", n)
	}
	return nil
}

func hashStrings(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = b64(h[:])
	}
	return out
}
