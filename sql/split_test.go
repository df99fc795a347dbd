package sql

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"empty", "", nil},
		{"only semicolons", " ; ;; ", nil},
		{"only comments", "-- hello\n/* x; */ ;", nil},
		{"one, no semicolon", "select 1", []string{"select 1"}},
		{"one, trimmed", " \n select 1 ;\n ", []string{"select 1"}},
		{"two", "select 1; select 2;", []string{"select 1", "select 2"}},
		{"semicolon in string", "select 'a;b'; select 2", []string{"select 'a;b'", "select 2"}},
		{"backslash-escaped quote (Redshift)", `select 'a\';b'; select 2`, []string{`select 'a\';b'`, "select 2"}},
		{"doubled quote", "select 'a'';b'; x", []string{"select 'a'';b'", "x"}},
		{"semicolon in quoted identifier", `select 1 as "a;b"; x`, []string{`select 1 as "a;b"`, "x"}},
		{"semicolon in dollar quote", "create procedure p() as $$ begin null; end; $$ language plpgsql; call p()",
			[]string{"create procedure p() as $$ begin null; end; $$ language plpgsql", "call p()"}},
		{"semicolon in tagged dollar quote", "select $t$ ; $$ ; $t$; x", []string{"select $t$ ; $$ ; $t$", "x"}},
		{"semicolon in comments", "select 1 -- a;b\n; /* c; /* d; */ e; */ select 2",
			[]string{"select 1 -- a;b", "/* c; /* d; */ e; */ select 2"}},
		{"trailing comment dropped", "select 1; -- done", []string{"select 1"}},
		{"leading comment kept", "/* label */ select 1", []string{"/* label */ select 1"}},
		{"newlines kept inside", "select\n  1,\n  2\nfrom t;", []string{"select\n  1,\n  2\nfrom t"}},
		{"semicolon in parentheses", "select (1; 2); select 3", []string{"select (1; 2)", "select 3"}},
		{"unbalanced close", "select 1); select 2", []string{"select 1)", "select 2"}},
		{"unterminated string swallows the rest", "select 'a; select 2", []string{"select 'a; select 2"}},
		{"non-breaking space is not trimmed", "\u00a0select 1\u00a0", []string{"\u00a0select 1\u00a0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, Split(tt.query))
		})
	}
}
