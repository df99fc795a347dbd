// Package sql owns fakeshift's statement work that needs no cluster state: splitting and
// classifying Redshift SQL, parsing the user and group DDL that fakeshift executes itself,
// masking passwords and credentials in statement text, and the Engine interface behind which
// every other statement runs (the DuckDB adapter is in sql/duckdb).
//
// Package sql imports no other package of fakeshift.
package sql
