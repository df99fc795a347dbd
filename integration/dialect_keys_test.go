package integration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// Primary, unique and foreign keys are informational in Redshift: through psql, rows that
// break them go in, a NULL in a primary key column does not, and psql's \d still shows the
// keys.
func TestKeysNotEnforced(t *testing.T) {
	f := fixtures.New(t)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	r := psql(t, f, user, pw, "sslmode=disable", "-At", "-q",
		"-c", "create table parent (id int primary key, code varchar(8) unique)",
		"-c", "create table child (id int, parent_id int references parent (id))",
		"-c", "insert into parent values (1, 'a'), (1, 'a')",
		"-c", "insert into child values (1, 42)",
		"-c", "select count(*) from parent",
		"-c", "select count(*) from child",
		"-c", "insert into parent values (null, 'b')")
	require.Equal(t, 1, r.code, r.stderr)
	require.Equal(t, []string{"2", "1"}, lines(r.stdout), "duplicate keys and a dangling reference go in")
	require.True(t, strings.HasPrefix(strings.TrimSpace(r.stderr), `ERROR:  null value in column "id"`), r.stderr)

	r = psql(t, f, user, pw, "sslmode=disable", "-c", `\d parent`)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Indexes:\n    \"parent_pkey\" PRIMARY KEY, btree (id)\n")
	require.Contains(t, r.stdout, `"parent_code_key" UNIQUE CONSTRAINT, btree (code)`)
}
