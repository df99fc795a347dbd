package objects

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/johannesboyne/gofakes3"
	"github.com/stretchr/testify/require"
)

// TestAWSSDK drives the backend behind gofakes3's handler with the AWS SDK for Go v2, the
// client fakeshift delivers logs with.
func TestAWSSDK(t *testing.T) {
	for _, disk := range []bool{false, true} {
		name := "memory"
		if disk {
			name = "disk"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, disk)
			srv := httptest.NewServer(MultipartETags(gofakes3.New(e.b).Server()))
			t.Cleanup(srv.Close)
			c := s3.New(s3.Options{
				Region:       "us-east-1",
				Credentials:  credentials.NewStaticCredentialsProvider("x", "x", ""),
				BaseEndpoint: aws.String(srv.URL),
				UsePathStyle: true,
			})
			testSDK(t, c)
		})
	}
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func testSDK(t *testing.T, c *s3.Client) {
	ctx := context.Background()
	bucket := aws.String("logs")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
	require.NoError(t, err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
	require.Equal(t, "BucketAlreadyExists", apiCode(err))
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket})
	require.NoError(t, err)

	small := []byte("2026-03-04 05:06:07 audit line\n")
	big := randomData(3<<20+512<<10, 5)
	for key, data := range map[string][]byte{"AWSLogs/1/a.gz": small, "AWSLogs/1/big.gz": big, "AWSLogs/2/b.gz": small, "top": small} {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(key), Body: bytes.NewReader(data),
			ContentType: aws.String("application/gzip"), Metadata: map[string]string{"purpose": "test"}})
		require.NoError(t, err, key)
		require.Equal(t, `"`+md5hex(data)+`"`, aws.ToString(out.ETag))
	}

	t.Run("get and head", func(t *testing.T) {
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("AWSLogs/1/big.gz")})
		require.NoError(t, err)
		body, err := io.ReadAll(got.Body)
		got.Body.Close()
		require.NoError(t, err)
		require.True(t, bytes.Equal(big, body))
		require.Equal(t, `"`+md5hex(big)+`"`, aws.ToString(got.ETag))
		require.Equal(t, "application/gzip", aws.ToString(got.ContentType))
		require.Equal(t, "test", got.Metadata["purpose"])

		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("AWSLogs/1/big.gz")})
		require.NoError(t, err)
		require.Equal(t, int64(len(big)), aws.ToInt64(head.ContentLength))
		require.Equal(t, `"`+md5hex(big)+`"`, aws.ToString(head.ETag))
		require.NotNil(t, head.LastModified)

		rng, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("AWSLogs/1/big.gz"), Range: aws.String("bytes=524280-524299")})
		require.NoError(t, err)
		body, err = io.ReadAll(rng.Body)
		rng.Body.Close()
		require.NoError(t, err)
		require.Equal(t, big[524280:524300], body)
		require.Equal(t, "bytes 524280-524299/"+strconv.Itoa(len(big)), aws.ToString(rng.ContentRange))

		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("missing")})
		require.Equal(t, "NoSuchKey", apiCode(err))
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("missing")})
		require.Error(t, err)
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nob"), Key: aws.String("k")})
		require.Equal(t, "NoSuchBucket", apiCode(err))
	})

	t.Run("list", func(t *testing.T) {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, Prefix: aws.String("AWSLogs/"), Delimiter: aws.String("/")})
		require.NoError(t, err)
		var prefixes []string
		for _, p := range out.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(p.Prefix))
		}
		require.Equal(t, []string{"AWSLogs/1/", "AWSLogs/2/"}, prefixes)
		require.Empty(t, out.Contents)

		var keys []string
		pages := 0
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: bucket, MaxKeys: aws.Int32(1)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			require.NoError(t, err)
			pages++
			for _, o := range page.Contents {
				keys = append(keys, aws.ToString(o.Key))
				if aws.ToString(o.Key) == "AWSLogs/1/big.gz" {
					require.Equal(t, int64(len(big)), aws.ToInt64(o.Size))
					require.Equal(t, `"`+md5hex(big)+`"`, aws.ToString(o.ETag))
				}
			}
		}
		require.Equal(t, []string{"AWSLogs/1/a.gz", "AWSLogs/1/big.gz", "AWSLogs/2/b.gz", "top"}, keys)
		require.Equal(t, 4, pages)

		v1, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: bucket, MaxKeys: aws.Int32(1), Delimiter: aws.String("/")})
		require.NoError(t, err)
		require.True(t, aws.ToBool(v1.IsTruncated))
		require.Len(t, v1.CommonPrefixes, 1)
		require.Equal(t, "AWSLogs/", aws.ToString(v1.NextMarker))
		v1, err = c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: bucket, Marker: v1.NextMarker, Delimiter: aws.String("/")})
		require.NoError(t, err)
		require.False(t, aws.ToBool(v1.IsTruncated))
		require.Empty(t, v1.CommonPrefixes)
		require.Len(t, v1.Contents, 1)
		require.Equal(t, "top", aws.ToString(v1.Contents[0].Key))
	})

	t.Run("multipart", func(t *testing.T) {
		key := aws.String("AWSLogs/1/multi.gz")
		created, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key, ContentType: aws.String("application/gzip")})
		require.NoError(t, err)
		id := created.UploadId
		p1, p2 := randomData(5<<20, 11), randomData(1<<10, 12)
		var parts []types.CompletedPart
		for i, p := range [][]byte{p1, p2} {
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: id, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
			require.NoError(t, err)
			require.Equal(t, `"`+md5hex(p)+`"`, aws.ToString(out.ETag))
			parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
		}
		uploads, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: bucket})
		require.NoError(t, err)
		require.Len(t, uploads.Uploads, 1)
		require.Equal(t, aws.ToString(id), aws.ToString(uploads.Uploads[0].UploadId))
		listed, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: bucket, Key: key, UploadId: id})
		require.NoError(t, err)
		require.Len(t, listed.Parts, 2)
		require.Equal(t, int64(5<<20), aws.ToInt64(listed.Parts[0].Size))

		// A part never uploaded.
		_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{parts[1], {PartNumber: aws.Int32(3), ETag: parts[1].ETag}}}})
		require.Equal(t, "InvalidPart", apiCode(err))

		done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		require.NoError(t, err)
		s1, s2 := md5sumOf(p1), md5sumOf(p2)
		etag := `"` + md5hex(append(s1, s2...)) + `-2"`
		require.Equal(t, etag, aws.ToString(done.ETag))

		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key})
		require.NoError(t, err)
		require.Equal(t, etag, aws.ToString(head.ETag), "HEAD answers the ETag the completion returned")
		require.Equal(t, int64(len(p1)+len(p2)), aws.ToInt64(head.ContentLength))
		require.Equal(t, "application/gzip", aws.ToString(head.ContentType))
		require.Empty(t, head.Metadata)

		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
		require.NoError(t, err)
		body, err := io.ReadAll(got.Body)
		got.Body.Close()
		require.NoError(t, err)
		require.True(t, bytes.Equal(append(append([]byte(nil), p1...), p2...), body))
		require.Equal(t, etag, aws.ToString(got.ETag))

		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key, IfNoneMatch: aws.String(etag)})
		var re interface{ HTTPStatusCode() int }
		require.True(t, errors.As(err, &re), "got %v", err)
		require.Equal(t, http.StatusNotModified, re.HTTPStatusCode())

		list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, Prefix: key})
		require.NoError(t, err)
		require.Len(t, list.Contents, 1)
		require.Equal(t, etag, aws.ToString(list.Contents[0].ETag))

		// A part under 5 MiB before the last: EntityTooSmall, 400.
		small, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("small")})
		require.NoError(t, err)
		var smallParts []types.CompletedPart
		for i := range 2 {
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("small"), UploadId: small.UploadId,
				PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader([]byte("tiny"))})
			require.NoError(t, err)
			smallParts = append(smallParts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
		}
		_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String("small"), UploadId: small.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: smallParts}})
		require.Equal(t, "EntityTooSmall", apiCode(err))
		require.True(t, errors.As(err, &re))
		require.Equal(t, http.StatusBadRequest, re.HTTPStatusCode())
		_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bucket, Key: aws.String("small"), UploadId: small.UploadId})
		require.NoError(t, err)
		_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: bucket, Key: aws.String("small"), UploadId: small.UploadId})
		require.Equal(t, "NoSuchUpload", apiCode(err))
	})

	t.Run("copy", func(t *testing.T) {
		out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy"), CopySource: aws.String("logs/AWSLogs/1/big.gz")})
		require.NoError(t, err)
		require.Equal(t, `"`+md5hex(big)+`"`, aws.ToString(out.CopyObjectResult.ETag))
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("copy")})
		require.NoError(t, err)
		body, err := io.ReadAll(got.Body)
		got.Body.Close()
		require.NoError(t, err)
		require.True(t, bytes.Equal(big, body))
	})

	t.Run("delete", func(t *testing.T) {
		_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
		require.Equal(t, "BucketNotEmpty", apiCode(err))
		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("top")})
		require.NoError(t, err)
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("top")})
		require.Error(t, err)
		var ids []types.ObjectIdentifier
		for _, k := range []string{"AWSLogs/1/a.gz", "AWSLogs/1/big.gz", "AWSLogs/2/b.gz", "AWSLogs/1/multi.gz", "copy", "never-was"} {
			ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
		}
		del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &types.Delete{Objects: ids}})
		require.NoError(t, err)
		require.Len(t, del.Deleted, len(ids))
		require.Empty(t, del.Errors)
		_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
		require.NoError(t, err)
		buckets, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.NoError(t, err)
		require.Empty(t, buckets.Buckets)
	})
}

