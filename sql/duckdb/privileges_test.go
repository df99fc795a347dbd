package duckdb

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

// What each statement needs, from its tokens.
func TestNeeds(t *testing.T) {
	sel := func(s, n string) need { return need{kind: objRelation, schema: s, name: n, priv: privSelect} }
	tests := []struct {
		in   string
		want []need
	}{
		{"select 1", nil},
		{"select * from sales s join users u on s.buyerid = u.userid, public.event e",
			[]need{sel("", "sales"), sel("", "users"), sel("public", "event")}},
		{"with top as (select * from sales) select * from top, (select 1 from venue) v where exists (select 1 from dev.tickit.users)",
			[]need{sel("", "sales"), sel("", "venue"), sel("tickit", "users")}},
		{"select * from generate_series(1, 3), stl_query", []need{sel("", "stl_query")}},
		{"insert into sales (a) select a from listing",
			[]need{{kind: objRelation, name: "sales", priv: privInsert}, sel("", "listing")}},
		{"update s.t set a = 1", []need{{kind: objRelation, schema: "s", name: "t", priv: privUpdate}}},
		{"update t set a = u.a from u where t.id = u.id", []need{
			{kind: objRelation, name: "t", priv: privUpdate}, {kind: objRelation, name: "t", priv: privSelect}, sel("", "u")}},
		{"delete from t", []need{{kind: objRelation, name: "t", priv: privDelete}}},
		{"delete t where a in (select a from u)", []need{
			{kind: objRelation, name: "t", priv: privDelete}, {kind: objRelation, name: "t", priv: privSelect}, sel("", "u")}},
		{"with x as (select 1) insert into t select * from x", []need{{kind: objRelation, name: "t", priv: privInsert}}},
		{"truncate table a, s.b", []need{
			{kind: objRelation, name: "a", priv: privTruncate, owner: true}, {kind: objRelation, schema: "s", name: "b", priv: privTruncate, owner: true}}},
		{"drop table if exists a, b", []need{
			{kind: objRelation, name: "a", priv: privDrop, owner: true}, {kind: objRelation, name: "b", priv: privDrop, owner: true}}},
		{"alter table a rename to b", []need{{kind: objRelation, name: "a", priv: privAlter, owner: true}}},
		{"drop schema s, t", []need{{kind: objSchema, name: "s", priv: privDrop, owner: true}, {kind: objSchema, name: "t", priv: privDrop, owner: true}}},
		{"create schema s", []need{{kind: objDatabase, priv: privCreate}}},
		{"create table t (a int references u(a))", []need{{kind: objSchema, priv: privCreate},
			{kind: objRelation, name: "u", priv: privReferences}}},
		{"create table s.t as select * from u", []need{{kind: objSchema, name: "s", priv: privCreate}, sel("", "u")}},
		{"create table t2 (like t1)", []need{{kind: objSchema, priv: privCreate}, sel("", "t1")}},
		{"create temp table t (a int)", []need{{kind: objDatabase, priv: privTemp}}},
		{"create or replace view v as select * from t", []need{{kind: objSchema, priv: privCreate}, sel("", "t")}},
		{"grant select on t to bob", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			tr, err := translate(tc.in)
			require.Nil(t, err)
			require.Equal(t, tc.want, tr.needs)
		})
	}
}

// A long INSERT ... VALUES translates in time linear in its length: what it needs used to
// be worked out by looking back from every comma for its clause (16,000 rows: 6 s).
func TestTranslateLongInsert(t *testing.T) {
	q := longInsert(16000)
	start := time.Now()
	tr, err := translate(q)
	elapsed := time.Since(start)
	require.Nil(t, err)
	require.Equal(t, []need{{kind: objRelation, name: "t", priv: privInsert}}, tr.needs)
	require.Less(t, elapsed, 500*time.Millisecond)
}

// BenchmarkTranslateLongInsert translates an INSERT of 16,000 rows of VALUES.
func BenchmarkTranslateLongInsert(b *testing.B) {
	q := longInsert(16000)
	for b.Loop() {
		if _, err := translate(q); err != nil {
			b.Fatal(err)
		}
	}
}

