package sql

import "context"

// Engine runs the statements that fakeshift does not execute itself (everything but user and
// group DDL, transaction control and session settings). A cluster opens one Engine per
// database; each session connects once and keeps its connection for its lifetime.
type Engine interface {
	// Connect opens a connection for one session. The identity answers current_user,
	// session_user, current_database(), pg_backend_pid() and version() on that connection.
	Connect(ctx context.Context, id Identity) (Conn, error)
	// ResetCatalog forgets the owners and grants of every object and the attributes of every
	// table, but the owners and grants of a new database (the master user owns it and schema
	// public; PUBLIC may use and create in public and make temporary tables). A cluster's
	// Reset calls it once it has dropped every relation and schema: user ids start again
	// then, and a grant left behind would pass to the next user of the same id.
	ResetCatalog(ctx context.Context) error
	Close() error
}

// Identity is who a session is, as the SQL functions that report it must answer and as
// the system tables filter their rows.
type Identity struct {
	User      string // current_user and session_user
	UserID    int32
	Superuser bool
	Database  string // current_database()
	PID       int32  // pg_backend_pid()
	Version   string // version()
}

// Conn is one session's connection to the engine. Its methods are called from one goroutine
// at a time.
type Conn interface {
	// Prepare parses and plans one statement (no trailing semicolon needed). Parameters are
	// written $1, $2, ...
	Prepare(ctx context.Context, query string) (Stmt, error)
	// SetSearchPath sets the schemas in which unqualified names are looked up, in order (as
	// ParseSearchPath reads a search_path value; UserSchema stands for the session user's
	// schema). Objects made without a schema go into the first of them that exists; schemas
	// that do not exist are skipped, as in PostgreSQL. A new connection's path is
	// UserSchema, public.
	SetSearchPath(path []string) error
	Begin(ctx context.Context) error
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
	Close() error
}

// Stmt is a prepared statement.
type Stmt interface {
	// Params reports the PostgreSQL type OID of each parameter (25, text, when the engine
	// cannot tell).
	Params() []uint32
	// Columns describes the result rows; it is empty for statements that return none.
	Columns() []Column
	// Query runs the statement with args (nil, or Go values: string, int64, float64, bool,
	// []byte, time.Time) and returns its rows.
	Query(ctx context.Context, args []any) (Rows, error)
	Close() error
}

// Rows is the result of one run of a statement.
type Rows interface {
	// Next fills dest (len(Columns())) with the next row's values and returns io.EOF after
	// the last row. Values are nil, bool, int16, int32, int64, float32, float64, string,
	// []byte, time.Time, or a value whose String method gives its PostgreSQL text form
	// (numeric, interval, ...).
	Next(dest []any) error
	// Tag is the command tag, valid after Next returned io.EOF: "SELECT 3", "INSERT 0 2",
	// "UPDATE 1", "CREATE TABLE", ...
	Tag() string
	Close() error
}

// Column describes one result column the way a PostgreSQL RowDescription does.
type Column struct {
	Name    string
	TypeOID uint32
	Size    int16 // pg_type.typlen: -1 for variable length
	TypeMod int32 // -1 when none
}
