package integration

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/fixtures"
)

// Keys of configured identities: an IAM user and an assumed role, as in the seed's examples.
const (
	goldenUserKey = "AKIAIOSFODNN7EXAMPLE"
	goldenRoleKey = "ASIAI44QH8DHBEXAMPLE"
)

// cloudTrailCall makes one signed CloudTrail JSON 1.1 call and returns its status and body.
func cloudTrailCall(t *testing.T, endpoint, key, secret, op string, in any) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(in)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."+op)
	sum := sha256.Sum256(body)
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "cloudtrail", "us-east-1", time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out
}

// goldenCase names one record of the scripted session and the golden file it is kept in.
type goldenCase struct {
	file  string
	match func(rec map[string]any) bool
}

func byName(name string) func(map[string]any) bool {
	return func(rec map[string]any) bool { return rec["eventName"] == name }
}

func byNameAndBucket(name, bucket string) func(map[string]any) bool {
	return func(rec map[string]any) bool {
		p, _ := rec["requestParameters"].(map[string]any)
		return rec["eventName"] == name && p["bucketName"] == bucket
	}
}

// TestCloudTrailRecordsGolden: a scripted session with a pinned clock (CloudTrail calls, S3
// bucket calls, Redshift calls by an IAM user, one failing, and a call by an assumed role);
// after a flush each record in the trail's files equals its LookupEvents CloudTrailEvent
// byte for byte, and, with what changes from run to run normalised, its golden file in
// testdata/golden/cloudtrail/ (go test -run TestCloudTrailRecordsGolden -update rewrites
// them). The records carry every field of the seed's examples.
func TestCloudTrailRecordsGolden(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 3, 4, 16, 56, 9, 0, time.UTC))
	user, err := auth.NewKey(goldenUserKey, "user-secret", "arn:aws:iam::123456789012:user/Admin")
	require.NoError(t, err)
	role, err := auth.NewKey(goldenRoleKey, "role-secret", "arn:aws:sts::123456789012:assumed-role/Deployer/janedoe")
	require.NoError(t, err)
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) {
		c.LogInterval, c.TrailInterval, c.Clock = -1, -1, clk
		c.Keys = []auth.Key{user, role}
	}))
	ctx := context.Background()
	step := func() { clk.Advance(7 * time.Second) }
	rsAs := func(key, secret string) *redshift.Client {
		return redshift.New(redshift.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.Endpoints().HTTP),
			Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")})
	}
	rsUser, rsRole := rsAs(goldenUserKey, "user-secret"), rsAs(goldenRoleKey, "role-secret")
	s3c := f.S3ClientAs("test", "test")
	ct := func(key, secret, op string, in any) []byte {
		t.Helper()
		code, out := cloudTrailCall(t, f.Endpoints().HTTP, key, secret, op, in)
		require.Equal(t, http.StatusOK, code, "%s: %s", op, out)
		step()
		return out
	}

	// A trail, logging: its CreateTrail is not its own, its StartLogging is.
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("golden-trail")})
	require.NoError(t, err)
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("golden-trail"),
		Policy: aws.String(cloudTrailPolicy("golden-trail", "", "123456789012"))})
	require.NoError(t, err)
	ct("test", "test", "CreateTrail", map[string]any{"Name": "golden", "S3BucketName": "golden-trail"})
	ct("test", "test", "StartLogging", map[string]any{"Name": "golden"})
	// A second trail, made by the IAM user while the first logs.
	ct(goldenUserKey, "user-secret", "CreateTrail", map[string]any{"Name": "second", "S3BucketName": "golden-trail",
		"IsMultiRegionTrail": true, "EnableLogFileValidation": true})

	// S3 bucket calls, by the root user.
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("golden-data")})
	require.NoError(t, err)
	step()
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("golden-data"), Policy: aws.String(redshiftLogPolicy("golden-data"))})
	require.NoError(t, err)
	step()
	_, err = s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("golden-data"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
	require.NoError(t, err)
	step()

	// Redshift calls by the IAM user, as in the seed's CreateCluster and DeleteCluster.
	_, err = rsUser.CreateCluster(ctx, &redshift.CreateClusterInput{ClusterIdentifier: aws.String("my-dw-instance"),
		NodeType: aws.String("ra3.large"), MasterUsername: aws.String("awsuser"), MasterUserPassword: aws.String("Secret0Pass"),
		ClusterType: aws.String("single-node"), DBName: aws.String("mydbtest"), Port: aws.Int32(5439),
		PubliclyAccessible: aws.Bool(true), AllowVersionUpgrade: aws.Bool(true), Encrypted: aws.Bool(false),
		AutomatedSnapshotRetentionPeriod: aws.Int32(1)})
	require.NoError(t, err)
	step()
	_, err = rsUser.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String("nope")})
	require.Error(t, err)
	step()
	_, err = rsUser.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("my-dw-instance"),
		BucketName: aws.String("golden-data"), S3KeyPrefix: aws.String("audit/")})
	require.NoError(t, err)
	step()
	_, err = rsUser.DisableLogging(ctx, &redshift.DisableLoggingInput{ClusterIdentifier: aws.String("my-dw-instance")})
	require.NoError(t, err)
	step()
	// A call by an assumed role.
	_, err = rsRole.CreateClusterParameterGroup(ctx, &redshift.CreateClusterParameterGroupInput{ParameterGroupName: aws.String("audit"),
		ParameterGroupFamily: aws.String("redshift-2.0"), Description: aws.String("audit logging")})
	require.NoError(t, err)
	step()
	_, err = rsUser.DeleteCluster(ctx, &redshift.DeleteClusterInput{ClusterIdentifier: aws.String("my-dw-instance"),
		SkipFinalClusterSnapshot: aws.Bool(true)})
	require.NoError(t, err)
	step()

	flush(t, f)
	var delivered []json.RawMessage
	for _, k := range listKeys(t, s3c, "golden-trail", "AWSLogs/123456789012/CloudTrail/") {
		obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("golden-trail"), Key: aws.String(k)})
		require.NoError(t, err)
		raw := gunzip(t, obj.Body)
		var body struct{ Records []json.RawMessage }
		require.NoError(t, json.Unmarshal(raw, &body))
		delivered = append(delivered, body.Records...)
	}

	cases := []goldenCase{
		{"cloudtrail-create-trail.json", byName("CreateTrail")},
		{"cloudtrail-start-logging.json", byName("StartLogging")},
		{"s3-create-bucket.json", byNameAndBucket("CreateBucket", "golden-data")},
		{"s3-put-bucket-policy.json", byNameAndBucket("PutBucketPolicy", "golden-data")},
		{"s3-put-bucket-encryption.json", byNameAndBucket("PutBucketEncryption", "golden-data")},
		{"redshift-create-cluster.json", byName("CreateCluster")},
		{"redshift-failed-describe-clusters.json", byName("DescribeClusters")},
		{"redshift-enable-logging.json", byName("EnableLogging")},
		{"redshift-disable-logging.json", byName("DisableLogging")},
		{"redshift-delete-cluster.json", byName("DeleteCluster")},
		{"redshift-assumed-role.json", byName("CreateClusterParameterGroup")},
	}
	records := map[string]map[string]any{}
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.file, ".json"), func(t *testing.T) {
			var raw json.RawMessage
			var rec map[string]any
			for _, r := range delivered {
				var m map[string]any
				require.NoError(t, json.Unmarshal(r, &m))
				if c.match(m) {
					require.Nil(t, raw, "one record matches")
					raw, rec = r, m
				}
			}
			require.NotNil(t, raw, "the record is in the trail's files")
			records[c.file] = rec

			// LookupEvents' CloudTrailEvent is the delivered record, byte for byte.
			code, out := cloudTrailCall(t, f.Endpoints().HTTP, "test", "test", "LookupEvents", map[string]any{
				"LookupAttributes": []map[string]string{{"AttributeKey": "EventId", "AttributeValue": rec["eventID"].(string)}}})
			require.Equal(t, http.StatusOK, code, "%s", out)
			var res struct {
				Events []struct{ CloudTrailEvent string }
			}
			require.NoError(t, json.Unmarshal(out, &res))
			require.Len(t, res.Events, 1)
			require.Equal(t, string(raw), res.Events[0].CloudTrailEvent)

			got := normaliseRecord(t, raw)
			golden := filepath.Join("testdata", "golden", "cloudtrail", c.file)
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to write %s", golden)
			require.Equal(t, string(want), string(got))
		})
	}

	t.Run("seed fields", func(t *testing.T) {
		for file, rec := range records {
			missing := missingKeys(rec, seedRecordFields)
			require.Empty(t, missing, "%s lacks the seed's fields %v", file, missing)
			require.NotContains(t, mustJSON(t, rec), "Secret0Pass", file)
		}
		user := records["redshift-create-cluster.json"]["userIdentity"].(map[string]any)
		require.Empty(t, missingKeys(user, []string{"type", "principalId", "arn", "accountId", "accessKeyId", "userName"}))
		require.Equal(t, "IAMUser", user["type"])
		require.Regexp(t, `^AIDA[A-Z2-7]{17}$`, user["principalId"])
		role := records["redshift-assumed-role.json"]["userIdentity"].(map[string]any)
		require.Empty(t, missingKeys(role, []string{"type", "principalId", "arn", "accountId", "accessKeyId", "sessionContext"}))
		session := role["sessionContext"].(map[string]any)
		require.Empty(t, missingKeys(session["sessionIssuer"].(map[string]any), []string{"type", "principalId", "arn", "accountId", "userName"}))
		require.Empty(t, missingKeys(session["attributes"].(map[string]any), []string{"creationDate", "mfaAuthenticated"}))

		create := records["redshift-create-cluster.json"]
		params := create["requestParameters"].(map[string]any)
		require.Empty(t, missingKeys(params, []string{"clusterIdentifier", "allowVersionUpgrade", "encrypted", "masterUsername",
			"masterUserPassword", "automatedSnapshotRetentionPeriod", "port", "dBName", "clusterType", "nodeType", "publiclyAccessible"}))
		resp := create["responseElements"].(map[string]any)
		missing := missingKeys(resp, seedCreateClusterResponse)
		t.Logf("CreateCluster responseElements lacks the seed's %v", missing)
		require.Subset(t, seedCreateClusterResponseAbsent, missing,
			"a responseElements member of the seed's CreateCluster went missing")
		require.Nil(t, records["redshift-delete-cluster.json"]["responseElements"])
	})
}

