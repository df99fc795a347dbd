package redshiftapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/logger"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/store"
)

// BenchmarkDeliverMillion delivers one million user activity records of about 200 bytes
// to a gzip file in the built-in S3, as log delivery does: read from the store, formatted,
// compressed, uploaded in parts as Redshift's principal through the in-process client, the
// bucket policy evaluated. Writing the records is not timed. Run it with -benchtime 1x.
func BenchmarkDeliverMillion(b *testing.B) {
	const n = 1_000_000
	db, err := store.Open(store.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	dir, err := auth.DefaultDirectory("")
	require.NoError(b, err)
	fake, err := s3fake.New(s3fake.Config{Store: db, Directory: dir})
	require.NoError(b, err)
	c := s3.New(s3.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, UsePathStyle: true,
		BaseEndpoint: aws.String("http://s3.internal"), HTTPClient: &http.Client{Transport: fake.Transport()}})
	owner := auth.AccountPrincipal(mustKey(b, dir))
	ctx := auth.WithPrincipal(context.Background(), owner)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench-logs")})
	require.NoError(b, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("bench-logs"), Policy: aws.String(
		`{"Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":["s3:PutObject","s3:GetBucketAcl"],` +
			`"Resource":["arn:aws:s3:::bench-logs","arn:aws:s3:::bench-logs/*"]}]}`)})
	require.NoError(b, err)
	redshift := auth.ServicePrincipal("redshift.amazonaws.com", "arn:aws:redshift:us-east-1:123456789012:cluster:bench", "123456789012")

	l, err := logger.Open(logger.Options{Store: db, ClusterID: "bench"})
	require.NoError(b, err)
	b.Cleanup(func() { l.Close() })
	l.SetDelivery(func(string) bool { return true })
	text := "select " + strings.Repeat("x", 100) + " from events where id = 42"
	dest := logger.Destination{AccountID: "123456789012", Region: "us-east-1", ClusterID: "bench",
		Upload: func(ctx context.Context, key string, body []byte) error {
			return upload(auth.WithPrincipal(ctx, redshift), c, "bench-logs", key, body)
		}}
	for range b.N {
		b.StopTimer()
		for i := range n {
			require.NoError(b, l.Activity(logger.Activity{DB: "dev", UserName: "awsuser", PID: 1073741825, UserID: 100,
				XID: int64(i), RecordTime: time.Now(), Text: text}))
		}
		l.Sync()
		b.StartTimer()
		got, err := l.Deliver(context.Background(), dest, false)
		require.NoError(b, err)
		require.Equal(b, n, got[0].Records)
		b.ReportMetric(float64(got[0].Bytes)/(1<<20), "MiB-gz")
	}
}

func mustKey(b *testing.B, d *auth.Directory) auth.Key {
	k, ok := d.Key(auth.DefaultAccessKeyID)
	require.True(b, ok)
	return k
}
