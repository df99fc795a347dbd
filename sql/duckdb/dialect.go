package duckdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/sql"
)

// Redshift's SQL dialect on DuckDB.
//
// translate turns one Redshift statement into the DuckDB statement that does what it means.
// It works on the tokens of package sql's lexer, never on the statement's text as a whole:
// each construct DuckDB lacks is recognised by its tokens (a function name followed by its
// parenthesis, a `::` followed by a type name, SELECT TOP n, ...) and only those tokens are
// replaced; everything between them is copied byte for byte. What a per-session macro can do
// (GETDATE, NVL2, CHARINDEX, DATEADD, CONVERT_TIMEZONE) is a macro (dialectMacros); what needs
// the shape of the call (DECODE's pairs, LISTAGG's WITHIN GROUP, TO_CHAR's format string, a
// date part written as a bare word) is rewritten here. The audit record keeps the client's
// text: only the engine sees the translation.
//
// CREATE TABLE's Redshift attributes are taken out of the statement and remembered in the
// catalog schema (createtable.go, catalog.go).

// translation is a statement in DuckDB's dialect, with what must run after it in the same
// transaction.
type translation struct {
	text  string
	after []string // statements to run after text succeeded (catalog bookkeeping)
	tag   string   // the command tag when DuckDB's would be wrong ("" keeps DuckDB's)
	// skipIf is a query that answers a row when the statement has nothing to do (CREATE TABLE
	// IF NOT EXISTS of a table that is there): neither text nor after runs then.
	skipIf string
	// local, when set, is the statement: fakeshift runs it on the catalog itself (GRANT,
	// REVOKE) and text is empty.
	local func(ctx context.Context, c *Conn) *sql.Error
	// needs are the privileges the statement needs (privileges.go).
	needs []need
	// schemaDDL: the statement makes, drops or renames a schema (searchpath.go).
	schemaDDL bool
	// makesView: the statement makes a view (Engine.views).
	makesView bool
}

// translate rewrites one statement. A *sql.Error is a Redshift feature fakeshift does not
// support (0A000, naming the feature) or a statement it cannot read.
func translate(query string) (translation, *sql.Error) {
	r := newRewriter(query)
	tr, err := r.translate(query)
	if err != nil {
		return translation{}, err
	}
	tr.needs = r.needs()
	if t := r.tok(0); (t.Is("create") || t.Is("drop") || t.Is("alter")) && r.tok(1).Is("schema") {
		tr.schemaDDL = true
	}
	return tr, nil
}

func (r *rewriter) translate(query string) (translation, *sql.Error) {
	if len(r.toks) == 0 {
		return translation{text: query}, nil
	}
	if err := r.unsupported(); err != nil {
		return translation{}, err
	}
	if r.toks[0].Is("create") {
		if tr, ok, err := r.createTable(); ok || err != nil {
			return tr, err
		}
	}
	if r.toks[0].Is("grant") || r.toks[0].Is("revoke") {
		return r.grant()
	}
	if t, ok := r.special(); ok {
		return t, r.err
	}
	if r.toks[0].Is("select") {
		r.orderByOutputNames()
	}
	// Whatever is before the first token and after the last (comments, a semicolon) is kept,
	// so that a statement with nothing to translate is passed on as written.
	text := query[:r.toks[0].Start] + r.text(0, len(r.toks)) + query[r.toks[len(r.toks)-1].End:]
	if r.err != nil {
		return translation{}, r.err
	}
	return translation{text: text}, nil
}

// rewriter holds one statement's tokens (comments dropped; they stay in the gaps between
// tokens, which are copied as they are).
type rewriter struct {
	src     string
	toks    []sql.Token
	match   []int          // index of the matching parenthesis of each ( and ), or -1
	inserts map[int]string // text to write before token i (len(toks): at the end)
	replace map[int]string // text to write instead of token i
	err     *sql.Error
	// fromComma marks the commas of FROM lists (fromLists); nil until asked for.
	fromComma []bool
}

func newRewriter(src string) *rewriter {
	r := &rewriter{src: src, inserts: map[int]string{}, replace: map[int]string{}}
	tokens(src, func(t sql.Token) bool {
		r.toks = append(r.toks, t)
		return true
	})
	// A trailing semicolon is not part of the statement.
	for len(r.toks) > 0 && r.toks[len(r.toks)-1].IsPunct(";") {
		r.toks = r.toks[:len(r.toks)-1]
	}
	r.match = make([]int, len(r.toks))
	var stack []int
	for i, t := range r.toks {
		r.match[i] = -1
		switch {
		case t.IsPunct("("):
			stack = append(stack, i)
		case t.IsPunct(")") && len(stack) > 0:
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			r.match[o], r.match[i] = i, o
		}
	}
	return r
}

// tok returns token i, or a TokEOF token past the end.
func (r *rewriter) tok(i int) sql.Token {
	if i < 0 || i >= len(r.toks) {
		return sql.Token{Kind: sql.TokEOF}
	}
	return r.toks[i]
}

// fail records the first error.
func (r *rewriter) fail(e *sql.Error) {
	if r.err == nil {
		r.err = e
	}
}

// notSupported is the 0A000 error for a Redshift feature fakeshift does not have.
func notSupported(feature string) *sql.Error {
	return sql.Errorf(sql.CodeFeatureNotSupported, "%s is not supported by fakeshift", feature)
}

// raw is the source text of tokens i..j-1 as written.
func (r *rewriter) raw(i, j int) string {
	if i >= j {
		return ""
	}
	return r.src[r.toks[i].Start:r.toks[j-1].End]
}

// text is the rewritten text of tokens i..j-1, with the gaps between them as written.
func (r *rewriter) text(i, j int) string {
	var b strings.Builder
	for k := i; k < j; {
		if k > i {
			b.WriteString(r.src[r.toks[k-1].End:r.toks[k].Start])
		}
		if ins, ok := r.inserts[k]; ok {
			b.WriteString(ins)
		}
		n, s := r.construct(k, j)
		if n == 0 {
			b.WriteString(r.toks[k].Raw)
			k++
			continue
		}
		b.WriteString(s)
		k += n
	}
	if ins, ok := r.inserts[j]; ok && j == len(r.toks) {
		b.WriteString(ins)
	}
	return b.String()
}

