package duckdb

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

// Who reads the system tables in these tests.
var (
	sysAdmin = sql.Identity{User: "admin", UserID: 1, Superuser: true, Database: "dev", PID: 1001}
	sysAlice = sql.Identity{User: "alice", UserID: 100, Database: "dev", PID: 1002}
	sysBob   = sql.Identity{User: "bob", UserID: 101, Database: "dev", PID: 1003}
	sysUsers = []sql.Identity{sysAdmin, sysAlice, sysBob}
)

// fakeSource is a RecordSource over rows held in memory.
type fakeSource struct {
	mu   sync.Mutex
	rows map[string][][]any

	// hold, when set, makes a scan of held emit its first row and then wait for its
	// context to end (or release to be closed).
	held    string
	release chan struct{}

	started  chan string // receives the table of each scan that starts (if not nil)
	active   atomic.Int32
	finished atomic.Int32
	ctxErrs  atomic.Int32 // scans that ended because their context did
	errFor   map[string]error
	share    bool // emit the held rows themselves rather than copies (benchmarks)
	version  atomic.Uint64
}

func newFakeSource() *fakeSource {
	return &fakeSource{rows: map[string][][]any{}, errFor: map[string]error{}}
}

func (f *fakeSource) set(table string, rows [][]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rows[table] = rows
	f.version.Add(1)
}

// CatalogVersion moves with every set, as a cluster's moves with every change of its users
// and groups.
func (f *fakeSource) CatalogVersion() uint64 { return f.version.Load() }

func (f *fakeSource) ScanSystemTable(ctx context.Context, table string, emit func(row []any) error) error {
	f.active.Add(1)
	defer f.active.Add(-1)
	defer f.finished.Add(1)
	f.mu.Lock()
	rows, held, err := f.rows[table], f.held == table, f.errFor[table]
	f.mu.Unlock()
	if f.started != nil {
		f.started <- table
	}
	for i, row := range rows {
		if err := ctx.Err(); err != nil {
			f.ctxErrs.Add(1)
			return err
		}
		if !f.share {
			// A copy, so that the engine cannot depend on the slice outliving emit.
			row = append([]any(nil), row...)
		}
		if err := emit(row); err != nil {
			return err
		}
		if held && i == 0 {
			select {
			case <-ctx.Done():
				f.ctxErrs.Add(1)
				return ctx.Err()
			case <-f.release:
			}
		}
	}
	return err
}

var sysBase = time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC)

// sysRows makes n rows for t, row i belonging to sysUsers[i%3], with values of every length
// class (strings inlined in DuckDB's string_t and not).
func sysRows(t *sql.SysTable, n int) [][]any {
	rows := make([][]any, n)
	for i := range n {
		owner := sysUsers[i%len(sysUsers)]
		row := make([]any, len(t.Columns))
		for k, c := range t.Columns {
			switch c.Type {
			case sql.TypeInt:
				row[k] = int32(i*7 + k)
				if c.Name == t.UserColumn {
					row[k] = owner.UserID
				}
			case sql.TypeBigint:
				row[k] = int64(i) * 1_000_000_007
			case sql.TypeVarchar:
				switch i % 4 {
				case 0:
					row[k] = fmt.Sprintf("%d", i)
				case 1:
					row[k] = fmt.Sprintf("%s %d with a value longer than twelve bytes", c.Name, i)
				case 2:
					row[k] = ""
				default:
					row[k] = fmt.Sprintf("é%d€", i%1000) // at most 12 bytes, not ASCII
				}
				if c.Name == t.UserColumn {
					row[k] = owner.User
				}
			case sql.TypeTimestamp:
				row[k] = sysBase.Add(time.Duration(i) * (time.Second + time.Microsecond))
			case sql.TypeBool:
				row[k] = (i+k)%2 == 0
			case sql.TypeIntArray:
				row[k] = make([]int32, i%3)
				for j := range row[k].([]int32) {
					row[k].([]int32)[j] = int32(100 + i + j)
				}
			}
		}
		rows[i] = row
	}
	return rows
}

