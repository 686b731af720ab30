package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"concord"
	"concord/internal/store"
)

// tx is a store.Tx. size caches the journal size within the transaction.
type tx struct {
	db   *DB
	tx   *sql.Tx
	size int64
}

func (t *tx) q(query string) string { return t.db.q(query) }

// Get implements store.Tx.
func (t *tx) Get(ctx context.Context, id string) (store.Record, error) {
	return t.db.get(ctx, t.tx, id)
}

// Put implements store.Tx.
func (t *tx) Put(ctx context.Context, r *store.Record, leafData []byte) (int64, tlog.Hash, error) {
	if err := t.checkVersion(ctx, r); err != nil {
		return 0, tlog.Hash{}, err
	}
	idx, h, err := t.Append(ctx, leafData)
	if err != nil {
		return 0, h, err
	}
	r.Leaf = idx
	if r.Time.IsZero() {
		r.Time = t.db.now()
	}
	if err := t.writeVersion(ctx, r); err != nil {
		return 0, h, err
	}
	return idx, h, t.writeCells(ctx, r)
}

func (t *tx) checkVersion(ctx context.Context, r *store.Record) error {
	var cur int
	err := t.tx.QueryRowContext(ctx, t.q(`SELECT version FROM records WHERE id = ?`), r.ID).Scan(&cur)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return internal("read version", err)
	}
	if r.Version != cur+1 {
		return concord.Errorf(concord.ECONFLICT, "record %s is at version %d, not %d", r.ID, cur, r.Version-1)
	}
	return nil
}

func (t *tx) writeVersion(ctx context.Context, r *store.Record) error {
	var end any
	if r.End != nil {
		end = ms(*r.End)
	}
	_, err := t.tx.ExecContext(ctx, t.q(`INSERT INTO versions
		(type, id, version, owner, kind, status, t_start, t_end, body, salt, leaf, t_written)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.Type, r.ID, r.Version, r.Owner, r.Kind, r.Status, ms(r.Start), end, r.Body, r.Salt, r.Leaf, ms(r.Time))
	if err != nil {
		return t.conflict("write version", err)
	}
	_, err = t.tx.ExecContext(ctx, t.q(`INSERT INTO records (id, type, version, owner, kind, status, t_start, t_end)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, owner = excluded.owner,
		kind = excluded.kind, status = excluded.status, t_start = excluded.t_start, t_end = excluded.t_end`),
		r.ID, r.Type, r.Version, r.Owner, r.Kind, r.Status, ms(r.Start), end)
	return internal("write record", err)
}

func (t *tx) conflict(what string, err error) error {
	if t.db.d.IsUniqueViolation != nil && t.db.d.IsUniqueViolation(err) {
		return concord.Errorf(concord.ECONFLICT, "%s: already exists", what)
	}
	return internal(what, err)
}

func (t *tx) writeCells(ctx context.Context, r *store.Record) error {
	if _, err := t.tx.ExecContext(ctx, t.q(`DELETE FROM record_cells WHERE id = ?`), r.ID); err != nil {
		return internal("clear cells", err)
	}
	for _, c := range dedup(r.Cells) {
		if _, err := t.tx.ExecContext(ctx, t.q(`INSERT INTO record_cells (cell, id) VALUES (?, ?)`), c, r.ID); err != nil {
			return internal("write cells", err)
		}
	}
	return nil
}

func dedup(cs []int64) []int64 {
	seen := make(map[int64]bool, len(cs))
	out := cs[:0:0]
	for _, c := range cs {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// Append implements store.Tx: the leaf and the tree hashes it adds (RFC 6962,
// as tlog stores them) are written in this transaction.
func (t *tx) Append(ctx context.Context, leafData []byte) (int64, tlog.Hash, error) {
	n, err := t.journalSize(ctx)
	if err != nil {
		return 0, tlog.Hash{}, err
	}
	hashes, err := tlog.StoredHashes(n, leafData, t.reader(ctx))
	if err != nil {
		return 0, tlog.Hash{}, internal("hash leaf", err)
	}
	leafHash := tlog.RecordHash(leafData)
	if _, err := t.tx.ExecContext(ctx, t.q(`INSERT INTO leaves (idx, data, hash) VALUES (?, ?, ?)`), n, leafData, leafHash[:]); err != nil {
		return 0, leafHash, t.conflict("append leaf", err)
	}
	base := tlog.StoredHashIndex(0, n)
	for i, h := range hashes {
		if _, err := t.tx.ExecContext(ctx, t.q(`INSERT INTO hashes (idx, hash) VALUES (?, ?)`), base+int64(i), h[:]); err != nil {
			return 0, leafHash, t.conflict("store hash", err)
		}
	}
	t.size = n + 1
	return n, leafHash, nil
}

func (t *tx) journalSize(ctx context.Context) (int64, error) {
	if t.size >= 0 {
		return t.size, nil
	}
	var n int64
	err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(idx) + 1, 0) FROM leaves`).Scan(&n)
	if err != nil {
		return 0, internal("journal size", err)
	}
	t.size = n
	return n, nil
}

type hashReaderFunc func([]int64) ([]tlog.Hash, error)

func (f hashReaderFunc) ReadHashes(indexes []int64) ([]tlog.Hash, error) { return f(indexes) }

func (t *tx) reader(ctx context.Context) tlog.HashReader {
	return hashReaderFunc(func(idx []int64) ([]tlog.Hash, error) { return readHashes(ctx, t.db, t.tx, idx) })
}

// ReadHashes implements store.Hashes within the transaction.
func (t *tx) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, t.db, t.tx, indexes)
}

