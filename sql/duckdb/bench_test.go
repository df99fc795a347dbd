package duckdb

import (
	"context"
	"testing"

	"github.com/duckdb/duckdb-go/v2/mapping"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

// BenchmarkSelect1 is one simple-query round trip inside the process: Prepare, Query, Next
// to the end, Close.
func BenchmarkSelect1(b *testing.B) {
	c := newConn(b)
	benchRoundTrip(b, c, "SELECT 1", nil)
}

// BenchmarkSelect1Prepared runs an already prepared statement (the extended protocol's
// Bind/Execute with a cached statement).
func BenchmarkSelect1Prepared(b *testing.B) {
	c := newConn(b)
	benchPrepared(b, c, "SELECT 1", func(int) []any { return nil })
}

func setupKV(b *testing.B) sql.Conn {
	c := newConn(b)
	mustRun(b, c, "CREATE TABLE kv(k integer PRIMARY KEY, v varchar)")
	mustRun(b, c, "INSERT INTO kv SELECT i, 'value ' || i FROM range(10000) t(i)")
	return c
}

// BenchmarkPointQuery looks one key up in a 10k-row table, preparing each time.
func BenchmarkPointQuery(b *testing.B) {
	c := setupKV(b)
	i := 0
	benchRoundTrip(b, c, "SELECT v FROM kv WHERE k = $1", func() []any {
		i++
		return []any{int64(i % 10000)}
	})
}

// BenchmarkPointQueryPrepared looks one key up with a statement prepared once.
func BenchmarkPointQueryPrepared(b *testing.B) {
	c := setupKV(b)
	benchPrepared(b, c, "SELECT v FROM kv WHERE k = $1", func(i int) []any { return []any{int64(i % 10000)} })
}

func benchRoundTrip(b *testing.B, c sql.Conn, query string, args func() []any) {
	ctx := context.Background()
	dest := make([]any, 1)
	b.ReportAllocs()
	for b.Loop() {
		st, err := c.Prepare(ctx, query)
		if err != nil {
			b.Fatal(err)
		}
		var a []any
		if args != nil {
			a = args()
		}
		rows, err := st.Query(ctx, a)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next(dest) == nil {
			n++
		}
		if n != 1 {
			b.Fatalf("%d rows", n)
		}
		_ = rows.Tag()
		rows.Close()
		st.Close()
	}
}

func benchPrepared(b *testing.B, c sql.Conn, query string, args func(int) []any) {
	ctx := context.Background()
	st, err := c.Prepare(ctx, query)
	require.NoError(b, err)
	defer st.Close()
	dest := make([]any, 1)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		rows, err := st.Query(ctx, args(i))
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next(dest) == nil {
		}
		rows.Close()
	}
}

// BenchmarkBaselineSelect1 is DuckDB's own time for what BenchmarkSelect1 does, through the C
// API with nothing of this package: the difference is the adapter's overhead.
func BenchmarkBaselineSelect1(b *testing.B) {
	c := newConn(b).(*Conn)
	baseline(b, c.dc, "SELECT 1", nil)
}

// BenchmarkBaselinePointQuery is DuckDB's own time for BenchmarkPointQuery.
func BenchmarkBaselinePointQuery(b *testing.B) {
	c := setupKV(b).(*Conn)
	i := 0
	baseline(b, c.dc, "SELECT v FROM kv WHERE k = $1", func(ps mapping.PreparedStatement) {
		i++
		mapping.BindInt64(ps, 1, int64(i%10000))
	})
}

func baseline(b *testing.B, dc mapping.Connection, query string, bind func(mapping.PreparedStatement)) {
	b.ReportAllocs()
	for b.Loop() {
		var ps mapping.PreparedStatement
		if mapping.Prepare(dc, query, &ps) == mapping.StateError {
			b.Fatal(mapping.PrepareError(ps))
		}
		if bind != nil {
			bind(ps)
		}
		var pending mapping.PendingResult
		startStreaming(ps, &pending)
		var res mapping.Result
		if mapping.ExecutePending(pending, &res) == mapping.StateError {
			b.Fatal(mapping.ResultError(&res))
		}
		mapping.DestroyPending(&pending)
		for {
			ch := mapping.FetchChunk(res)
			if ch.Ptr == nil {
				break
			}
			mapping.DataChunkGetVector(ch, 0)
			mapping.DestroyDataChunk(&ch)
		}
		mapping.DestroyResult(&res)
		mapping.DestroyPrepare(&ps)
	}
}

// BenchmarkSelectPrivileged reads a one-row table as a user who is not a superuser, whose
// SELECT is checked against the grants (privileges.go), and as the superuser, who bypasses
// the checks: the difference is the checks' cost. The user's session keeps the checks it
// passed (privCache); "not cached" empties the cache before each statement, as any GRANT or
// DDL would, and is what the first statement pays. (Before resolve read duckdb_tables()
// first, an uncached check took about 7.5 ms here, against 3.5 ms after.)
func BenchmarkSelectPrivileged(b *testing.B) {
	e, c := privEngine(b)
	mustRun(b, c["awsuser"], "create table t (a int)")
	mustRun(b, c["awsuser"], "insert into t values (1)")
	mustRun(b, c["awsuser"], "grant select on t to bob")
	uncached := func() []any {
		e.privGen.Add(1)
		return nil
	}
	b.Run("user", func(b *testing.B) { benchRoundTrip(b, c["bob"], "select * from t", nil) })
	b.Run("user, not cached", func(b *testing.B) { benchRoundTrip(b, c["bob"], "select * from t", uncached) })
	b.Run("superuser", func(b *testing.B) { benchRoundTrip(b, c["awsuser"], "select * from t", nil) })
	// With a view in the database, a table named without its schema is also looked for
	// among the views that could hide it (Conn.resolve).
	mustRun(b, c["awsuser"], "create view v as select 1 as a")
	b.Run("user, views exist, not cached", func(b *testing.B) { benchRoundTrip(b, c["bob"], "select * from t", uncached) })
	b.Run("user, qualified, not cached", func(b *testing.B) {
		benchRoundTrip(b, c["bob"], "select * from public.t", uncached)
	})
}
