package duckdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/fakeshift/fakeshift/sql"
)

// Defaults for the zero values of Config.
const (
	DefaultMemoryLimit = "512MB"
	DefaultThreads     = 1
)

// Config configures one engine instance.
type Config struct {
	// Path is the database file; "" keeps the database in memory. A file database survives
	// Close and is found again by the next Open of the same Path.
	Path string
	// MemoryLimit caps the instance's memory, in DuckDB's notation ("512MB", "2GiB").
	// "" means DefaultMemoryLimit. An in-memory instance never spills to disk: past the limit a
	// statement fails with SQLSTATE 53200.
	MemoryLimit string
	// Threads is the number of worker threads of the instance; 0 means DefaultThreads.
	Threads int
	// Logger receives the engine's diagnostics; nil means slog.Default().
	Logger *slog.Logger
	// Source serves the system tables (sql.SystemTables) to every session, each seeing the
	// rows its identity may see. nil means no system tables: reading one is then 42P01, as
	// for any unknown relation.
	Source sql.RecordSource
}

// Engine is one sandboxed DuckDB instance. It implements sql.Engine.
type Engine struct {
	db  mapping.Database
	log *slog.Logger
	src sql.RecordSource

	mu     sync.Mutex
	conns  map[*Conn]struct{}
	closed bool

	// schemaGen counts the statements that made, dropped or renamed a schema, and the ends
	// of the transactions that ran one: a session works out its search path again when it
	// moved (searchpath.go).
	schemaGen atomic.Uint64
	// views: a user's view may exist, in the database or a session's temporary schema. It is
	// set at Open when the database holds one and when a statement that makes one is
	// prepared, and never cleared: while it is false, a privilege check need not look for a
	// view that would hide a table (Conn.resolve), which costs more than the rest of it.
	views atomic.Bool
	// privGen counts the statements that may change what a privilege check answers (any but
	// a query or a plain INSERT, UPDATE or DELETE: grants, owners, relations, schemas)
	// and the ends of the transactions that ran one, and Reset: a session's cache of the
	// checks it passed (privileges.go) holds for one value of it.
	privGen atomic.Uint64

	// The system tables' state (systables.go): the sessions by DuckDB connection id, and the
	// scans running a RecordSource, which end when ctx does (at Close).
	smu      sync.Mutex
	sessions map[uint64]*Conn
	ctx      context.Context
	cancel   context.CancelFunc
	scans    sync.WaitGroup
}

var (
	_ sql.Engine = (*Engine)(nil)
	_ sql.Conn   = (*Conn)(nil)
	_ sql.Stmt   = (*Stmt)(nil)
	_ sql.Rows   = (*Rows)(nil)
)

