package duckdb

import (
	"context"
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/sql"
)

// Privileges.
//
// Who owns what and who was granted what are kept in the catalog schema (catalog.go:
// owners and grants), in the same transactions as the objects, so that they survive a
// restart with the database file and vanish with a rolled back CREATE. The maker of a
// relation or schema owns it; schema public and the database are owned by the master user
// (100), and PUBLIC may use and create in public and make temporary tables, as in a new
// Redshift database. DROP TABLE, VIEW and SCHEMA delete the rows of what they drop (drop in
// dialect.go), so that nothing passes to a later object of the same name; a cluster's Reset
// leaves only a new database's (Engine.ResetCatalog), since user ids are given again.
//
// Before a statement of a user who is not a superuser runs, what it needs (needs, worked out
// from its tokens when it is translated) is checked against them: SELECT on every relation
// it reads, INSERT, UPDATE or DELETE on the one it writes (and SELECT on that one when a
// WHERE clause reads it), USAGE on the schema of each, CREATE on the schema it makes an
// object in, CREATE or TEMP on the database, the owner's right (or DROP, ALTER, TRUNCATE)
// to drop, alter or truncate. Their owner has every privilege on an object; superusers
// bypass the checks. A view is checked as itself: the tables it reads are checked when it
// is made, against its maker.

// Privilege names, as GRANT spells them.
const (
	privSelect     = "SELECT"
	privInsert     = "INSERT"
	privUpdate     = "UPDATE"
	privDelete     = "DELETE"
	privDrop       = "DROP"
	privReferences = "REFERENCES"
	privAlter      = "ALTER"
	privTruncate   = "TRUNCATE"
	privUsage      = "USAGE"
	privCreate     = "CREATE"
	privTemp       = "TEMP"
)

// Object kinds of the owners and grants tables.
const (
	objRelation = "relation"
	objSchema   = "schema"
	objDatabase = "database"
)

// need is one privilege a statement needs.
type need struct {
	kind string // objRelation, objSchema or objDatabase
	// schema and name as written. A relation whose schema is "" is looked up through the
	// search path; a schema whose name is "" is the one objects made without a schema go
	// into (the first of the search path that exists).
	schema, name string
	priv         string
	// owner: the owner's right, which the schema's owner and a holder of priv share; refused
	// with "must be owner of ...".
	owner bool
}