func md5sumOf(p []byte) []byte {
	s := md5.Sum(p)
	return s[:]
}

// TestMultipartETags: gofakes3 alone answers a multipart object's GET and HEAD with the
// ETag it makes from Object.Hash, without "-<parts>"; MultipartETags fixes that, and hides
// the header that carries the ETag from the backend.
func TestMultipartETags(t *testing.T) {
	e := newEnv(t, false)
	e.mustBucket("b")
	mp := completeUpload(t, e, "b", "mp", 2)
	e.put("b", "plain", []byte("plain"), nil)
	fake := gofakes3.New(e.b).Server()
	for _, tc := range []struct {
		name    string
		handler http.Handler
		method  string
		key     string
		header  http.Header
		status  int
		etag    string
		helper  string
	}{
		{"HEAD", MultipartETags(fake), http.MethodHead, "mp", nil, http.StatusOK, mp.etag, ""},
		{"GET", MultipartETags(fake), http.MethodGet, "mp", nil, http.StatusOK, mp.etag, ""},
		{"GET range", MultipartETags(fake), http.MethodGet, "mp", http.Header{"Range": {"bytes=0-9"}}, http.StatusPartialContent, mp.etag, ""},
		{"GET If-None-Match", MultipartETags(fake), http.MethodGet, "mp", http.Header{"If-None-Match": {mp.etag}}, http.StatusNotModified, mp.etag, ""},
		{"GET If-None-Match other", MultipartETags(fake), http.MethodGet, "mp", http.Header{"If-None-Match": {`"` + md5hex(nil) + `-2"`}}, http.StatusOK, mp.etag, ""},
		{"plain object", MultipartETags(fake), http.MethodHead, "plain", nil, http.StatusOK, `"` + md5hex([]byte("plain")) + `"`, ""},
		{"gofakes3 alone", fake, http.MethodHead, "mp", nil, http.StatusOK, mp.etag[:33] + `"`, mp.etag},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			req, err := http.NewRequest(tc.method, srv.URL+"/b/"+tc.key, nil)
			require.NoError(t, err)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode, "%s", body)
			require.Equal(t, tc.etag, resp.Header.Get("ETag"))
			require.Equal(t, tc.helper, resp.Header.Get(MultipartETagHeader))
			if tc.status == http.StatusOK && tc.method == http.MethodGet {
				require.True(t, bytes.Equal(mp.data, body))
			}
		})
	}
}
