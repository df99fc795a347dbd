package integration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// psql's catalog commands answer over the TICKIT schema. Column headings are lower case, as
// Redshift folds even quoted aliases.
func TestPsqlCatalogCommands(t *testing.T) {
	f := fixtures.New(t)
	loadTickit(t, f)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	tables := []string{
		"public|category|table|awsuser", "public|date|table|awsuser", "public|event|table|awsuser",
		"public|listing|table|awsuser", "public|sales|table|awsuser", "public|users|table|awsuser",
		"public|venue|table|awsuser",
	}
	tests := []struct {
		cmd  string
		want []string
	}{
		{`\dt`, tables},
		{`\d`, tables},
		{`\dn`, []string{"public|awsuser"}},
		{`\du`, []string{"awsuser|Superuser, Create role, Create DB|[]", "rdsdb|Superuser, Create role, Create DB|[]"}},
		{`\l`, []string{"dev|awsuser|UNICODE|C|C||libc|"}},
	}
	for _, tc := range tests {
		t.Run(tc.cmd, func(t *testing.T) {
			r := psql(t, f, user, pw, "sslmode=disable", "-At", "-c", tc.cmd)
			require.Equal(t, 0, r.code, r.stderr)
			require.Equal(t, tc.want, lines(r.stdout))
		})
	}

	t.Run("PG_TABLE_DEF as psql shows it", func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=disable", "-c",
			`select "column", type, encoding, distkey, sortkey from pg_table_def where tablename = 'users' and sortkey <> 0`)
		require.Equal(t, 0, r.code, r.stderr)
		require.Contains(t, r.stdout, " userid | integer | none     | t       |       1")
	})

	t.Run("what is not supported says so", func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=disable", "-c", "create materialized view mv as select 1")
		require.Equal(t, 1, r.code)
		require.Equal(t, "ERROR:  CREATE MATERIALIZED VIEW is not supported by fakeshift", strings.TrimSpace(r.stderr))
	})
}
