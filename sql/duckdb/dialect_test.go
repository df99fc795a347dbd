package duckdb

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Each rewrite, by the text it gives DuckDB.
func TestTranslate(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"untouched", "select a, b from t where c = 'nvl(x)' -- decode(\n", "select a, b from t where c = 'nvl(x)' -- decode(\n"},
		{"nvl", "select nvl(a, b, 0) from t", "select coalesce(a, b, 0) from t"},
		{"decode", "select decode(c, 'A', 1, 'B', 2, 0) from t",
			"select CASE WHEN (c) IS NOT DISTINCT FROM ('A') THEN 1 WHEN (c) IS NOT DISTINCT FROM ('B') THEN 2 ELSE 0 END from t"},
		{"decode without default", "select decode(c, 1, 'one')", "select CASE WHEN (c) IS NOT DISTINCT FROM (1) THEN 'one' END"},
		{"decode of a blob is DuckDB's", "select decode(b)", "select decode(b)"},
		{"nested", "select decode(nvl(a, 0), 0, 'z')", "select CASE WHEN (coalesce(a, 0)) IS NOT DISTINCT FROM (0) THEN 'z' END"},
		{"listagg within group", "select listagg(name, ', ') within group (order by name desc) from t",
			"select string_agg(name, ', ' order by name desc) from t"},
		{"listagg without delimiter", "select listagg(distinct name) from t", "select string_agg(distinct name, '') from t"},
		{"dateadd word", "select dateadd(mons, 1, d) from t", "select dateadd('month', 1, d) from t"},
		{"dateadd string", "select dateadd('D', -2, d)", "select dateadd('day', -2, d)"},
		{"datediff", "select datediff(qtr, a, b)", "select datediff('quarter', a, b)"},
		{"date literal", "select datediff(week, '2009-01-01', d)", "select datediff('week', CAST('2009-01-01' AS TIMESTAMP), d)"},
		{"date_part", "select date_part(dow, d)", "select CAST(date_part('dow', d) AS DOUBLE)"},
		{"date_part seconds", "select date_part(sec, ts)", "select (date_part('microsecond', ts) / 1000000.0)"},
		{"date_trunc", "select date_trunc('yr', ts)", "select date_trunc('year', ts)"},
		{"sysdate", "select sysdate", "select (current_timestamp AT TIME ZONE 'UTC')"},
		{"getdate without parentheses is a column", "select getdate from t", "select getdate from t"},
		{"getdate is a macro", "select getdate() from t", "select getdate() from t"},
		{"approximate count", "select approximate count(distinct a) from t", "select  count(distinct a) from t"},
		{"top", "select top 10 a from t order by a", "select a from t order by a LIMIT 10"},
		{"top distinct in a subquery", "select * from (select distinct top 3 a from t) x",
			"select * from (select distinct a from t LIMIT 3) x"},
		{"top keeps the semicolon last", "select top 1 a from t;", "select a from t LIMIT 1;"},
		{"cast to super", "select '{}'::super, cast(a as varchar(max)), b::float, c::numeric",
			"select '{}'::JSON, CAST(a AS VARCHAR), b::DOUBLE, c::DECIMAL(18,0)"},
		{"cast to character varying", "select a::character varying(20), b::timestamp without time zone",
			"select a::VARCHAR, b::TIMESTAMP"},
		{"qualified catalog types", "select c.relname::pg_catalog.text, c.oid::pg_catalog.regclass from pg_catalog.pg_class c",
			"select c.relname::VARCHAR, c.oid::BIGINT from fakeshift_catalog.pg_class c"},
		{"regex operators match anywhere", "select 1 where n.nspname !~ '^pg_' and c.relname OPERATOR(pg_catalog.~) '^(sales)$'",
			"select 1 where n.nspname !~ '(?s).*(?:^pg_).*' and c.relname ~ '(?s).*(?:^(sales)$).*'"},
		{"pg_catalog functions", "select pg_catalog.pg_get_userbyid(1), pg_catalog.array_to_string(a, ',')",
			"select fakeshift_catalog.pg_get_userbyid(1), array_to_string(a, ',')"},
		{"convert", "select convert(integer, '42')", "select CAST('42' AS INTEGER)"},
		{"to_char", "select to_char(d, 'YYYY-MM-DD HH24:MI:SS')", "select (strftime((d), '%Y-%m-%d %H:%M:%S'))"},
		{"to_char names", "select to_char(d, 'Mon DD, YYYY')", "select (strftime((d), '%b') || strftime((d), ' %d, %Y'))"},
		{"to_char upper month padded", "select to_char(d, 'MONTH')", "select (rpad(upper(strftime((d), '%B')), 9, ' '))"},
		{"to_char FM", "select to_char(d, 'FMMonth FMDD')", "select (strftime((d), '%B') || strftime((d), ' %-d'))"},
		{"to_char quoted", `select to_char(d, '"Q"Q YYYY')`, `select (strftime((d), 'Q') || CAST(quarter((d)) AS VARCHAR) || strftime((d), ' %Y'))`},
		{"to_date", "select to_date('02 Oct 2001', 'DD Mon YYYY')", "select CAST(strptime('02 Oct 2001', '%d %b %Y') AS DATE)"},
		{"to_timestamp", "select to_timestamp('2001-10-02 10:11', 'YYYY-MM-DD HH24:MI')",
			"select CAST(strptime('2001-10-02 10:11', '%Y-%m-%d %H:%M') AS TIMESTAMPTZ)"},
		{"catalog view", "select * from pg_table_def where tablename = 'x'", "select * from fakeshift_catalog.pg_table_def where tablename = 'x'"},
		{"qualified catalog view", "select * from pg_catalog.svv_tables t, svv_columns c",
			"select * from fakeshift_catalog.svv_tables t, fakeshift_catalog.svv_columns c"},
		{"a column named like a view is a column", "select svv_tables from t", "select svv_tables from t"},
		{"late binding view", "create view v as select 1 with no schema binding", "create view v as select 1"},
		{"vacuum", "vacuum full t to 75 percent", "VACUUM"},
		{"current_user_id", "select current_user_id, current_user_id()", "select current_user_id(), current_user_id()"},
		{"order by an output name", "select n.nspname, c.relname from pg_namespace n, pg_namespace dn, t c order by nspname, c.relname desc, relname",
			"select n.nspname, c.relname from fakeshift_catalog.pg_namespace n, fakeshift_catalog.pg_namespace dn, t c order by 1, c.relname desc, 2"},
		{"pg_expandarray", "select (information_schema._pg_expandarray(i.indkey)).n from pg_index i",
			"select (unnest(list_transform(range(1, len((i.indkey)) + 1), fakeshift_k -> struct_pack(x := (i.indkey)[fakeshift_k], n := fakeshift_k)))).n from fakeshift_catalog.pg_index i"},
		{"has_table_privilege", "select has_table_privilege('bob', 'sales', 'select')",
			"select fakeshift_catalog.has_table_privilege('bob', 'sales', 'select')"},
		{"analyze", "analyze verbose t predicate columns", "ANALYZE t"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := translate(tc.in)
			require.Nil(t, err)
			require.Equal(t, tc.want, tr.text)
		})
	}
}

