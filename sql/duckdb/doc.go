// Package duckdb owns fakeshift's embedded SQL engine: it implements sql.Engine over DuckDB
// (through the duckdb-go C bindings) and hides every trace of DuckDB behind PostgreSQL's
// vocabulary, the way Redshift's leader node speaks it.
//
// It owns:
//
//   - one sandboxed DuckDB instance per Engine (no file, network or extension access, a memory
//     limit and a thread count, the configuration locked after open) whose default schema is
//     public, as in Redshift;
//   - one DuckDB connection per session, whose current_user, session_user, user,
//     current_database(), pg_backend_pid() and version() answer from the session's
//     sql.Identity, and whose integer division and division by zero behave as Redshift's;
//   - prepared statements described as PostgreSQL describes them (parameter OIDs, a
//     RowDescription with OIDs, typlen and typmod, PostgreSQL's column names) without running
//     them;
//   - results streamed chunk by chunk, values normalised to the kinds sql.Rows documents, and
//     PostgreSQL command tags;
//   - DuckDB's errors mapped to *sql.Error with a SQLSTATE and PostgreSQL's wording, never
//     naming DuckDB;
//   - cancellation of a running statement when its context ends;
//   - the system tables of sql.SystemTables, served from Config.Source by a DuckDB table
//     function that a replacement scan puts in place of stl_query, pg_catalog.stl_query, ...,
//     each session seeing the rows its identity may see (systables.go).
//
// What the package cannot make DuckDB do (varchar(n) length checks, informational-only
// primary keys, ...) is listed in the README under "Where fakeshift had to choose".
package duckdb
