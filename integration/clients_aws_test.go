package integration

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/fixtures"
)

// The AWS clients of the matrix: their "connect and query" are the S3 and Redshift API
// tests (s3_test.go, redshift_test.go), their "failed login" a wrong secret key
// (SignatureDoesNotMatch, checked there for S3 and here for the Redshift API), and their
// logging round trip below: logging enabled with the client, a session, a delivery, and the
// files read back with the client.

// auditWorkload logs in as the master user and makes a user, the records the round trips
// look for.
func auditWorkload(t *testing.T, f *fixtures.Fakeshift, user string) {
	t.Helper()
	ctx := context.Background()
	_, err := f.Master().Exec(ctx, "create user "+user+" password 'Passw0rd1'")
	require.NoError(t, err)
	_, err = f.FlushLogs(ctx)
	require.NoError(t, err)
}

// requireAuditLines checks the delivered lines: the master's login in the connection log,
// the new user in the user log.
func requireAuditLines(t *testing.T, byType map[string][]string, user string) {
	t.Helper()
	require.NotEmpty(t, byType["connectionlog"])
	var events []string
	for _, l := range byType["connectionlog"] {
		f := strings.Split(l, "|")
		require.Len(t, f, 21, "a connection log line has 21 fields: %q", l)
		events = append(events, strings.TrimSpace(f[0])+" "+strings.TrimSpace(f[6]))
	}
	require.Contains(t, events, "authenticated awsuser")
	require.Contains(t, events, "initiating session awsuser")
	require.Len(t, byType["userlog"], 1)
	require.True(t, strings.HasPrefix(byType["userlog"][0], "101|"+user+" "), byType["userlog"][0])
	require.Empty(t, byType["useractivitylog"], "not enabled")
}

func TestClientMatrixAWSCLILoggingRoundTrip(t *testing.T) {
	zcat := needTool(t, "zcat", "apt-get install -y gzip")
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval = -1 }))
	run := awsCLIAt(t, f.Endpoints().HTTP, "test", "test")
	dir := t.TempDir()
	const bucket, prefix = "cli-matrix-logs", "audit/"
	policy := filepath.Join(dir, "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(f.LoggingPolicy(bucket, prefix)), 0o600))
	for _, args := range [][]string{
		{"s3api", "create-bucket", "--bucket", bucket},
		{"s3api", "put-bucket-policy", "--bucket", bucket, "--policy", "file://" + policy},
		{"redshift", "enable-logging", "--cluster-identifier", "fakeshift", "--bucket-name", bucket,
			"--s3-key-prefix", prefix, "--log-exports", "connectionlog", "userlog"},
	} {
		_, stderr, err := run(args...)
		require.NoError(t, err, "aws %s: %s", strings.Join(args, " "), stderr)
	}
	_, stderr, err := awsCLIAt(t, f.Endpoints().HTTP, "test", "wrong")("redshift", "describe-logging-status", "--cluster-identifier", "fakeshift")
	require.Error(t, err)
	require.Contains(t, stderr, "SignatureDoesNotMatch")

	auditWorkload(t, f, "cliuser")
	_, stderr, err = run("s3", "cp", "--recursive", "s3://"+bucket+"/"+prefix, filepath.Join(dir, "logs"))
	require.NoError(t, err, stderr)
	var files []string
	require.NoError(t, filepath.WalkDir(filepath.Join(dir, "logs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	}))
	sort.Strings(files)
	byType := map[string][]string{}
	for _, p := range files {
		require.Contains(t, p, "/AWSLogs/123456789012/redshift/us-east-1/", "Redshift's key layout")
		out, err := exec.Command(zcat, p).Output()
		require.NoError(t, err, "zcat %s", p)
		typ := logTypeOf(p)
		byType[typ] = append(byType[typ], lines(string(out))...)
	}
	requireAuditLines(t, byType, "cliuser")
	out, stderr, err := run("redshift", "describe-logging-status", "--cluster-identifier", "fakeshift")
	require.NoError(t, err, stderr)
	require.Contains(t, out, `"LastSuccessfulDeliveryTime"`)
}

func TestClientMatrixBoto3LoggingRoundTrip(t *testing.T) {
	py := python3WithBoto3(t)
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval = -1 }))
	script, err := filepath.Abs("testdata/clients/client_boto3.py")
	require.NoError(t, err)
	run := func(secret string, args ...string) map[string]any {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, py, append([]string{script}, args...)...)
		cmd.Env = awsEnv(f, "test", secret)
		out, err := cmd.Output()
		require.NoError(t, ctx.Err(), "boto3 %v did not finish in 2 minutes", args)
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("boto3 %v: %v: %s", args, err, ee.Stderr)
		}
		require.NoError(t, err)
		var v map[string]any
		require.NoError(t, json.Unmarshal(out, &v), "%s", out)
		return v
	}
	const bucket, prefix = "boto-matrix-logs", "audit/"
	st := run("test", "enable", bucket, prefix, f.LoggingPolicy(bucket, prefix))
	require.Equal(t, true, st["LoggingEnabled"])
	require.Equal(t, bucket, st["BucketName"])
	require.Equal(t, map[string]any{"error": "SignatureDoesNotMatch"}, run("wrong", "status"))

	auditWorkload(t, f, "botouser")
	got := run("test", "read", bucket)
	byType := map[string][]string{}
	for typ, ls := range got {
		for _, l := range ls.([]any) {
			byType[typ] = append(byType[typ], l.(string))
		}
	}
	requireAuditLines(t, byType, "botouser")
	st = run("test", "status")
	require.NotEmpty(t, st["LastSuccessfulDeliveryTime"])
}

// logTypeOf is the log type in a log file's name.
func logTypeOf(name string) string {
	for _, typ := range []string{"connectionlog", "useractivitylog", "userlog"} {
		if strings.Contains(filepath.Base(name), "_"+typ+"_") {
			return typ
		}
	}
	return ""
}
