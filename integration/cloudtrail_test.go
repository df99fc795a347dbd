package integration

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/fixtures"
)

// cloudTrailPolicy is the bucket policy CloudTrail's documentation gives a trail's bucket.
func cloudTrailPolicy(bucket, prefix, account string) string {
	return `{"Version":"2012-10-17","Statement":[
 {"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
  "Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::` + bucket + `"},
 {"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
  "Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/` + prefix + `AWSLogs/` + account + `/*",
  "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`
}

// redshiftLogPolicy lets Redshift deliver audit logs to bucket.
func redshiftLogPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},` +
		`"Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"]}]}`
}

type cliRun func(args ...string) (string, string, error)

func awsCLI(t *testing.T, f *fixtures.Fakeshift, key, secret string) cliRun {
	return awsCLIAt(t, f.Endpoints().HTTP, key, secret)
}

// lookup runs `aws cloudtrail lookup-events` for one event name and returns the records,
// newest first.
func lookup(t *testing.T, run cliRun, name string) []map[string]any {
	t.Helper()
	out, stderr, err := run("cloudtrail", "lookup-events", "--lookup-attributes",
		"AttributeKey=EventName,AttributeValue="+name)
	require.NoError(t, err, stderr)
	var res struct {
		Events []struct {
			EventID, EventName, CloudTrailEvent string
			ReadOnly                            string
			Resources                           []struct{ ResourceType, ResourceName string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	var recs []map[string]any
	for _, e := range res.Events {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(e.CloudTrailEvent), &rec))
		require.Equal(t, e.EventID, rec["eventID"])
		require.Equal(t, e.EventName, rec["eventName"])
		recs = append(recs, rec)
	}
	return recs
}

// TestCloudTrailWithAWSCLI: a trail made with the AWS CLI (and listed by list-trails)
// records the Redshift and S3 calls the CLI makes; lookup-events finds each one as the seed's examples show them, a flush
// puts them in the trail's bucket, and validate-logs verifies the files and digests, and
// finds a tampered file invalid.
func TestCloudTrailWithAWSCLI(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval, c.TrailInterval = -1, -1 }))
	run := awsCLI(t, f, "test", "test")
	must := func(args ...string) string {
		t.Helper()
		out, stderr, err := run(args...)
		require.NoError(t, err, "%v: %s", args, stderr)
		return out
	}
	fails := func(code string, args ...string) {
		t.Helper()
		_, stderr, err := run(args...)
		require.Error(t, err, "%v", args)
		require.Contains(t, stderr, code, "%v", args)
	}
	start := time.Now().UTC().Add(-time.Minute)

	// The trail's bucket and its checks.
	must("s3api", "create-bucket", "--bucket", "trail-bucket")
	fails("S3BucketDoesNotExistException", "cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "no-such-bucket")
	fails("An error occurred (InsufficientS3BucketPolicyException) when calling the CreateTrail operation: Incorrect S3 bucket policy is detected for bucket: trail-bucket",
		"cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "trail-bucket")
	must("s3api", "put-bucket-policy", "--bucket", "trail-bucket", "--policy", cloudTrailPolicy("trail-bucket", "ct/", "123456789012"))
	// The policy allows ct/AWSLogs/... only: a trail without that prefix is refused.
	fails("InsufficientS3BucketPolicyException", "cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "trail-bucket")
	fails("InvalidTrailNameException", "cloudtrail", "create-trail", "--name", "a", "--s3-bucket-name", "trail-bucket")
	out := must("cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "trail-bucket", "--s3-key-prefix", "ct",
		"--enable-log-file-validation")
	require.Contains(t, out, `"TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"`)
	require.Contains(t, out, `"LogFileValidationEnabled": true`)
	fails("TrailAlreadyExistsException", "cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "trail-bucket", "--s3-key-prefix", "ct")
	out = must("cloudtrail", "get-trail-status", "--name", "audit")
	require.Contains(t, out, `"IsLogging": false`)
	require.Equal(t, []trailInfo{{TrailARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit", Name: "audit",
		HomeRegion: "us-east-1"}}, listTrails(t, run))
	must("cloudtrail", "start-logging", "--name", "audit")
	out = must("cloudtrail", "describe-trails")
	require.Contains(t, out, `"HomeRegion": "us-east-1"`)
	require.Contains(t, out, `"S3KeyPrefix": "ct"`)
	fails("TrailNotFoundException", "cloudtrail", "get-trail-status", "--name", "nope")

	// Redshift calls, one failing, and logging on and off.
	must("redshift", "create-cluster", "--cluster-identifier", "ct-cluster", "--node-type", "ra3.large",
		"--master-username", "admin", "--master-user-password", "Secret0Pass", "--cluster-type", "single-node", "--db-name", "mydb")
	fails("ClusterNotFound", "redshift", "describe-clusters", "--cluster-identifier", "nope")
	must("s3api", "create-bucket", "--bucket", "ct-audit-logs")
	must("s3api", "put-bucket-policy", "--bucket", "ct-audit-logs", "--policy", redshiftLogPolicy("ct-audit-logs"))
	must("redshift", "enable-logging", "--cluster-identifier", "ct-cluster", "--bucket-name", "ct-audit-logs")
	must("redshift", "disable-logging", "--cluster-identifier", "ct-cluster")
	must("redshift", "delete-cluster", "--cluster-identifier", "ct-cluster", "--skip-final-cluster-snapshot")

	create := lookup(t, run, "CreateCluster")
	require.Len(t, create, 1)
	rec := create[0]
	require.Equal(t, "redshift.amazonaws.com", rec["eventSource"])
	require.Equal(t, "us-east-1", rec["awsRegion"])
	require.Equal(t, "AwsApiCall", rec["eventType"])
	require.Equal(t, "Management", rec["eventCategory"])
	require.Equal(t, true, rec["managementEvent"])
	require.Equal(t, false, rec["readOnly"])
	require.Equal(t, "123456789012", rec["recipientAccountId"])
	require.Contains(t, rec["userAgent"], "aws-cli/")
	require.Equal(t, "127.0.0.1", rec["sourceIPAddress"])
	id := rec["userIdentity"].(map[string]any)
	require.Equal(t, "Root", id["type"])
	require.Equal(t, "arn:aws:iam::123456789012:root", id["arn"])
	require.Equal(t, "test", id["accessKeyId"])
	params := rec["requestParameters"].(map[string]any)
	require.Equal(t, "ct-cluster", params["clusterIdentifier"])
	require.Equal(t, "****", params["masterUserPassword"])
	require.Equal(t, "mydb", params["dBName"])
	require.Equal(t, "single-node", params["clusterType"])
	resp := rec["responseElements"].(map[string]any)
	require.Equal(t, "ct-cluster", resp["clusterIdentifier"])
	require.Equal(t, "creating", resp["clusterStatus"])
	require.Equal(t, "mydb", resp["dBName"])
	require.NotContains(t, mustJSON(t, rec), "Secret0Pass")

	del := lookup(t, run, "DeleteCluster")
	require.Len(t, del, 1)
	require.Nil(t, del[0]["responseElements"])
	require.Equal(t, true, del[0]["requestParameters"].(map[string]any)["skipFinalClusterSnapshot"])

	describe := lookup(t, run, "DescribeClusters")
	require.NotEmpty(t, describe)
	require.Equal(t, "ClusterNotFound", describe[0]["errorCode"])
	require.Equal(t, "Cluster nope not found.", describe[0]["errorMessage"])
	require.Equal(t, true, describe[0]["readOnly"])

	for _, name := range []string{"EnableLogging", "DisableLogging"} {
		recs := lookup(t, run, name)
		require.Len(t, recs, 1, name)
		require.Equal(t, false, recs[0]["readOnly"], name)
		require.Equal(t, "ct-cluster", recs[0]["requestParameters"].(map[string]any)["clusterIdentifier"], name)
	}
	enable := lookup(t, run, "EnableLogging")[0]
	require.Equal(t, "ct-audit-logs", enable["responseElements"].(map[string]any)["bucketName"])
	require.Equal(t, true, enable["responseElements"].(map[string]any)["loggingEnabled"])

	policy := lookup(t, run, "PutBucketPolicy")
	require.Len(t, policy, 2)
	require.Equal(t, "s3.amazonaws.com", policy[0]["eventSource"])
	require.Equal(t, "ct-audit-logs", policy[0]["requestParameters"].(map[string]any)["bucketName"])
	require.NotNil(t, policy[0]["requestParameters"].(map[string]any)["bucketPolicy"])
	require.Equal(t, []any{map[string]any{"accountId": "123456789012", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::ct-audit-logs"}},
		policy[0]["resources"])
	trailCalls := lookup(t, run, "CreateTrail")
	require.Len(t, trailCalls, 6) // 5 refused, 1 made
	require.Equal(t, "cloudtrail.amazonaws.com", trailCalls[0]["eventSource"])

	// A flush delivers the trail's records and closes its digest period.
	flush(t, f)
	c := f.S3ClientAs("test", "test")
	files := listKeys(t, c, "trail-bucket", "ct/AWSLogs/123456789012/CloudTrail/us-east-1/")
	require.NotEmpty(t, files)
	require.Regexp(t, `^ct/AWSLogs/123456789012/CloudTrail/us-east-1/\d{4}/\d{2}/\d{2}/123456789012_CloudTrail_us-east-1_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$`, files[0])
	delivered := map[string]map[string]any{}
	for _, k := range files {
		for _, r := range trailRecords(t, c, "trail-bucket", k) {
			delivered[r["eventID"].(string)] = r
		}
	}
	require.Equal(t, rec, delivered[rec["eventID"].(string)], "the delivered CreateCluster record equals lookup-events'")
	require.Contains(t, delivered, del[0]["eventID"])
	for _, r := range trailCalls {
		require.NotContains(t, delivered, r["eventID"], "calls before StartLogging are not the trail's")
	}
	digests := listKeys(t, c, "trail-bucket", "ct/AWSLogs/123456789012/CloudTrail-Digest/")
	require.Len(t, digests, 1)
	out = must("cloudtrail", "get-trail-status", "--name", "audit")
	require.Contains(t, out, `"LatestDeliveryTime"`)
	require.Contains(t, out, `"LatestDigestDeliveryTime"`)

	// A second period, so that the digests chain.
	must("redshift", "describe-logging-status", "--cluster-identifier", "fakeshift")
	flush(t, f)
	require.Len(t, listKeys(t, c, "trail-bucket", "ct/AWSLogs/123456789012/CloudTrail-Digest/"), 2)

	requireEndpointURL(t, run)
	validate := func() (string, error) {
		out, stderr, err := run("cloudtrail", "validate-logs", "--trail-arn", "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit",
			"--start-time", start.Format(time.RFC3339), "--verbose")
		return out + stderr, err
	}
	report, err := validate()
	require.NoError(t, err, report)
	require.Contains(t, report, "2/2 digest files valid")
	require.Contains(t, report, "log files valid")
	require.NotContains(t, report, "INVALID")

	// Tamper with a log file: validate-logs finds it.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"Records":[]}`))
	zw.Close()
	_, err = c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("trail-bucket"), Key: aws.String(files[0]),
		Body: bytes.NewReader(gz.Bytes())})
	require.NoError(t, err)
	report, err = validate()
	require.Error(t, err, report)
	require.Contains(t, report, "INVALID: hash value doesn't match")

	// StopLogging: later calls are not delivered.
	must("cloudtrail", "stop-logging", "--name", "audit")
	out = must("cloudtrail", "get-trail-status", "--name", "audit")
	require.Contains(t, out, `"IsLogging": false`)
	must("s3api", "create-bucket", "--bucket", "after-stop")
	flush(t, f)
	for _, k := range listKeys(t, c, "trail-bucket", "ct/AWSLogs/123456789012/CloudTrail/") {
		for _, r := range trailRecords(t, c, "trail-bucket", k) {
			if r["eventName"] == "CreateBucket" {
				require.NotEqual(t, "after-stop", r["requestParameters"].(map[string]any)["bucketName"])
			}
		}
	}
	must("cloudtrail", "delete-trail", "--name", "audit")
	fails("TrailNotFoundException", "cloudtrail", "get-trail", "--name", "audit")
	require.Empty(t, listTrails(t, run))
}

