package pgwire

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgproto3"
)

func (c *conn) parse(m *pgproto3.Parse) error {
	if old, ok := c.stmts[m.Name]; ok {
		if m.Name != "" {
			return &Error{Code: "42P05", Message: fmt.Sprintf("prepared statement %q already exists", m.Name)}
		}
		c.closeStatement(old)
	}
	p := &prepared{name: m.Name, query: m.Query}
	parts := c.sess.Split(m.Query)
	switch {
	case len(parts) > 1:
		return &Error{Code: "42601", Message: "cannot insert multiple commands into a prepared statement"}
	case len(parts) == 1:
		oids := append([]uint32(nil), m.ParameterOIDs...)
		err := c.run(func(ctx context.Context) error {
			st, err := c.sess.Prepare(ctx, m.Query, oids)
			if err != nil {
				return err
			}
			p.stmt, p.cols, p.oids = st, st.Columns(), st.ParamOIDs()
			return nil
		})
		if err != nil {
			return err
		}
	}
	c.stmts[m.Name] = p
	c.be.Send(&pgproto3.ParseComplete{})
	return nil
}

func (c *conn) bind(m *pgproto3.Bind) error {
	p, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return &Error{Code: "26000", Message: fmt.Sprintf("prepared statement %q does not exist", m.PreparedStatement)}
	}
	if len(m.Parameters) != len(p.oids) {
		return &Error{Code: "08P01", Message: fmt.Sprintf("bind message supplies %d parameters, but prepared statement %q requires %d",
			len(m.Parameters), m.PreparedStatement, len(p.oids))}
	}
	pf, err := expandFormats(m.ParameterFormatCodes, len(m.Parameters), "parameter")
	if err != nil {
		return err
	}
	params := make([]any, len(m.Parameters))
	for i, raw := range m.Parameters {
		if params[i], err = c.codec.decodeParam(p.oids[i], pf[i], raw); err != nil {
			return err
		}
	}
	rf, err := expandFormats(m.ResultFormatCodes, len(p.cols), "result")
	if err != nil {
		return err
	}
	if old, ok := c.portals[m.DestinationPortal]; ok {
		if m.DestinationPortal != "" {
			return &Error{Code: "42P03", Message: fmt.Sprintf("cursor %q already exists", m.DestinationPortal)}
		}
		closePortal(old)
	}
	c.portals[m.DestinationPortal] = &portal{stmt: p, params: params, formats: rf}
	c.be.Send(&pgproto3.BindComplete{})
	return nil
}

// expandFormats applies the protocol's rule: no codes means all text, one code applies to
// all, otherwise one code each.
func expandFormats(codes []int16, n int, what string) ([]int16, error) {
	out := make([]int16, n)
	switch len(codes) {
	case 0:
	case 1:
		for i := range out {
			out[i] = codes[0]
		}
	default:
		if len(codes) != n {
			return nil, &Error{Code: "08P01", Message: fmt.Sprintf("bind message has %d %s formats but %d %ss", len(codes), what, n, what)}
		}
		copy(out, codes)
	}
	for _, f := range out {
		if f != 0 && f != 1 {
			return nil, &Error{Code: "22023", Message: fmt.Sprintf("unsupported format code: %d", f)}
		}
	}
	return out, nil
}

func (c *conn) describe(m *pgproto3.Describe) error {
	switch m.ObjectType {
	case 'S':
		p, ok := c.stmts[m.Name]
		if !ok {
			return &Error{Code: "26000", Message: fmt.Sprintf("prepared statement %q does not exist", m.Name)}
		}
		c.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: p.oids})
		if len(p.cols) == 0 {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(p.cols, nil))
		}
	case 'P':
		pt, ok := c.portals[m.Name]
		if !ok {
			return &Error{Code: "34000", Message: fmt.Sprintf("portal %q does not exist", m.Name)}
		}
		if len(pt.stmt.cols) == 0 {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(pt.stmt.cols, pt.formats))
		}
	default:
		return &Error{Code: "08P01", Message: fmt.Sprintf("invalid DESCRIBE message subtype %d", m.ObjectType)}
	}
	return nil
}

func (c *conn) execute(m *pgproto3.Execute) error {
	pt, ok := c.portals[m.Portal]
	if !ok {
		return &Error{Code: "34000", Message: fmt.Sprintf("portal %q does not exist", m.Portal)}
	}
	if pt.stmt.stmt == nil {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if pt.done {
		// PostgreSQL answers a finished portal with its tag and no rows.
		c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(pt.tag)})
		return nil
	}
	maxRows := int32(m.MaxRows)
	if maxRows < 0 {
		maxRows = 0
	}
	return c.run(func(ctx context.Context) error {
		if pt.result == nil {
			res, err := pt.stmt.stmt.Execute(ctx, pt.params)
			if err != nil {
				pt.done = true
				return err
			}
			pt.result = res
		}
		done, err := c.sendRows(pt.result, pt.stmt.cols, pt.formats, maxRows)
		if done {
			pt.done = true
			if err == nil {
				pt.tag = pt.result.Tag()
			}
			pt.result = nil
		}
		return err
	})
}

func (c *conn) closeObject(m *pgproto3.Close) error {
	switch m.ObjectType {
	case 'S':
		if p, ok := c.stmts[m.Name]; ok {
			c.closeStatement(p)
		}
	case 'P':
		if pt, ok := c.portals[m.Name]; ok {
			closePortal(pt)
			delete(c.portals, m.Name)
		}
	default:
		return &Error{Code: "08P01", Message: fmt.Sprintf("invalid CLOSE message subtype %d", m.ObjectType)}
	}
	c.be.Send(&pgproto3.CloseComplete{})
	return nil
}

// closeStatement drops a prepared statement and the portals made from it.
func (c *conn) closeStatement(p *prepared) {
	for name, pt := range c.portals {
		if pt.stmt == p {
			closePortal(pt)
			delete(c.portals, name)
		}
	}
	if p.stmt != nil {
		p.stmt.Close()
	}
	delete(c.stmts, p.name)
}

func closePortal(pt *portal) {
	if pt.result != nil {
		pt.result.Close()
		pt.result = nil
	}
}

// closePortals drops every portal, as the end of a transaction does.
func (c *conn) closePortals() {
	for name, pt := range c.portals {
		closePortal(pt)
		delete(c.portals, name)
	}
}

func (c *conn) closeAll() {
	c.closePortals()
	for _, p := range c.stmts {
		c.closeStatement(p)
	}
}
