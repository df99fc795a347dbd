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
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/fixtures"
)

// s3Client is an AWS SDK for Go v2 S3 client of the fixture's endpoint, signing with a key.
func s3Client(f *fixtures.Fakeshift, key, secret string) *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint: aws.String(f.Endpoints().HTTP),
		UsePathStyle: true,
	})
}

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
	owner := s3Client(f, "test", "test")
	other := s3Client(f, "other", "other")
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
		_, err := s3Client(f, "test", "wrong").ListBuckets(ctx, &s3.ListBucketsInput{})
		require.Equal(t, "SignatureDoesNotMatch", apiCode(err))
		_, err = s3Client(f, "nobody", "x").ListBuckets(ctx, &s3.ListBucketsInput{})
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

// awsEnv is the environment for the AWS CLI and boto3 against the fixture, with a key. The
// CLI tests also pass --endpoint-url: AWS_ENDPOINT_URL needs CLI v1.29 / v2.13 or later, and
// Debian's awscli is older.
func awsEnv(f *fixtures.Fakeshift, key, secret string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_DEFAULT_REGION=us-east-1",
		"AWS_ENDPOINT_URL="+f.Endpoints().HTTP, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true")
}

func TestS3WithAWSCLI(t *testing.T) {
	bin := needTool(t, "aws", "apt-get install -y awscli")
	f := fixtures.New(t)
	dir := t.TempDir()
	run := func(key, secret string, args ...string) (string, string, error) {
		cmd := exec.Command(bin, append([]string{"--endpoint-url", f.Endpoints().HTTP}, args...)...)
		cmd.Env = awsEnv(f, key, secret)
		cmd.Dir = dir
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	ok := func(args ...string) string {
		t.Helper()
		out, stderr, err := run("test", "test", args...)
		require.NoError(t, err, "aws %s: %s", strings.Join(args, " "), stderr)
		return out
	}

	ok("s3api", "create-bucket", "--bucket", "cli-bucket")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "small.txt"), []byte("small object\n"), 0o600))
	big := make([]byte, 10<<20) // over the CLI's 8 MiB multipart threshold
	rand.Read(big)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o600))

	ok("s3", "cp", "small.txt", "s3://cli-bucket/small.txt")
	ok("s3", "cp", "big.bin", "s3://cli-bucket/big.bin")
	ok("s3", "cp", "s3://cli-bucket/big.bin", "back.bin")
	back, err := os.ReadFile(filepath.Join(dir, "back.bin"))
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
	_, stderr, err := run("other", "other", "s3", "cp", "s3://cli-bucket/small.txt", "-")
	require.Error(t, err)
	require.Contains(t, stderr, "403")
	policy := allowAccountPolicy("cli-bucket", auth.SecondAccountID)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "policy.json"), []byte(policy), 0o600))
	ok("s3api", "put-bucket-policy", "--bucket", "cli-bucket", "--policy", "file://policy.json")
	require.Contains(t, ok("s3api", "get-bucket-policy", "--bucket", "cli-bucket"), auth.SecondAccountID)
	out, stderr, err := run("other", "other", "s3", "cp", "s3://cli-bucket/small.txt", "-")
	require.NoError(t, err, stderr)
	require.Equal(t, "small object\n", out)

	_, stderr, err = run("test", "wrong-secret", "s3api", "list-buckets")
	require.Error(t, err)
	require.Contains(t, stderr, "SignatureDoesNotMatch")
	_, stderr, err = run("AKIDNOBODY", "x", "s3api", "list-buckets")
	require.Error(t, err)
	require.Contains(t, stderr, "InvalidAccessKeyId")
	_, stderr, err = run("test", "test", "s3api", "get-bucket-tagging", "--bucket", "cli-bucket")
	require.Error(t, err)
	require.Contains(t, stderr, "NoSuchTagSet")
}

// python3WithBoto3 finds a Python that imports boto3: the one on PATH, else Debian's.
func python3WithBoto3(t *testing.T) string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(py); err == nil && exec.Command(path, "-c", "import boto3").Run() == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no python3 with boto3; install it with: apt-get install -y python3-boto3")
	}
	t.Skip("no python3 with boto3 (apt-get install -y python3-boto3)")
	return ""
}

func TestS3WithBoto3(t *testing.T) {
	py := python3WithBoto3(t)
	f := fixtures.New(t)
	cmd := exec.Command(py, "testdata/s3_boto3.py")
	cmd.Env = awsEnv(f, "test", "test")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "boto3 S3 checks passed")
}
