package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// The client matrix: every PostgreSQL client a user points at fakeshift runs the same four
// checks, against a fixture of its own: it connects (plain and TLS) and queries, it is refused
// a wrong password with Redshift's FATAL 28000, and what its session did is in
// STL_CONNECTION_LOG and SVL_STATEMENTTEXT, read back by the master user.
//
// node-postgres, psycopg2 and pgjdbc run as programs (testdata/clients/) that take the
// connection from FS_* variables and one statement per argument, and print JSON; pgx and
// lib/pq run in process behind the same interface.

// connSpec is the session a client opens.
type connSpec struct {
	host, port, user, password, database string
	tls                                  bool
	appName                              string            // "" sends none
	env                                  map[string]string // client-specific knobs (FS_URL_PARAMS)
}

// stmt is one statement and its parameters (all text).
type stmt struct {
	sql    string
	params []string
}

// clientError is an error as the client reports it.
type clientError struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

// clientResult is one statement's outcome.
type clientResult struct {
	Rows  [][]*string  `json:"rows"`
	Error *clientError `json:"error"`
}

// clientOutput is one session: the refused connection, or every statement's result.
type clientOutput struct {
	Driver  string         `json:"driver"`
	Error   *clientError   `json:"error"`
	Results []clientResult `json:"results"`
}

// pgClient is a client of the matrix.
type pgClient struct {
	name string
	// prepare finds (or installs) the client; it skips or fails the test when it cannot,
	// and returns the function that runs one session.
	prepare func(t *testing.T) func(t *testing.T, c connSpec, stmts ...stmt) clientOutput
	// param is the client's placeholder for the first parameter.
	param string
	// paramText is how the parameterized statement reaches the server, as SVL_STATEMENTTEXT
	// records it (client-side interpolation shows the value).
	paramText string
	// loginCode: the client exposes the SQLSTATE and message of a refused login separately.
	// libpq-based clients only have libpq's text ("connection to server ... failed: FATAL:  ...").
	loginCode bool
	// appName is the application_name recorded for a session that asked for "matrix-app".
	appName string
	// prelude is what the driver sends on its own before the session's first statement, as
	// SVL_STATEMENTTEXT records it ("TYPE: text").
	prelude []string
}

// matrixClients are the clients of the matrix; psql has its own tests (psql_test.go,
// clients_psql_test.go).
func matrixClients() []pgClient {
	return []pgClient{
		{name: "node-postgres", prepare: nodeClient, param: "$1", paramText: "select $1::int + 1", loginCode: true, appName: "matrix-app"},
		// psycopg2 reads the DateStyle ParameterStatus; Redshift reports it as "datestyle",
		// which libpq does not find, so psycopg2 sets it itself, as it does against Redshift.
		{name: "psycopg2", prepare: psycopg2Client, param: "%s", paramText: "select '41'::int + 1", loginCode: false, appName: "matrix-app",
			prelude: []string{"UTILITY: SET datestyle TO 'ISO'"}},
		// pgjdbc sends application_name only to servers of version 9.0 or later: Redshift
		// reports 8.0.2, so the name is lost unless the URL says assumeMinServerVersion=9.0
		// (then it goes in the startup packet). See TestClientMatrixJDBCApplicationName.
		{name: "pgjdbc", prepare: jdbcClient, param: "?", paramText: "select $1::int + 1", loginCode: true, appName: ""},
		{name: "pgx", prepare: pgxClient, param: "$1", paramText: "select $1::int + 1", loginCode: true, appName: "matrix-app"},
		{name: "lib/pq", prepare: libpqClient, param: "$1", paramText: "select $1::int + 1", loginCode: true, appName: "matrix-app"},
	}
}

// spec is a connSpec for user on the fixture's default cluster.
func spec(f *fixtures.Fakeshift, user, password string, tls bool) connSpec {
	host, port, _ := net.SplitHostPort(f.Endpoints().PG)
	return connSpec{host: host, port: port, user: user, password: password, database: f.Config().Database, tls: tls}
}