// args splits the tokens between the parentheses at open and close at their top-level
// commas: each argument is a [start, end) token range.
func (r *rewriter) args(open, close int) [][2]int {
	var out [][2]int
	start := open + 1
	if start == close {
		return nil
	}
	for k := start; k < close; k++ {
		t := r.toks[k]
		if t.IsPunct("(") && r.match[k] > k {
			k = r.match[k]
			continue
		}
		if t.IsPunct(",") {
			out = append(out, [2]int{start, k})
			start = k + 1
		}
	}
	return append(out, [2]int{start, close})
}

// construct recognises a Redshift construct at token k (before end) and returns how many
// tokens it takes and their DuckDB text; 0 when there is none.
func (r *rewriter) construct(k, end int) (int, string) {
	if s, ok := r.replace[k]; ok {
		return 1, s
	}
	t := r.toks[k]
	prev := r.tok(k - 1)
	qualified := prev.IsPunct(".")
	switch {
	case t.IsPunct("::"):
		n, typ := r.typeName(k+1, end)
		if n == 0 {
			return 0, ""
		}
		return 1 + n, "::" + typ
	case (t.IsPunct("~") || t.IsPunct("!~") || t.IsPunct("~*") || t.IsPunct("!~*")) && r.tok(k+1).Kind == sql.TokString:
		// PostgreSQL's ~ finds the pattern anywhere; DuckDB's must match the whole text.
		op, flags := t.Raw, "(?s)"
		if strings.HasSuffix(op, "*") {
			op, flags = strings.TrimSuffix(op, "*"), "(?si)"
		}
		return 2, op + " " + quote(flags+".*(?:"+r.toks[k+1].Value+").*")
	case t.Kind != sql.TokIdent:
		return 0, ""
	}
	// OPERATOR(pg_catalog.op) is op.
	if t.Is("operator") && r.tok(k+1).IsPunct("(") && r.tok(k+2).Is("pg_catalog") && r.tok(k+3).IsPunct(".") &&
		r.tok(k+5).IsPunct(")") {
		op := r.toks[k+4]
		if r.tok(k+6).Kind == sql.TokString && (op.Raw == "~" || op.Raw == "!~" || op.Raw == "~*" || op.Raw == "!~*") {
			// The operator's pattern follows the parenthesis.
			saved := r.toks[k+5]
			r.toks[k+5] = op
			n, s := r.construct(k+5, end)
			r.toks[k+5] = saved
			if n == 2 {
				return 7, s
			}
		}
		return 6, op.Raw
	}
	next := r.tok(k + 1)
	// information_schema._pg_expandarray(a), which pgjdbc's getPrimaryKeys calls.
	if t.Is("information_schema") && next.IsPunct(".") && !qualified && r.tok(k+2).Is("_pg_expandarray") &&
		r.tok(k+3).IsPunct("(") && r.match[k+3] > k+3 && r.match[k+3] < end {
		if n, s := rewriteExpandArray(r, k+2, k+3, r.match[k+3]); n > 0 {
			return n + 2, s
		}
	}
	// pg_catalog.f(...) is f(...).
	if t.Is("pg_catalog") && next.IsPunct(".") && !qualified {
		if n, s := r.construct(k+2, end); n > 0 {
			return n + 2, s
		}
		if rel, ok := catalogRelation(r.tok(k + 2)); ok && !r.tok(k+3).IsPunct("(") && !r.tok(k+3).IsPunct(".") {
			return 3, rel
		}
		if f, ok := catalogFunction(r.tok(k + 2)); ok && r.tok(k+3).IsPunct("(") {
			return 3, f
		}
		if f := r.tok(k + 2); f.Kind == sql.TokIdent && r.tok(k+3).IsPunct("(") {
			return 3, f.Raw // pg_catalog.f(...): DuckDB finds its own f on the search path
		}
		return 0, ""
	}
	if qualified {
		return 0, ""
	}
	if next.IsPunct("(") && r.match[k+1] > k+1 && r.match[k+1] < end {
		if f, ok := dialectFuncs[t.Value]; ok {
			return f(r, k, k+1, r.match[k+1])
		}
		if f, ok := catalogFunction(t); ok {
			return 1, f
		}
		return 0, ""
	}
	switch {
	case t.Is("current_user_id") && !next.IsPunct("("):
		// CURRENT_USER_ID is written without parentheses; the session's macro has them.
		return 1, "current_user_id()"
	case t.Is("sysdate"):
		// SYSDATE: the transaction's start, in UTC, with microseconds. GETDATE takes its
		// parentheses (the GETDATE page: "The parentheses are required"): a bare getdate is a
		// name like any other.
		return 1, "(current_timestamp AT TIME ZONE 'UTC')"
	case t.Is("approximate") && (next.Is("count") || next.Is("percentile_disc")):
		// APPROXIMATE COUNT(DISTINCT ...): the exact count is a good approximation.
		return 1, ""
	case t.Is("select"):
		return r.selectTop(k, end)
	}
	if next.IsPunct(".") || next.IsPunct("(") {
		return 0, ""
	}
	if rel, ok := catalogRelation(t); ok && r.relationPosition(k) {
		return 1, rel
	}
	return 0, ""
}

// relationPosition reports whether the word at k stands where a relation is named: after
// FROM, JOIN or a comma of a FROM list.
func (r *rewriter) relationPosition(k int) bool {
	p := r.tok(k - 1)
	if p.Is("from") || p.Is("join") || p.Is("update") || p.Is("into") || p.Is("table") && r.tok(k-2).Is("describe") {
		return true
	}
	if !p.IsPunct(",") {
		return false
	}
	return r.fromLists()[k-1]
}

// fromLists marks the commas of FROM lists: a comma whose nearest clause keyword before it,
// at its own parenthesis level, is FROM (not SELECT, WHERE, GROUP, ORDER, HAVING, SET or
// VALUES). It is worked out in one pass over the tokens the first time it is asked for:
// relationPosition is asked about every token of a statement (needs), and looking back
// from each comma for its keyword took time quadratic in the length of an INSERT's VALUES
// list.
func (r *rewriter) fromLists() []bool {
	if r.fromComma != nil {
		return r.fromComma
	}
	r.fromComma = make([]bool, len(r.toks))
	// in[d]: whether the tokens at parenthesis level d are in a FROM list. A parenthesis
	// opens a level that is in none until its own FROM.
	in := []bool{false}
	for i, t := range r.toks {
		top := len(in) - 1
		switch {
		case t.IsPunct("("):
			in = append(in, false)
		case t.IsPunct(")"):
			if top > 0 {
				in = in[:top]
			} else {
				in[0] = false // an unmatched parenthesis: nothing before it counts
			}
		case t.IsPunct(","):
			r.fromComma[i] = in[top]
		case t.Is("from"):
			in[top] = true
		case t.Is("select") || t.Is("where") || t.Is("group") || t.Is("order") || t.Is("having") || t.Is("set") || t.Is("values"):
			in[top] = false
		}
	}
	return r.fromComma
}

