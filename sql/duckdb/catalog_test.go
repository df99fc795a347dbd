package duckdb

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func rowsOf(t *testing.T, r result) []string {
	t.Helper()
	out := make([]string, len(r.rows))
	for i, row := range r.rows {
		out[i] = fmt.Sprint(row)
	}
	return out
}

// CREATE TABLE's attributes are remembered and served by the catalog views.
func TestCatalogViews(t *testing.T) {
	c := newConn(t)
	mustRun(t, c, `create table users(
		userid integer not null distkey sortkey,
		username char(8),
		firstname varchar(30) encode zstd,
		likesports boolean)`)
	mustRun(t, c, `create table event(eventid integer identity(100, 10), venueid smallint not null, caldate date,
		starttime timestamp) diststyle even compound sortkey(caldate, eventid) backup no`)
	mustRun(t, c, "create table event2 (like event)")
	mustRun(t, c, "create table if not exists users (x int)")
	mustRun(t, c, "insert into event (venueid, caldate) values (1, '2008-01-01'), (2, '2008-01-02')")

	r := mustRun(t, c, `select "column", type, encoding, distkey, sortkey, "notnull" from pg_table_def where tablename = 'users'`)
	require.Equal(t, []string{
		"[userid integer none true 1 true]",
		"[username character(8) lzo false 0 false]",
		"[firstname character varying(30) zstd false 0 false]",
		"[likesports boolean none false 0 false]",
	}, rowsOf(t, r))

	r = mustRun(t, c, `select schemaname, "column", type, encoding, distkey, sortkey from pg_catalog.pg_table_def where tablename = 'event2'`)
	require.Equal(t, []string{
		"[public eventid integer none false 2]",
		"[public venueid smallint az64 false 0]",
		"[public caldate date none false 1]",
		"[public starttime timestamp without time zone az64 false 0]",
	}, rowsOf(t, r))

	r = mustRun(t, c, "select eventid from event order by 1")
	require.Equal(t, []string{"[100]", "[110]"}, rowsOf(t, r))

	r = mustRun(t, c, `select "table", diststyle, sortkey1, sortkey_num, tbl_rows from svv_table_info`)
	require.Equal(t, []string{"[event EVEN caldate 2 2]"}, rowsOf(t, r), "empty tables are not shown")

	r = mustRun(t, c, `select table_name, column_name, data_type, character_maximum_length, is_nullable
		from svv_columns where table_schema = 'public' and table_name = 'users'`)
	require.Equal(t, []string{
		"[users userid integer <nil> NO]",
		"[users username character 8 YES]",
		"[users firstname character varying 30 YES]",
		"[users likesports boolean <nil> YES]",
	}, rowsOf(t, r))

	mustRun(t, c, "create view v as select userid from users with no schema binding")
	r = mustRun(t, c, "select table_schema, table_name, table_type from svv_tables")
	require.Equal(t, []string{"[public event BASE TABLE]", "[public event2 BASE TABLE]", "[public users BASE TABLE]", "[public v VIEW]"}, rowsOf(t, r))

	// A table made again gets its new attributes, not the old ones.
	mustRun(t, c, "drop table users")
	mustRun(t, c, "create table users (userid bigint)")
	r = mustRun(t, c, `select "column", type, distkey, sortkey from pg_table_def where tablename = 'users'`)
	require.Equal(t, []string{"[userid bigint false 0]"}, rowsOf(t, r))

	// Temporary tables are in pg_temp_1.
	mustRun(t, c, "create temp table tt (a int sortkey, b varchar(5))")
	r = mustRun(t, c, `select schemaname, "column", type, sortkey from pg_table_def where tablename = 'tt'`)
	require.Equal(t, []string{"[pg_temp_1 a integer 1]", "[pg_temp_1 b character varying(5) 0]"}, rowsOf(t, r))
}

// A CREATE TABLE that fails leaves nothing behind; one in a rolled back transaction neither.
func TestCatalogTransactions(t *testing.T) {
	c := newConn(t)
	mustRun(t, c, "create table a (x int distkey)")
	e := sqlErr(t, c, "create table a (y int sortkey)")
	require.Equal(t, "42P07", e.Code)
	require.NoError(t, c.Begin(t.Context()))
	mustRun(t, c, "create table b (x int distkey)")
	require.NoError(t, c.Rollback(t.Context()))
	r := mustRun(t, c, `select tablename, "column", distkey, sortkey from pg_table_def`)
	require.Equal(t, []string{"[a x true 0]"}, rowsOf(t, r))
}

