package integration

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/fixtures"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestLogFilesGolden: a scripted session with logging on and a pinned clock; the AWS CLI
// downloads the three files, zcat reads them, and their lines equal the golden files in
// testdata/golden/ (client ports and session ids normalised).
func TestLogFilesGolden(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 23, 9, 30, 15, 250_000_000, time.UTC))
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval = -1; c.Clock = clk }))
	cli := awsCLIAt(t, f.Endpoints().HTTP, "test", "test")
	ctx := context.Background()
	rs := f.RedshiftClient()
	logBucket(t, f.S3Client(), "golden-logs")
	activityLogging(t, rs)
	_, err := rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"), BucketName: aws.String("golden-logs")})
	require.NoError(t, err)

	master := f.Master()
	for _, q := range []struct{ sql, code string }{
		{"create user alice password 'Alice1234' valid until '2027-01-01'", ""},
		{"alter user alice createdb", ""},
		{"select 42", ""},
		{"select 'multi\nline'", ""},
		{"select * from no_such_table", "42P01"},
	} {
		_, err := master.Exec(ctx, q.sql)
		if q.code == "" {
			require.NoError(t, err, q.sql)
		} else {
			require.Equal(t, q.code, pgCode(err), "%s: %v", q.sql, err)
		}
		clk.Advance(1500 * time.Millisecond)
	}
	alice := f.Connect("alice", "Alice1234")
	_, err = alice.Exec(ctx, "select current_user")
	require.NoError(t, err)
	alicePID := alice.PgConn().PID()
	clk.Advance(time.Second)
	require.NoError(t, alice.Close(ctx))
	_, err = master.Exec(ctx, "drop user alice")
	require.NoError(t, err)
	waitForDisconnection(t, f, alicePID)
	flush(t, f)

	dir := t.TempDir()
	out, stderr, err := cli("s3", "cp", "--recursive", "s3://golden-logs/", dir)
	require.NoError(t, err, "%s%s", out, stderr)
	for _, logType := range []string{"connectionlog", "userlog", "useractivitylog"} {
		files, err := filepath.Glob(filepath.Join(dir, "AWSLogs/123456789012/redshift/us-east-1/2026/11/23/*_"+logType+"_*.gz"))
		require.NoError(t, err)
		require.Len(t, files, 1, logType)
		require.Equal(t, "123456789012_redshift_us-east-1_fakeshift_"+logType+"_2026-11-23T09:30.gz", filepath.Base(files[0]))
		zcat, err := exec.Command("zcat", files...).Output()
		require.NoError(t, err)
		got := normalise(logType, string(zcat))
		golden := filepath.Join("testdata", "golden", logType+".txt")
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
			require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "run with -update to write %s", golden)
		require.Equal(t, string(want), got, logType)
	}
}

// waitForDisconnection waits (up to 5 s) until the disconnection of the session pid is in
// the default cluster's STL_CONNECTION_LOG. It reads the table in process: a query would be
// in the user activity log itself.
func waitForDisconnection(t *testing.T, f *fixtures.Fakeshift, pid uint32) {
	t.Helper()
	disconnected := func() bool {
		found := false
		// The rows are in STL_CONNECTION_LOG's column order: event first, pid fifth.
		require.NoError(t, f.Cluster().ScanSystemTable(context.Background(), "stl_connection_log", func(row []any) error {
			if row[0] == "disconnecting session" && fmt.Sprint(row[4]) == fmt.Sprint(pid) {
				found = true
			}
			return nil
		}))
		return found
	}
	for deadline := time.Now().Add(5 * time.Second); !disconnected(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("session %d: no disconnection in STL_CONNECTION_LOG after 5s", pid)
		}
	}
}

var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// normalise replaces what changes from run to run: the client's port and the session id
// of connection records.
func normalise(logType, text string) string {
	if logType != "connectionlog" {
		return text
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		f := strings.Split(l, "|")
		f[3] = "PORT "
		lines[i] = uuidPattern.ReplaceAllString(strings.Join(f, "|"), "SESSION-ID")
	}
	return strings.Join(lines, "\n") + "\n"
}
