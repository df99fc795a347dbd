package integration

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// needTool finds a client on PATH. In CI a missing client fails the test with the command
// that installs it; on a developer's machine it skips.
func needTool(t *testing.T, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; install it with: %s", name, install)
	}
	t.Skipf("%s is not installed (%s)", name, install)
	return ""
}

// psqlResult is one run of psql.
type psqlResult struct {
	stdout, stderr string
	code           int
}

// psql runs psql against the fixture as user, with conninfo extras such as "sslmode=require".
func psql(t *testing.T, f *fixtures.Fakeshift, user, password, extra string, args ...string) psqlResult {
	t.Helper()
	bin := needTool(t, "psql", "apt-get install -y postgresql-client")
	host, port, _ := net.SplitHostPort(f.Endpoints().PG)
	conninfo := "host=" + host + " port=" + port + " user=" + user + " dbname=" + f.Config().Database + " " + extra
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{conninfo, "-X", "-v", "ON_ERROR_STOP=1"}, args...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10", "PGAPPNAME=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err, "run psql")
	}
	return psqlResult{stdout: out.String(), stderr: errb.String(), code: code}
}

// pgCode returns the SQLSTATE of a pgx error, or "".
func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

// missing reports a client that is not installed: in CI (CI set) it fails the test with the
// command that installs it; on a developer's machine it skips.
func missing(t *testing.T, what, install string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; install it with: %s", what, install)
	}
	t.Skipf("%s is not installed (%s)", what, install)
}
