package sql

// Datashare statements (the Redshift Database Developer Guide's CREATE DATASHARE, ALTER
// DATASHARE, DROP DATASHARE, and GRANT / REVOKE USAGE ON DATASHARE):
//
//	CREATE DATASHARE name [ [SET] PUBLICACCESSIBLE [=] {TRUE|FALSE} ]
//	ALTER DATASHARE name {ADD|REMOVE} {SCHEMA s | TABLE t [, ...] | ALL TABLES IN SCHEMA s [, ...]}
//	ALTER DATASHARE name SET PUBLICACCESSIBLE [=] {TRUE|FALSE}
//	ALTER DATASHARE name SET INCLUDENEW [=] {TRUE|FALSE} FOR SCHEMA s
//	DROP DATASHARE name
//	GRANT USAGE ON DATASHARE name TO {ACCOUNT 'id' | NAMESPACE 'guid'}
//	REVOKE USAGE ON DATASHARE name FROM {ACCOUNT 'id' | NAMESPACE 'guid'}

// CreateDatashare is CREATE DATASHARE.
type CreateDatashare struct {
	Name             string
	PublicAccessible *bool
}

// AlterDatashare is ALTER DATASHARE: an ADD or REMOVE of objects, or a SET.
type AlterDatashare struct {
	Name string
	// Add is true for ADD, false for REMOVE (when Objects is set).
	Add bool
	// ObjectKind is "SCHEMA", "TABLE" or "ALL TABLES IN SCHEMA".
	ObjectKind string
	Objects    []string
	// Set is the property a SET changes ("PUBLICACCESSIBLE", "INCLUDENEW"), with SetValue.
	Set      string
	SetValue bool
}

// DropDatashare is DROP DATASHARE.
type DropDatashare struct{ Name string }

// GrantDatashare is GRANT USAGE ON DATASHARE ... TO, or REVOKE ... FROM when Revoke.
type GrantDatashare struct {
	Name   string
	Revoke bool
	// Account is the consumer account id, or Namespace the consumer namespace guid.
	Account, Namespace string
}

func (*CreateDatashare) statementNode() {}
func (*AlterDatashare) statementNode()  {}
func (*DropDatashare) statementNode()   {}
func (*GrantDatashare) statementNode()  {}

// isDatashare reports whether the statement at p is one of the datashare statements.
func (p *parser) isDatashare() bool {
	t := p.peek()
	switch {
	case t.Is("create") || t.Is("alter") || t.Is("drop"):
		return p.peekAt(1).Is("datashare")
	case t.Is("grant") || t.Is("revoke"):
		return p.peekAt(1).Is("usage") && p.peekAt(2).Is("on") && p.peekAt(3).Is("datashare")
	}
	return false
}

func (p *parser) datashare() (Statement, error) {
	verb := p.next()
	switch {
	case verb.Is("grant") || verb.Is("revoke"):
		p.next() // USAGE
		p.next() // ON
		p.next() // DATASHARE
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		g := &GrantDatashare{Name: name, Revoke: verb.Is("revoke")}
		word := "to"
		if g.Revoke {
			word = "from"
		}
		if err := p.expect(word); err != nil {
			return nil, err
		}
		switch p.optional("account", "namespace") {
		case "account":
			g.Account, err = p.str()
		case "namespace":
			g.Namespace, err = p.str()
		default:
			return nil, p.errAt(p.peek())
		}
		return g, err
	}
	p.next() // DATASHARE
	name, err := p.ident()
	if err != nil {
		return nil, err
	}
	switch {
	case verb.Is("drop"):
		return &DropDatashare{Name: name}, nil
	case verb.Is("create"):
		c := &CreateDatashare{Name: name}
		if p.peek().Kind == TokEOF {
			return c, nil
		}
		p.optional("set")
		if err := p.expect("publicaccessible"); err != nil {
			return nil, err
		}
		v, err := p.boolValue()
		c.PublicAccessible = &v
		return c, err
	}
	a := &AlterDatashare{Name: name}
	switch p.optional("add", "remove", "set") {
	case "set":
		switch p.optional("publicaccessible", "includenew") {
		case "publicaccessible":
			a.Set = "PUBLICACCESSIBLE"
		case "includenew":
			a.Set = "INCLUDENEW"
		default:
			return nil, p.errAt(p.peek())
		}
		if a.SetValue, err = p.boolValue(); err != nil || a.Set != "INCLUDENEW" {
			return a, err
		}
		// INCLUDENEW names its schema: FOR SCHEMA s.
		for _, w := range []string{"for", "schema"} {
			if err := p.expect(w); err != nil {
				return nil, err
			}
		}
		s, err := p.ident()
		a.Objects = []string{s}
		return a, err
	case "add":
		a.Add = true
	case "remove":
	default:
		return nil, p.errAt(p.peek())
	}
	switch p.optional("schema", "table", "all") {
	case "schema":
		a.ObjectKind = "SCHEMA"
	case "table":
		a.ObjectKind = "TABLE"
	case "all":
		for _, w := range []string{"tables", "in", "schema"} {
			if err := p.expect(w); err != nil {
				return nil, err
			}
		}
		a.ObjectKind = "ALL TABLES IN SCHEMA"
	default:
		return nil, p.errAt(p.peek())
	}
	// A table may be written with its schema; a schema is one name.
	read := p.ident
	if a.ObjectKind == "TABLE" {
		read = p.qualified
	}
	for {
		n, err := read()
		if err != nil {
			return nil, err
		}
		a.Objects = append(a.Objects, n)
		if !p.peek().IsPunct(",") {
			return a, nil
		}
		p.next()
	}
}

// qualified reads a possibly schema-qualified name (s or s.t).
func (p *parser) qualified() (string, error) {
	n, err := p.ident()
	if err != nil {
		return "", err
	}
	for p.peek().IsPunct(".") {
		p.next()
		m, err := p.ident()
		if err != nil {
			return "", err
		}
		n += "." + m
	}
	return n, nil
}

// boolValue reads [=] TRUE|FALSE (also ON/OFF).
func (p *parser) boolValue() (bool, error) {
	if p.peek().IsPunct("=") {
		p.next()
	}
	switch p.optional("true", "false", "on", "off") {
	case "true", "on":
		return true, nil
	case "false", "off":
		return false, nil
	}
	return false, p.errAt(p.peek())
}
