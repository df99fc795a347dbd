package duckdb

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/sql"
)

// The sandbox refuses every way out of the instance with insufficient_privilege.
func TestSandbox(t *testing.T) {
	c := newConn(t)
	dir := t.TempDir()
	mustRun(t, c, "CREATE TABLE t(a int)")
	tests := []struct {
		name  string
		query string
		msg   string
	}{
		{"read a file", "SELECT * FROM read_csv('/etc/passwd')", `permission denied: cannot access file "/etc/passwd"`},
		{"glob", "SELECT * FROM glob('/etc/*')", ""},
		{"read_text", "SELECT * FROM read_text('/etc/hostname')", ""},
		{"install", "INSTALL httpfs", "permission denied: extensions cannot be installed or loaded"},
		{"load", "LOAD json", "permission denied: extensions cannot be installed or loaded"},
		{"attach a file", "ATTACH '" + filepath.Join(dir, "x.db") + "' AS x", "permission denied: databases cannot be attached or detached"},
		{"attach in memory", "ATTACH ':memory:' AS x", "permission denied: databases cannot be attached or detached"},
		{"detach", "DETACH memory", "permission denied: databases cannot be attached or detached"},
		{"copy to", "COPY t TO '" + filepath.Join(dir, "t.csv") + "'", ""},
		{"copy from", "COPY t FROM '/etc/passwd'", ""},
		{"export", "EXPORT DATABASE '" + dir + "'", ""},
		{"change a setting", "SET threads = 8", `permission denied to set parameter "threads"`},
		{"loosen the sandbox", "SET enable_external_access = true", ""},
		{"unlock", "SET lock_configuration = false", ""},
		{"memory", "SET memory_limit = '100GB'", ""},
		{"global", "SET GLOBAL integer_division = false", ""},
		{"pragma", "PRAGMA threads = 8", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := sqlErr(t, c, tc.query)
			require.Equal(t, sql.CodeInsufficientPrivilege, e.Code, e.Message)
			if tc.msg != "" {
				require.Equal(t, tc.msg, e.Message)
			}
		})
	}
	// A file named as a table is not found: replacement scans are off.
	require.Equal(t, sql.CodeUndefinedTable, sqlErr(t, c, "SELECT * FROM '/etc/passwd'").Code)

	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, ents, "nothing was written")
	r := mustRun(t, c, "SELECT current_setting('threads'), current_setting('enable_external_access')")
	require.Equal(t, []any{int64(1), false}, r.rows[0])
}

func TestMemoryLimit(t *testing.T) {
	e := openEngine(t, Config{MemoryLimit: "64MB"})
	c := connect(t, e, testIdentity)
	r := mustRun(t, c, "SELECT current_setting('memory_limit')")
	require.Equal(t, "61.0 MiB", r.rows[0][0])
	err := sqlErr(t, c, "SELECT sum(len(l)) FROM (SELECT list(i) AS l FROM range(50000000) t(i))")
	require.Equal(t, sql.CodeOutOfMemory, err.Code)
}

func TestOpenConfig(t *testing.T) {
	e := openEngine(t, Config{Threads: 2})
	c := connect(t, e, testIdentity)
	r := mustRun(t, c, "SELECT current_setting('threads')")
	require.Equal(t, int64(2), r.rows[0][0])

	_, err := Open(t.Context(), Config{MemoryLimit: "lots"})
	require.Error(t, err)
	_, err = Open(t.Context(), Config{Threads: -1})
	require.Error(t, err)
}
