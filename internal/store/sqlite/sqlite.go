// Package sqlite is concord's embedded store: one SQLite file through the
// pure-Go driver modernc.org/sqlite, in WAL mode with synchronous=FULL so a
// write is durable when its transaction commits. Writes go through a single
// connection opened with BEGIN IMMEDIATE (SQLite has one writer at a time
// anyway); reads use a small pool of their own, which WAL lets run alongside.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"concord/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Config configures the embedded store.
type Config struct {
	Path string           // the database file; created if absent
	Now  func() time.Time // clock for write times (nil: time.Now)
}

var dialect = sqldb.Dialect{
	Name: "sqlite",
	IsUniqueViolation: func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
	},
}

// New opens (creating and migrating if needed) the SQLite store at c.Path.
func New(ctx context.Context, c Config) (*sqldb.DB, error) {
	write, err := open(c.Path, "immediate", 1)
	if err != nil {
		return nil, err
	}
	sub, _ := fs.Sub(migrations, "migrations")
	if err := sqldb.Migrate(ctx, write, sub, dialect); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite %s: %w", c.Path, err)
	}
	read, err := open(c.Path, "deferred", 4)
	if err != nil {
		write.Close()
		return nil, err
	}
	return sqldb.New(write, read, dialect, c.Now), nil
}

func open(path, txlock string, conns int) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", txlock)
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return db, nil
}