// longInsert is an INSERT of n rows of VALUES into t.
func longInsert(n int) string {
	var sb strings.Builder
	sb.WriteString("insert into t (a, b, c) values ")
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "(%d, 'name %d', %d.5)", i, i, i)
	}
	return sb.String()
}

// privEngine is an engine whose users are the master user (100, a superuser), bob (101),
// carol (102) and dave (103), with bob and carol in group readers (100).
func privEngine(t testing.TB) (*Engine, map[string]sql.Conn) {
	src := newFakeSource()
	src.set("pg_user", [][]any{
		{"awsuser", int32(100), true, true, false, "********", nil, nil},
		{"bob", int32(101), false, false, false, "********", nil, nil},
		{"carol", int32(102), false, false, false, "********", nil, nil},
		{"dave", int32(103), false, false, false, "********", nil, nil},
	})
	src.set("pg_group", [][]any{{"readers", int32(100), []int32{101, 102}}})
	e := openEngine(t, Config{Source: src})
	conns := map[string]sql.Conn{}
	for _, id := range []sql.Identity{
		{User: "awsuser", UserID: 100, Superuser: true, Database: "dev", PID: 1},
		{User: "bob", UserID: 101, Database: "dev", PID: 2},
		{User: "carol", UserID: 102, Database: "dev", PID: 3},
		{User: "dave", UserID: 103, Database: "dev", PID: 4},
	} {
		conns[id.User] = connect(t, e, id)
	}
	return e, conns
}

// Privileges are granted, taken back and enforced for users who are not superusers; owners
// and superusers have every privilege.
func TestPrivileges(t *testing.T) {
	_, c := privEngine(t)
	mustRun(t, c["awsuser"], "create table sales (id int, qty int)")
	mustRun(t, c["awsuser"], "insert into sales values (1, 10)")
	mustRun(t, c["awsuser"], "create schema hr")
	mustRun(t, c["awsuser"], "create table hr.pay (id int)")

	steps := []struct {
		user, query string
		code, msg   string // "" when the statement succeeds
	}{
		{"bob", "select * from sales", "42501", "permission denied for relation sales"},
		{"bob", "select * from (select id from sales) x", "42501", "permission denied for relation sales"},
		{"bob", "select has_table_privilege('sales', 'select'), has_table_privilege('awsuser', 'public.sales', 'SELECT')", "", ""},
		{"awsuser", "grant select on sales to group readers", "", ""},
		{"bob", "select * from sales", "", ""},
		{"carol", "select qty from public.sales", "", ""},
		{"dave", "select * from sales", "42501", "permission denied for relation sales"},
		{"bob", "insert into sales values (2, 1)", "42501", "permission denied for relation sales"},
		{"bob", "grant select on sales to dave", "42501", "permission denied for relation sales"},
		{"awsuser", "grant insert, update on table sales to bob with grant option", "", ""},
		{"bob", "insert into sales values (2, 1)", "", ""},
		{"bob", "update sales set qty = 2", "", ""},
		{"bob", "grant insert on sales to dave", "", ""},
		{"dave", "insert into sales select * from sales", "42501", "permission denied for relation sales"},
		{"dave", "insert into sales values (3, 3)", "", ""},
		{"bob", "delete from sales where id = 3", "42501", "permission denied for relation sales"},
		{"bob", "drop table sales", "42501", "must be owner of relation sales"},
		{"bob", "truncate sales", "42501", "must be owner of relation sales"},
		{"awsuser", "revoke all on sales from group readers", "", ""},
		{"carol", "select * from sales", "42501", "permission denied for relation sales"},
		{"bob", "select * from sales", "42501", "permission denied for relation sales"},
		{"awsuser", "grant select on all tables in schema hr to public", "", ""},
		{"bob", "select * from hr.pay", "42501", "permission denied for schema hr"},
		{"awsuser", "grant usage on schema hr to bob", "", ""},
		{"bob", "select * from hr.pay", "", ""},
		{"bob", "create table hr.mine (a int)", "42501", "permission denied for schema hr"},
		{"bob", "create schema bobs", "42501", "permission denied for database dev"},
		{"awsuser", "grant create on database dev to bob", "", ""},
		{"bob", "create schema bobs", "", ""},
		{"bob", "create table bobs.mine (a int)", "", ""},
		{"bob", "insert into bobs.mine values (1)", "", ""},
		{"carol", "select * from bobs.mine", "42501", "permission denied for schema bobs"},
		{"bob", "grant usage on schema bobs to carol", "", ""},
		{"bob", "grant select on bobs.mine to carol", "", ""},
		{"carol", "select * from bobs.mine", "", ""},
		{"bob", "create table mine2 (a int)", "", ""},
		{"carol", "select * from mine2", "42501", "permission denied for relation mine2"},
		{"bob", "drop table mine2", "", ""},
		{"awsuser", "revoke create on schema public from public", "", ""},
		{"bob", "create table mine3 (a int)", "42501", "permission denied for schema public"},
		{"awsuser", "revoke temp on database dev from public", "", ""},
		{"dave", "create temp table t (a int)", "42501", `permission denied to create temporary tables in database "dev"`},
		{"awsuser", "grant select on nosuch to bob", "42P01", `relation "nosuch" does not exist`},
		{"awsuser", "grant select on sales to nobody", "42704", `user "nobody" does not exist`},
		{"awsuser", "grant select on sales to group nogroup", "42704", `group "nogroup" does not exist`},
		{"awsuser", "grant usage on schema nosuch to bob", "3F000", `schema "nosuch" does not exist`},
		{"awsuser", "grant create on database other to bob", "3D000", `database "other" does not exist`},
	}
	for i, st := range steps {
		if e := step(t, c[st.user], st.query, st.code, "step %d: %s: %s", i, st.user, st.query); e != nil {
			require.Equal(t, st.msg, e.Message, "step %d: %s: %s", i, st.user, st.query)
		}
	}

	r := mustRun(t, c["carol"], "select has_table_privilege('sales', 'select'), has_table_privilege('bobs.mine', 'select'), "+
		"has_schema_privilege('bobs', 'usage'), has_schema_privilege('dave', 'bobs', 'usage'), has_table_privilege('awsuser', 'sales', 'delete')")
	require.Equal(t, []any{false, true, true, false, true}, r.rows[0])
	r = mustRun(t, c["awsuser"], "select relname, pg_get_userbyid(relowner) from pg_class where relname in ('sales', 'mine') order by 1")
	require.Equal(t, [][]any{{"mine", "bob"}, {"sales", "awsuser"}}, r.rows)
}