// Open starts a DuckDB instance with the sandbox settings, makes public the default schema and
// locks the configuration so that no statement can loosen the sandbox.
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.MemoryLimit == "" {
		cfg.MemoryLimit = DefaultMemoryLimit
	}
	if cfg.Threads == 0 {
		cfg.Threads = DefaultThreads
	}
	if cfg.Threads < 0 {
		return nil, fmt.Errorf("duckdb: open: Threads %d is negative", cfg.Threads)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: open: %w", err)
	}

	// The sandbox. Order matters only for lock_configuration, which is set last, after the
	// bootstrap statements below.
	settings := [][2]string{
		{"threads", strconv.Itoa(cfg.Threads)},
		{"memory_limit", cfg.MemoryLimit},
		{"enable_external_access", "false"},
		{"autoinstall_known_extensions", "false"},
		{"autoload_known_extensions", "false"},
		{"allow_community_extensions", "false"},
		{"allow_unsigned_extensions", "false"},
		{"integer_division", "true"},
	}
	if cfg.Path == "" {
		// An in-memory instance would spill to ".tmp" in the working directory.
		settings = append(settings, [2]string{"max_temp_directory_size", "0B"})
	}
	var dcfg mapping.Config
	if mapping.CreateConfig(&dcfg) == mapping.StateError {
		mapping.DestroyConfig(&dcfg)
		return nil, errors.New("duckdb: open: cannot create a configuration")
	}
	defer mapping.DestroyConfig(&dcfg)
	for _, kv := range settings {
		if mapping.SetConfig(dcfg, kv[0], kv[1]) == mapping.StateError {
			return nil, fmt.Errorf("duckdb: open: invalid setting %s=%q", kv[0], kv[1])
		}
	}

	e := &Engine{log: cfg.Logger, src: cfg.Source, conns: map[*Conn]struct{}{}, sessions: map[uint64]*Conn{}}
	var msg string
	if mapping.OpenExt(cfg.Path, &e.db, dcfg, &msg) == mapping.StateError {
		mapping.Close(&e.db)
		return nil, fmt.Errorf("duckdb: open %q: %s", cfg.Path, msg)
	}
	if e.src != nil {
		if err := e.registerSystemTables(); err != nil {
			mapping.Close(&e.db)
			return nil, fmt.Errorf("duckdb: open %q: %w", cfg.Path, err)
		}
	}
	// Redshift's default schema is public; DuckDB's is main. Sessions set schema='public' on
	// connect (a per-connection setting that the lock does not cover).
	// The catalog's macros name the session macro current_user_id(), which must exist when
	// they are made: the bootstrap connection has one of its own.
	boot := "CREATE SCHEMA IF NOT EXISTS public;CREATE TEMP MACRO current_user_id() AS CAST(NULL AS INTEGER);" + catalogSQL
	if cfg.Path != "" { // a database on disk may come from a build that gave DuckDB its keys
		made, err := e.hasConstraintsTable(ctx)
		if err != nil {
			mapping.Close(&e.db)
			return nil, fmt.Errorf("duckdb: open %q: %w", cfg.Path, err)
		}
		if !made {
			boot += importKeysSQL
		}
	}
	if e.src != nil {
		boot += catalogUserSQL + pgCatalogSQL
	}
	if err := e.bootstrap(boot + "SET lock_configuration = true;"); err != nil {
		mapping.Close(&e.db)
		return nil, fmt.Errorf("duckdb: open %q: %w", cfg.Path, err)
	}
	if err := e.findViews(ctx); err != nil {
		mapping.Close(&e.db)
		return nil, fmt.Errorf("duckdb: open %q: look for views: %w", cfg.Path, err)
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.log.Debug("engine open", slog.String(logKeyPath, cfg.Path),
		slog.String("memory_limit", cfg.MemoryLimit), slog.Int("threads", cfg.Threads))
	return e, nil
}

// logKeyPath is the slog attribute that names the database file.
const logKeyPath = "path"

func (e *Engine) bootstrap(query string) error {
	var dc mapping.Connection
	if mapping.Connect(e.db, &dc) == mapping.StateError {
		return errors.New("cannot connect")
	}
	defer mapping.Disconnect(&dc)
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(dc, query, &res) == mapping.StateError {
		return errors.New(mapping.ResultError(&res))
	}
	return nil
}

// rawConn is a connection of the engine's own, for rawQuery and rawExec: no session's, no
// identity. The caller disconnects c.dc, and keeps Close from closing the database meanwhile.
func (e *Engine) rawConn() (*Conn, error) {
	c := &Conn{e: e}
	if mapping.Connect(e.db, &c.dc) == mapping.StateError {
		return nil, errors.New("cannot connect")
	}
	return c, nil
}

// findViews sets views when the database holds a view of a user's (a database file made
// before, or views left after a reset).
func (e *Engine) findViews(ctx context.Context) error {
	c, err := e.rawConn()
	if err != nil {
		return err
	}
	defer mapping.Disconnect(&c.dc)
	rows, qerr := c.rawQuery(ctx, "SELECT count(*) FROM duckdb_views() WHERE NOT internal AND schema_name NOT IN ("+
		quote(catalogSchema)+", 'information_schema', 'pg_catalog')")
	if qerr != nil {
		return qerr
	}
	if n, _ := asInt64(rows[0][0]); n > 0 {
		e.views.Store(true)
	}
	return nil
}

// hasConstraintsTable reports whether the catalog's constraints table exists.
func (e *Engine) hasConstraintsTable(ctx context.Context) (bool, error) {
	c, err := e.rawConn()
	if err != nil {
		return false, err
	}
	defer mapping.Disconnect(&c.dc)
	rows, qerr := c.rawQuery(ctx, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = "+quote(catalogSchema)+
		" AND table_name = 'constraints'")
	if qerr != nil {
		return false, qerr
	}
	n, _ := asInt64(rows[0][0])
	return n > 0, nil
}

