package integration

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
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
		{user, pw, "select relation_name, privilege_type, identity_name, identity_type from pg_catalog.svv_relation_privileges order by 1",
			"events|SELECT|alice|user\npayroll|SELECT|analysts|group", ""},
		{"bob", "Bobpass12", "select relation_name, privilege_type, identity_name from svv_relation_privileges", "payroll|SELECT|analysts", ""},
		{"bob", "Bobpass12", "select namespace_name, privilege_type, identity_name from svv_schema_privileges where namespace_name = 'finance'",
			"finance|USAGE|analysts", ""},
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

// A session keeps the privilege checks it passed, but never past a change that could undo
// one: through pgx, one long-lived session of bob's sees each GRANT, REVOKE (when its
// transaction commits), change of his groups and of his search path at its next statement.
func TestPrivilegesFollowChanges(t *testing.T) {
	f := fixtures.New(t)
	ctx := context.Background()
	master := f.Master()
	for _, q := range []string{
		"create user bob password 'Bobpass12'",
		"create group readers",
		"create schema other",
		"create table public.t (v int)",
		"create table other.t (v int)",
		"grant select on public.t to group readers",
		"grant usage on schema other to bob",
	} {
		_, err := master.Exec(ctx, q)
		require.NoError(t, err, q)
	}
	bob, err := f.Dial(ctx, "bob", "Bobpass12")
	require.NoError(t, err)
	t.Cleanup(func() { bob.Close(context.Background()) })
	step := func(who interface {
		Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
	}, q string) {
		t.Helper()
		_, err := who.Exec(ctx, q)
		require.NoError(t, err, q)
	}
	canRead := func(want bool, why string) {
		t.Helper()
		for range 2 { // the second from the session's cache, when the first passed
			_, err := bob.Exec(ctx, "select v from t")
			if want {
				require.NoError(t, err, why)
			} else {
				require.Equal(t, "42501", pgCode(err), why)
			}
		}
	}
	canRead(false, "bob is in no group")
	step(master, "alter group readers add user bob")
	canRead(true, "bob joined readers")
	step(master, "alter group readers drop user bob")
	canRead(false, "bob left readers")
	step(master, "grant select on public.t to bob")
	canRead(true, "granted to bob")

	tx, err := master.Begin(ctx)
	require.NoError(t, err)
	step(tx, "revoke select on public.t from bob")
	canRead(true, "the revoke is not committed")
	require.NoError(t, tx.Commit(ctx))
	canRead(false, "the revoke is committed")

	step(master, "grant select on public.t to bob")
	canRead(true, "granted again")
	step(bob, "set search_path to other, public")
	canRead(false, "t is other.t on bob's new path")
	step(bob, "reset search_path")
	canRead(true, "t is public.t again")
}
