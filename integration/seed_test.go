package integration

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// seedYAML is a seed as a CI job would write it: a second account with an IAM user's key,
// the audit bucket with Redshift's policy, a bucket of the other account, the default
// cluster with user activity logging on and logging to the bucket, a second cluster, and
// users of the default cluster.
const seedYAML = `
accounts:
  - id: "210987654321"
    keys:
      - access_key_id: AKIASEEDADMIN
        secret_access_key: seed-admin-secret
        identity: arn:aws:iam::210987654321:user/Admin
buckets:
  - name: audit-logs
    policy:
      Version: 2012-10-17
      Statement:
        - Sid: RedshiftAuditLogging
          Effect: Allow
          Principal: {Service: redshift.amazonaws.com}
          Action: [s3:PutObject, s3:GetBucketAcl]
          Resource: ["arn:aws:s3:::audit-logs", "arn:aws:s3:::audit-logs/*"]
  - name: partner-logs
    owner: "210987654321"
    object_ownership: BucketOwnerPreferred
clusters:
  - id: fakeshift
    parameters:
      enable_user_activity_logging: true
    logging:
      bucket: audit-logs
      prefix: audit/
  - id: analytics
    master_user: admin
    master_password: Analytics1
    database: analytics
users:
  - name: alice
    password: Alice1234
    groups: [analysts]
  - name: ops
    password: Ops123456
    superuser: true
`

// binaryCLI runs the AWS CLI against a running binary with the given keys. The endpoint
// is given as --endpoint-url too: AWS CLIs before 1.29 / 2.13 ignore AWS_ENDPOINT_URL.
func binaryCLI(t *testing.T, rb *runningBinary, key, secret string) cliRun {
	bin := needTool(t, "aws", "apt-get install -y awscli")
	return func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, append([]string{"--endpoint-url", rb.httpURL}, args...)...)
		env := []string{}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env, "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_DEFAULT_REGION=us-east-1",
			"AWS_ENDPOINT_URL="+rb.httpURL, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
			"AWS_EC2_METADATA_DISABLED=true")
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
}

// binaryPsql runs psql against a running binary's default cluster (or addr, host:port).
func binaryPsql(t *testing.T, addr, db, user, password string, args ...string) psqlResult {
	t.Helper()
	bin := needTool(t, "psql", "apt-get install -y postgresql-client")
	host, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"host=" + host + " port=" + port + " user=" + user + " dbname=" + db,
		"-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"}, args...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10", "PGAPPNAME=")
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err, "run psql")
	}
	return psqlResult{stdout: out.String(), stderr: errb.String(), code: code}
}

func writeSeed(t *testing.T, doc string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "seed.yaml")
	require.NoError(t, os.WriteFile(p, []byte(doc), 0o600))
	return p
}

