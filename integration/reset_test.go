package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// resetSeed is the seed the reset test starts with: one user and one bucket.
const resetSeed = `
buckets:
  - name: seeded-bucket
users:
  - name: alice
    password: Alice1234
`

// TestResetWithRealClients: things made with psql and the AWS CLI (users, tables, a schema,
// buckets and objects, a cluster, a parameter group, a trail, logging) are gone after POST
// /_fakeshift/reset; an open session was ended with 57P01; the seed is there again; and
// the default cluster takes logins and statements.
func TestResetWithRealClients(t *testing.T) {
	ctx := context.Background()
	rb := startBinary(t, "--seed", writeSeed(t, resetSeed), "--cluster-ports", "0", "--log-interval", "-1s", "--trail-interval", "-1s")
	aws := awsCLIAt(t, rb.httpURL, "test", "test")
	must := func(args ...string) string {
		t.Helper()
		out, stderr, err := aws(args...)
		require.NoError(t, err, "%v: %s", args, stderr)
		return out
	}
	sql := func(user, password string, stmts ...string) psqlResult {
		t.Helper()
		args := []string{"-At"}
		for _, s := range stmts {
			args = append(args, "-c", s)
		}
		return psqlAt(t, rb.pgAddr, "dev", user, password, "", args...)
	}

	// Made with psql.
	r := sql("awsuser", "Fakeshift1", "create user bob password 'Bob123456'", "create group staff",
		"create schema sales", "create table sales.orders (id int)", "create table notes (t varchar(20))",
		"insert into notes values ('before the reset')", "create view v_notes as select * from notes")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, 0, sql("bob", "Bob123456", "select 1").code)

	// Made with the AWS CLI.
	must("s3api", "create-bucket", "--bucket", "scratch")
	must("s3api", "put-object", "--bucket", "scratch", "--key", "a.txt", "--body", writeSeed(t, "hello"))
	must("s3api", "create-bucket", "--bucket", "trail-bucket")
	must("s3api", "put-bucket-policy", "--bucket", "trail-bucket", "--policy", cloudTrailPolicy("trail-bucket", "", "123456789012"))
	must("cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name", "trail-bucket")
	must("cloudtrail", "start-logging", "--name", "audit")
	must("s3api", "create-bucket", "--bucket", "audit-logs")
	must("s3api", "put-bucket-policy", "--bucket", "audit-logs", "--policy", redshiftLogPolicy("audit-logs"))
	must("redshift", "enable-logging", "--cluster-identifier", "fakeshift", "--bucket-name", "audit-logs")
	must("redshift", "create-cluster-parameter-group", "--parameter-group-name", "custom", "--parameter-group-family",
		"redshift-2.0", "--description", "mine")
	must("redshift", "create-cluster", "--cluster-identifier", "extra", "--node-type", "ra3.large",
		"--master-username", "admin", "--master-user-password", "Admin1234", "--cluster-parameter-group-name", "custom")

	// A session open across the reset.
	conn, err := pgx.Connect(ctx, rb.dsn("awsuser", "Fakeshift1"))
	require.NoError(t, err)
	defer conn.Close(ctx)

	out := postControl(t, rb, "/_fakeshift/reset")
	def := out["default_cluster"].(map[string]any)
	require.Equal(t, []any{"alice", "bob"}, def["users"])
	require.Equal(t, []any{"staff"}, def["groups"])
	require.ElementsMatch(t, []any{"public.notes", "sales.orders"}, def["tables"])
	require.Equal(t, []any{"public.v_notes"}, def["views"])
	require.Equal(t, []any{"sales"}, def["schemas"])
	require.Equal(t, float64(1), def["sessions"])
	require.Equal(t, []any{"extra"}, out["redshift"].(map[string]any)["clusters"])
	require.Equal(t, []any{"custom"}, out["redshift"].(map[string]any)["parameter_groups"])
	require.Equal(t, []any{"123456789012/audit"}, out["cloudtrail"].(map[string]any)["trails"])
	var buckets []string
	for _, b := range out["s3"].(map[string]any)["buckets"].([]any) {
		buckets = append(buckets, b.(map[string]any)["name"].(string))
	}
	require.Equal(t, []string{"audit-logs", "scratch", "seeded-bucket", "trail-bucket"}, buckets)
	seeded := out["seeded"].(map[string]any)
	require.Equal(t, []any{"seeded-bucket"}, seeded["buckets"])
	require.Equal(t, []any{"alice"}, seeded["users"])

	// The open session was ended, as at a reboot.
	_, err = conn.Exec(ctx, "select 1")
	require.Equal(t, "57P01", pgCode(err), "%v", err)

	// psql: bob, the tables and the records are gone; alice is back; the cluster works.
	r = sql("bob", "Bob123456", "select 1")
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, `password authentication failed for user "bob"`)
	require.Equal(t, 0, sql("alice", "Alice1234", "select 1").code)
	r = sql("awsuser", "Fakeshift1", "select * from notes")
	require.Contains(t, r.stderr, `relation "notes" does not exist`)
	r = sql("awsuser", "Fakeshift1", "select usename from pg_user order by usesysid",
		"select count(*) from stl_userlog where username = 'bob'",
		"create table notes (t varchar(20))", "insert into notes values ('after the reset')", "select t from notes")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, []string{"rdsdb", "awsuser", "alice", "0", "after the reset"},
		withoutTags(lines(r.stdout)))

	// The AWS CLI: only the seed's bucket, only the default cluster, no trail, logging off.
	require.Equal(t, "seeded-bucket", strings.TrimSpace(must("s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "text")))
	require.Equal(t, "fakeshift", strings.TrimSpace(must("redshift", "describe-clusters", "--query",
		"Clusters[].ClusterIdentifier", "--output", "text")))
	require.Equal(t, "default.redshift-1.0\tdefault.redshift-2.0", strings.TrimSpace(must("redshift",
		"describe-cluster-parameter-groups", "--query", "ParameterGroups[].ParameterGroupName", "--output", "text")))
	require.Contains(t, must("redshift", "describe-logging-status", "--cluster-identifier", "fakeshift"), `"LoggingEnabled": false`)
	require.Contains(t, must("cloudtrail", "describe-trails"), `"trailList": []`)
	require.Equal(t, "0", strings.TrimSpace(must("cloudtrail", "lookup-events", "--lookup-attributes",
		"AttributeKey=EventName,AttributeValue=CreateTrail", "--query", "length(Events)")), "CloudTrail's records are gone")
	// And the API works as on a fresh start.
	must("s3api", "create-bucket", "--bucket", "scratch")
	must("redshift", "create-cluster", "--cluster-identifier", "extra", "--node-type", "ra3.large",
		"--master-username", "admin", "--master-user-password", "Admin1234")
}

// withoutTags drops the command tags psql -t prints for statements without rows.
func withoutTags(ls []string) []string {
	var out []string
	for _, l := range ls {
		switch l {
		case "CREATE TABLE", "INSERT 0 1":
			continue
		}
		out = append(out, l)
	}
	return out
}

// TestClockControlWithPsql: POST /_fakeshift/clock/advance moves the binary's clock: the
// records psql's next session makes carry the new time.
func TestClockControlWithPsql(t *testing.T) {
	rb := startBinary(t)
	resp, err := http.Post(rb.httpURL+"/_fakeshift/clock/advance", "application/json", strings.NewReader(`{"duration": "72h"}`))
	require.NoError(t, err)
	var out struct{ Now time.Time }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.WithinDuration(t, time.Now().Add(72*time.Hour), out.Now, time.Minute)

	r := psqlAt(t, rb.pgAddr, "dev", "awsuser", "Fakeshift1", "", "-At", "-c",
		"select max(recordtime) > getdate() + interval '71 hours' from stl_connection_log")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "t", strings.TrimSpace(r.stdout), "the session's records are three days ahead of the wall clock")
}
