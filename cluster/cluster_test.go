package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/cluster"
	"github.com/fakeshift/fakeshift/sql"
	"github.com/fakeshift/fakeshift/sql/duckdb"
	"github.com/fakeshift/fakeshift/store"
)

// serve builds a cluster over db and serves it on a free loopback port; opts change its
// spec first.
func serve(t *testing.T, db *store.DB, opts ...func(*cluster.Spec)) (*cluster.Cluster, string) {
	t.Helper()
	spec := cluster.Spec{
		ID: "test", Database: "dev", MasterUser: "awsuser", MasterPassword: "Master123",
		Store: db,
		OpenEngine: func(ctx context.Context, database string, source sql.RecordSource) (sql.Engine, error) {
			return duckdb.Open(ctx, duckdb.Config{Source: source})
		},
	}
	if db.Durable() {
		spec.WALDir = t.TempDir()
	}
	for _, o := range opts {
		o(&spec)
	}
	c, err := cluster.New(context.Background(), spec)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go c.Serve(ln)
	t.Cleanup(func() { c.Shutdown(context.Background()) })
	return c, ln.Addr().String()
}

func memStore(t *testing.T) *store.DB {
	db, err := store.Open(store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func connect(t *testing.T, addr, user, password string) (*pgx.Conn, error) {
	conn, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://%s:%s@%s/dev?sslmode=disable", user, password, addr))
	if err == nil {
		t.Cleanup(func() { conn.Close(context.Background()) })
	}
	return conn, err
}

func code(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	if err != nil {
		return "not a PgError: " + err.Error()
	}
	return ""
}

func TestUserAndGroupRules(t *testing.T) {
	_, addr := serve(t, memStore(t))
	ctx := context.Background()
	master, err := connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err)
	for _, stmt := range []string{
		"create user reg password 'Regular12'",
		"create user other password 'Other1234'",
		"create group analysts with user reg",
	} {
		_, err := master.Exec(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	reg, err := connect(t, addr, "reg", "Regular12")
	require.NoError(t, err)

	for _, tc := range []struct {
		as   *pgx.Conn
		stmt string
		code string // "" for success
	}{
		{reg, "create user x password 'Xxxxxxx1'", "42501"},
		{reg, "drop user other", "42501"},
		{reg, "alter user other password 'Other5678'", "42501"},
		{reg, "alter user reg createdb", "42501"},
		{reg, "alter user reg password 'Regular34'", ""},
		{reg, "create group g2", "42501"},
		{reg, "show server_version", "42501"},
		{master, "show server_version", ""},
		{master, "create user other password 'Other1234'", "42710"},
		{master, "create user weak password 'weak'", "22023"},
		{master, "create user nodigit password 'NoDigitsHere'", "22023"},
		{master, "create user bad password 'Bad12345' valid until 'whenever'", "22007"},
		{master, "create user st password 'Stimeout1' session timeout 5", "22023"},
		{master, "create user ing password 'Ingroup12' in group nosuchgroup", "42704"},
		{master, "alter user awsuser password disable", "22023"},
		{master, "alter user awsuser rename to boss", "0A000"},
		{master, "drop user awsuser", "55006"},
		{master, "drop user rdsdb", "42501"},
		{master, "drop user nosuch", "42704"},
		{master, "drop user if exists nosuch", ""},
		{master, "alter user nosuch createdb", "42704"},
		{master, "alter user other set nosuch_param to 1", "42704"},
		{master, "alter user other set statement_timeout to 1000", ""},
		{master, "create group analysts", "42710"},
		{master, "alter group analysts add user nosuch", "42704"},
		{master, "alter group nosuch add user reg", "42704"},
		{master, "alter group analysts add user other", ""},
		{master, "alter group analysts rename to team", ""},
		{master, "drop group nosuch", "42704"},
		{master, "set nosuch_param to 1", "42704"},
		{master, "set statement_timeout to 'soon'", "22023"},
	} {
		_, err := tc.as.Exec(ctx, tc.stmt)
		require.Equal(t, tc.code, code(err), "%s", tc.stmt)
	}

	// A failed DROP of several users drops none of them.
	_, err = master.Exec(ctx, "drop user other, nosuch")
	require.Equal(t, "42704", code(err))
	_, err = connect(t, addr, "other", "Other1234")
	require.NoError(t, err, "other still exists")

	// ALTER USER ... SET applies to the user's new sessions.
	otherConn, err := connect(t, addr, "other", "Other1234")
	require.NoError(t, err)
	var v string
	require.NoError(t, otherConn.QueryRow(ctx, "show statement_timeout").Scan(&v))
	require.Equal(t, "1000", v)

	// The regular user's own password change took effect.
	_, err = connect(t, addr, "reg", "Regular34")
	require.NoError(t, err)
}

func TestCatalogSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(store.Options{Dir: dir})
	require.NoError(t, err)
	c, addr := serve(t, db)
	master, err := connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err)
	for _, stmt := range []string{
		"create user first password 'First1234'",
		"create user second password 'sha256|Second123'",
		"create group crew with user first, second",
		"drop user first",
	} {
		_, err := master.Exec(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	require.NoError(t, master.Close(ctx))
	require.NoError(t, c.Shutdown(ctx))
	require.NoError(t, db.Close())

	db, err = store.Open(store.Options{Dir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	c2, addr2 := serve(t, db)
	ids := map[string]int32{}
	for _, u := range c2.Users() {
		ids[u.Name] = u.ID
	}
	require.Equal(t, map[string]int32{"rdsdb": 1, "awsuser": 100, "second": 102}, ids)

	master, err = connect(t, addr2, "awsuser", "Master123")
	require.NoError(t, err)
	_, err = master.Exec(ctx, "create user third password 'Third1234'")
	require.NoError(t, err)
	for _, u := range c2.Users() {
		if u.Name == "third" {
			require.Equal(t, int32(103), u.ID, "ids continue after a restart and are never reused")
		}
	}
	_, err = master.Exec(ctx, "create group crew")
	require.Equal(t, "42710", code(err), "the group survived the restart")
}

// Reset forgets every grant and owner: the user made first after it has the id of the one
// made first before it, and none of that user's privileges.
func TestResetForgetsGrants(t *testing.T) {
	c, addr := serve(t, memStore(t))
	ctx := context.Background()
	master, err := connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err)
	for _, stmt := range []string{
		"create user bob password 'Bobbob123'",
		"grant create on database dev to bob",
		"revoke create on schema public from public",
		"create table t (a int)",
		"grant select on t to bob",
	} {
		_, err := master.Exec(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	bob, err := connect(t, addr, "bob", "Bobbob123")
	require.NoError(t, err)
	_, err = bob.Exec(ctx, "create schema bobs")
	require.NoError(t, err)

	_, err = c.Reset(ctx)
	require.NoError(t, err)
	master, err = connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err)
	for _, stmt := range []string{"create user carol password 'Carol1234'", "create table t (a int)"} {
		_, err := master.Exec(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	ids := map[string]int32{}
	for _, u := range c.Users() {
		ids[u.Name] = u.ID
	}
	require.Equal(t, int32(101), ids["carol"], "carol has bob's id")
	carol, err := connect(t, addr, "carol", "Carol1234")
	require.NoError(t, err)
	for _, tc := range []struct{ stmt, code string }{
		{"create schema carols", "42501"},
		{"select * from t", "42501"},
		{"create table mine (a int)", ""}, // PUBLIC's CREATE on public is back
	} {
		_, err := carol.Exec(ctx, tc.stmt)
		require.Equal(t, tc.code, code(err), tc.stmt)
	}
}

// A datashare's table named without a schema is found through the session's search path and
// kept with its schema.
func TestDatashareObjects(t *testing.T) {
	c, addr := serve(t, memStore(t))
	ctx := context.Background()
	master, err := connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err)
	for _, tc := range []struct{ stmt, code string }{
		{"create schema s", ""},
		{"create table s.solo (a int)", ""},
		{"create table pub (a int)", ""},
		{"create datashare d", ""},
		{"alter datashare d add table solo", "42P01"},
		{"set search_path to s, public", ""},
		{"alter datashare d add table solo, pub", ""},
		{"alter datashare d add table solo", ""},
		{"alter datashare d add schema s", ""},
		{"alter datashare d add schema nosuch", "3F000"},
		{"alter datashare d set includenew = true for schema s", ""},
		{"set search_path to public", ""},
		{"alter datashare d remove table solo", "42P01"},
		{"alter datashare d remove table s.solo", ""},
	} {
		_, err := master.Exec(ctx, tc.stmt)
		require.Equal(t, tc.code, code(err), tc.stmt)
	}
	shares, err := c.Datashares()
	require.NoError(t, err)
	require.Len(t, shares, 1)
	require.Equal(t, []string{"TABLE public.pub", "SCHEMA s"}, shares[0].Objects)
	require.Equal(t, []string{"s"}, shares[0].IncludeNew)
}
