package duckdb

import (
	"context"
	"errors"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

func TestErrorMapping(t *testing.T) {
	c := newConn(t)
	mustRun(t, c, "CREATE TABLE t(a int NOT NULL PRIMARY KEY, b varchar, CHECK (length(b) < 5))")
	mustRun(t, c, "INSERT INTO t VALUES (1, 'x')")
	tests := []struct {
		query string
		code  string
		msg   string
		pos   int
	}{
		{"selec 1", "42601", `syntax error at or near "selec"`, 1},
		{"select 1 from", "42601", "syntax error at end of input", 14},
		{"select (1", "42601", "syntax error at end of input", 10},
		{"select 1; select 2", "42601", "cannot insert multiple commands into a prepared statement", 0},
		{"select * from nope", "42P01", `relation "nope" does not exist`, 15},
		{"select * from NoPe", "42P01", `relation "nope" does not exist`, 15},
		{"select * from nosuch.t", "42P01", `relation "t" does not exist`, 15},
		{"drop table nope", "42P01", `table "nope" does not exist`, 0},
		{"drop view nope", "42P01", `view "nope" does not exist`, 0},
		{"create table nosuch.t(a int)", "3F000", `schema "nosuch" does not exist`, 0},
		{"select nope from t", "42703", `column "nope" does not exist`, 8},
		{"select 'é', nope from t", "42703", `column "nope" does not exist`, 13},
		{"select a,\n  nope\nfrom t", "42703", `column "nope" does not exist`, 13},
		{"select t.nope from t", "42703", `column "nope" does not exist`, 8},
		{"select v.nope from (values (1)) v(a)", "42703", `column "nope" does not exist`, 8},
		{"select x.a from t", "42P01", `missing FROM-clause entry for table "x"`, 8},
		{"insert into t(nope) values (1)", "42703", `column "nope" does not exist`, 0},
		{"select a from t, t t2", "42702", `column reference "a" is ambiguous`, 0},
		{"select nofunc(1)", "42883", "function nofunc does not exist", 8},
		{"select lower(1)", "42883", "function lower(integer) does not exist", 8},
		{"select a, count(*) from t", "42803", `column "a" must appear in the GROUP BY clause or be used in an aggregate function`, 8},
		{"create table t(a int)", "42P07", `relation "t" already exists`, 0},
		{"create schema public", "42P06", `schema "public" already exists`, 0},
		{"select 'abc'::int", "22P02", `invalid input syntax for integer: "abc"`, 13},
		{"select 'abc'::bigint", "22P02", `invalid input syntax for type bigint: "abc"`, 13},
		{"select 'abc'::decimal(5,2)", "22P02", `invalid input syntax for type numeric: "abc"`, 13},
		{"select 'abc'::boolean", "22P02", `invalid input syntax for type boolean: "abc"`, 13},
		{"select 'abc'::date", "22007", `invalid input syntax for type date: "abc"`, 13},
		{"select 'abc'::timestamp", "22007", `invalid input syntax for type timestamp: "abc"`, 13},
		{"select 300::smallint * 300::smallint", "22003", "smallint out of range", 0},
		{"select 2147483647::int + 1", "22003", "integer out of range", 0},
		{"select 99999::decimal(3,1)", "22003", "numeric field overflow", 0},
		{"select 1/0", "22012", "division by zero", 0},
		{"select 1.5/0", "22012", "division by zero", 0},
		{"select a/(a-1) from t", "22012", "division by zero", 0},
		{"select 7 % 0", "22012", "division by zero", 0},
		{"insert into t values (null, 'x')", "23502", `null value in column "a" violates not-null constraint`, 0},
		{"insert into t values (2, 'toolong')", "23514", `new row for relation "t" violates check constraint`, 0},
		{"select error('boom')", "XX000", "boom", 0},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			e := sqlErr(t, c, tc.query)
			require.Equal(t, tc.code, e.Code)
			require.Equal(t, tc.msg, e.Message)
			require.Equal(t, tc.pos, e.Position)
			require.NotContains(t, strings.ToLower(e.Message+e.Detail+e.Hint), "duckdb")
			require.NotContains(t, e.Message, "Did you mean")
			var de *duckdb.Error
			require.True(t, errors.As(e, &de), "the DuckDB error is kept")
			require.NotEmpty(t, de.Msg)
		})
	}
}