// trailInfo is an entry of ListTrails' Trails.
type trailInfo struct{ TrailARN, Name, HomeRegion string }

// listTrails runs `aws cloudtrail list-trails`.
func listTrails(t *testing.T, run cliRun) []trailInfo {
	t.Helper()
	out, stderr, err := run("cloudtrail", "list-trails")
	require.NoError(t, err, stderr)
	var res struct{ Trails []trailInfo }
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	return res.Trails
}

// requireEndpointURL checks that the AWS CLI honours AWS_ENDPOINT_URL (aws-cli 1.29 and
// 2.13 on), which validate-logs needs: it gives its S3 clients no --endpoint-url.
func requireEndpointURL(t *testing.T, run cliRun) {
	t.Helper()
	out, stderr, err := run("--version")
	require.NoError(t, err, stderr)
	var major, minor int
	fmt.Sscanf(strings.TrimPrefix(strings.TrimSpace(out+stderr), "aws-cli/"), "%d.%d", &major, &minor)
	if (major == 1 && minor >= 29) || (major == 2 && minor >= 13) || major > 2 {
		return
	}
	missing(t, "an AWS CLI that honours AWS_ENDPOINT_URL (found "+strings.TrimSpace(out+stderr)+")",
		"an aws-cli >= 1.29 or >= 2.13 first on PATH")
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func listKeys(t *testing.T, c *s3.Client, bucket, prefix string) []string {
	t.Helper()
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	require.NoError(t, err)
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

func trailRecords(t *testing.T, c *s3.Client, bucket, key string) []map[string]any {
	t.Helper()
	obj, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer obj.Body.Close()
	zr, err := gzip.NewReader(obj.Body)
	require.NoError(t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(t, err)
	var body struct {
		Records []map[string]any
	}
	require.NoError(t, json.Unmarshal(raw, &body), "%s", raw)
	return body.Records
}

// TestCloudTrailIdentitiesAndKMS: calls signed with an IAM user's key and an assumed role's
// key are recorded with those identities; an encrypted cluster's KMS calls are recorded with
// Redshift's service account of the region as the caller, as the seed's Decrypt example.
func TestCloudTrailIdentitiesAndKMS(t *testing.T) {
	admin, err := auth.NewKey("AKIAFAKESHIFTADMIN01", "admin-secret", "arn:aws:iam::123456789012:user/Admin")
	require.NoError(t, err)
	role, err := auth.NewKey("ASIAFAKESHIFTROLE001", "role-secret", "arn:aws:sts::123456789012:assumed-role/Deployer/janedoe")
	require.NoError(t, err)
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) {
		c.LogInterval, c.TrailInterval = -1, -1
		c.Keys = []auth.Key{admin, role}
	}))
	asAdmin := awsCLI(t, f, admin.AccessKeyID, admin.SecretAccessKey)
	asRole := awsCLI(t, f, role.AccessKeyID, role.SecretAccessKey)
	_, stderr, err := asAdmin("redshift", "create-cluster", "--cluster-identifier", "enc", "--node-type", "ra3.large",
		"--master-username", "admin", "--master-user-password", "Secret0Pass", "--cluster-type", "single-node", "--encrypted")
	require.NoError(t, err, stderr)
	_, stderr, err = asRole("redshift", "delete-cluster", "--cluster-identifier", "enc", "--skip-final-cluster-snapshot")
	require.NoError(t, err, stderr)

	rec := lookup(t, asAdmin, "CreateCluster")[0]
	require.Equal(t, map[string]any{"type": "IAMUser", "principalId": admin.Identity.PrincipalID,
		"arn": "arn:aws:iam::123456789012:user/Admin", "accountId": "123456789012",
		"accessKeyId": "AKIAFAKESHIFTADMIN01", "userName": "Admin"}, rec["userIdentity"])
	require.Regexp(t, `^arn:aws:kms:us-east-1:123456789012:key/[0-9a-f-]{36}$`, rec["responseElements"].(map[string]any)["kmsKeyId"])

	del := lookup(t, asAdmin, "DeleteCluster")[0]
	id := del["userIdentity"].(map[string]any)
	require.Equal(t, "AssumedRole", id["type"])
	require.Equal(t, "arn:aws:sts::123456789012:assumed-role/Deployer/janedoe", id["arn"])
	issuer := id["sessionContext"].(map[string]any)["sessionIssuer"].(map[string]any)
	require.Equal(t, "arn:aws:iam::123456789012:role/Deployer", issuer["arn"])
	require.Equal(t, "Deployer", issuer["userName"])

	for _, name := range []string{"CreateGrant", "Decrypt", "RetireGrant"} {
		recs := lookup(t, asAdmin, name)
		require.Len(t, recs, 1, name)
		r := recs[0]
		require.Equal(t, "kms.amazonaws.com", r["eventSource"], name)
		require.Equal(t, "123456789012", r["recipientAccountId"], name)
		require.NotEmpty(t, r["sharedEventID"], name)
		id := r["userIdentity"].(map[string]any)
		require.Equal(t, "AssumedRole", id["type"], name)
		require.Equal(t, "368064434614", id["accountId"], name, "Redshift's account in us-east-1 (the seed's table)")
		require.Equal(t, rec["responseElements"].(map[string]any)["kmsKeyId"], r["resources"].([]any)[0].(map[string]any)["ARN"], name)
	}
	decrypt := lookup(t, asAdmin, "Decrypt")[0]
	require.Equal(t, true, decrypt["readOnly"])
	ctx := decrypt["requestParameters"].(map[string]any)["encryptionContext"].(map[string]any)
	require.Equal(t, "arn:aws:redshift:us-east-1:123456789012:cluster:enc", ctx["aws:redshift:arn"])
}