// sysEngine opens an engine over a fakeSource holding n rows of every system table.
func sysEngine(t testing.TB, n int) (*Engine, *fakeSource) {
	src := newFakeSource()
	for i := range sql.SystemTables {
		src.set(sql.SystemTables[i].Name, sysRows(&sql.SystemTables[i], n))
	}
	return openEngine(t, Config{Source: src}), src
}

// visibleRows is what id may see of rows of t.
func visibleRows(t *sql.SysTable, id sql.Identity, rows [][]any) [][]any {
	if t.Visibility != sql.VisibleOwnRows || id.Superuser {
		return rows
	}
	k := t.ColumnIndex(t.UserColumn)
	var out [][]any
	for _, r := range rows {
		if r[k] == id.UserID || r[k] == id.User {
			out = append(out, r)
		}
	}
	return out
}

func pgOID(ct sql.ColumnType) (uint32, int16) {
	switch ct {
	case sql.TypeInt:
		return pgtype.Int4OID, 4
	case sql.TypeBigint:
		return pgtype.Int8OID, 8
	case sql.TypeTimestamp:
		return pgtype.TimestampOID, 8
	case sql.TypeBool:
		return pgtype.BoolOID, 1
	case sql.TypeIntArray:
		return pgtype.TextOID, -1
	}
	return pgtype.VarcharOID, -1
}

// asRead is a system table's row as a statement reads it: an integer array in the engine's
// text form of a list.
func asRead(rows [][]any) [][]any {
	out := make([][]any, len(rows))
	for i, row := range rows {
		out[i] = append([]any(nil), row...)
		for k, v := range row {
			if ids, ok := v.([]int32); ok {
				parts := make([]string, len(ids))
				for j, id := range ids {
					parts[j] = fmt.Sprint(id)
				}
				out[i][k] = "[" + strings.Join(parts, ", ") + "]"
			}
		}
	}
	return out
}

// Every system table is readable under every spelling of its name, with its columns' names
// and types exactly as sql.SystemTables lists them and its values unchanged.
func TestSystemTablesReadable(t *testing.T) {
	e, src := sysEngine(t, 5)
	admin := connect(t, e, sysAdmin)
	for i := range sql.SystemTables {
		tab := &sql.SystemTables[i]
		want := asRead(src.rows[tab.Name])
		for _, name := range []string{
			tab.Name,
			strings.ToUpper(tab.Name),
			`"` + tab.Name + `"`,
			`"` + strings.ToUpper(tab.Name) + `"`,
			"pg_catalog." + tab.Name,
			"PG_CATALOG." + strings.ToUpper(tab.Name),
			`"pg_catalog"."` + tab.Name + `"`,
			`pg_catalog . "` + tab.Name + `"`,
		} {
			t.Run(tab.Name+"/"+name, func(t *testing.T) {
				r := mustRun(t, admin, "SELECT * FROM "+name)
				require.Len(t, r.cols, len(tab.Columns))
				for k, c := range tab.Columns {
					oid, size := pgOID(c.Type)
					require.Equal(t, sql.Column{Name: c.Name, TypeOID: oid, Size: size, TypeMod: -1}, r.cols[k])
				}
				require.Equal(t, want, r.rows)
				require.Equal(t, "SELECT 5", r.tag)
			})
		}
	}
}

// Projection: a subset of the columns, in any order, and the table's name or alias as
// qualifier.
func TestSystemTableProjection(t *testing.T) {
	e, src := sysEngine(t, 4)
	admin := connect(t, e, sysAdmin)
	want := src.rows["stl_query"]
	for _, q := range []string{
		"SELECT querytxt, userid FROM stl_query",
		"SELECT stl_query.querytxt, stl_query.userid FROM stl_query",
		"SELECT STL_QUERY.querytxt, Stl_Query.USERID FROM pg_catalog.stl_query",
		"SELECT q.querytxt, q.userid FROM stl_query q",
		"SELECT q.querytxt, q.userid FROM pg_catalog.stl_query AS q",
		"SELECT querytxt, userid FROM (SELECT * FROM stl_query) s",
	} {
		r := mustRun(t, admin, q)
		require.Equal(t, []string{"querytxt", "userid"}, []string{r.cols[0].Name, r.cols[1].Name}, q)
		require.Len(t, r.rows, len(want), q)
		for i, row := range r.rows {
			require.Equal(t, []any{want[i][6], want[i][0]}, row, q)
		}
	}
}

