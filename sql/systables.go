package sql

import "context"

// Visibility says who sees which rows of a system table, as the Redshift documentation
// states it for each table.
type Visibility int

const (
	// VisibleAll: every user sees every row.
	VisibleAll Visibility = iota
	// VisibleOwnRows: superusers see every row, other users the rows whose user column is
	// their own: their user id for an INTEGER column, their user name for a VARCHAR one.
	VisibleOwnRows
	// SuperuserOnly: other users get 42501 permission denied.
	SuperuserOnly
)

// ColumnType is a system table column's type, in DuckDB's spelling. Character columns are
// VARCHAR and their values unpadded, so that WHERE username = 'alice' works as in Redshift.
type ColumnType string

// The column types system tables use.
const (
	TypeInt       ColumnType = "INTEGER"   // Go int32
	TypeBigint    ColumnType = "BIGINT"    // Go int64
	TypeVarchar   ColumnType = "VARCHAR"   // Go string
	TypeTimestamp ColumnType = "TIMESTAMP" // Go time.Time (UTC)
	TypeBool      ColumnType = "BOOLEAN"   // Go bool
	TypeIntArray  ColumnType = "INTEGER[]" // Go []int32
)

// SysColumn is one column of a system table.
type SysColumn struct {
	Name string
	Type ColumnType
}

// SysTable describes a Redshift system table or view that fakeshift serves.
type SysTable struct {
	Name       string // lower case, e.g. "stl_query"
	Columns    []SysColumn
	Visibility Visibility
	// UserColumn names the column holding the row's user (id or name), for VisibleOwnRows.
	UserColumn string
}

// Viewer is who reads a system table: its rows are filtered by the table's Visibility.
type Viewer struct {
	UserID    int32
	UserName  string
	Superuser bool
}

// RecordSource serves the rows of the system tables. The engine calls it when a statement
// reads one; it returns every row (the engine applies Visibility). A source whose users and
// groups carry a version, a CatalogVersion() uint64 that moves whenever they change, lets the
// engine keep the privilege checks a session passed until it moves.
type RecordSource interface {
	// ScanSystemTable calls emit for each row of table (a SystemTables name), oldest first,
	// with values of the Go types listed for its columns' types (nil for NULL), until emit
	// returns an error, which it returns. emit is called from one goroutine and never after
	// ScanSystemTable returns; the row is only valid during the call (the engine keeps
	// nothing of it), so a source may reuse one slice.
	ScanSystemTable(ctx context.Context, table string, emit func(row []any) error) error
}

func cols(spec ...string) []SysColumn {
	out := make([]SysColumn, 0, len(spec)/2)
	for i := 0; i+1 < len(spec); i += 2 {
		out = append(out, SysColumn{Name: spec[i], Type: ColumnType(spec[i+1])})
	}
	return out
}

const (
	i32 = string(TypeInt)
	i64 = string(TypeBigint)
	str = string(TypeVarchar)
	ts  = string(TypeTimestamp)
	bl  = string(TypeBool)
	ia  = string(TypeIntArray)
)

// statementTextColumns are the columns SVL_STATEMENTTEXT, STL_DDLTEXT and STL_UTILITYTEXT
// share (the last two have no type column).
func statementTextColumns(withType bool) []SysColumn {
	c := cols("userid", i32, "xid", i64, "pid", i32, "label", str, "starttime", ts, "endtime", ts, "sequence", i32)
	if withType {
		c = append(c, SysColumn{"type", TypeVarchar})
	}
	return append(c, SysColumn{"text", TypeVarchar})
}

