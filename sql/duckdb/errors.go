package duckdb

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/fakeshift/fakeshift/sql"
)

// SQLSTATEs this package answers with beyond those package sql names.
const (
	codeConnectionDoesNotExist     = "08003"
	codeProtocolViolation          = "08P01"
	codeCharacterNotInRepertoire   = "22021"
	codeForeignKeyViolation        = "23503"
	codeCheckViolation             = "23514"
	codeInvalidSQLStatementName    = "26000"
	codeDependentObjectsStillExist = "2BP01"
	codeSerializationFailure       = "40001"
	codeAmbiguousColumn            = "42702"
	codeDuplicateFunction          = "42723"
	codeAmbiguousFunction          = "42725"
	codeGroupingError              = "42803"
	codeWrongObjectType            = "42809"
	codeDuplicateSchema            = "42P06"
	codeIndeterminateDatatype      = "42P18"
)

const hintNoFunction = "No function matches the given name and argument types. You may need to add explicit type casts."

func errShutdown() *sql.Error {
	return &sql.Error{Code: sql.CodeAdminShutdown, Message: "terminating connection due to administrator command"}
}

// canceled is the error of a statement whose context ended.
func canceled(ctx context.Context) *sql.Error {
	e := &sql.Error{Code: sql.CodeQueryCanceled, Message: "canceling statement due to user request", Err: ctx.Err()}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		e.Message = "canceling statement due to statement timeout"
	}
	return e
}

// errorTypes maps the names DuckDB gives its error types (in the "<name> Error: " prefix and
// in the exception_type field of errors_as_json) to the types.
var errorTypes = map[string]mapping.ErrorType{
	"Invalid":                mapping.ErrorTypeInvalid,
	"Out of Range":           mapping.ErrorTypeOutOfRange,
	"Conversion":             mapping.ErrorTypeConversion,
	"Unknown Type":           mapping.ErrorTypeUnknownType,
	"Decimal":                mapping.ErrorTypeDecimal,
	"Mismatch Type":          mapping.ErrorTypeMismatchType,
	"Divide by Zero":         mapping.ErrorTypeDivideByZero,
	"Object Size":            mapping.ErrorTypeObjectSize,
	"Invalid type":           mapping.ErrorTypeInvalidType,
	"Serialization":          mapping.ErrorTypeSerialization,
	"TransactionContext":     mapping.ErrorTypeTransaction,
	"Not implemented":        mapping.ErrorTypeNotImplemented,
	"Expression":             mapping.ErrorTypeExpression,
	"Catalog":                mapping.ErrorTypeCatalog,
	"Parser":                 mapping.ErrorTypeParser,
	"Planner":                mapping.ErrorTypePlanner,
	"Scheduler":              mapping.ErrorTypeScheduler,
	"Executor":               mapping.ErrorTypeExecutor,
	"Constraint":             mapping.ErrorTypeConstraint,
	"Index":                  mapping.ErrorTypeIndex,
	"Stat":                   mapping.ErrorTypeStat,
	"Connection":             mapping.ErrorTypeConnection,
	"Syntax":                 mapping.ErrorTypeSyntax,
	"Settings":               mapping.ErrorTypeSettings,
	"Binder":                 mapping.ErrorTypeBinder,
	"Network":                mapping.ErrorTypeNetwork,
	"Optimizer":              mapping.ErrorTypeOptimizer,
	"NullPointer":            mapping.ErrorTypeNullPointer,
	"IO":                     mapping.ErrorTypeErrorIO,
	"INTERRUPT":              mapping.ErrorTypeInterrupt,
	"FATAL":                  mapping.ErrorTypeFatal,
	"INTERNAL":               mapping.ErrorTypeInternal,
	"Invalid Input":          mapping.ErrorTypeInvalidInput,
	"Out of Memory":          mapping.ErrorTypeOutOfMemory,
	"Permission":             mapping.ErrorTypePermission,
	"Parameter Not Resolved": mapping.ErrorTypeParameterNotResolved,
	"Parameter Not Allowed":  mapping.ErrorTypeParameterNotAllowed,
	"Dependency":             mapping.ErrorTypeDependency,
	"HTTP":                   mapping.ErrorTypeHTTP,
	"Missing Extension":      mapping.ErrorTypeMissingExtension,
	"Extension Autoloading":  mapping.ErrorTypeAutoload,
	"Sequence":               mapping.ErrorTypeSequence,
	"Invalid Configuration":  mapping.ErrorTypeInvalidConfiguration,
}

