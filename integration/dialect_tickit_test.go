package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// tickitDir holds the TICKIT sample database: the Getting Started Guide's DDL, a small data
// set, and queries of the documentation, each with its expected rows (psql -At's form).
const tickitDir = "testdata/tickit"

// loadTickit creates and fills the TICKIT tables with psql, as a user would.
func loadTickit(t *testing.T, f *fixtures.Fakeshift) {
	t.Helper()
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	for _, file := range []string{"ddl.sql", "data.sql"} {
		r := psql(t, f, user, pw, "sslmode=disable", "-q", "-f", filepath.Join(tickitDir, file))
		require.Equal(t, 0, r.code, "%s: %s", file, r.stderr)
	}
}

type tickitQuery struct {
	name, sql, want string
}

func tickitQueries(t *testing.T) []tickitQuery {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(tickitDir, "queries", "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var qs []tickitQuery
	for _, file := range files {
		q, err := os.ReadFile(file)
		require.NoError(t, err)
		want, err := os.ReadFile(strings.TrimSuffix(file, ".sql") + ".out")
		require.NoError(t, err)
		qs = append(qs, tickitQuery{strings.TrimSuffix(filepath.Base(file), ".sql"), string(q), strings.TrimSpace(string(want))})
	}
	return qs
}

// The TICKIT corpus runs end to end with psql and with pgx and gives the documented results.
func TestTickit(t *testing.T) {
	f := fixtures.New(t)
	loadTickit(t, f)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	queries := tickitQueries(t)

	t.Run("psql", func(t *testing.T) {
		for _, q := range queries {
			t.Run(q.name, func(t *testing.T) {
				r := psql(t, f, user, pw, "sslmode=disable", "-At", "-f", filepath.Join(tickitDir, "queries", q.name+".sql"))
				require.Equal(t, 0, r.code, r.stderr)
				require.Equal(t, q.want, strings.TrimSpace(r.stdout))
			})
		}
	})

	t.Run("pgx", func(t *testing.T) {
		conn := f.Master()
		for _, q := range queries {
			t.Run(q.name, func(t *testing.T) {
				// Text results, so that values read as psql shows them.
				rows, err := conn.Query(t.Context(), q.sql, pgx.QueryResultFormats{pgx.TextFormatCode})
				require.NoError(t, err)
				var got []string
				for rows.Next() {
					var vals []string
					for _, v := range rows.RawValues() {
						vals = append(vals, string(v))
					}
					got = append(got, strings.Join(vals, "|"))
				}
				require.NoError(t, rows.Err())
				require.Equal(t, q.want, strings.Join(got, "\n"))
			})
		}
	})

	// The psql and pgx subtests above ran top_sales.sql once each: STL_QUERY has each text as
	// its client sent it, Redshift's TOP and all, not the engine's rewrite.
	t.Run("audit keeps the client's text", func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=disable", "-At", "-c",
			"select trim(replace(querytxt, chr(10), ' ')) from stl_query "+
				"where querytxt like '%select top 3 salesid%' and querytxt not like '%stl_query%' order by query")
		require.Equal(t, 0, r.code, r.stderr)
		require.Equal(t, []string{
			"select top 3 salesid, qtysold from sales order by qtysold desc, salesid",            // psql drops the comment and the semicolon
			"-- TOP n. select top 3 salesid, qtysold from sales order by qtysold desc, salesid;", // pgx sends the file as it is
		}, lines(r.stdout))
	})
}
