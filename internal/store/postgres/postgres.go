// Package postgres is concord's scale-out store: PostgreSQL through pgx's
// database/sql driver. Several concord nodes may share one database: every
// write transaction first takes a transaction-scoped advisory lock, so journal
// leaves are appended by one writer at a time across all nodes, each in the
// same transaction as the record it commits to.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"concord/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// JournalLock is the advisory lock key that serialises journal appends.
const JournalLock = 0x636f6e636f7264 // "concord"

// Config configures the PostgreSQL store.
type Config struct {
	URL      string           // postgres://user@host:port/db?... (search_path=... selects a schema)
	MaxConns int              // pool size (0: 16)
	Now      func() time.Time // clock for write times (nil: time.Now)
}

var dialect = sqldb.Dialect{
	Name:        "postgres",
	Numbered:    true,
	LockJournal: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", JournalLock),
	IsUniqueViolation: func(err error) bool {
		var pg *pgconn.PgError
		return errors.As(err, &pg) && pg.Code == "23505"
	},
}

// New connects to PostgreSQL and applies migrations.
func New(ctx context.Context, c Config) (*DB, error) {
	db, err := sql.Open("pgx", c.URL)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	n := c.MaxConns
	if n <= 0 {
		n = 16
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	if err := sqldb.Migrate(ctx, db, sub, dialect); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &DB{DB: sqldb.New(db, db, dialect, c.Now), pool: db}, nil
}