// A table made again after a drop starts with no grants; a renamed table keeps its owner
// and grants.
func TestPrivilegesFollowTheTable(t *testing.T) {
	_, c := privEngine(t)
	mustRun(t, c["awsuser"], "create table t (a int)")
	mustRun(t, c["awsuser"], "grant select on t to bob")
	mustRun(t, c["awsuser"], "alter table t rename to u")
	mustRun(t, c["bob"], "select * from u")
	mustRun(t, c["awsuser"], "drop table u")
	mustRun(t, c["awsuser"], "create table u (a int)")
	require.Equal(t, "42501", sqlErr(t, c["bob"], "select * from u").Code)
	// A rolled back GRANT grants nothing.
	require.NoError(t, c["awsuser"].Begin(t.Context()))
	mustRun(t, c["awsuser"], "grant select on u to bob")
	require.NoError(t, c["awsuser"].Rollback(t.Context()))
	require.Equal(t, "42501", sqlErr(t, c["bob"], "select * from u").Code)

	// A view made again by another user after a drop is that user's, with no grants (CREATE
	// OR REPLACE keeps the owner and grants it finds).
	mustRun(t, c["awsuser"], "create view v as select 1 as a")
	mustRun(t, c["awsuser"], "grant select on v to bob")
	mustRun(t, c["awsuser"], "drop view v")
	mustRun(t, c["carol"], "create or replace view v as select 2 as a")
	require.Equal(t, "42501", sqlErr(t, c["bob"], "select * from v").Code)
	r := mustRun(t, c["awsuser"], "select pg_get_userbyid(relowner) from pg_class where relname = 'v'")
	require.Equal(t, [][]any{{"carol"}}, r.rows)

	// A dropped schema takes its grants and those of its relations with it.
	mustRun(t, c["awsuser"], "create schema s")
	mustRun(t, c["awsuser"], "create table s.t (a varchar(10) encode zstd)")
	mustRun(t, c["awsuser"], "grant usage on schema s to bob")
	mustRun(t, c["awsuser"], "grant select on s.t to bob")
	mustRun(t, c["bob"], "select * from s.t")
	mustRun(t, c["awsuser"], "drop schema s cascade")
	mustRun(t, c["awsuser"], "create schema s")
	mustRun(t, c["awsuser"], "create view s.t as select 1 as a")
	e := sqlErr(t, c["bob"], "select * from s.t")
	require.Equal(t, "42501", e.Code)
	require.Equal(t, "permission denied for schema s", e.Message)

	// Nothing is left of what was dropped.
	mustRun(t, c["awsuser"], "drop view s.t")
	mustRun(t, c["awsuser"], "drop table u")
	mustRun(t, c["carol"], "drop view v")
	for _, q := range []string{
		"SELECT kind, schema_name, name FROM fakeshift_catalog.owners WHERE kind = 'relation'",
		"SELECT kind, schema_name, name FROM fakeshift_catalog.grants WHERE kind = 'relation'",
		"SELECT schema_name, table_name FROM fakeshift_catalog.tables",
		"SELECT schema_name, table_name FROM fakeshift_catalog.columns",
	} {
		require.Empty(t, rawRows(t, c["awsuser"], q), q)
	}
}

