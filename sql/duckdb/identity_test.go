package duckdb

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

func TestIdentity(t *testing.T) {
	e := openEngine(t, Config{})
	alice := connect(t, e, testIdentity)
	bob := connect(t, e, sql.Identity{User: "o'brien", Database: "analytics", PID: 7, Version: `it's "quoted"; DROP TABLE x; --`})
	tests := []struct {
		expr  string
		alice any
		bob   any
	}{
		{"current_user", "alice", "o'brien"},
		{"current_user()", "alice", "o'brien"},
		{"session_user", "alice", "o'brien"},
		{"user", "alice", "o'brien"},
		{"current_database()", "dev", "analytics"},
		{"pg_backend_pid()", int32(4242), int32(7)},
		{"version()", testIdentity.Version, `it's "quoted"; DROP TABLE x; --`},
		{"current_schema()", "public", "public"},
	}
	for _, tc := range tests {
		for _, who := range []struct {
			c    sql.Conn
			want any
		}{{alice, tc.alice}, {bob, tc.bob}} {
			r := mustRun(t, who.c, "SELECT "+tc.expr)
			require.Equal(t, who.want, r.rows[0][0], tc.expr)
			if s, ok := r.rows[0][0].(string); ok {
				require.NotContains(t, strings.ToLower(s), "duckdb", tc.expr)
				require.NotEqual(t, "memory", s, tc.expr)
			}
		}
	}
	require.Equal(t, "current_user", mustRun(t, alice, "SELECT current_user").cols[0].Name)
}

// Redshift's default schema is public: what is created unqualified is public's.
func TestPublicSchema(t *testing.T) {
	e := openEngine(t, Config{})
	c := connect(t, e, testIdentity)
	mustRun(t, c, "CREATE TABLE t(a int)")
	mustRun(t, c, "INSERT INTO public.t VALUES (1)")
	r := mustRun(t, c, "SELECT a FROM public.t")
	require.Equal(t, [][]any{{int32(1)}}, r.rows)
	r = mustRun(t, c, "SELECT table_schema FROM information_schema.tables WHERE table_name = 't'")
	require.Equal(t, [][]any{{"public"}}, r.rows)
	// Another session sees it too.
	c2 := connect(t, e, testIdentity)
	require.Len(t, mustRun(t, c2, "SELECT * FROM t").rows, 1)
}
