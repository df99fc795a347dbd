package s3fake_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
)

// status is the HTTP status of an SDK error (HEAD errors have no code to compare), 0 for
// none.
func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// rawHeader is the response headers of an SDK call's result.
func rawHeader(t *testing.T, md middleware.Metadata) http.Header {
	t.Helper()
	raw, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	require.True(t, ok, "no raw response")
	return raw.Header
}

func body(t *testing.T, out *s3.GetObjectOutput, err error) string {
	t.Helper()
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return string(b)
}

// versionedBucket makes a bucket of the default account, versioned, with the object
// ownership given ("" for S3's default, BucketOwnerEnforced).
func versionedBucket(t *testing.T, owner *s3.Client, bucket string, ownership types.ObjectOwnership) {
	t.Helper()
	ctx := context.Background()
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket), ObjectOwnership: ownership})
	require.NoError(t, err)
	_, err = owner.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
}

// TestVersionReadsCheckTheObjectOwner: in a bucket whose ACLs count (ObjectWriter), an
// object another account wrote stays that account's in every version: the bucket owner
// reads an old version by its id no more than it reads the object while current.
func TestVersionReadsCheckTheObjectOwner(t *testing.T) {
	ts := newS3(t)
	ctx := context.Background()
	owner, other := ts.client("test", "test"), ts.client("other", "other")
	const bucket = "writers"
	versionedBucket(t, owner, bucket, types.ObjectOwnershipObjectWriter)
	_, err := owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(fmt.Sprintf(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},`+
			`"Action":["s3:PutObject","s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::%s/*"}]}`,
		auth.SecondAccountID, bucket))})
	require.NoError(t, err)
	put := func(c *s3.Client, key, data string, acl types.ObjectCannedACL) string {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: strings.NewReader(data), ACL: acl})
		require.NoError(t, err)
		require.NotEmpty(t, aws.ToString(out.VersionId))
		return aws.ToString(out.VersionId)
	}
	theirs := put(other, "k", "theirs", "")                                               // the other account's, private
	mine := put(owner, "k", "mine", "")                                                   // the owner's, now current
	shared := put(other, "shared", "shared", types.ObjectCannedACLBucketOwnerFullControl) // granted to the owner

	tests := []struct {
		name    string
		client  *s3.Client
		key     string
		version string // "" for the current object
		want    string // the body read; "" when refused
	}{
		{"owner reads its current version", owner, "k", "", "mine"},
		{"owner reads its version by id", owner, "k", mine, "mine"},
		{"owner is refused the other account's version", owner, "k", theirs, ""},
		{"the writer reads its version", other, "k", theirs, "theirs"},
		{"bucket-owner-full-control grants the owner", owner, "shared", shared, "shared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(tt.key)}
			head := &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(tt.key)}
			if tt.version != "" {
				in.VersionId, head.VersionId = aws.String(tt.version), aws.String(tt.version)
			}
			got, err := tt.client.GetObject(ctx, in)
			_, herr := tt.client.HeadObject(ctx, head)
			if tt.want == "" {
				require.Equal(t, "AccessDenied", code(err), "GetObject")
				require.Equal(t, http.StatusForbidden, status(herr), "HeadObject")
				return
			}
			require.Equal(t, tt.want, body(t, got, err))
			require.NoError(t, herr, "HeadObject")
		})
	}

	// GetObjectAcl of a version tells that version's owner, not the current object's.
	for version, want := range map[string]string{theirs: auth.SecondAccountID, mine: auth.DefaultAccountID, "": auth.DefaultAccountID} {
		in := &s3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("k")}
		if version != "" {
			in.VersionId = aws.String(version)
		}
		acl, err := owner.GetObjectAcl(ctx, in)
		require.NoError(t, err)
		require.Equal(t, auth.CanonicalUserID(want), aws.ToString(acl.Owner.ID), "version %q", version)
	}
	refusals := ts.Refusals()
	require.Contains(t, refusals[len(refusals)-1].Reason, "the object belongs to account "+auth.SecondAccountID)
}

// TestCopyObject: the copy's own version id and the source's, a given source version, the
// metadata directive and the source conditions, as S3 answers them.
func TestCopyObject(t *testing.T) {
	ts := newS3(t)
	ctx := context.Background()
	owner := ts.client("test", "test")
	versionedBucket(t, owner, "versioned", "")
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("plain")})
	require.NoError(t, err)

	putSrc := func(data, color string) (version, etag string) {
		out, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("versioned"), Key: aws.String("src"),
			Body: strings.NewReader(data), ContentType: aws.String("text/plain"), Metadata: map[string]string{"color": color}})
		require.NoError(t, err)
		return aws.ToString(out.VersionId), aws.ToString(out.ETag)
	}
	v1, _ := putSrc("first", "blue")
	v2, etag2 := putSrc("second", "green")

	tests := []struct {
		name   string
		in     s3.CopyObjectInput // Bucket and Key default to versioned/dst
		code   string             // the error expected, "" for none
		source string             // the source version expected in x-amz-copy-source-version-id
		body   string
		meta   map[string]string
		ctype  string
	}{
		{name: "current version", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src")},
			source: v2, body: "second", meta: map[string]string{"color": "green"}, ctype: "text/plain"},
		{name: "a given version", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src?versionId=" + v1)},
			source: v1, body: "first", meta: map[string]string{"color": "blue"}, ctype: "text/plain"},
		{name: "COPY ignores the request's metadata", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src"),
			Metadata: map[string]string{"color": "red"}, ContentType: aws.String("text/html")},
			source: v2, body: "second", meta: map[string]string{"color": "green"}, ctype: "text/plain"},
		{name: "REPLACE takes it", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src"),
			MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"size": "big"},
			ContentType: aws.String("text/html")},
			source: v2, body: "second", meta: map[string]string{"size": "big"}, ctype: "text/html"},
		{name: "unknown directive", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src"),
			MetadataDirective: "MOVE"}, code: "InvalidArgument"},
		{name: "If-Match holds", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src"), CopySourceIfMatch: aws.String(etag2)},
			source: v2, body: "second", meta: map[string]string{"color": "green"}, ctype: "text/plain"},
		{name: "If-Match fails", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src"), CopySourceIfMatch: aws.String(`"0123"`)},
			code: "PreconditionFailed"},
		{name: "If-None-Match fails", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src"), CopySourceIfNoneMatch: aws.String(etag2)},
			code: "PreconditionFailed"},
		{name: "into an unversioned bucket", in: s3.CopyObjectInput{Bucket: aws.String("plain"), CopySource: aws.String("versioned/src")},
			source: v2, body: "second", meta: map[string]string{"color": "green"}, ctype: "text/plain"},
		{name: "missing version", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src?versionId=" + strings.Repeat("0", 13))},
			code: "NoSuchVersion"},
		{name: "an encoded key", in: s3.CopyObjectInput{CopySource: aws.String("/versioned/sr%63")},
			source: v2, body: "second", meta: map[string]string{"color": "green"}, ctype: "text/plain"},
		{name: "no key", in: s3.CopyObjectInput{CopySource: aws.String("versioned")}, code: "InvalidArgument"},
		{name: "an empty version id", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src?versionId=")},
			code: "InvalidArgument"},
		{name: "no such source bucket", in: s3.CopyObjectInput{CopySource: aws.String("nowhere/src")}, code: "NoSuchBucket"},
		{name: "tags are not kept", in: s3.CopyObjectInput{CopySource: aws.String("versioned/src"),
			TaggingDirective: types.TaggingDirectiveReplace, Tagging: aws.String("a=b")}, code: "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.Bucket == nil {
				in.Bucket = aws.String("versioned")
			}
			in.Key = aws.String("dst")
			out, err := owner.CopyObject(ctx, &in)
			require.Equal(t, tt.code, code(err))
			if tt.code != "" {
				return
			}
			require.Equal(t, tt.source, aws.ToString(out.CopySourceVersionId))
			require.Equal(t, types.ServerSideEncryptionAes256, out.ServerSideEncryption)
			require.NotEmpty(t, aws.ToString(out.CopyObjectResult.ETag))
			require.NotNil(t, out.CopyObjectResult.LastModified)
			get := &s3.GetObjectInput{Bucket: in.Bucket, Key: in.Key}
			if aws.ToString(in.Bucket) == "versioned" {
				// The copy is a version of its own, answered as such.
				require.NotEmpty(t, aws.ToString(out.VersionId))
				require.NotEqual(t, tt.source, aws.ToString(out.VersionId))
				get.VersionId = out.VersionId
			} else {
				require.Empty(t, aws.ToString(out.VersionId))
			}
			got, err := owner.GetObject(ctx, get)
			require.Equal(t, tt.body, body(t, got, err))
			require.Equal(t, tt.meta, got.Metadata)
			require.Equal(t, tt.ctype, aws.ToString(got.ContentType))
			require.Equal(t, aws.ToString(out.CopyObjectResult.ETag), aws.ToString(got.ETag))
			for _, h := range []string{"X-Amz-Copy-Source", "X-Amz-Metadata-Directive", "X-Amz-Copy-Source-If-Match"} {
				require.Empty(t, rawHeader(t, got.ResultMetadata).Get(h), "the copy's request is not its metadata")
			}
		})
	}

	// A delete marker named as the source is InvalidRequest; the current object gone is
	// NoSuchKey.
	del, err := owner.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("versioned"), Key: aws.String("src")})
	require.NoError(t, err)
	_, err = owner.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("versioned"), Key: aws.String("dst"),
		CopySource: aws.String("versioned/src?versionId=" + aws.ToString(del.VersionId))})
	require.Equal(t, "InvalidRequest", code(err))
	_, err = owner.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("versioned"), Key: aws.String("dst"),
		CopySource: aws.String("versioned/src")})
	require.Equal(t, "NoSuchKey", code(err))
	out, err := owner.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("versioned"), Key: aws.String("restored"),
		CopySource: aws.String("versioned/src?versionId=" + v1)})
	require.NoError(t, err, "an old version is copied though the key is deleted")
	require.Equal(t, v1, aws.ToString(out.CopySourceVersionId))
}

// TestUnkeptWriteHeaders: an object write asking for what fakeshift cannot keep (tags,
// retention, another storage class, a website redirect) answers NotImplemented, never a
// success without it.
func TestUnkeptWriteHeaders(t *testing.T) {
	ts := newS3(t)
	ctx := context.Background()
	owner := ts.client("test", "test")
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("plain")})
	require.NoError(t, err)
	_, err = owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("locked"), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	tests := []struct {
		name   string
		bucket string
		in     func(*s3.PutObjectInput)
		code   string
	}{
		{"nothing unkept", "plain", func(*s3.PutObjectInput) {}, ""},
		{"STANDARD", "plain", func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassStandard }, ""},
		{"tags", "plain", func(in *s3.PutObjectInput) { in.Tagging = aws.String("team=data") }, "NotImplemented"},
		{"another storage class", "plain", func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassGlacier }, "NotImplemented"},
		{"no such storage class", "plain", func(in *s3.PutObjectInput) { in.StorageClass = "COLD" }, "InvalidStorageClass"},
		{"website redirect", "plain", func(in *s3.PutObjectInput) { in.WebsiteRedirectLocation = aws.String("/other") }, "NotImplemented"},
		{"retention without Object Lock", "plain", func(in *s3.PutObjectInput) { in.ObjectLockMode = types.ObjectLockModeGovernance }, "InvalidRequest"},
		{"retention", "locked", func(in *s3.PutObjectInput) { in.ObjectLockMode = types.ObjectLockModeGovernance }, "NotImplemented"},
		{"legal hold", "locked", func(in *s3.PutObjectInput) { in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn }, "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.PutObjectInput{Bucket: aws.String(tt.bucket), Key: aws.String("k"), Body: strings.NewReader("x")}
			tt.in(in)
			_, err := owner.PutObject(ctx, in)
			require.Equal(t, tt.code, code(err))
		})
	}
	_, err = owner.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("plain"), Key: aws.String("mp"),
		Tagging: aws.String("team=data")})
	require.Equal(t, "NotImplemented", code(err), "CreateMultipartUpload")
}

// TestRequestIDs: every response carries s3fake's request id, also those gofakes3 writes
// (which numbers its own): x-amz-id-2 is derived from it.
func TestRequestIDs(t *testing.T) {
	ts := newS3(t)
	ctx := context.Background()
	owner := ts.client("test", "test")
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("ids")})
	require.NoError(t, err)
	idPattern := regexp.MustCompile(`^[0-9A-F]{16}$`)
	check := func(name string, h http.Header) {
		t.Helper()
		id := h.Get("x-amz-request-id")
		require.Regexp(t, idPattern, id, name)
		require.Equal(t, base64.StdEncoding.EncodeToString([]byte("fakeshift/"+id+"/"+id)), h.Get("x-amz-id-2"), name)
	}
	put, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ids"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	check("PutObject", rawHeader(t, put.ResultMetadata))
	get, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ids"), Key: aws.String("k")})
	require.NoError(t, err)
	get.Body.Close()
	check("GetObject", rawHeader(t, get.ResultMetadata))
	list, err := owner.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("ids")})
	require.NoError(t, err)
	check("ListObjects", rawHeader(t, list.ResultMetadata))
	del, err := owner.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("ids"), Key: aws.String("k")})
	require.NoError(t, err)
	check("DeleteObject", rawHeader(t, del.ResultMetadata))
	_, err = owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ids"), Key: aws.String("k")})
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re), "NoSuchKey")
	check("NoSuchKey", re.Response.Header)
}

// TestPolicyConditionKeys: the keys s3fake fills for a policy beside the principal's:
// aws:ResourceAccount, s3:VersionId, aws:referer.
func TestPolicyConditionKeys(t *testing.T) {
	ts := newS3(t)
	ctx := context.Background()
	owner, other := ts.client("test", "test"), ts.client("other", "other")
	const bucket = "keyed"
	versionedBucket(t, owner, bucket, "")
	var versions []string
	for _, data := range []string{"old", "new"} {
		out, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader(data)})
		require.NoError(t, err)
		versions = append(versions, aws.ToString(out.VersionId))
	}
	partner := fmt.Sprintf(`"Principal":{"AWS":"arn:aws:iam::%s:root"}`, auth.SecondAccountID)
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow",%[1]s,"Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::%[2]s/*",
		 "Condition":{"StringEquals":{"aws:ResourceAccount":"%[3]s"}}},
		{"Effect":"Deny",%[1]s,"Action":"s3:GetObjectVersion","Resource":"arn:aws:s3:::%[2]s/*",
		 "Condition":{"StringEquals":{"s3:VersionId":"%[4]s"}}},
		{"Effect":"Allow",%[1]s,"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[2]s/*",
		 "Condition":{"StringLike":{"aws:referer":"https://example.com/*"}}}]}`,
		partner, bucket, auth.DefaultAccountID, versions[0])
	_, err := owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)})
	require.NoError(t, err)

	get := func(version string) error {
		in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")}
		if version != "" {
			in.VersionId = aws.String(version)
		}
		out, err := other.GetObject(ctx, in)
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	require.NoError(t, get(""), "aws:ResourceAccount is the bucket owner's")
	require.NoError(t, get(versions[1]))
	require.Equal(t, "AccessDenied", code(get(versions[0])), "s3:VersionId is the version asked for")

	otherRoot := auth.Principal{Kind: auth.KindAccount, AccountID: auth.SecondAccountID,
		ARN: "arn:aws:iam::" + auth.SecondAccountID + ":root"}
	for referer, allowed := range map[string]bool{"https://example.com/upload": true, "https://elsewhere.org/": false, "": false} {
		h := http.Header{}
		if referer != "" {
			h.Set("Referer", referer)
		}
		err := ts.Authorize(otherRoot, bucket, "s3:PutObject", "arn:aws:s3:::"+bucket+"/k", h)
		require.Equal(t, allowed, err == nil, "referer %q: %v", referer, err)
	}

	// The policy evaluated is the bucket's as it stands: deleted, it allows no more.
	_, err = owner.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	require.Equal(t, "AccessDenied", code(get("")))
}
