package duckdb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/sql"
)

// GRANT and REVOKE on tables, views, schemas and the database (the GRANT and REVOKE pages):
//
//	GRANT { priv [, ...] | ALL [PRIVILEGES] }
//	  ON { [TABLE] name [, ...] | ALL TABLES IN SCHEMA s [, ...] | SCHEMA s [, ...] | DATABASE d [, ...] }
//	  TO { user [WITH GRANT OPTION] | GROUP g | PUBLIC } [, ...]
//	REVOKE [GRANT OPTION FOR] { priv [, ...] | ALL [PRIVILEGES] } ON ... FROM { user | GROUP g | PUBLIC } [, ...]
//	  [CASCADE | RESTRICT]
//
// fakeshift runs them itself, on the catalog schema's grants table (privileges.go), in the
// session's transaction. Only the owner of an object, a superuser, or a user holding the
// privilege WITH GRANT OPTION grants it or takes it back. As in PostgreSQL 8.0, a REVOKE
// that takes a grant option away from a user who passed the privilege on fails with
// "dependent privileges exist" (2BP01), unless CASCADE takes those grants back too
// (dependentGrants).

// grantPrivs are the privileges each kind of object takes; ALL is all of them.
var grantPrivs = map[string][]string{
	objRelation: {privSelect, privInsert, privUpdate, privDelete, privDrop, privReferences, privAlter, privTruncate},
	objSchema:   {privCreate, privUsage, privAlter, privDrop},
	objDatabase: {privCreate, privTemp},
}

// kindNoun is how PostgreSQL names a kind of object in its messages.
var kindNoun = map[string]string{objRelation: "table", objSchema: "schema", objDatabase: "database"}

type grantStmt struct {
	revoke      bool
	grantOption bool // WITH GRANT OPTION, or REVOKE GRANT OPTION FOR
	privs       []string
	all         bool
	kind        string
	allTables   bool        // ON ALL TABLES IN SCHEMA: objects are schemas
	objects     [][2]string // schema (relations only) and name, as written
	grantees    []grantee
	// cascade: REVOKE ... CASCADE takes back the grants that rest on the grant option taken
	// back too; without it (RESTRICT, the default) such grants make the REVOKE fail.
	cascade bool
}

type grantee struct {
	kind string // "user", "group" or "public"
	name string
}

// grant reads GRANT or REVOKE; the statement runs locally.
func (r *rewriter) grant() (translation, *sql.Error) {
	g := &grantStmt{revoke: r.tok(0).Is("revoke"), kind: objRelation}
	i := 1
	if g.revoke && r.tok(i).Is("grant") && r.tok(i+1).Is("option") && r.tok(i+2).Is("for") {
		g.grantOption = true
		i += 3
	}
	for {
		t := r.tok(i)
		switch {
		case t.Is("all"):
			g.all = true
			i++
			if r.tok(i).Is("privileges") {
				i++
			}
		case t.Kind == sql.TokIdent:
			p := strings.ToUpper(t.Value)
			if p == "TEMPORARY" {
				p = privTemp
			}
			g.privs = append(g.privs, p)
			i++
		default:
			return translation{}, r.syntaxError(i)
		}
		if r.tok(i).IsPunct("(") {
			return translation{}, notSupported("Column-level privileges")
		}
		if !r.tok(i).IsPunct(",") {
			break
		}
		i++
	}
	if !r.tok(i).Is("on") {
		if r.tok(i).Is("to") || r.tok(i).Is("from") {
			return translation{}, notSupported("Role-based access control (GRANT ROLE)")
		}
		return translation{}, r.syntaxError(i)
	}
	i++
	switch t := r.tok(i); {
	case t.Is("schema"):
		g.kind = objSchema
		i++
	case t.Is("database"):
		g.kind = objDatabase
		i++
	case t.Is("all") && r.tok(i+1).Is("tables") && r.tok(i+2).Is("in") && r.tok(i+3).Is("schema"):
		g.allTables = true
		i += 4
	case t.Is("table"):
		i++
	case t.Is("function") || t.Is("procedure") || t.Is("language") || t.Is("all") || t.Is("model") ||
		t.Is("external") || t.Is("column") || t.Is("role") || t.Is("template") || t.Is("copy"):
		return translation{}, notSupported("GRANT and REVOKE ON " + strings.ToUpper(t.Value))
	}
	for {
		if g.kind == objRelation && !g.allTables {
			s, n, k := r.qualifiedName(i)
			if k == 0 {
				return translation{}, r.syntaxError(i)
			}
			g.objects = append(g.objects, [2]string{s, n})
			i += k
		} else {
			t := r.tok(i)
			if t.Kind != sql.TokIdent && t.Kind != sql.TokQuotedIdent {
				return translation{}, r.syntaxError(i)
			}
			g.objects = append(g.objects, [2]string{"", t.Value})
			i++
		}
		if !r.tok(i).IsPunct(",") {
			break
		}
		i++
	}
	if g.revoke && !r.tok(i).Is("from") || !g.revoke && !r.tok(i).Is("to") {
		return translation{}, r.syntaxError(i)
	}
	i++
	for {
		t := r.tok(i)
		switch {
		case t.Is("group"):
			n := r.tok(i + 1)
			if n.Kind != sql.TokIdent && n.Kind != sql.TokQuotedIdent {
				return translation{}, r.syntaxError(i + 1)
			}
			g.grantees = append(g.grantees, grantee{"group", n.Value})
			i += 2
		case t.Is("role"):
			return translation{}, notSupported("Role-based access control (GRANT ... TO ROLE)")
		case t.Is("public"):
			g.grantees = append(g.grantees, grantee{"public", ""})
			i++
		case t.Kind == sql.TokIdent || t.Kind == sql.TokQuotedIdent:
			g.grantees = append(g.grantees, grantee{"user", t.Value})
			i++
		default:
			return translation{}, r.syntaxError(i)
		}
		if !r.tok(i).IsPunct(",") {
			break
		}
		i++
	}
	switch {
	case !g.revoke && r.tok(i).Is("with") && r.tok(i+1).Is("grant") && r.tok(i+2).Is("option"):
		g.grantOption = true
		i += 3
	case g.revoke && r.tok(i).Is("cascade"):
		g.cascade = true
		i++
	case g.revoke && r.tok(i).Is("restrict"):
		i++
	}
	if i != len(r.toks) {
		return translation{}, r.syntaxError(i)
	}

	valid := grantPrivs[g.kind]
	if g.allTables {
		valid = grantPrivs[objRelation]
	}
	if g.all {
		g.privs = valid
	}
	for _, p := range g.privs {
		if !slices.Contains(valid, p) {
			noun := kindNoun[g.kind]
			if g.allTables {
				noun = "table"
			}
			return translation{}, sql.Errorf(codeInvalidGrantOperation, "invalid privilege type %s for %s", p, noun)
		}
	}
	if g.grantOption && !g.revoke {
		for _, e := range g.grantees {
			if e.kind != "user" {
				return translation{}, sql.Errorf(codeInvalidGrantOperation, "grant options can only be granted to individual users")
			}
		}
	}
	tag := "GRANT"
	if g.revoke {
		tag = "REVOKE"
	}
	return translation{local: g.run, tag: tag}, nil
}

