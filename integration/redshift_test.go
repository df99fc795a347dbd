package integration

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/fixtures"
)

func redshiftClient(f *fixtures.Fakeshift) *redshift.Client {
	return redshift.New(redshift.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.Endpoints().HTTP),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
}

func TestRedshiftAPIWithBoto3(t *testing.T) {
	py := python3WithBoto3(t)
	f := fixtures.New(t)
	cmd := exec.Command(py, "testdata/redshift_boto3.py")
	cmd.Env = awsEnv(f, "test", "test")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "boto3 Redshift checks passed")
}

// TestGetClusterCredentialsWithPsql: the Go SDK makes a cluster and asks for temporary
// credentials; psql logs in with them over SSL, is refused without SSL, and after expiry.
func TestGetClusterCredentialsWithPsql(t *testing.T) {
	clk := clock.NewOffset()
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.Clock = clk }))
	rs := redshiftClient(f)
	ctx := context.Background()
	created, err := rs.CreateCluster(ctx, &redshift.CreateClusterInput{ClusterIdentifier: aws.String("go-cluster"),
		NodeType: aws.String("ra3.large"), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Passw0rd1"),
		ClusterType: aws.String("single-node")})
	require.NoError(t, err)
	require.Equal(t, "creating", aws.ToString(created.Cluster.ClusterStatus))
	desc, err := rs.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String("go-cluster")})
	require.NoError(t, err)
	ep := desc.Clusters[0].Endpoint
	require.Equal(t, "localhost", aws.ToString(ep.Address))

	_, err = rs.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String("nope")})
	var nf *types.ClusterNotFoundFault
	require.ErrorAs(t, err, &nf)

	creds, err := rs.GetClusterCredentials(ctx, &redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("go-cluster"),
		DbUser: aws.String("alice"), AutoCreate: aws.Bool(true), DbName: aws.String("dev"), DurationSeconds: aws.Int32(900)})
	require.NoError(t, err)
	require.Equal(t, "IAMA:alice", aws.ToString(creds.DbUser))
	require.WithinDuration(t, clk.Now().Add(15*time.Minute), aws.ToTime(creds.Expiration), 2*time.Second)

	port := aws.ToInt32(ep.Port)
	run := func(sslmode string) psqlResult {
		bin := needTool(t, "psql", "apt-get install -y postgresql-client")
		cmd := exec.Command(bin, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", "select current_user",
			"host=127.0.0.1 port="+strconv.Itoa(int(port))+" dbname=dev sslmode="+sslmode+" user="+aws.ToString(creds.DbUser))
		cmd.Env = append(cmd.Environ(), "PGPASSWORD="+aws.ToString(creds.DbPassword), "PGAPPNAME=")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if err != nil {
			code = 1
		}
		return psqlResult{stdout: stdout.String(), stderr: stderr.String(), code: code}
	}
	ok := run("require")
	require.Equal(t, 0, ok.code, ok.stderr)
	require.Equal(t, "alice", strings.TrimSpace(ok.stdout))
	plain := run("disable")
	require.NotEqual(t, 0, plain.code)
	require.Contains(t, plain.stderr, "SSL off")

	clk.Advance(16 * time.Minute)
	expired := run("require")
	require.NotEqual(t, 0, expired.code)
	require.Contains(t, expired.stderr, "password authentication failed")

	_, err = rs.DeleteCluster(ctx, &redshift.DeleteClusterInput{ClusterIdentifier: aws.String("go-cluster"), SkipFinalClusterSnapshot: aws.Bool(true)})
	require.NoError(t, err)
	_, err = net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port))), time.Second)
	require.Error(t, err, "the deleted cluster no longer listens")
}

