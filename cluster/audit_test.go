package cluster_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/cluster"
)

// rows reads a system table through the cluster's record source.
func rows(t *testing.T, c *cluster.Cluster, table string) [][]any {
	t.Helper()
	var out [][]any
	require.NoError(t, c.ScanSystemTable(context.Background(), table, func(row []any) error {
		out = append(out, append([]any(nil), row...))
		return nil
	}))
	return out
}

func TestUserLogMatchesTheDevGuideSample(t *testing.T) {
	c, addr := serve(t, memStore(t))
	ctx := context.Background()
	master, err := connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err)
	for _, stmt := range []string{
		"create user userlog1 password 'Userlog1'",
		"alter user userlog1 createdb createuser",
		"alter user userlog1 rename to userlog2",
		"drop user userlog2",
		"drop user if exists nobody",       // nothing to log
		"create user weak password 'weak'", // fails validation: nothing to log
	} {
		master.Exec(ctx, stmt)
	}
	var got []string
	var ids []any
	for _, r := range rows(t, c, "stl_userlog") {
		// userid, username, oldusername, action, usecreatedb, usesuper
		got = append(got, strings.Join([]string{r[1].(string), r[2].(string), r[3].(string), itoa(r[4]), itoa(r[5])}, "|"))
		ids = append(ids, r[0])
	}
	require.Equal(t, []string{
		"awsuser||create|1|1", // the master user's creation opens the log, as on a real cluster
		"userlog1||create|0|0",
		"userlog1||alter|1|1",
		"userlog2|userlog1|rename|1|1",
		"userlog2||drop|1|1",
	}, got)
	require.Equal(t, []any{int32(100), int32(101), int32(101), int32(101), int32(101)}, ids, "the user id is stable across the rename")
}

func itoa(v any) string {
	if v.(int32) == 1 {
		return "1"
	}
	return "0"
}

func TestConnectionAndActivityRecords(t *testing.T) {
	c, addr := serve(t, memStore(t))
	ctx := context.Background()
	_, err := connect(t, addr, "awsuser", "WrongPass1")
	require.Error(t, err)

	conn, err := connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "set application_name to 'audit-test'")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "create user secretive password 'Secret123'")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "select *\nfrom no_such_table")
	require.Error(t, err)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "select 1")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "select 2")
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	pid := conn.PgConn().PID()
	require.NoError(t, conn.Close(ctx))

	require.Eventually(t, func() bool {
		var events []string
		for _, r := range rows(t, c, "stl_connection_log") {
			events = append(events, r[0].(string))
		}
		return strings.Join(events, ",") == "authentication failure,authenticated,initiating session,set application_name,disconnecting session"
	}, 2*time.Second, 10*time.Millisecond)

	for _, r := range rows(t, c, "stl_connection_log") {
		require.Equal(t, "::ffff:127.0.0.1", r[2], "remote host")
		require.Equal(t, "awsuser", r[6])
		require.Equal(t, "password", r[7])
		require.Equal(t, "dev", r[5])
		if r[0] == "disconnecting session" {
			require.Equal(t, int32(pid), r[4].(int32))
			require.Greater(t, r[8].(int32), int32(0), "duration in µs")
			require.Equal(t, "audit-test", r[15], "application_name")
		}
	}

	var texts []string
	statuses := map[string]string{}
	xids := map[string]int64{}
	for _, r := range rows(t, c, "sys_query_history") {
		text := r[17].(string)
		texts = append(texts, text)
		statuses[text] = r[7].(string)
		xids[text] = r[3].(int64)
	}
	require.Contains(t, texts, "create user secretive password '***'", "passwords are masked")
	for _, text := range texts {
		require.NotContains(t, text, "Secret123")
	}
	require.Equal(t, "failed", statuses["select *\nfrom no_such_table"], "a failing statement is recorded, with its newline")
	require.Equal(t, "success", statuses["select 1"])
	require.Equal(t, xids["select 1"], xids["select 2"], "statements of one transaction share its xid")
	require.Equal(t, xids["begin"], xids["select 1"])
	require.NotEqual(t, xids["select 1"], xids["create user secretive password '***'"])

	var kinds []string
	for _, r := range rows(t, c, "svl_statementtext") {
		if r[7] == "DDL" || r[8] == "select *\nfrom no_such_table" {
			kinds = append(kinds, r[7].(string)+":"+r[8].(string))
		}
	}
	require.Contains(t, kinds, "QUERY:select *\nfrom no_such_table")
}
