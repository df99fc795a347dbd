package pgwire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

func startServer(t *testing.T) (*Server, *testEngine, string) {
	t.Helper()
	eng := &testEngine{}
	srv, err := NewServer(Config{Engine: eng})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		require.ErrorIs(t, <-done, ErrServerClosed)
	})
	return srv, eng, ln.Addr().String()
}

func dsn(addr, user, pw string) string {
	host, port, _ := net.SplitHostPort(addr)
	return fmt.Sprintf("postgres://%s:%s@%s:%s/dev?sslmode=disable", user, pw, host, port)
}

func TestLoginAndQueries(t *testing.T) {
	_, eng, addr := startServer(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)
	require.Equal(t, "8.0.2", conn.PgConn().ParameterStatus("server_version"))

	var n int
	res7, err := conn.PgConn().Exec(ctx, "select 7").ReadAll()
	require.NoError(t, err, "simple protocol")
	require.Equal(t, "7", string(res7[0].Rows[0][0]))
	require.NoError(t, conn.QueryRow(ctx, "select $1::int", 41).Scan(&n), "extended protocol, binary parameter and result")
	require.Equal(t, 41, n)

	rows, err := conn.Query(ctx, "rows")
	require.NoError(t, err)
	var got []string
	for rows.Next() {
		var i int64
		var s *string
		require.NoError(t, rows.Scan(&i, &s))
		if s == nil {
			got = append(got, fmt.Sprintf("%d:NULL", i))
		} else {
			got = append(got, fmt.Sprintf("%d:%s", i, *s))
		}
	}
	require.NoError(t, rows.Err())
	require.Equal(t, "SELECT 10", rows.CommandTag().String())
	require.Equal(t, []string{"0:NULL", "1:row 1", "2:row 2", "3:NULL"}, got[:4])

	_, err = conn.Exec(ctx, "fail")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "42P01", pgErr.Code)
	require.NoError(t, conn.QueryRow(ctx, "select 3").Scan(&n), "the session goes on after an error")

	_, err = conn.Exec(ctx, "internal")
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "XX000", pgErr.Code)
	require.NotContains(t, pgErr.Message, "secret", "unknown errors do not leak their text")

	// Multi-statement simple query stops at the first error.
	res := conn.PgConn().Exec(ctx, "select 1; fail; select 2")
	results, err := res.ReadAll()
	var pgErr0 *pgconn.PgError
	require.ErrorAs(t, err, &pgErr0)
	require.Equal(t, "42P01", pgErr0.Code)
	require.Equal(t, "SELECT 1", results[0].CommandTag.String(), "the statement before the error ran")

	require.NoError(t, conn.Close(ctx))
	require.Eventually(t, func() bool {
		eng.mu.Lock()
		defer eng.mu.Unlock()
		return len(eng.ended) == 1 && eng.ended[0].Reason == EndTerminate
	}, 2*time.Second, 10*time.Millisecond)
}

func TestLoginRefused(t *testing.T) {
	_, _, addr := startServer(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, dsn, code string
	}{
		{"wrong password", dsn(addr, "alice", "nope"), "28000"},
		{"unknown user", dsn(addr, "bob", "pw"), "28000"},
		{"unknown database", dsn(addr, "alice", "pw")[:len(dsn(addr, "alice", "pw"))-len("dev?sslmode=disable")] + "nosuchdb?sslmode=disable", "3D000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pgx.Connect(ctx, tc.dsn)
			var pgErr *pgconn.PgError
			require.ErrorAs(t, err, &pgErr)
			require.Equal(t, tc.code, pgErr.Code)
			require.Equal(t, "FATAL", pgErr.Severity)
		})
	}
}

func TestTransactionStatus(t *testing.T) {
	_, _, addr := startServer(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "begin")
	require.NoError(t, err)
	require.Equal(t, byte('T'), conn.PgConn().TxStatus())
	_, err = conn.Exec(ctx, "fail")
	require.Error(t, err)
	require.Equal(t, byte('E'), conn.PgConn().TxStatus())
	_, err = conn.Exec(ctx, "commit")
	require.NoError(t, err)
	require.Equal(t, byte('I'), conn.PgConn().TxStatus())
}

func TestCancel(t *testing.T) {
	_, _, addr := startServer(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)
	defer conn.Close(ctx)

	qctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = conn.Exec(qctx, "sleep")
	require.Error(t, err)
	require.Less(t, time.Since(start), 5*time.Second, "the cancel request interrupted the statement")

	// pgx closes the connection after a context cancel; a fresh one checks the server code.
	conn2, err := pgx.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)
	defer conn2.Close(ctx)
	go func() {
		time.Sleep(100 * time.Millisecond)
		conn2.PgConn().CancelRequest(ctx)
	}()
	_, err = conn2.Exec(ctx, "sleep")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "57014", pgErr.Code)
	require.Equal(t, "canceling statement due to user request", pgErr.Message)
}

func TestShutdownSendsAdminShutdown(t *testing.T) {
	srv, eng, addr := startServer(t)
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)
	busy, err := pgconn.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)
	errc := make(chan error, 1)
	go func() { _, err := busy.Exec(ctx, "sleep").ReadAll(); errc <- err }()
	time.Sleep(100 * time.Millisecond)

	sctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(sctx))

	err = <-errc
	var pgErr *pgconn.PgError
	require.True(t, errors.As(err, &pgErr), "busy session got %v", err)
	require.Contains(t, []string{"57P01"}, pgErr.Code)

	// The idle session reads the FATAL on its next use.
	_, err = conn.Exec(ctx, "select 1").ReadAll()
	require.Error(t, err)
	eng.mu.Lock()
	defer eng.mu.Unlock()
	require.Len(t, eng.ended, 2, "%+v", eng.ended)
	for _, e := range eng.ended {
		require.Equal(t, EndShutdown, e.Reason)
	}
}

func TestEndSessionsKeepsServing(t *testing.T) {
	srv, eng, addr := startServer(t)
	ctx := context.Background()
	old, err := pgconn.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)

	ectx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	require.NoError(t, srv.EndSessions(ectx))
	_, err = old.Exec(ctx, "select 1").ReadAll()
	require.Error(t, err, "the old session ended")
	eng.mu.Lock()
	require.Len(t, eng.ended, 1)
	require.Equal(t, EndShutdown, eng.ended[0].Reason)
	eng.mu.Unlock()

	fresh, err := pgconn.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err, "the server still accepts")
	_, err = fresh.Exec(ctx, "select 1").ReadAll()
	require.NoError(t, err)
	fresh.Close(ctx)
}