// needs works out what the statement needs, from its tokens.
func (r *rewriter) needs() []need {
	if len(r.toks) == 0 {
		return nil
	}
	ctes := r.cteNames()
	start := r.skipWith()
	t := r.tok(start)
	var out []need
	target := -1 // the token of the relation the statement writes
	rel := func(i int, priv string, owner bool) {
		if s, n, k := r.qualifiedName(i); k > 0 {
			out = append(out, need{kind: objRelation, schema: s, name: n, priv: priv, owner: owner})
		}
	}
	relList := func(i int, priv string) {
		for i < len(r.toks) {
			_, _, k := r.qualifiedName(i)
			if k == 0 {
				return
			}
			rel(i, priv, true)
			i += k
			if !r.tok(i).IsPunct(",") {
				return
			}
			i++
		}
	}
	switch {
	case t.Is("insert") && r.tok(start+1).Is("into"):
		target = start + 2
		rel(target, privInsert, false)
	case t.Is("update"):
		target = start + 1
		if r.tok(target).Is("only") {
			target++
		}
		rel(target, privUpdate, false)
		if r.topLevel(start, "where") || r.topLevel(start, "from") {
			rel(target, privSelect, false)
		}
	case t.Is("delete"):
		target = start + 1
		if r.tok(target).Is("from") {
			target++
		}
		if r.tok(target).Is("only") {
			target++
		}
		rel(target, privDelete, false)
		if r.topLevel(start, "where") {
			rel(target, privSelect, false)
		}
	case t.Is("merge") && r.tok(start+1).Is("into"):
		target = start + 2
		rel(target, privSelect, false)
		for i := start; i < len(r.toks); i++ {
			if r.toks[i].Is("then") {
				switch {
				case r.tok(i + 1).Is("update"):
					rel(target, privUpdate, false)
				case r.tok(i + 1).Is("delete"):
					rel(target, privDelete, false)
				case r.tok(i + 1).Is("insert"):
					rel(target, privInsert, false)
				}
			}
		}
	case t.Is("truncate"):
		i := start + 1
		if r.tok(i).Is("table") {
			i++
		}
		relList(i, privTruncate)
		return out
	case t.Is("drop") && (r.tok(start+1).Is("table") || r.tok(start+1).Is("view")):
		i := start + 2
		if r.tok(i).Is("if") && r.tok(i+1).Is("exists") {
			i += 2
		}
		relList(i, privDrop)
		return out
	case (t.Is("drop") || t.Is("alter")) && r.tok(start+1).Is("schema"):
		i := start + 2
		if r.tok(i).Is("if") && r.tok(i+1).Is("exists") {
			i += 2
		}
		for ; r.tok(i).Kind == sql.TokIdent || r.tok(i).Kind == sql.TokQuotedIdent; i += 2 {
			out = append(out, need{kind: objSchema, name: r.tok(i).Value, priv: privDrop, owner: true})
			if !t.Is("drop") || !r.tok(i+1).IsPunct(",") {
				break
			}
		}
		return out
	case t.Is("alter") && (r.tok(start+1).Is("table") || r.tok(start+1).Is("view")):
		i := start + 2
		if r.tok(i).Is("if") && r.tok(i+1).Is("exists") {
			i += 2
		}
		rel(i, privAlter, true)
		return out
	case t.Is("comment") && r.tok(start+1).Is("on") && (r.tok(start+2).Is("table") || r.tok(start+2).Is("view")):
		rel(start+3, privAlter, true)
		return out
	case t.Is("create"):
		i := start + 1
		if r.tok(i).Is("or") && r.tok(i+1).Is("replace") {
			i += 2
		}
		if r.tok(i).Is("local") || r.tok(i).Is("global") {
			i++
		}
		temp := r.tok(i).Is("temp") || r.tok(i).Is("temporary")
		if temp {
			i++
		}
		switch w := r.tok(i); {
		case w.Is("schema"):
			return []need{{kind: objDatabase, priv: privCreate}}
		case w.Is("table") || w.Is("view") || w.Is("sequence"):
			i++
			if r.tok(i).Is("if") && r.tok(i+1).Is("not") && r.tok(i+2).Is("exists") {
				i += 3
			}
			s, _, k := r.qualifiedName(i)
			switch {
			case k == 0:
			case temp:
				out = append(out, need{kind: objDatabase, priv: privTemp})
			default:
				out = append(out, need{kind: objSchema, name: s, priv: privCreate})
			}
			target = i
		}
	}
	// Every other relation named is read, in the WITH clause too.
	for i := 0; i < len(r.toks); i++ {
		if i == target {
			continue
		}
		switch p := r.tok(i - 1); {
		case r.relationPosition(i), p.Is("using") && i-1 > start, p.Is("like") && r.tok(i-2).IsPunct("("):
		case p.Is("references"):
			if s, n, k := r.qualifiedName(i); k > 0 {
				out = append(out, need{kind: objRelation, schema: s, name: n, priv: privReferences})
			}
			continue
		default:
			continue
		}
		s, n, k := r.qualifiedName(i)
		if k == 0 || r.tok(i+k).IsPunct("(") || s == "" && ctes[strings.ToLower(n)] {
			continue
		}
		out = append(out, need{kind: objRelation, schema: s, name: n, priv: privSelect})
	}
	return out
}

// skipWith returns the index of the statement's main keyword, after a WITH clause.
func (r *rewriter) skipWith() int {
	if !r.tok(0).Is("with") {
		return 0
	}
	for i := 1; i < len(r.toks); i++ {
		t := r.toks[i]
		if t.IsPunct("(") && r.match[i] > i {
			i = r.match[i]
			if !r.tok(i+1).IsPunct(",") && !r.tok(i+1).Is("as") {
				return i + 1
			}
		}
	}
	return 0
}

// cteNames are the names a WITH clause gives, anywhere in the statement.
func (r *rewriter) cteNames() map[string]bool {
	names := map[string]bool{}
	for i, t := range r.toks {
		if !t.Is("with") && !t.Is("recursive") && !t.IsPunct(",") {
			continue
		}
		n := r.tok(i + 1)
		if n.Kind != sql.TokIdent && n.Kind != sql.TokQuotedIdent {
			continue
		}
		j := i + 2
		if r.tok(j).IsPunct("(") && r.match[j] > j {
			j = r.match[j] + 1
		}
		if r.tok(j).Is("as") {
			names[strings.ToLower(n.Value)] = true
		}
	}
	return names
}