// Joins, subqueries, CTEs, filters, ordering and aggregates over system tables, with one
// another and with user tables.
func TestSystemTableQueries(t *testing.T) {
	e, _ := sysEngine(t, 30)
	admin := connect(t, e, sysAdmin)
	mustRun(t, admin, "CREATE TABLE people(id int, nick varchar)")
	mustRun(t, admin, "INSERT INTO people VALUES (1, 'the admin'), (100, 'al'), (101, 'bobby')")
	tests := []struct {
		q    string
		want [][]any
	}{
		{"SELECT count(*) FROM stl_query", [][]any{{int64(30)}}},
		{"SELECT count(*) FROM pg_catalog.stl_query WHERE userid = 100", [][]any{{int64(10)}}},
		{"SELECT userid, count(*) AS n FROM stl_query GROUP BY userid ORDER BY userid",
			[][]any{{int32(1), int64(10)}, {int32(100), int64(10)}, {int32(101), int64(10)}}},
		{"SELECT max(xid), min(starttime) FROM stl_query WHERE userid > 100",
			[][]any{{int64(29) * 1_000_000_007, sysBase.Add(2 * (time.Second + time.Microsecond))}}},
		{"SELECT querytxt FROM stl_query WHERE querytxt LIKE '%longer%' ORDER BY query DESC LIMIT 2",
			[][]any{{"querytxt 29 with a value longer than twelve bytes"}, {"querytxt 25 with a value longer than twelve bytes"}}},
		{"SELECT querytxt FROM stl_query WHERE querytxt = '' LIMIT 1", [][]any{{""}}},
		{"SELECT querytxt FROM stl_query WHERE querytxt = 'é7€'", [][]any{{"é7€"}}},
		// Two system tables joined, qualified and not.
		{`SELECT count(*) FROM stl_query q JOIN pg_catalog.svl_statementtext s ON q.userid = s.userid AND q.xid = s.xid`,
			[][]any{{int64(30)}}},
		{`SELECT u.usename, count(*) FROM stl_query q JOIN pg_user u ON u.usename = q.label GROUP BY 1`, nil},
		// A system table joined with a user table.
		{`SELECT p.nick, count(*) FROM stl_query q JOIN people p ON p.id = q.userid GROUP BY p.nick ORDER BY p.nick`,
			[][]any{{"al", int64(10)}, {"bobby", int64(10)}, {"the admin", int64(10)}}},
		// Subqueries and CTEs.
		{`SELECT count(*) FROM people WHERE id IN (SELECT userid FROM pg_catalog.stl_query)`, [][]any{{int64(3)}}},
		{`SELECT (SELECT count(*) FROM stl_ddltext), (SELECT count(*) FROM STL_UTILITYTEXT)`, [][]any{{int64(30), int64(30)}}},
		{`WITH mine AS (SELECT * FROM stl_query WHERE userid = 101) SELECT count(*) FROM mine a JOIN mine b USING (query)`,
			[][]any{{int64(10)}}},
		{`WITH stl_query AS (SELECT 1 AS userid) SELECT count(*) FROM stl_query`, [][]any{{int64(1)}}}, // a CTE shadows
		{`SELECT count(*) FROM stl_query a, stl_query b, stl_query c`, [][]any{{int64(27000)}}},
		{`SELECT count(*) FROM stv_sessions s JOIN sys_query_history h ON h.session_id = s.process`, [][]any{{int64(0)}}},
		{`SELECT count(*) FROM stl_query WHERE starttime >= $1`, nil},
		{`SELECT bool_and(result_cache_hit = (query_id % 2 = 1)) FROM sys_query_history`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			var args []any
			if strings.Contains(tc.q, "$1") {
				args = []any{sysBase.Add(20 * time.Second)}
			}
			r := mustRun(t, admin, tc.q, args...)
			if tc.want != nil {
				require.Equal(t, tc.want, r.rows)
			}
		})
	}
	// What the nil rows above return, checked for the ones with a known answer.
	r := mustRun(t, admin, "SELECT count(*) FROM stl_query WHERE starttime >= $1", sysBase.Add(20*time.Second))
	require.Equal(t, int64(10), r.rows[0][0])
}