// orderByOutputNames makes a bare name in the ORDER BY of the statement's SELECT mean the
// output column of that name, as PostgreSQL reads it, when the select list names it as a
// qualified column (n.nspname): DuckDB would find the name ambiguous when two tables of the
// FROM list have such a column (pgjdbc's getColumns orders by nspname). The name is
// replaced by the column's position.
func (r *rewriter) orderByOutputNames() {
	from, order := -1, -1
	for i := 1; i < len(r.toks); i++ {
		t := r.toks[i]
		switch {
		case t.IsPunct("(") && r.match[i] > i:
			i = r.match[i]
		case t.Is("from") && from < 0:
			from = i
		case t.Is("order") && r.tok(i+1).Is("by"):
			order = i + 2
		case t.Is("union") || t.Is("intersect") || t.Is("except"):
			return
		}
	}
	if from < 0 || order < 0 {
		return
	}
	outputs := map[string]int{} // output name of a qualified column -> position
	for pos, a := range r.args(0, from) {
		s, e := a[0], a[1]
		if e-s == 3 && r.toks[s+1].IsPunct(".") && r.toks[s+2].Kind == sql.TokIdent {
			outputs[r.toks[s+2].Value] = pos + 1
		}
	}
	for _, a := range r.args(order-1, r.orderEnd(order)) {
		t := r.tok(a[0])
		n := a[1] - a[0]
		if t.Kind != sql.TokIdent || n != 1 && !(n == 2 && (r.tok(a[0]+1).Is("asc") || r.tok(a[0]+1).Is("desc"))) {
			continue
		}
		if pos, ok := outputs[t.Value]; ok {
			r.replace[a[0]] = strconv.Itoa(pos)
		}
	}
}

// orderEnd is the end of the ORDER BY list that starts at token i.
func (r *rewriter) orderEnd(i int) int {
	for ; i < len(r.toks); i++ {
		t := r.toks[i]
		if t.IsPunct("(") && r.match[i] > i {
			i = r.match[i]
			continue
		}
		if t.Is("limit") || t.Is("offset") || t.Is("fetch") || t.IsPunct(")") || t.IsPunct(";") {
			return i
		}
	}
	return len(r.toks)
}

// selectTop turns SELECT [ALL|DISTINCT] TOP n into SELECT [ALL|DISTINCT] ... LIMIT n, the
// LIMIT written at the end of the query the SELECT belongs to.
func (r *rewriter) selectTop(k, end int) (int, string) {
	i := k + 1
	if r.tok(i).Is("distinct") || r.tok(i).Is("all") {
		i++
	}
	if !r.tok(i).Is("top") || r.tok(i+1).Kind != sql.TokNumber {
		return 0, ""
	}
	n := r.tok(i + 1).Raw
	// The end of the SELECT's level: the parenthesis that closes it, or the statement's end.
	stop := len(r.toks)
	for j := i + 2; j < len(r.toks); j++ {
		if r.toks[j].IsPunct("(") && r.match[j] > j {
			j = r.match[j]
			continue
		}
		if r.toks[j].IsPunct(")") {
			stop = j
			break
		}
	}
	r.inserts[stop] += " LIMIT " + n
	head := r.raw(k, i)
	return i + 2 - k, head
}

// special translates statements that Redshift spells its own way as a whole.
func (r *rewriter) special() (translation, bool) {
	t0 := r.tok(0)
	switch {
	case t0.Is("vacuum"):
		// Redshift's VACUUM sorts and reclaims space; DuckDB has neither sort order nor
		// deleted blocks to reclaim. Its own VACUUM does what is left to do (nothing).
		return translation{text: "VACUUM", tag: "VACUUM"}, true
	case t0.Is("analyze"):
		if r.tok(1).Is("compression") {
			r.fail(notSupported("ANALYZE COMPRESSION"))
			return translation{}, true
		}
		// ANALYZE [VERBOSE] [table [(columns)]] [PREDICATE COLUMNS | ALL COLUMNS]
		i := 1
		if r.tok(i).Is("verbose") {
			i++
		}
		j := i
		for j < len(r.toks) && !r.toks[j].Is("predicate") && !(r.toks[j].Is("all") && r.tok(j+1).Is("columns")) {
			j++
		}
		return translation{text: "ANALYZE " + r.text(i, j), tag: "ANALYZE"}, true
	case t0.Is("create") && r.tok(1).Is("schema"):
		return r.createSchema()
	case t0.Is("create"):
		return r.createView()
	case t0.Is("alter") && (r.tok(1).Is("table") || r.tok(1).Is("view")):
		return r.alterRename()
	case t0.Is("drop") && (r.tok(1).Is("table") || r.tok(1).Is("view") || r.tok(1).Is("schema")):
		return r.drop()
	}
	return translation{}, false
}

// drop translates DROP TABLE | VIEW | SCHEMA [IF EXISTS] name [, ...] [CASCADE | RESTRICT]
// as written, with the catalog's rows of what it dropped deleted after it: an owner or
// grant left behind would pass to the next object of the same name (CREATE OR REPLACE VIEW
// keeps an owner it finds).
func (r *rewriter) drop() (translation, bool) {
	i := 2
	if r.tok(i).Is("if") && r.tok(i+1).Is("exists") {
		i += 2
	}
	var after []string
	for {
		schema, name, k := r.qualifiedName(i)
		if k == 0 {
			return translation{}, false
		}
		if r.tok(1).Is("schema") {
			if k != 1 {
				return translation{}, false
			}
			after = append(after, dropSchemaStatements(name)...)
		} else {
			after = append(after, dropRelationStatements(schema, name)...)
		}
		i += k
		if !r.tok(i).IsPunct(",") {
			break
		}
		i++
	}
	return translation{text: r.text(0, len(r.toks)), after: after}, true
}

