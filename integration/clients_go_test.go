package integration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// goDSN is a PostgreSQL URL for a connSpec.
func goDSN(c connSpec) string {
	q := url.Values{"sslmode": {"disable"}, "connect_timeout": {"10"}}
	if c.tls {
		q.Set("sslmode", "require")
	}
	if c.appName != "" {
		q.Set("application_name", c.appName)
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(c.user, c.password), Host: net.JoinHostPort(c.host, c.port),
		Path: "/" + c.database, RawQuery: q.Encode()}
	return u.String()
}

func textOf(v any) *string {
	if v == nil {
		return nil
	}
	s := fmt.Sprint(v)
	return &s
}

func args(params []string) []any {
	out := make([]any, len(params))
	for i, p := range params {
		out[i] = p
	}
	return out
}

// pgxClient runs a session with pgx v5 (its default, extended protocol).
func pgxClient(*testing.T) func(*testing.T, connSpec, ...stmt) clientOutput {
	asError := func(err error) *clientError {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			return &clientError{Severity: pgErr.Severity, Code: pgErr.Code, Message: pgErr.Message}
		}
		return &clientError{Message: err.Error()}
	}
	return func(t *testing.T, c connSpec, stmts ...stmt) clientOutput {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out := clientOutput{Driver: "pgx v5"}
		conn, err := pgx.Connect(ctx, goDSN(c))
		if err != nil {
			out.Error = asError(err)
			return out
		}
		for _, s := range stmts {
			var r clientResult
			rows, err := conn.Query(ctx, s.sql, args(s.params)...)
			if err == nil {
				for rows.Next() {
					vals, err := rows.Values()
					require.NoError(t, err)
					row := make([]*string, len(vals))
					for i, v := range vals {
						row[i] = textOf(v)
					}
					r.Rows = append(r.Rows, row)
				}
				err = rows.Err()
			}
			if err != nil {
				r.Rows, r.Error = nil, asError(err)
			}
			out.Results = append(out.Results, r)
		}
		require.NoError(t, conn.Close(ctx))
		return out
	}
}

// libpqClient runs a session with lib/pq through database/sql, on one connection.
func libpqClient(*testing.T) func(*testing.T, connSpec, ...stmt) clientOutput {
	asError := func(err error) *clientError {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) {
			return &clientError{Severity: pqErr.Severity, Code: string(pqErr.Code), Message: pqErr.Message}
		}
		return &clientError{Message: err.Error()}
	}
	return func(t *testing.T, c connSpec, stmts ...stmt) clientOutput {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out := clientOutput{Driver: "lib/pq"}
		db, err := sql.Open("postgres", goDSN(c))
		require.NoError(t, err)
		defer db.Close()
		conn, err := db.Conn(ctx)
		if err != nil {
			out.Error = asError(err)
			return out
		}
		for _, s := range stmts {
			var r clientResult
			rows, err := conn.QueryContext(ctx, s.sql, args(s.params)...)
			if err == nil {
				cols, err := rows.Columns()
				require.NoError(t, err)
				for rows.Next() {
					raw := make([]sql.RawBytes, len(cols))
					dest := make([]any, len(cols))
					for i := range raw {
						dest[i] = &raw[i]
					}
					require.NoError(t, rows.Scan(dest...))
					row := make([]*string, len(cols))
					for i, b := range raw {
						if b != nil {
							row[i] = textOf(string(b))
						}
					}
					r.Rows = append(r.Rows, row)
				}
				err = rows.Err()
				rows.Close()
			}
			if err != nil {
				r.Rows, r.Error = nil, asError(err)
			}
			out.Results = append(out.Results, r)
		}
		require.NoError(t, conn.Close())
		require.NoError(t, db.Close())
		return out
	}
}