// Explicitly: system table results can feed DML and CREATE TABLE AS.
func TestSystemTableIntoUserTable(t *testing.T) {
	e, _ := sysEngine(t, 9)
	admin := connect(t, e, sysAdmin)
	mustRun(t, admin, "CREATE TABLE copy AS SELECT userid, querytxt FROM stl_query WHERE userid <> 1")
	require.Equal(t, int64(6), mustRun(t, admin, "SELECT count(*) FROM copy").rows[0][0])
	mustRun(t, admin, "INSERT INTO copy SELECT userid, querytxt FROM pg_catalog.stl_query")
	require.Equal(t, int64(15), mustRun(t, admin, "SELECT count(*) FROM copy").rows[0][0])
}

// What each session sees follows its identity: superusers everything; others their own rows
// of VisibleOwnRows tables, every row of VisibleAll tables and 42501 for SuperuserOnly tables.
func TestSystemTableVisibility(t *testing.T) {
	e, src := sysEngine(t, 12)
	for _, id := range sysUsers {
		c := connect(t, e, id)
		for i := range sql.SystemTables {
			tab := &sql.SystemTables[i]
			for _, name := range []string{tab.Name, "pg_catalog." + strings.ToUpper(tab.Name)} {
				t.Run(id.User+"/"+name, func(t *testing.T) {
					q := "SELECT * FROM " + name
					if tab.Visibility == sql.SuperuserOnly && !id.Superuser {
						e := sqlErr(t, c, q)
						require.Equal(t, sql.CodeInsufficientPrivilege, e.Code)
						require.Equal(t, "permission denied for relation "+tab.Name, e.Message)
						return
					}
					want := asRead(visibleRows(tab, id, src.rows[tab.Name]))
					r := mustRun(t, c, q)
					require.Equal(t, want, r.rows)
					if tab.Visibility == sql.VisibleOwnRows && !id.Superuser {
						require.Len(t, r.rows, 4)
					} else {
						require.Len(t, r.rows, 12)
					}
				})
			}
		}
	}

	// The refusal holds wherever the table appears, and is found when the statement is
	// prepared.
	alice := connect(t, e, sysAlice)
	for _, q := range []string{
		"SELECT count(*) FROM stl_connection_log",
		"SELECT * FROM stl_query q JOIN pg_catalog.stl_userlog u ON u.userid = q.userid",
		"SELECT (SELECT count(*) FROM sys_userlog)",
		"WITH c AS (SELECT * FROM SYS_CONNECTION_LOG) SELECT 1",
		"CREATE TABLE stolen AS SELECT * FROM stl_connection_log",
		"SELECT * FROM fakeshift_system_table('stl_connection_log')",
	} {
		_, err := alice.Prepare(context.Background(), q)
		var se *sql.Error
		require.ErrorAs(t, err, &se, q)
		require.Equal(t, sql.CodeInsufficientPrivilege, se.Code, q)
		require.True(t, strings.HasPrefix(se.Message, "permission denied for relation "), se.Message)
	}
	// An aggregate or filter sees only the visible rows, and a filter on another user's rows
	// finds nothing.
	require.Equal(t, int64(4), mustRun(t, alice, "SELECT count(*) FROM stl_query").rows[0][0])
	require.Equal(t, int64(0), mustRun(t, alice, "SELECT count(*) FROM stl_query WHERE userid = 101").rows[0][0])
	require.Equal(t, [][]any{{"alice", int64(4)}},
		mustRun(t, alice, "SELECT user_name, count(*) FROM stv_sessions GROUP BY 1").rows)
}