// Connect opens a DuckDB connection for one session and defines the identity functions on it.
func (e *Engine) Connect(ctx context.Context, id sql.Identity) (sql.Conn, error) {
	return e.connect(ctx, id)
}

func (e *Engine) connect(ctx context.Context, id sql.Identity) (*Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, canceled(ctx)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, errShutdown()
	}
	c := &Conn{e: e, id: id, stmts: map[*Stmt]struct{}{}, open: map[*Rows]struct{}{},
		path: defaultSearchPath, pathSet: quoteIdent("public"), pathStale: true}
	if mapping.Connect(e.db, &c.dc) == mapping.StateError {
		return nil, &sql.Error{Code: sql.CodeInternalError, Message: "could not open an engine connection"}
	}
	c.live = true
	var res mapping.Result
	state := mapping.Query(c.dc, sessionSQL(id), &res)
	if state == mapping.StateError {
		err := mapError(ctx, "", mapping.ResultErrorType(&res), true, mapping.ResultError(&res), 0)
		mapping.DestroyResult(&res)
		mapping.Disconnect(&c.dc)
		return nil, err
	}
	mapping.DestroyResult(&res)
	e.conns[c] = struct{}{}
	e.addSession(c)
	return c, nil
}

// sessionSQL is run on every new connection: the schema, the identity
// functions and Redshift's division by zero. Temporary macros live in the connection's own
// temp catalog, so each session sees only its own identity.
func sessionSQL(id sql.Identity) string {
	return "SET schema = 'public';" +
		"CREATE OR REPLACE TEMP MACRO current_user() AS " + quote(id.User) + ";" +
		"CREATE OR REPLACE TEMP MACRO session_user() AS " + quote(id.User) + ";" +
		`CREATE OR REPLACE TEMP MACRO "user"() AS ` + quote(id.User) + ";" +
		"CREATE OR REPLACE TEMP MACRO current_database() AS " + quote(id.Database) + ";" +
		"CREATE OR REPLACE TEMP MACRO current_user_id() AS CAST(" + strconv.FormatInt(int64(id.UserID), 10) + " AS INTEGER);" +
		"CREATE OR REPLACE TEMP MACRO pg_backend_pid() AS CAST(" + strconv.FormatInt(int64(id.PID), 10) + " AS INTEGER);" +
		"CREATE OR REPLACE TEMP MACRO version() AS " + quote(id.Version) + ";" +
		// integer_division makes every / a //. DuckDB answers NULL to a division or modulo by
		// zero where Redshift raises "division by zero"; the operator macros restore the error.
		`CREATE OR REPLACE TEMP MACRO "//"(a, b) AS CASE WHEN b = 0 THEN error('division by zero') ELSE divide(a, b) END;` +
		`CREATE OR REPLACE TEMP MACRO "%"(a, b) AS CASE WHEN b = 0 THEN error('division by zero') ELSE mod(a, b) END;` +
		dialectMacros
}

// quote renders s as a SQL string literal. DuckDB's literals are standard conforming:
// a backslash is an ordinary character and a quote is doubled.
func quote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			b = append(b, '\'')
		}
		if s[i] == 0 {
			continue // a NUL would end the statement text handed to C
		}
		b = append(b, s[i])
	}
	return string(append(b, '\''))
}

// Close closes every connection (interrupting what runs on them) and the instance. It is
// idempotent.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.smu.Lock()
	e.cancel() // ends the system tables' scans (startScan checks it under smu)
	e.smu.Unlock()
	conns := make([]*Conn, 0, len(e.conns))
	for c := range e.conns {
		conns = append(conns, c)
	}
	e.conns = nil
	e.mu.Unlock()

	for _, c := range conns {
		// DuckDB clears an interrupt when a statement starts, so one that lands just before
		// a statement would be lost: interrupt until the connection is ours.
		for !c.mu.TryLock() {
			c.interruptAny()
			time.Sleep(5 * time.Millisecond)
		}
		c.shutdownLocked(true)
		c.mu.Unlock()
	}
	mapping.Close(&e.db)
	e.scans.Wait()
	e.log.Debug("engine closed", slog.Int("connections", len(conns)))
	return nil
}

func (e *Engine) forget(c *Conn) {
	e.mu.Lock()
	delete(e.conns, c)
	e.mu.Unlock()
}
