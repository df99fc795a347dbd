package integration

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

// salesColumns are the TICKIT sales table's columns as the catalog describes them.
var salesColumns = []string{
	"salesid|integer|not null", "listid|integer|not null", "sellerid|integer|not null", "buyerid|integer|not null",
	"eventid|integer|not null", "dateid|smallint|not null", "qtysold|smallint|not null", "pricepaid|numeric(8,2)|",
	"commission|numeric(8,2)|", "saletime|timestamp without time zone|",
}

var tickitTables = []string{"category", "date", "event", "listing", "sales", "users", "venue"}

// runMeta runs a metadata client program with the fixture's connection in its environment
// and returns its output lines.
func runMeta(t *testing.T, f *fixtures.Fakeshift, argv ...string) []string {
	t.Helper()
	host, port, _ := net.SplitHostPort(f.Endpoints().PG)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "FS_HOST="+host, "FS_PORT="+port, "FS_USER="+f.Config().MasterUser,
		"FS_PASSWORD="+f.Config().MasterPassword, "FS_DATABASE="+f.Config().Database)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s\n%s", out, stderr.String())
	return lines(string(out))
}

// withPrefix keeps the lines that start with prefix|, without it.
func withPrefix(all []string, prefix string) []string {
	var out []string
	for _, l := range all {
		if rest, ok := strings.CutPrefix(l, prefix+"|"); ok {
			out = append(out, rest)
		}
	}
	return out
}

// psql's \d of one table, pgjdbc's DatabaseMetaData and SQLAlchemy's reflection answer with
// the TICKIT tables and their columns, and with a table's primary key.
func TestCatalogClients(t *testing.T) {
	f := fixtures.New(t)
	loadTickit(t, f)
	user, pw := f.Config().MasterUser, f.Config().MasterPassword
	r := psql(t, f, user, pw, "sslmode=disable", "-q", "-c",
		"create table keyed (k2 varchar(10) not null, k1 int not null, note varchar(max), primary key (k2, k1))")
	require.Equal(t, 0, r.code, r.stderr)

	t.Run(`psql \d sales`, func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=disable", "-c", `\d sales`)
		require.Equal(t, 0, r.code, r.stderr)
		out := lines(r.stdout)
		require.Equal(t, `Table "public.sales"`, strings.TrimSpace(out[0]))
		var got []string
		for _, l := range out[3:] {
			cells := strings.Split(l, "|")
			got = append(got, strings.TrimSpace(cells[0])+"|"+strings.TrimSpace(cells[1])+"|"+strings.TrimSpace(cells[3]))
		}
		require.Equal(t, salesColumns, got)
	})

	t.Run(`psql \d keyed`, func(t *testing.T) {
		r := psql(t, f, user, pw, "sslmode=disable", "-c", `\d keyed`)
		require.Equal(t, 0, r.code, r.stderr)
		require.Contains(t, r.stdout, "Indexes:\n    \"keyed_pkey\" PRIMARY KEY, btree (k2, k1)\n")
		require.Contains(t, r.stdout, " note   | character varying(65535) |")
	})

	t.Run("pgjdbc DatabaseMetaData", func(t *testing.T) {
		java, cp := javaClasspath(t)
		got := runMeta(t, f, java, "-cp", cp, "Metadata", "public", "sales")
		require.Equal(t, []string{"information_schema", "pg_catalog", "public"}, withPrefix(got, "getSchemas"))
		var tables []string
		for _, n := range append([]string{"keyed"}, tickitTables...) {
			tables = append(tables, "public|"+n+"|TABLE")
		}
		require.ElementsMatch(t, tables, withPrefix(got, "getTables"))
		require.Equal(t, []string{
			"salesid|int4|10|0|NO|1", "listid|int4|10|0|NO|2", "sellerid|int4|10|0|NO|3", "buyerid|int4|10|0|NO|4",
			"eventid|int4|10|0|NO|5", "dateid|int2|5|0|NO|6", "qtysold|int2|5|0|NO|7", "pricepaid|numeric|8|2|YES|8",
			"commission|numeric|8|2|YES|9", "saletime|timestamp|29|6|YES|10",
		}, withPrefix(got, "getColumns"))
		require.Empty(t, withPrefix(got, "getPrimaryKeys"))

		got = runMeta(t, f, java, "-cp", cp, "Metadata", "public", "keyed")
		require.Equal(t, []string{"k2|1|keyed_pkey", "k1|2|keyed_pkey"}, withPrefix(got, "getPrimaryKeys"))
		require.Equal(t, []string{"k2|varchar|10|0|NO|1", "k1|int4|10|0|NO|2", "note|varchar|65535|0|YES|3"},
			withPrefix(got, "getColumns"))
	})

	t.Run("SQLAlchemy reflection", func(t *testing.T) {
		python := "/usr/bin/python3"
		if err := exec.Command(python, "-c", "import sqlalchemy, psycopg2").Run(); err != nil {
			missing(t, "SQLAlchemy and psycopg2 for /usr/bin/python3", "apt-get install -y python3-sqlalchemy python3-psycopg2")
		}
		got := runMeta(t, f, python, "testdata/clients/reflect.py", "public", "sales")
		require.Equal(t, []string{"information_schema", "public"}, withPrefix(got, "get_schema_names"))
		require.ElementsMatch(t, append([]string{"keyed"}, tickitTables...), withPrefix(got, "get_table_names"))
		require.Equal(t, []string{
			"salesid|INTEGER|False", "listid|INTEGER|False", "sellerid|INTEGER|False", "buyerid|INTEGER|False",
			"eventid|INTEGER|False", "dateid|SMALLINT|False", "qtysold|SMALLINT|False", "pricepaid|NUMERIC(8, 2)|True",
			"commission|NUMERIC(8, 2)|True", "saletime|TIMESTAMP|True",
		}, withPrefix(got, "get_columns"))
		require.Equal(t, []string{"|None"}, withPrefix(got, "get_pk_constraint"))

		got = runMeta(t, f, python, "testdata/clients/reflect.py", "public", "keyed")
		// SQLAlchemy lists a key's columns in table order for a server older than 8.4.
		require.Equal(t, []string{"k2,k1|keyed_pkey"}, withPrefix(got, "get_pk_constraint"))
	})
}