// A non-superuser with no rows of its own sees an empty table, and a row whose user column
// is NULL is nobody's.
func TestSystemTableVisibilityNulls(t *testing.T) {
	src := newFakeSource()
	tab, _ := sql.LookupSystemTable("stl_query")
	rows := sysRows(tab, 6)
	rows[1][0] = nil // alice's
	src.set("stl_query", rows)
	e := openEngine(t, Config{Source: src})
	require.Len(t, mustRun(t, connect(t, e, sysAlice), "SELECT * FROM stl_query").rows, 1)
	require.Len(t, mustRun(t, connect(t, e, sysAdmin), "SELECT * FROM stl_query").rows, 6)
	carol := sql.Identity{User: "carol", UserID: 555, Database: "dev"}
	r := mustRun(t, connect(t, e, carol), "SELECT * FROM stl_query")
	require.Empty(t, r.rows)
	require.Len(t, r.cols, len(tab.Columns))
}

// Without a Source there are no system tables.
func TestSystemTablesWithoutSource(t *testing.T) {
	c := connect(t, openEngine(t, Config{}), sysAdmin)
	for _, q := range []string{"SELECT * FROM stl_query", "SELECT * FROM pg_catalog.stl_query", "SELECT * FROM STL_USERLOG"} {
		e := sqlErr(t, c, q)
		require.Equal(t, sql.CodeUndefinedTable, e.Code, q)
		require.Contains(t, e.Message, "does not exist", q)
	}
}

// Name resolution around user objects. DuckDB looks a name up in its catalog before it asks
// the replacement scan, so a user table named like a system table wins for the unqualified
// name (Redshift, which searches pg_catalog first, would serve the system table), while the
// pg_catalog-qualified name still reaches the system table. The replacement scan is told the
// bare name only: a qualifier naming a schema that lacks the table reaches the system table
// too (Redshift would answer 42P01).
func TestSystemTableNameResolution(t *testing.T) {
	e, src := sysEngine(t, 3)
	admin := connect(t, e, sysAdmin)
	mustRun(t, admin, "CREATE TABLE stl_query(mine varchar)")
	mustRun(t, admin, "INSERT INTO stl_query VALUES ('user table')")
	require.Equal(t, [][]any{{"user table"}}, mustRun(t, admin, "SELECT * FROM stl_query").rows)
	require.Equal(t, [][]any{{"user table"}}, mustRun(t, admin, "SELECT * FROM public.stl_query").rows)
	require.Equal(t, src.rows["stl_query"], mustRun(t, admin, "SELECT * FROM pg_catalog.stl_query").rows)
	mustRun(t, admin, "DROP TABLE stl_query")
	require.Len(t, mustRun(t, admin, "SELECT * FROM stl_query").rows, 3)

	require.Len(t, mustRun(t, admin, "SELECT * FROM public.stl_ddltext").rows, 3)
	require.Len(t, mustRun(t, admin, "SELECT * FROM nosuch.stl_ddltext").rows, 3)

	// A view over a system table reads it as the session that reads the view.
	mustRun(t, admin, "CREATE VIEW recent AS SELECT userid, querytxt FROM stl_query")
	mustRun(t, admin, "GRANT SELECT ON recent TO PUBLIC")
	alice := connect(t, e, sysAlice)
	require.Len(t, mustRun(t, admin, "SELECT * FROM recent").rows, 3)
	require.Equal(t, [][]any{{int32(100), src.rows["stl_query"][1][6]}}, mustRun(t, alice, "SELECT * FROM recent").rows)

	// Unknown names stay unknown.
	err := sqlErr(t, admin, "SELECT * FROM stl_nosuch")
	require.Equal(t, sql.CodeUndefinedTable, err.Code)
	require.Equal(t, `relation "stl_nosuch" does not exist`, err.Message)
	err = sqlErr(t, admin, "SELECT * FROM fakeshift_system_table('stl_nosuch')")
	require.Equal(t, sql.CodeUndefinedTable, err.Code)
	require.Equal(t, `relation "stl_nosuch" does not exist`, err.Message)
	require.Equal(t, 15, err.Position)
	err = sqlErr(t, admin, "SELECT * FROM fakeshift_system_table(NULL)")
	require.Equal(t, sql.CodeUndefinedTable, err.Code)
	// An unknown column of a system table.
	err = sqlErr(t, admin, "SELECT nosuch FROM stl_query")
	require.Equal(t, sql.CodeUndefinedColumn, err.Code)
}