// Primary and unique keys are recorded, as Redshift records them, and not enforced: duplicate
// rows go in, a NULL in a primary key column does not (Redshift enforces NOT NULL). The
// catalog shows the keys (pg_constraint, pg_index) through renames, and forgets them with
// the table.
func TestKeysRecordedNotEnforced(t *testing.T) {
	_, conns := privEngine(t) // with the system tables, hence the pg_catalog views
	c := conns["awsuser"]
	mustRun(t, c, "create table k (id int primary key, code varchar(8), n int, unique (code, n), foreign key (n) references other (x))")
	mustRun(t, c, "insert into k values (1, 'a', 1), (1, 'a', 1)")
	require.Equal(t, [][]any{{int64(2)}}, mustRun(t, c, "select count(*) from k").rows, "duplicates go in")
	e := sqlErr(t, c, "insert into k values (null, 'b', 2)")
	require.Equal(t, "23502", e.Code)

	keys := func() [][]any {
		t.Helper()
		return mustRun(t, c, "select conname, contype, pg_get_constraintdef(co.oid) from pg_constraint co "+
			"join pg_class t on t.oid = co.conrelid where t.relname = 'k' order by conname").rows
	}
	require.Equal(t, [][]any{
		{"k_code_n_key", "u", "UNIQUE (code, n)"},
		{"k_pkey", "p", "PRIMARY KEY (id)"},
	}, keys())
	r := mustRun(t, c, "select i.indisprimary, i.indkey from pg_index i join pg_class t on t.oid = i.indrelid "+
		"where t.relname = 'k' order by 1")
	require.Equal(t, "[[false [2, 3]] [true [1]]]", fmt.Sprint(r.rows), "the keys' columns by their place in the table")

	mustRun(t, c, "alter table k rename column code to label")
	mustRun(t, c, "alter table k rename to k2")
	require.Equal(t, [][]any{
		{"k2_label_n_key", "u", "UNIQUE (label, n)"},
		{"k2_pkey", "p", "PRIMARY KEY (id)"},
	}, mustRun(t, c, "select conname, contype, pg_get_constraintdef(co.oid) from pg_constraint co "+
		"join pg_class t on t.oid = co.conrelid where t.relname = 'k2' order by conname").rows)
	// ALTER TABLE adds and drops keys in the catalog; a dropped column takes its keys along.
	mustRun(t, c, "alter table k2 drop constraint k2_pkey")
	mustRun(t, c, "alter table k2 add constraint lbl unique (label)")
	mustRun(t, c, "alter table k2 add foreign key (n) references other (x)")
	mustRun(t, c, "alter table k2 drop column n")
	e = sqlErr(t, c, "alter table k2 drop constraint nosuch")
	require.Equal(t, "42704", e.Code)
	require.Equal(t, `constraint "nosuch" of relation "k2" does not exist`, e.Message)
	mustRun(t, c, "delete from k2 where id is null")
	mustRun(t, c, "alter table k2 add primary key (id)")
	mustRun(t, c, "insert into k2 values (1, 'a')")
	e = sqlErr(t, c, "insert into k2 values (null, 'b')")
	require.Equal(t, "23502", e.Code, "a primary key added later makes its column NOT NULL")
	require.Equal(t, [][]any{
		{"k2_pkey", "p", "PRIMARY KEY (id)"},
		{"lbl", "u", "UNIQUE (label)"},
	}, mustRun(t, c, "select conname, contype, pg_get_constraintdef(co.oid) from pg_constraint co "+
		"join pg_class t on t.oid = co.conrelid where t.relname = 'k2' order by conname").rows)

	mustRun(t, c, "drop table k2")
	mustRun(t, c, "create table k2 (id int)")
	require.Empty(t, mustRun(t, c, "select conname from pg_constraint co join pg_class t on t.oid = co.conrelid "+
		"where t.relname = 'k2'").rows,
		"a new table of the name has no keys")
}
