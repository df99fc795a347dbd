package integration

import (
	"context"
	"flag"
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
	bin := needTool(t, "aws", "apt-get install -y awscli")
	clk := clock.NewManual(time.Date(2026, 11, 23, 9, 30, 15, 250_000_000, time.UTC))
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval = -1; c.Clock = clk }))
	ctx := context.Background()
	rs := redshiftClient(f)
	s3c := s3Client(f, "test", "test")
	logBucket(t, s3c, "golden-logs")
	activityLogging(t, rs)
	_, err := rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"), BucketName: aws.String("golden-logs")})
	require.NoError(t, err)

	master := f.Master()
	for _, q := range []string{
		"create user alice password 'Alice1234' valid until '2027-01-01'",
		"alter user alice createdb",
		"select 42",
		"select 'multi\nline'",
		"select * from no_such_table",
	} {
		master.Exec(ctx, q)
		clk.Advance(1500 * time.Millisecond)
	}
	alice := f.Connect("alice", "Alice1234")
	_, err = alice.Exec(ctx, "select current_user")
	require.NoError(t, err)
	clk.Advance(time.Second)
	require.NoError(t, alice.Close(ctx))
	_, err = master.Exec(ctx, "drop user alice")
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond) // alice's disconnect record
	flush(t, f)

	dir := t.TempDir()
	cmd := exec.Command(bin, "--endpoint-url", f.Endpoints().HTTP, "s3", "cp", "--recursive", "s3://golden-logs/", dir)
	cmd.Env = awsEnv(f, "test", "test")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
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
