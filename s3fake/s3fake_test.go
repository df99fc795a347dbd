package s3fake_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/store"
)

type testS3 struct {
	*s3fake.S3
	url string
}

func newS3(t testing.TB) *testS3 {
	t.Helper()
	db, err := store.Open(store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	dir, err := auth.DefaultDirectory("")
	require.NoError(t, err)
	s, err := s3fake.New(s3fake.Config{Store: db, Directory: dir})
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &testS3{S3: s, url: srv.URL}
}

// client signs with a key over HTTP.
func (ts *testS3) client(key, secret string) *s3.Client {
	return s3.New(s3.Options{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint: aws.String(ts.url), UsePathStyle: true})
}

// service is the AWS SDK client of an in-process service principal: unsigned, through
// Transport; calls must carry the principal in their context.
func (ts *testS3) service() *s3.Client {
	return s3.New(s3.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{},
		BaseEndpoint: aws.String("http://s3.internal"), UsePathStyle: true,
		HTTPClient: &http.Client{Transport: ts.Transport()}})
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "unexpected: " + err.Error()
	}
	return ""
}

const (
	clusterARN      = "arn:aws:redshift:us-east-1:123456789012:cluster:my-cluster"
	otherClusterARN = "arn:aws:redshift:us-east-1:123456789012:cluster:other-cluster"
)

