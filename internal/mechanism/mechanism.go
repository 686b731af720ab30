// Package mechanism is concord's service layer: the one place that decides who
// may do what (SPEC §1), shapes what each caller may see (need-to-know), and
// writes every accepted change together with its journal leaf in one store
// transaction (SPEC §3). It knows nothing of HTTP; the api package adapts it.
package mechanism

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"concord"
	"concord/internal/airspace"
	"concord/internal/journal"
	"concord/internal/store"
)

// DefaultCellLevel is the S2 level of coarse covers (≈ 4 km² cells).
const DefaultCellLevel = 12

// CoordinatorID is the party ID of the built-in coordinator.
const CoordinatorID = "coordinator"

// Config configures a Mechanism.
type Config struct {
	Store       store.Store
	Signer      note.Signer   // signs checkpoints (the log's key)
	Verifier    note.Verifier // the log's public key
	VerifierKey string        // the same key, encoded as a signed-note verifier key
	CellLevel   int           // S2 level of coarse covers (0: DefaultCellLevel)
	Clock       concord.Clock // nil: the system clock
	Logger      *slog.Logger  // nil: slog.Default()

	// Air deconfliction (SPEC §2, §6): separation minima and look-ahead,
	// how long a silent track stays live, and how long involved parties
	// have to acknowledge an alert before it escalates.
	Minima      airspace.Minima
	StaleAfter  time.Duration
	AckDeadline time.Duration

	// Protection (protection.go): a protected site's or safe zone's
	// notification expires unless its owner re-confirms it within
	// ReconfirmEvery (0: never); AwarenessWarnOnly accepts an operation
	// notice over unacknowledged sites or movements with a warning instead
	// of refusing it.
	ReconfirmEvery    time.Duration
	AwarenessWarnOnly bool
}

// Mechanism is the shared centre.
type Mechanism struct {
	store    store.Store
	signer   note.Signer
	verifier note.Verifier
	vkey     string
	level    int
	clock    concord.Clock
	log      *slog.Logger
	cfg      Config
	air      *air

	integrateMu sync.Mutex
	changed     chan struct{} // closed and replaced after each commit (wakes event streams)
	changedMu   sync.Mutex
}

// New returns a Mechanism over c.Store.
func New(c Config) (*Mechanism, error) {
	if c.Store == nil || c.Signer == nil || c.Verifier == nil {
		return nil, fmt.Errorf("mechanism: store, signer and verifier are required")
	}
	m := &Mechanism{store: c.Store, signer: c.Signer, verifier: c.Verifier, vkey: c.VerifierKey, level: c.CellLevel,
		clock: c.Clock, log: c.Logger, changed: make(chan struct{}), cfg: c}
	if m.level == 0 {
		m.level = DefaultCellLevel
	}
	if m.level < 1 || m.level > 30 {
		return nil, fmt.Errorf("mechanism: cell level %d is outside 1..30", m.level)
	}
	if m.clock == nil {
		m.clock = concord.SystemClock{}
	}
	if m.log == nil {
		m.log = slog.Default()
	}
	return m, nil
}

// Verifier returns the log's public key.
func (m *Mechanism) Verifier() note.Verifier { return m.verifier }

// VerifierKey returns the log's public key in signed-note form.
func (m *Mechanism) VerifierKey() string { return m.vkey }

// CellLevel returns the S2 level of coarse covers.
func (m *Mechanism) CellLevel() int { return m.level }

// Store returns the underlying store (for health checks).
func (m *Mechanism) Store() store.Store { return m.store }

// Changed returns a channel closed at the next commit.
func (m *Mechanism) Changed() <-chan struct{} {
	m.changedMu.Lock()
	defer m.changedMu.Unlock()
	return m.changed
}

func (m *Mechanism) notify() {
	m.changedMu.Lock()
	close(m.changed)
	m.changed = make(chan struct{})
	m.changedMu.Unlock()
}

// Request describes the write request being served: who makes it, under
// which idempotency key, and the signature it carries.
type Request struct {
	Actor          concord.Actor
	IdempotencyKey string
	Method, Path   string
	Body           []byte
	KeyID          string // key the signature claims (verified by the caller's adapter)
	Signature      []byte // Ed25519 signature over SignedMessage(...)
}

