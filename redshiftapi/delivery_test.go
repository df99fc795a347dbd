package redshiftapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/store"
)

// TestUploadInParts: a log file over the part size goes up as a multipart upload, SSE-S3,
// and reads back whole; a small one is one PutObject.
func TestUploadInParts(t *testing.T) {
	db, err := store.Open(store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	dir, err := auth.DefaultDirectory("")
	require.NoError(t, err)
	fake, err := s3fake.New(s3fake.Config{Store: db, Directory: dir})
	require.NoError(t, err)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	ctx := context.Background()
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("logs")})
	require.NoError(t, err)

	defer func(old int) { multipartPart = old }(multipartPart)
	multipartPart = 5 << 20 // S3's smallest part
	big := make([]byte, 11<<20)
	rand.Read(big)
	for name, body := range map[string][]byte{"big.gz": big, "small.gz": []byte("small")} {
		require.NoError(t, upload(ctx, c, "logs", name, body))
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("logs"), Key: aws.String(name)})
		require.NoError(t, err)
		b, _ := io.ReadAll(got.Body)
		require.True(t, bytes.Equal(body, b), name)
		require.Equal(t, "AES256", string(got.ServerSideEncryption))
		if name == "big.gz" {
			require.Contains(t, aws.ToString(got.ETag), "-3", "three parts")
		}
	}
}
