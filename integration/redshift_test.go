package integration

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/fixtures"
)

func TestRedshiftAPIWithBoto3(t *testing.T) {
	runBoto3Script(t, fixtures.New(t), "testdata/redshift_boto3.py", "boto3 Redshift checks passed")
}

// TestGetClusterCredentialsWithPsql: the Go SDK makes a cluster and asks for temporary
// credentials; psql logs in with them over SSL, is refused without SSL, and after expiry.
func TestGetClusterCredentialsWithPsql(t *testing.T) {
	clk := clock.NewOffset()
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.Clock = clk }))
	rs := f.RedshiftClient()
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

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(aws.ToInt32(ep.Port))))
	run := func(sslmode string) psqlResult {
		return psqlAt(t, addr, "dev", aws.ToString(creds.DbUser), aws.ToString(creds.DbPassword), "sslmode="+sslmode,
			"-At", "-c", "select current_user")
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
	_, err = net.DialTimeout("tcp", addr, time.Second)
	require.Error(t, err, "the deleted cluster no longer listens")
}

func TestRedshiftAPIWithAWSCLI(t *testing.T) {
	f := fixtures.New(t)
	run := awsCLIAt(t, f.Endpoints().HTTP, "test", "test")
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
		{"s3api", "put-bucket-policy", "--bucket", "cli-audit-logs", "--policy", redshiftLogPolicy("cli-audit-logs")},
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
// on the same data directory: DescribeClusters shows it on the same port, and its master
// user logs in there.
func TestAPIClusterSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	port := func(f *fixtures.Fakeshift) int32 {
		t.Helper()
		desc, err := f.RedshiftClient().DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String("durable")})
		require.NoError(t, err)
		require.Len(t, desc.Clusters, 1)
		require.NotNil(t, desc.Clusters[0].Endpoint)
		return aws.ToInt32(desc.Clusters[0].Endpoint.Port)
	}

	f := fixtures.New(t, fixtures.WithDataDir(dir))
	_, err := f.RedshiftClient().CreateCluster(ctx, &redshift.CreateClusterInput{ClusterIdentifier: aws.String("durable"),
		NodeType: aws.String("ra3.large"), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Passw0rd1")})
	require.NoError(t, err)
	before := port(f)
	require.NoError(t, f.Close())

	f = fixtures.New(t, fixtures.WithDataDir(dir))
	require.Equal(t, before, port(f), "the cluster listens on the same port after the restart")
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://admin:Passw0rd1@127.0.0.1:%d/dev?sslmode=disable&connect_timeout=10", before))
	require.NoError(t, err, "the cluster's master user logs in after the restart")
	defer conn.Close(ctx)
	var user string
	require.NoError(t, conn.QueryRow(ctx, "select current_user").Scan(&user))
	require.Equal(t, "admin", user)
}

// TestRedshiftLoggingWithGoSDK plays the user's path with the AWS SDK for Go v2: a parameter
// group with user activity logging, a cluster, a reboot, every enable-time fault against
// real S3 state, then logging on and its status read back.
func TestRedshiftLoggingWithGoSDK(t *testing.T) {
	f := fixtures.New(t)
	rs := f.RedshiftClient()
	s3c := f.S3Client()
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
	// require_ssl is applied at the reboot: a plain login is refused as Redshift refuses it,
	// and a TLS one goes through.
	dsn := fmt.Sprintf("postgres://admin:Passw0rd1@127.0.0.1:%d/dev?connect_timeout=10&sslmode=", aws.ToInt32(desc.Clusters[0].Endpoint.Port))
	_, err = pgx.Connect(ctx, dsn+"disable")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "a plain login with require_ssl on")
	require.Equal(t, "28000", pgErr.Code)
	require.Equal(t, `no pg_hba.conf entry for host "::ffff:127.0.0.1", user "admin", database "dev", SSL off`, pgErr.Message)
	conn, err := pgx.Connect(ctx, dsn+"require")
	require.NoError(t, err, "a TLS login with require_ssl on")
	require.NoError(t, conn.Close(ctx))

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
	cfg := f.Config()
	arn := fixtures.ClusterARN(cfg.Region, cfg.AccountID, "go-logs")
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("go-audit-logs"),
		Policy: aws.String(fixtures.RedshiftLoggingPolicyWrongSourceArn("go-audit-logs", "audit/", cfg.AccountID, arn))})
	require.NoError(t, err)
	require.ErrorAs(t, enable("go-audit-logs", "audit/"), &insufficient, "a policy for another cluster")
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("go-audit-logs"),
		Policy: aws.String(fixtures.RedshiftLoggingPolicy("go-audit-logs", "audit/", cfg.AccountID, arn))})
	require.NoError(t, err)
	require.NoError(t, enable("go-audit-logs", "audit/"))

	st, err := rs.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("go-logs")})
	require.NoError(t, err)
	require.True(t, aws.ToBool(st.LoggingEnabled))
	require.Equal(t, "go-audit-logs", aws.ToString(st.BucketName))
	require.Equal(t, "audit/", aws.ToString(st.S3KeyPrefix))
	require.Equal(t, []string{"connectionlog", "userlog", "useractivitylog"}, st.LogExports)
}
