package integration

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

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

	var events []string
	require.Eventually(t, func() bool {
		rows, err := master.Query(ctx, "select event, username, application_name, sslversion from stl_connection_log "+
			"where pid = $1 order by recordtime, event <> 'authenticated'", pid)
		require.NoError(t, err)
		events = events[:0]
		for rows.Next() {
			var event, user string
			var app, ssl *string
			require.NoError(t, rows.Scan(&event, &user, &app, &ssl))
			events = append(events, strings.Join([]string{event, user, deref(app), deref(ssl)}, "|"))
		}
		require.NoError(t, rows.Err())
		return len(events) > 0 && strings.HasPrefix(events[len(events)-1], "disconnecting session")
	}, 5*time.Second, 20*time.Millisecond, "psql's disconnection is logged: %v", events)
	require.Equal(t, []string{
		"authenticated|psqlmatrix|psql-app|TLSv1.2",
		"initiating session|psqlmatrix|psql-app|TLSv1.2",
		"disconnecting session|psqlmatrix|psql-app|TLSv1.2",
	}, events)

	rows, err := master.Query(ctx, "select text from svl_statementtext where pid = $1 order by starttime, sequence", pid)
	require.NoError(t, err)
	var texts []string
	for rows.Next() {
		var text string
		require.NoError(t, rows.Scan(&text))
		texts = append(texts, text)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"select pg_backend_pid()", "select 'hello from psql' as greeting"}, texts)
}
