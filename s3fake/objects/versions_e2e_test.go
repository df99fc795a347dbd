package objects

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/stretchr/testify/require"
)

// TestAWSSDKVersioning drives bucket versioning through gofakes3's handler with the AWS SDK
// for Go v2.
func TestAWSSDKVersioning(t *testing.T) {
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
			testSDKVersioning(t, c)
		})
	}
}

func testSDKVersioning(t *testing.T, c *s3.Client) {
	ctx := context.Background()
	bucket, key := aws.String("versioned"), aws.String("AWSLogs/1/log.gz")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
	require.NoError(t, err)

	got, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
	require.NoError(t, err)
	require.Empty(t, got.Status, "never versioned")

	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	got, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
	require.NoError(t, err)
	require.Equal(t, types.BucketVersioningStatusEnabled, got.Status)

	one, two := []byte("first"), randomData(600<<10, 9)
	var ids []string
	for _, data := range [][]byte{one, two} {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: bytes.NewReader(data)})
		require.NoError(t, err)
		require.NotEmpty(t, aws.ToString(out.VersionId))
		ids = append(ids, aws.ToString(out.VersionId))
	}
	require.NotEqual(t, ids[0], ids[1])

	read := func(in *s3.GetObjectInput) ([]byte, *s3.GetObjectOutput) {
		t.Helper()
		out, err := c.GetObject(ctx, in)
		require.NoError(t, err)
		defer out.Body.Close()
		body, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return body, out
	}
	body, out := read(&s3.GetObjectInput{Bucket: bucket, Key: key})
	require.True(t, bytes.Equal(two, body))
	require.Equal(t, ids[1], aws.ToString(out.VersionId))
	body, out = read(&s3.GetObjectInput{Bucket: bucket, Key: key, VersionId: aws.String(ids[0])})
	require.Equal(t, one, body)
	require.Equal(t, ids[0], aws.ToString(out.VersionId))
	require.Equal(t, `"`+md5hex(one)+`"`, aws.ToString(out.ETag))

	list, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket})
	require.NoError(t, err)
	require.Len(t, list.Versions, 2)
	require.Empty(t, list.DeleteMarkers)
	for i, v := range list.Versions {
		require.Equal(t, aws.ToString(key), aws.ToString(v.Key))
		require.Equal(t, ids[1-i], aws.ToString(v.VersionId), "newest first")
		require.Equal(t, i == 0, aws.ToBool(v.IsLatest))
	}
	require.Equal(t, int64(len(one)), aws.ToInt64(list.Versions[1].Size))
	require.Equal(t, `"`+md5hex(one)+`"`, aws.ToString(list.Versions[1].ETag))

	// Paging: one version a page.
	var paged []string
	in := &s3.ListObjectVersionsInput{Bucket: bucket, MaxKeys: aws.Int32(1)}
	for {
		page, err := c.ListObjectVersions(ctx, in)
		require.NoError(t, err)
		for _, v := range page.Versions {
			paged = append(paged, aws.ToString(v.VersionId))
		}
		if !aws.ToBool(page.IsTruncated) {
			break
		}
		in.KeyMarker, in.VersionIdMarker = page.NextKeyMarker, page.NextVersionIdMarker
	}
	require.Equal(t, []string{ids[1], ids[0]}, paged)

	// A delete adds a marker: GET answers NoSuchKey, the versions stay.
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key})
	require.NoError(t, err)
	require.True(t, aws.ToBool(del.DeleteMarker))
	marker := aws.ToString(del.VersionId)
	require.NotEmpty(t, marker)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
	require.Equal(t, "NoSuchKey", apiCode(err))
	// S3 answers a GET of a delete marker's version 405 MethodNotAllowed; gofakes3 answers
	// NoSuchKey with the x-amz-delete-marker header.
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key, VersionId: aws.String(marker)})
	var re interface{ HTTPStatusCode() int }
	require.True(t, errors.As(err, &re), "got %v", err)
	require.Equal(t, http.StatusNotFound, re.HTTPStatusCode())
	body, _ = read(&s3.GetObjectInput{Bucket: bucket, Key: key, VersionId: aws.String(ids[1])})
	require.True(t, bytes.Equal(two, body))

	list, err = c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket})
	require.NoError(t, err)
	require.Len(t, list.Versions, 2)
	require.Len(t, list.DeleteMarkers, 1)
	require.Equal(t, marker, aws.ToString(list.DeleteMarkers[0].VersionId))
	require.True(t, aws.ToBool(list.DeleteMarkers[0].IsLatest))
	require.False(t, aws.ToBool(list.Versions[0].IsLatest))
	objs, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket})
	require.NoError(t, err)
	require.Empty(t, objs.Contents)

	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
	require.Equal(t, "BucketNotEmpty", apiCode(err))

	// Deleting the marker's version brings the object back.
	del, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key, VersionId: aws.String(marker)})
	require.NoError(t, err)
	require.True(t, aws.ToBool(del.DeleteMarker))
	require.Equal(t, marker, aws.ToString(del.VersionId))
	body, _ = read(&s3.GetObjectInput{Bucket: bucket, Key: key})
	require.True(t, bytes.Equal(two, body))

	// Suspended: a write is the null version.
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	require.NoError(t, err)
	got, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
	require.NoError(t, err)
	require.Equal(t, types.BucketVersioningStatusSuspended, got.Status)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: bytes.NewReader([]byte("null"))})
	require.NoError(t, err)
	require.Equal(t, string(NullVersion), aws.ToString(put.VersionId))

	// DeleteObjects with version ids removes them for good.
	var ids2 []types.ObjectIdentifier
	for _, id := range ids {
		ids2 = append(ids2, types.ObjectIdentifier{Key: key, VersionId: aws.String(id)})
	}
	ids2 = append(ids2, types.ObjectIdentifier{Key: key, VersionId: aws.String(string(NullVersion))})
	dels, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &types.Delete{Objects: ids2}})
	require.NoError(t, err)
	require.Empty(t, dels.Errors)
	require.Len(t, dels.Deleted, 3)
	list, err = c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket})
	require.NoError(t, err)
	require.Empty(t, list.Versions)
	require.Empty(t, list.DeleteMarkers)
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
	require.NoError(t, err)
}