// duckErr is a DuckDB error taken apart.
type duckErr struct {
	typ mapping.ErrorType
	msg string // the message's first line, without the type prefix
	pos int    // 0-based byte offset in the statement; -1 when unknown
}

// parseError takes apart DuckDB's error text: "<Type> Error: <message>", then "Did you
// mean" suggestions and a "LINE n: ...^" excerpt on later lines. The JSON form of
// errors_as_json (which the configuration lock keeps off) is understood too.
func parseError(raw string, typ mapping.ErrorType, haveType bool, query string) duckErr {
	d := duckErr{typ: typ, pos: -1}
	s := raw
	if prefix, rest, ok := strings.Cut(s, " Error: "); ok && !strings.ContainsAny(prefix, "\n{") {
		if t, known := errorTypes[prefix]; known {
			if !haveType {
				d.typ, haveType = t, true
			}
			s = rest
		}
	}
	if strings.HasPrefix(s, "{") {
		var fields map[string]string
		if json.Unmarshal([]byte(s), &fields) == nil {
			if t, known := errorTypes[fields["exception_type"]]; known && !haveType {
				d.typ, haveType = t, true
			}
			s = fields["exception_message"]
			if p, err := strconv.Atoi(fields["position"]); err == nil {
				d.pos = p
			}
		}
	}
	if d.pos < 0 {
		d.pos = caretPosition(s, query)
	}
	d.msg, _, _ = strings.Cut(s, "\n")
	if d.pos < 0 && d.msg == "syntax error at end of input" {
		d.pos = len(query)
	}
	if !haveType {
		d.typ = mapping.ErrorTypeInvalid
	}
	return d
}

// caretPosition reads the byte offset that DuckDB's "LINE n: <excerpt>\n<spaces>^" points at.
func caretPosition(s, query string) int {
	i := strings.Index(s, "\nLINE ")
	if i < 0 || query == "" {
		return -1
	}
	rest := s[i+1:]
	colon := strings.Index(rest, ": ")
	nl := strings.IndexByte(rest, '\n')
	if colon < 0 || nl < colon {
		return -1
	}
	line, err := strconv.Atoi(rest[len("LINE "):colon])
	if err != nil || line < 1 {
		return -1
	}
	excerpt := rest[colon+2 : nl]
	caretLine := rest[nl+1:]
	if j := strings.IndexByte(caretLine, '\n'); j >= 0 {
		caretLine = caretLine[:j]
	}
	caret := strings.IndexByte(caretLine, '^') - (colon + 2)
	if caret < 0 {
		return -1
	}
	// The start of the statement's line.
	base := 0
	for n := 1; n < line; n++ {
		j := strings.IndexByte(query[base:], '\n')
		if j < 0 {
			return -1
		}
		base += j + 1
	}
	text := query[base:]
	if j := strings.IndexByte(text, '\n'); j >= 0 {
		text = text[:j]
	}
	// The caret counts characters. A long line is shown as "...<window>...".
	if strings.HasPrefix(excerpt, "...") {
		window := strings.TrimSuffix(excerpt[3:], "...")
		at := strings.Index(text, window)
		if at < 0 || caret < 3 {
			return -1
		}
		return base + at + runeOffset(text[at:], caret-3)
	}
	return base + runeOffset(text, caret)
}

// runeOffset is the byte offset of the n-th character of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