// dropRelationStatements delete the catalog's rows of the relation schema.name (or name, in
// a schema of the search path or the temporary one) once it is gone. Which schema an
// unqualified name was found in is no longer known after the drop: rows of that name are
// deleted in every schema it could have been in where no relation of the name is left.
func dropRelationStatements(schema, name string) []string {
	keys := "(schema_name = " + quote(tempSchemaKey) + " OR list_contains(current_schemas(false), schema_name))"
	if schema != "" {
		keys = "schema_name = " + quote(schema)
	}
	var out []string
	for _, t := range []struct{ table, kind, name string }{
		{"owners", "kind = 'relation' AND ", "name"},
		{"grants", "kind = 'relation' AND ", "name"},
		{"tables", "", "table_name"},
		{"columns", "", "table_name"},
		{"constraints", "", "table_name"},
	} {
		tbl := catalogSchema + "." + t.table
		out = append(out, "DELETE FROM "+tbl+" WHERE "+t.kind+t.name+" = "+quote(name)+" AND "+keys+
			" AND NOT EXISTS (SELECT 1 FROM "+catalogSchema+".rel r WHERE r.schema_key = "+tbl+".schema_name AND r.name = "+
			tbl+"."+t.name+")")
	}
	return out
}

// dropSchemaStatements delete the catalog's rows of schema name and of every relation in it
// (DROP SCHEMA fails while it holds one, unless CASCADE dropped them with it).
func dropSchemaStatements(name string) []string {
	where := " WHERE schema_name = " + quote(name)
	return []string{
		"DELETE FROM " + catalogSchema + ".owners" + where + " AND kind IN ('schema', 'relation')",
		"DELETE FROM " + catalogSchema + ".grants" + where + " AND kind IN ('schema', 'relation')",
		"DELETE FROM " + catalogSchema + ".tables" + where,
		"DELETE FROM " + catalogSchema + ".columns" + where,
		"DELETE FROM " + catalogSchema + ".constraints" + where,
	}
}

// createView translates CREATE [OR REPLACE] [TEMP] VIEW, which records its maker as the
// view's owner. Late-binding views: WITH NO SCHEMA BINDING at the end changes nothing here.
func (r *rewriter) createView() (translation, bool) {
	i := 1
	replace := r.tok(i).Is("or") && r.tok(i+1).Is("replace")
	if replace {
		i += 2
	}
	temp := r.tok(i).Is("temp") || r.tok(i).Is("temporary")
	if temp {
		i++
	}
	if !r.tok(i).Is("view") {
		return translation{}, false
	}
	schema, name, k := r.qualifiedName(i + 1)
	if k == 0 {
		return translation{}, false
	}
	n := len(r.toks)
	if n > 4 && r.toks[n-4].Is("with") && r.toks[n-3].Is("no") && r.toks[n-2].Is("schema") && r.toks[n-1].Is("binding") {
		n -= 4
	}
	key := "current_schema()"
	switch {
	case temp:
		key = quote(tempSchemaKey)
	case schema != "":
		key = quote(schema)
	}
	return translation{text: r.text(0, n), after: ownerStatements(objRelation, key, quote(name), replace), makesView: true}, true
}

// createSchema translates CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION user] [QUOTA ...]
// and CREATE SCHEMA AUTHORIZATION user: the schema is owned by its maker, or by the user
// AUTHORIZATION names (a superuser may name anyone, another user only itself).
func (r *rewriter) createSchema() (translation, bool) {
	i := 2
	ifNotExists := r.tok(i).Is("if") && r.tok(i+1).Is("not") && r.tok(i+2).Is("exists")
	if ifNotExists {
		i += 3
	}
	var name, owner string
	nameAt := i
	if r.tok(i).Is("authorization") {
		nameAt = i + 1
		owner = r.tok(i + 1).Value
		i += 2
	} else {
		name = r.tok(i).Value
		i++
		if r.tok(i).Is("authorization") {
			owner = r.tok(i + 1).Value
			i += 2
		}
	}
	if t := r.tok(nameAt); t.Kind != sql.TokIdent && t.Kind != sql.TokQuotedIdent {
		return translation{}, false
	}
	if name == "" {
		name = owner
	}
	end := i
	if r.tok(i).Is("quota") {
		end = len(r.toks)
	}
	if end != len(r.toks) {
		r.fail(r.syntaxError(i))
		return translation{}, true
	}
	text := "CREATE SCHEMA "
	if ifNotExists {
		text += "IF NOT EXISTS "
	}
	text += quoteIdent(name)
	ownerID := "current_user_id()"
	if owner != "" {
		id := "(SELECT usesysid FROM pg_user WHERE usename = " + quote(owner) + ")"
		ownerID = "CASE WHEN " + id + " IS NULL THEN error(" + quote(withState(sql.CodeUndefinedObject, `user "`+owner+`" does not exist`)) + ")" +
			" WHEN " + id + " <> current_user_id() AND NOT " + catalogSchema + ".is_superuser(current_user_id()) THEN error(" +
			quote(withState(sql.CodeInsufficientPrivilege, "permission denied")) + ") ELSE " + id + " END"
	}
	after := ownerStatements(objSchema, quote(name), "''", false)
	after[len(after)-1] = "INSERT INTO " + catalogSchema + ".owners SELECT 'schema', " + quote(name) + ", '', " + ownerID
	tr := translation{text: text, after: after, tag: "CREATE SCHEMA"}
	if ifNotExists {
		tr.skipIf = "SELECT 1 FROM duckdb_schemas() WHERE database_name NOT IN ('system', 'temp') AND schema_name = " + quote(name)
	}
	return tr, true
}