// rawRows runs a query of fakeshift's own (the catalog schema) on c.
func rawRows(t testing.TB, c sql.Conn, query string) [][]any {
	t.Helper()
	conn := c.(*Conn)
	conn.mu.Lock()
	defer conn.mu.Unlock()
	rows, err := conn.rawQuery(t.Context(), query)
	require.Nil(t, err)
	return rows
}

// Unqualified names go through the search path; objects made without a schema go into the
// first schema of the path that exists.
// A check a session passed is not asked of the catalog again until something that could
// change its answer happened: a grant or revoke (at its statement and again when its
// transaction ends), a change of the users' groups, the session's search path.
func TestPrivilegeCache(t *testing.T) {
	e, c := privEngine(t)
	admin, bob := c["awsuser"], c["bob"]
	src := e.src.(*fakeSource)
	mustRun(t, admin, "create schema s1")
	mustRun(t, admin, "create table public.t (v varchar)")
	mustRun(t, admin, "create table s1.t (v varchar)")
	mustRun(t, admin, "grant select on public.t to group readers")
	mustRun(t, admin, "grant usage on schema s1 to bob")

	allowed := func(want bool, why string) {
		t.Helper()
		code := "42501"
		if want {
			code = ""
		}
		step(t, bob, "select v from t", code, why)
	}
	allowed(true, "a member of readers")
	allowed(true, "again, from the cache")
	require.True(t, bob.(*Conn).passed.has(need{kind: objRelation, name: "t", priv: privSelect}), "the check is cached")

	src.set("pg_group", [][]any{{"readers", int32(100), []int32{102}}})
	allowed(false, "bob left readers")
	src.set("pg_group", [][]any{{"readers", int32(100), []int32{101, 102}}})
	allowed(true, "bob is back")

	require.NoError(t, admin.Begin(t.Context())) // as a cluster runs BEGIN and COMMIT
	mustRun(t, admin, "revoke select on public.t from group readers")
	allowed(true, "the revoke is not committed")
	require.NoError(t, admin.Commit(t.Context()))
	allowed(false, "the revoke is committed")
	mustRun(t, admin, "grant select on public.t to bob")
	allowed(true, "granted to bob")

	require.NoError(t, bob.SetSearchPath([]string{"s1", "public"}))
	allowed(false, "t is s1.t now")
	require.NoError(t, bob.SetSearchPath([]string{"public"}))
	allowed(true, "t is public.t again")

	mustRun(t, admin, "alter table public.t rename to gone")
	mustRun(t, admin, "create table public.t (v varchar)")
	allowed(false, "a new table of the same name has no grants")
}

