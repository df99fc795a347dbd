package integration

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/fixtures"
	"github.com/fakeshift/fakeshift/s3fake"
)

var logKey = regexp.MustCompile(`^audit/AWSLogs/123456789012/redshift/us-east-1/\d{4}/\d{2}/\d{2}/123456789012_redshift_us-east-1_fakeshift_(connectionlog|userlog|useractivitylog)_\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\.gz$`)

// logLines downloads every log file of the bucket and returns their lines per log type.
func logLines(t *testing.T, c *s3.Client, bucket string) map[string][]string {
	ctx := context.Background()
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	out := map[string][]string{}
	for _, o := range list.Contents {
		key := aws.ToString(o.Key)
		m := logKey.FindStringSubmatch(key)
		require.NotNil(t, m, "key %s has Redshift's pattern", key)
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		require.NoError(t, err)
		require.Equal(t, s3types.ServerSideEncryptionAes256, got.ServerSideEncryption)
		zr, err := gzip.NewReader(got.Body)
		require.NoError(t, err)
		b, err := io.ReadAll(zr)
		require.NoError(t, err)
		got.Body.Close()
		text := strings.TrimSuffix(string(b), "\n")
		if m[1] == "useractivitylog" { // a record starts with a quote; queries may span lines
			for _, rec := range regexp.MustCompile(`(?m)^'\d{4}-`).Split(text, -1)[1:] {
				out[m[1]] = append(out[m[1]], rec)
			}
		} else {
			out[m[1]] = append(out[m[1]], strings.Split(text, "\n")...)
		}
	}
	return out
}