var (
	reMissing       = regexp.MustCompile(`^(.+?) with name (.+?) does not exist`)
	reExists        = regexp.MustCompile(`^(.+?) with name (.+?) already exists`)
	reColumn        = regexp.MustCompile(`^Referenced column "(.+?)" (?:not found|was not found)`)
	reTableColumn   = regexp.MustCompile(`^(?:Table|Values list) "(.+?)" does not have a column (?:named|with name) "(.+?)"`)
	reTableRef      = regexp.MustCompile(`^Referenced table "(.+?)" not found`)
	reAmbiguousCol  = regexp.MustCompile(`^Ambiguous reference to column name "(.+?)"`)
	reNoFunction    = regexp.MustCompile(`^No function matches the given name and argument types '(.+)'`)
	reBestCandidate = regexp.MustCompile(`^Could not choose a best candidate function for the function call "(.+?)"`)
	reConvert       = regexp.MustCompile(`^Could not convert string ['"](.*)['"] to ([A-Z0-9_]+)`)
	reDateFormat    = regexp.MustCompile(`^invalid (date|timestamp|time) field format: "(.*?)"`)
	reTimeRange     = regexp.MustCompile(`^(?:date|time|timestamp) field value out of range: "(.*?)"`)
	reCastRange     = regexp.MustCompile(`out of range for the destination type ([A-Z0-9_]+)`)
	reOverflowType  = regexp.MustCompile(`(?:of|in) (INT8|INT16|INT32|INT64|INT128|UINT8|UINT16|UINT32|UINT64|HUGEINT|DECIMAL)`)
	reNotNull       = regexp.MustCompile(`^NOT NULL constraint failed: (?:.+\.)?(.+)$`)
	reCheck         = regexp.MustCompile(`^CHECK constraint failed on table (\S+)`)
	reLocked        = regexp.MustCompile(`^Cannot change configuration option "(.+?)" - the configuration has been locked`)
	reParse         = regexp.MustCompile(`^Could not parse string "(.*?)" according to format`)
	reDuckDB        = regexp.MustCompile(`(?i)(?:the )?duck\s*db`)
)

// mapError turns a DuckDB error into an *sql.Error with PostgreSQL's SQLSTATE and wording.
// kind is the statement's type, when known (it decides "table" or "relation").
func mapError(ctx context.Context, query string, typ mapping.ErrorType, haveType bool, raw string, kind mapping.StatementType) *sql.Error {
	d := parseError(raw, typ, haveType, query)
	e := &sql.Error{Err: &duckdb.Error{Type: duckdb.ErrorType(d.typ), Msg: raw}}
	if d.typ == mapping.ErrorTypeInterrupt || ctx != nil && ctx.Err() != nil && strings.Contains(d.msg, "Interrupted") {
		c := canceled(ctxOrBackground(ctx))
		c.Err = e.Err
		return c
	}
	e.Code, e.Message, e.Hint = classify(d, kind)
	if d.pos >= 0 && d.pos <= len(query) && positional(e.Code) {
		e.Position = utf8.RuneCountInString(query[:d.pos]) + 1
	}
	e.Message = reDuckDB.ReplaceAllString(e.Message, "the engine")
	return e
}

func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// positional reports whether PostgreSQL reports a cursor position with errors of this code.
func positional(code string) bool {
	switch code {
	case sql.CodeSyntaxError, sql.CodeUndefinedTable, sql.CodeUndefinedColumn, sql.CodeUndefinedFunction,
		sql.CodeUndefinedObject, sql.CodeInvalidTextRepresentation, sql.CodeInvalidDatetimeFormat,
		sql.CodeDatatypeMismatch, codeAmbiguousColumn, codeAmbiguousFunction, codeGroupingError,
		sql.CodeInvalidSchemaName:
		return true
	}
	return false
}

