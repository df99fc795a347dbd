package s3fake_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/store"
)

// BenchmarkPutObject measures PutObject through HTTP with the AWS SDK for Go v2, signed,
// against s3fake (policy evaluated on every request) in memory and on disk, and against
// plain gofakes3 with its in-memory backend as the yardstick.
func BenchmarkPutObject(b *testing.B) {
	targets := []struct {
		name string
		url  func(b *testing.B) string
	}{
		{"s3fake-memory", func(b *testing.B) string { return s3fakeURL(b, "") }},
		{"s3fake-disk", func(b *testing.B) string { return s3fakeURL(b, b.TempDir()) }},
		{"gofakes3-s3mem", func(b *testing.B) string {
			srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
			b.Cleanup(srv.Close)
			return srv.URL
		}},
	}
	for _, tgt := range targets {
		for _, size := range []int{1 << 10, 1 << 20} {
			for _, clients := range []int{1, 8} {
				b.Run(fmt.Sprintf("%s/%dKiB/%dclients", tgt.name, size>>10, clients), func(b *testing.B) {
					url := tgt.url(b)
					c := s3.New(s3.Options{Region: "us-east-1", UsePathStyle: true, BaseEndpoint: aws.String(url),
						Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
						HTTPClient:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}})
					ctx := context.Background()
					_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")})
					require.NoError(b, err)
					if tgt.name != "gofakes3-s3mem" { // gofakes3 takes PUT ?policy for CreateBucket
						_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("bench"), Policy: aws.String(benchPolicy)})
						require.NoError(b, err)
					}
					data := bytes.Repeat([]byte("x"), size)
					b.SetBytes(int64(size))
					b.ResetTimer()
					var wg sync.WaitGroup
					per := (b.N + clients - 1) / clients
					for w := range clients {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for i := range per {
								_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"),
									Key: aws.String(fmt.Sprintf("k-%d-%d", w, i%16)), Body: bytes.NewReader(data)})
								if err != nil {
									b.Error(err)
									return
								}
							}
						}()
					}
					wg.Wait()
				})
			}
		}
	}
}

// benchPolicy is the Redshift audit-log policy: the owner's puts evaluate it and fall through.
const benchPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},
"Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::bench","arn:aws:s3:::bench/*"],
"Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:redshift:us-east-1:123456789012:cluster:c"}}}]}`

func s3fakeURL(b *testing.B, dir string) string {
	db, err := store.Open(store.Options{Dir: dir})
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	d, err := auth.DefaultDirectory("")
	require.NoError(b, err)
	s, err := s3fake.New(s3fake.Config{Store: db, Directory: d})
	require.NoError(b, err)
	srv := httptest.NewServer(s)
	b.Cleanup(srv.Close)
	return srv.URL
}
