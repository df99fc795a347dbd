package sql

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		stmt string
		want Kind
	}{
		// STL_QUERYTEXT: SELECT, SELECT INTO, INSERT, UPDATE, DELETE, COPY, UNLOAD, CTAS.
		{"select 1", KindQuery},
		{"SELECT * INTO t2 FROM t", KindQuery},
		{"insert into t values (1)", KindQuery},
		{"update t set a = 1", KindQuery},
		{"delete from t", KindQuery},
		{"copy t from 's3://b/k' iam_role default", KindQuery},
		{"unload ('select 1') to 's3://b/p' iam_role default", KindQuery},
		{"create table t2 as select * from t", KindQuery},
		{"CREATE TEMP TABLE t2 (a, b) AS SELECT 1, 2", KindQuery},
		{"with x as (select 1) select * from x", KindQuery},
		{"values (1), (2)", KindQuery},
		{"(select 1) union (select 2)", KindQuery},
		{"/* label */ -- c\n select 1", KindQuery},
		// STL_DDLTEXT: CREATE / DROP SCHEMA, TABLE, VIEW; ALTER SCHEMA, TABLE.
		{"create schema s", KindDDL},
		{"create table t (a int, b varchar(10) default 'as')", KindDDL},
		{"create table if not exists t (like u)", KindDDL},
		{"create view v as select 1", KindDDL},
		{"create or replace view v as select 1", KindDDL},
		{"drop schema s cascade", KindDDL},
		{"drop table t", KindDDL},
		{"drop view v", KindDDL},
		{"alter schema s rename to s2", KindDDL},
		{"alter table t add column c int", KindDDL},
		{"create materialized view mv as select 1", KindDDL},
		{"create or replace procedure p() as $$ begin end; $$ language plpgsql", KindDDL},
		{"create external schema s from data catalog database 'd' iam_role default", KindDDL},
		// STL_UTILITYTEXT.
		{"abort", KindUtility},
		{"begin", KindUtility},
		{"commit", KindUtility},
		{"end", KindUtility},
		{"rollback", KindUtility},
		{"start transaction", KindUtility},
		{"analyze t", KindUtility},
		{"call p()", KindUtility},
		{"cancel 123", KindUtility},
		{"comment on table t is 'x'", KindUtility},
		{"create database d", KindUtility},
		{"alter database d rename to e", KindUtility},
		{"drop database d", KindUtility},
		{"create user u password 'Abcdefg1'", KindUtility},
		{"alter user u createdb", KindUtility},
		{"drop user u", KindUtility},
		{"create group g", KindUtility},
		{"drop role r", KindUtility},
		{"explain select 1", KindUtility},
		{"grant select on t to u", KindUtility},
		{"revoke select on t from u", KindUtility},
		{"alter default privileges grant select on tables to u", KindUtility},
		{"lock t", KindUtility},
		{"reset all", KindUtility},
		{"set search_path to public", KindUtility},
		{"show search_path", KindUtility},
		{"truncate t", KindUtility},
		{"refresh materialized view mv", KindUtility},
		{"vacuum", KindUtility},
		{"", KindUtility},
		{"-- only a comment", KindUtility},
		{"'not sql'", KindUtility},
	}
	for _, tt := range tests {
		t.Run(tt.stmt, func(t *testing.T) {
			require.Equal(t, tt.want, Classify(tt.stmt))
		})
	}
}
