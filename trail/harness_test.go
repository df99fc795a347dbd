package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/store"
)

const testAccount = auth.DefaultAccountID

// harness is a trail.Service over an in-memory store and s3fake, reached in process: the
// CloudTrail API through ServeAPI with SigV4-signed requests (as the front door calls it),
// S3 through s3fake's in-process transport with the caller's principal in the context.
type harness struct {
	t     testing.TB
	svc   *Service
	s3    *s3fake.S3
	s3c   *s3.Client
	clk   *clock.Manual
	dir   *auth.Directory
	root  auth.Key // test/test, the default account's root user
	admin auth.Key // an IAM user of the default account
	// last is the record of the last API call served.
	last Event
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	db, err := store.Open(store.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	dir, err := auth.DefaultDirectory(testAccount)
	require.NoError(t, err)
	admin, err := auth.NewKey("AKIAADMINEXAMPLE", "admin-secret", "arn:aws:iam::"+testAccount+":user/Admin")
	require.NoError(t, err)
	require.NoError(t, dir.AddKey(admin))
	root, ok := dir.Key(auth.DefaultAccessKeyID)
	require.True(t, ok)
	admin, _ = dir.Key("AKIAADMINEXAMPLE")
	clk := clock.NewManual(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	logger := slog.New(slog.DiscardHandler)
	s3s, err := s3fake.New(s3fake.Config{Store: db, Directory: dir, Clock: clk, Logger: logger})
	require.NoError(t, err)
	s3c := s3.New(s3.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{},
		BaseEndpoint: aws.String("http://s3.fakeshift.internal"), UsePathStyle: true,
		HTTPClient: &http.Client{Transport: s3s.Transport()}})
	svc, err := New(Config{Store: db, Directory: dir, Region: "us-east-1", S3: s3c, Buckets: s3s, Clock: clk, Logger: logger})
	require.NoError(t, err)
	t.Cleanup(svc.Close)
	return &harness{t: t, svc: svc, s3: s3s, s3c: s3c, clk: clk, dir: dir, root: root, admin: admin}
}

// as is a context whose in-process S3 calls are signed by key's owner.
func as(k auth.Key) context.Context {
	return auth.WithPrincipal(context.Background(), auth.AccountPrincipal(k))
}

// bucketFor makes a bucket with CloudTrail's documented policy for a trail without prefix.
func (h *harness) bucketFor(bucket string) {
	h.t.Helper()
	_, err := h.s3c.CreateBucket(as(h.root), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(h.t, err)
	h.putPolicy(bucket)
}

func (h *harness) putPolicy(bucket string) {
	h.t.Helper()
	policy := `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::` + bucket + `"},
 {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
  "Resource":"arn:aws:s3:::` + bucket + `/AWSLogs/` + testAccount + `/*",
  "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`
	_, err := h.s3c.PutBucketPolicy(as(h.root), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
	require.NoError(h.t, err)
}

// call serves one CloudTrail API call signed with key and keeps its record unless ServeAPI
// kept it (Outcome.Stored), as the front door does. It returns the HTTP status and the decoded response.
func (h *harness) call(k auth.Key, op string, in any) (int, map[string]any) {
	h.t.Helper()
	body, err := json.Marshal(in)
	require.NoError(h.t, err)
	r := httptest.NewRequest(http.MethodPost, "http://localhost/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", targetPrefix+op)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}
	require.NoError(h.t, v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]),
		"cloudtrail", "us-east-1", time.Now()))
	w := httptest.NewRecorder()
	out := h.svc.ServeAPI(w, r, "req-"+op)
	switch {
	case out.Stored != nil:
		h.last = *out.Stored
	case out.Recorded:
		ev, err := h.svc.Record(out.Call)
		require.NoError(h.t, err)
		h.last = ev
	}
	var res map[string]any
	require.NoError(h.t, json.Unmarshal(w.Body.Bytes(), &res), "%s", w.Body.String())
	return w.Code, res
}

// ok is call for a call that must succeed.
func (h *harness) ok(op string, in any) map[string]any {
	h.t.Helper()
	code, res := h.call(h.root, op, in)
	require.Equal(h.t, http.StatusOK, code, "%s: %v", op, res)
	return res
}

// fails is call for a call that must fail with errType.
func (h *harness) fails(errType, op string, in any) string {
	h.t.Helper()
	code, res := h.call(h.root, op, in)
	require.Equal(h.t, http.StatusBadRequest, code, "%s: %v", op, res)
	require.Equal(h.t, errType, res["__type"], "%s: %v", op, res)
	return res["message"].(string)
}

// record keeps the record of a Redshift call by key, made at the clock's time.
func (h *harness) record(k auth.Key, name string, params string) Event {
	h.t.Helper()
	ev, err := h.svc.Record(Call{Source: "redshift.amazonaws.com", Name: name, Principal: auth.AccountPrincipal(k),
		RequestParameters: json.RawMessage(params), RequestID: uuid.NewString(), ReadOnly: strings.HasPrefix(name, "Describe"),
		SourceIP: "127.0.0.1", UserAgent: "test"})
	require.NoError(h.t, err)
	return ev
}

// trailFiles returns the records of every trail file under the bucket's CloudTrail prefix,
// by key.
func (h *harness) trailFiles(bucket string) map[string][]Event {
	h.t.Helper()
	out := map[string][]Event{}
	list, err := h.s3c.ListObjectsV2(as(h.root), &s3.ListObjectsV2Input{Bucket: aws.String(bucket),
		Prefix: aws.String("AWSLogs/" + testAccount + "/CloudTrail/")})
	require.NoError(h.t, err)
	for _, o := range list.Contents {
		raw := h.object(bucket, aws.ToString(o.Key))
		var body struct{ Records []Event }
		require.NoError(h.t, json.Unmarshal(raw, &body), "%s", raw)
		out[aws.ToString(o.Key)] = body.Records
	}
	return out
}

// object reads an object and gunzips it.
func (h *harness) object(bucket, key string) []byte {
	h.t.Helper()
	obj, err := h.s3c.GetObject(as(h.root), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(h.t, err)
	defer obj.Body.Close()
	zr, err := gzip.NewReader(obj.Body)
	require.NoError(h.t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(h.t, err)
	return raw
}
