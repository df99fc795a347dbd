package duckdb

import (
	"regexp"
	"strings"
)

// columnName turns DuckDB's name for a result column into the one PostgreSQL (and so
// Redshift) gives it. DuckDB names an expression by its text ("(a + 1)", "count_star()",
// "CAST(1 AS INTEGER)"); PostgreSQL names a column reference or an alias by itself, a function
// call by the function, a cast by what is cast (or the type, for a constant) and anything
// else "?column?". Redshift folds identifiers to lower case, aliases included.
func columnName(name, query string) string {
	if isPlainIdent(name) {
		return strings.ToLower(name)
	}
	// A quoted alias or column ("a b", "Total") is kept, folded.
	if strings.Contains(query, `"`+strings.ReplaceAll(name, `"`, `""`)+`"`) {
		return strings.ToLower(name)
	}
	return exprName(name)
}

func exprName(e string) string {
	e = strings.TrimSpace(e)
	if e == "count_star()" {
		return "count"
	}
	if inner, typ, ok := castParts(e); ok {
		if n := exprName(inner); n != "?column?" {
			return n
		}
		return pgTypeName(typ)
	}
	if strings.HasPrefix(strings.ToUpper(e), "CASE ") && strings.HasSuffix(strings.ToUpper(e), " END") {
		return "case"
	}
	if f, ok := funcName(e); ok {
		switch f {
		case "list_value":
			return "array"
		case "struct_pack", "row":
			return "row"
		}
		return f
	}
	if isPlainIdent(e) {
		return strings.ToLower(e)
	}
	// a.b, "a"."b": the column
	if i := strings.LastIndexByte(e, '.'); i > 0 && i < len(e)-1 {
		last := strings.Trim(e[i+1:], `"`)
		if isPlainIdent(last) && !strings.ContainsAny(e[:i], "()' ") {
			return strings.ToLower(last)
		}
	}
	return "?column?"
}

func isPlainIdent(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}

// castParts splits "CAST(x AS T)" or "x::T" into x and T.
func castParts(e string) (inner, typ string, ok bool) {
	if strings.HasPrefix(e, "CAST(") && strings.HasSuffix(e, ")") && closing(e, 4) == len(e)-1 {
		body := e[5 : len(e)-1]
		if i := lastTopLevel(body, " AS "); i >= 0 {
			return body[:i], body[i+4:], true
		}
	}
	if i := lastTopLevel(e, "::"); i > 0 {
		return e[:i], e[i+2:], true
	}
	return "", "", false
}

// funcName returns f for "f(...)", "schema.f(...)" or `"f"(...)`.
func funcName(e string) (string, bool) {
	open := strings.IndexByte(e, '(')
	if open <= 0 || !strings.HasSuffix(e, ")") || closing(e, open) != len(e)-1 {
		return "", false
	}
	head := e[:open]
	if i := strings.LastIndexByte(head, '.'); i >= 0 {
		head = head[i+1:]
	}
	head = strings.Trim(head, `"`)
	if !isPlainIdent(head) {
		return "", false
	}
	return strings.ToLower(head), true
}

// closing returns the index of the parenthesis that closes the one at e[open], skipping
// quoted text.
func closing(e string, open int) int {
	depth := 0
	for i := open; i < len(e); i++ {
		switch e[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		case '\'', '"':
			i = skipQuoted(e, i, e[i], false) - 1
		}
	}
	return -1
}

// lastTopLevel returns the last index of sep in e outside parentheses and quotes, or -1.
func lastTopLevel(e, sep string) int {
	depth, at := 0, -1
	for i := 0; i < len(e); i++ {
		switch e[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '\'', '"':
			i = skipQuoted(e, i, e[i], false) - 1
			continue
		}
		if depth == 0 && strings.HasPrefix(e[i:], sep) {
			at = i
		}
	}
	return at
}

// pgTypeName is PostgreSQL's internal name for a DuckDB type, as it names a cast constant.
func pgTypeName(t string) string {
	t = strings.ToUpper(strings.TrimSpace(t))
	if i := strings.IndexByte(t, '('); i > 0 {
		t = t[:i]
	}
	switch t {
	case "INTEGER", "INT", "INT4", "INT32":
		return "int4"
	case "BIGINT", "INT8", "INT64":
		return "int8"
	case "SMALLINT", "INT2", "INT16", "TINYINT":
		return "int2"
	case "VARCHAR", "CHAR", "BPCHAR", "STRING":
		return "varchar"
	case "TEXT":
		return "text"
	case "DOUBLE", "FLOAT8":
		return "float8"
	case "FLOAT", "REAL", "FLOAT4":
		return "float4"
	case "BOOLEAN", "BOOL":
		return "bool"
	case "DECIMAL", "NUMERIC", "HUGEINT", "UBIGINT":
		return "numeric"
	case "TIMESTAMP":
		return "timestamp"
	case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ":
		return "timestamptz"
	case "TIME":
		return "time"
	case "BLOB":
		return "bytea"
	case `"JSON"`:
		return "json"
	}
	return strings.ToLower(strings.Trim(t, `"`))
}

var castedParam = regexp.MustCompile(`CAST\((\$\d+) AS VARCHAR\)`)

// unreplaceParams undoes describeUntyped's rewrite in a column name.
func unreplaceParams(name string) string {
	if !strings.Contains(name, "CAST($") {
		return name
	}
	return castedParam.ReplaceAllString(name, "$1")
}
