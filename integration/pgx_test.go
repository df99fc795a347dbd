package integration

import (
	"context"
	"crypto/tls"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/fixtures"
)

func TestPgxLogins(t *testing.T) {
	f := fixtures.New(t)
	ctx := context.Background()
	master := f.Master()

	for _, stmt := range []string{
		"create user alice password 'Alice1234'",
		"create user expired password 'Expired12' valid until '2001-01-01'",
		"create user nopass password disable",
		"create user limited password 'Limited12' connection limit 1",
		"create user renamed password 'Renamed12'",
		"alter user renamed rename to renamed2",
	} {
		_, err := master.Exec(ctx, stmt)
		require.NoError(t, err, stmt)
	}

	t.Run("md5 user", func(t *testing.T) {
		conn := f.Connect("alice", "Alice1234")
		var user, sessionUser string
		require.NoError(t, conn.QueryRow(ctx, "select current_user, session_user").Scan(&user, &sessionUser))
		require.Equal(t, "alice", user)
		require.Equal(t, "alice", sessionUser)
		require.Equal(t, "8.0.2", conn.PgConn().ParameterStatus("server_version"))
		require.Equal(t, "off", conn.PgConn().ParameterStatus("is_superuser"))
		require.NotEmpty(t, conn.PgConn().ParameterStatus("padb_revision"))
	})

	t.Run("TLS", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, f.DSNWith("alice", "Alice1234", "sslmode=require"))
		require.NoError(t, err)
		defer conn.Close(ctx)
		tc, ok := conn.PgConn().Conn().(*tls.Conn)
		require.True(t, ok, "the connection is TLS, not %T", conn.PgConn().Conn())
		st := tc.ConnectionState()
		require.Equal(t, uint16(tls.VersionTLS12), st.Version)
		require.Equal(t, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, st.CipherSuite)
	})

	refused := []struct {
		name, user, password, code, message string
	}{
		{"wrong password", "alice", "Wrong1234", "28000", `password authentication failed for user "alice"`},
		{"unknown user", "mallory", "Alice1234", "28000", `password authentication failed for user "mallory"`},
		{"expired user", "expired", "Expired12", "28000", `password authentication failed for user "expired"`},
		{"disabled password", "nopass", "Whatever1", "28000", `password authentication failed for user "nopass"`},
		{"renamed user lost its md5 password", "renamed2", "Renamed12", "28000", `password authentication failed for user "renamed2"`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pgx.Connect(ctx, f.DSN(tc.user, tc.password))
			var pgErr *pgconn.PgError
			require.True(t, errors.As(err, &pgErr), "got %v", err)
			require.Equal(t, "FATAL", pgErr.Severity)
			require.Equal(t, tc.code, pgErr.Code)
			require.Equal(t, tc.message, pgErr.Message)
		})
	}

	t.Run("unknown database", func(t *testing.T) {
		cfg, err := pgx.ParseConfig(f.DSN("alice", "Alice1234"))
		require.NoError(t, err)
		cfg.Database = "nosuchdb"
		_, err = pgx.ConnectConfig(ctx, cfg)
		require.Equal(t, "3D000", pgCode(err), "%v", err)
	})

	t.Run("connection limit", func(t *testing.T) {
		first := f.Connect("limited", "Limited12")
		_, err := pgx.Connect(ctx, f.DSN("limited", "Limited12"))
		require.Equal(t, "53300", pgCode(err), "%v", err)
		require.NoError(t, first.Close(ctx))
		require.Eventually(t, func() bool {
			c, err := pgx.Connect(ctx, f.DSN("limited", "Limited12"))
			if err == nil {
				c.Close(ctx)
			}
			return err == nil
		}, 2*time.Second, 20*time.Millisecond, "the slot frees when the session ends")
	})
}