// topLevel reports whether the word w appears from token start on, outside parentheses.
func (r *rewriter) topLevel(start int, w string) bool {
	for i := start; i < len(r.toks); i++ {
		if r.toks[i].IsPunct("(") && r.match[i] > i {
			i = r.match[i]
			continue
		}
		if r.toks[i].Is(w) {
			return true
		}
	}
	return false
}

// resolved is a relation as the catalog knows it.
type resolved struct {
	schema, name string // the schema's key in the catalog tables, and the relation's name
	temporary    bool
}

// checkNeeds refuses the statement when the session lacks something it needs. Callers hold
// c.mu.
func (c *Conn) checkNeeds(ctx context.Context, needs []need) *sql.Error {
	for _, n := range needs {
		if n.kind == objSchema && n.name == "" && n.priv == privCreate && c.noSchema {
			return errNoSchema()
		}
	}
	if c.id.Superuser || len(needs) == 0 {
		return nil
	}
	c.passed.validate(c.e)
	for _, n := range needs {
		if c.passed.has(n) {
			continue
		}
		if err := c.checkNeed(ctx, n); err != nil {
			return err
		}
		c.passed.add(n)
	}
	return nil
}

// versioned is a RecordSource whose users and groups (pg_user, pg_group, which the checks
// read) carry a version that moves whenever they change. Without it no check is cached.
type versioned interface {
	CatalogVersion() uint64
}

// privCache is the privilege checks a session passed: the same statement, or another that
// needs the same, passes again without the catalog queries (a few milliseconds each time).
// It holds while nothing that could change a check's answer happened: no statement that
// changes grants, owners, relations or schemas (Engine.privGen), no change of the users and
// groups (versioned), no change of the session's search path (Conn.SetSearchPath). Refusals
// are not kept: they are checked again each time.
type privCache struct {
	gen, srcVersion uint64
	ok              map[need]bool
}

// validate empties the cache when what it was filled under has moved.
func (p *privCache) validate(e *Engine) {
	src, ok := e.src.(versioned)
	if !ok {
		p.ok = nil
		return
	}
	gen, ver := e.privGen.Load(), src.CatalogVersion()
	if p.ok == nil || gen != p.gen || ver != p.srcVersion {
		p.gen, p.srcVersion = gen, ver
		p.ok = map[need]bool{}
	}
}

func (p *privCache) has(n need) bool { return p.ok[n] }

func (p *privCache) add(n need) {
	if p.ok != nil {
		p.ok[n] = true
	}
}

// forget empties the cache (the search path changed).
func (p *privCache) forget() { p.ok = nil }

func (c *Conn) checkNeed(ctx context.Context, n need) *sql.Error {
	uid := strconv.Itoa(int(c.id.UserID))
	switch n.kind {
	case objDatabase:
		ok, err := c.rawBool(ctx, "SELECT "+catalogSchema+".has_priv("+uid+", 'database', '', '', "+quote(n.priv)+")")
		if err != nil || ok {
			return err
		}
		if n.priv == privTemp {
			return sql.Errorf(sql.CodeInsufficientPrivilege, `permission denied to create temporary tables in database "%s"`, c.id.Database)
		}
		return sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for database %s", c.id.Database)
	case objSchema:
		schema := "current_schema()"
		if n.name != "" {
			schema = quote(n.name)
		}
		rows, err := c.rawQuery(ctx, "SELECT s, "+catalogSchema+".has_priv("+uid+", 'schema', s, '', "+quote(n.priv)+") FROM (SELECT "+schema+" AS s)")
		if err != nil || len(rows) == 0 {
			return err
		}
		if ok, _ := rows[0][1].(bool); ok {
			return nil
		}
		name, _ := rows[0][0].(string)
		if n.owner {
			return sql.Errorf(sql.CodeInsufficientPrivilege, "must be owner of schema %s", name)
		}
		return sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for schema %s", name)
	}
	res, err := c.resolve(ctx, n.schema, n.name)
	if err != nil || res == nil || res.temporary {
		return err // a relation that is not there fails as the statement runs
	}
	rows, err := c.rawQuery(ctx, "SELECT "+catalogSchema+".has_priv("+uid+", 'schema', "+quote(res.schema)+", '', 'USAGE'), "+
		catalogSchema+".has_priv("+uid+", 'relation', "+quote(res.schema)+", "+quote(res.name)+", "+quote(n.priv)+"), "+
		catalogSchema+".owner_of('schema', "+quote(res.schema)+", '') = "+uid)
	if err != nil {
		return err
	}
	usage, _ := rows[0][0].(bool)
	has, _ := rows[0][1].(bool)
	schemaOwner, _ := rows[0][2].(bool)
	switch {
	case !usage:
		return sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for schema %s", res.schema)
	case has || n.owner && schemaOwner:
		return nil
	case n.owner:
		return sql.Errorf(sql.CodeInsufficientPrivilege, "must be owner of relation %s", res.name)
	}
	return sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for relation %s", res.name)
}