// CREATE TABLE: what DuckDB runs, and what is recorded.
func TestTranslateCreateTable(t *testing.T) {
	tests := []struct {
		name, in, want string
		after          []string // substrings, in order, of the statements that follow
	}{
		{"attributes",
			"create table sales(salesid integer not null encode az64, listid integer not null distkey, qtysold smallint not null sortkey, pricepaid decimal(8,2), comm varchar(max), saletime timestamp) backup no",
			"CREATE TABLE sales (salesid INTEGER not null, listid INTEGER not null, qtysold SMALLINT not null, pricepaid DECIMAL(8,2), comm VARCHAR, saletime TIMESTAMP)",
			[]string{"DELETE FROM fakeshift_catalog.tables WHERE schema_name = current_schema() AND table_name = 'sales'",
				"'KEY', 'listid', 'COMPOUND', 'qtysold', false",
				"'sales', 'salesid', 1, 'integer', 'az64'", "'numeric(8,2)'", "'character varying(65535)'"}},
		{"table attributes",
			"CREATE TABLE s.t (a int, b char(8), c date) DISTSTYLE EVEN INTERLEAVED SORTKEY (c, a) ENCODE AUTO",
			"CREATE TABLE s.t (a INTEGER, b VARCHAR, c DATE)",
			[]string{"'s', 't', 'EVEN', NULL, 'INTERLEAVED', 'c,a', true", "'character(8)'"}},
		{"identity", "create table t (id bigint identity(0, 1), g int generated by default as identity(10,5), v text default 'x')",
			"CREATE TABLE t (id BIGINT, g INTEGER, v VARCHAR DEFAULT 'x')",
			[]string{"CREATE SEQUENCE fakeshift_catalog.identity_", "START WITH 0 INCREMENT BY 1",
				`ALTER TABLE t ALTER COLUMN "id" SET DEFAULT nextval('fakeshift_catalog.identity_`,
				"START WITH 10 INCREMENT BY 5", `ALTER COLUMN "g"`}},
		{"temp", "create temp table tt (a int sortkey)", "CREATE TEMP TABLE tt (a INTEGER)",
			[]string{"'pg_temp', 'tt', 'AUTO', NULL, 'COMPOUND', 'a'"}},
		{"like", "create table t2 (like t1)", "CREATE TABLE t2 AS SELECT * FROM t1 LIMIT 0",
			[]string{"FROM fakeshift_catalog.tables WHERE schema_name = (SELECT schema_key FROM fakeshift_catalog.resolve(NULL, 't1')) AND table_name = 't1'"}},
		{"as", "create table t3 distkey(a) sortkey(a) as select a from t1 where nvl(a, 0) > 1",
			"CREATE TABLE t3 AS select a from t1 where coalesce(a, 0) > 1", []string{"'KEY', 'a', 'COMPOUND', 'a'"}},
		{"collate", "create table t4 (a varchar(10) collate case_insensitive primary key, b int references t1(a))",
			"CREATE TABLE t4 (a VARCHAR COLLATE NOCASE NOT NULL, b INTEGER)",
			[]string{"INSERT INTO fakeshift_catalog.constraints VALUES (current_schema(), 't4', 1, true, ['a'], NULL)"}},
		{"constraints", "create table t5 (a int, b int unique, c int, primary key (a, c), constraint c5 unique (b, c), " +
			"foreign key (b) references t1 (a), check (c > 0))",
			"CREATE TABLE t5 (a INTEGER, b INTEGER, c INTEGER, check (c > 0))",
			[]string{"VALUES (current_schema(), 't5', 1, false, ['b'], NULL)",
				`ALTER TABLE t5 ALTER COLUMN "a" SET NOT NULL`, `ALTER TABLE t5 ALTER COLUMN "c" SET NOT NULL`,
				"VALUES (current_schema(), 't5', 2, true, ['a', 'c'], NULL)", "VALUES (current_schema(), 't5', 3, false, ['b', 'c'], 'c5')"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := translate(tc.in)
			require.Nil(t, err)
			require.Equal(t, tc.want, tr.text)
			requireInOrder(t, tr.after, tc.after)
		})
	}
}

