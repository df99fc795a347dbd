package sql

import (
	"strings"
	"testing"
)

// FuzzSplitParseMask checks that Split, Classify, Parse and Mask never panic, that Split's
// statements are trimmed pieces of the input, and that a password in a CREATE USER statement
// built from the input never survives Mask.
func FuzzSplitParseMask(f *testing.F) {
	for _, s := range []string{
		"CREATE USER x PASSWORD 'Secr3tpw'",
		"create user u with password 'abcD1234' createdb connection limit 30; select 1",
		"alter user admin password 'adminPass9' valid until '2017-12-31 23:59'",
		`create user u password 'a\'b''c' /* x */ -- y`,
		"copy t from 's3://b/k' credentials 'aws_access_key_id=A;aws_secret_access_key=B'",
		"select $$a;b$$, $t$ $$ $t$, E'\\x41', \"q\"\"i\"; set search_path to '$user', public",
		"begin; set time zone local; show all; reset all; commit",
		"/* unterminated",
		"'",
		"$a",
	} {
		f.Add(s, "Secr3tpw")
	}
	f.Fuzz(func(t *testing.T, query, secret string) {
		for _, st := range Split(query) {
			if st == "" || st != trimSpace(st) || !strings.Contains(query, st) {
				t.Fatalf("Split(%q) gave %q", query, st)
			}
			_ = Classify(st)
			if _, err := Parse(st); err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("Parse(%q) returned %T", st, err)
				}
			}
			_ = Mask(st)
		}
		_ = Mask(query)
		if _, err := Parse(query); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse(%q) returned %T", query, err)
			}
		}

		// CREATE USER "<query>" PASSWORD '<secret>', both quoted the standard way.
		name := `"` + strings.ReplaceAll(query, `"`, `""`) + `"`
		stmt := "CREATE USER " + name + " PASSWORD '" + strings.ReplaceAll(secret, "'", "''") + "'"
		want := "CREATE USER " + name + " PASSWORD '***'"
		if got := Mask(stmt); got != want {
			t.Fatalf("Mask(%q) = %q, want %q", stmt, got, want)
		}
	})
}