// readHashes reads stored hashes in the order asked, failing if any is missing.
func readHashes(ctx context.Context, db *DB, q querier, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for start := 0; start < len(indexes); start += 500 {
		chunk := indexes[start:min(start+500, len(indexes))]
		got, err := readHashChunk(ctx, db, q, chunk)
		if err != nil {
			return nil, err
		}
		for i, idx := range chunk {
			h, ok := got[idx]
			if !ok {
				return nil, internal("read hashes", errors.New("missing stored hash "+strconv.FormatInt(idx, 10)))
			}
			out[start+i] = h
		}
	}
	return out, nil
}

func readHashChunk(ctx context.Context, db *DB, q querier, idx []int64) (map[int64]tlog.Hash, error) {
	args := make([]any, len(idx))
	for i, v := range idx {
		args[i] = v
	}
	rows, err := q.QueryContext(ctx, db.q(`SELECT idx, hash FROM hashes WHERE idx IN (`+marks(len(idx))+`)`), args...)
	if err != nil {
		return nil, internal("read hashes", err)
	}
	defer rows.Close()
	got := make(map[int64]tlog.Hash, len(idx))
	for rows.Next() {
		var i int64
		var b []byte
		if err := rows.Scan(&i, &b); err != nil {
			return nil, internal("read hashes", err)
		}
		if len(b) != tlog.HashSize {
			return nil, internal("read hashes", errors.New("stored hash "+strconv.FormatInt(i, 10)+" has wrong size"))
		}
		got[i] = tlog.Hash(b)
	}
	return got, internal("read hashes", rows.Err())
}

// PutToken implements store.Tx.
func (t *tx) PutToken(ctx context.Context, tokenHash []byte, party string) error {
	_, err := t.tx.ExecContext(ctx, t.q(`INSERT INTO tokens (hash, party) VALUES (?, ?)`), tokenHash, party)
	return t.conflict("token", err)
}

// Idempotent implements store.Tx.
func (t *tx) Idempotent(ctx context.Context, actor, key string) (*store.Idempotent, error) {
	var v store.Idempotent
	var leaves string
	err := t.tx.QueryRowContext(ctx, t.q(`SELECT request_hash, status, body, leaves FROM idempotency WHERE actor = ? AND ikey = ?`),
		actor, key).Scan(&v.RequestHash, &v.Status, &v.Body, &leaves)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, internal("read idempotency key", err)
	}
	for _, f := range strings.Fields(leaves) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, internal("read idempotency key", err)
		}
		v.Leaves = append(v.Leaves, n)
	}
	return &v, nil
}

// PutIdempotent implements store.Tx.
func (t *tx) PutIdempotent(ctx context.Context, actor, key string, v store.Idempotent) error {
	leaves := make([]string, len(v.Leaves))
	for i, n := range v.Leaves {
		leaves[i] = strconv.FormatInt(n, 10)
	}
	_, err := t.tx.ExecContext(ctx, t.q(`INSERT INTO idempotency (actor, ikey, request_hash, status, body, leaves, t_written)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), actor, key, v.RequestHash, v.Status, v.Body, strings.Join(leaves, " "), ms(t.db.now()))
	return t.conflict("idempotency key", err)
}
