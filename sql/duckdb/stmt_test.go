package duckdb

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

func TestParams(t *testing.T) {
	c := newConn(t)
	mustRun(t, c, "CREATE TABLE kv(k integer, v varchar, d date, ts timestamp, n decimal(10,2))")
	mustRun(t, c, "INSERT INTO kv VALUES (1, 'one', '2024-01-02', '2024-01-02 03:04:05', 1.50)")
	tests := []struct {
		name   string
		query  string
		params []uint32
		cols   []uint32
		args   []any
		want   []any
	}{
		{"typed", "SELECT $1::int + 1", []uint32{23}, []uint32{23}, []any{int64(41)}, []any{int32(42)}},
		{"typed from text", "SELECT $1::int + 1", []uint32{23}, []uint32{23}, []any{"41"}, []any{int32(42)}},
		{"untyped is text", "SELECT $1", []uint32{25}, []uint32{1043}, []any{"hello"}, []any{"hello"}},
		{"untyped with typed", "SELECT $1::bigint, $2", []uint32{20, 25}, []uint32{20, 1043}, []any{int64(7), "x"}, []any{int64(7), "x"}},
		{"untyped sent as int", "SELECT $1", []uint32{25}, []uint32{1043}, []any{int64(5)}, []any{"5"}},
		{"inferred from column", "SELECT v FROM kv WHERE k = $1", []uint32{23}, []uint32{1043}, []any{int64(1)}, []any{"one"}},
		{"date param", "SELECT k FROM kv WHERE d = $1", []uint32{1082}, []uint32{23}, []any{time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}, []any{int32(1)}},
		{"timestamp param", "SELECT k FROM kv WHERE ts = $1", []uint32{1114}, []uint32{23}, []any{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}, []any{int32(1)}},
		{"numeric param", "SELECT k FROM kv WHERE n = $1", []uint32{1700}, []uint32{23}, []any{Numeric("1.50")}, []any{int32(1)}},
		{"bool and float", "SELECT $1::boolean, $2::double", []uint32{16, 701}, []uint32{16, 701}, []any{true, 2.5}, []any{true, 2.5}},
		{"bytes", "SELECT $1::blob", []uint32{17}, []uint32{17}, []any{[]byte{1, 2}}, []any{[]byte{1, 2}}},
		{"null", "SELECT $1::int", []uint32{23}, []uint32{23}, []any{nil}, []any{nil}},
		{"dollar in string is not a parameter", "SELECT '$1', $1::int", []uint32{23}, []uint32{1043, 23}, []any{int64(1)}, []any{"$1", int32(1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := c.Prepare(t.Context(), tc.query)
			require.NoError(t, err)
			defer st.Close()
			require.Equal(t, tc.params, st.Params())
			var cols []uint32
			for _, col := range st.Columns() {
				cols = append(cols, col.TypeOID)
			}
			require.Equal(t, tc.cols, cols)
			r := mustRun(t, c, tc.query, tc.args...)
			require.Equal(t, [][]any{tc.want}, r.rows)
		})
	}
}

func TestParamCountMismatch(t *testing.T) {
	c := newConn(t)
	e := sqlErr(t, c, "SELECT $1::int, $2::int", int64(1))
	require.Equal(t, "08P01", e.Code)
	require.Equal(t, "bind message supplies 1 parameters, but prepared statement requires 2", e.Message)
}

// A prepared statement runs again with other arguments.
func TestStmtReuse(t *testing.T) {
	c := newConn(t)
	st, err := c.Prepare(t.Context(), "SELECT $1::int * 2")
	require.NoError(t, err)
	defer st.Close()
	for i := range int64(5) {
		rows, err := st.Query(t.Context(), []any{i})
		require.NoError(t, err)
		dest := make([]any, 1)
		require.NoError(t, rows.Next(dest))
		require.Equal(t, int32(2*i), dest[0])
		require.NoError(t, rows.Close())
	}
}

func TestTags(t *testing.T) {
	c := newConn(t)
	tests := []struct {
		query string
		tag   string
		rows  int
	}{
		{"SELECT 1 UNION ALL SELECT 2", "SELECT 2", 2},
		{"CREATE TABLE t(a int, b varchar)", "CREATE TABLE", 0},
		{"CREATE TABLE IF NOT EXISTS t(a int)", "CREATE TABLE", 0},
		{"create temp table tt(a int)", "CREATE TABLE", 0},
		{"INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')", "INSERT 0 3", 0},
		{"INSERT INTO t SELECT a + 10, b FROM t", "INSERT 0 3", 0},
		{"UPDATE t SET b = 'z' WHERE a > 10", "UPDATE 3", 0},
		{"DELETE FROM t WHERE a = 11", "DELETE 1", 0},
		{"SELECT * FROM t", "SELECT 5", 5},
		{"/* comment */ -- another\n (SELECT a FROM t WHERE a < 3)", "SELECT 2", 2},
		{"WITH x AS (SELECT 1) SELECT * FROM x", "SELECT 1", 1},
		{"INSERT INTO t VALUES (99, 'r') RETURNING a", "INSERT 0 1", 1},
		{"CREATE TABLE t2 AS SELECT * FROM t", "SELECT 6", 0},
		{"CREATE VIEW v AS SELECT a FROM t", "CREATE VIEW", 0},
		{"CREATE OR REPLACE VIEW v AS SELECT b FROM t", "CREATE VIEW", 0},
		{"CREATE SCHEMA s", "CREATE SCHEMA", 0},
		{"CREATE SEQUENCE seq", "CREATE SEQUENCE", 0},
		{"CREATE INDEX i ON t(a)", "CREATE INDEX", 0},
		{"CREATE MACRO twice(x) AS x * 2", "CREATE FUNCTION", 0},
		{"ALTER TABLE t2 ADD COLUMN c int", "ALTER TABLE", 0},
		{"ALTER TABLE t2 RENAME TO t3", "ALTER TABLE", 0},
		{"ALTER VIEW v RENAME TO v2", "ALTER VIEW", 0},
		{"TRUNCATE t3", "TRUNCATE TABLE", 0},
		{"DROP VIEW v2", "DROP VIEW", 0},
		{"DROP TABLE t3", "DROP TABLE", 0},
		{"DROP INDEX i", "DROP INDEX", 0},
		{"DROP SEQUENCE seq", "DROP SEQUENCE", 0},
		{"DROP MACRO twice", "DROP FUNCTION", 0},
		{"DROP SCHEMA s", "DROP SCHEMA", 0},
		{"SET search_path = 'public'", "SET", 0},
		{"RESET search_path", "RESET", 0},
		{"SET schema = 'public'", "SET", 0},
		{"BEGIN", "BEGIN", 0},
		{"COMMIT", "COMMIT", 0},
		{"START TRANSACTION", "BEGIN", 0},
		{"ROLLBACK", "ROLLBACK", 0},
		{"EXPLAIN SELECT 1", "EXPLAIN", 1},
		{"CHECKPOINT", "CHECKPOINT", 0},
		{"PRAGMA table_info('t')", "SELECT 2", 2},
		{"CALL pragma_table_info('t')", "SELECT 2", 2},
		{"VALUES (1), (2)", "SELECT 2", 2},
	}
	for _, tc := range tests {
		r := mustRun(t, c, tc.query)
		require.Equal(t, tc.tag, r.tag, tc.query)
		require.Len(t, r.rows, tc.rows, tc.query)
		if tc.rows == 0 && tc.tag != "SELECT 0" {
			require.Empty(t, r.cols, tc.query)
		}
	}
}

func TestTransactions(t *testing.T) {
	c := newConn(t)
	ctx := t.Context()
	mustRun(t, c, "CREATE TABLE t(a int)")
	require.NoError(t, c.Begin(ctx))
	mustRun(t, c, "INSERT INTO t VALUES (1)")
	require.NoError(t, c.Rollback(ctx))
	require.Empty(t, mustRun(t, c, "SELECT * FROM t").rows)

	require.NoError(t, c.Begin(ctx))
	mustRun(t, c, "INSERT INTO t VALUES (2)")
	require.NoError(t, c.Commit(ctx))
	require.Equal(t, [][]any{{int32(2)}}, mustRun(t, c, "SELECT * FROM t").rows)

	// An error aborts the block until ROLLBACK.
	require.NoError(t, c.Begin(ctx))
	sqlErr(t, c, "SELECT * FROM nope")
	require.Equal(t, sql.CodeInFailedTransaction, sqlErr(t, c, "SELECT 1").Code)
	require.NoError(t, c.Rollback(ctx))
	mustRun(t, c, "SELECT 1")

	// COMMIT of a failed block rolls it back.
	require.NoError(t, c.Begin(ctx))
	mustRun(t, c, "INSERT INTO t VALUES (3)")
	sqlErr(t, c, "SELECT 1/0")
	require.NoError(t, c.Commit(ctx))
	require.Equal(t, [][]any{{int32(2)}}, mustRun(t, c, "SELECT * FROM t").rows)

	var e *sql.Error
	require.ErrorAs(t, c.Commit(ctx), &e)
	require.Equal(t, sql.CodeNoActiveSQLTransaction, e.Code)
	require.NoError(t, c.Begin(ctx))
	require.ErrorAs(t, c.Begin(ctx), &e)
	require.Equal(t, sql.CodeActiveSQLTransaction, e.Code)
	require.NoError(t, c.Rollback(ctx))
}