func TestClientMatrix(t *testing.T) {
	for _, c := range matrixClients() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			run := c.prepare(t)
			f := fixtures.New(t)
			ctx := context.Background()
			cfg := f.Config()
			master := f.Master()
			_, err := master.Exec(ctx, "create user matrix password 'Matrix123'")
			require.NoError(t, err)

			for _, tls := range []bool{false, true} {
				t.Run(fmt.Sprintf("query tls=%v", tls), func(t *testing.T) {
					out := run(t, spec(f, cfg.MasterUser, cfg.MasterPassword, tls),
						stmt{sql: "select current_user, pg_backend_pid()"},
						stmt{sql: "select " + c.param + "::int + 1", params: []string{"41"}},
						stmt{sql: "select * from no_such_table"},
						stmt{sql: "select 'still here'"})
					require.Nil(t, out.Error, "connect with %s", out.Driver)
					require.Len(t, out.Results, 4)
					require.Equal(t, cfg.MasterUser, cell(t, out.Results[0], 0, 0))
					require.Equal(t, "42", cell(t, out.Results[1], 0, 0))
					require.NotNil(t, out.Results[2].Error, "no_such_table")
					require.Equal(t, "42P01", out.Results[2].Error.Code)
					require.Equal(t, `relation "no_such_table" does not exist`, out.Results[2].Error.Message)
					require.Equal(t, "still here", cell(t, out.Results[3], 0, 0), "the session goes on after an error")

					// The server saw TLS, or not.
					var ssl *string
					require.NoError(t, master.QueryRow(ctx, "select sslversion from stl_connection_log "+
						"where pid = $1 and event = 'authenticated'", pid(t, out)).Scan(&ssl))
					want := ""
					if tls {
						want = "TLSv1.2"
					}
					require.Equal(t, want, deref(ssl))
				})
			}

			t.Run("failed login", func(t *testing.T) {
				for _, user := range []string{"matrix", "nobody"} {
					out := run(t, spec(f, user, "Wrong1234", true), stmt{sql: "select 1"})
					require.NotNil(t, out.Error, "%s logged in with a wrong password", user)
					require.Empty(t, out.Results)
					want := fmt.Sprintf("password authentication failed for user %q", user)
					if c.loginCode {
						require.Equal(t, clientError{Severity: "FATAL", Code: "28000", Message: want}, *out.Error)
					} else {
						require.Contains(t, out.Error.Message, "FATAL:  "+want)
					}
				}
				var n int
				require.NoError(t, master.QueryRow(ctx, "select count(*) from stl_connection_log "+
					"where event = 'authentication failure' and username in ('matrix', 'nobody')").Scan(&n))
				require.Equal(t, 2, n, "each refused login is in the connection log")
			})

			t.Run("logging round trip", func(t *testing.T) {
				s := spec(f, "matrix", "Matrix123", true)
				s.appName = "matrix-app"
				greeting := "select 'hello from " + c.name + "' as greeting"
				out := run(t, s,
					stmt{sql: "select current_user, pg_backend_pid()"},
					stmt{sql: greeting},
					stmt{sql: "select " + c.param + "::int + 1", params: []string{"41"}})
				require.Nil(t, out.Error, "connect as matrix with %s", out.Driver)
				require.Equal(t, "matrix", cell(t, out.Results[0], 0, 0))
				require.Equal(t, "hello from "+c.name, cell(t, out.Results[1], 0, 0))

				// The client has closed its session: its disconnection is recorded.
				events, texts := sessionAudit(t, master, pid(t, out))
				require.Equal(t, []connEvent{
					{"authenticated", "matrix", c.appName, "TLSv1.2", "password"},
					{"initiating session", "matrix", c.appName, "TLSv1.2", "password"},
					{"disconnecting session", "matrix", c.appName, "TLSv1.2", "password"},
				}, events)
				require.Equal(t, append(append([]string(nil), c.prelude...),
					"QUERY: select current_user, pg_backend_pid()",
					"QUERY: "+greeting,
					"QUERY: "+c.paramText,
				), texts, "the session's statements, and nothing the driver sent besides")
			})
		})
	}
}

// cell is the text of one value of a result, failing on an error or a NULL.
func cell(t *testing.T, r clientResult, row, col int) string {
	t.Helper()
	require.Nil(t, r.Error)
	require.Greater(t, len(r.Rows), row, "rows: %v", r.Rows)
	require.Greater(t, len(r.Rows[row]), col)
	require.NotNil(t, r.Rows[row][col], "NULL at row %d column %d", row, col)
	return *r.Rows[row][col]
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// pid is the backend pid a session printed as the second column of its first result.
func pid(t *testing.T, out clientOutput) int {
	t.Helper()
	require.NotEmpty(t, out.Results)
	var p int
	_, err := fmt.Sscan(cell(t, out.Results[0], 0, 1), &p)
	require.NoError(t, err)
	return p
}

// runClientProgram runs one of the programs of testdata/clients (argv: the command line
// before the statements) and parses its JSON.
func runClientProgram(t *testing.T, argv []string, env []string, c connSpec, stmts ...stmt) clientOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append([]string(nil), argv[1:]...)
	for _, s := range stmts {
		args = append(args, strings.Join(append([]string{s.sql}, s.params...), "\x1f"))
	}
	cmd := exec.CommandContext(ctx, argv[0], args...)
	ssl := "0"
	if c.tls {
		ssl = "1"
	}
	cmd.Env = append(append(os.Environ(), env...), "FS_HOST="+c.host, "FS_PORT="+c.port, "FS_USER="+c.user,
		"FS_PASSWORD="+c.password, "FS_DATABASE="+c.database, "FS_SSL="+ssl, "FS_APPNAME="+c.appName)
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "run %s: %s", argv[0], stderr.String())
	var out clientOutput
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), "parse the output of %s: %s (stderr: %s)",
		argv[0], stdout.String(), stderr.String())
	if stderr.Len() > 0 {
		t.Logf("%s stderr: %s", out.Driver, stderr.String())
	}
	return out
}