// NULLs of every type, next to values, across a chunk boundary.
func TestSystemTableNulls(t *testing.T) {
	src := newFakeSource()
	tab, _ := sql.LookupSystemTable("sys_query_history") // INTEGER, BIGINT, VARCHAR, BOOLEAN, TIMESTAMP
	kinds := map[sql.ColumnType]bool{}
	for _, c := range tab.Columns {
		kinds[c.Type] = true
	}
	require.Len(t, kinds, 5)
	n := chunkCapacity + 100
	rows := sysRows(tab, n)
	for i := range rows {
		if i%3 == 1 || i == chunkCapacity {
			for k := range rows[i] {
				rows[i][k] = nil
			}
		}
	}
	src.set(tab.Name, rows)
	e := openEngine(t, Config{Source: src})
	admin := connect(t, e, sysAdmin)
	r := mustRun(t, admin, "SELECT * FROM sys_query_history")
	require.Equal(t, rows, r.rows)
	for _, c := range tab.Columns {
		r := mustRun(t, admin, "SELECT count(*) FROM sys_query_history WHERE "+c.Name+" IS NULL")
		require.Equal(t, int64(n/3+1), r.rows[0][0], c.Name)
	}
	// A chunk that follows one with NULLs does not inherit them.
	require.Equal(t, int64(0), mustRun(t, admin, "SELECT count(*) FROM sys_query_history WHERE query_text IS NULL AND query_id IS NOT NULL").rows[0][0])
}

// Values the Source gets slightly wrong: other integer types are taken when they fit,
// invalid UTF-8 is replaced, wrong types and short rows fail the statement.
func TestSystemTableValues(t *testing.T) {
	src := newFakeSource()
	tab, _ := sql.LookupSystemTable("pg_user")
	row := func(vals ...any) []any {
		r := make([]any, len(tab.Columns))
		copy(r, vals)
		return r
	}
	src.set("pg_user", [][]any{
		row("int", int(7)),
		row("uint16", uint16(8)),
		row([]byte("bytes"), int64(9)),
		row("bad \xff utf8", int16(10)),
	})
	e := openEngine(t, Config{Source: src})
	c := connect(t, e, sysAlice)
	r := mustRun(t, c, "SELECT usename, usesysid FROM pg_user")
	require.Equal(t, [][]any{{"int", int32(7)}, {"uint16", int32(8)}, {"bytes", int32(9)}, {"bad \uFFFD utf8", int32(10)}}, r.rows)

	for _, bad := range [][]any{
		row("x", int64(1)<<40), // does not fit an INTEGER
		row("x", 1.5),
		row(42),
		{"short"},
	} {
		src.set("pg_user", [][]any{row("fine", int32(1)), bad})
		err := sqlErr(t, c, "SELECT * FROM pg_user")
		require.Equal(t, sql.CodeInternalError, err.Code)
		require.Contains(t, err.Message, "system table pg_user: ")
	}
}

// A Source's error fails the statement; a *sql.Error keeps its SQLSTATE.
func TestSystemTableSourceError(t *testing.T) {
	e, src := sysEngine(t, 3)
	c := connect(t, e, sysAdmin)
	src.errFor["stl_query"] = errors.New("store is gone")
	err := sqlErr(t, c, "SELECT * FROM stl_query")
	require.Equal(t, sql.CodeInternalError, err.Code)
	require.Equal(t, "system table stl_query: store is gone", err.Message)
	src.errFor["stl_query"] = sql.Errorf(sql.CodeOutOfMemory, "out of memory")
	err = sqlErr(t, c, "SELECT count(*) FROM stl_query")
	require.Equal(t, sql.CodeOutOfMemory, err.Code)
	require.Equal(t, "out of memory", err.Message)
	// The session goes on.
	require.Len(t, mustRun(t, c, "SELECT * FROM stl_ddltext").rows, 3)
}

