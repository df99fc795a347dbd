package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/fakeshift/fakeshift/pgwire"
	"github.com/fakeshift/fakeshift/sql"
)

type txState int

const (
	txIdle txState = iota
	txActive
	txFailed
)

// session is one logged-in connection. pgwire calls its methods from one goroutine.
type session struct {
	c          *Cluster
	info       *pgwire.ConnInfo
	userID     int32
	userName   string
	superuser  bool
	database   string
	pid        int32
	id         string // session_id, a UUID
	authMethod string
	start      time.Time

	conn     sql.Conn // the engine connection, opened on first use
	engineTx bool     // a transaction is open on conn

	tx        txState
	txCat     *catalog // the catalog as this transaction sees it, once it changed it
	txChanges []change

	settings *settings
}

func (c *Cluster) openSession(ctx context.Context, info *pgwire.ConnInfo, u *User, database, authMethod string) (*session, error) {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	if u.ConnLimit >= 0 && c.perUser[u.ID] >= u.ConnLimit {
		return nil, pgwire.Fatal("53300", fmt.Sprintf(`too many connections for user "%s"`, u.Name))
	}
	s := &session{
		c:          c,
		info:       info,
		userID:     u.ID,
		userName:   u.Name,
		superuser:  u.Super,
		database:   database,
		pid:        c.nextPID.Add(1),
		id:         uuid.NewString(),
		authMethod: authMethod,
		start:      info.Start,
	}
	s.settings = newSettings(info.Params, u)
	c.sessions[s.pid] = s
	c.perUser[u.ID]++
	return s, nil
}

// Parameters implements pgwire.Session: Redshift's startup ParameterStatus set, in its order.
func (s *session) Parameters() []pgwire.Param {
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	ps := []pgwire.Param{
		{Name: "application_name", Value: s.settings.get("application_name")},
		{Name: "case_sensitive", Value: "on"},
		{Name: "client_encoding", Value: s.settings.get("client_encoding")},
		{Name: "datestyle", Value: s.settings.get("datestyle")},
		{Name: "integer_datetimes", Value: "on"},
		{Name: "is_superuser", Value: onOff(s.superuser)},
		{Name: "server_encoding", Value: "UNICODE"},
		{Name: "server_version", Value: ServerVersion},
		{Name: "session_authorization", Value: s.userName},
		{Name: "TimeZone", Value: s.settings.get("timezone")},
		{Name: "timezone_abbreviations", Value: "Default"},
		{Name: "padb_version", Value: PadbVersion},
		{Name: "padb_revision", Value: PadbRevision},
		{Name: "max_numeric_precision", Value: "38"},
		{Name: "max_varchar_size", Value: "65535"},
		{Name: "datashare_enabled", Value: "off"},
		{Name: "session_id", Value: s.id},
	}
	if _, ok := s.info.Params["client_protocol_version"]; ok {
		// Base protocol: fakeshift's RowDescription has no Redshift extended metadata, and
		// Redshift drivers fall back to the base protocol when told 0.
		ps = append(ps, pgwire.Param{Name: "server_protocol_version", Value: "0"})
	}
	return ps
}

// PID implements pgwire.Session.
func (s *session) PID() int32 { return s.pid }

// Split implements pgwire.Session.
func (s *session) Split(query string) []string { return sql.Split(query) }

// TxStatus implements pgwire.Session.
func (s *session) TxStatus() pgwire.TxStatus {
	switch s.tx {
	case txActive:
		return pgwire.TxActive
	case txFailed:
		return pgwire.TxFailed
	}
	return pgwire.TxIdle
}

// Close implements pgwire.Session: an open transaction is rolled back.
func (s *session) Close(end pgwire.End) {
	if s.conn != nil {
		if s.engineTx {
			s.conn.Rollback(context.Background())
		}
		if err := s.conn.Close(); err != nil {
			s.c.log.Warn("close engine connection", "pid", s.pid, "err", err)
		}
	}
	s.c.sessMu.Lock()
	delete(s.c.sessions, s.pid)
	s.c.perUser[s.userID]--
	s.c.sessMu.Unlock()
	s.c.log.Debug("session ended", "pid", s.pid, "user", s.userName, "reason", end.Reason.String(),
		"duration", end.At.Sub(s.start))
}