// resolve finds the relation that schema.name (or name, through the search path) names;
// nil when there is none. Callers hold c.mu.
//
// It answers what the catalog's resolve macro answers, for a fraction of its time (it runs
// for every relation a statement of a user who is not a superuser names): duckdb_tables()
// is read first, and duckdb_views(), which costs several times as much (it lists DuckDB's
// own views too), only when a view could be the answer: a view may exist (Engine.views),
// and no table matches, or the name is unqualified and the table found is not temporary,
// so that a temporary view or a view of a schema earlier on the search path would hide it.
// Tables and views share their names within a schema.
func (c *Conn) resolve(ctx context.Context, schema, name string) (*resolved, *sql.Error) {
	table, err := c.resolveIn(ctx, "duckdb_tables()", "table_name", schema, name)
	if err != nil || table != nil && (schema != "" || table.res.temporary) || !c.e.views.Load() {
		return table.result(), err
	}
	view, err := c.resolveIn(ctx, "duckdb_views()", "view_name", schema, name)
	if err != nil {
		return nil, err
	}
	if view != nil && (table == nil || view.res.temporary || view.pos < table.pos) {
		return view.result(), nil
	}
	return table.result(), nil
}

// candidate is a relation resolveIn found, with the position of its schema on the search
// path.
type candidate struct {
	res resolved
	pos int64
}

// result is the relation found; nil for none.
func (r *candidate) result() *resolved {
	if r == nil {
		return nil
	}
	return &r.res
}

// resolveIn finds the relation schema.name (or name through the search path) among the
// rows of list (duckdb_tables() or duckdb_views(), whose name column is col), as the
// catalog's resolve macro does: a temporary one first, then by the search path. Callers
// hold c.mu.
func (c *Conn) resolveIn(ctx context.Context, list, col, schema, name string) (*candidate, *sql.Error) {
	where := "temporary OR list_contains(current_schemas(false), schema_name)"
	if schema != "" {
		where = "lower(CASE WHEN temporary THEN 'pg_temp_1' ELSE schema_name END) = lower(" + quote(schema) + ")"
	}
	rows, err := c.rawQuery(ctx, "SELECT CASE WHEN temporary THEN "+quote(tempSchemaKey)+" ELSE schema_name END, "+col+", temporary, "+
		"coalesce(list_position(current_schemas(false), schema_name), 0) FROM "+list+
		" WHERE NOT internal AND schema_name NOT IN ("+quote(catalogSchema)+", 'information_schema', 'pg_catalog')"+
		" AND lower("+col+") = lower("+quote(name)+") AND ("+where+")"+
		" ORDER BY temporary DESC, list_position(current_schemas(false), schema_name) LIMIT 1")
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	r := &candidate{}
	r.res.schema, _ = rows[0][0].(string)
	r.res.name, _ = rows[0][1].(string)
	r.res.temporary, _ = rows[0][2].(bool)
	r.pos, _ = asInt64(rows[0][3])
	return r, nil
}

// rawBool runs a query of fakeshift's own that answers one boolean. Callers hold c.mu.
func (c *Conn) rawBool(ctx context.Context, query string) (bool, *sql.Error) {
	rows, err := c.rawQuery(ctx, query)
	if err != nil || len(rows) == 0 {
		return false, err
	}
	b, _ := rows[0][0].(bool)
	return b, nil
}
