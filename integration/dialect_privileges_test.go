package integration

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// SET search_path decides where unqualified names are found and where tables are made, for
// psql and pgx alike.
func TestSearchPath(t *testing.T) {
	f := fixtures.New(t)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword

	r := psql(t, f, user, pw, "sslmode=disable", "-At", "-q",
		"-c", "create schema tickit",
		"-c", "create table public.t (v varchar(10))",
		"-c", "insert into public.t values ('public')",
		"-c", "create table tickit.t (v varchar(10))",
		"-c", "insert into tickit.t values ('tickit')",
		"-c", "set search_path to tickit, public",
		"-c", "show search_path",
		"-c", "select v from t",
		"-c", "create table made (a int)",
		"-c", "select schemaname from pg_table_def where tablename = 'made'",
		"-c", "reset search_path",
		"-c", "select v from t",
		"-c", "set search_path to nosuch",
		"-c", "create table lost (a int)")
	require.Equal(t, 1, r.code)
	require.Equal(t, []string{"tickit, public", "tickit", "tickit", "public"}, lines(r.stdout))
	require.Equal(t, "ERROR:  no schema has been selected to create in", strings.TrimSpace(r.stderr))

	ctx := context.Background()
	conn := f.Master()
	_, err := conn.Exec(ctx, "set search_path to '$user', tickit")
	require.NoError(t, err)
	var v string
	require.NoError(t, conn.QueryRow(ctx, "select v from t").Scan(&v))
	require.Equal(t, "tickit", v)
	// "$user" is the session user's schema as soon as it exists.
	_, err = conn.Exec(ctx, "create schema "+user)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "create table t (v varchar(10))")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "insert into t values ('mine')")
	require.NoError(t, err)
	require.NoError(t, conn.QueryRow(ctx, "select v from "+user+".t").Scan(&v))
	require.Equal(t, "mine", v)
	var path string
	require.NoError(t, conn.QueryRow(ctx, "show search_path").Scan(&path))
	require.Equal(t, `"$user", tickit`, path)
}

// GRANT and REVOKE are kept, survive a restart and decide what an ordinary user may read;
// the statements are in the audit log with the client's text.
func TestGrantRevoke(t *testing.T) {
	dir := t.TempDir()
	f, err := fixtures.Start(context.Background(), fixtures.WithDataDir(dir))
	require.NoError(t, err)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	r := psql(t, f, user, pw, "sslmode=disable", "-q",
		"-c", "create user alice password 'Alicepass1'",
		"-c", "create user bob password 'Bobpass12'",
		"-c", "create group analysts with user bob",
		"-c", "create schema finance",
		"-c", "create table finance.payroll (name varchar(20), salary int)",
		"-c", "insert into finance.payroll values ('x', 1)",
		"-c", "create table public.events (id int)",
		"-c", "grant usage on schema finance to group analysts",
		"-c", "grant select on all tables in schema finance to group analysts",
		"-c", "grant select, insert on events to alice",
		"-c", "revoke insert on events from alice")
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, f.Close())

	f, err = fixtures.Start(context.Background(), fixtures.WithDataDir(dir))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, f.Close()) })
	tests := []struct {
		user, pw, sql, out, err string
	}{
		{"alice", "Alicepass1", "select count(*) from finance.payroll", "", "ERROR:  permission denied for schema finance"},
		{"alice", "Alicepass1", "select count(*) from events", "0", ""},
		{"alice", "Alicepass1", "insert into events values (1)", "", "ERROR:  permission denied for relation events"},
		{"bob", "Bobpass12", "select count(*) from finance.payroll", "1", ""},
		{"bob", "Bobpass12", "select count(*) from events", "", "ERROR:  permission denied for relation events"},
		{"bob", "Bobpass12", "select has_table_privilege('finance.payroll', 'select'), has_schema_privilege('finance', 'create')", "t|f", ""},
		{"bob", "Bobpass12", "delete from finance.payroll", "", "ERROR:  permission denied for relation payroll"},
		{"bob", "Bobpass12", "create table finance.mine (a int)", "", "ERROR:  permission denied for schema finance"},
		{user, pw, "select count(*) from finance.payroll", "1", ""},
	}
	for _, tc := range tests {
		t.Run(tc.user+"/"+tc.sql, func(t *testing.T) {
			r := psql(t, f, tc.user, tc.pw, "sslmode=disable", "-At", "-c", tc.sql)
			require.Equal(t, tc.out, strings.TrimSpace(r.stdout))
			require.Equal(t, tc.err, strings.TrimSpace(r.stderr))
		})
	}

	// pgx sees the SQLSTATE; the refused statement is in the audit log as the client sent it.
	ctx := context.Background()
	conn, err := f.Dial(ctx, "alice", "Alicepass1")
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "select * from finance.payroll where salary > $1", 0)
	require.Equal(t, "42501", pgCode(err))
	master, err := f.DialMaster(ctx)
	require.NoError(t, err)
	defer master.Close(ctx)
	var n int
	require.NoError(t, master.QueryRow(ctx, "select count(*) from stl_query q join pg_user u on u.usesysid = q.userid "+
		"where u.usename = 'alice' and q.querytxt = 'select * from finance.payroll where salary > $1' and q.aborted = 1").Scan(&n))
	require.Equal(t, 1, n)
	require.NoError(t, master.QueryRow(ctx, "select count(*) from stl_utilitytext where text like 'grant select on all tables in schema finance%'").Scan(&n))
	require.Equal(t, 1, n)
}