// alterRename translates ALTER TABLE | VIEW name RENAME TO new and RENAME [COLUMN] a TO b,
// which carry the catalog's rows of the relation (or column) to the new name.
func (r *rewriter) alterRename() (translation, bool) {
	i := 2
	if r.tok(i).Is("if") && r.tok(i+1).Is("exists") {
		i += 2
	}
	schema, name, k := r.qualifiedName(i)
	if k > 0 && r.tok(1).Is("table") && (r.tok(i+k).Is("add") || r.tok(i+k).Is("drop")) {
		return r.alterKeys(schema, name, i, i+k)
	}
	if k == 0 || !r.tok(i+k).Is("rename") {
		return translation{}, false
	}
	j := i + k + 1
	text := r.text(0, len(r.toks))
	s := "NULL"
	if schema != "" {
		s = quote(schema)
	}
	if r.tok(j).Is("to") && j+2 == len(r.toks) {
		to := r.tok(j + 1).Value
		key := "(SELECT schema_key FROM " + catalogSchema + ".resolve(" + s + ", " + quote(to) + "))"
		var after []string
		for _, t := range []string{"owners", "grants"} {
			where := " WHERE kind = 'relation' AND schema_name = " + key + " AND name = "
			after = append(after, "DELETE FROM "+catalogSchema+"."+t+where+quote(to),
				"UPDATE "+catalogSchema+"."+t+" SET name = "+quote(to)+where+quote(name))
		}
		for _, t := range []string{"tables", "columns", "constraints"} {
			where := " WHERE schema_name = " + key + " AND table_name = "
			after = append(after, "DELETE FROM "+catalogSchema+"."+t+where+quote(to),
				"UPDATE "+catalogSchema+"."+t+" SET table_name = "+quote(to)+where+quote(name))
		}
		return translation{text: text, after: after}, true
	}
	if r.tok(j).Is("column") {
		j++
	}
	if r.tok(j+1).Is("to") && j+3 == len(r.toks) {
		from, to := r.tok(j).Value, r.tok(j+2).Value
		key := "(SELECT schema_key FROM " + catalogSchema + ".resolve(" + s + ", " + quote(name) + "))"
		where := " WHERE schema_name = " + key + " AND table_name = " + quote(name)
		return translation{text: text, after: []string{
			"UPDATE " + catalogSchema + ".columns SET column_name = " + quote(to) + where + " AND column_name = " + quote(from),
			"UPDATE " + catalogSchema + ".constraints SET col_names = list_transform(col_names, c -> CASE WHEN c = " +
				quote(from) + " THEN " + quote(to) + " ELSE c END)" + where,
		}}, true
	}
	return translation{}, false
}

