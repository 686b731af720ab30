package postgres

import (
	"context"
	"database/sql"
	"hash/fnv"
	"time"

	"concord/internal/store"
	"concord/internal/store/sqldb"
)

// DB is the PostgreSQL store: the shared SQL store, plus leadership.
type DB struct {
	*sqldb.DB
	pool *sql.DB
}

var _ store.Leader = (*DB)(nil)

// TryLead takes a session-level advisory lock on a connection of its own and
// keeps it for as long as that session lives: when the node dies, PostgreSQL
// ends the session and the lock passes to the next node that asks.
func (db *DB) TryLead(ctx context.Context, name string) (<-chan struct{}, func(), bool, error) {
	conn, err := db.pool.Conn(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	h := fnv.New64a()
	h.Write([]byte("concord/" + name))
	key := int64(h.Sum64() >> 1)
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, nil, false, err
	}
	lost := make(chan struct{})
	stop := make(chan struct{})
	go watch(conn, lost, stop)
	release := func() {
		close(stop)
		conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", key)
		conn.Close()
	}
	return lost, release, true, nil
}

// watch closes lost when the leader's session stops answering.
func watch(conn *sql.Conn, lost, stop chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			err := conn.PingContext(ctx)
			cancel()
			if err != nil {
				close(lost)
				return
			}
		}
	}
}
