package integration

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// jdbcClient runs testdata/clients/Client.java with pgjdbc. With TLS it verifies the server's
// name (sslmode=verify-full) against fakeshift's self-signed certificate, which names
// localhost, 127.0.0.1 and ::1; the NonValidatingFactory only skips the chain.
func jdbcClient(t *testing.T) func(*testing.T, connSpec, ...stmt) clientOutput {
	java, cp := javaClasspath(t)
	return func(t *testing.T, c connSpec, stmts ...stmt) clientOutput {
		return runClientProgram(t, []string{java, "-cp", cp, "Client"}, nil, c, stmts...)
	}
}

// TestClientMatrixJDBCApplicationName: pgjdbc sends application_name only to servers it
// believes are 9.0 or later. Redshift says 8.0.2, so a JDBC session's application_name is
// empty in STL_CONNECTION_LOG unless the URL carries assumeMinServerVersion=9.0, which puts
// it in the startup packet.
func TestClientMatrixJDBCApplicationName(t *testing.T) {
	run := jdbcClient(t)
	f := fixtures.New(t)
	ctx := context.Background()
	cfg := f.Config()
	master := f.Master()
	for _, tc := range []struct {
		name, urlParams, want string
	}{
		{"default", "", ""},
		{"assumeMinServerVersion=9.0", "assumeMinServerVersion=9.0", "jdbc-app"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := spec(f, cfg.MasterUser, cfg.MasterPassword, false)
			s.appName = "jdbc-app"
			s.env = map[string]string{"FS_URL_PARAMS": tc.urlParams}
			out := run(t, s, stmt{sql: "select current_user, pg_backend_pid()"}, stmt{sql: "show application_name"})
			require.Nil(t, out.Error)
			require.Equal(t, tc.want, cell(t, out.Results[1], 0, 0))
			var app *string
			require.NoError(t, master.QueryRow(ctx, "select application_name from stl_connection_log "+
				"where pid = $1 and event = 'initiating session'", pid(t, out)).Scan(&app))
			require.Equal(t, tc.want, deref(app))
		})
	}
}