// seedRecordFields are the top-level fields of the seed's Redshift examples (CreateCluster,
// DeleteCluster, AuthorizeDataShare), which every record carries.
var seedRecordFields = []string{"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
	"sourceIPAddress", "userAgent", "requestParameters", "responseElements", "requestID", "eventID", "readOnly",
	"eventType", "managementEvent", "recipientAccountId", "eventCategory"}

// seedCreateClusterResponse are the responseElements members of the seed's CreateCluster.
var seedCreateClusterResponse = []string{"nodeType", "preferredMaintenanceWindow", "clusterStatus", "vpcId",
	"enhancedVpcRouting", "masterUsername", "clusterSecurityGroups", "pendingModifiedValues", "dBName", "clusterVersion",
	"encrypted", "publiclyAccessible", "tags", "clusterParameterGroups", "allowVersionUpgrade",
	"automatedSnapshotRetentionPeriod", "numberOfNodes", "vpcSecurityGroups", "iamRoles", "clusterIdentifier",
	"clusterSubnetGroupName"}

// seedCreateClusterResponseAbsent are those fakeshift does not write (a cluster has no VPC
// here): the only ones allowed to be missing.
var seedCreateClusterResponseAbsent = []string{"vpcId", "clusterSecurityGroups", "vpcSecurityGroups", "clusterSubnetGroupName"}

