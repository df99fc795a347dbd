package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/fixtures"
)

// s3Client is f.S3ClientAs, kept for cloudtrail_test.go and cloudtrail_golden_test.go, which
// still call it.

// apiCode is the AWS error code of an SDK error, "" for none.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func allowAccountPolicy(bucket, account string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow",`+
		`"Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],`+
		`"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]}]}`, account, bucket, bucket)
}

func TestS3WithGoSDK(t *testing.T) {
	f := fixtures.New(t)
	ctx := context.Background()
	owner := f.S3Client()
	other := f.S3ClientAs("other", "other")
	const bucket = "go-sdk-bucket"

	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)

	t.Run("small objects", func(t *testing.T) {
		_, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/a.txt"),
			Body: strings.NewReader("hello"), ContentType: aws.String("text/plain"),
			Metadata: map[string]string{"color": "blue"}})
		require.NoError(t, err)
		_, err = owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/sub/b.txt"),
			Body: strings.NewReader("world"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c})
		require.NoError(t, err)

		got, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/a.txt")})
		require.NoError(t, err)
		body, _ := io.ReadAll(got.Body)
		require.Equal(t, "hello", string(body))
		require.Equal(t, "text/plain", aws.ToString(got.ContentType))
		require.Equal(t, "blue", got.Metadata["color"])
		require.Equal(t, types.ServerSideEncryptionAes256, got.ServerSideEncryption)

		list, err := owner.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("dir/"),
			Delimiter: aws.String("/")})
		require.NoError(t, err)
		require.Len(t, list.Contents, 1)
		require.Equal(t, "dir/a.txt", aws.ToString(list.Contents[0].Key))
		require.Len(t, list.CommonPrefixes, 1)
		require.Equal(t, "dir/sub/", aws.ToString(list.CommonPrefixes[0].Prefix))

		_, err = owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("missing")})
		require.Equal(t, "NoSuchKey", apiCode(err))
	})

	t.Run("multipart", func(t *testing.T) {
		part1 := make([]byte, 5<<20)
		rand.Read(part1)
		part2 := []byte("tail of the object")
		mp, err := owner.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("big.bin")})
		require.NoError(t, err)
		var parts []types.CompletedPart
		for i, data := range [][]byte{part1, part2} {
			up, err := owner.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("big.bin"),
				UploadId: mp.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(data)})
			require.NoError(t, err)
			parts = append(parts, types.CompletedPart{ETag: up.ETag, PartNumber: aws.Int32(int32(i + 1))})
		}
		done, err := owner.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket),
			Key: aws.String("big.bin"), UploadId: mp.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		require.NoError(t, err)
		require.True(t, strings.HasSuffix(strings.Trim(aws.ToString(done.ETag), `"`), "-2"), aws.ToString(done.ETag))
		got, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("big.bin")})
		require.NoError(t, err)
		body, _ := io.ReadAll(got.Body)
		require.Equal(t, append(part1, part2...), body)
	})

	t.Run("owner, policy and ACL", func(t *testing.T) {
		acl, err := owner.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		require.Equal(t, auth.CanonicalUserID(auth.DefaultAccountID), aws.ToString(acl.Owner.ID))
		require.Len(t, acl.Grants, 1)
		require.Equal(t, types.PermissionFullControl, acl.Grants[0].Permission)

		_, err = owner.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		require.Equal(t, "NoSuchBucketPolicy", apiCode(err))

		// Another account is refused without a policy...
		_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/a.txt")})
		require.Equal(t, "AccessDenied", apiCode(err))
		_, err = other.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("x"), Body: strings.NewReader("x")})
		require.Equal(t, "AccessDenied", apiCode(err))
		_, err = other.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		require.Equal(t, "AccessDenied", apiCode(err))

		// ... and allowed with one.
		doc := allowAccountPolicy(bucket, auth.SecondAccountID)
		_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)})
		require.NoError(t, err)
		pol, err := owner.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		require.JSONEq(t, doc, aws.ToString(pol.Policy))
		got, err := other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/a.txt")})
		require.NoError(t, err)
		got.Body.Close()
		_, err = other.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("from-other"), Body: strings.NewReader("x")})
		require.NoError(t, err)
		_, err = other.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("from-other")})
		require.Equal(t, "AccessDenied", apiCode(err), "the policy does not allow DeleteObject")

		_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(`{"Statement":[`)})
		require.Equal(t, "MalformedPolicy", apiCode(err))

		// ACLs are disabled on new buckets (BucketOwnerEnforced).
		_, err = owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("public"),
			Body: strings.NewReader("x"), ACL: types.ObjectCannedACLPublicRead})
		require.Equal(t, "AccessControlListNotSupported", apiCode(err))
		_, err = owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("bofc"),
			Body: strings.NewReader("x"), ACL: types.ObjectCannedACLBucketOwnerFullControl})
		require.NoError(t, err)
		own, err := owner.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		require.Equal(t, types.ObjectOwnershipBucketOwnerEnforced, own.OwnershipControls.Rules[0].ObjectOwnership)
	})

	t.Run("bucket configuration", func(t *testing.T) {
		enc, err := owner.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		require.Equal(t, types.ServerSideEncryptionAes256,
			enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm)
		_, err = owner.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
			ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms}}}}})
		require.NoError(t, err)
		put, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("kms"), Body: strings.NewReader("x")})
		require.NoError(t, err)
		require.Equal(t, types.ServerSideEncryptionAwsKms, put.ServerSideEncryption)
		require.NotEmpty(t, aws.ToString(put.SSEKMSKeyId))

		_, err = owner.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
		require.Equal(t, "NoSuchTagSet", apiCode(err))
		_, err = owner.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bucket),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}}})
		require.NoError(t, err)
		tags, err := owner.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		require.Equal(t, "data", aws.ToString(tags.TagSet[0].Value))

		_, err = owner.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bucket)})
		require.Equal(t, "ObjectLockConfigurationNotFoundError", apiCode(err))
		_, err = owner.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
		require.Equal(t, "NoSuchLifecycleConfiguration", apiCode(err))
		_, err = owner.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
				Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}}})
		require.Equal(t, "NotImplemented", apiCode(err))
	})

	t.Run("refused signatures", func(t *testing.T) {
		_, err := f.S3ClientAs("test", "wrong").ListBuckets(ctx, &s3.ListBucketsInput{})
		require.Equal(t, "SignatureDoesNotMatch", apiCode(err))
		_, err = f.S3ClientAs("nobody", "x").ListBuckets(ctx, &s3.ListBucketsInput{})
		require.Equal(t, "InvalidAccessKeyId", apiCode(err))

		// The XML body, as S3 writes it.
		resp, err := http.Get(f.Endpoints().HTTP + "/" + bucket + "/dir/a.txt")
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.Contains(t, string(body), "<Code>AccessDenied</Code>")
		require.Contains(t, string(body), "<RequestId>"+resp.Header.Get("x-amz-request-id")+"</RequestId>")
		refusals := f.S3().Refusals()
		require.NotEmpty(t, refusals)
		require.Equal(t, "anonymous", refusals[len(refusals)-1].Principal)
	})

	t.Run("list buckets shows the caller's own", func(t *testing.T) {
		_, err := other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("others-bucket")})
		require.NoError(t, err)
		mine, err := owner.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.NoError(t, err)
		require.Len(t, mine.Buckets, 1)
		require.Equal(t, bucket, aws.ToString(mine.Buckets[0].Name))
		_, err = owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("others-bucket")})
		require.Equal(t, "BucketAlreadyExists", apiCode(err))
	})
}