// alterKeys translates the ALTER TABLE forms that touch keys, which the catalog keeps and
// DuckDB never sees (createtable.go): ADD [CONSTRAINT c] PRIMARY KEY | UNIQUE (cols) records
// a key (a primary key's columns become NOT NULL), ADD ... FOREIGN KEY is accepted and not
// kept, DROP CONSTRAINT c forgets a key, and DROP [COLUMN] a forgets the keys that name the
// column once DuckDB dropped it. name starts at tok nameAt and the verb is at tok v; ok is
// false for the other forms.
func (r *rewriter) alterKeys(schema, name string, nameAt, v int) (translation, bool) {
	s := "NULL"
	if schema != "" {
		s = quote(schema)
	}
	table := r.text(nameAt, v)
	key := "(SELECT schema_key FROM " + catalogSchema + ".resolve(" + s + ", " + quote(name) + "))"
	where := " WHERE schema_name = " + key + " AND table_name = " + quote(name)
	i := v + 1
	if r.tok(v).Is("drop") && !r.tok(i).Is("constraint") {
		col := i
		if r.tok(col).Is("column") {
			col++
		}
		if r.tok(col).Is("if") && r.tok(col+1).Is("exists") {
			col += 2
		}
		return translation{text: r.text(0, len(r.toks)), after: []string{"DELETE FROM " + catalogSchema +
			".constraints" + where + " AND list_contains(col_names, " + quote(r.tok(col).Value) + ")"}}, true
	}
	// The rest runs on the catalog alone, once the table is known to be there.
	local := func(check string, stmts ...string) translation {
		return translation{tag: "ALTER TABLE", local: func(ctx context.Context, c *Conn) *sql.Error {
			if _, err := c.rawQuery(ctx, "SELECT 1 FROM "+table+" LIMIT 0"); err != nil {
				return err
			}
			if check != "" {
				if _, err := c.rawQuery(ctx, check); err != nil {
					return err
				}
			}
			for _, st := range stmts {
				if err := c.rawExec(ctx, st); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	if r.tok(v).Is("drop") { // DROP CONSTRAINT c
		if r.tok(i+1).Kind == sql.TokEOF {
			return translation{}, false
		}
		c := r.tok(i + 1).Value
		named := where + " AND coalesce(name, table_name || CASE WHEN is_primary THEN '_pkey' ELSE '_' || " +
			"array_to_string(col_names, '_') || '_key' END) = " + quote(c)
		missing := withState(sql.CodeUndefinedObject, fmt.Sprintf(`constraint "%s" of relation "%s" does not exist`, c, name))
		return local("SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM "+catalogSchema+".constraints"+named+") THEN error("+
			quote(missing)+") END", "DELETE FROM "+catalogSchema+".constraints"+named), true
	}
	var cname string
	if r.tok(i).Is("constraint") {
		cname, i = r.tok(i+1).Value, i+2
	}
	primary := r.tok(i).Is("primary") && r.tok(i+1).Is("key")
	switch {
	case r.tok(i).Is("foreign"):
		return local(""), true // informational: not enforced, not kept
	case primary:
		i += 2
	case r.tok(i).Is("unique"):
		i++
	default:
		return translation{}, false // ADD COLUMN and the rest: DuckDB's
	}
	if !r.tok(i).IsPunct("(") || r.match[i] < 0 || r.match[i]+1 != len(r.toks) {
		return translation{}, false
	}
	var cols, stmts []string
	for _, x := range r.args(i, r.match[i]) {
		if x[1] != x[0]+1 {
			return translation{}, false
		}
		c := r.toks[x[0]].Value
		cols = append(cols, quote(c))
		if primary {
			stmts = append(stmts, "ALTER TABLE "+table+" ALTER COLUMN "+quoteIdent(c)+" SET NOT NULL")
		}
	}
	stmts = append(stmts, "INSERT INTO "+catalogSchema+".constraints SELECT "+key+", "+quote(name)+
		", (SELECT coalesce(max(ordinal), 0) + 1 FROM "+catalogSchema+".constraints"+where+"), "+
		strconv.FormatBool(primary)+", ["+strings.Join(cols, ", ")+"], "+sqlString(cname))
	return local("", stmts...), true
}

// ownerStatements record the session's user as the owner of a new object (kind, and SQL
// expressions for its schema key and name), with no grants: a former object of the same name
// leaves nothing behind. With keep, an object already recorded (CREATE OR REPLACE VIEW)
// keeps its owner and grants.
func ownerStatements(kind, schema, name string, keep bool) []string {
	where := " WHERE kind = '" + kind + "' AND schema_name = " + schema + " AND name = " + name
	insert := "INSERT INTO " + catalogSchema + ".owners SELECT '" + kind + "', " + schema + ", " + name + ", current_user_id()"
	if keep {
		return []string{insert + " WHERE NOT EXISTS (SELECT 1 FROM " + catalogSchema + ".owners" + where + ")"}
	}
	return []string{"DELETE FROM " + catalogSchema + ".owners" + where, "DELETE FROM " + catalogSchema + ".grants" + where, insert}
}

// unsupportedFeatures are Redshift statements fakeshift cannot run, by their first words.
var unsupportedFeatures = []struct {
	words   []string
	feature string
}{
	{[]string{"create", "external"}, "Redshift Spectrum (CREATE EXTERNAL ...)"},
	{[]string{"alter", "external"}, "Redshift Spectrum (ALTER EXTERNAL ...)"},
	{[]string{"drop", "external"}, "Redshift Spectrum (DROP EXTERNAL ...)"},
	{[]string{"create", "materialized", "view"}, "CREATE MATERIALIZED VIEW"},
	{[]string{"refresh", "materialized", "view"}, "REFRESH MATERIALIZED VIEW"},
	{[]string{"create", "library"}, "CREATE LIBRARY"},
	{[]string{"create", "model"}, "Redshift ML (CREATE MODEL)"},
	{[]string{"create", "procedure"}, "Stored procedures (CREATE PROCEDURE)"},
	{[]string{"create", "or", "replace", "procedure"}, "Stored procedures (CREATE PROCEDURE)"},
	{[]string{"create", "function"}, "User-defined functions (CREATE FUNCTION)"},
	{[]string{"create", "or", "replace", "function"}, "User-defined functions (CREATE FUNCTION)"},
	{[]string{"lock"}, "LOCK"},
	{[]string{"declare"}, "Cursors (DECLARE)"},
	{[]string{"fetch"}, "Cursors (FETCH)"},
	{[]string{"close"}, "Cursors (CLOSE)"},
	{[]string{"create", "role"}, "Role-based access control (CREATE ROLE)"},
	{[]string{"create", "rls"}, "Row-level security (CREATE RLS POLICY)"},
	{[]string{"create", "masking"}, "Dynamic data masking (CREATE MASKING POLICY)"},
}

// unsupported answers 0A000 for the Redshift statements fakeshift does not run, and for the
// clauses of statements it runs that it cannot honour.
func (r *rewriter) unsupported() *sql.Error {
	for _, f := range unsupportedFeatures {
		ok := len(f.words) <= len(r.toks)
		for i := 0; ok && i < len(f.words); i++ {
			ok = r.toks[i].Is(f.words[i])
		}
		if ok {
			return notSupported(f.feature)
		}
	}
	if r.tok(0).Is("alter") && r.tok(1).Is("table") {
		for i := 2; i < len(r.toks); i++ {
			t := r.toks[i]
			switch {
			case t.Is("append"):
				return notSupported("ALTER TABLE APPEND")
			case t.Is("owner") && r.tok(i+1).Is("to"):
				return notSupported("ALTER TABLE ... OWNER TO")
			case t.Is("diststyle") || t.Is("distkey") || t.Is("sortkey") || t.Is("encode"):
				return notSupported("ALTER TABLE ... ALTER " + strings.ToUpper(t.Value))
			}
		}
	}
	for _, t := range r.toks {
		if t.Is(catalogSchema) || t.Kind == sql.TokQuotedIdent && t.Value == catalogSchema {
			return sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for schema %s", catalogSchema)
		}
	}
	return nil
}

// dialectFunc rewrites a call: name at k, parentheses at open and close. It returns the
// tokens taken (from k) and the text, or 0 to leave the call as written.
type dialectFunc func(r *rewriter, k, open, close int) (int, string)

var dialectFuncs map[string]dialectFunc

func init() {
	dialectFuncs = map[string]dialectFunc{
		"nvl":          renameCall("coalesce"),
		"decode":       rewriteDecode,
		"listagg":      rewriteListagg,
		"dateadd":      datePartCall("dateadd", 1),
		"datediff":     datePartCall("datediff", 1),
		"date_part":    rewriteDatePart,
		"date_trunc":   datePartCall("date_trunc", 1),
		"to_char":      rewriteToChar,
		"to_date":      rewriteParse("DATE"),
		"to_timestamp": rewriteParse("TIMESTAMPTZ"),
		"cast":         rewriteCast,
		"convert":      rewriteConvert,
		// information_schema's _pg_expandarray(a): the rows (x, n) of a's elements and positions.
		"_pg_expandarray": rewriteExpandArray,
	}
}

func renameCall(name string) dialectFunc {
	return func(r *rewriter, k, open, close int) (int, string) {
		return close + 1 - k, name + r.src[r.toks[k].End:r.toks[open].Start] + "(" + r.text(open+1, close) + ")"
	}
}

// rewriteDecode: DECODE(expr, search, result [, search, result]... [, default]) is a CASE in
// which a NULL search matches a NULL expression (the DECODE page's usage notes).
func rewriteDecode(r *rewriter, k, open, close int) (int, string) {
	a := r.args(open, close)
	if len(a) < 3 {
		return 0, "" // DuckDB's own decode(blob)
	}
	var b strings.Builder
	expr := r.text(a[0][0], a[0][1])
	b.WriteString("CASE")
	i := 1
	for ; i+1 < len(a); i += 2 {
		b.WriteString(" WHEN (" + expr + ") IS NOT DISTINCT FROM (" + r.text(a[i][0], a[i][1]) + ") THEN " + r.text(a[i+1][0], a[i+1][1]))
	}
	if i < len(a) {
		b.WriteString(" ELSE " + r.text(a[i][0], a[i][1]))
	}
	b.WriteString(" END")
	return close + 1 - k, b.String()
}

// rewriteListagg: LISTAGG([DISTINCT] expr [, delimiter]) [WITHIN GROUP (ORDER BY ...)] is
// string_agg with the ORDER BY inside the call. Redshift's default delimiter is none.
func rewriteListagg(r *rewriter, k, open, close int) (int, string) {
	a := r.args(open, close)
	if len(a) == 0 || len(a) > 2 {
		return 0, ""
	}
	args := r.text(a[0][0], a[0][1])
	if len(a) == 2 {
		args += ", " + r.text(a[1][0], a[1][1])
	} else {
		args += ", ''"
	}
	n := close + 1 - k
	if r.tok(close+1).Is("within") && r.tok(close+2).Is("group") && r.tok(close+3).IsPunct("(") {
		o := close + 3
		c := r.match[o]
		if c < 0 {
			return 0, ""
		}
		args += " " + r.text(o+1, c)
		n = c + 1 - k
	}
	return n, "string_agg(" + args + ")"
}

// datePartCall rewrites a function whose argument at position arg is a date part, written
// as a word (day) or a string ('day'), into name with the part in DuckDB's spelling.
func datePartCall(name string, arg int) dialectFunc {
	return func(r *rewriter, k, open, close int) (int, string) {
		a := r.args(open, close)
		if len(a) < arg {
			return 0, ""
		}
		var b strings.Builder
		b.WriteString(name + "(")
		for i, x := range a {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == arg-1 && x[1] == x[0]+1 {
				t := r.toks[x[0]]
				if t.Kind == sql.TokIdent || t.Kind == sql.TokString || t.Kind == sql.TokQuotedIdent {
					p, ok := datePart(t.Value)
					if !ok {
						r.fail(sql.Errorf(sql.CodeInvalidParameterValue, "%s: unsupported datepart %q", strings.ToUpper(name), t.Value))
						return 0, ""
					}
					b.WriteString(quote(p))
					continue
				}
			}
			b.WriteString(r.datetimeArg(x))
		}
		b.WriteString(")")
		return close + 1 - k, b.String()
	}
}

// datetimeArg is a date function's argument; a bare string literal is read as a timestamp,
// as Redshift reads it ('2009-01-01'), where DuckDB would find the call ambiguous.
func (r *rewriter) datetimeArg(x [2]int) string {
	if x[1] == x[0]+1 && r.toks[x[0]].Kind == sql.TokString {
		return "CAST(" + r.toks[x[0]].Raw + " AS TIMESTAMP)"
	}
	return r.text(x[0], x[1])
}

// rewriteDatePart: DATE_PART(part, x) answers double precision, and for second, millisecond
// and microsecond the whole seconds part with its fraction (the date parts page).
func rewriteDatePart(r *rewriter, k, open, close int) (int, string) {
	a := r.args(open, close)
	if len(a) != 2 || a[0][1] != a[0][0]+1 {
		return 0, ""
	}
	t := r.toks[a[0][0]]
	if t.Kind != sql.TokIdent && t.Kind != sql.TokString && t.Kind != sql.TokQuotedIdent {
		return 0, ""
	}
	p, ok := datePart(t.Value)
	if !ok {
		r.fail(sql.Errorf(sql.CodeInvalidParameterValue, "DATE_PART: unsupported datepart %q", t.Value))
		return 0, ""
	}
	x := r.datetimeArg(a[1])
	switch p {
	case "second":
		return close + 1 - k, "(date_part('microsecond', " + x + ") / 1000000.0)"
	case "millisecond":
		return close + 1 - k, "(date_part('microsecond', " + x + ") / 1000.0)"
	}
	return close + 1 - k, "CAST(date_part(" + quote(p) + ", " + x + ") AS DOUBLE)"
}

// dateParts maps Redshift's date part names and abbreviations (the "Date parts for date or
// timestamp functions" page) to DuckDB's.
var dateParts = map[string]string{}

func init() {
	for canon, names := range map[string][]string{
		"millennium":      {"millennium", "millennia", "mil", "mils"},
		"century":         {"century", "centuries", "c", "cent", "cents"},
		"decade":          {"decade", "decades", "dec", "decs"},
		"epoch":           {"epoch"},
		"year":            {"year", "years", "y", "yr", "yrs"},
		"quarter":         {"quarter", "quarters", "qtr", "qtrs"},
		"month":           {"month", "months", "mon", "mons"},
		"week":            {"week", "weeks", "w"},
		"dow":             {"dayofweek", "dow", "dw", "weekday"},
		"doy":             {"dayofyear", "doy", "dy", "yearday"},
		"day":             {"day", "days", "d"},
		"hour":            {"hour", "hours", "h", "hr", "hrs"},
		"minute":          {"minute", "minutes", "m", "min", "mins"},
		"second":          {"second", "seconds", "s", "sec", "secs"},
		"millisecond":     {"millisecond", "milliseconds", "ms", "msec", "msecs", "msecond", "mseconds", "millisec", "millisecs", "millisecon"},
		"microsecond":     {"microsecond", "microseconds", "microsec", "microsecs", "usecond", "useconds", "us", "usec", "usecs"},
		"timezone":        {"timezone"},
		"timezone_hour":   {"timezone_hour"},
		"timezone_minute": {"timezone_minute"},
	} {
		for _, n := range names {
			dateParts[n] = canon
		}
	}
}

func datePart(p string) (string, bool) {
	c, ok := dateParts[strings.ToLower(strings.TrimSpace(p))]
	return c, ok
}

// rewriteCast: CAST(x AS type) with the type in DuckDB's spelling.
func rewriteCast(r *rewriter, k, open, close int) (int, string) {
	as := -1
	for i := open + 1; i < close; i++ {
		if r.toks[i].IsPunct("(") && r.match[i] > i {
			i = r.match[i]
			continue
		}
		if r.toks[i].Is("as") {
			as = i
		}
	}
	if as < 0 {
		return 0, ""
	}
	n, typ := r.typeName(as+1, close)
	if n == 0 || as+1+n != close {
		return 0, ""
	}
	return close + 1 - k, "CAST(" + r.text(open+1, as) + " AS " + typ + ")"
}

// rewriteExpandArray: _pg_expandarray(a) is the unnest of a's (x, n) pairs.
func rewriteExpandArray(r *rewriter, k, open, close int) (int, string) {
	a := r.args(open, close)
	if len(a) != 1 {
		return 0, ""
	}
	arr := "(" + r.text(a[0][0], a[0][1]) + ")"
	return close + 1 - k, "unnest(list_transform(range(1, len(" + arr + ") + 1), fakeshift_k -> struct_pack(x := " + arr + "[fakeshift_k], n := fakeshift_k)))"
}

// rewriteConvert: CONVERT(type, expr) is CAST(expr AS type).
func rewriteConvert(r *rewriter, k, open, close int) (int, string) {
	a := r.args(open, close)
	if len(a) != 2 {
		return 0, ""
	}
	n, typ := r.typeName(a[0][0], a[0][1])
	if n == 0 || a[0][0]+n != a[0][1] {
		return 0, ""
	}
	return close + 1 - k, "CAST(" + r.text(a[1][0], a[1][1]) + " AS " + typ + ")"
}

// typeName reads a Redshift type name at token i (before end) and returns the tokens it takes
// and DuckDB's spelling of it; 0 when there is no type there.
func (r *rewriter) typeName(i, end int) (int, string) {
	n, name, mod := r.typeWords(i, end)
	if n == 0 {
		return 0, ""
	}
	typ, ok := duckTypeName(name, mod)
	if !ok {
		if f, unsupported := unsupportedTypes[name]; unsupported {
			r.fail(notSupported(f))
			return n, name
		}
		return 0, ""
	}
	return n, typ
}

// typeWords reads a type name at token i: the tokens it takes, its name in lower case (one
// word for the multi-word names: "double precision", "varchar", "timestamptz") and the text
// inside its parentheses.
func (r *rewriter) typeWords(i, end int) (n int, name, mod string) {
	if r.tok(i).Is("pg_catalog") && r.tok(i+1).IsPunct(".") && i+2 < end {
		n, name, mod := r.typeWords(i+2, end)
		if n == 0 {
			return 0, "", ""
		}
		return n + 2, name, mod
	}
	t := r.tok(i)
	if i >= end || t.Kind != sql.TokIdent && t.Kind != sql.TokQuotedIdent {
		return 0, "", ""
	}
	n, name = 1, t.Value
	switch {
	case name == "double" && r.tok(i+1).Is("precision"):
		n, name = 2, "double precision"
	case (name == "character" || name == "char" || name == "national") && r.tok(i+1).Is("varying"):
		n, name = 2, "varchar"
	case name == "binary" && r.tok(i+1).Is("varying"):
		n, name = 2, "varbyte"
	case (name == "timestamp" || name == "time") && (r.tok(i+1).Is("with") || r.tok(i+1).Is("without")) &&
		r.tok(i+2).Is("time") && r.tok(i+3).Is("zone"):
		if r.tok(i + 1).Is("with") {
			name += "tz"
		}
		n = 4
	}
	if o := i + n; r.tok(o).IsPunct("(") && r.match[o] > o && r.match[o] < end {
		c := r.match[o]
		mod = r.raw(o+1, c)
		n = c + 1 - i
	}
	return n, name, mod
}

// unsupportedTypes are Redshift data types DuckDB cannot carry.
var unsupportedTypes = map[string]string{
	"geometry":   "The GEOMETRY data type",
	"geography":  "The GEOGRAPHY data type",
	"hllsketch":  "The HLLSKETCH data type",
	"intervalym": "The INTERVAL YEAR TO MONTH data type",
}

// typeAliases are the other names of the types of duckTypeName and redshiftTypeName, which
// switch over the names they stand for.
var typeAliases = map[string]string{
	"int2": "smallint", "int": "integer", "int4": "integer", "int8": "bigint",
	"numeric": "decimal", "float4": "real", "float8": "double precision", "bool": "boolean",
	"character": "char", "nchar": "char", "bpchar": "char", "nvarchar": "varchar", "varbinary": "varbyte",
}

// canonicalType is the name a type name stands for (typeAliases), or the name itself.
func canonicalType(name string) string {
	if c, ok := typeAliases[name]; ok {
		return c
	}
	return name
}

// duckTypeName spells a Redshift type (lower-case name, the text inside its parentheses) as
// DuckDB knows it.
func duckTypeName(name, mod string) (string, bool) {
	m := strings.ToLower(strings.ReplaceAll(mod, " ", ""))
	switch canonicalType(name) {
	case "smallint":
		return "SMALLINT", true
	case "integer":
		return "INTEGER", true
	case "bigint":
		return "BIGINT", true
	case "decimal":
		if m == "" {
			return "DECIMAL(18,0)", true // Redshift's default precision and scale
		}
		return "DECIMAL(" + mod + ")", true
	case "real":
		return "REAL", true
	case "double precision":
		return "DOUBLE", true
	case "float":
		if p, err := strconv.Atoi(m); err == nil && p <= 24 {
			return "REAL", true
		}
		return "DOUBLE", true
	case "boolean":
		return "BOOLEAN", true
	case "char":
		return "VARCHAR", true // char(n) is not padded (README)
	case "varchar", "text", "name":
		return "VARCHAR", true
	case "date":
		return "DATE", true
	case "timestamp":
		return "TIMESTAMP", true
	case "timestamptz":
		return "TIMESTAMPTZ", true
	case "time":
		return "TIME", true
	case "timetz":
		return "TIMETZ", true
	case "super", "json":
		return "JSON", true
	case "varbyte", "bytea":
		return "BLOB", true
	case "interval":
		return "INTERVAL", true
	case "oid", "regclass", "regtype", "regproc":
		return "BIGINT", true // catalog object ids, as the catalog views carry them
	}
	return "", false
}

// redshiftTypeName is the type as Redshift's catalog names it (format_type), from the words
// and modifier of a column definition; "" when unknown.
func redshiftTypeName(name, mod string) string {
	m := strings.ToLower(strings.ReplaceAll(mod, " ", ""))
	switch canonicalType(name) {
	case "smallint", "integer", "bigint", "real", "double precision", "boolean", "date", "super":
		return canonicalType(name)
	case "decimal":
		if m == "" {
			return "numeric(18,0)"
		}
		if !strings.Contains(m, ",") {
			return "numeric(" + m + ",0)"
		}
		return "numeric(" + m + ")"
	case "float":
		if p, err := strconv.Atoi(m); err == nil && p <= 24 {
			return "real"
		}
		return "double precision"
	case "char":
		if m == "" {
			m = "1"
		}
		return "character(" + m + ")"
	case "varchar":
		switch m {
		case "":
			m = "256"
		case "max":
			m = "65535"
		}
		return "character varying(" + m + ")"
	case "text":
		return "character varying(256)"
	case "timestamp":
		return "timestamp without time zone"
	case "timestamptz":
		return "timestamp with time zone"
	case "time":
		return "time without time zone"
	case "timetz":
		return "time with time zone"
	case "varbyte":
		if m == "" {
			m = "64000"
		}
		return "varbyte(" + m + ")"
	}
	return ""
}
