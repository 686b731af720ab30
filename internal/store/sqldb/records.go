package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"concord"
	"concord/internal/store"
)

// versionCols are the columns of versions, in the order scanRecord reads them.
const versionCols = "v.type, v.id, v.version, v.owner, v.kind, v.status, v.t_start, v.t_end, v.body, v.salt, v.leaf, v.t_written"

type scanner interface{ Scan(dest ...any) error }

func scanRecord(s scanner) (store.Record, error) {
	var r store.Record
	var start, written int64
	var end sql.NullInt64
	err := s.Scan(&r.Type, &r.ID, &r.Version, &r.Owner, &r.Kind, &r.Status, &start, &end, &r.Body, &r.Salt, &r.Leaf, &written)
	if err != nil {
		return r, err
	}
	r.Start, r.Time = fromMS(start), fromMS(written)
	if end.Valid {
		e := fromMS(end.Int64)
		r.End = &e
	}
	return r, nil
}

func notFound(id string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return concord.Errorf(concord.ENOTFOUND, "no record %q", id)
	}
	return internal("read record", err)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (db *DB) get(ctx context.Context, q querier, id string) (store.Record, error) {
	row := q.QueryRowContext(ctx, db.q(`SELECT `+versionCols+` FROM records r JOIN versions v
		ON v.id = r.id AND v.version = r.version WHERE r.id = ?`), id)
	r, err := scanRecord(row)
	if err != nil {
		return r, notFound(id, err)
	}
	return r, db.loadCells(ctx, q, &r)
}

func (db *DB) loadCells(ctx context.Context, q querier, r *store.Record) error {
	rows, err := q.QueryContext(ctx, db.q(`SELECT cell FROM record_cells WHERE id = ? ORDER BY cell`), r.ID)
	if err != nil {
		return internal("read cells", err)
	}
	defer rows.Close()
	r.Cells = nil
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return internal("read cells", err)
		}
		r.Cells = append(r.Cells, c)
	}
	return internal("read cells", rows.Err())
}

// Get implements store.Store.
func (db *DB) Get(ctx context.Context, id string) (store.Record, error) {
	return db.get(ctx, db.read, id)
}

// Version implements store.Store.
func (db *DB) Version(ctx context.Context, id string, version int) (store.Record, error) {
	row := db.read.QueryRowContext(ctx, db.q(`SELECT `+versionCols+` FROM versions v WHERE v.id = ? AND v.version = ?`), id, version)
	r, err := scanRecord(row)
	if err != nil {
		return r, notFound(id, err)
	}
	return r, nil
}

// History implements store.Store.
func (db *DB) History(ctx context.Context, id string) ([]store.Record, error) {
	rs, err := db.scanAll(ctx, db.q(`SELECT `+versionCols+` FROM versions v WHERE v.id = ? ORDER BY v.version`), id)
	if err == nil && len(rs) == 0 {
		err = concord.Errorf(concord.ENOTFOUND, "no record %q", id)
	}
	return rs, err
}

// Changes implements store.Store.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]store.Record, error) {
	if limit <= 0 || limit > store.MaxLimit {
		limit = store.DefaultLimit
	}
	return db.scanAll(ctx, db.q(`SELECT `+versionCols+` FROM versions v WHERE v.leaf > ? ORDER BY v.leaf LIMIT ?`), after, limit)
}

func (db *DB) scanAll(ctx context.Context, query string, args ...any) ([]store.Record, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, internal("query", err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, internal("scan", err)
		}
		out = append(out, r)
	}
	return out, internal("query", rows.Err())
}

// List implements store.Store.
func (db *DB) List(ctx context.Context, q store.Query) ([]store.Record, error) {
	where, args := listWhere(q)
	limit := q.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	limit = min(limit, store.MaxLimit)
	query := `SELECT ` + versionCols + ` FROM records r JOIN versions v ON v.id = r.id AND v.version = r.version`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY r.id LIMIT ?"
	rs, err := db.scanAll(ctx, db.q(query), append(args, limit)...)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if err := db.loadCells(ctx, db.read, &rs[i]); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

func listWhere(q store.Query) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	if q.Type != "" {
		add("r.type = ?", q.Type)
	}
	if len(q.Kinds) > 0 {
		add("r.kind IN ("+marks(len(q.Kinds))+")", anys(q.Kinds)...)
	}
	if q.Owner != "" {
		add("r.owner = ?", q.Owner)
	}
	if len(q.Statuses) > 0 {
		add("r.status IN ("+marks(len(q.Statuses))+")", anys(q.Statuses)...)
	}
	if !q.To.IsZero() {
		add("r.t_start < ?", ms(q.To))
	}
	if !q.From.IsZero() {
		add("(r.t_end IS NULL OR r.t_end > ?)", ms(q.From))
	}
	if q.After != "" {
		add("r.id > ?", q.After)
	}
	if len(q.Cells) > 0 {
		cond, a := cellCondition(q.Cells)
		add(cond, a...)
	}
	return where, args
}

// cellCondition selects records with an index cell intersecting any filter cell.
func cellCondition(fs []store.CellFilter) (string, []any) {
	var ors []string
	var args []any
	for _, f := range fs {
		ors = append(ors, "c.cell BETWEEN ? AND ?")
		args = append(args, f.Lo, f.Hi)
		if len(f.Ancestors) > 0 {
			ors = append(ors, "c.cell IN ("+marks(len(f.Ancestors))+")")
			for _, a := range f.Ancestors {
				args = append(args, a)
			}
		}
	}
	return "r.id IN (SELECT c.id FROM record_cells c WHERE " + strings.Join(ors, " OR ") + ")", args
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// PartyForToken implements store.Store.
func (db *DB) PartyForToken(ctx context.Context, tokenHash []byte) (string, error) {
	var party string
	err := db.read.QueryRowContext(ctx, db.q(`SELECT party FROM tokens WHERE hash = ?`), tokenHash).Scan(&party)
	if errors.Is(err, sql.ErrNoRows) {
		return "", concord.Errorf(concord.EUNAUTHORIZED, "unknown token")
	}
	return party, internal("read token", err)
}