// Hash identifies the request for idempotency: a retry with the same key must
// carry the same method, path and body.
func (r Request) Hash() []byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.Path)
	h.Write(r.Body)
	return h.Sum(nil)
}

// Result is the answer to a write: the response document and the receipts of
// the journal leaves the write appended.
type Result struct {
	Created  bool            // a new object was created (HTTP 201)
	Replayed bool            // answered from an earlier request with the same idempotency key
	Body     json.RawMessage // the response document (without receipts)
	Receipts []journal.Receipt
}

// writeTx is a store transaction that knows the request it serves and
// collects the journal leaves it appends.
type writeTx struct {
	store.Tx
	m      *Mechanism
	req    Request
	now    time.Time
	leaves []int64
}

// write runs fn in one transaction. fn returns the response document; the
// document, the records fn put and their leaves commit together, or nothing
// does. A request with an idempotency key already used answers as before.
func (m *Mechanism) write(ctx context.Context, req Request, created bool, fn func(context.Context, *writeTx) (any, error)) (Result, error) {
	var res Result
	err := m.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		wt := &writeTx{Tx: tx, m: m, req: req, now: m.clock.Now().UTC().Truncate(time.Millisecond)}
		if req.IdempotencyKey != "" {
			prev, err := tx.Idempotent(ctx, req.Actor.Party, req.IdempotencyKey)
			if err != nil {
				return err
			}
			if prev != nil {
				return replay(prev, req, &res)
			}
		}
		doc, err := fn(ctx, wt)
		if err != nil {
			return err
		}
		body, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		res = Result{Created: created, Body: body}
		wt.leavesInto(&res)
		if req.IdempotencyKey == "" {
			return nil
		}
		status := 200
		if created {
			status = 201
		}
		return tx.PutIdempotent(ctx, req.Actor.Party, req.IdempotencyKey,
			store.Idempotent{RequestHash: req.Hash(), Status: status, Body: body, Leaves: wt.leaves})
	})
	if err != nil {
		return Result{}, err
	}
	if !res.Replayed {
		m.notify()
	}
	return res, m.completeReceipts(ctx, &res)
}

func replay(prev *store.Idempotent, req Request, res *Result) error {
	if string(prev.RequestHash) != string(req.Hash()) {
		return &concord.Error{Code: concord.ECONFLICT, Field: "Idempotency-Key",
			Message: "this idempotency key was already used for a different request"}
	}
	*res = Result{Created: prev.Status == 201, Replayed: true, Body: prev.Body}
	for _, idx := range prev.Leaves {
		res.Receipts = append(res.Receipts, journal.Receipt{Index: idx})
	}
	return nil
}

func (wt *writeTx) leavesInto(res *Result) {
	for _, idx := range wt.leaves {
		res.Receipts = append(res.Receipts, journal.Receipt{Index: idx})
	}
}

// put writes body as version r.Version of record r, with its journal leaf.
func (wt *writeTx) put(ctx context.Context, r *store.Record, kind string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	r.Body, r.Salt, r.Time = b, journal.NewSalt(), wt.now
	leaf := journal.Leaf{
		Kind: kind, Record: r.ID, Version: r.Version, Actor: wt.req.Actor.Party, Time: wt.now,
		Commitment: journal.Commit(r.Salt, r.Body), KeyID: wt.req.KeyID, Signature: wt.req.Signature,
		Request: wt.req.signed(),
	}
	if err := leaf.Validate(); err != nil {
		return fmt.Errorf("journal leaf for %s: %w", r.ID, err)
	}
	idx, _, err := wt.Put(ctx, r, leaf.Marshal())
	if err != nil {
		return err
	}
	wt.leaves = append(wt.leaves, idx)
	return nil
}

// signed returns the signed request line journaled with a signed write.
func (r Request) signed() string {
	if r.Signature == nil {
		return ""
	}
	return SignedLine(r.Method, r.Path, r.IdempotencyKey, r.Body)
}
