package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/logger"
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
	loginName  string // the name the client logged in with: the user's, or IAM:<user>
	iamGUID    string // iamauthguid of a login with IAM credentials

	conn     sql.Conn // the engine connection, opened on first use
	engineTx bool     // a transaction is open on conn

	tx        txState
	txCat     *catalog // the catalog as this transaction sees it, once it changed it
	txChanges []change
	txUsers   []pendingUserRecord // user log records of txChanges, written at COMMIT

	xid    int64 // the open transaction's id; 0 outside a transaction
	curXID int64 // the transaction id of the statement running now

	// ended is the completion of the last statement, until the session's next record
	// carries it to the write-ahead log (takeEnded).
	ended    [1]logger.Completion
	hasEnded bool

	settings *settings
}

func (c *Cluster) openSession(ctx context.Context, h *handshake, u *User, authMethod string) (*session, error) {
	info := h.info
	s := &session{
		c:          c,
		info:       info,
		userID:     u.ID,
		userName:   u.Name,
		superuser:  u.Super,
		database:   h.database,
		pid:        h.pid,
		id:         h.sessionID,
		authMethod: authMethod,
		start:      info.Start,
		loginName:  h.userName,
		iamGUID:    h.iamGUID,
	}
	s.settings = newSettings(info.Params, u)
	if c.spec.EchoAudit {
		s.settings.values[echoAuditParam] = "on"
	}
	c.sessMu.Lock()
	if u.ConnLimit >= 0 && c.perUser[u.ID] >= u.ConnLimit {
		c.sessMu.Unlock()
		return nil, pgwire.Fatal("53300", fmt.Sprintf(`too many connections for user "%s"`, u.Name))
	}
	c.sessions[s.pid] = s
	c.perUser[u.ID]++
	c.sessMu.Unlock()

	now := c.clock.Now()
	for _, event := range []string{logger.EventAuthenticated, logger.EventInitiating} {
		s.recordConnection(s.connectionRecord(event, now))
	}
	return s, nil
}

// echoing reports whether fakeshift.echo_audit is on for the session.
func (s *session) echoing() bool {
	switch s.settings.get(echoAuditParam) {
	case "on", "true", "1", "yes":
		return true
	}
	return false
}

// echo sends one audit line to the client as a NOTICE when the session asked for it.
func (s *session) echo(line []byte) {
	if s.echoing() {
		s.info.Client.Notice(pgwire.Notice{Severity: "NOTICE", Message: strings.TrimSuffix(string(line), "\n")})
	}
}

// recordConnection writes one of the session's connection records (and echoes it).
func (s *session) recordConnection(rec logger.Connection) {
	s.c.recordConnection(rec, s.takeEnded()...)
	if s.echoing() {
		s.echo(logger.AppendConnectionLine(nil, &rec))
	}
}

// connectionRecord is a connection record of this session.
func (s *session) connectionRecord(event string, at time.Time) logger.Connection {
	rec := connectionRecord(event, at, s.info, s.pid, s.database, s.loginName, s.authMethod, s.id)
	rec.IAMAuthGUID = s.iamGUID
	rec.ApplicationName = s.settings.get("application_name")
	return rec
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
	rec := s.connectionRecord(logger.EventDisconnecting, end.At)
	rec.Duration = end.At.Sub(s.start).Microseconds()
	s.c.recordConnection(rec, s.takeEnded()...) // not echoed: the client is gone
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
		return nil, s.recordFailed(query, err)
	}
	var run func(ctx context.Context) (pgwire.Result, error)
	switch p := parsed.(type) {
	case *sql.Passthrough:
		if s.tx == txFailed {
			return nil, s.recordFailed(query, errInFailedTx)
		}
		return s.prepareEngine(ctx, query, paramOIDs)
	case *sql.Commit, *sql.Rollback:
		st := s.local(nil, func(ctx context.Context) (pgwire.Result, error) { return s.endTx(ctx, p) })
		st.endsTx = true
		st.text = query
		return st, nil
	case *sql.Begin:
		st := s.local(nil, func(ctx context.Context) (pgwire.Result, error) { return s.begin(ctx) })
		st.startsTx = true
		st.text = query
		return st, nil
	case *sql.Show:
		st, err := s.prepareShow(p)
		if err != nil {
			return nil, s.recordFailed(query, err)
		}
		st.text = query
		return st, nil
	case *sql.Set:
		run = func(ctx context.Context) (pgwire.Result, error) { return tagOnly("SET"), s.set(p) }
	case *sql.Reset:
		run = func(ctx context.Context) (pgwire.Result, error) { return tagOnly("RESET"), s.reset(p) }
	case *sql.Copy:
		run = func(ctx context.Context) (pgwire.Result, error) {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "COPY is not supported by fakeshift")
		}
	case *sql.Unload:
		run = func(ctx context.Context) (pgwire.Result, error) {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "UNLOAD is not supported by fakeshift")
		}
	case *sql.CreateDatashare, *sql.AlterDatashare, *sql.DropDatashare, *sql.GrantDatashare:
		run = func(ctx context.Context) (pgwire.Result, error) {
			tag, err := s.datashare(ctx, parsed)
			return tagOnly(tag), err
		}
	default:
		run = func(ctx context.Context) (pgwire.Result, error) {
			tag, err := s.userDDL(ctx, parsed)
			return tagOnly(tag), err
		}
	}
	st := s.local(nil, run)
	st.text = query
	return st, nil
}

