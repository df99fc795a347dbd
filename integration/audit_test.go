package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/fixtures"
)

// TestUserLogDevGuideSequence runs the STL_USERLOG example of the Redshift developer guide
// with psql and reads back the same rows as the documentation's sample output.
func TestUserLogDevGuideSequence(t *testing.T) {
	f := fixtures.New(t)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	r := psql(t, f, user, pw, "sslmode=disable",
		"-c", "create user userlog1 password 'Userlog1'",
		"-c", "alter user userlog1 createdb createuser",
		"-c", "alter user userlog1 rename to userlog2",
		"-c", "drop user userlog2")
	require.Equal(t, 0, r.code, r.stderr)

	r = psql(t, f, user, pw, "sslmode=disable", "-At", "-F", ",", "-c",
		"select userid, username, oldusername, action, usecreatedb, usesuper, usecatupd from stl_userlog "+
			"where username like 'userlog%' order by recordtime")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, []string{
		"101,userlog1,,create,0,0,0",
		"101,userlog1,,alter,1,1,0",
		"101,userlog2,userlog1,rename,1,1,0",
		"101,userlog2,,drop,1,1,0",
	}, lines(r.stdout))
}

func TestConnectionLogWithPsql(t *testing.T) {
	f := fixtures.New(t)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	r := psql(t, f, user, "Wrong1234", "sslmode=disable", "-c", "select 1")
	require.Equal(t, 2, r.code)
	r = psql(t, f, user, pw, "sslmode=require", "-c", "set application_name to 'nightly-etl'", "-c", "select 1")
	require.Equal(t, 0, r.code, r.stderr)
	r = psql(t, f, user, pw, "sslmode=disable", "-c", "select 1")
	require.Equal(t, 0, r.code, r.stderr)

	query := "select event, remotehost, dbname, username, authmethod, sslversion, sslcipher, application_name, " +
		"case when event = 'disconnecting session' then duration > 0 else duration = 0 end, protocol_version, " +
		"length(sessionid) from stl_connection_log order by recordtime, event <> 'authenticated'"
	tls := ",::ffff:127.0.0.1,dev,awsuser,password,TLSv1.2,ECDHE-RSA-AES256-GCM-SHA384,"
	plain := ",::ffff:127.0.0.1,dev,awsuser,password,,,"
	want := []string{
		"authentication failure" + plain + ",t,0,36",
		"authenticated" + tls + ",t,0,36",
		"initiating session" + tls + ",t,0,36",
		"set application_name" + tls + "nightly-etl,t,0,36",
		"disconnecting session" + tls + "nightly-etl,t,0,36",
		"authenticated" + plain + ",t,0,36",
		"initiating session" + plain + ",t,0,36",
		"disconnecting session" + plain + ",t,0,36",
		// the session that reads the log
		"authenticated" + plain + ",t,0,36",
		"initiating session" + plain + ",t,0,36",
	}
	var got []string
	require.Eventually(t, func() bool {
		r = psql(t, f, user, pw, "sslmode=disable", "-At", "-F", ",", "-c", query)
		require.Equal(t, 0, r.code, r.stderr)
		got = lines(r.stdout)
		return len(got) >= len(want)
	}, 3*time.Second, 50*time.Millisecond)
	require.Equal(t, want, got[:len(want)])
}

func TestStatementsInSystemTables(t *testing.T) {
	f := fixtures.New(t)
	ctx := context.Background()
	conn := f.Master()
	_, err := conn.Exec(ctx, "create user alice password 'Alice1234'")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "select 1 as first,\n       2 as second")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "select * from no_such_table")
	require.Error(t, err)
	_, err = conn.Exec(ctx, "copy sales from 's3://bucket/key' credentials 'aws_access_key_id=AKIAEXAMPLE;aws_secret_access_key=TopSecret'")
	require.Equal(t, "0A000", pgCode(err), "COPY is refused")
	_, err = conn.Exec(ctx, "unload ('select 1') to 's3://bucket/out' access_key_id 'AKIAEXAMPLE' secret_access_key 'TopSecret'")
	require.Equal(t, "0A000", pgCode(err), "UNLOAD is refused")

	rows, err := conn.Query(ctx, "select query_text, status, query_type from sys_query_history order by query_id")
	require.NoError(t, err)
	history := map[string]string{}
	for rows.Next() {
		var text, status, qtype string
		require.NoError(t, rows.Scan(&text, &status, &qtype))
		history[text] = status + "/" + qtype
	}
	require.NoError(t, rows.Err())
	require.Equal(t, "success/UTILITY", history["create user alice password '***'"], "CREATE USER is recorded masked")
	require.Equal(t, "success/SELECT", history["select 1 as first,\n       2 as second"], "a multi-line query keeps its newline")
	require.Equal(t, "failed/SELECT", history["select * from no_such_table"], "a failing query is recorded")
	require.Equal(t, "failed/COPY", history["copy sales from 's3://bucket/key' credentials ''"], "COPY is recorded, masked")
	require.Equal(t, "failed/UNLOAD", history["unload ('select 1') to 's3://bucket/out' access_key_id '' secret_access_key ''"])
	for text := range history {
		require.NotContains(t, text, "Alice1234")
		require.NotContains(t, text, "TopSecret")
	}

	var n int
	require.NoError(t, conn.QueryRow(ctx,
		"select count(*) from svl_statementtext where type = 'QUERY' and text = 'select * from no_such_table'").Scan(&n))
	require.Equal(t, 1, n, "SVL_STATEMENTTEXT has the failed query")
	var aborted int
	require.NoError(t, conn.QueryRow(ctx,
		"select aborted from pg_catalog.stl_query where querytxt = 'select * from no_such_table'").Scan(&aborted))
	require.Equal(t, 1, aborted)

	// A regular user sees only its own statements, and no connection log.
	alice := f.Connect("alice", "Alice1234")
	_, err = alice.Exec(ctx, "select 'alice was here'")
	require.NoError(t, err)
	var users []string
	rows, err = alice.Query(ctx, "select distinct u.usename from svl_statementtext s join pg_user u on u.usesysid = s.userid")
	require.NoError(t, err)
	for rows.Next() {
		var u string
		require.NoError(t, rows.Scan(&u))
		users = append(users, u)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"alice"}, users)
	_, err = alice.Exec(ctx, "select * from stl_connection_log")
	require.Equal(t, "42501", pgCode(err))
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "permission denied for relation stl_connection_log", pgErr.Message)
}

func TestEchoAudit(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.EchoAudit = true }))
	cfg := f.Config()
	var notices []string
	pcfg, err := pgx.ParseConfig(f.MasterDSN())
	require.NoError(t, err)
	pcfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Message) }
	conn, err := pgx.ConnectConfig(context.Background(), pcfg)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), "create user echoed password 'Echoed123'")
	require.NoError(t, err)

	require.GreaterOrEqual(t, len(notices), 4, "%q", notices)
	require.True(t, strings.HasPrefix(notices[0], "authenticated |"), notices[0])
	require.True(t, strings.HasPrefix(notices[1], "initiating session |"), notices[1])
	var activity, userlog bool
	for _, n := range notices {
		if strings.HasSuffix(n, "]' LOG: create user echoed password '***'") && strings.Contains(n, "user="+cfg.MasterUser) {
			activity = true
		}
		if strings.Contains(n, "|echoed |") && strings.Contains(n, "|create |") {
			userlog = true
		}
	}
	require.True(t, activity, "the activity line: %q", notices)
	require.True(t, userlog, "the user log line: %q", notices)
}
