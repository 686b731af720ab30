package sqldb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"

	"golang.org/x/mod/sumdb/tlog"

	"concord"
	"concord/internal/store"
)

// ReadHashes implements store.Hashes.
func (db *DB) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, db, db.read, indexes)
}

// Size implements store.Store.
func (db *DB) Size(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(idx) + 1, 0) FROM leaves`).Scan(&n)
	return n, internal("journal size", err)
}

// Leaves implements store.Store.
func (db *DB) Leaves(ctx context.Context, start, end int64) ([]store.Leaf, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT idx, data, hash FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx`), start, end)
	if err != nil {
		return nil, internal("read leaves", err)
	}
	defer rows.Close()
	var out []store.Leaf
	for rows.Next() {
		var l store.Leaf
		var h []byte
		if err := rows.Scan(&l.Index, &l.Data, &h); err != nil {
			return nil, internal("read leaves", err)
		}
		copy(l.Hash[:], h)
		out = append(out, l)
	}
	return out, internal("read leaves", rows.Err())
}

// PutCheckpoint implements store.Store. Storing the same checkpoint twice is
// not an error, so that several nodes may sign the same size.
func (db *DB) PutCheckpoint(ctx context.Context, size int64, note []byte) error {
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO checkpoints (size, note, t_written) VALUES (?, ?, ?)
		ON CONFLICT (size) DO NOTHING`), size, note, ms(db.now()))
	if err != nil {
		return internal("store checkpoint", err)
	}
	_, stored, err := db.Checkpoint(ctx, size)
	if err != nil {
		return err
	}
	if !bytes.Equal(stored, note) {
		return concord.Errorf(concord.ECONFLICT, "a different checkpoint of size %d is already stored", size)
	}
	return nil
}

// Checkpoint implements store.Store.
func (db *DB) Checkpoint(ctx context.Context, size int64) (int64, []byte, error) {
	var row *sql.Row
	if size < 0 {
		row = db.read.QueryRowContext(ctx, `SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1`)
	} else {
		row = db.read.QueryRowContext(ctx, db.q(`SELECT size, note FROM checkpoints WHERE size = ?`), size)
	}
	var n int64
	var note []byte
	err := row.Scan(&n, &note)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, concord.Errorf(concord.ENOTFOUND, "no checkpoint")
	}
	return n, note, internal("read checkpoint", err)
}

// Checkpoints implements store.Store.
func (db *DB) Checkpoints(ctx context.Context) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT size FROM checkpoints ORDER BY size`)
	if err != nil {
		return nil, internal("read checkpoints", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, internal("read checkpoints", err)
		}
		out = append(out, n)
	}
	return out, internal("read checkpoints", rows.Err())
}