// recordFailed records a statement that failed before it could run, and returns err.
func (s *session) recordFailed(query string, err error) error {
	rec, rerr := s.record(query)
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	rec.done(0, err)
	return err
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
	s        *session
	text     string
	cols     []pgwire.Column
	run      func(ctx context.Context) (pgwire.Result, error)
	endsTx   bool // COMMIT and ROLLBACK run in a failed transaction too
	startsTx bool // BEGIN: its transaction id is the new transaction's
}

func (st *localStmt) ParamOIDs() []uint32      { return nil }
func (st *localStmt) Columns() []pgwire.Column { return st.cols }
func (st *localStmt) Close()                   {}

func (st *localStmt) Execute(ctx context.Context, params []any) (pgwire.Result, error) {
	s := st.s
	if st.startsTx && s.xid == 0 {
		xid, err := s.c.audit.NextXID()
		if err != nil {
			return nil, err
		}
		s.xid = xid
	}
	rec, err := s.record(st.text)
	if err != nil {
		return nil, err
	}
	if s.tx == txFailed && !st.endsTx {
		rec.done(0, errInFailedTx)
		return nil, errInFailedTx
	}
	res, err := st.run(ctx)
	rec.done(0, err)
	if err != nil {
		s.failTx()
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
	conn, err := s.c.engine.Connect(ctx, sql.Identity{User: s.userName, UserID: s.userID, Superuser: s.superuser,
		Database: s.database, PID: s.pid, Version: VersionString})
	if err != nil {
		return nil, fmt.Errorf("connect session %d to the SQL engine: %w", s.pid, err)
	}
	s.conn = conn
	if err := conn.SetSearchPath(sql.ParseSearchPath(s.settings.get("search_path"))); err != nil {
		return nil, err
	}
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
	changes, users, xid := s.txChanges, s.txUsers, s.xid
	s.tx, s.txCat, s.txChanges, s.txUsers, s.xid = txIdle, nil, nil, nil, 0
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
		if err := s.recordUserChanges(xid, users); err != nil {
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
		return nil, s.recordFailed(query, err)
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
	return &engineStmt{s: s, text: query, st: st, cols: pc, oids: oids}, nil
}

// engineStmt is a statement the SQL engine runs.
type engineStmt struct {
	s    *session
	text string
	st   sql.Stmt
	cols []pgwire.Column
	oids []uint32
}

func (e *engineStmt) ParamOIDs() []uint32      { return e.oids }
func (e *engineStmt) Columns() []pgwire.Column { return e.cols }
func (e *engineStmt) Close()                   { e.st.Close() }

func (e *engineStmt) Execute(ctx context.Context, params []any) (pgwire.Result, error) {
	rec, err := e.s.record(e.text)
	if err != nil {
		return nil, err
	}
	if e.s.tx == txFailed {
		rec.done(0, errInFailedTx)
		return nil, errInFailedTx
	}
	ctx, cancel := e.s.statementContext(ctx)
	rows, err := e.st.Query(ctx, params)
	if err != nil {
		cancel()
		e.s.failTx()
		err = timeoutError(ctx, err)
		rec.done(0, err)
		return nil, err
	}
	return &engineResult{s: e.s, rec: rec, rows: rows, ctx: ctx, cancel: cancel}, nil
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
	rec    *statementRecord
	rows   sql.Rows
	ctx    context.Context
	cancel context.CancelFunc
	n      int64 // rows returned
	err    error // the error that ended the rows, if any
}

func (r *engineResult) Next(dest []any) error {
	err := r.rows.Next(dest)
	switch {
	case err == nil:
		r.n++
	case !errors.Is(err, io.EOF):
		r.s.failTx()
		err = timeoutError(r.ctx, err)
		r.err = err
	}
	return err
}

func (r *engineResult) Tag() string { return r.rows.Tag() }

func (r *engineResult) Close() error {
	defer r.cancel()
	err := r.rows.Close()
	if r.err == nil {
		r.err = err
	}
	r.rec.done(r.n, r.err)
	return err
}