func TestS3WithAWSCLI(t *testing.T) {
	f := fixtures.New(t)
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	owner := awsCLIAt(t, f.Endpoints().HTTP, "test", "test")
	other := awsCLIAt(t, f.Endpoints().HTTP, "other", "other")
	ok := func(args ...string) string {
		t.Helper()
		out, stderr, err := owner(args...)
		require.NoError(t, err, "aws %s: %s", strings.Join(args, " "), stderr)
		return out
	}

	ok("s3api", "create-bucket", "--bucket", "cli-bucket")
	require.NoError(t, os.WriteFile(path("small.txt"), []byte("small object\n"), 0o600))
	big := make([]byte, 10<<20) // over the CLI's 8 MiB multipart threshold
	rand.Read(big)
	require.NoError(t, os.WriteFile(path("big.bin"), big, 0o600))

	ok("s3", "cp", path("small.txt"), "s3://cli-bucket/small.txt")
	ok("s3", "cp", path("big.bin"), "s3://cli-bucket/big.bin")
	ok("s3", "cp", "s3://cli-bucket/big.bin", path("back.bin"))
	back, err := os.ReadFile(path("back.bin"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(big, back), "the multipart object reads back whole")
	head := ok("s3api", "head-object", "--bucket", "cli-bucket", "--key", "big.bin")
	require.Contains(t, head, `"ETag": "\"`)
	require.Contains(t, head, `-2\""`, "the CLI uploaded big.bin in two parts")
	ls := ok("s3", "ls", "s3://cli-bucket/")
	require.Contains(t, ls, "small.txt")
	require.Contains(t, ls, "big.bin")

	acl := ok("s3api", "get-bucket-acl", "--bucket", "cli-bucket")
	require.Contains(t, acl, auth.CanonicalUserID(auth.DefaultAccountID))

	// Another account: refused, then allowed by a policy.
	_, stderr, err := other("s3", "cp", "s3://cli-bucket/small.txt", "-")
	require.Error(t, err)
	require.Contains(t, stderr, "403")
	policy := allowAccountPolicy("cli-bucket", auth.SecondAccountID)
	require.NoError(t, os.WriteFile(path("policy.json"), []byte(policy), 0o600))
	ok("s3api", "put-bucket-policy", "--bucket", "cli-bucket", "--policy", "file://"+path("policy.json"))
	require.Contains(t, ok("s3api", "get-bucket-policy", "--bucket", "cli-bucket"), auth.SecondAccountID)
	out, stderr, err := other("s3", "cp", "s3://cli-bucket/small.txt", "-")
	require.NoError(t, err, stderr)
	require.Equal(t, "small object\n", out)

	for _, tc := range []struct{ key, secret, args, want string }{
		{"test", "wrong-secret", "s3api list-buckets", "SignatureDoesNotMatch"},
		{"AKIDNOBODY", "x", "s3api list-buckets", "InvalidAccessKeyId"},
		{"test", "test", "s3api get-bucket-tagging --bucket cli-bucket", "NoSuchTagSet"},
	} {
		_, stderr, err := awsCLIAt(t, f.Endpoints().HTTP, tc.key, tc.secret)(strings.Fields(tc.args)...)
		require.Error(t, err, "aws %s as %s", tc.args, tc.key)
		require.Contains(t, stderr, tc.want, "aws %s as %s", tc.args, tc.key)
	}
}

func TestS3WithBoto3(t *testing.T) {
	runBoto3Script(t, fixtures.New(t), "testdata/s3_boto3.py", "boto3 S3 checks passed")
}
