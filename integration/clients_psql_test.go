package integration

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// TestClientMatrixPsqlRoundTrip: psql (libpq) logs in as a new user over TLS with an
// application name; the master user reads the session back from STL_CONNECTION_LOG and
// SVL_STATEMENTTEXT. psql's connect, query and failed-login checks are in psql_test.go.
func TestClientMatrixPsqlRoundTrip(t *testing.T) {
	f := fixtures.New(t)
	ctx := context.Background()
	master := f.Master()
	_, err := master.Exec(ctx, "create user psqlmatrix password 'Psqlmatrix1'")
	require.NoError(t, err)

	r := psql(t, f, "psqlmatrix", "Psqlmatrix1", "sslmode=require application_name=psql-app", "-At",
		"-c", "select pg_backend_pid()", "-c", "select 'hello from psql' as greeting")
	require.Equal(t, 0, r.code, r.stderr)
	out := lines(r.stdout)
	require.Len(t, out, 2)
	require.Equal(t, "hello from psql", out[1])
	pid, err := strconv.Atoi(out[0])
	require.NoError(t, err)

	events, texts := sessionAudit(t, master, pid)
	require.Equal(t, []connEvent{
		{"authenticated", "psqlmatrix", "psql-app", "TLSv1.2", "password"},
		{"initiating session", "psqlmatrix", "psql-app", "TLSv1.2", "password"},
		{"disconnecting session", "psqlmatrix", "psql-app", "TLSv1.2", "password"},
	}, events)
	require.Equal(t, []string{"QUERY: select pg_backend_pid()", "QUERY: select 'hello from psql' as greeting"}, texts)
}
