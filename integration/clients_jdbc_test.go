package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// jdbcJar is the pgjdbc of Debian's libpostgresql-jdbc-java.
const jdbcJar = "/usr/share/java/postgresql.jar"

// jdbcClient compiles testdata/clients/Client.java into a temporary directory and runs it
// with pgjdbc.
func jdbcClient(t *testing.T) func(*testing.T, connSpec, ...stmt) clientOutput {
	javac := needTool(t, "javac", "apt-get install -y openjdk-17-jdk-headless")
	java := needTool(t, "java", "apt-get install -y openjdk-17-jdk-headless")
	if _, err := os.Stat(jdbcJar); err != nil {
		missing(t, "pgjdbc ("+jdbcJar+")", "apt-get install -y libpostgresql-jdbc-java")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, javac, "-cp", jdbcJar, "-d", dir, "testdata/clients/Client.java").CombinedOutput()
	require.NoError(t, err, "javac Client.java: %s", out)
	cp := dir + string(filepath.ListSeparator) + jdbcJar
	return func(t *testing.T, c connSpec, stmts ...stmt) clientOutput {
		// With ssl=true pgjdbc checks the host name even with the NonValidatingFactory, and
		// fakeshift's self-signed certificate names only "localhost" (no IP address).
		if c.host == "127.0.0.1" {
			c.host = "localhost"
		}
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