// step runs query on conn and checks that it succeeds (code "") or fails with code; it
// returns the error, for the caller to check its message. msgAndArgs name the step.
func step(t *testing.T, conn sql.Conn, query, code string, msgAndArgs ...any) *sql.Error {
	t.Helper()
	_, err := run(t.Context(), conn, query)
	if code == "" {
		require.NoError(t, err, msgAndArgs...)
		return nil
	}
	var e *sql.Error
	require.ErrorAs(t, err, &e, msgAndArgs...)
	require.Equal(t, code, e.Code, msgAndArgs...)
	return e
}

func TestSearchPath(t *testing.T) {
	e, c := privEngine(t)
	admin := c["awsuser"]
	mustRun(t, admin, "create schema s1")
	mustRun(t, admin, "create table public.t (v varchar)")
	mustRun(t, admin, "insert into public.t values ('public')")
	mustRun(t, admin, "create table s1.t (v varchar)")
	mustRun(t, admin, "insert into s1.t values ('s1')")
	where := func(conn sql.Conn, table string) string {
		t.Helper()
		r := mustRun(t, conn, "select table_schema from svv_tables where table_name = '"+table+"'")
		require.Len(t, r.rows, 1)
		return r.rows[0][0].(string)
	}
	tests := []struct {
		path    []string
		read    string // what select v from t answers
		created string // the schema of a table made without one
	}{
		{[]string{sql.UserSchema, "public"}, "public", "public"},
		{[]string{"s1", "public"}, "s1", "s1"},
		{[]string{"nosuch", "public", "s1"}, "public", "public"},
		{[]string{sql.UserSchema, "s1"}, "s1", "s1"},
	}
	for i, tc := range tests {
		require.NoError(t, admin.SetSearchPath(tc.path))
		require.Equal(t, [][]any{{tc.read}}, mustRun(t, admin, "select v from t").rows, "path %v", tc.path)
		name := "made" + string(rune('a'+i))
		mustRun(t, admin, "create table "+name+" (a int sortkey)")
		require.Equal(t, tc.created, where(admin, name))
		r := mustRun(t, admin, "select schemaname from pg_table_def where tablename = '"+name+"'")
		require.Equal(t, [][]any{{tc.created}}, r.rows)
	}

	// "$user" is the session user's schema once it exists, for every session.
	bob := c["bob"]
	mustRun(t, admin, "create schema bob")
	mustRun(t, admin, "grant usage, create on schema bob to bob")
	mustRun(t, bob, "create table mine (a int)")
	require.Equal(t, "bob", where(admin, "mine"))

	// No schema of the path exists: nothing can be made without a schema.
	require.NoError(t, admin.SetSearchPath([]string{"nosuch"}))
	e3 := sqlErr(t, admin, "create table lost (a int)")
	require.Equal(t, "3F000", e3.Code)
	require.Equal(t, "no schema has been selected to create in", e3.Message)
	mustRun(t, admin, "create table public.found (a int)")
	_ = e
}

