package duckdb

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/fakeshift/fakeshift/sql"
)

// Stmt is a prepared statement. It implements sql.Stmt.
type Stmt struct {
	c     *Conn
	query string      // the statement DuckDB runs: the client's, translated (dialect.go)
	tr    translation // the translation, with what runs after it
	ps    mapping.PreparedStatement
	kind  mapping.StatementType
	words []string // the statement's first keywords, upper case, for its command tag

	params    []uint32
	ptypes    []mapping.Type // DuckDB's parameter types; TypeInvalid when it cannot tell
	columns   []sql.Column
	types     []*colType // the described column types, parallel to columns
	rowsOut   bool       // the statement returns rows to the client
	closed    bool
	described bool // columns came from a rewritten statement (untyped parameters)
}

// Params reports each parameter's type OID.
func (s *Stmt) Params() []uint32 { return s.params }

// changesPrivileges reports whether running the statement may change what a privilege check
// answers: anything but a query or a plain INSERT, UPDATE or DELETE that DuckDB runs without
// fakeshift's catalog bookkeeping.
func (s *Stmt) changesPrivileges() bool {
	if s.tr.local != nil || len(s.tr.after) > 0 || s.tr.schemaDDL || s.tr.makesView {
		return true
	}
	switch s.kind {
	case mapping.StatementTypeSelect, mapping.StatementTypeInsert, mapping.StatementTypeUpdate,
		mapping.StatementTypeDelete:
		return false
	}
	return true
}

// Columns describes the result rows.
func (s *Stmt) Columns() []sql.Column { return s.columns }

// describe fills params and columns from the prepared statement. Callers hold c.mu.
func (s *Stmt) describe() {
	n := int(mapping.NParams(s.ps))
	s.params = make([]uint32, n)
	s.ptypes = make([]mapping.Type, n)
	untyped := false
	for i := range n {
		t := mapping.ParamType(s.ps, mapping.IdxT(i+1))
		s.ptypes[i] = t
		if t == mapping.TypeInvalid {
			untyped = true
			s.params[i] = pgtype.TextOID
			continue
		}
		s.params[i] = paramOID(t)
	}

	s.rowsOut = returnsRows(s.kind, s.words, s.query)
	if !s.rowsOut {
		return
	}
	names, types := preparedColumns(s.ps)
	switch s.kind {
	case mapping.StatementTypePragma, mapping.StatementTypeCall, mapping.StatementTypeExecute:
		if statusOnly(names, types) {
			s.rowsOut = false
			return
		}
	}
	if untyped && unresolved(types) {
		// DuckDB knows a result's shape only once every parameter has a type. The client is
		// told the untyped ones are text, so describe the statement with them cast to text.
		names, types = s.describeUntyped()
	}
	s.columns = make([]sql.Column, len(types))
	s.types = types
	for i, t := range types {
		s.columns[i] = sql.Column{
			Name:    columnName(names[i], s.query),
			TypeOID: t.oid,
			Size:    t.size,
			TypeMod: t.mod,
		}
	}
}

func preparedColumns(ps mapping.PreparedStatement) ([]string, []*colType) {
	n := int(mapping.PreparedStatementColumnCount(ps))
	names := make([]string, n)
	types := make([]*colType, n)
	for i := range n {
		names[i] = mapping.PreparedStatementColumnName(ps, mapping.IdxT(i))
		lt := mapping.PreparedStatementColumnLogicalType(ps, mapping.IdxT(i))
		types[i] = newColType(lt)
		mapping.DestroyLogicalType(&lt)
	}
	return names, types
}

func unresolved(types []*colType) bool {
	for _, t := range types {
		if t.id == mapping.TypeInvalid {
			return true
		}
	}
	return false
}

// describeUntyped prepares, without running, the statement with its untyped parameters
// replaced: first by text-typed parameters (what the client will send), then, when DuckDB
// rejects that (an untyped parameter in arithmetic), by NULL, which takes any type.
func (s *Stmt) describeUntyped() ([]string, []*colType) {
	for _, repl := range []string{"CAST($%d AS VARCHAR)", "NULL"} {
		text := replaceParams(s.query, func(n int) (string, bool) {
			if n < 1 || n > len(s.ptypes) || s.ptypes[n-1] != mapping.TypeInvalid {
				return "", false
			}
			if repl == "NULL" {
				return repl, true
			}
			return fmt.Sprintf(repl, n), true
		})
		var ps mapping.PreparedStatement
		ok := mapping.Prepare(s.c.dc, text, &ps) != mapping.StateError
		if ok {
			names, types := preparedColumns(ps)
			mapping.DestroyPrepare(&ps)
			if !unresolved(types) {
				for i := range names {
					names[i] = unreplaceParams(names[i])
				}
				s.described = true
				return names, types
			}
			continue
		}
		mapping.DestroyPrepare(&ps)
	}
	// Nothing better: one text column, and the shape is checked again when it runs.
	return []string{"?column?"}, []*colType{{id: mapping.TypeVarchar, kind: kVarchar, oid: pgtype.TextOID, size: -1, mod: -1}}
}