// TestRedshiftPolicies plays every bucket policy of the seed document and research 3.4
// against the Redshift service principal, as log delivery calls S3: GetBucketAcl on the
// bucket, PutObject under AWSLogs/.
func TestRedshiftPolicies(t *testing.T) {
	seedGeneric := `{"Version":"2012-10-17","Statement":[{"Sid":"Put bucket policy needed for audit logging",
		"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":["s3:PutObject","s3:GetBucketAcl"],
		"Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"]}]}`
	seed2008 := strings.Replace(seedGeneric, "2012-10-17", "2008-10-17", 1)
	withSourceArn := `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},
		"Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],
		"Condition":{"StringEquals":{"aws:SourceArn":"` + clusterARN + `"}}}]}`
	withSourceAccount := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},
		"Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],
		"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	terraform := `{"Version":"2012-10-17","Statement":[
		{"Sid":"Stmt1376526304926","Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/*"},
		{"Sid":"Stmt137652664067","Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::%[1]s"}]}`
	regional := strings.Replace(seedGeneric, "redshift.amazonaws.com", "redshift.ap-east-1.amazonaws.com", 1)
	legacy := `{"Version":"2008-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::193672423079:user/logs"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/*"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::193672423079:user/logs"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::%[1]s"}]}`
	putOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},
		"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/*"}]}`
	denyAfterAllow := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"]},
		{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}}]}`

	redshift := auth.ServicePrincipal("redshift.amazonaws.com", clusterARN, "123456789012")
	tests := []struct {
		name      string
		policy    string // "" for none
		principal auth.Principal
		sse       bool   // PutObject sends x-amz-server-side-encryption: AES256
		acl, put  string // expected error codes, "" for success
	}{
		{"no policy", "", redshift, false, "AccessDenied", "AccessDenied"},
		{"seed generic", seedGeneric, redshift, false, "", ""},
		{"seed 2008-10-17", seed2008, redshift, false, "", ""},
		{"SourceArn of the cluster", withSourceArn, redshift, false, "", ""},
		{"SourceArn of another cluster", withSourceArn,
			auth.ServicePrincipal("redshift.amazonaws.com", otherClusterARN, "123456789012"), false, "AccessDenied", "AccessDenied"},
		{"SourceAccount", withSourceAccount, redshift, false, "", ""},
		{"SourceAccount of another account", withSourceAccount,
			auth.ServicePrincipal("redshift.amazonaws.com", "arn:aws:redshift:us-east-1:444455556666:cluster:c", "444455556666"), false, "AccessDenied", "AccessDenied"},
		{"terraform two statements", terraform, redshift, false, "", ""},
		{"regional principal", regional,
			auth.ServicePrincipal("redshift.ap-east-1.amazonaws.com", "arn:aws:redshift:ap-east-1:123456789012:cluster:hk", "123456789012"), false, "", ""},
		{"regional principal does not grant the global one", regional, redshift, false, "AccessDenied", "AccessDenied"},
		{"legacy log user of us-east-1", legacy, redshift, false, "", ""},
		{"legacy log user of another region", legacy,
			auth.ServicePrincipal("redshift.amazonaws.com", "arn:aws:redshift:eu-west-1:123456789012:cluster:eu", "123456789012"), false, "AccessDenied", "AccessDenied"},
		{"policy without GetBucketAcl", putOnly, redshift, false, "AccessDenied", ""},
		{"deny of unencrypted uploads, none sent", denyAfterAllow, redshift, false, "", "AccessDenied"},
		{"deny of unencrypted uploads, AES256 sent", denyAfterAllow, redshift, true, "", ""},
		{"CloudTrail is not Redshift", seedGeneric, auth.ServicePrincipal("cloudtrail.amazonaws.com", "", ""), false, "AccessDenied", "AccessDenied"},
	}
	ts := newS3(t)
	owner := ts.client("test", "test")
	svc := ts.service()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bucket := fmt.Sprintf("audit-logs-%d", i)
			ctx := context.Background()
			_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
			require.NoError(t, err)
			if tt.policy != "" {
				_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket),
					Policy: aws.String(fmt.Sprintf(tt.policy, bucket))})
				require.NoError(t, err)
			}
			pctx := auth.WithPrincipal(ctx, tt.principal)
			acl, err := svc.GetBucketAcl(pctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
			require.Equal(t, tt.acl, code(err), "GetBucketAcl")
			if err == nil {
				require.Equal(t, auth.CanonicalUserID(auth.DefaultAccountID), aws.ToString(acl.Owner.ID))
			}
			in := &s3.PutObjectInput{Bucket: aws.String(bucket),
				Key:  aws.String("AWSLogs/123456789012/redshift/us-east-1/2026/11/23/123456789012_redshift_us-east-1_my-cluster_userlog_2026-11-23T14:00.gz"),
				Body: strings.NewReader("log")}
			if tt.sse {
				in.ServerSideEncryption = "AES256"
			}
			_, err = svc.PutObject(pctx, in)
			require.Equal(t, tt.put, code(err), "PutObject")

			dry := ts.Authorize(tt.principal, bucket, "s3:PutObject", "arn:aws:s3:::"+bucket+"/AWSLogs/123456789012/x", sseHeader(tt.sse))
			if tt.put == "" {
				require.NoError(t, dry)
			} else {
				require.Error(t, dry)
			}
		})
	}
}

func sseHeader(on bool) http.Header {
	if !on {
		return nil
	}
	return http.Header{"X-Amz-Server-Side-Encryption": {"AES256"}}
}

func TestInProcessNeedsAPrincipal(t *testing.T) {
	ts := newS3(t)
	_, err := ts.service().ListBuckets(context.Background(), &s3.ListBucketsInput{}, func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	require.ErrorContains(t, err, "without a principal")
}

func TestOwnershipTransferAndFacts(t *testing.T) {
	ts := newS3(t)
	ctx := context.Background()
	owner := ts.client("test", "test")
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("moving")})
	require.NoError(t, err)
	facts, err := ts.BucketFacts("moving")
	require.NoError(t, err)
	require.Equal(t, s3fake.Facts{Exists: true, OwnerAccountID: auth.DefaultAccountID,
		OwnerCanonicalID: auth.CanonicalUserID(auth.DefaultAccountID), Region: "us-east-1", Encryption: "AES256"}, facts)

	require.NoError(t, ts.TransferOwnership("moving", auth.SecondAccountID))
	facts, err = ts.BucketFacts("moving")
	require.NoError(t, err)
	require.Equal(t, auth.SecondAccountID, facts.OwnerAccountID)
	_, err = owner.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("moving")})
	require.Error(t, err, "the old owner lost the bucket")
	_, err = ts.client("other", "other").HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("moving")})
	require.NoError(t, err)

	missing, err := ts.BucketFacts("nope")
	require.NoError(t, err)
	require.False(t, missing.Exists)
	require.Error(t, ts.TransferOwnership("nope", auth.SecondAccountID))
	require.Error(t, ts.TransferOwnership("moving", "999999999999"))
}

func TestFaults(t *testing.T) {
	ts := newS3(t)
	ctx := context.Background()
	owner := s3.New(s3.Options{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(ts.url), UsePathStyle: true, RetryMaxAttempts: 1})
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("flaky")})
	require.NoError(t, err)
	require.NoError(t, ts.InjectFault("flaky", s3fake.Fault{Count: 2, Status: http.StatusServiceUnavailable, Operations: []string{"PutObject"}}))
	put := func() error {
		_, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("flaky"), Key: aws.String("k"), Body: strings.NewReader("v")})
		return err
	}
	_, err = owner.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("flaky")})
	require.NoError(t, err, "other operations are not hit")
	require.Equal(t, "SlowDown", code(put()))
	require.Equal(t, "SlowDown", code(put()))
	require.NoError(t, put(), "the fault is spent")

	require.NoError(t, ts.InjectFault("", s3fake.Fault{Count: 1, Status: http.StatusInternalServerError}))
	require.Equal(t, "InternalError", code(put()))
	require.Error(t, ts.InjectFault("flaky", s3fake.Fault{Count: 0, Status: 503}))
	require.Error(t, ts.InjectFault("flaky", s3fake.Fault{Count: 1, Status: 404}))
}

func TestControlHandler(t *testing.T) {
	ts := newS3(t)
	ctl := httptest.NewServer(ts.ControlHandler())
	t.Cleanup(ctl.Close)
	ctx := context.Background()
	_, err := ts.client("test", "test").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("ctl")})
	require.NoError(t, err)

	post := func(path, body string) (int, string) {
		resp, err := http.Post(ctl.URL+path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := post("/buckets/ctl/owner", `{"account_id":"111122223333"}`)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, auth.CanonicalUserID(auth.SecondAccountID))
	status, _ = post("/buckets/none/owner", `{"account_id":"111122223333"}`)
	require.Equal(t, http.StatusNotFound, status)
	status, _ = post("/buckets/ctl/owner", `not json`)
	require.Equal(t, http.StatusBadRequest, status)
	status, body = post("/buckets/ctl/faults", `{"count":1,"status":503,"delay_ms":1}`)
	require.Equal(t, http.StatusOK, status, body)

	// The old owner is now refused, and the refusal says why.
	_, err = ts.client("test", "test").PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ctl"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.Equal(t, "AccessDenied", code(err))
	resp, err := http.Get(ctl.URL + "/refusals")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(b), "the bucket belongs to account 111122223333")
}

// TestVirtualHostStyle: the SDK names the bucket in the host (bucket.localhost).
func TestVirtualHostStyle(t *testing.T) {
	ts := newS3(t)
	addr := strings.TrimPrefix(ts.url, "http://")
	_, port, _ := net.SplitHostPort(addr)
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr) // bucket.localhost resolves here
	}
	c := s3.New(s3.Options{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String("http://localhost:" + port),
		HTTPClient:   &http.Client{Transport: &http.Transport{DialContext: dial}}})
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vhost")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vhost"), Key: aws.String("a/b.txt"), Body: strings.NewReader("hi")})
	require.NoError(t, err)
	got, err := ts.client("test", "test").GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vhost"), Key: aws.String("a/b.txt")})
	require.NoError(t, err, "path-style reads what virtual-host style wrote")
	b, _ := io.ReadAll(got.Body)
	require.Equal(t, "hi", string(b))
}

// TestStreamingUpload: an unseekable body over TLS makes the SDK send aws-chunked with a
// trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER); s3fake decodes and verifies it.
func TestStreamingUpload(t *testing.T) {
	ts := newS3(t)
	var mode atomic.Value
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/k") {
			mode.Store(r.Header.Get("X-Amz-Content-Sha256") + " " + r.Header.Get("X-Amz-Trailer"))
		}
		ts.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c := s3.New(s3.Options{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(srv.URL), UsePathStyle: true, HTTPClient: srv.Client()})
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("stream")})
	require.NoError(t, err)
	data := strings.Repeat("0123456789", 100_000)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("stream"), Key: aws.String("k"),
		Body: io.NopCloser(strings.NewReader(data)), ContentLength: aws.Int64(int64(len(data))),
		ChecksumAlgorithm: "CRC32"})
	require.NoError(t, err)
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("stream"), Key: aws.String("k")})
	require.NoError(t, err)
	b, _ := io.ReadAll(got.Body)
	require.Equal(t, data, string(b))
	require.Equal(t, "STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc32", mode.Load())
}