// classify picks the SQLSTATE, message and hint of a DuckDB error.
func classify(d duckErr, kind mapping.StatementType) (code, msg, hint string) {
	m := d.msg
	if code, msg, ok := carriedState(m); ok { // raised by this package's own callbacks
		return code, msg, ""
	}
	switch d.typ {
	case mapping.ErrorTypeParser, mapping.ErrorTypeSyntax:
		return sql.CodeSyntaxError, m, ""

	case mapping.ErrorTypeCatalog:
		if g := reMissing.FindStringSubmatch(m); g != nil {
			return missing(g[1], name(g[2]), kind)
		}
		if g := reExists.FindStringSubmatch(m); g != nil {
			return exists(g[1], name(g[2]))
		}
		if strings.HasPrefix(m, "Existing object") {
			return codeWrongObjectType, m, ""
		}
		if strings.Contains(m, "depend") {
			return codeDependentObjectsStillExist, m, ""
		}

	case mapping.ErrorTypeBinder:
		if g := reColumn.FindStringSubmatch(m); g != nil {
			return sql.CodeUndefinedColumn, `column "` + name(g[1]) + `" does not exist`, ""
		}
		if g := reTableColumn.FindStringSubmatch(m); g != nil {
			return sql.CodeUndefinedColumn, `column "` + name(g[2]) + `" does not exist`, ""
		}
		if g := reTableRef.FindStringSubmatch(m); g != nil {
			return sql.CodeUndefinedTable, `missing FROM-clause entry for table "` + name(g[1]) + `"`, ""
		}
		if g := reAmbiguousCol.FindStringSubmatch(m); g != nil {
			return codeAmbiguousColumn, `column reference "` + name(g[1]) + `" is ambiguous`, ""
		}
		if g := reNoFunction.FindStringSubmatch(m); g != nil {
			return sql.CodeUndefinedFunction, "function " + pgCall(g[1]) + " does not exist", hintNoFunction
		}
		if g := reBestCandidate.FindStringSubmatch(m); g != nil {
			call := pgCall(g[1])
			if op, args, ok := operatorCall(call); ok {
				return codeAmbiguousFunction, "operator is not unique: " + strings.Join(args, " "+op+" "),
					"Could not choose a best candidate operator. You may need to add explicit type casts."
			}
			return codeAmbiguousFunction, "function " + call + " is not unique",
				"Could not choose a best candidate function. You may need to add explicit type casts."
		}
		if strings.Contains(m, "must appear in the GROUP BY clause") {
			return codeGroupingError, strings.TrimSuffix(strings.Replace(m, "must be part of", "be used in", 1), "."), ""
		}
		if strings.HasPrefix(m, "Cannot compare values of type") || strings.HasPrefix(m, "Cannot mix values of type") {
			return sql.CodeDatatypeMismatch, m, ""
		}

	case mapping.ErrorTypeConversion:
		if g := reConvert.FindStringSubmatch(m); g != nil {
			return sql.CodeInvalidTextRepresentation, inputSyntax(g[2], g[1]), ""
		}
		if g := reDateFormat.FindStringSubmatch(m); g != nil {
			return sql.CodeInvalidDatetimeFormat, `invalid input syntax for type ` + g[1] + `: "` + g[2] + `"`, ""
		}
		if g := reTimeRange.FindStringSubmatch(m); g != nil {
			return sql.CodeInvalidDatetimeFormat, `date/time field value out of range: "` + g[1] + `"`, ""
		}
		if g := reCastRange.FindStringSubmatch(m); g != nil {
			return sql.CodeNumericValueOutOfRange, pgIntName(g[1]) + " out of range", ""
		}
		if strings.Contains(m, "to DECIMAL") {
			return sql.CodeNumericValueOutOfRange, "numeric field overflow", ""
		}
		return sql.CodeInvalidTextRepresentation, m, ""

	case mapping.ErrorTypeOutOfRange:
		if g := reOverflowType.FindStringSubmatch(m); g != nil {
			return sql.CodeNumericValueOutOfRange, pgIntName(g[1]) + " out of range", ""
		}
		return sql.CodeNumericValueOutOfRange, m, ""

	case mapping.ErrorTypeDivideByZero:
		return sql.CodeDivisionByZero, "division by zero", ""

	case mapping.ErrorTypeConstraint:
		if g := reNotNull.FindStringSubmatch(m); g != nil {
			return sql.CodeNotNullViolation, `null value in column "` + name(g[1]) + `" violates not-null constraint`, ""
		}
		if strings.Contains(m, "PRIMARY KEY") || strings.Contains(m, "UNIQUE") || strings.Contains(m, "uplicate key") {
			return sql.CodeUniqueViolation, "duplicate key violates unique constraint", ""
		}
		if g := reCheck.FindStringSubmatch(m); g != nil {
			return codeCheckViolation, `new row for relation "` + name(g[1]) + `" violates check constraint`, ""
		}
		if strings.Contains(strings.ToLower(m), "foreign key") {
			return codeForeignKeyViolation, m, ""
		}

	case mapping.ErrorTypeTransaction:
		switch {
		case strings.Contains(m, "transaction is aborted"):
			return sql.CodeInFailedTransaction, "current transaction is aborted, commands ignored until end of transaction block", ""
		case strings.Contains(m, "within a transaction"):
			return sql.CodeActiveSQLTransaction, "there is already a transaction in progress", ""
		case strings.Contains(m, "no transaction is active"):
			return sql.CodeNoActiveSQLTransaction, "there is no transaction in progress", ""
		case strings.Contains(m, "onflict"):
			return codeSerializationFailure, "could not serialize access due to concurrent update", ""
		}

	case mapping.ErrorTypeInvalidInput:
		switch {
		case m == "division by zero": // the "//" macro of sessionSQL
			return sql.CodeDivisionByZero, m, ""
		case strings.HasPrefix(m, "Could not parse string"): // strptime: TO_DATE, TO_TIMESTAMP
			if g := reParse.FindStringSubmatch(m); g != nil {
				return sql.CodeInvalidDatetimeFormat, `invalid input syntax for type date: "` + g[1] + `"`, ""
			}
		case strings.HasPrefix(m, "Cannot prepare multiple statements"):
			return sql.CodeSyntaxError, "cannot insert multiple commands into a prepared statement", ""
		}
		if g := reLocked.FindStringSubmatch(m); g != nil {
			return sql.CodeInsufficientPrivilege, `permission denied to set parameter "` + g[1] + `"`, ""
		}

	case mapping.ErrorTypePermission:
		return sql.CodeInsufficientPrivilege, "permission denied: " + lowerFirst(strings.TrimSuffix(
			strings.TrimSuffix(m, " - file system operations are disabled by configuration"), ".")), ""

	case mapping.ErrorTypeOutOfMemory:
		return sql.CodeOutOfMemory, "out of memory", ""

	case mapping.ErrorTypeParameterNotResolved:
		return codeIndeterminateDatatype, "could not determine data type of parameter", ""

	case mapping.ErrorTypeNotImplemented, mapping.ErrorTypeMissingExtension, mapping.ErrorTypeAutoload:
		return sql.CodeFeatureNotSupported, m, ""

	case mapping.ErrorTypeDependency:
		return codeDependentObjectsStillExist, m, ""
	}
	return sql.CodeInternalError, m, ""
}

