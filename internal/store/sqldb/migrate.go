package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migrate applies, in order and in one transaction, every NNNN_name.sql file
// of migrations not yet recorded in schema_migrations. Statements are
// separated by lines holding only ";". The dialect's journal lock is taken
// first, so that nodes starting together migrate one at a time.
func Migrate(ctx context.Context, db *sql.DB, migrations fs.FS, d Dialect) error {
	names, err := fs.Glob(migrations, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if d.LockJournal != "" {
		if _, err := tx.ExecContext(ctx, d.LockJournal); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, name := range names {
		if err := migrateOne(ctx, tx, migrations, name, d.Numbered); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return tx.Commit()
}

func migrateOne(ctx context.Context, tx *sql.Tx, migrations fs.FS, name string, numbered bool) error {
	v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("migration name must start with a number")
	}
	var n int
	if err := tx.QueryRowContext(ctx, rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, numbered), v).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	src, err := fs.ReadFile(migrations, name)
	if err != nil {
		return err
	}
	for _, stmt := range strings.Split(string(src), "\n;\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, rebind(`INSERT INTO schema_migrations (version) VALUES (?)`, numbered), v)
	return err
}
