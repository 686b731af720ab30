// Package store defines what concord needs from a database, and nothing more:
// versioned records with their journal leaves written in one transaction, the
// journal's stored hashes and checkpoints, tokens, idempotency keys, and the
// look-ups the service makes (by type, kind, owner, time window and S2 cell).
//
// Backends (store/sqlite, store/postgres) implement Store; storetest holds the
// conformance suite every backend runs. Records are opaque JSON bodies here:
// the domain packages give them meaning, the store only indexes them.
package store

import (
	"context"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Record is one version of a stored object. ID is unique across all types.
// Versions are immutable once written: a change writes version+1, and the
// previous version stays readable (history is never deleted).
type Record struct {
	Type    string     // "zone", "party", ... (what Body decodes to)
	ID      string     // stable across versions
	Version int        // 1, 2, ...
	Owner   string     // party ID of the record's owner
	Kind    string     // type-specific kind (zone kind, party role, ...), indexed
	Status  string     // type-specific lifecycle state, indexed
	Start   time.Time  // start of the record's time window (zero: none)
	End     *time.Time // end of the window; nil: open-ended
	Body    []byte     // canonical JSON of this version
	Salt    []byte     // salt of the journal commitment to Body
	Leaf    int64      // index of the journal leaf that committed this version
	Cells   []int64    // S2 index cells (geo.CellKey) for spatial look-ups
	Time    time.Time  // when this version was written
}

// Query selects current versions of records. Zero fields do not filter.
type Query struct {
	Type     string
	Kinds    []string
	Owner    string
	Statuses []string
	// Records whose window overlaps [From, To): Start < To and (End nil or End > From).
	From, To time.Time
	// Records having an index cell that intersects one of these cells (see CellFilter).
	Cells []CellFilter
	After string // return IDs greater than this (pagination)
	Limit int    // at most this many (0: DefaultLimit)
}

// CellFilter matches index cells c with Lo <= key(c) <= Hi (c inside the query
// cell) or key(c) in Ancestors (c contains the query cell).
type CellFilter struct {
	Lo, Hi    int64
	Ancestors []int64
}

// DefaultLimit bounds a Query without a Limit; MaxLimit bounds any Query.
const (
	DefaultLimit = 1000
	MaxLimit     = 10000
)

// Idempotent is a stored answer to a write made with an Idempotency-Key.
type Idempotent struct {
	RequestHash []byte // hash of the request (method, path, body)
	Status      int
	Body        []byte
	Leaves      []int64 // journal leaves written by the request
}

// Hashes reads the journal's stored hashes (tlog storage indexes).
type Hashes interface {
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
}

// Tx is a write transaction. Everything written through one Tx becomes
// durable together or not at all; journal appends are serialised across every
// writer of the store (every node sharing the database).
type Tx interface {
	Hashes
	// Get returns the current version of a record, for update (concord.ENOTFOUND if absent).
	Get(ctx context.Context, id string) (Record, error)
	// Put writes r as the record's new current version and appends leafData to
	// the journal in the same transaction, setting r.Leaf. r.Version must be
	// exactly one more than the current version (1 for a new record), else
	// concord.ECONFLICT. It returns the leaf index and the leaf hash.
	Put(ctx context.Context, r *Record, leafData []byte) (int64, tlog.Hash, error)
	// Append appends a leaf that commits to no stored record (e.g. a token issue).
	Append(ctx context.Context, leafData []byte) (int64, tlog.Hash, error)
	// PutToken maps the hash of a bearer token to a party.
	PutToken(ctx context.Context, tokenHash []byte, party string) error
	// Idempotent returns the stored answer for (actor, key), or nil.
	Idempotent(ctx context.Context, actor, key string) (*Idempotent, error)
	// PutIdempotent stores the answer for (actor, key).
	PutIdempotent(ctx context.Context, actor, key string, v Idempotent) error
}

// Store is a concord database.
type Store interface {
	Hashes
	// Update runs fn in one write transaction, committing if fn returns nil.
	// The commit is durable (synced) before Update returns.
	Update(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// Get returns the current version of a record (concord.ENOTFOUND if absent).
	Get(ctx context.Context, id string) (Record, error)
	// Version returns one version of a record.
	Version(ctx context.Context, id string, version int) (Record, error)
	// History returns every version of a record, oldest first.
	History(ctx context.Context, id string) ([]Record, error)
	// List returns current versions matching q, ordered by ID.
	List(ctx context.Context, q Query) ([]Record, error)
	// Changes returns record versions written by leaves with index > after,
	// in leaf order, at most limit of them (the event stream).
	Changes(ctx context.Context, after int64, limit int) ([]Record, error)
	// PartyForToken returns the party that a token hash belongs to (concord.EUNAUTHORIZED if none).
	PartyForToken(ctx context.Context, tokenHash []byte) (string, error)

	// Size returns the number of leaves in the journal.
	Size(ctx context.Context) (int64, error)
	// Leaves returns the leaf data and leaf hashes of [start, end).
	Leaves(ctx context.Context, start, end int64) ([]Leaf, error)
	// PutCheckpoint stores a signed checkpoint of the given size; storing a
	// second, different checkpoint of one size is concord.ECONFLICT.
	PutCheckpoint(ctx context.Context, size int64, note []byte) error
	// Checkpoint returns the stored checkpoint of exactly this size, or of
	// the greatest size if size < 0 (concord.ENOTFOUND if none).
	Checkpoint(ctx context.Context, size int64) (int64, []byte, error)
	// Checkpoints returns the sizes of all stored checkpoints, ascending.
	Checkpoints(ctx context.Context) ([]int64, error)
	// PutCosignature stores a witness's cosignature (a signed-note
	// signature line) of the checkpoint of size, replacing the witness's
	// earlier one of that size. Cosignatures are not journaled.
	PutCosignature(ctx context.Context, size int64, witness string, sig []byte) error
	// Cosignatures returns the cosignatures of the checkpoint of exactly
	// this size by witness (none: an empty map), or of the greatest size
	// that has any if size < 0 (concord.ENOTFOUND if none).
	Cosignatures(ctx context.Context, size int64) (int64, map[string][]byte, error)

	Close() error
}

// Leaf is a journal leaf as stored.
type Leaf struct {
	Index int64
	Data  []byte
	Hash  tlog.Hash // the stored leaf hash (level 0), as the tree was built
}

// Leader is implemented by stores that several nodes share. TryLead takes
// the named leadership if no other node holds it: lost is closed when this
// node loses it (its session ended); release gives it up. ok is false when
// another node leads.
type Leader interface {
	TryLead(ctx context.Context, name string) (lost <-chan struct{}, release func(), ok bool, err error)
}