var errInFailedTx = &sql.Error{Code: sql.CodeInFailedTransaction,
	Message: "current transaction is aborted, commands ignored until end of transaction block"}

// Prepare implements pgwire.Session.
func (s *session) Prepare(ctx context.Context, query string, paramOIDs []uint32) (pgwire.Statement, error) {
	parsed, err := sql.Parse(query)
	if err != nil {
		s.failTx()
		return nil, err
	}
	switch p := parsed.(type) {
	case *sql.Passthrough:
		if s.tx == txFailed {
			return nil, errInFailedTx
		}
		return s.prepareEngine(ctx, query, paramOIDs)
	case *sql.Commit, *sql.Rollback:
		st := s.local(nil, func(ctx context.Context) (pgwire.Result, error) { return s.endTx(ctx, p) })
		st.endsTx = true
		return st, nil
	case *sql.Begin:
		return s.local(nil, func(ctx context.Context) (pgwire.Result, error) { return s.begin(ctx) }), nil
	case *sql.Show:
		return s.prepareShow(p)
	case *sql.Set:
		return s.local(nil, func(ctx context.Context) (pgwire.Result, error) { return tagOnly("SET"), s.set(p) }), nil
	case *sql.Reset:
		return s.local(nil, func(ctx context.Context) (pgwire.Result, error) { return tagOnly("RESET"), s.reset(p) }), nil
	case *sql.Copy:
		return s.local(nil, func(ctx context.Context) (pgwire.Result, error) {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "COPY is not supported by fakeshift")
		}), nil
	case *sql.Unload:
		return s.local(nil, func(ctx context.Context) (pgwire.Result, error) {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "UNLOAD is not supported by fakeshift")
		}), nil
	default:
		return s.local(nil, func(ctx context.Context) (pgwire.Result, error) {
			tag, err := s.userDDL(ctx, parsed)
			return tagOnly(tag), err
		}), nil
	}
}

// failTx marks an open transaction failed after an error, as PostgreSQL does.
func (s *session) failTx() {
	if s.tx == txActive {
		s.tx = txFailed
	}
}

// local makes a statement that runs in the session rather than in the engine.
func (s *session) local(cols []pgwire.Column, run func(ctx context.Context) (pgwire.Result, error)) *localStmt {
	return &localStmt{s: s, cols: cols, run: run}
}

type localStmt struct {
	s      *session
	cols   []pgwire.Column
	run    func(ctx context.Context) (pgwire.Result, error)
	endsTx bool // COMMIT and ROLLBACK run in a failed transaction too
}

func (st *localStmt) ParamOIDs() []uint32      { return nil }
func (st *localStmt) Columns() []pgwire.Column { return st.cols }
func (st *localStmt) Close()                   {}

func (st *localStmt) Execute(ctx context.Context, params []any) (pgwire.Result, error) {
	if st.s.tx == txFailed && !st.endsTx {
		return nil, errInFailedTx
	}
	res, err := st.run(ctx)
	if err != nil {
		st.s.failTx()
		return nil, err
	}
	return res, nil
}

// rowsResult is a result held in memory (SHOW).
type rowsResult struct {
	rows [][]any
	i    int
	tag  string
}

func tagOnly(tag string) *rowsResult { return &rowsResult{tag: tag} }

func (r *rowsResult) Next(dest []any) error {
	if r.i >= len(r.rows) {
		return io.EOF
	}
	copy(dest, r.rows[r.i])
	r.i++
	return nil
}
func (r *rowsResult) Tag() string  { return r.tag }
func (r *rowsResult) Close() error { return nil }

// engineConn opens the session's engine connection on first use.
func (s *session) engineConn(ctx context.Context) (sql.Conn, error) {
	if s.conn != nil {
		return s.conn, nil
	}
	conn, err := s.c.engine.Connect(ctx, sql.Identity{User: s.userName, Database: s.database, PID: s.pid, Version: VersionString})
	if err != nil {
		return nil, fmt.Errorf("connect session %d to the SQL engine: %w", s.pid, err)
	}
	s.conn = conn
	if s.tx != txIdle {
		if err := conn.Begin(ctx); err != nil {
			return nil, err
		}
		s.engineTx = true
	}
	return conn, nil
}

