package sql

// Kind is the type of a statement as SVL_STATEMENTTEXT reports it in its type column.
type Kind string

// Statement kinds.
const (
	KindQuery   Kind = "QUERY"
	KindDDL     Kind = "DDL"
	KindUtility Kind = "UTILITY"
)

// Classify returns the SVL_STATEMENTTEXT type of one statement.
//
// SVL_STATEMENTTEXT is the union of STL_QUERYTEXT (type QUERY), STL_DDLTEXT (DDL) and
// STL_UTILITYTEXT (UTILITY), and the developer guide lists what each of those captures
// (VERIFIED, r_STL_QUERYTEXT, r_STL_DDLTEXT, r_STL_UTILITYTEXT):
//
//   - QUERY: SELECT, SELECT INTO, INSERT, UPDATE, DELETE, COPY, UNLOAD, CREATE TABLE AS.
//   - DDL: CREATE / DROP SCHEMA, TABLE, VIEW; ALTER SCHEMA, TABLE.
//   - UTILITY: ABORT, BEGIN, COMMIT, END, ROLLBACK; ANALYZE; CALL; CANCEL; COMMENT; CREATE,
//     ALTER, DROP DATABASE; CREATE, ALTER, DROP USER; EXPLAIN; GRANT, REVOKE; LOCK; RESET;
//     SET; SHOW; TRUNCATE; and materialized-view REFRESH.
//
// So GRANT, REVOKE, TRUNCATE, COMMENT and user DDL are UTILITY, not DDL. What the lists leave
// out fakeshift decides by analogy (CHOSEN, not verified):
//
//   - WITH, VALUES, TABLE, MERGE and a parenthesised query are QUERY.
//   - CREATE / ALTER / DROP of any other object (function, procedure, materialized view,
//     external schema or table, library, datashare, model, …) is DDL, except GROUP and ROLE,
//     which go with USER as UTILITY, and ALTER DEFAULT PRIVILEGES, which goes with GRANT.
//     CREATE [TEMP] TABLE … AS is QUERY; CREATE MATERIALIZED VIEW … AS is DDL.
//   - Everything else (VACUUM, START TRANSACTION, PREPARE, EXECUTE, DEALLOCATE, DECLARE,
//     FETCH, CLOSE, …), and text that is empty or not SQL, is UTILITY.
func Classify(stmt string) Kind {
	lx := NewLexer(stmt)
	next := func() Token {
		for {
			t := lx.Next()
			if t.Kind != TokComment {
				return t
			}
		}
	}
	t := next()
	if t.IsPunct("(") {
		return KindQuery
	}
	if t.Kind != TokIdent {
		return KindUtility
	}
	switch t.Value {
	case "select", "insert", "update", "delete", "with", "values", "table", "merge", "copy", "unload":
		return KindQuery
	case "create":
		return classifyCreate(next)
	case "alter":
		o := next()
		if o.Is("default") {
			return KindUtility // ALTER DEFAULT PRIVILEGES: a GRANT
		}
		return ddlUnlessRole(o)
	case "drop":
		return ddlUnlessRole(next())
	}
	return KindUtility
}

// ddlUnlessRole classifies the object word after ALTER or DROP.
func ddlUnlessRole(o Token) Kind {
	if o.Is("database") || o.Is("user") || o.Is("group") || o.Is("role") {
		return KindUtility
	}
	return KindDDL
}

func classifyCreate(next func() Token) Kind {
	o := next()
	// Modifiers that may stand between CREATE and the object word.
	for o.Is("or") || o.Is("replace") || o.Is("local") || o.Is("global") || o.Is("temp") ||
		o.Is("temporary") || o.Is("unlogged") {
		o = next()
	}
	if !o.Is("table") {
		return ddlUnlessRole(o)
	}
	// CREATE TABLE: a CTAS has AS outside every parenthesis (column lists and definitions
	// are inside them).
	depth := 0
	for t := next(); t.Kind != TokEOF; t = next() {
		switch {
		case t.IsPunct("("):
			depth++
		case t.IsPunct(")"):
			if depth > 0 {
				depth--
			}
		case depth == 0 && t.Is("as"):
			return KindQuery
		}
	}
	return KindDDL
}
