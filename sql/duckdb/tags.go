package duckdb

import (
	"strconv"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/fakeshift/fakeshift/sql"
)

// returnsRows reports whether a statement of this kind sends rows to the client. DuckDB
// answers DDL and DML with a one-row "Count" or "Success" result, which the client never sees.
func returnsRows(kind mapping.StatementType, words []string, query string) bool {
	switch kind {
	case mapping.StatementTypeSelect, mapping.StatementTypeExplain, mapping.StatementTypeRelation,
		mapping.StatementTypeLogicalPlan, mapping.StatementTypePragma, mapping.StatementTypeCall,
		mapping.StatementTypeExecute:
		return true
	case mapping.StatementTypeInsert, mapping.StatementTypeUpdate, mapping.StatementTypeDelete:
		return hasWord(query, "RETURNING")
	}
	return false
}

// statusOnly reports whether a result is DuckDB's bookkeeping (CHECKPOINT, PRAGMA x=y, ...)
// rather than data.
func statusOnly(names []string, types []*colType) bool {
	if len(names) != 1 {
		return false
	}
	return names[0] == "Success" && types[0].id == mapping.TypeBoolean ||
		names[0] == "Count" && types[0].id == mapping.TypeBigInt
}

// commandTag is PostgreSQL's command tag for a statement of this kind, from its statement type
// and its first keywords. n is the rows returned, or the rows affected when counted.
func commandTag(kind mapping.StatementType, words []string, n int64, counted bool) string {
	word := func(i int) string {
		if i < len(words) {
			return words[i]
		}
		return ""
	}
	num := strconv.FormatInt(n, 10)
	switch kind {
	case mapping.StatementTypeSelect, mapping.StatementTypeRelation, mapping.StatementTypeLogicalPlan:
		if word(0) == "SHOW" {
			return "SHOW"
		}
		return "SELECT " + num
	case mapping.StatementTypeExplain:
		return "EXPLAIN"
	case mapping.StatementTypeInsert:
		return "INSERT 0 " + num
	case mapping.StatementTypeUpdate:
		return "UPDATE " + num
	case mapping.StatementTypeDelete:
		if word(0) == "TRUNCATE" {
			return "TRUNCATE TABLE"
		}
		return "DELETE " + num
	case mapping.StatementTypeCreate, mapping.StatementTypeCreateFunc:
		k := objectKind(words, 1)
		if k == "TABLE" && counted {
			return "SELECT " + num // CREATE TABLE AS
		}
		return "CREATE " + k
	case mapping.StatementTypeDrop:
		return "DROP " + objectKind(words, 1)
	case mapping.StatementTypeAlter:
		if word(0) == "COMMENT" {
			return "COMMENT"
		}
		return "ALTER " + objectKind(words, 1)
	case mapping.StatementTypeTransaction:
		switch word(0) {
		case "BEGIN", "START":
			return "BEGIN"
		case "COMMIT", "END":
			return "COMMIT"
		case "ROLLBACK", "ABORT":
			return "ROLLBACK"
		}
	case mapping.StatementTypeSet, mapping.StatementTypeVariableSet:
		if word(0) == "RESET" {
			return "RESET"
		}
		return "SET"
	case mapping.StatementTypeCopy:
		return "COPY " + num
	case mapping.StatementTypePragma, mapping.StatementTypeCall, mapping.StatementTypeExecute:
		if counted {
			return "SELECT " + num
		}
	}
	if w := word(0); w != "" {
		return w
	}
	return "OK"
}

// objectKind names the object a CREATE, DROP or ALTER is about, words[i:] following the verb.
func objectKind(words []string, i int) string {
	for ; i < len(words); i++ {
		switch w := words[i]; w {
		case "OR", "REPLACE", "TEMP", "TEMPORARY", "LOCAL", "GLOBAL", "PERSISTENT", "UNIQUE", "UNLOGGED":
			continue
		case "MACRO":
			return "FUNCTION"
		case "MATERIALIZED":
			return "MATERIALIZED VIEW"
		default:
			return w
		}
	}
	return ""
}

// refuse turns away what the sandbox forbids even where DuckDB's own settings would allow it
// (an in-memory ATTACH, loading a built-in extension) with insufficient_privilege.
func refuse(kind mapping.StatementType) *sql.Error {
	var msg string
	switch kind {
	case mapping.StatementTypeLoad:
		msg = "permission denied: extensions cannot be installed or loaded"
	case mapping.StatementTypeAttach, mapping.StatementTypeDetach:
		msg = "permission denied: databases cannot be attached or detached"
	case mapping.StatementTypeExport:
		msg = "permission denied: databases cannot be exported"
	case mapping.StatementTypeCopy:
		msg = "must be superuser to COPY to or from a file"
	default:
		return nil
	}
	return &sql.Error{Code: sql.CodeInsufficientPrivilege, Message: msg}
}

// kindOf guesses a statement's type from its first keyword, for a statement that DuckDB
// could not prepare.
func kindOf(words []string) mapping.StatementType {
	if len(words) > 0 && words[0] == "DROP" {
		return mapping.StatementTypeDrop
	}
	return mapping.StatementTypeInvalid
}
