package duckdb

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	bindings "github.com/duckdb/duckdb-go-bindings"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/fakeshift/fakeshift/sql"
)

// Conn is one session's DuckDB connection. It implements sql.Conn.
//
// Its methods, and those of its statements and rows, run on the session's goroutine; mu
// serialises them with Engine.Close, which may come from anywhere.
type Conn struct {
	e      *Engine
	id     sql.Identity
	connID uint64                 // DuckDB's id of dc, which the system tables' bind sees
	runCtx atomic.Pointer[ctxBox] // the running statement's context, for system table scans

	mu     sync.Mutex
	dc     mapping.Connection
	live   bool               // dc is connected (guarded by mu and imu both)
	down   bool               // closed by Engine.Close rather than by Close
	stmts  map[*Stmt]struct{} // prepared statements to destroy on close
	open   map[*Rows]struct{} // rows holding DuckDB results or chunks
	active *Rows              // the streaming result, if any, that owns the connection

	// A transaction block fails as a whole at its first error, as in PostgreSQL (DuckDB
	// aborts it only for errors raised while running, not while planning).
	inTx, failed bool
	// schemaTx: the open transaction made, dropped or renamed a schema.
	schemaTx bool
	// privTx: the open transaction ran a statement that may change privilege checks.
	privTx bool
	// passed caches the privilege checks the session passed (privileges.go).
	passed privCache

	// The search path (searchpath.go): the session's, and what DuckDB was given.
	path      []string
	pathSet   string // the value of DuckDB's search_path
	pathGen   uint64 // Engine.schemaGen when pathSet was worked out
	pathStale bool   // path changed since
	noSchema  bool   // no schema of the path exists

	// imu guards the interrupt handshake: a context's AfterFunc interrupts the connection only
	// while the statement it was registered for still runs.
	imu     sync.Mutex
	seq     uint64
	running uint64
}

// usable reports why the connection cannot run a statement. Callers hold mu.
func (c *Conn) usable() error {
	if c.live {
		return nil
	}
	if c.down {
		return errShutdown()
	}
	return &sql.Error{Code: codeConnectionDoesNotExist, Message: "connection does not exist"}
}

// Prepare parses and plans query without running it.
func (c *Conn) Prepare(ctx context.Context, query string) (sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, canceled(ctx)
	}
	c.detach()
	if err := c.checkFailed(leadingWords(query, 1)); err != nil {
		return nil, err
	}
	if err := c.applyPath(ctx); err != nil {
		return nil, c.fail(err)
	}
	s, err := c.prepare(ctx, query)
	if err != nil {
		return nil, c.fail(err)
	}
	c.stmts[s] = struct{}{}
	return s, nil
}

// Begin starts a transaction block.
func (c *Conn) Begin(ctx context.Context) error { return c.exec(ctx, "BEGIN TRANSACTION") }

// Commit commits the transaction block. A failed block is rolled back instead, as
// PostgreSQL does (its tag is then ROLLBACK).
func (c *Conn) Commit(ctx context.Context) error { return c.exec(ctx, "COMMIT") }

// Rollback rolls the transaction block back.
func (c *Conn) Rollback(ctx context.Context) error { return c.exec(ctx, "ROLLBACK") }

func (c *Conn) exec(ctx context.Context, query string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return canceled(ctx)
	}
	c.detach()
	if query == "COMMIT" && c.failed {
		query = "ROLLBACK"
	}
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(c.dc, query, &res) == mapping.StateError {
		err := mapError(ctx, query, mapping.ResultErrorType(&res), true, mapping.ResultError(&res), 0)
		if err.Code == sql.CodeInternalError {
			c.e.log.Warn("unmapped engine error", slog.String(logKeyError, err.Err.Error()))
		}
		return err
	}
	c.transition(query)
	return nil
}

// schemaChanged tells the other sessions that the schemas changed, once now and once more
// when the transaction that changed them ends. Callers hold mu.
func (c *Conn) schemaChanged() {
	c.e.schemaGen.Add(1)
	if c.inTx {
		c.schemaTx = true
	}
}