// The statements that make or rename objects record their owners: what DuckDB runs and what
// follows it.
func TestTranslateOwnership(t *testing.T) {
	tests := []struct {
		name, in, want string
		after          []string // substrings, in order, of the statements that follow
		skipIf         bool
	}{
		{"schema", "create schema s", `CREATE SCHEMA "s"`,
			[]string{"DELETE FROM fakeshift_catalog.owners WHERE kind = 'schema' AND schema_name = 's'",
				"DELETE FROM fakeshift_catalog.grants", "INSERT INTO fakeshift_catalog.owners SELECT 'schema', 's', '', current_user_id()"}, false},
		{"schema if not exists with quota", "create schema if not exists s quota 50 gb", `CREATE SCHEMA IF NOT EXISTS "s"`,
			[]string{"INSERT INTO fakeshift_catalog.owners"}, true},
		{"schema authorization", "create schema s authorization bob", `CREATE SCHEMA "s"`,
			[]string{"SELECT 'schema', 's', '', CASE WHEN (SELECT usesysid FROM pg_user WHERE usename = 'bob') IS NULL THEN error("}, false},
		{"schema named after its owner", "create schema authorization bob", `CREATE SCHEMA "bob"`,
			[]string{"SELECT 'schema', 'bob', ''"}, false},
		{"view", "create view s.v as select 1 with no schema binding", "create view s.v as select 1",
			[]string{"DELETE FROM fakeshift_catalog.owners WHERE kind = 'relation' AND schema_name = 's' AND name = 'v'",
				"INSERT INTO fakeshift_catalog.owners SELECT 'relation', 's', 'v', current_user_id()"}, false},
		{"view replaced keeps its owner", "create or replace view v as select 1", "create or replace view v as select 1",
			[]string{"INSERT INTO fakeshift_catalog.owners SELECT 'relation', current_schema(), 'v', current_user_id() WHERE NOT EXISTS"}, false},
		{"table", "create table t (a int)", "CREATE TABLE t (a INTEGER)",
			[]string{"DELETE FROM fakeshift_catalog.owners WHERE kind = 'relation' AND schema_name = current_schema() AND name = 't'",
				"INSERT INTO fakeshift_catalog.owners SELECT 'relation', current_schema(), 't', current_user_id()"}, false},
		{"rename", "alter table s.t rename to u", "alter table s.t rename to u",
			[]string{"UPDATE fakeshift_catalog.owners SET name = 'u' WHERE kind = 'relation' AND schema_name = (SELECT schema_key FROM fakeshift_catalog.resolve('s', 'u')) AND name = 't'",
				"UPDATE fakeshift_catalog.grants SET name = 'u'", "UPDATE fakeshift_catalog.tables SET table_name = 'u'",
				"UPDATE fakeshift_catalog.columns SET table_name = 'u'"}, false},
		{"drop tables", "drop table if exists t, s.u cascade", "drop table if exists t, s.u cascade",
			[]string{"DELETE FROM fakeshift_catalog.owners WHERE kind = 'relation' AND name = 't' AND (schema_name = 'pg_temp' OR list_contains(current_schemas(false), schema_name)) AND NOT EXISTS",
				"DELETE FROM fakeshift_catalog.grants", "DELETE FROM fakeshift_catalog.tables", "DELETE FROM fakeshift_catalog.columns",
				"DELETE FROM fakeshift_catalog.owners WHERE kind = 'relation' AND name = 'u' AND schema_name = 's' AND NOT EXISTS"}, false},
		{"drop schema", "drop schema if exists s cascade", "drop schema if exists s cascade",
			[]string{"DELETE FROM fakeshift_catalog.owners WHERE schema_name = 's' AND kind IN ('schema', 'relation')",
				"DELETE FROM fakeshift_catalog.grants WHERE schema_name = 's'", "DELETE FROM fakeshift_catalog.tables WHERE schema_name = 's'",
				"DELETE FROM fakeshift_catalog.columns WHERE schema_name = 's'"}, false},
		{"rename column", "alter table t rename column a to b", "alter table t rename column a to b",
			[]string{"UPDATE fakeshift_catalog.columns SET column_name = 'b' WHERE schema_name = (SELECT schema_key FROM fakeshift_catalog.resolve(NULL, 't')) AND table_name = 't' AND column_name = 'a'"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := translate(tc.in)
			require.Nil(t, err)
			require.Equal(t, tc.want, tr.text)
			require.Equal(t, tc.skipIf, tr.skipIf != "")
			requireInOrder(t, tr.after, tc.after)
		})
	}
}