// Many rows, across many chunks: all arrive in order; a LIMIT stops the Source early.
func TestSystemTableLarge(t *testing.T) {
	const n = 100_000
	e, src := sysEngine(t, 0)
	tab, _ := sql.LookupSystemTable("stl_query")
	rows := sysRows(tab, n)
	src.set("stl_query", rows)
	admin := connect(t, e, sysAdmin)
	r := mustRun(t, admin, "SELECT * FROM stl_query")
	require.Len(t, r.rows, n)
	require.Equal(t, rows[0], r.rows[0])
	require.Equal(t, rows[chunkCapacity], r.rows[chunkCapacity])
	require.Equal(t, rows[n-1], r.rows[n-1])
	require.Equal(t, fmt.Sprintf("SELECT %d", n), r.tag)

	r = mustRun(t, admin, "SELECT count(*), sum(xid), count(DISTINCT querytxt) FROM stl_query")
	require.Equal(t, int64(n), r.rows[0][0])

	alice := connect(t, e, sysAlice)
	r = mustRun(t, alice, "SELECT count(*), min(userid), max(userid) FROM stl_query")
	require.Equal(t, []any{int64(n / 3), int32(100), int32(100)}, r.rows[0])

	before := src.finished.Load()
	r = mustRun(t, admin, "SELECT query FROM stl_query LIMIT 3")
	require.Len(t, r.rows, 3)
	require.Eventually(t, func() bool { return src.finished.Load() == before+1 }, 5*time.Second, time.Millisecond)
	require.Zero(t, src.active.Load())
}

// A prepared statement runs its scan anew each time, and a streaming result read in part
// lets the session run other statements.
func TestSystemTablePreparedAndInterleaved(t *testing.T) {
	e, src := sysEngine(t, 5000)
	admin := connect(t, e, sysAdmin)
	ctx := context.Background()
	st, err := admin.Prepare(ctx, "SELECT userid, query FROM stl_query WHERE userid = $1")
	require.NoError(t, err)
	defer st.Close()
	for round := range 3 {
		for _, id := range sysUsers {
			rows, err := st.Query(ctx, []any{int64(id.UserID)})
			require.NoError(t, err)
			n := 0
			dest := make([]any, 2)
			for rows.Next(dest) == nil {
				require.Equal(t, id.UserID, dest[0])
				n++
			}
			require.NoError(t, rows.Close())
			require.Greater(t, n, 1600, round)
		}
	}
	src.set("stl_query", sysRows(&sql.SystemTables[7], 10))
	rows, err := st.Query(ctx, []any{int64(1)})
	require.NoError(t, err)
	n := 0
	for rows.Next(make([]any, 2)) == nil {
		n++
	}
	require.Equal(t, 4, n)

	// Interleaved: a partly read scan is fetched ahead when another statement starts.
	st2, err := admin.Prepare(ctx, "SELECT xid FROM stl_ddltext")
	require.NoError(t, err)
	r2, err := st2.Query(ctx, nil)
	require.NoError(t, err)
	dest := make([]any, 1)
	require.NoError(t, r2.Next(dest))
	require.Equal(t, int64(3), mustRun(t, admin, "SELECT count(*) FROM (SELECT 1 FROM pg_user LIMIT 3)").rows[0][0])
	n = 1
	for r2.Next(dest) == nil {
		n++
	}
	require.Equal(t, 5000, n)
	require.NoError(t, r2.Close())
	require.NoError(t, st2.Close())
}