// privChanged tells the sessions' privilege caches that a statement may have changed what
// a check answers, once now and once more when the transaction that ran it ends. Callers
// hold mu.
func (c *Conn) privChanged() {
	c.e.privGen.Add(1)
	if c.inTx {
		c.privTx = true
	}
}

// transition follows the transaction block through a transaction statement that succeeded.
func (c *Conn) transition(first string) {
	switch first = strings.ToUpper(first); {
	case strings.HasPrefix(first, "BEGIN"), strings.HasPrefix(first, "START"):
		c.inTx, c.failed = true, false
	case strings.HasPrefix(first, "COMMIT"), strings.HasPrefix(first, "END"),
		strings.HasPrefix(first, "ROLLBACK"), strings.HasPrefix(first, "ABORT"):
		c.inTx, c.failed = false, false
		if c.schemaTx {
			c.schemaTx = false
			c.e.schemaGen.Add(1)
		}
		if c.privTx {
			c.privTx = false
			c.e.privGen.Add(1)
		}
	}
}

// fail records a statement's error against the session: an open transaction block fails,
// and an engine error that no rule maps (XX000) is logged with DuckDB's own text. Callers
// hold mu.
func (c *Conn) fail(err *sql.Error) *sql.Error {
	if c.inTx {
		c.failed = true
	}
	if err.Code == sql.CodeInternalError && err.Err != nil {
		c.e.log.Warn("unmapped engine error", slog.String(logKeyError, err.Err.Error()))
	}
	return err
}

// logKeyError is the slog attribute that carries an engine error's original text.
const logKeyError = "engine_error"

// checkFailed refuses every statement but the end of a failed transaction block.
func (c *Conn) checkFailed(words []string) error {
	if !c.failed {
		return nil
	}
	if len(words) > 0 {
		switch words[0] {
		case "ROLLBACK", "ABORT", "COMMIT", "END":
			return nil
		}
	}
	return &sql.Error{Code: sql.CodeInFailedTransaction, Message: "current transaction is aborted, commands ignored until end of transaction block"}
}

// Close closes the connection, its statements and their rows. It is idempotent.
func (c *Conn) Close() error {
	if c.shutdown(false) {
		c.e.forget(c)
	}
	return nil
}

// shutdown releases everything the connection holds and disconnects it; it reports whether it
// did (false when already closed).
func (c *Conn) shutdown(byEngine bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shutdownLocked(byEngine)
}

func (c *Conn) shutdownLocked(byEngine bool) bool {
	if !c.live {
		return false
	}
	for r := range c.open {
		r.release()
	}
	c.active = nil
	for s := range c.stmts {
		s.destroy()
	}
	c.stmts = nil
	c.e.removeSession(c)
	c.imu.Lock()
	c.live = false
	c.down = byEngine
	mapping.Disconnect(&c.dc)
	c.imu.Unlock()
	return true
}

// interruptAny interrupts whatever runs on the connection now.
func (c *Conn) interruptAny() {
	c.imu.Lock()
	if c.live {
		mapping.Interrupt(c.dc)
	}
	c.imu.Unlock()
}

// watch arranges for the end of ctx to interrupt the statement that starts now; the returned
// stop undoes it. A context that cannot end costs nothing.
func (c *Conn) watch(ctx context.Context) (stop func()) {
	if ctx.Done() == nil {
		return nil
	}
	c.imu.Lock()
	c.seq++
	token := c.seq
	c.running = token
	c.imu.Unlock()
	after := context.AfterFunc(ctx, func() {
		c.imu.Lock()
		if c.running == token && c.live {
			mapping.Interrupt(c.dc)
		}
		c.imu.Unlock()
	})
	return func() {
		after()
		c.imu.Lock()
		if c.running == token {
			c.running = 0
		}
		c.imu.Unlock()
	}
}

// detach lets the connection run another statement while a streamed result is still being
// read (another portal, a Prepare between fetches): DuckDB ends a streaming result when the
// next statement starts, so the rest of it is fetched and kept first. Callers hold mu.
func (c *Conn) detach() {
	if r := c.active; r != nil {
		c.active = nil
		r.buffer()
	}
}

