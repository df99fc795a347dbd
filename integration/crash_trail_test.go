package integration

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// TestCrashDuringTrailDeliveries kills fakeshift (SIGKILL) while S3 bucket calls are made
// and CloudTrail deliveries run back to back, with --data-dir; after a restart and a flush
// the record of every call that was answered is in the trail's files exactly once, and no
// record is in them twice.
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

	stopFlushing := flushBackToBack(rb.httpURL)
	answered := map[string]bool{} // buckets whose CreateBucket was answered
	deadline := time.Now().Add(1500 * time.Millisecond)
	for i := 0; time.Now().Before(deadline); i++ {
		name := fmt.Sprintf("crash-b-%d", i)
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			break
		}
		answered[name] = true
	}
	require.NoError(t, rb.cmd.Process.Kill())
	<-rb.done
	stopFlushing()
	require.Greater(t, len(answered), 10, "calls answered before the kill")
	t.Logf("%d CreateBucket calls answered before the kill", len(answered))

	rb = startBinary(t, args...)
	s3c = client(rb.httpURL)
	resp, err := http.Post(rb.httpURL+"/_fakeshift/flush", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	code, out := cloudTrailCall(t, rb.httpURL, "test", "test", "GetTrailStatus", map[string]any{"Name": "crash"})
	require.Equal(t, http.StatusOK, code, "%s", out)
	require.NotContains(t, string(out), "LatestDeliveryError")

	seenID := map[string]string{}
	created := map[string]int{}
	p := s3.NewListObjectsV2Paginator(s3c, &s3.ListObjectsV2Input{Bucket: aws.String("crash-trail"),
		Prefix: aws.String("AWSLogs/123456789012/CloudTrail/")})
	files := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		for _, o := range page.Contents {
			files++
			obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("crash-trail"), Key: o.Key})
			require.NoError(t, err)
			zr, err := gzip.NewReader(obj.Body)
			require.NoError(t, err)
			raw, err := io.ReadAll(zr)
			obj.Body.Close()
			require.NoError(t, err)
			var body struct {
				Records []struct {
					EventID           string `json:"eventID"`
					EventName         string `json:"eventName"`
					RequestParameters struct {
						BucketName string `json:"bucketName"`
					} `json:"requestParameters"`
				}
			}
			require.NoError(t, json.Unmarshal(raw, &body), "%s", *o.Key)
			for _, r := range body.Records {
				prev, dup := seenID[r.EventID]
				require.False(t, dup, "record %s (%s) in %s and in %s", r.EventID, r.EventName, prev, *o.Key)
				seenID[r.EventID] = *o.Key
				if r.EventName == "CreateBucket" {
					created[r.RequestParameters.BucketName]++
				}
			}
		}
	}
	t.Logf("%d records in %d files", len(seenID), files)
	for name := range answered {
		require.Equal(t, 1, created[name], "the CreateBucket of %s in the trail's files", name)
	}
	for name, n := range created {
		require.Equal(t, 1, n, "%s", name)
	}
	require.LessOrEqual(t, len(created), len(answered)+1, "at most the call in flight at the kill besides")
}