// Several sessions scan at once, each seeing its own rows.
func TestSystemTableConcurrent(t *testing.T) {
	const n = 21_000
	src := newFakeSource()
	for i := range sql.SystemTables {
		src.set(sql.SystemTables[i].Name, sysRows(&sql.SystemTables[i], n))
	}
	e := openEngine(t, Config{Source: src, Threads: 4})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := sysUsers[i%len(sysUsers)]
			id.PID = int32(2000 + i)
			c, err := e.Connect(context.Background(), id)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			want := int64(n)
			if !id.Superuser {
				want = n / 3
			}
			for range 5 {
				r, err := run(context.Background(), c, `SELECT (SELECT count(*) FROM stl_query), count(*) FROM pg_catalog.svl_statementtext s JOIN stl_ddltext d USING (xid)`)
				if err != nil {
					errs <- err
					return
				}
				if r.rows[0][0] != want || r.rows[0][1] != want {
					errs <- fmt.Errorf("%s saw %v, want %d", id.User, r.rows[0], want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, src.active.Load())
}

// Canceling the statement ends a Source that waits.
func TestSystemTableCancel(t *testing.T) {
	e, src := sysEngine(t, 10)
	src.held = "stl_query"
	src.release = make(chan struct{})
	c := connect(t, e, sysAdmin)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := run(ctx, c, "SELECT * FROM stl_query")
	var se *sql.Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, sql.CodeQueryCanceled, se.Code)
	require.Equal(t, "canceling statement due to statement timeout", se.Message)
	require.Less(t, time.Since(start), 3*time.Second)
	require.Eventually(t, func() bool { return src.active.Load() == 0 }, 5*time.Second, time.Millisecond)
	require.Equal(t, int32(1), src.ctxErrs.Load())
	// The session goes on.
	src.held = ""
	require.Len(t, mustRun(t, c, "SELECT * FROM stl_query").rows, 10)
}

// Closing the engine while scans run ends them: a Source that waits is canceled, a
// result read in part is dropped, and Close returns once every scan has ended.
func TestSystemTableEngineClose(t *testing.T) {
	src := newFakeSource()
	for i := range sql.SystemTables {
		src.set(sql.SystemTables[i].Name, sysRows(&sql.SystemTables[i], 10_000))
	}
	src.held = "stl_query"
	src.release = make(chan struct{})
	src.started = make(chan string, 16)
	e, err := Open(context.Background(), Config{Source: src})
	require.NoError(t, err)

	// A streaming result read in part: its producer waits for DuckDB's next request.
	partial, err := e.Connect(context.Background(), sysAdmin)
	require.NoError(t, err)
	st, err := partial.Prepare(context.Background(), "SELECT * FROM stl_ddltext")
	require.NoError(t, err)
	rows, err := st.Query(context.Background(), nil)
	require.NoError(t, err)
	require.NoError(t, rows.Next(make([]any, len(st.Columns()))))
	require.Equal(t, "stl_ddltext", <-src.started)

	// A statement whose Source waits.
	waiting, err := e.Connect(context.Background(), sysAdmin)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := run(context.Background(), waiting, "SELECT count(*) FROM stl_query")
		done <- err
	}()
	require.Equal(t, "stl_query", <-src.started)

	goroutines := runtime.NumGoroutine()
	require.NoError(t, e.Close())
	require.Zero(t, src.active.Load())
	select {
	case err := <-done:
		var se *sql.Error
		require.ErrorAs(t, err, &se)
		require.Contains(t, []string{sql.CodeAdminShutdown, sql.CodeQueryCanceled}, se.Code, se.Message)
	case <-time.After(5 * time.Second):
		t.Fatal("the statement did not end")
	}
	require.Error(t, rows.Next(make([]any, len(st.Columns()))))
	require.LessOrEqual(t, runtime.NumGoroutine(), goroutines)
	_, err = e.Connect(context.Background(), sysAdmin)
	require.Error(t, err)
}

// BenchmarkScanSystemTable reads a 100k-row system table: all of it into Go values (what a
// client gets), and an aggregate over it (the table function alone).
func BenchmarkScanSystemTable(b *testing.B) {
	const n = 100_000
	e, src := sysEngine(b, 0)
	tab, _ := sql.LookupSystemTable("stl_query")
	src.set("stl_query", sysRows(tab, n))
	src.share = true
	c := connect(b, e, sysAdmin)
	for _, q := range []string{
		"SELECT * FROM stl_query",
		"SELECT count(*), max(querytxt), max(starttime) FROM stl_query",
	} {
		b.Run(strings.Fields(q)[1], func(b *testing.B) {
			ctx := context.Background()
			st, err := c.Prepare(ctx, q)
			require.NoError(b, err)
			defer st.Close()
			dest := make([]any, len(st.Columns()))
			b.ReportAllocs()
			for b.Loop() {
				rows, err := st.Query(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next(dest) == nil {
				}
				rows.Close()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
