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
	"sync"
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

	startOnce sync.Once
	jobs      chan job      // updates waiting for the committer
	quit      chan struct{} // closed by Close
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

// Close stops the committer and closes both pools.
func (db *DB) Close() error {
	db.startOnce.Do(func() { db.quit = make(chan struct{}) })
	select {
	case <-db.quit:
	default:
		close(db.quit)
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Update implements store.Store with group commit: concurrent updates are
// gathered by one committer into a single database transaction, each in a
// savepoint of its own (so a failing update rolls back only itself), and
// made durable together by one commit. An update's error is its own; a
// failed commit fails every update of the group. Nothing is acknowledged
// before the commit returns.
func (db *DB) Update(ctx context.Context, fn func(context.Context, store.Tx) error) error {
	db.startOnce.Do(func() {
		db.jobs = make(chan job)
		db.quit = make(chan struct{})
		go db.committer()
	})
	j := job{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return internal("update", errors.New("store closed"))
	}
	return <-j.done
}

// maxGroup bounds the updates of one group commit.
const maxGroup = 128

type job struct {
	ctx  context.Context
	fn   func(context.Context, store.Tx) error
	done chan error
}

func (db *DB) committer() {
	for {
		select {
		case <-db.quit:
			return
		case j := <-db.jobs:
			group := []job{j}
		more:
			for len(group) < maxGroup {
				select {
				case j := <-db.jobs:
					group = append(group, j)
				default:
					break more
				}
			}
			db.commitGroup(group)
		}
	}
}

func (db *DB) commitGroup(group []job) {
	errs := make([]error, len(group))
	err := db.runGroup(group, errs)
	for i, j := range group {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		j.done <- errs[i]
	}
}

// runGroup runs each update in a savepoint of one transaction, recording
// each update's own error in errs, and commits; it returns an error that
// fails the whole group.
func (db *DB) runGroup(group []job, errs []error) error {
	ctx := context.Background() // one caller giving up must not abort the others' transaction
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
	for i, j := range group {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if errs[i] = db.runSaved(ctx, t, j); errs[i] != nil {
			t.size = -1 // the savepoint took back its appends
		}
	}
	return internal("commit", sqltx.Commit())
}

func (db *DB) runSaved(ctx context.Context, t *tx, j job) error {
	if _, err := t.tx.ExecContext(ctx, "SAVEPOINT concord_update"); err != nil {
		return internal("savepoint", err)
	}
	if err := j.fn(context.WithoutCancel(j.ctx), t); err != nil {
		if _, rerr := t.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT concord_update"); rerr != nil {
			return internal("rollback to savepoint", rerr)
		}
		t.tx.ExecContext(ctx, "RELEASE SAVEPOINT concord_update")
		return err
	}
	_, err := t.tx.ExecContext(ctx, "RELEASE SAVEPOINT concord_update")
	return internal("release savepoint", err)
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
