// Package sqldb implements store.Store over database/sql. The SQLite and
// PostgreSQL backends are this one implementation with a different Dialect and
// migrations: the SQL is written once, in the common subset of both (with ?
// placeholders, rebound to $n for PostgreSQL), and times are stored as Unix
// milliseconds so that neither backend's time types are needed.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"concord"
	"concord/internal/store"
)

// Dialect is what differs between backends.
type Dialect struct {
	Name string
	// Numbered placeholders ($1, $2, ...) instead of ?.
	Numbered bool
	// LockJournal is run first in every write transaction to serialise journal
	// appends across all writers ("" when the backend's write transaction
	// already excludes every other writer, as SQLite's BEGIN IMMEDIATE does).
	LockJournal string
	// IsUniqueViolation reports whether err is a primary-key or unique violation.
	IsUniqueViolation func(error) bool
}

// DB is a store.Store over a write pool and a read pool (they may be the same).
type DB struct {
	write, read *sql.DB
	d           Dialect
	now         func() time.Time
}

// New returns a store over the given pools; migrations must already be applied.
func New(write, read *sql.DB, d Dialect, now func() time.Time) *DB {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &DB{write: write, read: read, d: d, now: now}
}

var _ store.Store = (*DB)(nil)

func (db *DB) q(query string) string { return rebind(query, db.d.Numbered) }

// rebind turns ? placeholders into $1, $2, ... when numbered is set.
func rebind(query string, numbered bool) string {
	if !numbered || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Update implements store.Store.
func (db *DB) Update(ctx context.Context, fn func(context.Context, store.Tx) error) error {
	sqltx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return internal("begin", err)
	}
	defer sqltx.Rollback()
	if db.d.LockJournal != "" {
		if _, err := sqltx.ExecContext(ctx, db.d.LockJournal); err != nil {
			return internal("lock journal", err)
		}
	}
	t := &tx{db: db, tx: sqltx, size: -1}
	if err := fn(ctx, t); err != nil {
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return internal("commit", err)
	}
	return nil
}

func internal(what string, err error) error {
	if concord.ErrorCode(err) != concord.EINTERNAL {
		return err
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
