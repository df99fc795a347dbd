package integration

import (
	"database/sql"
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/fixtures"
)

func TestLibPQ(t *testing.T) {
	f := fixtures.New(t)
	cfg := f.Config()
	for _, mode := range []string{"sslmode=require", "sslmode=disable"} {
		t.Run(mode, func(t *testing.T) {
			db, err := sql.Open("postgres", f.DSNWith(cfg.MasterUser, cfg.MasterPassword, mode))
			require.NoError(t, err)
			defer db.Close()
			var n int
			require.NoError(t, db.QueryRow("select $1::int * 2", 21).Scan(&n))
			require.Equal(t, 42, n)

			_, err = db.Exec("select * from no_such_table")
			var pqErr *pq.Error
			require.ErrorAs(t, err, &pqErr)
			require.Equal(t, pq.ErrorCode("42P01"), pqErr.Code)
		})
	}

	t.Run("default sslmode is require", func(t *testing.T) {
		dsn := f.DSNWith(cfg.MasterUser, cfg.MasterPassword, "")
		db, err := sql.Open("postgres", dsn)
		require.NoError(t, err)
		defer db.Close()
		require.NoError(t, db.Ping(), "lib/pq's default sslmode=require works because fakeshift serves TLS")
	})

	t.Run("transaction", func(t *testing.T) {
		db, err := sql.Open("postgres", f.DSN(cfg.MasterUser, cfg.MasterPassword))
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Exec("create table pq_t (a int)")
		require.NoError(t, err)
		tx, err := db.Begin()
		require.NoError(t, err)
		_, err = tx.Exec("insert into pq_t values ($1)", 7)
		require.NoError(t, err)
		require.NoError(t, tx.Commit())
		var a int
		require.NoError(t, db.QueryRow("select a from pq_t").Scan(&a))
		require.Equal(t, 7, a)
	})
}