// SystemTables are the system tables fakeshift serves, with the columns and types of the
// Redshift documentation, in its order.
var SystemTables = []SysTable{
	{Name: "stl_connection_log", Visibility: SuperuserOnly, Columns: cols(
		"event", str, "recordtime", ts, "remotehost", str, "remoteport", str, "pid", i32, "dbname", str,
		"username", str, "authmethod", str, "duration", i32, "sslversion", str, "sslcipher", str, "mtu", i32,
		"sslcompression", str, "sslexpansion", str, "iamauthguid", str, "application_name", str,
		"os_version", str, "driver_version", str, "plugin_name", str, "protocol_version", i32, "sessionid", str)},
	{Name: "sys_connection_log", Visibility: SuperuserOnly, Columns: cols(
		"event", str, "record_time", ts, "remote_host", str, "remote_port", str, "session_id", i32,
		"database_name", str, "user_name", str, "auth_method", str, "duration", i64, "ssl_version", str,
		"ssl_cipher", str, "mtu", i32, "ssl_compression", str, "ssl_expansion", str, "iam_auth_guid", str,
		"application_name", str, "driver_version", str, "os_version", str, "plugin_name", str,
		"protocol_version", i32, "global_session_id", str)},
	{Name: "stl_userlog", Visibility: SuperuserOnly, Columns: cols(
		"userid", i32, "username", str, "oldusername", str, "action", str, "usecreatedb", i32, "usesuper", i32,
		"usecatupd", i32, "valuntil", ts, "pid", i32, "xid", i64, "recordtime", ts)},
	{Name: "sys_userlog", Visibility: SuperuserOnly, Columns: cols(
		"user_id", i32, "user_name", str, "original_user_name", str, "action", str, "has_create_db_privs", i32,
		"is_superuser", i32, "has_update_catalog_privs", i32, "password_expiration", ts, "session_id", i32,
		"transaction_id", i64, "record_time", ts)},
	{Name: "svl_statementtext", Visibility: VisibleOwnRows, UserColumn: "userid", Columns: statementTextColumns(true)},
	{Name: "stl_ddltext", Visibility: VisibleOwnRows, UserColumn: "userid", Columns: statementTextColumns(false)},
	{Name: "stl_utilitytext", Visibility: VisibleOwnRows, UserColumn: "userid", Columns: statementTextColumns(false)},
	{Name: "stl_query", Visibility: VisibleOwnRows, UserColumn: "userid", Columns: cols(
		"userid", i32, "query", i32, "label", str, "xid", i64, "pid", i32, "database", str, "querytxt", str,
		"starttime", ts, "endtime", ts, "aborted", i32, "insert_pristine", i32, "concurrency_scaling_status", i32)},
	{Name: "sys_query_history", Visibility: VisibleOwnRows, UserColumn: "user_id", Columns: cols(
		"user_id", i32, "query_id", i64, "query_label", str, "transaction_id", i64, "session_id", i32,
		"database_name", str, "query_type", str, "status", str, "result_cache_hit", bl, "start_time", ts,
		"end_time", ts, "elapsed_time", i64, "queue_time", i64, "execution_time", i64, "error_message", str,
		"returned_rows", i64, "returned_bytes", i64, "query_text", str, "redshift_version", str)},
	{Name: "stv_sessions", Visibility: VisibleOwnRows, UserColumn: "user_name", Columns: cols(
		"starttime", ts, "process", i32, "user_name", str, "db_name", str, "session_timeout", i32)},
	{Name: "pg_user", Visibility: VisibleAll, Columns: cols(
		"usename", str, "usesysid", i32, "usecreatedb", bl, "usesuper", bl, "usecatupd", bl, "passwd", str,
		"valuntil", ts, "useconfig", str)},
	{Name: "pg_group", Visibility: VisibleAll, Columns: cols("groname", str, "grosysid", i32, "grolist", ia)},
	{Name: "svl_user_info", Visibility: VisibleOwnRows, UserColumn: "usesysid", Columns: cols(
		"usename", str, "usesysid", i32, "usecreatedb", bl, "usesuper", bl, "usecatupd", bl, "useconnlimit", str,
		"syslogaccess", str, "last_ddl_ts", ts, "sessiontimeout", i32, "external_user_id", str)},
}

// LookupSystemTable finds a system table by its lower-case name.
func LookupSystemTable(name string) (*SysTable, bool) {
	for i := range SystemTables {
		if SystemTables[i].Name == name {
			return &SystemTables[i], true
		}
	}
	return nil, false
}

// ColumnIndex returns the position of the named column, or -1.
func (t *SysTable) ColumnIndex(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}