func TestRedshiftAPIWithAWSCLI(t *testing.T) {
	bin := needTool(t, "aws", "apt-get install -y awscli")
	f := fixtures.New(t)
	run := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, append([]string{"--endpoint-url", f.Endpoints().HTTP}, args...)...)
		cmd.Env = awsEnv(f, "test", "test")
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	out, stderr, err := run("redshift", "create-cluster", "--cluster-identifier", "cli-cluster", "--node-type", "ra3.large",
		"--master-username", "admin", "--master-user-password", "Passw0rd1", "--cluster-type", "single-node")
	require.NoError(t, err, stderr)
	require.Contains(t, out, `"ClusterStatus": "creating"`)
	_, stderr, err = run("redshift", "wait", "cluster-available", "--cluster-identifier", "cli-cluster")
	require.NoError(t, err, stderr)

	out, stderr, err = run("redshift", "describe-logging-status", "--cluster-identifier", "cli-cluster")
	require.NoError(t, err, stderr)
	require.JSONEq(t, `{"LoggingEnabled": false}`, out)
	_, stderr, err = run("redshift", "enable-logging", "--cluster-identifier", "cli-cluster", "--bucket-name", "missing-bucket")
	require.Error(t, err)
	require.Contains(t, stderr, "BucketNotFoundFault")
	_, stderr, err = run("redshift", "describe-clusters", "--cluster-identifier", "nope")
	require.Error(t, err)
	require.Contains(t, stderr, "ClusterNotFound")

	// A parameter group with user activity logging, a reboot, and logging on.
	for _, args := range [][]string{
		{"redshift", "create-cluster-parameter-group", "--parameter-group-name", "cli-audit", "--parameter-group-family", "redshift-2.0", "--description", "audit"},
		{"redshift", "modify-cluster-parameter-group", "--parameter-group-name", "cli-audit", "--parameters", "ParameterName=enable_user_activity_logging,ParameterValue=true"},
		{"redshift", "modify-cluster", "--cluster-identifier", "cli-cluster", "--cluster-parameter-group-name", "cli-audit"},
		{"redshift", "reboot-cluster", "--cluster-identifier", "cli-cluster"},
		{"s3api", "create-bucket", "--bucket", "cli-audit-logs"},
		{"s3api", "put-bucket-policy", "--bucket", "cli-audit-logs", "--policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::cli-audit-logs","arn:aws:s3:::cli-audit-logs/*"]}]}`},
		{"redshift", "enable-logging", "--cluster-identifier", "cli-cluster", "--bucket-name", "cli-audit-logs", "--s3-key-prefix", "audit/"},
	} {
		_, stderr, err := run(args...)
		require.NoError(t, err, "%v: %s", args, stderr)
	}
	out, stderr, err = run("redshift", "describe-cluster-parameters", "--parameter-group-name", "cli-audit", "--source", "user")
	require.NoError(t, err, stderr)
	require.Contains(t, out, `"ParameterValue": "true"`)
	out, stderr, err = run("redshift", "describe-logging-status", "--cluster-identifier", "cli-cluster")
	require.NoError(t, err, stderr)
	require.Contains(t, out, `"LoggingEnabled": true`)
	require.Contains(t, out, `"BucketName": "cli-audit-logs"`)

	out, stderr, err = run("sts", "get-caller-identity")
	require.NoError(t, err, stderr)
	require.Contains(t, out, "123456789012")
}

// TestAPIClusterSurvivesRestart: a cluster made through the API comes back after a restart
// on the same --data-dir, on the same port, with its users.
func TestAPIClusterSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	start := func() *fakeshift.Server {
		srv, err := fakeshift.Start(ctx, fakeshift.Config{PGAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", ClusterPorts: "0", DataDir: dir})
		require.NoError(t, err)
		return srv
	}
	srv := start()
	rs := redshift.New(redshift.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.Endpoints().HTTP),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	_, err := rs.CreateCluster(ctx, &redshift.CreateClusterInput{ClusterIdentifier: aws.String("durable"),
		NodeType: aws.String("ra3.large"), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Passw0rd1")})
	require.NoError(t, err)
	_, port, ok := srv.ClusterByID("durable")
	require.True(t, ok)
	require.NoError(t, srv.Close())

	srv = start()
	defer srv.Close()
	cl, again, ok := srv.ClusterByID("durable")
	require.True(t, ok, "the cluster is running again")
	require.Equal(t, port, again)
	require.Equal(t, "admin", cl.MasterUser())
}

// TestRedshiftLoggingWithGoSDK plays the user's path with the AWS SDK for Go v2: a parameter
// group with user activity logging, a cluster, a reboot, every enable-time fault against
// real S3 state, then logging on and its status read back.
func TestRedshiftLoggingWithGoSDK(t *testing.T) {
	f := fixtures.New(t)
	rs := redshiftClient(f)
	s3c := s3Client(f, "test", "test")
	ctx := context.Background()

	_, err := rs.CreateClusterParameterGroup(ctx, &redshift.CreateClusterParameterGroupInput{ParameterGroupName: aws.String("go-audit"),
		ParameterGroupFamily: aws.String("redshift-2.0"), Description: aws.String("audit")})
	require.NoError(t, err)
	_, err = rs.ModifyClusterParameterGroup(ctx, &redshift.ModifyClusterParameterGroupInput{ParameterGroupName: aws.String("go-audit"),
		Parameters: []types.Parameter{{ParameterName: aws.String("enable_user_activity_logging"), ParameterValue: aws.String("true")}}})
	require.NoError(t, err)
	_, err = rs.CreateCluster(ctx, &redshift.CreateClusterInput{ClusterIdentifier: aws.String("go-logs"),
		NodeType: aws.String("ra3.large"), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Passw0rd1"),
		ClusterParameterGroupName: aws.String("go-audit")})
	require.NoError(t, err)
	_, err = rs.ModifyClusterParameterGroup(ctx, &redshift.ModifyClusterParameterGroupInput{ParameterGroupName: aws.String("go-audit"),
		Parameters: []types.Parameter{{ParameterName: aws.String("require_ssl"), ParameterValue: aws.String("true")}}})
	require.NoError(t, err)
	desc, err := rs.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String("go-logs")})
	require.NoError(t, err)
	require.Equal(t, "pending-reboot", aws.ToString(desc.Clusters[0].ClusterParameterGroups[0].ParameterApplyStatus))
	_, err = rs.RebootCluster(ctx, &redshift.RebootClusterInput{ClusterIdentifier: aws.String("go-logs")})
	require.NoError(t, err)
	desc, err = rs.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String("go-logs")})
	require.NoError(t, err)
	require.Equal(t, "in-sync", aws.ToString(desc.Clusters[0].ClusterParameterGroups[0].ParameterApplyStatus))
	cl, _, ok := f.ClusterByID("go-logs")
	require.True(t, ok)
	v, _ := cl.Parameter("require_ssl")
	require.Equal(t, "true", v, "applied at reboot")

	enable := func(bucket, prefix string) error {
		_, err := rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("go-logs"),
			BucketName: aws.String(bucket), S3KeyPrefix: aws.String(prefix), LogDestinationType: types.LogDestinationTypeS3,
			LogExports: []string{"connectionlog", "userlog", "useractivitylog"}})
		return err
	}
	var notFound *types.BucketNotFoundFault
	require.ErrorAs(t, enable("go-missing", ""), &notFound)
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("go-audit-logs")})
	require.NoError(t, err)
	var badPrefix *types.InvalidS3KeyPrefixFault
	require.ErrorAs(t, enable("go-audit-logs", "a\\b"), &badPrefix)
	var badName *types.InvalidS3BucketNameFault
	require.ErrorAs(t, enable("Go_Audit", ""), &badName)
	var insufficient *types.InsufficientS3BucketPolicyFault
	require.ErrorAs(t, enable("go-audit-logs", "audit/"), &insufficient, "no policy")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},
		"Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::go-audit-logs","arn:aws:s3:::go-audit-logs/*"],
		"Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:redshift:us-east-1:123456789012:cluster:%s"}}}]}`
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("go-audit-logs"), Policy: aws.String(fmt.Sprintf(doc, "another"))})
	require.NoError(t, err)
	require.ErrorAs(t, enable("go-audit-logs", "audit/"), &insufficient, "a policy for another cluster")
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("go-audit-logs"), Policy: aws.String(fmt.Sprintf(doc, "go-logs"))})
	require.NoError(t, err)
	require.NoError(t, enable("go-audit-logs", "audit/"))

	st, err := rs.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("go-logs")})
	require.NoError(t, err)
	require.True(t, aws.ToBool(st.LoggingEnabled))
	require.Equal(t, "go-audit-logs", aws.ToString(st.BucketName))
	require.Equal(t, "audit/", aws.ToString(st.S3KeyPrefix))
	require.Equal(t, []string{"connectionlog", "userlog", "useractivitylog"}, st.LogExports)
}