// missing words a "does not exist" catalog error as PostgreSQL does.
func missing(what, n string, kind mapping.StatementType) (code, msg, hint string) {
	switch what {
	case "Table", "View", "Sequence":
		if kind == mapping.StatementTypeDrop {
			return sql.CodeUndefinedTable, strings.ToLower(what) + ` "` + n + `" does not exist`, ""
		}
		return sql.CodeUndefinedTable, `relation "` + n + `" does not exist`, ""
	case "Schema":
		return sql.CodeInvalidSchemaName, `schema "` + n + `" does not exist`, ""
	case "Index", "Type", "Collation":
		return sql.CodeUndefinedObject, strings.ToLower(what) + ` "` + n + `" does not exist`, ""
	}
	if strings.Contains(what, "Function") || strings.Contains(what, "Macro") {
		return sql.CodeUndefinedFunction, "function " + n + " does not exist", hintNoFunction
	}
	return sql.CodeUndefinedObject, strings.ToLower(what) + ` "` + n + `" does not exist`, ""
}

// exists words an "already exists" catalog error as PostgreSQL does.
func exists(what, n string) (code, msg, hint string) {
	switch what {
	case "Table", "View", "Sequence", "Index":
		return sql.CodeDuplicateTable, `relation "` + n + `" already exists`, ""
	case "Schema":
		return codeDuplicateSchema, `schema "` + n + `" already exists`, ""
	}
	if strings.Contains(what, "Function") || strings.Contains(what, "Macro") {
		return codeDuplicateFunction, `function "` + n + `" already exists`, ""
	}
	return sql.CodeDuplicateObject, strings.ToLower(what) + ` "` + n + `" already exists`, ""
}