// Query binds args, runs the statement and returns its rows. A statement that returns rows
// streams them; any other runs to completion here and its rows are empty.
func (s *Stmt) Query(ctx context.Context, args []any) (sql.Rows, error) {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(); err != nil {
		return nil, err
	}
	if s.closed {
		return nil, &sql.Error{Code: codeInvalidSQLStatementName, Message: "prepared statement is closed"}
	}
	if ctx.Err() != nil {
		return nil, canceled(ctx)
	}
	c.detach()
	if err := c.checkFailed(s.words); err != nil {
		return nil, err
	}
	// The privilege checks and local statements read system tables (pg_user, pg_group) in
	// this statement's context.
	c.setRunContext(ctx)
	if err := c.applyPath(ctx); err != nil {
		return nil, c.fail(err)
	}
	if err := c.checkNeeds(ctx, s.tr.needs); err != nil {
		return nil, c.fail(err)
	}
	var rows sql.Rows
	var err error
	switch {
	case s.tr.local != nil:
		rows, err = s.runLocal(ctx, args)
	case s.tr.skipIf != "" || len(s.tr.after) > 0:
		rows, err = s.runWithCatalog(ctx, args)
	default:
		rows, err = s.run(ctx, args)
	}
	if err == nil && s.tr.schemaDDL {
		c.schemaChanged()
	}
	if s.changesPrivileges() {
		c.privChanged() // failed too: a statement may fail after changing something
	}
	return rows, err
}

