package integration

import (
	"context"
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
		cmd := exec.Command(bin, args...)
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