// name is an identifier from a DuckDB message, unquoted and folded as Redshift folds it.
func name(s string) string {
	s = strings.TrimSuffix(s, "!")
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.ToLower(s)
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// pgCall rewrites DuckDB's "f(INTEGER_LITERAL, VARCHAR)" with PostgreSQL's type names.
func pgCall(call string) string {
	open := strings.IndexByte(call, '(')
	if open < 0 || !strings.HasSuffix(call, ")") {
		return call
	}
	args := splitTop(call[open+1 : len(call)-1])
	for i, a := range args {
		args[i] = pgDisplayType(a)
	}
	return call[:open] + "(" + strings.Join(args, ", ") + ")"
}

// operatorCall splits "+(integer, unknown)" into the operator and its operands.
func operatorCall(call string) (op string, args []string, ok bool) {
	open := strings.IndexByte(call, '(')
	if open <= 0 || isIdentStart(call[0]) {
		return "", nil, false
	}
	return call[:open], splitTop(call[open+1 : len(call)-1]), true
}

func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if strings.TrimSpace(s) != "" {
		out = append(out, strings.TrimSpace(s[start:]))
	}
	return out
}

// pgDisplayType is PostgreSQL's display name for a DuckDB type name in a message.
func pgDisplayType(t string) string {
	u := strings.ToUpper(strings.TrimSpace(t))
	if i := strings.IndexByte(u, '('); i > 0 {
		u = u[:i]
	}
	switch u {
	case "INTEGER", "INTEGER_LITERAL", "INT32":
		return "integer"
	case "BIGINT", "INT64":
		return "bigint"
	case "SMALLINT", "TINYINT", "INT16", "INT8":
		return "smallint"
	case "VARCHAR":
		return "character varying"
	case "STRING_LITERAL":
		return "unknown"
	case "DOUBLE":
		return "double precision"
	case "FLOAT":
		return "real"
	case "BOOLEAN":
		return "boolean"
	case "DECIMAL", "HUGEINT":
		return "numeric"
	case "TIMESTAMP":
		return "timestamp without time zone"
	case "TIMESTAMP WITH TIME ZONE":
		return "timestamp with time zone"
	case "TIME":
		return "time without time zone"
	case "BLOB":
		return "bytea"
	}
	return strings.ToLower(t)
}

// pgIntName names an integer type of DuckDB's physical vocabulary as PostgreSQL does in its
// out-of-range messages.
func pgIntName(t string) string {
	switch t {
	case "INT8", "INT16", "UINT8":
		return "smallint"
	case "INT32", "UINT16":
		return "integer"
	case "INT64", "UINT32":
		return "bigint"
	}
	return "numeric"
}

// inputSyntax is PostgreSQL 8's invalid-input message for a value of a DuckDB type.
func inputSyntax(duckType, value string) string {
	var t string
	switch duckType {
	case "INT8", "INT16", "INT32", "UINT8", "UINT16":
		return `invalid input syntax for integer: "` + value + `"`
	case "INT64", "UINT32":
		t = "bigint"
	case "DOUBLE":
		t = "double precision"
	case "FLOAT":
		t = "real"
	case "BOOL":
		t = "boolean"
	case "UUID":
		t = "uuid"
	default:
		if strings.HasPrefix(duckType, "DECIMAL") || duckType == "INT128" || duckType == "UINT64" {
			t = "numeric"
		} else {
			t = strings.ToLower(duckType)
		}
	}
	return `invalid input syntax for type ` + t + `: "` + value + `"`
}
