package integration

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// trailDelivery is a CloudTrail delivery as POST /_fakeshift/flush answers it.
type trailDelivery struct {
	Trail   string `json:"trail"`
	Key     string `json:"key"`
	Records int    `json:"records"`
	Digest  string `json:"digest"`
	Error   string `json:"error"`
}

// errFlushStatus is a flush that was answered, with a status other than 200.
var errFlushStatus = errors.New("flush not OK")

// flushTrailsOf posts /_fakeshift/flush and returns the CloudTrail deliveries it answers.
func flushTrailsOf(ctx context.Context, url string) ([]trailDelivery, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/_fakeshift/flush", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s: %s", errFlushStatus, resp.Status, body)
	}
	var out struct {
		Trails []trailDelivery `json:"trails"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("flush answer %s: %w", body, err)
	}
	return out.Trails, nil
}

// TestCrashDuringTrailDeliveries kills fakeshift (SIGKILL) in the middle of a CloudTrail
// upload, with --data-dir. First S3 bucket calls are made while flushes run back to back
// (each answered 200, delivering files); then the next upload of a trail file is held in S3
// (a PutObject fault with a delay on the trail's bucket), more calls are made while it
// hangs, and fakeshift is killed. After a restart the first delivery is the file that was
// being uploaded, with the same records, and the record of every call that was answered is
// in the trail's files exactly once.
func TestCrashDuringTrailDeliveries(t *testing.T) {
	dataDir := t.TempDir()
	args := []string{"--data-dir", dataDir, "--log-interval", "-1s", "--trail-interval", "-1s", "--cluster-ports", "0"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client := func(url string) *s3.Client {
		return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	}
	rb := startBinary(t, args...)
	s3c := client(rb.httpURL)
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("crash-trail")})
	require.NoError(t, err)
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("crash-trail"),
		Policy: aws.String(cloudTrailPolicy("crash-trail", "", "123456789012"))})
	require.NoError(t, err)
	for _, op := range []string{"CreateTrail", "StartLogging"} {
		code, out := cloudTrailCall(t, rb.httpURL, "test", "test", op, map[string]any{"Name": "crash", "S3BucketName": "crash-trail",
			"EnableLogFileValidation": true})
		require.Equal(t, http.StatusOK, code, "%s: %s", op, out)
	}

	answered := map[string]bool{} // buckets whose CreateBucket was answered
	createBuckets := func(prefix string, until func() bool) []string {
		var names []string
		for i := 0; !until(); i++ {
			name := fmt.Sprintf("%s-%d", prefix, i)
			_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
			require.NoError(t, err)
			answered[name] = true
			names = append(names, name)
		}
		return names
	}

	// Calls while flushes run back to back, each of which must answer 200.
	var flushes, files atomic.Int64
	var flushErr error
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			ds, err := flushTrailsOf(ctx, rb.httpURL)
			if err == nil {
				for _, d := range ds {
					if d.Error != "" {
						err = fmt.Errorf("delivery failed: %+v", d)
					} else if d.Key != "" {
						files.Add(1)
					}
				}
			}
			if err != nil {
				flushErr = err
				return
			}
			flushes.Add(1)
		}
	})
	deadline := time.Now().Add(time.Second)
	createBuckets("crash-b", func() bool { return time.Now().After(deadline) })
	close(stop)
	wg.Wait()
	require.NoError(t, flushErr)
	require.Positive(t, files.Load(), "files delivered while the calls were made")
	t.Logf("%d CreateBucket calls answered during %d flushes (%d trail files)", len(answered), flushes.Load(), files.Load())

	// Nothing owed, then two records, whose file's upload is held.
	_, err = flushTrailsOf(ctx, rb.httpURL)
	require.NoError(t, err)
	held := createBuckets("held-b", countTo(2))
	fault := `{"count": 1, "status": 0, "delay_ms": 30000, "operations": ["PutObject"]}`
	resp, err := http.Post(rb.httpURL+"/_fakeshift/s3/buckets/crash-trail/faults", "application/json", bytes.NewReader([]byte(fault)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	stuck := make(chan error, 1)
	go func() {
		_, err := flushTrailsOf(ctx, rb.httpURL)
		stuck <- err
	}()
	// A flush otherwise answers in milliseconds: one still running after a second has
	// gathered its file and is held in its PutObject. Calls go on meanwhile (records take no
	// trail's lock); theirs are for the next file.
	select {
	case err := <-stuck:
		t.Fatalf("the flush ended (%v): the upload was not held", err)
	case <-time.After(time.Second):
	}
	heldSince := time.Now()
	during := createBuckets("during-b", func() bool { return time.Since(heldSince) > time.Second })
	select {
	case err := <-stuck:
		t.Fatalf("the flush ended (%v) before the kill: the upload was not held", err)
	default:
	}
	require.NoError(t, rb.cmd.Process.Kill())
	<-rb.done
	err = <-stuck
	require.Error(t, err, "the held flush was cut by the kill")
	require.NotErrorIs(t, err, errFlushStatus)
	t.Logf("%d CreateBucket calls answered while the upload was held, then the kill", len(during))

	rb = startBinary(t, args...)
	s3c = client(rb.httpURL)
	ds, err := flushTrailsOf(ctx, rb.httpURL)
	require.NoError(t, err)
	require.NotEmpty(t, ds)
	for _, d := range ds {
		require.Empty(t, d.Error, "%+v", d)
	}
	// The file whose upload the kill cut goes up first, with its records and no others.
	require.NotEmpty(t, ds[0].Key)
	require.Equal(t, len(held), ds[0].Records, "%+v", ds[0])
	code, out := cloudTrailCall(t, rb.httpURL, "test", "test", "GetTrailStatus", map[string]any{"Name": "crash"})
	require.Equal(t, http.StatusOK, code, "%s", out)
	require.NotContains(t, string(out), "LatestDeliveryError")

	type record struct {
		EventID           string `json:"eventID"`
		EventName         string `json:"eventName"`
		RequestParameters struct {
			BucketName string `json:"bucketName"`
		} `json:"requestParameters"`
	}
	readFile := func(key string) []record {
		t.Helper()
		obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("crash-trail"), Key: aws.String(key)})
		require.NoError(t, err)
		zr, err := gzip.NewReader(obj.Body)
		require.NoError(t, err)
		raw, err := io.ReadAll(zr)
		obj.Body.Close()
		require.NoError(t, err)
		var body struct{ Records []record }
		require.NoError(t, json.Unmarshal(raw, &body), "%s", key)
		return body.Records
	}
	var first []string
	for _, r := range readFile(ds[0].Key) {
		require.Equal(t, "CreateBucket", r.EventName)
		first = append(first, r.RequestParameters.BucketName)
	}
	require.Equal(t, held, first, "the held file's records")

	seenID := map[string]string{}
	created := map[string]int{}
	p := s3.NewListObjectsV2Paginator(s3c, &s3.ListObjectsV2Input{Bucket: aws.String("crash-trail"),
		Prefix: aws.String("AWSLogs/123456789012/CloudTrail/")})
	nfiles := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		for _, o := range page.Contents {
			nfiles++
			for _, r := range readFile(*o.Key) {
				prev, dup := seenID[r.EventID]
				require.False(t, dup, "record %s (%s) in %s and in %s", r.EventID, r.EventName, prev, *o.Key)
				seenID[r.EventID] = *o.Key
				if r.EventName == "CreateBucket" {
					created[r.RequestParameters.BucketName]++
				}
			}
		}
	}
	t.Logf("%d records in %d files", len(seenID), nfiles)
	for name := range answered {
		require.Equal(t, 1, created[name], "the CreateBucket of %s in the trail's files", name)
	}
	for name, n := range created {
		require.Equal(t, 1, n, "%s", name)
	}
	require.Len(t, created, len(answered), "no call was in flight at the kill: only answered calls are recorded")
}

// countTo is a createBuckets stop condition: after n calls.
func countTo(n int) func() bool {
	i := 0
	return func() bool {
		i++
		return i > n
	}
}
