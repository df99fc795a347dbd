package integration

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestCrashDuringDeliveries kills fakeshift (SIGKILL) while users are created and log
// deliveries run back to back, with --data-dir; after a restart and a flush every user's
// create record is in the userlog files exactly once: nothing lost, nothing delivered twice.
func TestCrashDuringDeliveries(t *testing.T) {
	dataDir := t.TempDir()
	args := []string{"--data-dir", dataDir, "--log-interval", "-1s", "--cluster-ports", "0"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rb := startBinary(t, args...)
	clients := func(url string) (*redshift.Client, *s3.Client) {
		creds := credentials.NewStaticCredentialsProvider("test", "test", "")
		return redshift.New(redshift.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: creds}),
			s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: creds, UsePathStyle: true})
	}
	rs, s3c := clients(rb.httpURL)
	logBucket(t, s3c, "crash-logs")
	_, err := rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"),
		BucketName: aws.String("crash-logs"), S3KeyPrefix: aws.String("audit/"), LogExports: []string{"userlog"}})
	require.NoError(t, err)

	conn, err := pgx.Connect(ctx, rb.dsn("awsuser", "Fakeshift1"))
	require.NoError(t, err)
	stopFlushing := flushBackToBack(rb.httpURL)
	deadline := time.Now().Add(1500 * time.Millisecond)
	for i := 0; time.Now().Before(deadline); i++ {
		if _, err := conn.Exec(ctx, fmt.Sprintf("create user crash_d_%d password 'Crashpass1'", i)); err != nil {
			break
		}
	}
	require.NoError(t, rb.cmd.Process.Kill())
	<-rb.done
	stopFlushing()

	rb = startBinary(t, args...)
	rs, s3c = clients(rb.httpURL)
	postControl(t, rb, "/_fakeshift/flush")

	conn, err = pgx.Connect(ctx, rb.dsn("awsuser", "Fakeshift1"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "select username from stl_userlog where action = 'create' and username like 'crash_d_%'")
	require.NoError(t, err)
	want := map[string]bool{}
	for rows.Next() {
		var u string
		require.NoError(t, rows.Scan(&u))
		want[strings.TrimSpace(u)] = true
	}
	require.NoError(t, rows.Err())
	require.Greater(t, len(want), 10, "users made before the kill")
	t.Logf("%d users made before the kill", len(want))

	seen := map[string]int{}
	for _, line := range logLines(t, s3c, "crash-logs")["userlog"] {
		f := strings.Split(line, "|")
		if name := strings.TrimSpace(f[1]); strings.HasPrefix(name, "crash_d_") {
			seen[name]++
		}
	}
	for u := range want {
		require.Equal(t, 1, seen[u], "user %s in the delivered files", u)
	}
	require.Len(t, seen, len(want), "no line for a user that does not exist")
}

// flushBackToBack posts /_fakeshift/flush to url in a loop, until the process is gone or
// the returned stop is called (which waits for the loop to end).
func flushBackToBack(url string) (stop func()) {
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			resp, err := http.Post(url+"/_fakeshift/flush", "application/json", nil)
			if err != nil {
				return
			}
			resp.Body.Close()
		}
	})
	return func() { close(done); wg.Wait() }
}