func TestPgxStatements(t *testing.T) {
	f := fixtures.New(t)
	ctx := context.Background()
	conn := f.Master()

	tag, err := conn.Exec(ctx, "create table sales (id int, region varchar(20), amount decimal(10,2))")
	require.NoError(t, err)
	require.Equal(t, "CREATE TABLE", tag.String())
	tag, err = conn.Exec(ctx, "insert into sales values (1, 'east', 10.50), (2, 'west', 20.25), (3, 'east', 5.00)")
	require.NoError(t, err)
	require.Equal(t, "INSERT 0 3", tag.String())

	t.Run("parameters, binary results", func(t *testing.T) {
		var n int64
		var total float64
		require.NoError(t, conn.QueryRow(ctx, "select count(*), sum(amount)::float8 from sales where region = $1", "east").Scan(&n, &total))
		require.Equal(t, int64(2), n)
		require.InDelta(t, 15.5, total, 1e-9)
	})

	t.Run("empty strings are not NULL", func(t *testing.T) {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeExec} {
			for range 2 { // a newly prepared statement, then a cached one
				var lit, param *string
				require.NoError(t, conn.QueryRow(ctx, "select '', $1::varchar", mode, "").Scan(&lit, &param), mode)
				require.NotNil(t, lit, mode)
				require.NotNil(t, param, mode)
				require.Equal(t, "", *lit)
				require.Equal(t, "", *param)
			}
		}
	})

	t.Run("prepared statement", func(t *testing.T) {
		_, err := conn.Prepare(ctx, "by_id", "select region from sales where id = $1")
		require.NoError(t, err)
		for id, want := range map[int]string{1: "east", 2: "west"} {
			var region string
			require.NoError(t, conn.QueryRow(ctx, "by_id", id).Scan(&region))
			require.Equal(t, want, region)
		}
	})

	t.Run("update and delete tags", func(t *testing.T) {
		tag, err := conn.Exec(ctx, "update sales set amount = amount + 1 where region = $1", "east")
		require.NoError(t, err)
		require.Equal(t, "UPDATE 2", tag.String())
		tag, err = conn.Exec(ctx, "delete from sales where id = $1", 3)
		require.NoError(t, err)
		require.Equal(t, "DELETE 1", tag.String())
	})

	t.Run("rollback undoes, commit keeps", func(t *testing.T) {
		count := func() (n int) {
			require.NoError(t, conn.QueryRow(ctx, "select count(*) from sales").Scan(&n))
			return n
		}
		before := count()
		tx, err := conn.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, "insert into sales values (10, 'north', 1)")
		require.NoError(t, err)
		require.NoError(t, tx.Rollback(ctx))
		require.Equal(t, before, count())

		tx, err = conn.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, "insert into sales values (11, 'north', 1)")
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
		require.Equal(t, before+1, count())
	})

	t.Run("failed transaction", func(t *testing.T) {
		_, err := conn.Exec(ctx, "begin")
		require.NoError(t, err)
		_, err = conn.Exec(ctx, "select * from no_such_table")
		require.Equal(t, "42P01", pgCode(err))
		_, err = conn.Exec(ctx, "select 1")
		require.Equal(t, "25P02", pgCode(err))
		tag, err := conn.Exec(ctx, "commit")
		require.NoError(t, err)
		require.Equal(t, "ROLLBACK", tag.String(), "COMMIT of a failed transaction rolls back")
		require.Equal(t, byte('I'), conn.PgConn().TxStatus())
	})

	t.Run("user DDL in a transaction", func(t *testing.T) {
		tx, err := conn.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, "create user txbob password 'Txbob1234'")
		require.NoError(t, err)
		require.NoError(t, tx.Rollback(ctx))
		_, err = pgx.Connect(ctx, f.DSN("txbob", "Txbob1234"))
		require.Equal(t, "28000", pgCode(err), "the rolled-back user does not exist")

		tx, err = conn.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, "create user txcarol password 'Txcarol12'")
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
		f.Connect("txcarol", "Txcarol12")
	})

	t.Run("errors map to SQLSTATEs", func(t *testing.T) {
		for stmt, code := range map[string]string{
			"selec 1":                            "42601",
			"select nosuchcol from sales":        "42703",
			"select * from nosuch":               "42P01",
			"create table sales (x int)":         "42P07",
			"create user alice password 'short'": "22023",
			"drop user nosuchuser":               "42704",
			"copy sales from 's3://b/k' iam_role 'arn:aws:iam::123456789012:role/r'": "0A000",
			"show nosuch_parameter": "42704",
		} {
			_, err := conn.Exec(ctx, stmt)
			require.Equal(t, code, pgCode(err), "%s: %v", stmt, err)
		}
	})

	t.Run("SET and SHOW", func(t *testing.T) {
		_, err := conn.Exec(ctx, "set application_name to 'etl-job'")
		require.NoError(t, err)
		require.Equal(t, "etl-job", conn.PgConn().ParameterStatus("application_name"), "ParameterStatus follows SET")
		var v string
		require.NoError(t, conn.QueryRow(ctx, "show application_name").Scan(&v))
		require.Equal(t, "etl-job", v)
		require.NoError(t, conn.QueryRow(ctx, "show search_path").Scan(&v))
		require.Equal(t, "$user, public", v)
	})

	t.Run("cancel", func(t *testing.T) {
		c2 := f.Master()
		go func() {
			time.Sleep(200 * time.Millisecond)
			c2.PgConn().CancelRequest(ctx)
		}()
		start := time.Now()
		_, err := c2.Exec(ctx, "select count(*) from range(1000000000000)")
		require.Equal(t, "57014", pgCode(err), "%v", err)
		require.Less(t, time.Since(start), 10*time.Second)
		var n int
		require.NoError(t, c2.QueryRow(ctx, "select 1").Scan(&n), "the session goes on after a cancel")
	})

	t.Run("statement_timeout", func(t *testing.T) {
		c := f.Master()
		_, err := c.Exec(ctx, "set statement_timeout to 100")
		require.NoError(t, err)
		_, err = c.Exec(ctx, "select count(*) from range(1000000000000)")
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr)
		require.Equal(t, "57014", pgErr.Code)
		require.Equal(t, "canceling statement due to statement timeout", pgErr.Message)
	})
}

func TestPgxPreferFallsBackToPlain(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.DisableTLS = true }))
	cfg := f.Config()
	// No sslmode: pgx's default "prefer" sends SSLRequest, gets 'N', and reconnects plain.
	conn, err := pgx.Connect(context.Background(), f.DSNWith(cfg.MasterUser, cfg.MasterPassword, ""))
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var n int
	require.NoError(t, conn.QueryRow(context.Background(), "select 1").Scan(&n))

	_, err = pgx.Connect(context.Background(), f.DSNWith(cfg.MasterUser, cfg.MasterPassword, "sslmode=require"))
	require.Error(t, err, "sslmode=require fails when the server refuses TLS")
}
