package duckdb

import (
	"context"
	"strings"

	"github.com/fakeshift/fakeshift/sql"
)

// search_path.
//
// The session's path (SetSearchPath) names schemas as Redshift does: "$user" for the
// session user's own schema, and schemas that may not exist (yet). DuckDB's search_path
// takes only schemas that exist, so before a statement is prepared the connection hands
// DuckDB the schemas of the path that exist now, in order; DuckDB then looks unqualified
// names up in them and makes unqualified objects in the first, which is PostgreSQL's rule.
// The list is worked out again when the path changes or when a schema was made, dropped or
// renamed by any session (Engine.schemaGen). With no schema of the path existing, objects
// made without a schema are refused as PostgreSQL refuses them (3F000).

// defaultSearchPath is Redshift's search_path default.
var defaultSearchPath = []string{sql.UserSchema, "public"}

// SetSearchPath sets the schemas in which unqualified names are looked up.
func (c *Conn) SetSearchPath(path []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(); err != nil {
		return err
	}
	c.path = append([]string(nil), path...)
	c.pathStale = true
	c.passed.forget() // unqualified names may now name other relations
	return nil
}

// applyPath gives DuckDB the schemas of the session's path that exist. Callers hold mu.
func (c *Conn) applyPath(ctx context.Context) *sql.Error {
	gen := c.e.schemaGen.Load()
	if !c.pathStale && gen == c.pathGen {
		return nil
	}
	rows, err := c.rawQuery(ctx, "SELECT schema_name FROM duckdb_schemas() WHERE database_name NOT IN ('system', 'temp') "+
		"AND schema_name NOT IN ('main', '"+catalogSchema+"')")
	if err != nil {
		return err
	}
	exists := map[string]bool{}
	for _, r := range rows {
		if s, ok := r[0].(string); ok {
			exists[s] = true
		}
	}
	var names []string
	seen := map[string]bool{}
	for _, s := range c.path {
		if s == sql.UserSchema {
			s = c.id.User
		}
		if !exists[s] || seen[s] {
			continue
		}
		seen[s] = true
		names = append(names, quoteIdent(s))
	}
	value := strings.Join(names, ",")
	if value != c.pathSet {
		if err := c.rawExec(ctx, "SET search_path = "+quote(value)); err != nil {
			return err
		}
		c.pathSet = value
	}
	c.noSchema = value == ""
	c.pathStale, c.pathGen = false, gen
	return nil
}

// errNoSchema is PostgreSQL's error for an object made without a schema when no schema of
// the search path exists.
func errNoSchema() *sql.Error {
	return sql.Errorf(sql.CodeInvalidSchemaName, "no schema has been selected to create in")
}