// ResetCatalog leaves the owners and grants of a new database, and no IDENTITY sequence.
func TestResetCatalog(t *testing.T) {
	e, c := privEngine(t)
	admin := c["awsuser"]
	mustRun(t, admin, "create table t (id bigint identity(1, 1), a int)")
	mustRun(t, admin, "grant select on t to bob")
	mustRun(t, admin, "grant create on database dev to bob")
	mustRun(t, admin, "revoke create on schema public from public")
	mustRun(t, admin, "drop table t")
	require.NotEmpty(t, rawRows(t, admin, "SELECT sequence_name FROM duckdb_sequences() WHERE schema_name = 'fakeshift_catalog'"))
	require.NoError(t, e.ResetCatalog(t.Context()))
	require.Equal(t, [][]any{{"database", "", "", int32(100)}, {"schema", "public", "", int32(100)}},
		rawRows(t, admin, "SELECT * FROM fakeshift_catalog.owners ORDER BY ALL"))
	require.Equal(t, [][]any{{"database", "", "", "public", int32(0), "TEMP"}, {"schema", "public", "", "public", int32(0), "CREATE"},
		{"schema", "public", "", "public", int32(0), "USAGE"}},
		rawRows(t, admin, "SELECT kind, schema_name, name, grantee_kind, grantee, privilege FROM fakeshift_catalog.grants ORDER BY ALL"))
	require.Empty(t, rawRows(t, admin, "SELECT sequence_name FROM duckdb_sequences() WHERE schema_name = 'fakeshift_catalog'"))
	mustRun(t, c["bob"], "create table mine (a int)")

	// Whether a view may exist is found out again once no session is connected.
	mustRun(t, admin, "create view v as select 1 as a")
	require.NoError(t, e.ResetCatalog(t.Context()))
	require.True(t, e.views.Load(), "sessions are connected")
	mustRun(t, admin, "drop view v")
	for _, conn := range c {
		require.NoError(t, conn.Close())
	}
	require.NoError(t, e.ResetCatalog(t.Context()))
	require.False(t, e.views.Load(), "no view is left")
}

// REVOKE takes back the grants that rest on the grant option it takes away with CASCADE, and
// fails while there are such grants without it.
func TestRevokeCascade(t *testing.T) {
	_, c := privEngine(t)
	steps := []struct {
		user, query string
		code        string // "" when the statement succeeds
	}{
		{"awsuser", "create table r (a int)", ""},
		{"awsuser", "grant select on r to bob with grant option", ""},
		{"bob", "grant select on r to carol with grant option", ""},
		{"carol", "grant select on r to dave", ""},
		{"bob", "grant select on r to group readers", ""},
		{"awsuser", "revoke select on r from bob", "2BP01"},
		{"awsuser", "revoke select on r from bob restrict", "2BP01"},
		{"awsuser", "revoke grant option for select on r from bob", "2BP01"},
		{"awsuser", "revoke grant option for select on r from carol", "2BP01"},
		{"dave", "select * from r", ""},
		{"awsuser", "revoke select on r from awsuser", ""}, // the owner's grants rest on nothing
		{"awsuser", "revoke grant option for select on r from bob cascade", ""},
		{"bob", "select * from r", ""},
		{"carol", "select * from r", "42501"}, // readers' grant went with bob's option
		{"dave", "select * from r", "42501"},
		{"bob", "grant select on r to dave", "42501"},
		{"awsuser", "revoke select on r from bob", ""},
		{"bob", "select * from r", "42501"},
	}
	for i, st := range steps {
		if e := step(t, c[st.user], st.query, st.code, "step %d: %s: %s", i, st.user, st.query); e != nil && e.Code == "2BP01" {
			require.Equal(t, "dependent privileges exist", e.Message)
			require.Equal(t, "Use CASCADE to revoke them too.", e.Hint)
		}
	}
}