func flush(t *testing.T, f *fixtures.Fakeshift) []map[string]any {
	resp, err := http.Post(f.Endpoints().HTTP+"/_fakeshift/flush", "application/json", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		Deliveries []map[string]any `json:"deliveries"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return body.Deliveries
}

// TestLogDelivery: logging on the default cluster, a workload, a flush; the files are in S3
// in Redshift's layout, then each delivery failure shows in DescribeLoggingStatus and, once
// fixed, every record arrives exactly once.
func TestLogDelivery(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval = -1 }))
	ctx := context.Background()
	rs := f.RedshiftClient()
	s3c := f.S3Client()
	const bucket = "delivery-logs"
	policy := f.LoggingPolicy(bucket, "audit/")
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
	require.NoError(t, err)

	activityLogging(t, rs) // a group, and the reboot that applies it
	_, err = rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"), BucketName: aws.String(bucket),
		S3KeyPrefix: aws.String("audit/")})
	require.NoError(t, err)

	master := f.Master()
	for _, q := range []string{"create user alice password 'Alice1234'", "select 42", "select 'two\nlines'"} {
		_, err := master.Exec(ctx, q)
		require.NoError(t, err, q)
	}
	alice := f.Connect("alice", "Alice1234")
	_, err = alice.Exec(ctx, "select 'alice was here'")
	require.NoError(t, err)

	require.NotEmpty(t, flush(t, f))
	lines := logLines(t, s3c, bucket)
	require.Len(t, lines["userlog"], 1)
	require.True(t, strings.HasPrefix(lines["userlog"][0], "101|alice |"), lines["userlog"][0])
	activity := strings.Join(lines["useractivitylog"], "")
	for _, q := range []string{"LOG: create user alice password '***'", "LOG: select 42", "LOG: select 'two\nlines'", "LOG: select 'alice was here'"} {
		require.Contains(t, activity, q)
	}
	require.NotContains(t, activity, "Alice1234")
	require.NotEmpty(t, lines["connectionlog"])
	status, err := rs.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("fakeshift")})
	require.NoError(t, err)
	require.NotNil(t, status.LastSuccessfulDeliveryTime)

	// Failures: each one recorded, LoggingEnabled stays true, nothing lost.
	failWith := func(breakIt func(), msg string, fix func()) {
		t.Helper()
		breakIt()
		_, err := master.Exec(ctx, "select 'during: "+msg+"'")
		require.NoError(t, err)
		flush(t, f)
		st, err := rs.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("fakeshift")})
		require.NoError(t, err)
		require.True(t, aws.ToBool(st.LoggingEnabled))
		require.Contains(t, aws.ToString(st.LastFailureMessage), msg)
		require.NotNil(t, st.LastFailureTime)
		fix()
	}
	failWith(func() {
		_, err := s3c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
	}, "Cannot read ACLs of bucket delivery-logs", func() {
		_, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
		require.NoError(t, err)
	})
	failWith(func() {
		_, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket),
			Policy: aws.String(fixtures.RedshiftLoggingPolicyWithoutPutObject(bucket, "audit/", f.Config().AccountID, f.ClusterARN()))})
		require.NoError(t, err)
	}, "Cannot write to bucket delivery-logs", func() {
		_, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
		require.NoError(t, err)
	})
	failWith(func() {
		_, err := s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
			ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms}}}}})
		require.NoError(t, err)
	}, "KMS", func() {
		_, err := s3c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
	})
	failWith(func() { require.NoError(t, f.S3().TransferOwnership(bucket, auth.SecondAccountID)) },
		"The bucket owner has changed", func() {
			require.NoError(t, f.S3().TransferOwnership(bucket, auth.DefaultAccountID))
			_, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
			require.NoError(t, err)
		})

	// After the fixes, one more flush delivers the backlog; every record arrives once.
	flush(t, f)
	lines = logLines(t, s3c, bucket)
	activity = strings.Join(lines["useractivitylog"], "")
	for _, msg := range []string{"Cannot read ACLs", "Cannot write to bucket", "KMS", "The bucket owner has changed"} {
		require.Equal(t, 1, strings.Count(activity, "select 'during: "+msg), msg)
	}
	var records int
	require.NoError(t, master.QueryRow(ctx, "select count(*) from stl_userlog where username = 'alice'").Scan(&records))
	require.Len(t, lines["userlog"], records)
}

// TestLogDeliveryBucketGoneAndObjectLock: the bucket is deleted (delivery fails, then works
// once it is made again), then logging moves to an Object Lock bucket (fails) and on to a
// plain one, where the whole backlog arrives.
func TestLogDeliveryBucketGoneAndObjectLock(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval = -1 }))
	ctx := context.Background()
	rs := f.RedshiftClient()
	s3c := f.S3Client()
	makeBucket := func(b string, lock bool) {
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b), ObjectLockEnabledForBucket: aws.Bool(lock)})
		require.NoError(t, err)
		_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(redshiftLogPolicy(b))})
		require.NoError(t, err)
	}
	enable := func(b string) {
		_, err := rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"), BucketName: aws.String(b),
			S3KeyPrefix: aws.String("audit/"), LogExports: []string{"userlog"}})
		require.NoError(t, err)
	}
	failure := func() string {
		st, err := rs.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("fakeshift")})
		require.NoError(t, err)
		require.True(t, aws.ToBool(st.LoggingEnabled))
		return aws.ToString(st.LastFailureMessage)
	}
	master := f.Master()
	user := func(name string) {
		_, err := master.Exec(ctx, "create user "+name+" password 'Passw0rd1'")
		require.NoError(t, err)
	}

	makeBucket("first-logs", false)
	enable("first-logs")
	user("u1")
	flush(t, f)
	require.Len(t, logLines(t, s3c, "first-logs")["userlog"], 1)

	// The bucket goes away.
	deleteBucket(t, s3c, "first-logs")
	user("u2")
	flush(t, f)
	require.Equal(t, "Could not find bucket with name first-logs", failure())
	makeBucket("first-logs", false) // made again by the same account: delivery resumes
	flush(t, f)
	got := logLines(t, s3c, "first-logs")["userlog"]
	require.Len(t, got, 1)
	require.True(t, strings.HasPrefix(got[0], "102|u2 |"), got[0])

	// An Object Lock bucket cannot take the logs; another bucket then gets the backlog.
	makeBucket("locked-logs", true)
	enable("locked-logs")
	user("u3")
	flush(t, f)
	require.Contains(t, failure(), "Object Lock")
	makeBucket("second-logs", false)
	enable("second-logs")
	user("u4")
	flush(t, f)
	got = logLines(t, s3c, "second-logs")["userlog"]
	require.Len(t, got, 2, "the backlog and the new record")
	require.True(t, strings.HasPrefix(got[0], "103|u3 |"), got[0])
	require.True(t, strings.HasPrefix(got[1], "104|u4 |"), got[1])
}

// TestLogDeliveryToExternalS3: with --log-s3-endpoint the files go to another S3 endpoint
// (here a second fakeshift) signed with the configured keys, and its owner change is seen.
func TestLogDeliveryToExternalS3(t *testing.T) {
	external := fixtures.New(t)
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) {
		c.LogInterval = -1
		c.LogS3Endpoint = external.Endpoints().HTTP
		c.LogS3AccessKeyID, c.LogS3SecretAccessKey = "test", "test"
	}))
	ctx := context.Background()
	ext := external.S3Client()
	_, err := ext.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("external-logs")})
	require.NoError(t, err)
	rs := f.RedshiftClient()
	_, err = rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"),
		BucketName: aws.String("external-logs"), S3KeyPrefix: aws.String("audit/"), LogExports: []string{"userlog"}})
	require.NoError(t, err)
	_, err = rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"), BucketName: aws.String("nowhere")})
	var nf *rstypes.BucketNotFoundFault
	require.ErrorAs(t, err, &nf, "the external endpoint is asked")
	_, err = rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"),
		BucketName: aws.String("external-logs"), S3KeyPrefix: aws.String("audit/"), LogExports: []string{"userlog"}})
	require.NoError(t, err)

	_, err = f.Master().Exec(ctx, "create user ext1 password 'Passw0rd1'")
	require.NoError(t, err)
	flush(t, f)
	got := logLines(t, ext, "external-logs")["userlog"]
	require.Len(t, got, 1)
	require.True(t, strings.HasPrefix(got[0], "101|ext1 |"), got[0])

	require.NoError(t, external.S3().TransferOwnership("external-logs", auth.SecondAccountID))
	_, err = f.Master().Exec(ctx, "create user ext2 password 'Passw0rd1'")
	require.NoError(t, err)
	flush(t, f)
	st, err := rs.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("fakeshift")})
	require.NoError(t, err)
	// The keys no longer own the bucket: an external endpoint cannot tell this from a
	// removed permission.
	require.Equal(t, "Cannot read ACLs of bucket external-logs. Please ensure that your IAM permissions are set up correctly.",
		aws.ToString(st.LastFailureMessage))
}

// TestLogDeliveryMore: the bucket deleted and made again by another account (owner check),
// transient S3 errors retried, and DisableLogging delivering what is owed and nothing after.
func TestLogDeliveryMore(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval = -1 }))
	ctx := context.Background()
	rs := f.RedshiftClient()
	owner, other := f.S3Client(), f.S3ClientAs("other", "other")
	status := func() *redshift.DescribeLoggingStatusOutput {
		st, err := rs.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("fakeshift")})
		require.NoError(t, err)
		return st
	}
	user := func(name string) {
		_, err := f.Master().Exec(ctx, "create user "+name+" password 'Passw0rd1'")
		require.NoError(t, err)
	}
	logBucket(t, owner, "more-logs")
	_, err := rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"),
		BucketName: aws.String("more-logs"), S3KeyPrefix: aws.String("audit/"), LogExports: []string{"userlog"}})
	require.NoError(t, err)

	// Transient errors: two 503s on PutObject, retried by the delivery's S3 client.
	require.NoError(t, f.S3().InjectFault("more-logs", s3fake.Fault{Count: 2, Status: http.StatusServiceUnavailable, Operations: []string{"PutObject"}}))
	user("m1")
	flush(t, f)
	require.Empty(t, aws.ToString(status().LastFailureMessage))
	require.Len(t, logLines(t, owner, "more-logs")["userlog"], 1)

	// Deleted, and made again by the second account with the same policy.
	deleteBucket(t, owner, "more-logs")
	logBucket(t, other, "more-logs")
	user("m2")
	flush(t, f)
	require.Equal(t, "The bucket owner has changed. Amazon Redshift cannot upload logs to bucket more-logs.", aws.ToString(status().LastFailureMessage))
	list, err := other.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("more-logs")})
	require.NoError(t, err)
	require.Empty(t, list.Contents, "nothing went to the other account's bucket")

	// EnableLogging again records the new owner: the backlog goes. DisableLogging delivers
	// what is owed; records made while disabled never go.
	_, err = rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"),
		BucketName: aws.String("more-logs"), S3KeyPrefix: aws.String("audit/"), LogExports: []string{"userlog"}})
	require.NoError(t, err)
	user("m3")
	_, err = rs.DisableLogging(ctx, &redshift.DisableLoggingInput{ClusterIdentifier: aws.String("fakeshift")})
	require.NoError(t, err)
	user("m4")
	_, err = rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"),
		BucketName: aws.String("more-logs"), S3KeyPrefix: aws.String("audit/"), LogExports: []string{"userlog"}})
	require.NoError(t, err)
	flush(t, f)
	var names []string
	for _, l := range logLines(t, other, "more-logs")["userlog"] {
		names = append(names, strings.TrimSpace(strings.Split(l, "|")[1]))
	}
	sort.Strings(names)
	require.Equal(t, []string{"m2", "m3"}, names)
}

// TestPeriodicDelivery: with --log-interval the files go without a flush, each log's newest
// record held back until a newer one exists.
func TestPeriodicDelivery(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval = 100 * time.Millisecond }))
	ctx := context.Background()
	rs := f.RedshiftClient()
	s3c := f.S3Client()
	logBucket(t, s3c, "periodic-logs")
	_, err := rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("fakeshift"),
		BucketName: aws.String("periodic-logs"), S3KeyPrefix: aws.String("audit/"), LogExports: []string{"userlog"}})
	require.NoError(t, err)
	for _, u := range []string{"p1", "p2"} {
		_, err := f.Master().Exec(ctx, "create user "+u+" password 'Passw0rd1'")
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return len(logLines(t, s3c, "periodic-logs")["userlog"]) == 1 },
		5*time.Second, 50*time.Millisecond, "p1 delivered without a flush")
	time.Sleep(300 * time.Millisecond)
	got := logLines(t, s3c, "periodic-logs")["userlog"]
	require.Len(t, got, 1, "p2, the newest, is held back")
	require.True(t, strings.HasPrefix(got[0], "101|p1 |"), got[0])
}

// logBucket makes bucket with a policy that lets Redshift deliver audit logs to it.
func logBucket(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(redshiftLogPolicy(bucket))})
	require.NoError(t, err)
}

// deleteBucket empties bucket and deletes it.
func deleteBucket(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	ctx := context.Background()
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	for _, o := range list.Contents {
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		require.NoError(t, err, "delete %s/%s", bucket, aws.ToString(o.Key))
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err, "delete bucket %s", bucket)
}

// activityLogging turns user activity logging on for the default cluster, as a user does:
// a parameter group with enable_user_activity_logging, and the reboot that applies it.
func activityLogging(t *testing.T, rs *redshift.Client) {
	t.Helper()
	ctx := context.Background()
	_, err := rs.CreateClusterParameterGroup(ctx, &redshift.CreateClusterParameterGroupInput{ParameterGroupName: aws.String("activity"),
		ParameterGroupFamily: aws.String("redshift-2.0"), Description: aws.String("activity")})
	require.NoError(t, err)
	_, err = rs.ModifyClusterParameterGroup(ctx, &redshift.ModifyClusterParameterGroupInput{ParameterGroupName: aws.String("activity"),
		Parameters: []rstypes.Parameter{{ParameterName: aws.String("enable_user_activity_logging"), ParameterValue: aws.String("true")}}})
	require.NoError(t, err)
	_, err = rs.ModifyCluster(ctx, &redshift.ModifyClusterInput{ClusterIdentifier: aws.String("fakeshift"), ClusterParameterGroupName: aws.String("activity")})
	require.NoError(t, err)
	_, err = rs.RebootCluster(ctx, &redshift.RebootClusterInput{ClusterIdentifier: aws.String("fakeshift")})
	require.NoError(t, err)
}