func (s *session) begin(ctx context.Context) (pgwire.Result, error) {
	if s.tx != txIdle {
		s.info.Client.Notice(pgwire.Notice{Severity: "WARNING", Code: sql.CodeActiveSQLTransaction,
			Message: "there is already a transaction in progress"})
		return tagOnly("BEGIN"), nil
	}
	if s.conn != nil {
		if err := s.conn.Begin(ctx); err != nil {
			return nil, err
		}
		s.engineTx = true
	}
	s.tx = txActive
	return tagOnly("BEGIN"), nil
}

// endTx is COMMIT or ROLLBACK. COMMIT of a failed transaction rolls back and says ROLLBACK.
func (s *session) endTx(ctx context.Context, stmt sql.Statement) (pgwire.Result, error) {
	_, commit := stmt.(*sql.Commit)
	tag := "ROLLBACK"
	if commit {
		tag = "COMMIT"
	}
	if s.tx == txIdle {
		s.info.Client.Notice(pgwire.Notice{Severity: "WARNING", Code: sql.CodeNoActiveSQLTransaction,
			Message: "there is no transaction in progress"})
		return tagOnly(tag), nil
	}
	if s.tx == txFailed {
		commit, tag = false, "ROLLBACK"
	}
	changes := s.txChanges
	s.tx, s.txCat, s.txChanges = txIdle, nil, nil
	if s.engineTx {
		s.engineTx = false
		var err error
		if commit {
			err = s.conn.Commit(ctx)
		} else {
			err = s.conn.Rollback(ctx)
		}
		if err != nil {
			return nil, err
		}
	}
	if commit {
		if err := s.c.commit(changes); err != nil {
			return nil, err
		}
	}
	return tagOnly(tag), nil
}

func (s *session) prepareEngine(ctx context.Context, query string, paramOIDs []uint32) (pgwire.Statement, error) {
	conn, err := s.engineConn(ctx)
	if err != nil {
		return nil, err
	}
	st, err := conn.Prepare(ctx, query)
	if err != nil {
		s.failTx()
		return nil, err
	}
	cols := st.Columns()
	pc := make([]pgwire.Column, len(cols))
	for i, col := range cols {
		pc[i] = pgwire.Column{Name: col.Name, TypeOID: col.TypeOID, TypeSize: col.Size, TypeMod: col.TypeMod}
	}
	oids := st.Params()
	for i, o := range paramOIDs {
		if i < len(oids) && o != 0 {
			oids[i] = o
		}
	}
	return &engineStmt{s: s, st: st, cols: pc, oids: oids}, nil
}

// engineStmt is a statement the SQL engine runs.
type engineStmt struct {
	s    *session
	st   sql.Stmt
	cols []pgwire.Column
	oids []uint32
}

func (e *engineStmt) ParamOIDs() []uint32      { return e.oids }
func (e *engineStmt) Columns() []pgwire.Column { return e.cols }
func (e *engineStmt) Close()                   { e.st.Close() }

func (e *engineStmt) Execute(ctx context.Context, params []any) (pgwire.Result, error) {
	if e.s.tx == txFailed {
		return nil, errInFailedTx
	}
	ctx, cancel := e.s.statementContext(ctx)
	rows, err := e.st.Query(ctx, params)
	if err != nil {
		cancel()
		e.s.failTx()
		return nil, timeoutError(ctx, err)
	}
	return &engineResult{s: e.s, rows: rows, ctx: ctx, cancel: cancel}, nil
}

// statementContext applies statement_timeout.
func (s *session) statementContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ms := s.settings.statementTimeout; ms > 0 {
		return context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
	}
	return context.WithCancel(ctx)
}

func timeoutError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &sql.Error{Code: sql.CodeQueryCanceled, Message: "canceling statement due to statement timeout", Err: err}
	}
	return err
}

type engineResult struct {
	s      *session
	rows   sql.Rows
	ctx    context.Context
	cancel context.CancelFunc
}

func (r *engineResult) Next(dest []any) error {
	err := r.rows.Next(dest)
	if err != nil && !errors.Is(err, io.EOF) {
		r.s.failTx()
		return timeoutError(r.ctx, err)
	}
	return err
}

func (r *engineResult) Tag() string { return r.rows.Tag() }

func (r *engineResult) Close() error {
	defer r.cancel()
	return r.rows.Close()
}