// codeInvalidGrantOperation is PostgreSQL's SQLSTATE for a privilege an object cannot have.
const codeInvalidGrantOperation = "0LP01"

// grantObject is one object of a GRANT, as the catalog keys it.
type grantObject struct {
	kind, schema, name string
	display            string // how messages name it
}

// run carries the statement out. Callers hold c.mu, in a transaction.
func (g *grantStmt) run(ctx context.Context, c *Conn) *sql.Error {
	objects, err := g.resolveObjects(ctx, c)
	if err != nil {
		return err
	}
	var grantees []grantHolder
	for _, e := range g.grantees {
		switch e.kind {
		case "public":
			grantees = append(grantees, grantHolder{"public", 0})
		case "user", "group":
			q := "SELECT usesysid FROM pg_user WHERE usename = " + quote(e.name)
			if e.kind == "group" {
				q = "SELECT grosysid FROM pg_group WHERE groname = " + quote(e.name)
			}
			var rows [][]any
			if c.e.src != nil {
				if rows, err = c.rawQuery(ctx, q); err != nil {
					return err
				}
			}
			if len(rows) == 0 {
				return sql.Errorf(sql.CodeUndefinedObject, `%s "%s" does not exist`, e.kind, e.name)
			}
			id, _ := asInt64(rows[0][0])
			grantees = append(grantees, grantHolder{e.kind, int(id)})
		}
	}
	uid := strconv.Itoa(int(c.id.UserID))
	for _, o := range objects {
		if c.id.Superuser {
			break
		}
		for _, p := range g.privs {
			ok, err := c.rawBool(ctx, fmt.Sprintf("SELECT %s.can_grant(%s, %s, %s, %s, %s)", catalogSchema, uid,
				quote(o.kind), quote(o.schema), quote(o.name), quote(p)))
			if err != nil {
				return err
			}
			if !ok {
				what := o.kind
				if what == objDatabase {
					return sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for database %s", o.display)
				}
				return sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for %s %s", what, o.display)
			}
		}
	}
	for _, o := range objects {
		for _, e := range grantees {
			for _, p := range g.privs {
				// whereOf picks the grant of p on o to h.
				whereOf := func(h grantHolder) string {
					return fmt.Sprintf(" WHERE kind = %s AND schema_name = %s AND name = %s AND grantee_kind = %s AND grantee = %d AND privilege = %s",
						quote(o.kind), quote(o.schema), quote(o.name), quote(h.kind), h.id, quote(p))
				}
				where := whereOf(e)
				var stmts []string
				if g.revoke && e.kind == "user" {
					deps, err := dependentGrants(ctx, c, o, p, e.id)
					if err != nil {
						return err
					}
					if len(deps) > 0 && !g.cascade {
						return &sql.Error{Code: codeDependentObjectsStillExist, Message: "dependent privileges exist",
							Hint: "Use CASCADE to revoke them too."}
					}
					for _, d := range deps {
						stmts = append(stmts, "DELETE FROM "+catalogSchema+".grants"+whereOf(d))
					}
				}
				switch {
				case g.revoke && g.grantOption:
					stmts = append(stmts, "UPDATE "+catalogSchema+".grants SET grantable = false"+where)
				case g.revoke:
					stmts = append(stmts, "DELETE FROM "+catalogSchema+".grants"+where)
				default:
					stmts = []string{
						fmt.Sprintf("INSERT INTO %s.grants SELECT %s, %s, %s, %s, %d, %s, %t OR EXISTS (SELECT 1 FROM %s.grants%s AND grantable), %s",
							catalogSchema, quote(o.kind), quote(o.schema), quote(o.name), quote(e.kind), e.id, quote(p), g.grantOption,
							catalogSchema, where, uid),
						// The older row of the same grant (the one just made is the last).
						"DELETE FROM " + catalogSchema + ".grants" + where + " AND rowid < (SELECT max(rowid) FROM " + catalogSchema + ".grants" + where + ")",
					}
				}
				for _, q := range stmts {
					if err := c.rawExec(ctx, q); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// grantHolder is who holds a grant: a user, a group or PUBLIC (0).
type grantHolder struct {
	kind string
	id   int
}

// dependentGrants are the grants of privilege p on o that rest on user id's grant option,
// which a REVOKE from id takes away: those id made (but as the object's owner), and those
// their grantees made with the option in turn. A grant is kept as made by the last who
// granted it, so a grantee given the privilege by two users depends on the later one only.
// Callers hold c.mu.
func dependentGrants(ctx context.Context, c *Conn, o grantObject, p string, id int) ([]grantHolder, *sql.Error) {
	object := fmt.Sprintf("kind = %s AND schema_name = %s AND name = %s AND privilege = %s",
		quote(o.kind), quote(o.schema), quote(o.name), quote(p))
	var out []grantHolder
	seen := map[int]bool{id: true}
	for queue := []int{id}; len(queue) > 0; queue = queue[1:] {
		grantor := queue[0]
		rows, err := c.rawQuery(ctx, fmt.Sprintf(`SELECT grantee_kind, grantee FROM %[1]s.grants WHERE %[2]s AND grantor = %[3]d
			AND NOT (grantee_kind = 'user' AND grantee = %[3]d)
			AND %[1]s.owner_of(%[4]s, %[5]s, %[6]s) <> %[3]d
			AND EXISTS (SELECT 1 FROM %[1]s.grants h WHERE %[2]s AND h.grantee_kind = 'user' AND h.grantee = %[3]d AND h.grantable)
			ORDER BY grantee_kind, grantee`,
			catalogSchema, object, grantor, quote(o.kind), quote(o.schema), quote(o.name)))
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			kind, _ := row[0].(string)
			n, _ := asInt64(row[1])
			h := grantHolder{kind, int(n)}
			if kind == "user" {
				if seen[h.id] {
					continue
				}
				seen[h.id] = true
				queue = append(queue, h.id)
			}
			out = append(out, h)
		}
	}
	return out, nil
}

// resolveObjects finds the objects the statement names. Callers hold c.mu.
func (g *grantStmt) resolveObjects(ctx context.Context, c *Conn) ([]grantObject, *sql.Error) {
	var out []grantObject
	for _, o := range g.objects {
		switch {
		case g.kind == objDatabase:
			if o[1] != c.id.Database {
				return nil, sql.Errorf(sql.CodeInvalidCatalogName, `database "%s" does not exist`, o[1])
			}
			out = append(out, grantObject{kind: objDatabase, display: o[1]})
		case g.kind == objSchema || g.allTables:
			ok, err := c.rawBool(ctx, "SELECT count(*) > 0 FROM duckdb_schemas() WHERE database_name NOT IN ('system', 'temp') AND schema_name = "+quote(o[1]))
			if err != nil {
				return nil, err
			}
			if !ok || o[1] == catalogSchema || o[1] == "main" {
				return nil, sql.Errorf(sql.CodeInvalidSchemaName, `schema "%s" does not exist`, o[1])
			}
			if !g.allTables {
				out = append(out, grantObject{kind: objSchema, schema: o[1], display: o[1]})
				continue
			}
			rows, err := c.rawQuery(ctx, "SELECT schema_key, name FROM "+catalogSchema+".rel WHERE NOT temporary AND schema_name = "+
				quote(o[1])+" ORDER BY name")
			if err != nil {
				return nil, err
			}
			for _, row := range rows {
				s, _ := row[0].(string)
				n, _ := row[1].(string)
				out = append(out, grantObject{kind: objRelation, schema: s, name: n, display: n})
			}
		default:
			res, err := c.resolve(ctx, o[0], o[1])
			if err != nil {
				return nil, err
			}
			if res == nil {
				return nil, sql.Errorf(sql.CodeUndefinedTable, `relation "%s" does not exist`, strings.ToLower(o[1]))
			}
			out = append(out, grantObject{kind: objRelation, schema: res.schema, name: res.name, display: res.name})
		}
	}
	return out, nil
}
