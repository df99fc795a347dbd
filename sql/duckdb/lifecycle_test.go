package duckdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

const slowQuery = "SELECT count(*) FROM range(1000000000) a(i), range(1000) b(j) WHERE i + j < 0"

// Ending the context interrupts a running statement promptly, and the connection stays usable.
func TestCancel(t *testing.T) {
	c := newConn(t)
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		msg  string
	}{
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			return ctx, cancel
		}, "canceling statement due to user request"},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 100*time.Millisecond)
		}, "canceling statement due to statement timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			_, err := run(ctx, c, slowQuery)
			elapsed := time.Since(start)
			var e *sql.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, sql.CodeQueryCanceled, e.Code)
			require.Equal(t, tc.msg, e.Message)
			require.Less(t, elapsed, 2*time.Second)
			require.Equal(t, int32(1), mustRun(t, c, "SELECT 1").rows[0][0])
		})
	}
}

// Cancellation also reaches a result that is being streamed: what the engine has not yet
// produced is not produced.
func TestCancelWhileStreaming(t *testing.T) {
	c := newConn(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := c.Prepare(ctx, "SELECT i FROM range(10000000000) t(i)")
	require.NoError(t, err)
	defer st.Close()
	rows, err := st.Query(ctx, nil)
	require.NoError(t, err)
	defer rows.Close()
	dest := make([]any, 1)
	require.NoError(t, rows.Next(dest))
	cancel()
	start := time.Now()
	n := 1
	for err == nil {
		if err = rows.Next(dest); err == nil {
			n++
		}
	}
	var e *sql.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, sql.CodeQueryCanceled, e.Code)
	require.Less(t, time.Since(start), 2*time.Second)
	require.Less(t, n, 1000000)
	require.Equal(t, int32(1), mustRun(t, c, "SELECT 1").rows[0][0])
}

// A context that ended before the statement starts stops it at once.
func TestCanceledBeforeStart(t *testing.T) {
	c := newConn(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := run(ctx, c, "SELECT 1")
	var e *sql.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, sql.CodeQueryCanceled, e.Code)
	// A later statement under a live context is not hit by a stale interrupt.
	require.Equal(t, int32(1), mustRun(t, c, "SELECT 1").rows[0][0])
}

func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluster.db")
	e, err := Open(t.Context(), Config{Path: path})
	require.NoError(t, err)
	c, err := e.Connect(t.Context(), testIdentity)
	require.NoError(t, err)
	mustRun(t, c, "CREATE TABLE t(a int, b varchar)")
	mustRun(t, c, "INSERT INTO t VALUES (1, 'kept'), (2, 'too')")
	require.False(t, e.views.Load())
	mustRun(t, c, "CREATE VIEW v AS SELECT a FROM t")
	require.True(t, e.views.Load())
	require.NoError(t, e.Close())

	e2 := openEngine(t, Config{Path: path})
	require.True(t, e2.views.Load(), "the database holds a view")
	c2 := connect(t, e2, testIdentity)
	r := mustRun(t, c2, "SELECT a, b FROM public.t ORDER BY a")
	require.Equal(t, [][]any{{int32(1), "kept"}, {int32(2), "too"}}, r.rows)
	// The sandbox holds for a file database as well.
	require.Equal(t, sql.CodeInsufficientPrivilege, sqlErr(t, c2, "SELECT * FROM read_csv('/etc/passwd')").Code)
}

func TestConcurrentSessions(t *testing.T) {
	e := openEngine(t, Config{Threads: 2})
	setup := connect(t, e, testIdentity)
	mustRun(t, setup, "CREATE TABLE hits(session int, n int)")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := sql.Identity{User: fmt.Sprintf("user%d", i), Superuser: true, Database: "dev", PID: int32(1000 + i)}
			c, err := e.Connect(context.Background(), id)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for n := range 50 {
				if _, err := run(context.Background(), c, "INSERT INTO hits VALUES ($1, $2)", int64(i), int64(n)); err != nil {
					errs <- err
					return
				}
				r, err := run(context.Background(), c, "SELECT current_user, pg_backend_pid(), count(*) FROM hits WHERE session = $1", int64(i))
				if err != nil {
					errs <- err
					return
				}
				if r.rows[0][0] != id.User || r.rows[0][1] != id.PID || r.rows[0][2] != int64(n+1) {
					errs <- fmt.Errorf("session %d saw %v", i, r.rows[0])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, int64(400), mustRun(t, setup, "SELECT count(*) FROM hits").rows[0][0])
}

// Closing the engine closes every connection, interrupting what runs, and is idempotent.
func TestEngineClose(t *testing.T) {
	e, err := Open(t.Context(), Config{})
	require.NoError(t, err)
	c, err := e.Connect(t.Context(), testIdentity)
	require.NoError(t, err)
	st, err := c.Prepare(t.Context(), "SELECT 1")
	require.NoError(t, err)
	streaming, err := c.Prepare(t.Context(), "SELECT * FROM range(100000)")
	require.NoError(t, err)
	rows, err := streaming.Query(t.Context(), nil)
	require.NoError(t, err)

	busy, err := e.Connect(t.Context(), testIdentity)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := run(context.Background(), busy, slowQuery)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)

	require.NoError(t, e.Close())
	require.NoError(t, e.Close())
	select {
	case err := <-done:
		require.Error(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the running statement was not interrupted")
	}

	var sqlErr *sql.Error
	_, err = c.Prepare(t.Context(), "SELECT 1")
	require.ErrorAs(t, err, &sqlErr)
	require.Equal(t, sql.CodeAdminShutdown, sqlErr.Code)
	_, err = st.Query(t.Context(), nil)
	require.ErrorAs(t, err, &sqlErr)
	require.Equal(t, sql.CodeAdminShutdown, sqlErr.Code)
	err = rows.Next(make([]any, 1))
	require.False(t, errors.Is(err, io.EOF))
	require.Error(t, err)
	require.NoError(t, rows.Close())
	require.NoError(t, st.Close())
	require.NoError(t, c.Close())
	_, err = e.Connect(t.Context(), testIdentity)
	require.ErrorAs(t, err, &sqlErr)
	require.Equal(t, sql.CodeAdminShutdown, sqlErr.Code)
}

func TestConnClose(t *testing.T) {
	e := openEngine(t, Config{})
	c, err := e.Connect(t.Context(), testIdentity)
	require.NoError(t, err)
	st, err := c.Prepare(t.Context(), "SELECT 1")
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close())
	_, err = st.Query(t.Context(), nil)
	var e2 *sql.Error
	require.ErrorAs(t, err, &e2)
	require.Equal(t, "08003", e2.Code)
	require.NoError(t, st.Close())
	e.mu.Lock()
	require.Empty(t, e.conns)
	e.mu.Unlock()
}
