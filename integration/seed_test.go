package integration

import (
	"context"
	"encoding/json"
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
	aws := awsCLIAt(t, rb.httpURL, "test", "test")
	must := func(run cliRun, args ...string) string {
		t.Helper()
		out, stderr, err := run(args...)
		require.NoError(t, err, "%v: %s", args, stderr)
		return out
	}

	// Users and groups of the default cluster, with psql.
	r := psqlAt(t, rb.pgAddr, "dev", "alice", "Alice1234", "", "-At", "-c", "select current_user")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "alice", strings.TrimSpace(r.stdout))
	r = psqlAt(t, rb.pgAddr, "dev", "ops", "Ops123456", "", "-At", "-c", "select usename, usesuper from pg_user order by usesysid")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, []string{"rdsdb|t", "awsuser|t", "alice|f", "ops|t"}, lines(r.stdout))
	r = psqlAt(t, rb.pgAddr, "dev", "awsuser", "Fakeshift1", "", "-At", "-c",
		"select username, action from stl_userlog where username <> 'awsuser' order by recordtime")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, []string{"alice|create", "ops|create"}, lines(r.stdout), "the seed's users are in the user log")

	// Buckets, with the AWS CLI as their owners.
	require.Contains(t, must(aws, "s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "text"), "audit-logs")
	policy := must(aws, "s3api", "get-bucket-policy", "--bucket", "audit-logs", "--query", "Policy", "--output", "text")
	require.Contains(t, policy, `"Sid":"RedshiftAuditLogging"`)
	require.Contains(t, policy, `"Version":"2012-10-17"`)
	admin := awsCLIAt(t, rb.httpURL, "AKIASEEDADMIN", "seed-admin-secret")
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
	r = psqlAt(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(an.Endpoint.Port)), "analytics", "admin", "Analytics1", "", "-At", "-c", "select current_database()")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "analytics", strings.TrimSpace(r.stdout))

	// The seed's calls are in CloudTrail, as fakeshift-seed's.
	events := must(aws, "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateCluster",
		"--query", "Events[].CloudTrailEvent", "--output", "text")
	require.Contains(t, events, "app/fakeshift-seed")

	// Alice's statements reach the seeded bucket: user activity logging is in effect.
	r = psqlAt(t, rb.pgAddr, "dev", "alice", "Alice1234", "", "-At", "-c", "select 'seeded activity'")
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
	r := psqlAt(t, rb.pgAddr, "dev", "awsuser", "Fakeshift1", "", "-At", "-c", "alter user alice password 'Changed123'")
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, rb.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-rb.done:
		require.NoError(t, rb.err, "fakeshift exits 0 on SIGTERM; stderr: %s", rb.stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("fakeshift did not exit within 10s of SIGTERM")
	}

	rb = startBinary(t, args...)
	r = psqlAt(t, rb.pgAddr, "dev", "alice", "Changed123", "", "-At", "-c", "select current_user")
	require.Equal(t, 0, r.code, "alice keeps the password set after the seed: %s", r.stderr)
	r = psqlAt(t, rb.pgAddr, "dev", "awsuser", "Fakeshift1", "", "-At", "-c",
		"select count(*) from stl_userlog where username = 'alice' and action = 'create'")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "1", strings.TrimSpace(r.stdout), "alice was made once")
	aws := awsCLIAt(t, rb.httpURL, "test", "test")
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
			bin := fakeshiftBinary(t) // built before the clock starts
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--seed", writeSeed(t, tc.doc))
			out, err := cmd.CombinedOutput()
			require.NoError(t, ctx.Err(), "fakeshift started with the bad seed and ran for 20s: %s", out)
			require.Error(t, err)
			require.Equal(t, 1, cmd.ProcessState.ExitCode(), "%s", out)
			require.Contains(t, string(out), tc.want)
		})
	}
}
