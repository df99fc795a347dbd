package integration

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if javaBuild.dir != "" {
		os.RemoveAll(javaBuild.dir)
	}
	os.Exit(code)
}

// missing reports a client that is not installed: in CI (CI set) it fails the test with the
// command that installs it; on a developer's machine it skips.
func missing(t *testing.T, what, install string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; install it with: %s", what, install)
	}
	t.Skipf("%s is not installed (%s)", what, install)
}

// needTool finds a client on PATH, or reports it missing.
func needTool(t *testing.T, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(t, name, install)
	}
	return path
}

// psqlResult is one run of psql.
type psqlResult struct {
	stdout, stderr string
	code           int
}

// psqlAt runs psql as user against the cluster at addr (host:port) and database db, with
// conninfo extras such as "sslmode=require" ("" for none), without a psqlrc and stopping at
// the first error. It gives psql 30 s.
func psqlAt(t *testing.T, addr, db, user, password, extra string, args ...string) psqlResult {
	t.Helper()
	bin := needTool(t, "psql", "apt-get install -y postgresql-client")
	host, port, err := net.SplitHostPort(addr)
	require.NoError(t, err, "psql address %q", addr)
	conninfo := strings.TrimSpace("host=" + host + " port=" + port + " user=" + user + " dbname=" + db + " " + extra)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{conninfo, "-X", "-v", "ON_ERROR_STOP=1"}, args...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10", "PGAPPNAME=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	require.NoError(t, ctx.Err(), "psql %q %v did not finish in 30s: %s", conninfo, args, errb.String())
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err, "run psql")
	}
	return psqlResult{stdout: out.String(), stderr: errb.String(), code: code}
}

// psql runs psql against the fixture's default cluster and database (psqlAt).
func psql(t *testing.T, f *fixtures.Fakeshift, user, password, extra string, args ...string) psqlResult {
	t.Helper()
	return psqlAt(t, f.Endpoints().PG, f.Config().Database, user, password, extra, args...)
}

// awsEnvAt is the environment for the AWS CLI and boto3 against the endpoint url, signing
// with a key: the caller's environment without its AWS_* variables and config files.
func awsEnvAt(url, key, secret string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_DEFAULT_REGION=us-east-1",
		"AWS_ENDPOINT_URL="+url, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true")
}

// awsEnv is awsEnvAt for the fixture's endpoint.
func awsEnv(f *fixtures.Fakeshift, key, secret string) []string {
	return awsEnvAt(f.Endpoints().HTTP, key, secret)
}

// awsCLIAt runs the AWS CLI against the endpoint url with a key; each run has 2 minutes.
// The endpoint is given as --endpoint-url too: AWS CLIs before 1.29 / 2.13 (Debian 12's
// awscli) ignore AWS_ENDPOINT_URL.
func awsCLIAt(t *testing.T, url, key, secret string) cliRun {
	bin := needTool(t, "aws", "apt-get install -y awscli")
	return func(args ...string) (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", url}, args...)...)
		cmd.Env = awsEnvAt(url, key, secret)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if ctx.Err() != nil {
			err = errors.Join(err, errors.New("aws did not finish in 2 minutes"))
		}
		return out.String(), errb.String(), err
	}
}

// python3WithBoto3 finds a Python that imports boto3: the one on PATH, else Debian's.
func python3WithBoto3(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(py); err == nil && exec.Command(path, "-c", "import boto3").Run() == nil {
			return path
		}
	}
	missing(t, "python3 with boto3", "apt-get install -y python3-boto3")
	return ""
}

// runBoto3Script runs a boto3 script of testdata against the fixture as the default
// account's root user, with asserts on (PYTHONOPTIMIZE empty), and checks that it exits 0
// and prints passed. It gives the script 5 minutes.
func runBoto3Script(t *testing.T, f *fixtures.Fakeshift, script, passed string) {
	t.Helper()
	py := python3WithBoto3(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, script)
	cmd.Env = append(awsEnv(f, fixtures.DefaultAccessKeyID, fixtures.DefaultSecretAccessKey), "PYTHONOPTIMIZE=")
	out, err := cmd.CombinedOutput()
	require.NoError(t, ctx.Err(), "%s did not finish in 5 minutes: %s", script, out)
	require.NoError(t, err, "%s: %s", script, out)
	require.Contains(t, string(out), passed, "%s", script)
	t.Logf("%s: %s", script, out)
}

// javaBuild holds the testdata/clients Java programs, compiled once per test run.
var javaBuild struct {
	once sync.Once
	dir  string // removed by TestMain
	err  error
}

// jdbcJar is the pgjdbc of Debian's libpostgresql-jdbc-java.
const jdbcJar = "/usr/share/java/postgresql.jar"

// javaClasspath compiles testdata/clients/Client.java and Metadata.java with pgjdbc once per
// test run and returns the java binary and the class path that runs them.
func javaClasspath(t *testing.T) (java, classpath string) {
	t.Helper()
	javac := needTool(t, "javac", "apt-get install -y openjdk-17-jdk-headless")
	java = needTool(t, "java", "apt-get install -y openjdk-17-jdk-headless")
	if _, err := os.Stat(jdbcJar); err != nil {
		missing(t, "pgjdbc ("+jdbcJar+")", "apt-get install -y libpostgresql-jdbc-java")
	}
	javaBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "fakeshift-itest-java-")
		if err != nil {
			javaBuild.err = err
			return
		}
		javaBuild.dir = dir
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, javac, "-cp", jdbcJar, "-d", dir,
			"testdata/clients/Client.java", "testdata/clients/Metadata.java").CombinedOutput()
		if err != nil {
			javaBuild.err = errors.New("javac Client.java Metadata.java: " + err.Error() + ": " + string(out))
		}
	})
	require.NoError(t, javaBuild.err)
	return java, javaBuild.dir + string(filepath.ListSeparator) + jdbcJar
}

// connEvent is one STL_CONNECTION_LOG record of a session.
type connEvent struct{ event, user, app, ssl, method string }

// sessionAudit waits (up to 5 s) until the disconnection of the session pid is in
// STL_CONNECTION_LOG, and returns the session's connection log records in order and its
// SVL_STATEMENTTEXT statements as "TYPE: text", read as master.
func sessionAudit(t *testing.T, master *pgx.Conn, pid int) ([]connEvent, []string) {
	t.Helper()
	ctx := context.Background()
	readEvents := func() []connEvent {
		rows, err := master.Query(ctx, "select event, username, application_name, sslversion, authmethod "+
			"from stl_connection_log where pid = $1 order by recordtime, event <> 'authenticated'", pid)
		require.NoError(t, err)
		var events []connEvent
		for rows.Next() {
			var e connEvent
			var app, ssl *string
			require.NoError(t, rows.Scan(&e.event, &e.user, &app, &ssl, &e.method))
			e.app, e.ssl = deref(app), deref(ssl)
			events = append(events, e)
		}
		require.NoError(t, rows.Err())
		return events
	}
	var events []connEvent
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		events = readEvents()
		if len(events) > 0 && events[len(events)-1].event == "disconnecting session" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("session %d: no disconnection in STL_CONNECTION_LOG after 5s; its records: %+v", pid, events)
		}
	}

	rows, err := master.Query(ctx, "select type, text from svl_statementtext where pid = $1 order by starttime, sequence", pid)
	require.NoError(t, err)
	var texts []string
	for rows.Next() {
		var typ, text string
		require.NoError(t, rows.Scan(&typ, &text))
		texts = append(texts, typ+": "+text)
	}
	require.NoError(t, rows.Err())
	return events, texts
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