// resolve finds what the catalog's resolve macro finds: a temporary relation first, then by
// the search path, a view hiding a table of a later schema.
func TestResolve(t *testing.T) {
	e, c := privEngine(t)
	admin := c["awsuser"]
	conn := admin.(*Conn)
	both := func(schema, name string) (got, want *resolved) {
		t.Helper()
		conn.mu.Lock()
		defer conn.mu.Unlock()
		require.Nil(t, conn.applyPath(t.Context()))
		got, err := conn.resolve(t.Context(), schema, name)
		require.Nil(t, err)
		s := "NULL"
		if schema != "" {
			s = quote(schema)
		}
		rows, err := conn.rawQuery(t.Context(), "SELECT schema_key, name, temporary FROM fakeshift_catalog.resolve("+s+", "+quote(name)+")")
		require.Nil(t, err)
		if len(rows) > 0 {
			want = &resolved{schema: rows[0][0].(string), name: rows[0][1].(string), temporary: rows[0][2].(bool)}
		}
		return got, want
	}
	steps := []struct {
		do           string   // a statement to run first, if any
		path         []string // the search path to set first, if any
		schema, name string
		want         *resolved
	}{
		{do: "create table t (a int)", name: "t", want: &resolved{"public", "t", false}},
		{name: "T", want: &resolved{"public", "t", false}},
		{name: "nosuch"},
		{do: "create schema s1", schema: "s1", name: "t"},
		{do: "create view s1.t as select 1 as a", path: []string{"s1", "public"}, name: "t", want: &resolved{"s1", "t", false}},
		{schema: "public", name: "t", want: &resolved{"public", "t", false}},
		{path: []string{"public", "s1"}, name: "t", want: &resolved{"public", "t", false}},
		{do: "create view s1.v as select 1 as a", name: "v", want: &resolved{"s1", "v", false}},
		{do: "create temp view t as select 2 as a", name: "t", want: &resolved{tempSchemaKey, "t", true}},
		{schema: "pg_temp_1", name: "t", want: &resolved{tempSchemaKey, "t", true}},
		{do: "create temp table tt (a int)", name: "tt", want: &resolved{tempSchemaKey, "tt", true}},
	}
	require.False(t, e.views.Load(), "no view yet")
	for i, st := range steps {
		if st.do != "" {
			mustRun(t, admin, st.do)
		}
		if st.path != nil {
			require.NoError(t, admin.SetSearchPath(st.path))
		}
		got, want := both(st.schema, st.name)
		require.Equal(t, st.want, got, "step %d: %s.%s", i, st.schema, st.name)
		require.Equal(t, want, got, "step %d: %s.%s, as the catalog's resolve", i, st.schema, st.name)
	}
	require.True(t, e.views.Load())
}

// SVV_RELATION_PRIVILEGES and SVV_SCHEMA_PRIVILEGES list the grants made explicitly, with
// their grantees' names; a user who is not a superuser sees the rows of his own identities
// (himself, his groups, PUBLIC).
func TestPrivilegeViews(t *testing.T) {
	_, c := privEngine(t)
	admin := c["awsuser"]
	for _, q := range []string{
		"create schema hr",
		"create table hr.pay (id int)",
		"create table public.orders (id int)",
		"grant usage on schema hr to group readers",
		"grant select on hr.pay to group readers",
		"grant select, insert on public.orders to bob with grant option",
		"grant select on public.orders to dave",
		"grant references on public.orders to public",
	} {
		mustRun(t, admin, q)
	}
	const rel = "select namespace_name, relation_name, privilege_type, identity_id, identity_name, identity_type, admin_option " +
		"from svv_relation_privileges order by 1, 2, 3, 5"
	require.Equal(t, [][]any{
		{"hr", "pay", "SELECT", int32(100), "readers", "group", false},
		{"public", "orders", "INSERT", int32(101), "bob", "user", true},
		{"public", "orders", "REFERENCES", int32(0), "public", "public", false},
		{"public", "orders", "SELECT", int32(101), "bob", "user", true},
		{"public", "orders", "SELECT", int32(103), "dave", "user", false},
	}, mustRun(t, admin, rel).rows)
	require.Equal(t, [][]any{
		{"hr", "pay", "SELECT", int32(100), "readers", "group", false},
		{"public", "orders", "INSERT", int32(101), "bob", "user", true},
		{"public", "orders", "REFERENCES", int32(0), "public", "public", false},
		{"public", "orders", "SELECT", int32(101), "bob", "user", true},
	}, mustRun(t, c["bob"], rel).rows, "bob sees his own rows, his group's and PUBLIC's")

	const sch = "select namespace_name, privilege_type, identity_name, identity_type, admin_option, privilege_scope " +
		"from svv_schema_privileges order by 1, 2, 3"
	require.Equal(t, [][]any{
		{"hr", "USAGE", "readers", "group", false, "SCHEMA"},
		{"public", "CREATE", "public", "public", false, "SCHEMA"},
		{"public", "USAGE", "public", "public", false, "SCHEMA"},
	}, mustRun(t, admin, sch).rows)
	require.Equal(t, [][]any{
		{"public", "CREATE", "public", "public", false, "SCHEMA"},
		{"public", "USAGE", "public", "public", false, "SCHEMA"},
	}, mustRun(t, c["dave"], sch).rows, "dave is in no group")
}