// What fakeshift cannot run answers 0A000 with the feature's name; what it cannot read or
// carry out, the error PostgreSQL gives.
func TestTranslateUnsupported(t *testing.T) {
	tests := []struct{ in, code, msg string }{
		{"create external schema s from data catalog database 'd'", "0A000", "Redshift Spectrum (CREATE EXTERNAL ...) is not supported by fakeshift"},
		{"create materialized view mv as select 1", "0A000", "CREATE MATERIALIZED VIEW is not supported by fakeshift"},
		{"create or replace procedure p() as $$ begin end $$ language plpgsql", "0A000", "Stored procedures (CREATE PROCEDURE) is not supported by fakeshift"},
		{"create table g (shape geometry)", "0A000", "The GEOMETRY data type is not supported by fakeshift"},
		{"select a::hllsketch from t", "0A000", "The HLLSKETCH data type is not supported by fakeshift"},
		{"alter table t alter distkey a", "0A000", "ALTER TABLE ... ALTER DISTKEY is not supported by fakeshift"},
		{"alter table t append from u", "0A000", "ALTER TABLE APPEND is not supported by fakeshift"},
		{"analyze compression t", "0A000", "ANALYZE COMPRESSION is not supported by fakeshift"},
		{"lock t", "0A000", "LOCK is not supported by fakeshift"},
		{"select to_char(n, '999D99') from t", "0A000", "TO_CHAR with a numeric format is not supported by fakeshift"},
		{"select to_char(d, fmt) from t", "0A000", "TO_CHAR with a format that is not a string constant is not supported by fakeshift"},
		{"select to_char(d, 'RM') from t", "0A000", "The TO_CHAR format pattern RM is not supported by fakeshift"},
		{"select dateadd(fortnight, 1, d)", "22023", `DATEADD: unsupported datepart "fortnight"`},
		{"create table t (a int) diststyle key", "22023", "DISTSTYLE KEY requires a DISTKEY column"},
		{"create table t (a int) sortkey", "42601", `syntax error at end of input`},
		{"create table t (a int) frobnicate", "42601", `syntax error at or near "frobnicate"`},
		{"select * from fakeshift_catalog.tables", "42501", "permission denied for schema fakeshift_catalog"},
		// GRANT and REVOKE that cannot be carried out.
		{"grant select (a, b) on t to bob", "0A000", "Column-level privileges is not supported by fakeshift"},
		{"grant readers to bob", "0A000", "Role-based access control (GRANT ROLE) is not supported by fakeshift"},
		{"grant select on t to role r", "0A000", "Role-based access control (GRANT ... TO ROLE) is not supported by fakeshift"},
		{"grant execute on function f(int) to bob", "0A000", "GRANT and REVOKE ON FUNCTION is not supported by fakeshift"},
		{"grant usage on t to bob", "0LP01", "invalid privilege type USAGE for table"},
		{"grant insert on schema s to bob", "0LP01", "invalid privilege type INSERT for schema"},
		{"grant select on t to group g with grant option", "0LP01", "grant options can only be granted to individual users"},
		{"grant select on t bob", "42601", `syntax error at or near "bob"`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := translate(tc.in)
			require.NotNil(t, err)
			require.Equal(t, tc.code, err.Code)
			require.Equal(t, tc.msg, err.Message)
		})
	}
}
