package sqldb

import (
	"context"
	"database/sql"

	"concord"
)

// PutCosignature implements store.Store. A witness's later cosignature of
// the same size replaces its earlier one (it carries a later timestamp).
func (db *DB) PutCosignature(ctx context.Context, size int64, witness string, sig []byte) error {
	switch {
	case size < 0:
		return concord.Invalid("size", "must not be negative, got %d", size)
	case witness == "":
		return concord.Invalid("witness", "is required")
	case len(sig) == 0:
		return concord.Invalid("signature", "is required")
	}
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO cosignatures (size, witness, signature, t_written) VALUES (?, ?, ?, ?)
		ON CONFLICT (size, witness) DO UPDATE SET signature = excluded.signature, t_written = excluded.t_written`),
		size, witness, sig, ms(db.now()))
	return internal("store cosignature", err)
}

// Cosignatures implements store.Store.
func (db *DB) Cosignatures(ctx context.Context, size int64) (int64, map[string][]byte, error) {
	if size < 0 {
		var latest sql.NullInt64
		if err := db.read.QueryRowContext(ctx, `SELECT MAX(size) FROM cosignatures`).Scan(&latest); err != nil {
			return 0, nil, internal("read cosignatures", err)
		}
		if !latest.Valid {
			return 0, nil, concord.Errorf(concord.ENOTFOUND, "no checkpoint has been cosigned")
		}
		size = latest.Int64
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT witness, signature FROM cosignatures WHERE size = ?`), size)
	if err != nil {
		return 0, nil, internal("read cosignatures", err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var w string
		var sig []byte
		if err := rows.Scan(&w, &sig); err != nil {
			return 0, nil, internal("read cosignatures", err)
		}
		out[w] = sig
	}
	return size, out, internal("read cosignatures", rows.Err())
}