// TestDataShareWithPsqlAndAWSCLI: a datashare made with psql is granted to another account,
// authorized and deauthorized with the AWS CLI; each call is recorded as the seed's
// AuthorizeDataShare example shows it.
func TestDataShareWithPsqlAndAWSCLI(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval, c.TrailInterval = -1, -1 }))
	pw := f.Config().MasterPassword
	r := psql(t, f, f.Config().MasterUser, pw, "sslmode=disable", "-c", "create table public.sales (id int)",
		"-c", "create datashare salesshare", "-c", "alter datashare salesshare add schema public",
		"-c", "alter datashare salesshare add table public.sales",
		"-c", "grant usage on datashare salesshare to account '111122223333'")
	require.Equal(t, 0, r.code, r.stderr)
	r = psql(t, f, f.Config().MasterUser, pw, "sslmode=disable", "-c", "alter datashare salesshare add table public.nope")
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, `relation "public.nope" does not exist`)
	r = psql(t, f, f.Config().MasterUser, pw, "sslmode=disable", "-c", "create datashare salesshare")
	require.Contains(t, r.stderr, `datashare "salesshare" already exists`)

	run := awsCLI(t, f, "test", "test")
	out, stderr, err := run("redshift", "describe-data-shares")
	require.NoError(t, err, stderr)
	var shares struct {
		DataShares []struct {
			DataShareArn, ProducerArn string
			DataShareAssociations     []struct{ ConsumerIdentifier, Status string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &shares), out)
	require.Len(t, shares.DataShares, 1)
	share := shares.DataShares[0]
	require.Regexp(t, `^arn:aws:redshift:us-east-1:123456789012:datashare:[0-9a-f-]{36}/salesshare$`, share.DataShareArn)
	require.Regexp(t, `^arn:aws:redshift:us-east-1:123456789012:namespace:[0-9a-f-]{36}$`, share.ProducerArn)
	require.Equal(t, "PENDING_AUTHORIZATION", share.DataShareAssociations[0].Status)

	out, stderr, err = run("redshift", "authorize-data-share", "--data-share-arn", share.DataShareArn, "--consumer-identifier", "111122223333")
	require.NoError(t, err, stderr)
	require.Contains(t, out, `"Status": "AUTHORIZED"`)
	_, stderr, err = run("redshift", "authorize-data-share", "--data-share-arn", share.DataShareArn, "--consumer-identifier", "111122223333")
	require.Error(t, err)
	require.Contains(t, stderr, "InvalidDataShareFault")
	_, stderr, err = run("redshift", "authorize-data-share", "--data-share-arn", share.DataShareArn+"x", "--consumer-identifier", "111122223333")
	require.Error(t, err)
	require.Contains(t, stderr, "InvalidDataShareFault")
	out, stderr, err = run("redshift", "describe-data-shares-for-producer", "--producer-arn", share.ProducerArn, "--status", "AUTHORIZED")
	require.NoError(t, err, stderr)
	require.Contains(t, out, share.DataShareArn)
	_, stderr, err = run("redshift", "describe-data-shares-for-producer", "--producer-arn", "arn:aws:redshift:us-east-1:123456789012:namespace:nope")
	require.Error(t, err)
	require.Contains(t, stderr, "InvalidNamespaceFault")
	out, stderr, err = run("redshift", "deauthorize-data-share", "--data-share-arn", share.DataShareArn, "--consumer-identifier", "111122223333")
	require.NoError(t, err, stderr)
	require.Contains(t, out, `"Status": "DEAUTHORIZED"`)

	auth := lookup(t, run, "AuthorizeDataShare")
	require.Len(t, auth, 3)
	ok := auth[len(auth)-1] // the oldest: the one that succeeded
	require.Equal(t, map[string]any{"dataShareArn": share.DataShareArn, "consumerIdentifier": "111122223333"}, ok["requestParameters"])
	resp := ok["responseElements"].(map[string]any)
	require.Equal(t, share.DataShareArn, resp["dataShareArn"])
	require.Equal(t, share.ProducerArn, resp["producerArn"])
	require.Equal(t, false, resp["allowPubliclyAccessibleConsumers"])
	assoc := resp["dataShareAssociations"].([]any)[0].(map[string]any)
	require.Equal(t, "111122223333", assoc["consumerIdentifier"])
	require.Equal(t, "AUTHORIZED", assoc["status"])
	require.Regexp(t, `^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$`, assoc["createdDate"])
	require.Equal(t, "InvalidDataShareFault", auth[0]["errorCode"])
	require.Len(t, lookup(t, run, "DeauthorizeDataShare"), 1)
	describe := lookup(t, run, "DescribeDataShares")
	require.Len(t, describe, 1)
	require.Equal(t, true, describe[0]["readOnly"])
	require.Nil(t, describe[0]["responseElements"])

	// The datashare statements are recorded like any statement.
	r = psql(t, f, f.Config().MasterUser, pw, "sslmode=disable", "-At", "-c",
		"select text from svl_statementtext where text ilike '%datashare%' and text not ilike '%svl_statementtext%' order by starttime, sequence")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, []string{"create datashare salesshare", "alter datashare salesshare add schema public",
		"alter datashare salesshare add table public.sales", "grant usage on datashare salesshare to account '111122223333'",
		"alter datashare salesshare add table public.nope", "create datashare salesshare"}, lines(r.stdout))
}