func postControl(t *testing.T, rb *runningBinary, path string) map[string]any {
	t.Helper()
	resp, err := http.Post(rb.httpURL+path, "application/json", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %v", path, out)
	return out
}

// TestSeedWithRealClients: the binary started with --seed; psql and the AWS CLI see what
// the seed made, and the default cluster's audit logs reach the seeded bucket.
func TestSeedWithRealClients(t *testing.T) {
	rb := startBinary(t, "--seed", writeSeed(t, seedYAML), "--cluster-ports", "0", "--log-interval", "-1s")
	aws := binaryCLI(t, rb, "test", "test")
	must := func(run cliRun, args ...string) string {
		t.Helper()
		out, stderr, err := run(args...)
		require.NoError(t, err, "%v: %s", args, stderr)
		return out
	}

	// Users and groups of the default cluster, with psql.
	r := binaryPsql(t, rb.pgAddr, "dev", "alice", "Alice1234", "-c", "select current_user")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "alice", strings.TrimSpace(r.stdout))
	r = binaryPsql(t, rb.pgAddr, "dev", "ops", "Ops123456", "-c", "select usename, usesuper from pg_user order by usesysid")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, []string{"rdsdb|t", "awsuser|t", "alice|f", "ops|t"}, lines(r.stdout))
	r = binaryPsql(t, rb.pgAddr, "dev", "awsuser", "Fakeshift1", "-c",
		"select username, action from stl_userlog where username <> 'awsuser' order by recordtime")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, []string{"alice|create", "ops|create"}, lines(r.stdout), "the seed's users are in the user log")

	// Buckets, with the AWS CLI as their owners.
	require.Contains(t, must(aws, "s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "text"), "audit-logs")
	policy := must(aws, "s3api", "get-bucket-policy", "--bucket", "audit-logs", "--query", "Policy", "--output", "text")
	require.Contains(t, policy, `"Sid":"RedshiftAuditLogging"`)
	require.Contains(t, policy, `"Version":"2012-10-17"`)
	admin := binaryCLI(t, rb, "AKIASEEDADMIN", "seed-admin-secret")
	require.Contains(t, must(admin, "sts", "get-caller-identity"), "arn:aws:iam::210987654321:user/Admin")
	require.Equal(t, "BucketOwnerPreferred", strings.TrimSpace(must(admin, "s3api", "get-bucket-ownership-controls", "--bucket", "partner-logs",
		"--query", "OwnershipControls.Rules[0].ObjectOwnership", "--output", "text")))
	_, stderr, err := aws("s3api", "get-bucket-acl", "--bucket", "partner-logs")
	require.Error(t, err)
	require.Contains(t, stderr, "AccessDenied", "the partner bucket is the other account's")

	// Clusters, parameter groups and logging, with the AWS CLI.
	var clusters struct {
		Clusters []struct {
			ClusterIdentifier, DBName, MasterUsername string
			Endpoint                                  struct{ Port int }
			ClusterParameterGroups                    []struct{ ParameterGroupName, ParameterApplyStatus string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(must(aws, "redshift", "describe-clusters")), &clusters))
	require.Len(t, clusters.Clusters, 2)
	byID := map[string]int{}
	for i, c := range clusters.Clusters {
		byID[c.ClusterIdentifier] = i
	}
	def, an := clusters.Clusters[byID["fakeshift"]], clusters.Clusters[byID["analytics"]]
	require.Equal(t, "fakeshift-parameters", def.ClusterParameterGroups[0].ParameterGroupName)
	require.Equal(t, "in-sync", def.ClusterParameterGroups[0].ParameterApplyStatus, "the default cluster was rebooted into its group")
	require.Equal(t, []string{"analytics", "admin"}, []string{an.DBName, an.MasterUsername})
	require.Contains(t, must(aws, "redshift", "describe-cluster-parameters", "--parameter-group-name", "fakeshift-parameters",
		"--query", "Parameters[?ParameterName=='enable_user_activity_logging'].ParameterValue", "--output", "text"), "true")
	status := must(aws, "redshift", "describe-logging-status", "--cluster-identifier", "fakeshift")
	require.Contains(t, status, `"LoggingEnabled": true`)
	require.Contains(t, status, `"S3KeyPrefix": "audit/"`)
	r = binaryPsql(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(an.Endpoint.Port)), "analytics", "admin", "Analytics1", "-c", "select current_database()")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "analytics", strings.TrimSpace(r.stdout))

	// The seed's calls are in CloudTrail, as fakeshift-seed's.
	events := must(aws, "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateCluster",
		"--query", "Events[].CloudTrailEvent", "--output", "text")
	require.Contains(t, events, "app/fakeshift-seed")

	// Alice's statements reach the seeded bucket: user activity logging is in effect.
	r = binaryPsql(t, rb.pgAddr, "dev", "alice", "Alice1234", "-c", "select 'seeded activity'")
	require.Equal(t, 0, r.code, r.stderr)
	postControl(t, rb, "/_fakeshift/flush")
	keys := must(aws, "s3", "ls", "--recursive", "s3://audit-logs/audit/AWSLogs/123456789012/redshift/us-east-1/")
	for _, log := range []string{"_connectionlog_", "_userlog_", "_useractivitylog_"} {
		require.Contains(t, keys, log)
	}
}

// TestSeedRestartLeavesItAlone: a restart on the same data dir with the same seed makes
// nothing twice and changes nothing made since.
func TestSeedRestartLeavesItAlone(t *testing.T) {
	seed, dataDir := writeSeed(t, seedYAML), t.TempDir()
	args := []string{"--seed", seed, "--data-dir", dataDir, "--cluster-ports", "0", "--log-interval", "-1s"}
	rb := startBinary(t, args...)
	r := binaryPsql(t, rb.pgAddr, "dev", "awsuser", "Fakeshift1", "-c", "alter user alice password 'Changed123'")
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, rb.cmd.Process.Signal(syscall.SIGTERM))
	<-rb.done

	rb = startBinary(t, args...)
	r = binaryPsql(t, rb.pgAddr, "dev", "alice", "Changed123", "-c", "select current_user")
	require.Equal(t, 0, r.code, "alice keeps the password set after the seed: %s", r.stderr)
	r = binaryPsql(t, rb.pgAddr, "dev", "awsuser", "Fakeshift1", "-c",
		"select count(*) from stl_userlog where username = 'alice' and action = 'create'")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "1", strings.TrimSpace(r.stdout), "alice was made once")
	aws := binaryCLI(t, rb, "test", "test")
	out, stderr, err := aws("cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateBucket",
		"--query", "length(Events)")
	require.NoError(t, err, stderr)
	require.Equal(t, "1", strings.TrimSpace(out), "audit-logs was made once")
	out, stderr, err = aws("redshift", "describe-clusters", "--query", "length(Clusters)")
	require.NoError(t, err, stderr)
	require.Equal(t, "2", strings.TrimSpace(out))
	require.Contains(t, rb.stderr.String(), `msg="seed applied" buckets=0 clusters=0 groups=0 users=0 kept=7`)
}

// TestBadSeedStopsTheStart: a seed that cannot be made stops the binary with exit code 1
// and a message that names the entry.
func TestBadSeedStopsTheStart(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"unknown field", "buckets:\n  - name: logs\n    polcy: {}\n", "line 3: field polcy not found in type fakeshift.SeedBucket"},
		{"missing bucket", "clusters:\n  - id: fakeshift\n    logging: {bucket: nope}\n",
			`seed clusters[0] "fakeshift": EnableLogging: `},
		{"no password", "clusters:\n  - id: other\n", `clusters[0] "other": master_password is required`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(fakeshiftBinary(t), "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--seed", writeSeed(t, tc.doc))
			out, err := cmd.CombinedOutput()
			require.Error(t, err)
			require.Equal(t, 1, cmd.ProcessState.ExitCode())
			require.Contains(t, string(out), tc.want)
		})
	}
}