func TestFunctionHint(t *testing.T) {
	c := newConn(t)
	e := sqlErr(t, c, "select lower(1)")
	require.Equal(t, "No function matches the given name and argument types. You may need to add explicit type casts.", e.Hint)
}

// The statement that describes its parameters loosely still fails the way PostgreSQL's would
// for arithmetic on an untyped parameter.
func TestUntypedParameterArithmetic(t *testing.T) {
	c := newConn(t)
	st, err := c.Prepare(t.Context(), "SELECT $1 + 1")
	require.NoError(t, err)
	defer st.Close()
	require.Equal(t, []uint32{25}, st.Params())
	require.Equal(t, uint32(23), st.Columns()[0].TypeOID)
	_, err = st.Query(t.Context(), []any{"5"})
	var e *sql.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "42725", e.Code)
	require.Equal(t, "operator is not unique: unknown + integer", e.Message)
}

func TestCaretPosition(t *testing.T) {
	long := "select " + strings.Repeat("a", 120) + ", nope from t"
	msg := "Binder Error: Referenced column \"nope\" not found in FROM clause!\n\nLINE 1: ..." +
		strings.Repeat("a", 60) + ", nope from t\n" + strings.Repeat(" ", 8+3+62) + "^"
	require.Equal(t, strings.Index(long, "nope"), caretPosition(msg, long))
	require.Equal(t, -1, caretPosition("Parser Error: x", "select"))
}

// DuckDB's error texts, as its C API returns them, mapped without a live engine.
func TestMapRawErrors(t *testing.T) {
	tests := []struct {
		raw  string
		typ  mapping.ErrorType
		code string
		msg  string
	}{
		{"INTERRUPT Error: Interrupted!", mapping.ErrorTypeInterrupt, "57014", "canceling statement due to user request"},
		{"TransactionContext Error: Current transaction is aborted (please ROLLBACK)", mapping.ErrorTypeTransaction, "25P02",
			"current transaction is aborted, commands ignored until end of transaction block"},
		{"TransactionContext Error: Catalog write-write conflict on alter with \"t\"", mapping.ErrorTypeTransaction, "40001",
			"could not serialize access due to concurrent update"},
		{"Out of Memory Error: failed to allocate data of size 16.0 MiB (50.2 MiB/61.0 MiB used)\n\nPossible solutions:\n* x", mapping.ErrorTypeOutOfMemory, "53200", "out of memory"},
		{`Invalid Input Error: Cannot change configuration option "threads" - the configuration has been locked`, mapping.ErrorTypeInvalidInput, "42501",
			`permission denied to set parameter "threads"`},
		{"Not implemented Error: DuckDB does not support this yet", mapping.ErrorTypeNotImplemented, "0A000", "the engine does not support this yet"},
		{"Missing Extension Error: Catalog \"x\" requires the duckdb extension", mapping.ErrorTypeMissingExtension, "0A000", `Catalog "x" requires the engine extension`},
		{`Catalog Error: {"exception_type":"Catalog","exception_message":"Table with name nope does not exist!\nDid you mean \"pg_enum\"?","position":"14","error_subtype":"MISSING_ENTRY"}`,
			mapping.ErrorTypeCatalog, "42P01", `relation "nope" does not exist`},
		{"Dependency Error: Cannot drop entry \"t\" because there are entries that depend on it.", mapping.ErrorTypeDependency, "2BP01", "Cannot drop entry \"t\" because there are entries that depend on it."},
	}
	for _, tc := range tests {
		for _, haveType := range []bool{true, false} {
			e := mapError(context.Background(), "select * from nope", tc.typ, haveType, tc.raw, 0)
			require.Equal(t, tc.code, e.Code, tc.raw)
			require.Equal(t, tc.msg, e.Message, tc.raw)
			require.NotContains(t, strings.ToLower(e.Message), "duckdb")
		}
	}
	e := mapError(context.Background(), "select * from nope", mapping.ErrorTypeCatalog, true, tests[7].raw, 0)
	require.Equal(t, 15, e.Position)
}
