package integration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

func TestPsql(t *testing.T) {
	f := fixtures.New(t)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword

	t.Run("plain login", func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=disable", "-Atc", "select version(), current_user")
		require.Equal(t, 0, r.code, r.stderr)
		require.Equal(t, "PostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift 1.0.63269|awsuser", strings.TrimSpace(r.stdout))
	})

	t.Run("TLS login", func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=require", "-Atc", "select current_user", "-c", `\conninfo`)
		require.Equal(t, 0, r.code, r.stderr)
		require.Contains(t, r.stdout, "awsuser")
		require.Contains(t, r.stdout, "SSL connection (protocol: TLSv1.2, cipher: ECDHE-RSA-AES256-GCM-SHA384")
	})

	t.Run("wrong password", func(t *testing.T) {
		r := psql(t, f, user, "Wrong1234", "sslmode=disable", "-c", "select 1")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `FATAL:  password authentication failed for user "awsuser"`)
	})

	t.Run("unknown user gets the same error", func(t *testing.T) {
		r := psql(t, f, "nobody", "Wrong1234", "sslmode=disable", "-c", "select 1")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `FATAL:  password authentication failed for user "nobody"`)
	})

	t.Run("DDL, DML and errors", func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=disable", "-At",
			"-c", "create table psql_t (id int, name varchar(20))",
			"-c", "insert into psql_t values (1, 'a'), (2, 'b')",
			"-c", "update psql_t set name = 'c' where id = 2",
			"-c", "select id, name from psql_t order by id")
		require.Equal(t, 0, r.code, r.stderr)
		require.Equal(t, []string{"CREATE TABLE", "INSERT 0 2", "UPDATE 1", "1|a", "2|c"}, lines(r.stdout))

		r = psql(t, f, user, pw, "sslmode=disable", "-c", "select * from no_such_table")
		require.Equal(t, 1, r.code)
		require.Contains(t, r.stderr, `ERROR:  relation "no_such_table" does not exist`)
	})

	t.Run("user made with CREATE USER logs in", func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=disable", "-c", "create user psqluser password 'Psqluser1'")
		require.Equal(t, 0, r.code, r.stderr)
		r = psql(t, f, "psqluser", "Psqluser1", "sslmode=require", "-Atc", "select current_user, session_user")
		require.Equal(t, 0, r.code, r.stderr)
		require.Equal(t, "psqluser|psqluser", strings.TrimSpace(r.stdout))
	})
}

func TestPsqlRequireSSL(t *testing.T) {
	f := fixtures.New(t, fixtures.WithRequireSSL())
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	r := psql(t, f, user, pw, "sslmode=disable", "-c", "select 1")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `FATAL:  no pg_hba.conf entry for host "::ffff:127.0.0.1", user "awsuser", database "dev", SSL off`)

	r = psql(t, f, user, pw, "sslmode=require", "-Atc", "select 1")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "1", strings.TrimSpace(r.stdout))
}