// runLocal runs a statement that fakeshift carries out itself, in one transaction (the
// session's, or one of its own). Callers hold c.mu.
func (s *Stmt) runLocal(ctx context.Context, args []any) (sql.Rows, error) {
	c := s.c
	if len(args) != 0 {
		return nil, c.fail(&sql.Error{Code: codeProtocolViolation, Message: fmt.Sprintf(
			"bind message supplies %d parameters, but prepared statement requires 0", len(args))})
	}
	err := c.inOwnTx(ctx, func() error {
		if err := s.tr.local(ctx, c); err != nil {
			return c.fail(err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Rows{c: c, s: s, ctx: ctx, done: true, tag: s.tr.tag}, nil
}

// runWithCatalog runs a statement that has catalog bookkeeping after it, in one transaction
// (the session's, or one of its own). Callers hold c.mu.
func (s *Stmt) runWithCatalog(ctx context.Context, args []any) (sql.Rows, error) {
	c := s.c
	if s.tr.skipIf != "" {
		found, err := c.rawQuery(ctx, s.tr.skipIf)
		if err != nil {
			return nil, c.fail(err)
		}
		if len(found) > 0 {
			return &Rows{c: c, s: s, ctx: ctx, done: true, tag: s.commandTag(0, false)}, nil
		}
	}
	var rows sql.Rows
	err := c.inOwnTx(ctx, func() error {
		var err error
		if rows, err = s.run(ctx, args); err != nil {
			return err
		}
		for _, q := range s.tr.after {
			if err := c.rawExec(ctx, q); err != nil {
				return c.fail(err)
			}
		}
		return nil
	})
	if err != nil {
		if rows != nil {
			rows.(*Rows).release()
		}
		return nil, err
	}
	return rows, nil
}

// inOwnTx runs fn in the session's transaction, or else in one of its own, committed when
// fn succeeds and rolled back when it fails: a statement and what fakeshift runs with it
// (catalog bookkeeping) take effect together or not at all. fn records its errors against
// the session (c.fail); inOwnTx those of BEGIN and COMMIT. Callers hold c.mu.
func (c *Conn) inOwnTx(ctx context.Context, fn func() error) error {
	if c.inTx {
		return fn()
	}
	if err := c.rawExec(ctx, "BEGIN TRANSACTION"); err != nil {
		return c.fail(err)
	}
	err := fn()
	end := "COMMIT"
	if err != nil {
		end = "ROLLBACK"
	}
	if cerr := c.rawExec(ctx, end); cerr != nil && err == nil {
		return c.fail(cerr)
	}
	return err
}

// commandTag is the statement's tag after n rows (counted: n is an affected-row count).
func (s *Stmt) commandTag(n int64, counted bool) string {
	if s.tr.tag != "" {
		return s.tr.tag
	}
	return commandTag(s.kind, s.words, n, counted)
}

// run binds args and runs the statement; Query has set the run context. Callers hold c.mu.
func (s *Stmt) run(ctx context.Context, args []any) (sql.Rows, error) {
	c := s.c
	if err := s.bind(args); err != nil {
		return nil, c.fail(err)
	}

	stop := c.watch(ctx)
	start := startMaterialized
	if s.rowsOut {
		start = startStreaming
	}
	var pending mapping.PendingResult
	if start(s.ps, &pending) == mapping.StateError {
		msg := mapping.PendingError(pending)
		mapping.DestroyPending(&pending)
		if stop != nil {
			stop()
		}
		return nil, c.fail(mapError(ctx, s.query, 0, false, msg, s.kind))
	}
	r := &Rows{c: c, s: s, ctx: ctx, stop: stop}
	state := mapping.ExecutePending(pending, &r.res)
	mapping.DestroyPending(&pending)
	if state == mapping.StateError {
		err := mapError(ctx, s.query, mapping.ResultErrorType(&r.res), true, mapping.ResultError(&r.res), s.kind)
		mapping.DestroyResult(&r.res)
		if stop != nil {
			stop()
		}
		return nil, c.fail(err)
	}
	r.hasRes = true

	if !s.rowsOut {
		n, counted := r.count()
		r.release()
		r.tag = s.commandTag(n, counted)
		r.done = true
		if s.kind == mapping.StatementTypeTransaction && len(s.words) > 0 {
			c.transition(s.words[0])
		}
		return r, nil
	}
	if err := r.setup(); err != nil {
		r.release()
		return nil, err
	}
	c.open[r] = struct{}{}
	c.active = r
	return r, nil
}

// bind binds args to the statement's parameters. Callers hold c.mu.
func (s *Stmt) bind(args []any) *sql.Error {
	if len(args) != len(s.params) {
		return &sql.Error{Code: codeProtocolViolation, Message: fmt.Sprintf(
			"bind message supplies %d parameters, but prepared statement requires %d", len(args), len(s.params))}
	}
	for i, a := range args {
		idx := mapping.IdxT(i + 1)
		var st mapping.State
		switch v := a.(type) {
		case nil:
			st = mapping.BindNull(s.ps, idx)
		case string:
			st = mapping.BindVarcharLength(s.ps, idx, v, mapping.IdxT(len(v)))
		case int64:
			st = mapping.BindInt64(s.ps, idx, v)
		case int:
			st = mapping.BindInt64(s.ps, idx, int64(v))
		case int32:
			st = mapping.BindInt32(s.ps, idx, v)
		case int16:
			st = mapping.BindInt16(s.ps, idx, v)
		case float64:
			st = mapping.BindDouble(s.ps, idx, v)
		case float32:
			st = mapping.BindFloat(s.ps, idx, v)
		case bool:
			st = mapping.BindBoolean(s.ps, idx, v)
		case []byte:
			st = mapping.BindBlob(s.ps, idx, v)
		case time.Time:
			st = bindTime(s.ps, idx, s.ptypes[i], v)
		case fmt.Stringer: // numeric, interval, ... in their text form
			str := v.String()
			st = mapping.BindVarcharLength(s.ps, idx, str, mapping.IdxT(len(str)))
		default:
			return &sql.Error{Code: sql.CodeDatatypeMismatch, Message: fmt.Sprintf("parameter $%d: unsupported value of type %T", i+1, a)}
		}
		if st == mapping.StateError {
			return &sql.Error{Code: sql.CodeInvalidParameterValue, Message: fmt.Sprintf("could not bind parameter $%d", i+1)}
		}
	}
	return nil
}

func bindTime(ps mapping.PreparedStatement, idx mapping.IdxT, t mapping.Type, v time.Time) mapping.State {
	switch t {
	case mapping.TypeDate:
		y, m, d := v.Date()
		days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		return mapping.BindDate(ps, idx, mapping.NewDate(int32(days)))
	case mapping.TypeTime:
		h, mi, sec := v.Clock()
		micros := (int64(h)*3600+int64(mi)*60+int64(sec))*1_000_000 + int64(v.Nanosecond()/1000)
		return mapping.BindTime(ps, idx, mapping.NewTime(micros))
	case mapping.TypeTimestampTZ:
		return mapping.BindTimestampTZ(ps, idx, mapping.NewTimestamp(v.UnixMicro()))
	default: // a timestamp without time zone holds the wall clock
		wall := time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC)
		return mapping.BindTimestamp(ps, idx, mapping.NewTimestamp(wall.UnixMicro()))
	}
}

// Close destroys the prepared statement. Its open rows stay readable.
func (s *Stmt) Close() error {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if s.closed {
		return nil
	}
	s.destroy()
	if s.c.stmts != nil {
		delete(s.c.stmts, s)
	}
	return nil
}

// destroy releases the DuckDB statement. Callers hold c.mu.
func (s *Stmt) destroy() {
	if !s.closed {
		s.closed = true
		if s.tr.local == nil {
			mapping.DestroyPrepare(&s.ps)
		}
	}
}