// rawExec runs one statement of fakeshift's own (catalog bookkeeping) on the connection.
// Callers hold mu.
func (c *Conn) rawExec(ctx context.Context, query string) *sql.Error {
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(c.dc, query, &res) == mapping.StateError {
		return mapError(ctx, query, mapping.ResultErrorType(&res), true, mapping.ResultError(&res), 0)
	}
	return nil
}

// rawQuery runs a query of fakeshift's own and returns its rows, each value as the rows of
// a statement give it (string, int32, bool, ...; nil for NULL). Callers hold mu.
func (c *Conn) rawQuery(ctx context.Context, query string) ([][]any, *sql.Error) {
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(c.dc, query, &res) == mapping.StateError {
		return nil, mapError(ctx, query, mapping.ResultErrorType(&res), true, mapping.ResultError(&res), 0)
	}
	n := int(mapping.ColumnCount(&res))
	types := make([]*colType, n)
	for i := range n {
		lt := mapping.ColumnLogicalType(&res, mapping.IdxT(i))
		types[i] = newColType(lt)
		mapping.DestroyLogicalType(&lt)
	}
	var rows [][]any
	vecs := make([]vec, n)
	for {
		ch := mapping.FetchChunk(res)
		if ch.Ptr == nil {
			break
		}
		for k := range vecs {
			vecs[k] = vec{}
			vecs[k].init(types[k])
			vecs[k].bind(mapping.DataChunkGetVector(ch, mapping.IdxT(k)))
		}
		size := uint64(mapping.DataChunkGetSize(ch))
		for i := range size {
			row := make([]any, n)
			for k := range vecs {
				row[k] = vecs[k].value(i)
			}
			rows = append(rows, row)
		}
		mapping.DestroyDataChunk(&ch)
	}
	if msg := mapping.ResultError(&res); msg != "" {
		return nil, mapError(ctx, query, mapping.ResultErrorType(&res), true, msg, 0)
	}
	return rows, nil
}

// prepare builds a Stmt. Callers hold mu.
func (c *Conn) prepare(ctx context.Context, query string) (*Stmt, *sql.Error) {
	if strings.IndexByte(query, 0) >= 0 {
		return nil, &sql.Error{Code: codeCharacterNotInRepertoire, Message: `invalid byte sequence for encoding "UTF8": 0x00`}
	}
	tr, terr := translate(query)
	if terr != nil {
		return nil, terr
	}
	if tr.makesView {
		c.e.views.Store(true) // before the view exists: resolve looks for views from now on
	}
	if tr.local != nil {
		// Run by fakeshift itself: nothing to prepare, no parameters, no rows.
		return &Stmt{c: c, query: query, tr: tr, words: leadingWords(query, 4)}, nil
	}
	s := &Stmt{c: c, query: tr.text, tr: tr}
	if mapping.Prepare(c.dc, tr.text, &s.ps) == mapping.StateError {
		msg := mapping.PrepareError(s.ps)
		mapping.DestroyPrepare(&s.ps)
		err := mapError(ctx, tr.text, 0, false, msg, kindOf(leadingWords(tr.text, 1)))
		if tr.text != query {
			err.Position = 0 // a position in the translation means nothing to the client
		}
		return nil, err
	}
	s.kind = mapping.PreparedStatementType(s.ps)
	s.words = leadingWords(tr.text, 4)
	if err := refuse(s.kind); err != nil {
		mapping.DestroyPrepare(&s.ps)
		return nil, err
	}
	s.describe()
	return s, nil
}

// startStreaming and startMaterialized begin running a bound statement.
func startStreaming(ps mapping.PreparedStatement, pending *mapping.PendingResult) mapping.State {
	return bindings.PendingPreparedStreaming(ps, pending)
}

func startMaterialized(ps mapping.PreparedStatement, pending *mapping.PendingResult) mapping.State {
	return mapping.PendingPrepared(ps, pending)
}
