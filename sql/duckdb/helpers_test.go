package duckdb

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

// testIdentity is a superuser's session (privileges_test.go checks the others).
var testIdentity = sql.Identity{User: "alice", UserID: 100, Superuser: true, Database: "dev", PID: 4242, Version: "PostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift 1.0.77467"}

func openEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	if _, bench := t.(*testing.B); bench && cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e, err := Open(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.Close()) })
	return e
}

func connect(t testing.TB, e *Engine, id sql.Identity) sql.Conn {
	t.Helper()
	c, err := e.Connect(context.Background(), id)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newConn opens an in-memory engine and one connection as testIdentity.
func newConn(t testing.TB) sql.Conn {
	t.Helper()
	return connect(t, openEngine(t, Config{}), testIdentity)
}

// testLog writes log lines to the test's log.
type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

type result struct {
	cols []sql.Column
	rows [][]any
	tag  string
}

// run prepares, runs and drains one statement.
func run(ctx context.Context, c sql.Conn, query string, args ...any) (result, error) {
	st, err := c.Prepare(ctx, query)
	if err != nil {
		return result{}, err
	}
	defer st.Close()
	r := result{cols: st.Columns()}
	rows, err := st.Query(ctx, args)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for {
		dest := make([]any, len(r.cols))
		err := rows.Next(dest)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return r, err
		}
		r.rows = append(r.rows, dest)
	}
	r.tag = rows.Tag()
	return r, nil
}

func mustRun(t testing.TB, c sql.Conn, query string, args ...any) result {
	t.Helper()
	r, err := run(context.Background(), c, query, args...)
	require.NoError(t, err, query)
	return r
}

// sqlErr runs query and returns the *sql.Error it must fail with.
func sqlErr(t testing.TB, c sql.Conn, query string, args ...any) *sql.Error {
	t.Helper()
	_, err := run(context.Background(), c, query, args...)
	require.Error(t, err, query)
	var e *sql.Error
	require.ErrorAs(t, err, &e, query)
	return e
}

// requireInOrder checks that the statements hold each of want, in that order.
func requireInOrder(t *testing.T, statements, want []string) {
	t.Helper()
	all := strings.Join(statements, "\n")
	at := 0
	for _, w := range want {
		i := strings.Index(all[at:], w)
		require.GreaterOrEqual(t, i, 0, "%q not in %s", w, all[at:])
		at += i + len(w)
	}
}