func missingKeys(m map[string]any, keys []string) []string {
	var out []string
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

var (
	recordUUID       = regexp.MustCompile(`"(eventID|requestID)":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"`)
	recordS3ReqID    = regexp.MustCompile(`"requestID":"[0-9A-Z]{16}"`)
	recordUserAgent  = regexp.MustCompile(`"userAgent":"(\[?)[^"]*"`)
	recordHostID     = regexp.MustCompile(`"x-amz-id-2":"[^"]*"`)
	recordHostHeader = regexp.MustCompile(`"Host":"127\.0\.0\.1:\d+"`)
)

// normaliseRecord replaces what changes from run to run (ids, the client's version, the
// endpoint's port) and indents the record, keeping its field order.
func normaliseRecord(t *testing.T, raw []byte) []byte {
	t.Helper()
	s := recordUUID.ReplaceAllString(string(raw), `"$1":"NORMALISED-UUID"`)
	s = recordS3ReqID.ReplaceAllString(s, `"requestID":"NORMALISED-S3-REQUEST-ID"`)
	s = recordUserAgent.ReplaceAllStringFunc(s, func(m string) string {
		if strings.Contains(m, `"[`) {
			return `"userAgent":"[NORMALISED-USER-AGENT]"`
		}
		return `"userAgent":"NORMALISED-USER-AGENT"`
	})
	s = recordHostID.ReplaceAllString(s, `"x-amz-id-2":"NORMALISED-HOST-ID"`)
	s = recordHostHeader.ReplaceAllString(s, `"Host":"127.0.0.1:PORT"`)
	var out bytes.Buffer
	require.NoError(t, json.Indent(&out, []byte(s), "", "    "))
	out.WriteByte('\n')
	return out.Bytes()
}

func gunzip(t *testing.T, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	zr, err := gzip.NewReader(r)
	require.NoError(t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(t, err)
	return raw
}
